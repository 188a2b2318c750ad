package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var outboundTypeImplicit = &Rule{
	ID:       "outbound-type-implicit",
	Title:    "Cluster does not state its outbound type",
	Severity: finding.Warning,
	Doc: "When outbound.type is left out, AKS picks loadBalancer. Pod and node egress then leaves " +
		"through a public IP on the cluster's Standard Load Balancer: one IP by default, with 64,000 " +
		"SNAT ports shared among the nodes. That is often not what the network owners expect. A hub " +
		"firewall, a NAT gateway and a blocked internet path each need a different outbound type, and " +
		"changing it later changes the cluster's egress IPs, which breaks the allowlists and the API " +
		"server authorized ranges built on them. Egress is a decision the design should write down, " +
		"above all when requirements.egressInspection says traffic must pass a firewall.",
	Remediation: "Set outbound.type explicitly: userDefinedRouting to send egress through a firewall, " +
		"userAssignedNATGateway or managedNATGateway for NAT gateway egress, or loadBalancer if the " +
		"load balancer's public IP is the intended egress.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/egress-outboundtype",
		"https://learn.microsoft.com/azure/aks/configure-load-balancer-standard",
	},
	Check: egCheckOutboundTypeImplicit,
}

func egCheckOutboundTypeImplicit(p *Pass) {
	for i := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[i]
		if c.Outbound.Type != "" {
			continue
		}
		msg := fmt.Sprintf("cluster %s does not set outbound.type, so AKS uses loadBalancer: egress leaves "+
			"through the load balancer's public IP (1 by default, 64,000 SNAT ports shared by all nodes)", c.Name)
		if c.Requirements.EgressInspection {
			msg += "; requirements.egressInspection is true, and this default sends egress straight to the internet, bypassing the firewall"
		}
		p.Report(Issue{Subject: c.Subject(), Path: design.Field(c.Path, "outbound"), Message: msg})
	}
}
