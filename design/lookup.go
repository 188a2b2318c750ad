package design

import (
	"fmt"
	"strings"
)

// VNetByName returns the VNet called name, or nil.
func (d *Design) VNetByName(name string) *VNet {
	for i := range d.Spec.VNets {
		if d.Spec.VNets[i].Name == name {
			return &d.Spec.VNets[i]
		}
	}
	return nil
}

// SubnetByName returns the subnet of v called name, or nil.
func (v *VNet) SubnetByName(name string) *Subnet {
	for i := range v.Subnets {
		if v.Subnets[i].Name == name {
			return &v.Subnets[i]
		}
	}
	return nil
}

// ResolveSubnet finds the subnet a reference names. A reference is
// "vnet/subnet", or a bare "subnet" that is looked up in defaultVNet when it
// is set, and otherwise must be unique in the design.
func (d *Design) ResolveSubnet(ref, defaultVNet string) (*VNet, *Subnet, error) {
	if ref == "" {
		return nil, nil, fmt.Errorf("empty subnet reference")
	}
	if vn, sn, ok := strings.Cut(ref, "/"); ok {
		v := d.VNetByName(vn)
		if v == nil {
			return nil, nil, fmt.Errorf("subnet reference %q names VNet %q, which is not in spec.vnets", ref, vn)
		}
		s := v.SubnetByName(sn)
		if s == nil {
			return nil, nil, fmt.Errorf("subnet reference %q: VNet %q has no subnet %q", ref, vn, sn)
		}
		return v, s, nil
	}
	if defaultVNet != "" {
		v := d.VNetByName(defaultVNet)
		if v == nil {
			return nil, nil, fmt.Errorf("subnet reference %q: VNet %q is not in spec.vnets", ref, defaultVNet)
		}
		s := v.SubnetByName(ref)
		if s == nil {
			return nil, nil, fmt.Errorf("subnet reference %q: VNet %q has no subnet %q", ref, defaultVNet, ref)
		}
		return v, s, nil
	}
	var fv *VNet
	var fs *Subnet
	for i := range d.Spec.VNets {
		if s := d.Spec.VNets[i].SubnetByName(ref); s != nil {
			if fs != nil {
				return nil, nil, fmt.Errorf("subnet reference %q is ambiguous (VNets %q and %q both have it); write vnet/subnet", ref, fv.Name, d.Spec.VNets[i].Name)
			}
			fv, fs = &d.Spec.VNets[i], s
		}
	}
	if fs == nil {
		return nil, nil, fmt.Errorf("subnet reference %q matches no subnet in any VNet", ref)
	}
	return fv, fs, nil
}

// RouteTableByName returns the route table called name, or nil.
func (d *Design) RouteTableByName(name string) *RouteTable {
	for i := range d.Spec.RouteTables {
		if d.Spec.RouteTables[i].Name == name {
			return &d.Spec.RouteTables[i]
		}
	}
	return nil
}

// NATGatewayByName returns the NAT gateway called name, or nil.
func (d *Design) NATGatewayByName(name string) *NATGateway {
	for i := range d.Spec.NATGateways {
		if d.Spec.NATGateways[i].Name == name {
			return &d.Spec.NATGateways[i]
		}
	}
	return nil
}

// NSGByName returns the NSG called name, or nil.
func (d *Design) NSGByName(name string) *NSG {
	for i := range d.Spec.NSGs {
		if d.Spec.NSGs[i].Name == name {
			return &d.Spec.NSGs[i]
		}
	}
	return nil
}

// ExternalRangeByName returns the external range called name, or nil.
func (d *Design) ExternalRangeByName(name string) *ExternalRange {
	for i := range d.Spec.ExternalRanges {
		if d.Spec.ExternalRanges[i].Name == name {
			return &d.Spec.ExternalRanges[i]
		}
	}
	return nil
}

// ZoneByName returns the private DNS zone called name (case-insensitive), or nil.
func (d *Design) ZoneByName(name string) *PrivateDNSZone {
	for i := range d.Spec.PrivateDNSZones {
		if strings.EqualFold(d.Spec.PrivateDNSZones[i].Name, name) {
			return &d.Spec.PrivateDNSZones[i]
		}
	}
	return nil
}

// PoolSubnet resolves the node subnet of pool p of cluster c. It returns nils
// when the pool has no subnet (AKS-managed VNet).
func (d *Design) PoolSubnet(c *Cluster, p *NodePool) (*VNet, *Subnet) {
	if p.Subnet == "" {
		return nil, nil
	}
	v, s, err := d.ResolveSubnet(p.Subnet, c.VNet)
	if err != nil {
		return nil, nil
	}
	return v, s
}

// PoolPodSubnet resolves the pod subnet of pool p of cluster c, or nils.
func (d *Design) PoolPodSubnet(c *Cluster, p *NodePool) (*VNet, *Subnet) {
	if p.PodSubnet == "" {
		return nil, nil
	}
	v, s, err := d.ResolveSubnet(p.PodSubnet, c.VNet)
	if err != nil {
		return nil, nil
	}
	return v, s
}

// Peers returns the names of everything v is peered with (VNets of the
// design and external ranges), in either direction.
func (d *Design) Peers(v *VNet) []string {
	var out []string
	for _, p := range d.Spec.Peerings {
		switch v.Name {
		case p.From:
			out = append(out, p.To)
		case p.To:
			out = append(out, p.From)
		}
	}
	return out
}
