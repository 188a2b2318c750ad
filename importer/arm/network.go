package arm

import (
	"slices"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// This file converts the network resources of a template: VNets with their
// inline subnets and peerings, subnet and peering child resources, route
// tables and routes, NAT gateways, NSGs and their rules, private DNS zones
// and their VNet links, private endpoints and their DNS zone groups.

// vnet converts a Microsoft.Network/virtualNetworks resource. A VNet whose
// address space is unknown is left out with its subnets.
func (c *conv) vnet(r resource) {
	if c.d.VNetByName(r.name) != nil {
		c.problem(r.nameV, "give every VNet its own name", "VNet %s is declared twice", r.name)
		return
	}
	i := len(c.d.Spec.VNets)
	dp := design.Index("spec.vnets", i)
	v := design.VNet{Name: r.name, Path: dp}
	c.record(dp, r.v)
	c.record(design.Field(dp, "name"), r.nameV)
	v.Region = c.region(r, design.Field(dp, "region"))
	props, ok := c.properties(r)
	if !ok {
		c.problem(r.v, `add "properties": { "addressSpace": { "addressPrefixes": [...] } }`, "VNet %s has no properties", r.name)
		return
	}
	mark := c.unknowns
	v.AddressSpace = c.prefixes(props, "addressSpace.addressPrefixes", "", design.Field(dp, "addressSpace"), false)
	if c.unknownSince(mark) {
		c.warn(r.v, "", "VNet %s is not checked: its address space is known only at deployment", r.name)
		c.skip("vnet/" + r.name)
		c.forget(dp)
		return
	}
	if dns, ok := c.path(props, "dhcpOptions.dnsServers"); ok {
		for _, it := range c.list(dns, "dnsServers") {
			s, ok := c.str(it, "dnsServers")
			if !ok {
				continue
			}
			a, err := cidr.ParseAddr(s)
			if err != nil {
				c.problem(it, "write an IP address such as 10.0.0.4", "DNS server: %v", err)
				continue
			}
			c.record(design.Index(design.Field(dp, "dnsServers"), len(v.DNSServers)), it)
			v.DNSServers = append(v.DNSServers, a)
		}
		if len(v.DNSServers) > 0 {
			c.record(design.Field(dp, "dnsServers"), dns)
		}
	}
	c.d.Spec.VNets = append(c.d.Spec.VNets, v)
	if subs, ok := c.get(props, "subnets"); ok {
		for _, s := range c.list(subs, "subnets") {
			if !c.object(s, "subnets") {
				continue
			}
			name, nv, ok := c.strAt(s, "name")
			if !ok {
				if !c.has(s, "name") {
					c.problem(s, `add "name"`, "subnet has no name")
				}
				continue
			}
			sp, _ := c.get(s, "properties")
			c.addSubnet(&c.d.Spec.VNets[i], name, s, nv, sp)
		}
	}
	if ps, ok := c.get(props, "virtualNetworkPeerings"); ok {
		for _, p := range c.list(ps, "virtualNetworkPeerings") {
			if !c.object(p, "virtualNetworkPeerings") {
				continue
			}
			name, nv, _ := c.strAt(p, "name")
			pp, _ := c.get(p, "properties")
			c.addPeering(r.name, name, p, nv, pp)
		}
	}
}

// addSubnet converts a subnet (inline or a child resource) at obj, named
// by nameV, whose properties are props (props.node may be nil), into vn. A
// subnet whose address prefix is unknown is left out.
func (c *conv) addSubnet(vn *design.VNet, name string, obj, nameV, props value) {
	dp := design.Index(design.Field(vn.Path, "subnets"), len(vn.Subnets))
	s := design.Subnet{Name: name, Path: dp}
	c.record(dp, obj)
	c.record(design.Field(dp, "name"), nameV)
	var delegations []string
	mark := c.unknowns
	skip := func(why string) {
		c.warn(obj, "", "subnet %s/%s is not checked: %s", vn.Name, name, why)
		c.skip("subnet/" + vn.Name + "/" + name)
		c.forget(dp)
	}
	if props.node != nil && c.object(props, "properties") {
		s.AddressPrefixes = c.prefixes(props, "addressPrefixes", "addressPrefix", design.Field(dp, "addressPrefixes"), false)
		if c.unknownSince(mark) {
			skip("its address prefix is known only at deployment")
			return
		}
		if dl, ok := c.get(props, "delegations"); ok {
			for _, it := range c.list(dl, "delegations") {
				svc, sv, ok := c.strAt(it, "properties.serviceName")
				if !ok {
					continue
				}
				delegations = append(delegations, svc)
				if s.Delegation == "" {
					s.Delegation = svc
					c.record(design.Field(dp, "delegation"), sv)
				}
			}
		}
		if n, v, ok := c.refName(props, "routeTable", "Microsoft.Network", "routeTables"); ok {
			s.RouteTable = n
			c.record(design.Field(dp, "routeTable"), v)
		}
		if n, v, ok := c.refName(props, "networkSecurityGroup", "Microsoft.Network", "networkSecurityGroups"); ok {
			s.NSG = n
			c.record(design.Field(dp, "networkSecurityGroup"), v)
		}
		if n, v, ok := c.refName(props, "natGateway", "Microsoft.Network", "natGateways"); ok {
			s.NATGateway = n
			c.record(design.Field(dp, "natGateway"), v)
		}
	}
	// Left unset, an unknown route table or NAT gateway would read as
	// none, and the egress rules would report what is not so.
	switch {
	case c.unknownSince(mark):
		skip("its route table, NAT gateway, NSG or delegation is known only at deployment")
		return
	case s.RouteTable != "" && c.isSkipped("routetable/"+s.RouteTable):
		skip("its route table " + s.RouteTable + " is not checked")
		return
	case s.NATGateway != "" && c.isSkipped("natgateway/"+s.NATGateway):
		skip("its NAT gateway " + s.NATGateway + " is not checked")
		return
	}
	s.Purpose, _ = importer.PurposeFromSource(name, delegations...)
	c.record(design.Field(dp, "purpose"), obj)
	// Exported templates declare every subnet twice, inline and as a
	// child resource, with the same properties.
	if prev := vn.SubnetByName(name); prev != nil {
		c.forget(dp)
		if !slices.Equal(prev.AddressPrefixes, s.AddressPrefixes) || prev.Delegation != s.Delegation ||
			prev.RouteTable != s.RouteTable || prev.NSG != s.NSG || prev.NATGateway != s.NATGateway {
			c.warn(obj, "declare each subnet once: inline in the VNet or as a child resource",
				"subnet %s/%s is declared twice with different properties; the first declaration is checked", vn.Name, name)
		}
		return
	}
	vn.Subnets = append(vn.Subnets, s)
}

// splitChild splits a child resource's "parent/child" name; ok is false
// (with a problem) for anything else.
func (c *conv) splitChild(r resource, what string) (string, string, bool) {
	parent, child, ok := strings.Cut(r.name, "/")
	if !ok || parent == "" || child == "" || strings.Contains(child, "/") {
		c.problem(r.nameV, "name a "+what+" PARENT/CHILD, e.g. [format('{0}/{1}', parameters('vnetName'), 'snet-nodes')]",
			"%s name %q is not PARENT/CHILD", what, r.name)
		return "", "", false
	}
	return parent, child, true
}

// subnetResource converts a Microsoft.Network/virtualNetworks/subnets
// resource (top level or nested in its VNet).
func (c *conv) subnetResource(r resource) {
	vnet, name, ok := c.splitChild(r, "subnet")
	if !ok {
		return
	}
	vn := c.d.VNetByName(vnet)
	if vn == nil {
		if c.isSkipped("vnet/" + vnet) {
			c.skip("subnet/" + vnet + "/" + name)
			return
		}
		c.problem(r.nameV, "add the template that declares the VNet, or check the VNet name",
			"subnet %s belongs to VNet %s, which is not among the inputs", name, vnet)
		return
	}
	props, _ := c.properties(r)
	c.addSubnet(vn, name, r.v, r.nameV, props)
}

func (c *conv) routeTable(r resource) {
	if c.d.RouteTableByName(r.name) != nil {
		c.problem(r.nameV, "give every route table its own name", "route table %s is declared twice", r.name)
		return
	}
	dp := design.Index("spec.routeTables", len(c.d.Spec.RouteTables))
	c.record(dp, r.v)
	c.record(design.Field(dp, "name"), r.nameV)
	c.d.Spec.RouteTables = append(c.d.Spec.RouteTables, design.RouteTable{Name: r.name, Path: dp})
	rt := &c.d.Spec.RouteTables[len(c.d.Spec.RouteTables)-1]
	mark := c.unknowns
	props, ok := c.properties(r)
	if c.unknownSince(mark) {
		c.warn(r.v, "", "route table %s is not checked: its routes are known only at deployment", r.name)
		c.skip("routetable/" + r.name)
		return
	}
	if !ok {
		return
	}
	if b, v, ok := c.boolAt(props, "disableBgpRoutePropagation"); ok {
		rt.DisableBGPPropagation = b
		c.record(design.Field(dp, "disableBgpRoutePropagation"), v)
	}
	c.eachNamed(props, "routes", "route", func(name string, it, nv, rp value) { c.addRoute(rt, name, it, nv, rp) })
}

// addRoute converts a route; a route whose prefix or next hop is unknown
// is left out.
func (c *conv) addRoute(rt *design.RouteTable, name string, obj, nameV, props value) {
	dp := design.Index(design.Field(rt.Path, "routes"), len(rt.Routes))
	ro := design.Route{Name: name, Path: dp}
	c.record(dp, obj)
	c.record(design.Field(dp, "name"), nameV)
	mark := c.unknowns
	if props.node == nil || !c.object(props, "properties") {
		c.problem(obj, `add "properties": { "addressPrefix": ..., "nextHopType": ... }`, "route %s has no properties", name)
		return
	}
	if s, v, ok := c.strAt(props, "addressPrefix"); ok {
		if strings.Contains(s, "/") {
			if _, err := cidr.ParsePrefix(s); err != nil {
				hint := ""
				if pe, ok := err.(*cidr.ParseError); ok {
					hint, s = pe.Hint, pe.Msg
				}
				c.problem(v, hint, "route addressPrefix: %s", s)
			}
		}
		ro.AddressPrefix = s
		c.record(design.Field(dp, "addressPrefix"), v)
	}
	if v, ok := c.get(props, "nextHopType"); ok {
		if t, ok := enum[design.NextHopType](c, v, "nextHopType", nil); ok {
			ro.NextHopType = t
			c.record(design.Field(dp, "nextHopType"), v)
		}
	}
	if s, v, ok := c.strAt(props, "nextHopIpAddress"); ok {
		a, err := cidr.ParseAddr(s)
		if err != nil {
			c.problem(v, "write the IP address of the appliance, such as 10.0.1.4", "nextHopIpAddress: %v", err)
		} else {
			ro.NextHopIPAddress = a
			c.record(design.Field(dp, "nextHopIpAddress"), v)
		}
	}
	if c.unknownSince(mark) {
		// A route table with a route left out would read as one without
		// it; the table is not checked, nor are the subnets using it.
		c.warn(obj, "", "route table %s is not checked: its route %s is known only at deployment", rt.Name, name)
		c.skip("routetable/" + rt.Name)
		c.forget(dp)
		return
	}
	if ro.AddressPrefix == "" || ro.NextHopType == "" {
		c.problem(props, "every route needs addressPrefix and nextHopType", "route %s/%s has no addressPrefix or nextHopType", rt.Name, name)
		return
	}
	rt.Routes = append(rt.Routes, ro)
}

func (c *conv) routeResource(r resource) {
	table, name, ok := c.splitChild(r, "route")
	if !ok {
		return
	}
	rt := c.d.RouteTableByName(table)
	if rt == nil {
		c.problem(r.nameV, "add the template that declares the route table", "route %s belongs to route table %s, which is not among the inputs", name, table)
		return
	}
	if c.isSkipped("routetable/" + table) {
		return
	}
	props, _ := c.properties(r)
	c.addRoute(rt, name, r.v, r.nameV, props)
}

func (c *conv) natGateway(r resource) {
	if c.d.NATGatewayByName(r.name) != nil {
		c.problem(r.nameV, "give every NAT gateway its own name", "NAT gateway %s is declared twice", r.name)
		return
	}
	dp := design.Index("spec.natGateways", len(c.d.Spec.NATGateways))
	ng := design.NATGateway{Name: r.name, Path: dp}
	c.record(dp, r.v)
	c.record(design.Field(dp, "name"), r.nameV)
	mark := c.unknowns
	defer func() {
		if c.unknownSince(mark) {
			c.warn(r.v, "", "NAT gateway %s is not checked: part of it is known only at deployment", r.name)
			c.skip("natgateway/" + r.name)
			c.forget(dp)
			c.d.Spec.NATGateways = c.d.Spec.NATGateways[:len(c.d.Spec.NATGateways)-1]
		}
	}()
	if v, ok := c.path(r.v, "sku.name"); ok {
		if s, ok := enum[design.NATGatewaySKU](c, v, "sku.name", nil); ok {
			ng.SKU = s
			c.record(design.Field(dp, "sku"), v)
		}
	}
	if props, ok := c.properties(r); ok {
		if n, v, ok := c.intAt(props, "idleTimeoutInMinutes"); ok {
			ng.IdleTimeoutMinutes = *n
			c.record(design.Field(dp, "idleTimeoutMinutes"), v)
		}
		// Each public IP prefix counts as one address, as for az output; its
		// size is in the prefix resource, which the gateway does not carry.
		count := func(keys []string, dst *int, field string) {
			for _, key := range keys {
				l, ok := c.get(props, key)
				if !ok {
					continue
				}
				n := len(c.list(l, key))
				if n > 0 && strings.Contains(strings.ToLower(key), "prefixes") {
					c.warn(l, "list public IP addresses instead to have SNAT capacity checked exactly",
						"NAT gateway %s: each public IP prefix is counted as one address", r.name)
				}
				if n > 0 && *dst == 0 {
					c.record(design.Field(dp, field), l)
				}
				*dst += n
			}
		}
		count([]string{"publicIpAddresses", "publicIpPrefixes"}, &ng.PublicIPs, "publicIPs")
		count([]string{"publicIpAddressesV6", "publicIpPrefixesV6"}, &ng.PublicIPv6s, "publicIPv6s")
	}
	c.d.Spec.NATGateways = append(c.d.Spec.NATGateways, ng)
}

func (c *conv) nsg(r resource) {
	if c.d.NSGByName(r.name) != nil {
		c.problem(r.nameV, "give every NSG its own name", "NSG %s is declared twice", r.name)
		return
	}
	dp := design.Index("spec.networkSecurityGroups", len(c.d.Spec.NSGs))
	c.record(dp, r.v)
	c.record(design.Field(dp, "name"), r.nameV)
	c.d.Spec.NSGs = append(c.d.Spec.NSGs, design.NSG{Name: r.name, Path: dp})
	n := &c.d.Spec.NSGs[len(c.d.Spec.NSGs)-1]
	props, ok := c.properties(r)
	if !ok {
		return
	}
	c.eachNamed(props, "securityRules", "security rule", func(name string, it, nv, rp value) { c.addSecurityRule(n, name, it, nv, rp) })
}

// eachNamed calls fn for every object of the inline list props.key (routes
// of a route table, rules of an NSG) with its name, the object, the name's
// value and its properties; an element without a name is a problem.
func (c *conv) eachNamed(props value, key, what string, fn func(name string, it, nv, rp value)) {
	list, ok := c.get(props, key)
	if !ok {
		return
	}
	for _, it := range c.list(list, key) {
		if !c.object(it, key) {
			continue
		}
		name, nv, ok := c.strAt(it, "name")
		if !ok {
			if !c.has(it, "name") {
				c.problem(it, `add "name"`, "%s has no name", what)
			}
			continue
		}
		rp, _ := c.get(it, "properties")
		fn(name, it, nv, rp)
	}
}

// canonical returns the spelling in allowed that equals s ignoring case.
func canonical(s string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a
		}
	}
	return ""
}

// addSecurityRule converts one NSG rule; a rule with an unknown part is
// left out.
func (c *conv) addSecurityRule(n *design.NSG, name string, obj, nameV, props value) {
	dp := design.Index(design.Field(n.Path, "rules"), len(n.Rules))
	ru := design.NSGRule{Name: name, Path: dp}
	c.record(dp, obj)
	c.record(design.Field(dp, "name"), nameV)
	if props.node == nil || !c.object(props, "properties") {
		c.problem(obj, "", "security rule %s has no properties", name)
		return
	}
	mark, probs := c.unknowns, len(c.probs)
	if p, v, ok := c.intAt(props, "priority"); ok {
		ru.Priority = *p
		c.record(design.Field(dp, "priority"), v)
	}
	oneOf := func(key, field string, dst *string, allowed ...string) {
		s, v, ok := c.strAt(props, key)
		if !ok {
			return
		}
		if *dst = canonical(s, allowed...); *dst == "" {
			c.problem(v, "allowed: "+strings.Join(allowed, ", "), "%s %q is not allowed", key, s)
			return
		}
		c.record(design.Field(dp, field), v)
	}
	oneOf("direction", "direction", &ru.Direction, "Inbound", "Outbound")
	oneOf("access", "access", &ru.Access, "Allow", "Deny")
	oneOf("protocol", "protocol", &ru.Protocol, "Tcp", "Udp", "Icmp", "Esp", "Ah", "*")
	many := func(one, list, field string, dst *[]string) {
		if l, ok := c.get(props, list); ok {
			for _, it := range c.list(l, list) {
				if s, ok := c.str(it, list); ok {
					*dst = append(*dst, s)
				}
			}
			if len(*dst) > 0 {
				c.record(design.Field(dp, field), l)
				return
			}
		}
		if s, v, ok := c.strAt(props, one); ok && s != "" {
			*dst = []string{s}
			c.record(design.Field(dp, field), v)
		}
	}
	many("sourceAddressPrefix", "sourceAddressPrefixes", "sources", &ru.Sources)
	many("destinationAddressPrefix", "destinationAddressPrefixes", "destinations", &ru.Destinations)
	many("destinationPortRange", "destinationPortRanges", "destinationPorts", &ru.DestinationPorts)
	if c.unknownSince(mark) {
		c.warn(obj, "", "security rule %s/%s is not checked: part of it is known only at deployment", n.Name, name)
		c.forget(dp)
		return
	}
	if len(c.probs) > probs {
		return
	}
	n.Rules = append(n.Rules, ru)
}

func (c *conv) securityRuleResource(r resource) {
	nsg, name, ok := c.splitChild(r, "security rule")
	if !ok {
		return
	}
	n := c.d.NSGByName(nsg)
	if n == nil {
		c.problem(r.nameV, "add the template that declares the NSG", "security rule %s belongs to NSG %s, which is not among the inputs", name, nsg)
		return
	}
	props, _ := c.properties(r)
	c.addSecurityRule(n, name, r.v, r.nameV, props)
}

// peering is a VNet peering waiting for every VNet to be known.
type peering struct {
	from, name, to string
	obj, nameV     value
	toV            value
}

func (c *conv) addPeering(from, name string, obj, nameV, props value) {
	if props.node == nil || !c.object(props, "properties") {
		c.problem(obj, "", "peering %s has no properties", name)
		return
	}
	to, v, ok := c.refName(props, "remoteVirtualNetwork", "Microsoft.Network", "virtualNetworks")
	if !ok {
		if v.node == nil && !c.has(props, "remoteVirtualNetwork") {
			c.problem(props, `add "remoteVirtualNetwork": { "id": ... }`, "peering %s has no remoteVirtualNetwork", name)
		}
		return
	}
	c.peerings = append(c.peerings, peering{from: from, name: name, to: to, obj: obj, nameV: nameV, toV: v})
}

func (c *conv) peeringResource(r resource) {
	vnet, name, ok := c.splitChild(r, "peering")
	if !ok {
		return
	}
	props, _ := c.properties(r)
	c.addPeering(vnet, name, r.v, r.nameV, props)
}

// joinPeerings adds the peerings whose two VNets are among the inputs, once
// per pair; a peering to a VNet that is not is dropped with a warning.
func (c *conv) joinPeerings() {
	for _, p := range c.peerings {
		if c.d.VNetByName(p.from) == nil || c.d.VNetByName(p.to) == nil {
			missing := p.to
			if c.d.VNetByName(p.from) == nil {
				missing = p.from
			}
			if c.isSkipped("vnet/" + missing) {
				c.warn(p.obj, "", "peering %s -> %s is not checked: VNet %s is not checked", p.from, p.to, missing)
				continue
			}
			c.warn(p.obj, "add the template that declares it, or list its ranges under externalRanges in a design",
				"peering %s -> %s is not checked: VNet %s is not among the inputs", p.from, p.to, missing)
			continue
		}
		dup := false
		for _, q := range c.d.Spec.Peerings {
			if strings.EqualFold(q.From, p.to) && strings.EqualFold(q.To, p.from) || strings.EqualFold(q.From, p.from) && strings.EqualFold(q.To, p.to) {
				dup = true
			}
		}
		if dup {
			continue
		}
		dp := design.Index("spec.peerings", len(c.d.Spec.Peerings))
		c.record(dp, p.obj)
		if p.name != "" {
			c.record(design.Field(dp, "name"), p.nameV)
		}
		c.record(design.Field(dp, "from"), p.obj)
		c.record(design.Field(dp, "to"), p.toV)
		c.d.Spec.Peerings = append(c.d.Spec.Peerings, design.Peering{Name: p.name, From: c.d.VNetByName(p.from).Name, To: c.d.VNetByName(p.to).Name, Path: dp})
	}
}

// addZone appends a private DNS zone located at obj (named by nameV).
func (c *conv) addZone(name string, obj, nameV value) *design.PrivateDNSZone {
	dp := design.Index("spec.privateDnsZones", len(c.d.Spec.PrivateDNSZones))
	c.record(dp, obj)
	c.record(design.Field(dp, "name"), nameV)
	c.d.Spec.PrivateDNSZones = append(c.d.Spec.PrivateDNSZones, design.PrivateDNSZone{Name: name, Path: dp})
	return &c.d.Spec.PrivateDNSZones[len(c.d.Spec.PrivateDNSZones)-1]
}

func (c *conv) dnsZone(r resource) {
	if c.d.ZoneByName(r.name) != nil {
		c.problem(r.nameV, "declare each zone once", "private DNS zone %s is declared twice", r.name)
		return
	}
	c.addZone(r.name, r.v, r.nameV)
}

// dnsLink converts a privateDnsZones/virtualNetworkLinks resource. A link
// proves its zone exists, so a zone the inputs do not declare is added
// from the link (as for az output); a link to a VNet that is not among the
// inputs is dropped with a warning.
func (c *conv) dnsLink(r resource) {
	zone, _, ok := c.splitChild(r, "virtual network link")
	if !ok {
		return
	}
	props, ok := c.properties(r)
	if !ok {
		c.problem(r.v, `add "properties": { "virtualNetwork": { "id": ... } }`, "link %s has no properties", r.name)
		return
	}
	vnet, v, ok := c.refName(props, "virtualNetwork", "Microsoft.Network", "virtualNetworks")
	if !ok {
		if v.node == nil && !c.has(props, "virtualNetwork") {
			c.problem(props, `add "virtualNetwork": { "id": ... }`, "link %s has no virtualNetwork", r.name)
		}
		return
	}
	z := c.d.ZoneByName(zone)
	if z == nil {
		z = c.addZone(zone, r.v, r.nameV)
	}
	vn := c.d.VNetByName(vnet)
	if vn == nil {
		if !c.isSkipped("vnet/" + vnet) {
			c.warn(v, "add the template that declares the VNet", "zone %s links VNet %s, which is not among the inputs; the link is not checked", zone, vnet)
		}
		return
	}
	for _, l := range z.Links {
		if strings.EqualFold(l, vn.Name) {
			return
		}
	}
	if len(z.Links) == 0 {
		c.record(design.Field(z.Path, "links"), r.v)
	}
	c.record(design.Index(design.Field(z.Path, "links"), len(z.Links)), v)
	z.Links = append(z.Links, vn.Name)
}

// serviceOf maps a connection's target ID and group ID to a design
// service. When the target is unknown, a group ID that only one service
// uses still decides.
func serviceOf(targetID string, hasTarget bool, group string) design.PrivateLinkService {
	if hasTarget {
		if r, ok := importer.ParseResourceID(targetID); ok {
			return importer.PrivateLinkServiceOf(r, group)
		}
		return ""
	}
	return importer.PrivateLinkServiceOfGroup(group)
}

// privateEndpoint converts a private endpoint to a service the design
// knows (the design's services are the table of recommended DNS zones);
// others are left out with a warning.
func (c *conv) privateEndpoint(r resource) {
	props, ok := c.properties(r)
	if !ok {
		c.problem(r.v, `add "properties": { "subnet": { "id": ... }, "privateLinkServiceConnections": [...] }`, "private endpoint %s has no properties", r.name)
		return
	}
	mark := c.unknowns
	ref, sv, ok := c.subnetRef(props, "subnet.id")
	if !ok {
		if c.unknownSince(mark) {
			c.warn(r.v, "", "private endpoint %s is not checked: its subnet is known only at deployment", r.name)
		} else if sv.node == nil {
			c.problem(props, `add "subnet": { "id": [resourceId('Microsoft.Network/virtualNetworks/subnets', VNET, SUBNET)] }`, "private endpoint %s has no subnet", r.name)
		}
		return
	}
	var svc design.PrivateLinkService
	var group value
	var gid string
	for _, key := range []string{"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"} {
		conns, ok := c.get(props, key)
		if !ok {
			continue
		}
		for _, cn := range c.list(conns, key) {
			gs, ok := c.path(cn, "properties.groupIds")
			if !ok {
				continue
			}
			l := c.list(gs, "groupIds")
			if len(l) == 0 {
				continue
			}
			s, ok := c.str(l[0], "groupIds")
			if !ok {
				continue
			}
			target, _, hasTarget := c.strAt(cn, "properties.privateLinkServiceId")
			if x := serviceOf(target, hasTarget, s); x != "" && svc == "" {
				svc, group = x, l[0]
			}
			if gid == "" {
				gid = s
			}
		}
	}
	if svc == "" {
		if gid == "" {
			c.warn(r.v, "set privateLinkServiceConnections[].properties.groupIds", "private endpoint %s names no group ID; not checked", r.name)
		} else {
			c.warn(r.v, "aksnet checks endpoints to the services listed by 'aksnet explain private-dns-zone-missing'",
				"private endpoint %s to group %q is not a service aksnet knows; not checked", r.name, gid)
		}
		return
	}
	vnet, subnet, _ := strings.Cut(ref, "/")
	if c.subnetSkipped(ref) {
		c.warn(sv, "", "private endpoint %s is not checked: its subnet %s is not checked", r.name, ref)
		return
	}
	vn := c.d.VNetByName(vnet)
	if vn == nil {
		c.warn(sv, "add the template that declares the VNet", "private endpoint %s is in VNet %s, which is not among the inputs; not checked", r.name, vnet)
		return
	}
	if vn.SubnetByName(subnet) == nil {
		c.problem(sv, "name a subnet the VNet declares", "private endpoint %s is in subnet %s, which VNet %s does not declare", r.name, subnet, vn.Name)
		return
	}
	for _, pe := range c.d.Spec.PrivateEndpoints {
		if pe.Name == r.name {
			c.problem(r.nameV, "give every private endpoint its own name", "private endpoint %s is declared twice", r.name)
			return
		}
	}
	dp := design.Index("spec.privateEndpoints", len(c.d.Spec.PrivateEndpoints))
	c.record(dp, r.v)
	c.record(design.Field(dp, "name"), r.nameV)
	c.record(design.Field(dp, "subnet"), sv)
	c.record(design.Field(dp, "service"), group)
	c.d.Spec.PrivateEndpoints = append(c.d.Spec.PrivateEndpoints, design.PrivateEndpoint{Name: r.name, Service: svc, Subnet: vn.Name + "/" + subnet, Path: dp})
	if s := vn.SubnetByName(subnet); s.Purpose == design.PurposeOther {
		s.Purpose = design.PurposePrivateEndpoints
	}
}

// zoneGroup converts a privateEndpoints/privateDnsZoneGroups resource: the
// first zone it names becomes the endpoint's DNS zone.
func (c *conv) zoneGroup(r resource) {
	peName, _, ok := c.splitChild(r, "private DNS zone group")
	if !ok {
		return
	}
	var pe *design.PrivateEndpoint
	for i := range c.d.Spec.PrivateEndpoints {
		if strings.EqualFold(c.d.Spec.PrivateEndpoints[i].Name, peName) {
			pe = &c.d.Spec.PrivateEndpoints[i]
		}
	}
	if pe == nil {
		return // the endpoint was not imported; it was warned about
	}
	props, ok := c.properties(r)
	if !ok {
		return
	}
	cfgs, ok := c.get(props, "privateDnsZoneConfigs")
	if !ok {
		return
	}
	for _, cf := range c.list(cfgs, "privateDnsZoneConfigs") {
		id, v, ok := c.strAt(cf, "properties.privateDnsZoneId")
		if !ok {
			continue
		}
		rid, ok := importer.ParseResourceID(id)
		if !ok || !rid.Is("Microsoft.Network", "privateDnsZones") {
			c.problem(v, "use [resourceId('Microsoft.Network/privateDnsZones', ZONE)]", "privateDnsZoneId %q is not a private DNS zone resource ID", id)
			return
		}
		pe.DNSZone = rid.Name()
		c.record(design.Field(pe.Path, "dnsZone"), v)
		return
	}
}

// attachments handles subnet references to route tables, NAT gateways and
// NSGs the inputs do not declare. Route tables and NAT gateways decide
// egress, so their absence is a problem (as for az output): checked
// without them, the subnet would read as having none. NSGs are only named
// by the rules, so a referenced NSG is added by name.
func (c *conv) attachments() {
	seen := map[string]bool{}
	for vi := range c.d.Spec.VNets {
		v := &c.d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			missing := func(field, what, name string, found bool) {
				if name == "" || found || seen[what+"/"+name] {
					return
				}
				seen[what+"/"+name] = true
				loc := c.d.Locate(design.Field(s.Path, field))
				c.probs = append(c.probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path,
					Msg:  "subnet " + v.Name + "/" + s.Name + " uses " + what + " " + name + ", which is not among the inputs",
					Hint: "add the template that declares it (egress cannot be checked without it), or check the name in the resource ID"})
			}
			missing("routeTable", "route table", s.RouteTable, c.d.RouteTableByName(s.RouteTable) != nil)
			missing("natGateway", "NAT gateway", s.NATGateway, c.d.NATGatewayByName(s.NATGateway) != nil)
			if s.NSG != "" && c.d.NSGByName(s.NSG) == nil {
				path := design.Index("spec.networkSecurityGroups", len(c.d.Spec.NSGs))
				c.d.Spec.NSGs = append(c.d.Spec.NSGs, design.NSG{Name: s.NSG, Path: path})
				c.d.Sources[path] = c.d.Locate(design.Field(s.Path, "networkSecurityGroup"))
				c.d.Sources[design.Field(path, "name")] = c.d.Sources[path]
			}
		}
	}
}

// dropRouteTables removes the route tables left out as unknown (no subnet
// of the design uses them: those subnets were left out too) and renumbers
// the others.
func (c *conv) dropRouteTables() {
	kept := c.d.Spec.RouteTables[:0]
	for _, rt := range c.d.Spec.RouteTables {
		if c.isSkipped("routetable/" + rt.Name) {
			c.forget(rt.Path)
			continue
		}
		if to := design.Index("spec.routeTables", len(kept)); to != rt.Path {
			c.move(rt.Path, to)
			for i := range rt.Routes {
				rt.Routes[i].Path = to + strings.TrimPrefix(rt.Routes[i].Path, rt.Path)
			}
			rt.Path = to
		}
		kept = append(kept, rt)
	}
	c.d.Spec.RouteTables = kept
}

// danglingSubnets reports cluster subnet references to VNets the inputs
// do not declare, and to subnets their VNet does not declare.
func (c *conv) danglingSubnets() {
	seen := map[string]bool{}
	check := func(ref, path string) {
		vnet, subnet, ok := strings.Cut(ref, "/")
		if !ok || seen[strings.ToLower(ref)] {
			return
		}
		loc := c.d.Locate(path)
		p := importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path}
		vn := c.d.VNetByName(vnet)
		switch {
		case vn == nil:
			p.Msg = "subnet " + ref + " is in VNet " + vnet + ", which is not among the inputs"
			p.Hint = "add the template that declares the VNet, or check the VNet name"
		case vn.SubnetByName(subnet) == nil:
			var names []string
			for _, s := range vn.Subnets {
				names = append(names, s.Name)
			}
			p.Msg = "VNet " + vnet + " declares no subnet " + subnet
			p.Hint = "check the subnet name in the resource ID"
			if len(names) > 0 {
				p.Hint += "; VNet " + vnet + " declares " + strings.Join(names, ", ")
			}
		default:
			return
		}
		seen[strings.ToLower(ref)] = true
		c.probs = append(c.probs, p)
	}
	for i := range c.d.Spec.Clusters {
		cl := &c.d.Spec.Clusters[i]
		for _, p := range cl.NodePools {
			check(p.Subnet, design.Field(p.Path, "subnet"))
			check(p.PodSubnet, design.Field(p.Path, "podSubnet"))
		}
		check(cl.APIServer.VNetIntegrationSubnet, design.Field(design.Field(cl.Path, "apiServer"), "vnetIntegrationSubnet"))
	}
}
