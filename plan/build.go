package plan

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/design"
)

// build writes the design.
func (p *planner) build() {
	r := p.r
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind}
	d.Metadata = design.Metadata{Name: r.Metadata.Name, Owner: r.Metadata.Owner, Labels: maps.Clone(r.Metadata.Labels)}
	if d.Metadata.Name == "" {
		d.Metadata.Name = "aksnet-plan"
	}
	d.Metadata.Description = "Planned by aksnet plan"
	if r.Metadata.Name != "" {
		d.Metadata.Description += " from requirements " + r.Metadata.Name
	}
	if r.Metadata.Description != "" {
		d.Metadata.Description += ": " + r.Metadata.Description
	}
	s := &d.Spec
	s.Planning = p.e.planning
	for _, g := range p.groups {
		s.Planning.FutureClusters += len(g.out)
	}
	for _, a := range r.Spec.Avoid {
		a.Path = ""
		a.CIDRs = append([]netip.Prefix(nil), a.CIDRs...)
		s.ExternalRanges = append(s.ExternalRanges, a)
	}
	for _, g := range p.groups {
		for _, rv := range g.out {
			er := design.ExternalRange{Name: rv.name, Kind: design.RangeReserved, Owner: FutureOwner,
				Notes: "room for a future cluster of region " + g.region + " and environment " + g.env +
					"; a new cluster planned there moves into it", CIDRs: []netip.Prefix{rv.vnet}}
			if rv.pod.IsValid() {
				er.CIDRs = append(er.CIDRs, rv.pod)
			}
			s.ExternalRanges = append(s.ExternalRanges, er)
		}
	}
	var hubNames []string
	for ri := range r.Spec.Regions {
		h := p.hubs[ri]
		if h != nil {
			s.VNets = append(s.VNets, vnetOf(h.name, h.region, h.vnet, vnetPlan{}, h.specs, func(*design.Subnet) {}))
			hubNames = append(hubNames, h.name)
		}
		for _, c := range p.all {
			if c.region != r.Spec.Regions[ri].Name {
				continue
			}
			s.VNets = append(s.VNets, p.spokeVNet(c))
			if c.hub != nil {
				s.Peerings = append(s.Peerings, design.Peering{Name: spokeName(c.name) + "-to-hub", From: spokeName(c.name), To: c.hub.name})
			}
		}
	}
	// Hubs of DR pairs are peered (global VNet peering), once per pair.
	for i, rg := range r.Spec.Regions {
		if rg.DRPair == "" || p.hubs[i] == nil {
			continue
		}
		for j, other := range r.Spec.Regions {
			if other.Name == rg.DRPair && j > i && p.hubs[j] != nil {
				s.Peerings = append(s.Peerings, design.Peering{Name: "hub-" + rg.Name + "-to-hub-" + other.Name,
					From: p.hubs[i].name, To: p.hubs[j].name})
			}
		}
	}
	var zones []string
	for _, c := range p.all {
		switch c.outbound {
		case design.OutboundUserDefinedRouting:
			rt := design.RouteTable{Name: routeTableName(c.name), DisableBGPPropagation: true,
				Routes: []design.Route{{Name: "default-via-hub-firewall", AddressPrefix: "0.0.0.0/0",
					NextHopType: design.NextHopVirtualAppliance, NextHopIPAddress: c.hub.firewallIP}}}
			if c.t.dual {
				rt.Routes = append(rt.Routes, design.Route{Name: "block-uninspected-ipv6", AddressPrefix: "::/0", NextHopType: design.NextHopNone})
			}
			s.RouteTables = append(s.RouteTables, rt)
		case design.OutboundUserAssignedNATGateway:
			ng := design.NATGateway{Name: natGatewayName(c.name), SKU: design.NATStandard, PublicIPs: c.natIPs}
			if c.t.dual {
				ng.SKU, ng.PublicIPv6s = design.NATStandardV2, c.natIPs
			}
			s.NATGateways = append(s.NATGateways, ng)
		}
		for _, pe := range c.t.req.PrivateEndpoints {
			s.PrivateEndpoints = append(s.PrivateEndpoints, design.PrivateEndpoint{
				Name: "pe-" + c.name + "-" + strings.ToLower(string(pe.Service)), Service: pe.Service,
				Subnet: spokeName(c.name) + "/" + subnetPE, Count: max(pe.Count, 1)})
			zs, _ := design.ZonesFor(pe.Service, c.region)
			for _, z := range zs {
				if !containsFold(zones, z) {
					zones = append(zones, z)
				}
			}
		}
		s.Clusters = append(s.Clusters, p.cluster(c))
	}
	links := make([]string, 0, len(p.all)+len(hubNames))
	for _, c := range p.all {
		links = append(links, spokeName(c.name))
	}
	links = append(links, hubNames...)
	for _, z := range zones {
		s.PrivateDNSZones = append(s.PrivateDNSZones, design.PrivateDNSZone{Name: z, Links: slices.Clone(links)})
	}
	p.res.Design = d
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// vnetOf builds a VNet from its plan: subnets in the order of specs, with
// their IPv4 and IPv6 prefixes; attach sets route tables and NAT gateways.
func vnetOf(name, region string, v4, v6 vnetPlan, specs []subnetSpec, attach func(*design.Subnet)) design.VNet {
	v := design.VNet{Name: name, Region: region}
	v.AddressSpace = append(append(v.AddressSpace, v4.spaces...), v6.spaces...)
	for _, sp := range specs {
		sn := design.Subnet{Name: sp.name, Purpose: sp.purpose, Delegation: sp.delegation}
		sn.AddressPrefixes = append(append(sn.AddressPrefixes, v4.placed[sp.name]...), v6.placed[sp.name]...)
		attach(&sn)
		v.Subnets = append(v.Subnets, sn)
	}
	return v
}

// spokeVNet builds a cluster's spoke VNet.
func (p *planner) spokeVNet(c *cp) design.VNet {
	return vnetOf(spokeName(c.name), c.region, c.vnet, c.vnet6, c.sz.specs, func(sn *design.Subnet) {
		if sn.Name != subnetNodes && sn.Name != subnetPods {
			return
		}
		switch c.outbound {
		case design.OutboundUserDefinedRouting:
			sn.RouteTable = routeTableName(c.name)
		case design.OutboundUserAssignedNATGateway:
			sn.NATGateway = natGatewayName(c.name)
		}
	})
}

// cluster builds a design cluster.
func (p *planner) cluster(c *cp) design.Cluster {
	t := c.t
	dc := skeleton(t, c.sz.ipam, c.dataplane, c.policy)
	dc.Name, dc.Region, dc.Environment, dc.VNet = c.name, c.region, c.env, spokeName(c.name)
	if c.pod4.IsValid() {
		dc.Network.PodCIDRs = []netip.Prefix{c.pod4}
		if c.pod6.IsValid() {
			dc.Network.PodCIDRs = append(dc.Network.PodCIDRs, c.pod6)
		}
	}
	dc.Network.ServiceCIDRs = []netip.Prefix{c.svc4}
	if c.svc6.IsValid() {
		dc.Network.ServiceCIDRs = append(dc.Network.ServiceCIDRs, c.svc6)
	}
	dc.Network.DNSServiceIP = c.dns
	dc.Outbound.Type = c.outbound
	if c.outbound == design.OutboundLoadBalancer {
		dc.Outbound.LoadBalancer = &design.LoadBalancerProfile{OutboundIPs: c.lbIPs, AllocatedOutboundPorts: c.lbPorts}
		if t.dual {
			dc.Outbound.LoadBalancer.OutboundIPv6s = 1
		}
	}
	dc.Requirements = design.Requirements{
		PodIPsRoutable:       t.routable,
		PodIPsRoutableReason: t.req.PodIPsRoutableReason,
		ExpectedServices:     t.services,
		NetworkPolicy:        t.policy,
		SensitiveNamespaces:  append([]string(nil), t.req.SensitiveNamespaces...),
		EgressInspection:     t.req.EgressInspection,
	}
	return dc
}
