package terraform

import (
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

type tfVNet struct {
	Name              string           `yaml:"name"`
	Location          string           `yaml:"location"`
	ResourceGroupName string           `yaml:"resource_group_name"`
	AddressSpace      []string         `yaml:"address_space"`
	DNSServers        []string         `yaml:"dns_servers"`
	Subnet            []tfInlineSubnet `yaml:"subnet"`
}

// tfInlineSubnet is a subnet block of azurerm_virtual_network (provider 3.x
// writes address_prefix, 4.x address_prefixes).
type tfInlineSubnet struct {
	Name            string   `yaml:"name"`
	AddressPrefix   string   `yaml:"address_prefix"`
	AddressPrefixes []string `yaml:"address_prefixes"`
	RouteTableID    string   `yaml:"route_table_id"`
	SecurityGroup   string   `yaml:"security_group"`
}

type tfSubnet struct {
	Name               string   `yaml:"name"`
	VirtualNetworkName string   `yaml:"virtual_network_name"`
	AddressPrefixes    []string `yaml:"address_prefixes"`
	Delegation         []struct {
		Name              string `yaml:"name"`
		ServiceDelegation []struct {
			Name string `yaml:"name"`
		} `yaml:"service_delegation"`
	} `yaml:"delegation"`
}

type tfRouteTable struct {
	Name                       string    `yaml:"name"`
	BGPRoutePropagationEnabled *bool     `yaml:"bgp_route_propagation_enabled"`
	DisableBGPRoutePropagation *bool     `yaml:"disable_bgp_route_propagation"`
	Route                      []tfRoute `yaml:"route"`
}

type tfRoute struct {
	Name               string `yaml:"name"`
	AddressPrefix      string `yaml:"address_prefix"`
	NextHopType        string `yaml:"next_hop_type"`
	NextHopInIPAddress string `yaml:"next_hop_in_ip_address"`
}

type tfNATGateway struct {
	Name                 string `yaml:"name"`
	SkuName              string `yaml:"sku_name"`
	IdleTimeoutInMinutes *int   `yaml:"idle_timeout_in_minutes"`
}

type tfAssociation struct {
	SubnetID          string `yaml:"subnet_id"`
	RouteTableID      string `yaml:"route_table_id"`
	NatGatewayID      string `yaml:"nat_gateway_id"`
	PublicIPAddressID string `yaml:"public_ip_address_id"`
}

func purposeOf(name string, delegation string) design.SubnetPurpose {
	p, _ := importer.PurposeFromSource(name, delegation)
	return p
}

func (cv *conv) vnet(r *resource) {
	var v tfVNet
	if !cv.decode(r, &v) {
		return
	}
	if v.Name == "" {
		if !cv.isUnknown(r, "name") {
			cv.problem(r, r.values(), "", "%s: the virtual network has no name", r.addr)
		}
		return
	}
	if cv.d.VNetByName(v.Name) != nil {
		cv.problem(r, r.v("name"), "aksnet needs VNet names to be unique across the inputs", "%s: VNet %q appears twice", r.addr, v.Name)
		return
	}
	vp := design.Index("spec.vnets", len(cv.d.Spec.VNets))
	out := design.VNet{Name: v.Name, Region: v.Location, ResourceGroup: v.ResourceGroupName, Path: vp}
	cv.record(r, vp, r.src)
	cv.record(r, design.Field(vp, "name"), r.v("name"))
	cv.record(r, design.Field(vp, "region"), r.v("location"))
	if v.ResourceGroupName != "" {
		cv.record(r, design.Field(vp, "resourceGroup"), r.v("resource_group_name"))
	}
	if len(v.AddressSpace) == 0 {
		cv.isUnknown(r, "address_space")
	}
	out.AddressSpace = cv.prefixes(r, design.Field(vp, "addressSpace"), r.v("address_space"), v.AddressSpace, false)
	for i, s := range v.DNSServers {
		el := r.v(design.Index("dns_servers", i))
		a, err := parseAddr(s)
		if err != nil {
			cv.problem(r, el, "write an IP address such as 10.0.0.4", "%s: DNS server %q is not an IP address", r.addr, s)
			continue
		}
		cv.record(r, design.Index(design.Field(vp, "dnsServers"), len(out.DNSServers)), el)
		out.DNSServers = append(out.DNSServers, a)
	}
	if len(out.DNSServers) > 0 {
		cv.record(r, design.Field(vp, "dnsServers"), r.v("dns_servers"))
	}
	for i := range v.Subnet {
		s := &v.Subnet[i]
		src := r.v(design.Index("subnet", i))
		sp := design.Index(design.Field(vp, "subnets"), len(out.Subnets))
		sub := design.Subnet{Name: s.Name, Path: sp, Purpose: purposeOf(s.Name, "")}
		cv.record(r, sp, src)
		cv.record(r, design.Field(sp, "name"), design.Field(src, "name"))
		list, key := s.AddressPrefixes, "address_prefixes"
		if len(list) == 0 && s.AddressPrefix != "" {
			list, key = []string{s.AddressPrefix}, "address_prefix"
			src2 := design.Field(src, key)
			if p, ok := parsePrefix(s.AddressPrefix, false); ok {
				sub.AddressPrefixes = []netipPrefix{p}
				cv.record(r, design.Field(sp, "addressPrefixes"), src2)
				cv.record(r, design.Index(design.Field(sp, "addressPrefixes"), 0), src2)
			} else {
				cv.problem(r, src2, "write a CIDR such as 10.0.0.0/24", "%s: %q is not a CIDR", r.addr, s.AddressPrefix)
			}
		} else {
			sub.AddressPrefixes = cv.prefixes(r, design.Field(sp, "addressPrefixes"), design.Field(src, key), list, false)
		}
		if s.RouteTableID != "" {
			if n, at, ok := cv.resourceName(r, design.Index("subnet", i)+".route_table_id", s.RouteTableID, "azurerm_route_table", "Microsoft.Network", "routeTables"); ok {
				sub.RouteTable = n
				cv.record(r, design.Field(sp, "routeTable"), at)
			}
		}
		out.Subnets = append(out.Subnets, sub)
	}
	cv.d.Spec.VNets = append(cv.d.Spec.VNets, out)
}

// subnet adds an azurerm_subnet to its VNet. The state of a VNet lists its
// subnets inline too; a separate subnet resource of the same name replaces
// the inline one, as it says more (delegations).
func (cv *conv) subnet(r *resource) {
	var s tfSubnet
	if !cv.decode(r, &s) {
		return
	}
	if s.Name == "" {
		cv.problem(r, r.values(), "", "%s: the subnet has no name", r.addr)
		return
	}
	if s.VirtualNetworkName == "" && cv.isUnknown(r, "virtual_network_name") {
		return
	}
	v := cv.d.VNetByName(s.VirtualNetworkName)
	if v == nil {
		if !cv.missing(s.VirtualNetworkName) {
			cv.failed[strings.ToLower(s.Name)] = true
			return
		}
		cv.problem(r, r.v("virtual_network_name"), "include the azurerm_virtual_network in the same Terraform state or plan",
			"%s: subnet %s is in VNet %q, which is not among the inputs", r.addr, s.Name, s.VirtualNetworkName)
		return
	}
	j := len(v.Subnets)
	for k := range v.Subnets {
		if v.Subnets[k].Name == s.Name {
			j = k
		}
	}
	sp := design.Index(design.Field(v.Path, "subnets"), j)
	forget(cv.d, sp)
	sub := design.Subnet{Name: s.Name, Path: sp}
	cv.record(r, sp, r.src)
	cv.record(r, design.Field(sp, "name"), r.v("name"))
	if len(s.AddressPrefixes) == 0 {
		cv.isUnknown(r, "address_prefixes")
	}
	sub.AddressPrefixes = cv.prefixes(r, design.Field(sp, "addressPrefixes"), r.v("address_prefixes"), s.AddressPrefixes, false)
	for i, dl := range s.Delegation {
		for k, sd := range dl.ServiceDelegation {
			if sd.Name != "" && sub.Delegation == "" {
				sub.Delegation = sd.Name
				cv.record(r, design.Field(sp, "delegation"), r.v(design.Index(design.Index("delegation", i)+".service_delegation", k)+".name"))
			}
		}
	}
	sub.Purpose = purposeOf(s.Name, sub.Delegation)
	if j < len(v.Subnets) {
		// Keep attachments the inline block stated.
		sub.RouteTable, sub.NATGateway, sub.NSG = v.Subnets[j].RouteTable, v.Subnets[j].NATGateway, v.Subnets[j].NSG
		v.Subnets[j] = sub
	} else {
		v.Subnets = append(v.Subnets, sub)
	}
}

// forget drops the source entries of a design object and its fields.
func forget(d *design.Design, path string) {
	for k := range d.Sources {
		if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(k, path+"[") {
			delete(d.Sources, k)
		}
	}
}

func (cv *conv) routeTable(r *resource) {
	var t tfRouteTable
	if !cv.decode(r, &t) {
		return
	}
	if t.Name == "" {
		cv.problem(r, r.values(), "", "%s: the route table has no name", r.addr)
		return
	}
	if cv.d.RouteTableByName(t.Name) != nil {
		cv.problem(r, r.v("name"), "aksnet needs route table names to be unique across the inputs", "%s: route table %q appears twice", r.addr, t.Name)
		return
	}
	tp := design.Index("spec.routeTables", len(cv.d.Spec.RouteTables))
	out := design.RouteTable{Name: t.Name, Path: tp}
	cv.record(r, tp, r.src)
	cv.record(r, design.Field(tp, "name"), r.v("name"))
	switch {
	case t.BGPRoutePropagationEnabled != nil:
		out.DisableBGPPropagation = !*t.BGPRoutePropagationEnabled
		cv.record(r, design.Field(tp, "disableBgpRoutePropagation"), r.v("bgp_route_propagation_enabled"))
	case t.DisableBGPRoutePropagation != nil:
		out.DisableBGPPropagation = *t.DisableBGPRoutePropagation
		cv.record(r, design.Field(tp, "disableBgpRoutePropagation"), r.v("disable_bgp_route_propagation"))
	}
	for i, rt := range t.Route {
		src := r.v(design.Index("route", i))
		rp := design.Index(design.Field(tp, "routes"), i)
		route := design.Route{Name: rt.Name, AddressPrefix: rt.AddressPrefix, Path: rp}
		cv.record(r, design.Field(tp, "routes"), r.v("route"))
		cv.record(r, rp, src)
		cv.record(r, design.Field(rp, "name"), design.Field(src, "name"))
		cv.record(r, design.Field(rp, "addressPrefix"), design.Field(src, "address_prefix"))
		if v, ok := enumValue[design.NextHopType](cv, r, design.Field(src, "next_hop_type"), "next_hop_type", rt.NextHopType); ok {
			route.NextHopType = v
			cv.record(r, design.Field(rp, "nextHopType"), design.Field(src, "next_hop_type"))
		}
		if rt.NextHopInIPAddress != "" {
			a, err := parseAddr(rt.NextHopInIPAddress)
			if err != nil {
				cv.problem(r, design.Field(src, "next_hop_in_ip_address"), "write the appliance's IP address, e.g. 10.0.1.4", "%s: next hop %q is not an IP address", r.addr, rt.NextHopInIPAddress)
			} else {
				route.NextHopIPAddress = a
				cv.record(r, design.Field(rp, "nextHopIpAddress"), design.Field(src, "next_hop_in_ip_address"))
			}
		}
		out.Routes = append(out.Routes, route)
	}
	cv.d.Spec.RouteTables = append(cv.d.Spec.RouteTables, out)
}

func (cv *conv) natGateway(r *resource) {
	var g tfNATGateway
	if !cv.decode(r, &g) {
		return
	}
	if g.Name == "" {
		cv.problem(r, r.values(), "", "%s: the NAT gateway has no name", r.addr)
		return
	}
	if cv.d.NATGatewayByName(g.Name) != nil {
		cv.problem(r, r.v("name"), "aksnet needs NAT gateway names to be unique across the inputs", "%s: NAT gateway %q appears twice", r.addr, g.Name)
		return
	}
	np := design.Index("spec.natGateways", len(cv.d.Spec.NATGateways))
	out := design.NATGateway{Name: g.Name, Path: np}
	cv.record(r, np, r.src)
	cv.record(r, design.Field(np, "name"), r.v("name"))
	if v, ok := enumValue[design.NATGatewaySKU](cv, r, r.v("sku_name"), "sku_name", g.SkuName); ok {
		out.SKU = v
		cv.record(r, design.Field(np, "sku"), r.v("sku_name"))
	}
	if g.IdleTimeoutInMinutes != nil {
		out.IdleTimeoutMinutes = *g.IdleTimeoutInMinutes
		cv.record(r, design.Field(np, "idleTimeoutMinutes"), r.v("idle_timeout_in_minutes"))
	}
	cv.d.Spec.NATGateways = append(cv.d.Spec.NATGateways, out)
}

// pipAssociation counts a public IP toward its NAT gateway.
func (cv *conv) pipAssociation(r *resource) {
	var a tfAssociation
	if !cv.decode(r, &a) {
		return
	}
	name, at, ok := cv.resourceName(r, "nat_gateway_id", a.NatGatewayID, "azurerm_nat_gateway", "Microsoft.Network", "natGateways")
	if !ok {
		return
	}
	g := cv.d.NATGatewayByName(name)
	if g == nil {
		if !cv.missing(name) {
			return
		}
		cv.problem(r, at, "include the azurerm_nat_gateway in the same Terraform state or plan",
			"%s: NAT gateway %q is not among the inputs", r.addr, name)
		return
	}
	if g.PublicIPs == 0 {
		cv.record(r, design.Field(g.Path, "publicIPs"), r.src)
	}
	g.PublicIPs++
}

// subnetAssociation attaches a route table or NAT gateway to a subnet.
func (cv *conv) subnetAssociation(r *resource) {
	var a tfAssociation
	if !cv.decode(r, &a) {
		return
	}
	ref, subnetAt, ok := cv.subnetRef(r, "subnet_id", a.SubnetID)
	var target, targetAt, key, field string
	var exists func(string) bool
	if r.typ == "azurerm_subnet_route_table_association" {
		key, field = "route_table_id", "routeTable"
		target, targetAt, _ = cv.resourceName(r, key, a.RouteTableID, "azurerm_route_table", "Microsoft.Network", "routeTables")
		exists = func(n string) bool { return cv.d.RouteTableByName(n) != nil }
	} else {
		key, field = "nat_gateway_id", "natGateway"
		target, targetAt, _ = cv.resourceName(r, key, a.NatGatewayID, "azurerm_nat_gateway", "Microsoft.Network", "natGateways")
		exists = func(n string) bool { return cv.d.NATGatewayByName(n) != nil }
	}
	if !ok || target == "" {
		return
	}
	vn, sn, _ := strings.Cut(ref, "/")
	v := cv.d.VNetByName(vn)
	if v == nil || v.SubnetByName(sn) == nil {
		if !cv.missing(vn) || !cv.missing(sn) {
			return
		}
		cv.problem(r, subnetAt, "include the subnet's azurerm_virtual_network and azurerm_subnet in the same Terraform state or plan",
			"%s: subnet %s is not among the inputs", r.addr, ref)
		return
	}
	if !exists(target) {
		if !cv.missing(target) {
			return
		}
		cv.problem(r, targetAt, "include it in the same Terraform state or plan", "%s: %s %q is not among the inputs", r.addr, key, target)
		return
	}
	s := v.SubnetByName(sn)
	if field == "routeTable" {
		s.RouteTable = target
	} else {
		s.NATGateway = target
	}
	cv.record(r, design.Field(s.Path, field), targetAt)
}
