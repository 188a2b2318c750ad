package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var udrMissingDefaultRoute = &Rule{
	ID:       "udr-missing-default-route",
	Title:    "Egress routing does not send traffic through the firewall it relies on",
	Severity: finding.Error,
	Doc: "With outbound type userDefinedRouting, AKS creates no outbound public IP and trusts the " +
		"subnet's route table to carry egress. Every node subnet of every pool needs a route table whose " +
		"0.0.0.0/0 route points at a firewall or network virtual appliance (next hop VirtualAppliance " +
		"with its IP address) or at a virtual network gateway. Without one, nodes cannot reach the " +
		"control plane, image registries or package mirrors, and creating or scaling the cluster fails. " +
		"AKS rejects a default route with next hop Internet. For dual-stack clusters an IPv6 ::/0 route " +
		"is optional. When requirements.egressInspection says egress must be inspected, any outbound " +
		"type other than userDefinedRouting, none or block sends traffic past the firewall. Conversely, " +
		"a default route to an appliance on a loadBalancer or NAT gateway cluster leaves that egress " +
		"path unused and makes replies to public LoadBalancer Services return through the firewall, " +
		"which drops the asymmetric flows.",
	Remediation: "Attach a route table to every node subnet with a 0.0.0.0/0 route whose next hop is " +
		"VirtualAppliance and the firewall's private IP (or VirtualNetworkGateway), and set " +
		"outbound.type: userDefinedRouting.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/egress-udr",
		"https://learn.microsoft.com/azure/aks/limit-egress-traffic",
		"https://learn.microsoft.com/azure/aks/egress-outboundtype",
		"https://learn.microsoft.com/azure/aks/configure-dual-stack",
	},
	Check: egCheckUDRDefaultRoute,
}

func egCheckUDRDefaultRoute(p *Pass) {
	d := p.Design
	seenSubnet := map[*design.Subnet]bool{}
	seenTable := map[*design.RouteTable]bool{}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		t := c.OutboundType()
		if c.Requirements.EgressInspection {
			switch t {
			case design.OutboundUserDefinedRouting, design.OutboundNone, design.OutboundBlock:
			default:
				p.Report(Issue{
					Subject: c.Subject(), Path: egOutboundTypePath(c),
					Message: fmt.Sprintf("cluster %s requires egress inspection (requirements.egressInspection) but "+
						"its outbound type is %s: egress leaves through that path's public IPs and never passes "+
						"the firewall", c.Name, egOutboundTypeName(c)),
					Remediation: "Set outbound.type: userDefinedRouting and route 0.0.0.0/0 from every node subnet " +
						"to the firewall (next hop VirtualAppliance).",
				})
			}
		}
		switch t {
		case design.OutboundUserDefinedRouting:
			for _, u := range egNodeSubnets(d, c) {
				if seenSubnet[u.Subnet] {
					continue
				}
				seenSubnet[u.Subnet] = true
				egCheckUDRSubnet(p, c, u, seenTable)
			}
		case design.OutboundLoadBalancer, design.OutboundUserAssignedNATGateway:
			for _, u := range egNodeSubnets(d, c) {
				rt := d.RouteTableByName(u.Subnet.RouteTable)
				if rt == nil || seenTable[rt] {
					continue
				}
				j := egDefaultRoute(rt, false)
				if j < 0 {
					continue
				}
				r := &rt.Routes[j]
				if r.NextHopType != design.NextHopVirtualAppliance && r.NextHopType != design.NextHopVirtualNetworkGateway {
					continue
				}
				seenTable[rt] = true
				p.Report(Issue{
					Subject: rt.Subject(), Path: r.Path, Severity: finding.Warning,
					Message: fmt.Sprintf("route table %s on node subnet %s/%s of cluster %s sends 0.0.0.0/0 to %s, "+
						"but the cluster's outbound type is %s: egress goes to the appliance and never uses that "+
						"path, and replies to public LoadBalancer Services return through the appliance, which "+
						"drops the asymmetric flows", rt.Name, u.VNet.Name, u.Subnet.Name, c.Name, r.NextHopType,
						egOutboundTypeName(c)),
					Remediation: "Set outbound.type: userDefinedRouting if egress is meant to pass the appliance, or " +
						"remove the 0.0.0.0/0 route from the node subnets' route table.",
				})
			}
		}
	}
}

// egCheckUDRSubnet checks one node subnet of a userDefinedRouting cluster.
func egCheckUDRSubnet(p *Pass, c *design.Cluster, u egSubnetUse, seenTable map[*design.RouteTable]bool) {
	where := fmt.Sprintf("node subnet %s/%s (%s %s of cluster %s)", u.VNet.Name, u.Subnet.Name,
		egPlural(len(u.Pools), "pool", "pools"), egPoolNames(u.Pools), c.Name)
	if u.Subnet.RouteTable == "" {
		p.Reportf(design.SubnetSubject(u.VNet, u.Subnet), u.Subnet.Path,
			"%s has no route table, but outbound type userDefinedRouting needs a 0.0.0.0/0 route to a firewall "+
				"or appliance on every node subnet; without it the nodes have no egress and AKS fails to create "+
				"or scale the pool", where)
		return
	}
	rt := p.Design.RouteTableByName(u.Subnet.RouteTable)
	if rt == nil || seenTable[rt] {
		return
	}
	seenTable[rt] = true
	j := egDefaultRoute(rt, false)
	if j < 0 {
		p.Reportf(rt.Subject(), rt.Path,
			"route table %s of %s has no 0.0.0.0/0 route; outbound type userDefinedRouting needs one that "+
				"points at a firewall or appliance (VirtualAppliance) or a virtual network gateway", rt.Name, where)
	} else {
		r := &rt.Routes[j]
		switch r.NextHopType {
		case design.NextHopInternet:
			p.Reportf(rt.Subject(), design.Field(r.Path, "nextHopType"),
				"route %s in route table %s of %s sends 0.0.0.0/0 to Internet; AKS rejects a default route "+
					"to Internet with outbound type userDefinedRouting, and such a route would bypass any firewall",
				r.Name, rt.Name, where)
		case design.NextHopNone, design.NextHopVnetLocal:
			p.Reportf(rt.Subject(), design.Field(r.Path, "nextHopType"),
				"route %s in route table %s of %s sends 0.0.0.0/0 to %s, so node egress is dropped or stays in "+
					"the VNet and the nodes cannot reach the AKS control plane or registries",
				r.Name, rt.Name, where, r.NextHopType)
		case design.NextHopVirtualAppliance:
			if !r.NextHopIPAddress.IsValid() {
				p.Reportf(rt.Subject(), r.Path,
					"route %s in route table %s of %s sends 0.0.0.0/0 to VirtualAppliance without a "+
						"nextHopIpAddress; Azure needs the appliance's private IP to deliver the traffic",
					r.Name, rt.Name, where)
			}
		}
	}
	if c.DualStack() && egDefaultRoute(rt, true) < 0 {
		p.Report(Issue{
			Subject: rt.Subject(), Path: rt.Path, Severity: finding.Warning,
			Message: fmt.Sprintf("route table %s of %s has no IPv6 ::/0 route although cluster %s is dual-stack; "+
				"AKS accepts this, but IPv6 egress then does not follow the firewall path", rt.Name, where, c.Name),
			Remediation: "Add a ::/0 route to the firewall's IPv6 address if IPv6 egress must be inspected.",
		})
	}
}
