package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var outboundTypeUnsupported = &Rule{
	ID:       "outbound-type-unsupported",
	Title:    "Outbound type does not fit the cluster's VNet or plugin",
	Severity: finding.Error,
	Doc: "Each outbound type works with one kind of VNet only. userDefinedRouting and " +
		"userAssignedNATGateway send egress through a route table or NAT gateway that you attach to your " +
		"own subnets, so they need a bring-your-own VNet. An AKS-managed VNet accepts neither custom " +
		"routes nor your NAT gateway. The types none and block belong to network-isolated clusters. " +
		"block works only on an AKS-managed VNet, where AKS adds NSG rules that stop internet egress; " +
		"on your own VNet nothing can move to block. Network-isolated clusters do not support kubenet, " +
		"so kubenet rules out none and block. (Managed NAT gateway types on your own VNet are reported " +
		"by nat-gateway-missing.)",
	Remediation: "Pick an outbound type that matches the VNet: userDefinedRouting or userAssignedNATGateway " +
		"on your own VNet, managed NAT gateway or block on an AKS-managed VNet, and Azure CNI for none or block.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/egress-outboundtype",
		"https://learn.microsoft.com/azure/aks/egress-udr",
		"https://learn.microsoft.com/azure/aks/nat-gateway",
		"https://learn.microsoft.com/azure/aks/concepts-network-isolated",
	},
	Check: egCheckOutboundTypeUnsupported,
}

func egCheckOutboundTypeUnsupported(p *Pass) {
	for i := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[i]
		t := c.OutboundType()
		byo := egBYOVNet(c)
		path := egOutboundTypePath(c)
		switch {
		case (t == design.OutboundUserDefinedRouting || t == design.OutboundUserAssignedNATGateway) && !byo:
			p.Report(Issue{
				Subject: c.Subject(), Path: path,
				Message: fmt.Sprintf("cluster %s uses outbound type %s on an AKS-managed VNet (no vnet and no pool "+
					"subnets): this type needs your own VNet, whose subnets carry the route table or NAT gateway", c.Name, t),
				Remediation: "Put the cluster on your own VNet (set vnet and each pool's subnet) with the route table or " +
					"NAT gateway attached, or use managedNATGateway on the AKS-managed VNet.",
			})
		case t == design.OutboundBlock && byo:
			p.Report(Issue{
				Subject: c.Subject(), Path: path,
				Message: fmt.Sprintf("cluster %s uses outbound type block on its own VNet%s; block is available only "+
					"to network-isolated clusters on an AKS-managed VNet", c.Name, egVNetSuffix(c)),
				Remediation: "Use outbound type none on your own VNet and block internet egress with your firewall " +
					"or NSGs, or let AKS manage the VNet.",
			})
		}
		if (t == design.OutboundNone || t == design.OutboundBlock) && c.IPAM() == design.IPAMKubenet {
			p.Report(Issue{
				Subject: c.Subject(), Path: path,
				Message: fmt.Sprintf("cluster %s uses outbound type %s with kubenet; %s is only for network-isolated "+
					"clusters, which do not support kubenet", c.Name, t, t),
				Remediation: "Migrate the cluster to Azure CNI Overlay before making it network-isolated.",
			})
		}
	}
}
