package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var natGatewayMissing = &Rule{
	ID:       "nat-gateway-missing",
	Title:    "NAT gateway outbound type without a usable NAT gateway",
	Severity: finding.Error,
	Doc: "Outbound type userAssignedNATGateway makes AKS rely on a NAT gateway you associated with " +
		"the node subnets before the cluster exists. AKS creates none and adds no load balancer " +
		"outbound IP, so a node subnet without a NAT gateway leaves its nodes with no egress and the " +
		"cluster fails to provision. The managed types, managedNATGateway and managedNATGatewayV2, go " +
		"the other way: AKS creates the gateway itself and supports them only on the VNet it manages, " +
		"never on a VNet you bring. Dual-stack egress needs a NAT gateway that speaks IPv6. The " +
		"Standard SKU is IPv4-only, so dual-stack clusters need StandardV2 (managedNATGatewayV2, or a " +
		"StandardV2 user-assigned gateway with IPv6 public IPs).",
	Remediation: "Associate a NAT gateway with every node subnet before creating the cluster " +
		"(outbound.type: userAssignedNATGateway), or use a managed NAT gateway only on an AKS-managed VNet.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/nat-gateway",
		"https://learn.microsoft.com/azure/aks/egress-outboundtype",
		"https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource",
		"https://learn.microsoft.com/azure/aks/azure-cni-overlay",
	},
	Check: egCheckNATGatewayMissing,
}

func egCheckNATGatewayMissing(p *Pass) {
	d := p.Design
	seenSubnet := map[*design.Subnet]bool{}
	seenGateway := map[*design.NATGateway]bool{}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		switch t := c.OutboundType(); t {
		case design.OutboundUserAssignedNATGateway:
			for _, u := range egNodeSubnets(d, c) {
				if seenSubnet[u.Subnet] {
					continue
				}
				seenSubnet[u.Subnet] = true
				if u.Subnet.NATGateway == "" {
					p.Reportf(design.SubnetSubject(u.VNet, u.Subnet), u.Subnet.Path,
						"node subnet %s/%s (%s %s of cluster %s) has no NAT gateway, but outbound type "+
							"userAssignedNATGateway needs one on every node subnet before the cluster is created; "+
							"AKS adds no other egress", u.VNet.Name, u.Subnet.Name,
						egPlural(len(u.Pools), "pool", "pools"), egPoolNames(u.Pools), c.Name)
					continue
				}
				ng := d.NATGatewayByName(u.Subnet.NATGateway)
				if ng == nil || !c.DualStack() || seenGateway[ng] {
					continue
				}
				seenGateway[ng] = true
				egCheckDualStackNAT(p, c, ng)
			}
		case design.OutboundManagedNATGateway, design.OutboundManagedNATGatewayV2:
			if egBYOVNet(c) {
				p.Report(Issue{
					Subject: c.Subject(), Path: egOutboundTypePath(c),
					Message: fmt.Sprintf("cluster %s uses outbound type %s on its own VNet%s; AKS creates managed "+
						"NAT gateways only in the VNet it manages", c.Name, t, egVNetSuffix(c)),
					Remediation: "Create a NAT gateway, associate it with every node subnet and set " +
						"outbound.type: userAssignedNATGateway.",
				})
				continue
			}
			if t == design.OutboundManagedNATGateway && c.DualStack() {
				p.Report(Issue{
					Subject: c.Subject(), Path: egOutboundTypePath(c),
					Message: fmt.Sprintf("cluster %s is dual-stack but uses managedNATGateway, a Standard NAT "+
						"gateway that is IPv4-only", c.Name),
					Remediation: "Use outbound.type: managedNATGatewayV2 (StandardV2 NAT gateway, IPv6 capable).",
				})
			}
		}
	}
}

// egVNetSuffix returns " (vnet NAME)" when the cluster names its VNet.
func egVNetSuffix(c *design.Cluster) string {
	if c.VNet == "" {
		return ""
	}
	return " (vnet " + c.VNet + ")"
}

// egCheckDualStackNAT checks that a user-assigned NAT gateway serving a
// dual-stack cluster can carry IPv6.
func egCheckDualStackNAT(p *Pass, c *design.Cluster, ng *design.NATGateway) {
	if ng.SKU != design.NATStandardV2 {
		path, sku := ng.Path, "Standard (the default SKU)"
		if ng.SKU != "" {
			path, sku = design.Field(ng.Path, "sku"), string(ng.SKU)
		}
		p.Report(Issue{
			Subject: ng.Subject(), Path: path,
			Message: fmt.Sprintf("NAT gateway %s serves dual-stack cluster %s but its SKU is %s, which is "+
				"IPv4-only", ng.Name, c.Name, sku),
			Remediation: "Use a StandardV2 NAT gateway with StandardV2 IPv4 and IPv6 public IPs on the node subnets.",
		})
		return
	}
	if ng.PublicIPv6s == 0 {
		p.Report(Issue{
			Subject: ng.Subject(), Path: ng.Path, Severity: finding.Warning,
			Message: fmt.Sprintf("NAT gateway %s serves dual-stack cluster %s but has no IPv6 public IPs "+
				"(publicIPv6s), so it gives the cluster no IPv6 egress", ng.Name, c.Name),
			Remediation: "Add StandardV2 IPv6 public IPs to the NAT gateway (publicIPv6s).",
		})
	}
}
