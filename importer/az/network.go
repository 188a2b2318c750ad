package az

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// This file converts the network objects printed by `az network ... show -o json`
// (virtual networks, subnets, route tables, NAT gateways) into the design.
// az prints the ARM resource with `properties` flattened to the top level, so
// the source structs below mirror those flattened, camelCase keys.

// Resource types as az prints them in the "type" field.
const (
	typeVNet       = "Microsoft.Network/virtualNetworks"
	typeSubnet     = "Microsoft.Network/virtualNetworks/subnets"
	typeRouteTable = "Microsoft.Network/routeTables"
	typeNATGateway = "Microsoft.Network/natGateways"
)

// azRef is an ARM sub-resource reference: {"id": "..."}.
type azRef struct {
	ID string `yaml:"id"`
}

// azHeader holds the fields every ARM resource carries.
type azHeader struct {
	ID            string `yaml:"id"`
	Name          string `yaml:"name"`
	Type          string `yaml:"type"`
	Location      string `yaml:"location"`
	ResourceGroup string `yaml:"resourceGroup"`
}

type azAddressSpace struct {
	AddressPrefixes []string `yaml:"addressPrefixes"`
}

type azDHCPOptions struct {
	DNSServers []string `yaml:"dnsServers"`
}

type azDelegation struct {
	Name        string `yaml:"name"`
	ServiceName string `yaml:"serviceName"`
}

type azSubnet struct {
	ID                                 string         `yaml:"id"`
	Name                               string         `yaml:"name"`
	Type                               string         `yaml:"type"`
	AddressPrefix                      string         `yaml:"addressPrefix"`
	AddressPrefixes                    []string       `yaml:"addressPrefixes"`
	Delegations                        []azDelegation `yaml:"delegations"`
	RouteTable                         *azRef         `yaml:"routeTable"`
	NetworkSecurityGroup               *azRef         `yaml:"networkSecurityGroup"`
	NATGateway                         *azRef         `yaml:"natGateway"`
	IPConfigurations                   []azRef        `yaml:"ipConfigurations"`
	PrivateEndpoints                   []azRef        `yaml:"privateEndpoints"`
	ApplicationGatewayIPConfigurations []azRef        `yaml:"applicationGatewayIPConfigurations"`
}

type azPeering struct {
	Name                 string `yaml:"name"`
	RemoteVirtualNetwork *azRef `yaml:"remoteVirtualNetwork"`
}

type azRoute struct {
	Name             string `yaml:"name"`
	AddressPrefix    string `yaml:"addressPrefix"`
	NextHopType      string `yaml:"nextHopType"`
	NextHopIPAddress string `yaml:"nextHopIpAddress"`
}

type azSKU struct {
	Name string `yaml:"name"`
}

// at joins a base JSON path and a key: at("", "name") is "name",
// at("[2]", "name") is "[2].name".
func at(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// idx appends an index to a JSON path.
func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// decode decodes the value at path into v. When required is false, a missing
// value (or JSON null) leaves v untouched and is not a problem. A type error
// points at the line of the offending value, not of the enclosing object.
func decode(doc *importer.Doc, path string, v any, required bool) []importer.Problem {
	if n := doc.Node(path); n == nil || n.Tag == "!!null" {
		if !required {
			return nil
		}
		if n != nil {
			return []importer.Problem{{File: doc.File, Line: n.Line, Path: path, Msg: "value is null"}}
		}
	}
	p := doc.Decode(path, v)
	if p == nil {
		return nil
	}
	if m := yamlLineRe.FindStringSubmatch(p.Msg); m != nil {
		if l, err := strconv.Atoi(m[1]); err == nil {
			p.Line = l
		}
	}
	p.Msg = shapeMsg(p.Msg)
	return []importer.Problem{*p}
}

var (
	yamlLinePrefixRe = regexp.MustCompile(`line \d+: `)
	goTypeRe         = regexp.MustCompile(`into (\[\])?[*a-z]*\.?az[A-Za-z]*`)
)

// shapeMsg rewrites a YAML decoder type error in JSON terms, e.g.
// "cannot unmarshal !!str `10.80.0...` into az.azAddressSpace" becomes
// "cannot read a string `10.80.0...` as an object". The line is already in
// the problem, so it is dropped from the message.
func shapeMsg(msg string) string {
	msg = strings.Replace(msg, "unmarshal errors:\n  ", "", 1)
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	msg = yamlLinePrefixRe.ReplaceAllString(msg, "")
	msg = strings.ReplaceAll(msg, "cannot unmarshal", "cannot read")
	msg = goTypeRe.ReplaceAllStringFunc(msg, func(s string) string {
		if strings.HasPrefix(s, "into []") {
			return "as a list of objects"
		}
		return "as an object"
	})
	for _, r := range [][2]string{
		{"!!str", "a string"}, {"!!map", "an object"}, {"!!seq", "a list"}, {"!!int", "a number"},
		{"!!float", "a number"}, {"!!bool", "a boolean"}, {"into []string", "as a list of strings"},
		{"into string", "as a string"}, {"into int", "as a number"}, {"into bool", "as a boolean"},
	} {
		msg = strings.ReplaceAll(msg, r[0], r[1])
	}
	return msg
}

func problem(doc *importer.Doc, path, msg, hint string) importer.Problem {
	return importer.Problem{File: doc.File, Line: doc.Line(path), Path: path, Msg: msg, Hint: hint}
}

// checkType reports a problem when the object has a "type" that is not want.
// A missing type is accepted (hand-trimmed output often drops it).
func checkType(doc *importer.Doc, base, got, want string) []importer.Problem {
	if got == "" || strings.EqualFold(got, want) {
		return nil
	}
	return []importer.Problem{problem(doc, at(base, "type"), "expected a "+want+", got "+got,
		"pass the output of the matching az command")}
}

// refName returns the last name of the resource ID at path (a sub-resource
// reference's id), or a located problem when the ID is malformed.
func refName(doc *importer.Doc, path, id string) (string, []importer.Problem) {
	r, ok := importer.ParseResourceID(id)
	if !ok {
		return "", []importer.Problem{problem(doc, path, "not an Azure resource ID: "+strconv.Quote(id),
			"expected /subscriptions/…/resourceGroups/…/providers/…")}
	}
	return r.Name(), nil
}

// inferPurpose guesses what a subnet is for from what az shows about it, in
// this order:
//
//  1. a name Azure reserves for a service (compared case-insensitively):
//     AzureFirewallSubnet → firewall, AzureFirewallManagementSubnet →
//     firewallManagement, AzureBastionSubnet → bastion, GatewaySubnet →
//     gateway;
//  2. the first delegation that names a known service:
//     Microsoft.ContainerService/managedClusters → apiServer,
//     Microsoft.ServiceNetworking/trafficControllers → appGatewayForContainers;
//  3. an Application Gateway IP configuration in the subnet → appGateway;
//  4. private endpoints in the subnet → privateEndpoints;
//  5. otherwise other.
//
// Nodes and pods cannot be told apart from the subnet alone: the importer
// leaves them as other and the cross-file join upgrades them from the clusters
// that reference the subnet. Note that AKS also adds a delegation to
// Microsoft.ContainerService/managedClusters on pod subnets of the dynamic
// pod IP allocation mode, so a subnet inferred as apiServer may turn out to be
// a pod subnet; the join must override the inference for subnets that a
// cluster names as its pod subnet.
func inferPurpose(name string, delegations []string, hasAppGateway, hasPrivateEndpoints bool) design.SubnetPurpose {
	if p, ok := importer.PurposeFromSource(name, delegations...); ok {
		return p
	}
	if hasAppGateway {
		return design.PurposeAppGateway
	}
	if hasPrivateEndpoints {
		return design.PurposePrivateEndpoints
	}
	return design.PurposeOther
}

// usedAddresses counts the addresses a subnet has handed out. Every entry of
// ipConfigurations is one NIC (or load balancer frontend) IP configuration and
// so one address. Private endpoints are listed separately in privateEndpoints
// and Azure does not reliably list their NIC configurations in
// ipConfigurations, so each private endpoint adds one address unless an
// ipConfiguration already stands for it (the NIC configurations Azure creates
// for private endpoints are named privateEndpointIpConfig.<guid>). The result
// is a lower bound: an endpoint to a service with several member names (such
// as Cosmos DB) takes more than one address.
func usedAddresses(s azSubnet) int {
	peConfigs := 0
	for _, c := range s.IPConfigurations {
		if strings.Contains(strings.ToLower(c.ID), "/ipconfigurations/privateendpointipconfig") {
			peConfigs++
		}
	}
	return len(s.IPConfigurations) + max(0, len(s.PrivateEndpoints)-peConfigs)
}

// importVNet imports one `az network vnet show -o json` object at base: the
// VNet, its subnets and its peerings (each peering becomes a design peering
// from this VNet to the remote VNet's name, whether or not that VNet is in
// the design).
func importVNet(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var h azHeader
	if ps := decode(doc, base, &h, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, h.Type, typeVNet)
	if h.Name == "" {
		probs = append(probs, problem(doc, at(base, "name"), "virtual network has no name", ""))
	}
	if probs != nil {
		return probs
	}
	if d.VNetByName(h.Name) != nil {
		return []importer.Problem{problem(doc, at(base, "name"), "virtual network "+h.Name+" is imported twice",
			"pass each VNet once (vnet list already includes every VNet it shows)")}
	}
	vpath := design.Index("spec.vnets", len(d.Spec.VNets))
	v := design.VNet{Name: h.Name, Region: h.Location, ResourceGroup: h.ResourceGroup, Path: vpath}
	doc.Record(d, vpath, base)
	doc.Record(d, design.Field(vpath, "name"), at(base, "name"))
	if h.Location != "" {
		doc.Record(d, design.Field(vpath, "region"), at(base, "location"))
	}
	if h.ResourceGroup != "" {
		doc.Record(d, design.Field(vpath, "resourceGroup"), at(base, "resourceGroup"))
	}

	var space azAddressSpace
	probs = append(probs, decode(doc, at(base, "addressSpace"), &space, true)...)
	srcSpace := at(base, "addressSpace.addressPrefixes")
	for i, s := range space.AddressPrefixes {
		p, err := cidr.ParsePrefix(s)
		if err != nil {
			probs = append(probs, problem(doc, idx(srcSpace, i), "bad address space: "+err.Error(), ""))
			continue
		}
		dp := design.Index(design.Field(vpath, "addressSpace"), len(v.AddressSpace))
		v.AddressSpace = append(v.AddressSpace, p)
		doc.Record(d, dp, idx(srcSpace, i))
	}
	if len(space.AddressPrefixes) > 0 {
		doc.Record(d, design.Field(vpath, "addressSpace"), srcSpace)
	}

	var dhcp azDHCPOptions
	probs = append(probs, decode(doc, at(base, "dhcpOptions"), &dhcp, false)...)
	srcDNS := at(base, "dhcpOptions.dnsServers")
	for i, s := range dhcp.DNSServers {
		a, err := cidr.ParseAddr(s)
		if err != nil {
			probs = append(probs, problem(doc, idx(srcDNS, i), "bad DNS server: "+err.Error(), ""))
			continue
		}
		dp := design.Index(design.Field(vpath, "dnsServers"), len(v.DNSServers))
		v.DNSServers = append(v.DNSServers, a)
		doc.Record(d, dp, idx(srcDNS, i))
	}
	if len(v.DNSServers) > 0 {
		doc.Record(d, design.Field(vpath, "dnsServers"), srcDNS)
	}

	var subnets []any
	probs = append(probs, decode(doc, at(base, "subnets"), &subnets, false)...)
	for i := range subnets {
		src := idx(at(base, "subnets"), i)
		dp := design.Index(design.Field(vpath, "subnets"), len(v.Subnets))
		s, ps := convertSubnet(doc, src, dp, d)
		probs = append(probs, ps...)
		if ps == nil {
			v.Subnets = append(v.Subnets, s)
		}
	}

	var peerings []azPeering
	probs = append(probs, decode(doc, at(base, "virtualNetworkPeerings"), &peerings, false)...)
	for i, pr := range peerings {
		src := idx(at(base, "virtualNetworkPeerings"), i)
		if pr.RemoteVirtualNetwork == nil || pr.RemoteVirtualNetwork.ID == "" {
			probs = append(probs, problem(doc, src, "peering "+pr.Name+" has no remoteVirtualNetwork.id", ""))
			continue
		}
		to, ps := refName(doc, at(src, "remoteVirtualNetwork.id"), pr.RemoteVirtualNetwork.ID)
		if ps != nil {
			probs = append(probs, ps...)
			continue
		}
		pp := design.Index("spec.peerings", len(d.Spec.Peerings))
		d.Spec.Peerings = append(d.Spec.Peerings, design.Peering{Name: pr.Name, From: h.Name, To: to, Path: pp})
		doc.Record(d, pp, src)
		if pr.Name != "" {
			doc.Record(d, design.Field(pp, "name"), at(src, "name"))
		}
		doc.Record(d, design.Field(pp, "from"), at(base, "name"))
		doc.Record(d, design.Field(pp, "to"), at(src, "remoteVirtualNetwork.id"))
	}

	d.Spec.VNets = append(d.Spec.VNets, v)
	return probs
}

// convertSubnet converts the subnet object at source path src into a design
// subnet at design path dp, recording where each value came from. It returns
// problems (and a subnet that must not be used) when the subnet is malformed.
func convertSubnet(doc *importer.Doc, src, dp string, d *design.Design) (design.Subnet, []importer.Problem) {
	var s azSubnet
	if ps := decode(doc, src, &s, true); ps != nil {
		return design.Subnet{}, ps
	}
	probs := checkType(doc, src, s.Type, typeSubnet)
	if s.Name == "" {
		probs = append(probs, problem(doc, src, "subnet has no name", ""))
	}
	out := design.Subnet{Name: s.Name, Path: dp}

	// Azure writes addressPrefix for one prefix and addressPrefixes for
	// several; when both appear, addressPrefixes is the full list.
	var raw []string
	var rawSrc []string
	if len(s.AddressPrefixes) > 0 {
		for i, p := range s.AddressPrefixes {
			raw = append(raw, p)
			rawSrc = append(rawSrc, idx(at(src, "addressPrefixes"), i))
		}
	} else if s.AddressPrefix != "" {
		raw, rawSrc = []string{s.AddressPrefix}, []string{at(src, "addressPrefix")}
	} else {
		probs = append(probs, problem(doc, src, "subnet "+s.Name+" has no addressPrefix or addressPrefixes", ""))
	}
	for i, r := range raw {
		p, err := cidr.ParsePrefix(r)
		if err != nil {
			probs = append(probs, problem(doc, rawSrc[i], "bad subnet prefix: "+err.Error(), ""))
			continue
		}
		out.AddressPrefixes = append(out.AddressPrefixes, p)
	}

	var delegations []string
	for _, dl := range s.Delegations {
		if dl.ServiceName != "" {
			delegations = append(delegations, dl.ServiceName)
		}
	}
	if len(delegations) > 0 {
		out.Delegation = delegations[0]
	}

	refs := []struct {
		ref  *azRef
		key  string
		dst  *string
		dkey string
	}{
		{s.RouteTable, "routeTable", &out.RouteTable, "routeTable"},
		{s.NetworkSecurityGroup, "networkSecurityGroup", &out.NSG, "networkSecurityGroup"},
		{s.NATGateway, "natGateway", &out.NATGateway, "natGateway"},
	}
	for _, r := range refs {
		if r.ref == nil || r.ref.ID == "" {
			continue
		}
		name, ps := refName(doc, at(src, r.key+".id"), r.ref.ID)
		probs = append(probs, ps...)
		*r.dst = name
	}
	out.UsedAddresses = usedAddresses(s)
	out.Purpose = inferPurpose(s.Name, delegations, len(s.ApplicationGatewayIPConfigurations) > 0, len(s.PrivateEndpoints) > 0)
	if probs != nil {
		return design.Subnet{}, probs
	}

	doc.Record(d, dp, src)
	doc.Record(d, design.Field(dp, "name"), at(src, "name"))
	doc.Record(d, design.Field(dp, "addressPrefixes"), parentOf(rawSrc[0]))
	for i := range out.AddressPrefixes {
		doc.Record(d, design.Index(design.Field(dp, "addressPrefixes"), i), rawSrc[i])
	}
	if out.Delegation != "" {
		doc.Record(d, design.Field(dp, "delegation"), at(src, "delegations"))
	}
	for _, r := range refs {
		if *r.dst != "" {
			doc.Record(d, design.Field(dp, r.dkey), at(src, r.key+".id"))
		}
	}
	switch {
	case len(s.IPConfigurations) > 0:
		doc.Record(d, design.Field(dp, "usedAddresses"), at(src, "ipConfigurations"))
	case len(s.PrivateEndpoints) > 0:
		doc.Record(d, design.Field(dp, "usedAddresses"), at(src, "privateEndpoints"))
	}
	// The purpose is inferred from the subnet as a whole.
	doc.Record(d, design.Field(dp, "purpose"), src)
	return out, nil
}

// parentOf strips a trailing [i] from a path: the list a prefix came from
// ("x.addressPrefixes[0]" → "x.addressPrefixes"); a path without an index is
// returned unchanged.
func parentOf(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	return p
}

// importSubnet imports one `az network vnet subnet show -o json` object at
// base into the VNet its id names. The VNet must already be in d (VNet files
// are imported first); a subnet the VNet already has is replaced in place,
// keeping its design path, so `vnet show` and `vnet subnet list` may be
// combined.
func importSubnet(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var h azHeader
	if ps := decode(doc, base, &h, true); ps != nil {
		return ps
	}
	if ps := checkType(doc, base, h.Type, typeSubnet); ps != nil {
		return ps
	}
	ref, ok := importer.SubnetRef(h.ID)
	if !ok {
		return []importer.Problem{problem(doc, at(base, "id"), "subnet id does not name a virtual network subnet: "+strconv.Quote(h.ID),
			"pass the unmodified output of az network vnet subnet show")}
	}
	vnetName := ref[:strings.IndexByte(ref, '/')]
	v := d.VNetByName(vnetName)
	if v == nil {
		return []importer.Problem{problem(doc, at(base, "id"), "subnet "+h.Name+" belongs to virtual network "+vnetName+", which is not among the inputs",
			"add the output of az network vnet show for "+vnetName)}
	}
	i := len(v.Subnets)
	for j := range v.Subnets {
		if v.Subnets[j].Name == h.Name {
			i = j
			break
		}
	}
	dp := design.Index(design.Field(v.Path, "subnets"), i)
	s, ps := convertSubnet(doc, base, dp, d)
	if ps != nil {
		return ps
	}
	if i == len(v.Subnets) {
		v.Subnets = append(v.Subnets, s)
	} else {
		v.Subnets[i] = s
	}
	return nil
}

// nextHopTypes maps az's nextHopType spellings (compared case-insensitively)
// to the design enum.
var nextHopTypes = map[string]design.NextHopType{
	"virtualappliance":      design.NextHopVirtualAppliance,
	"internet":              design.NextHopInternet,
	"virtualnetworkgateway": design.NextHopVirtualNetworkGateway,
	"vnetlocal":             design.NextHopVnetLocal,
	"none":                  design.NextHopNone,
}

// importRouteTable imports one `az network route-table show -o json` object
// at base: its routes (prefix, next hop type and address) and whether BGP
// route propagation is disabled.
func importRouteTable(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var h struct {
		azHeader                   `yaml:",inline"`
		DisableBGPRoutePropagation bool `yaml:"disableBgpRoutePropagation"`
	}
	if ps := decode(doc, base, &h, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, h.Type, typeRouteTable)
	if h.Name == "" {
		probs = append(probs, problem(doc, at(base, "name"), "route table has no name", ""))
	}
	if probs != nil {
		return probs
	}
	if d.RouteTableByName(h.Name) != nil {
		return []importer.Problem{problem(doc, at(base, "name"), "route table "+h.Name+" is imported twice", "")}
	}
	rp := design.Index("spec.routeTables", len(d.Spec.RouteTables))
	rt := design.RouteTable{Name: h.Name, DisableBGPPropagation: h.DisableBGPRoutePropagation, Path: rp}

	var routes []any
	probs = append(probs, decode(doc, at(base, "routes"), &routes, false)...)
	type located struct {
		r   design.Route
		src string
	}
	var good []located
	for i := range routes {
		src := idx(at(base, "routes"), i)
		var r azRoute
		if ps := decode(doc, src, &r, true); ps != nil {
			probs = append(probs, ps...)
			continue
		}
		var rps []importer.Problem
		if r.Name == "" {
			rps = append(rps, problem(doc, src, "route has no name", ""))
		}
		if r.AddressPrefix == "" {
			rps = append(rps, problem(doc, src, "route "+r.Name+" has no addressPrefix", ""))
		} else if strings.Contains(r.AddressPrefix, "/") {
			// A CIDR; anything else is a service tag such as AzureCloud.
			if _, err := cidr.ParsePrefix(r.AddressPrefix); err != nil {
				rps = append(rps, problem(doc, at(src, "addressPrefix"), "bad route prefix: "+err.Error(), ""))
			}
		}
		nh, ok := nextHopTypes[strings.ToLower(r.NextHopType)]
		if !ok {
			rps = append(rps, problem(doc, at(src, "nextHopType"), "unknown nextHopType "+strconv.Quote(r.NextHopType),
				"expected one of "+strings.Join(design.NextHopType("").EnumValues(), ", ")))
		}
		var addr netip.Addr
		if r.NextHopIPAddress != "" {
			a, err := cidr.ParseAddr(r.NextHopIPAddress)
			if err != nil {
				rps = append(rps, problem(doc, at(src, "nextHopIpAddress"), "bad next hop address: "+err.Error(), ""))
			}
			addr = a
		}
		if rps != nil {
			probs = append(probs, rps...)
			continue
		}
		good = append(good, located{design.Route{Name: r.Name, AddressPrefix: r.AddressPrefix, NextHopType: nh, NextHopIPAddress: addr}, src})
	}
	if probs != nil {
		return probs
	}

	doc.Record(d, rp, base)
	doc.Record(d, design.Field(rp, "name"), at(base, "name"))
	if doc.Node(at(base, "disableBgpRoutePropagation")) != nil {
		doc.Record(d, design.Field(rp, "disableBgpRoutePropagation"), at(base, "disableBgpRoutePropagation"))
	}
	for i, g := range good {
		p := design.Index(design.Field(rp, "routes"), i)
		g.r.Path = p
		rt.Routes = append(rt.Routes, g.r)
		doc.Record(d, p, g.src)
		doc.Record(d, design.Field(p, "name"), at(g.src, "name"))
		doc.Record(d, design.Field(p, "addressPrefix"), at(g.src, "addressPrefix"))
		doc.Record(d, design.Field(p, "nextHopType"), at(g.src, "nextHopType"))
		if g.r.NextHopIPAddress.IsValid() {
			doc.Record(d, design.Field(p, "nextHopIpAddress"), at(g.src, "nextHopIpAddress"))
		}
	}
	d.Spec.RouteTables = append(d.Spec.RouteTables, rt)
	return nil
}

// importNATGateway imports one `az network nat gateway show -o json` object
// at base: SKU, idle timeout and the number of public IPv4 and IPv6
// addresses.
//
// The gateway lists public IP prefixes only by ID, so their sizes are
// unknown here: each prefix counts as one address. That is a lower bound
// (a /28 prefix gives 16), chosen so SNAT capacity is never overstated; a
// design can raise publicIPs by hand.
func importNATGateway(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var g struct {
		azHeader             `yaml:",inline"`
		SKU                  *azSKU  `yaml:"sku"`
		IdleTimeoutInMinutes int     `yaml:"idleTimeoutInMinutes"`
		PublicIPAddresses    []azRef `yaml:"publicIpAddresses"`
		PublicIPPrefixes     []azRef `yaml:"publicIpPrefixes"`
		PublicIPAddressesV6  []azRef `yaml:"publicIpAddressesV6"`
		PublicIPPrefixesV6   []azRef `yaml:"publicIpPrefixesV6"`
	}
	if ps := decode(doc, base, &g, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, g.Type, typeNATGateway)
	if g.Name == "" {
		probs = append(probs, problem(doc, at(base, "name"), "NAT gateway has no name", ""))
	}
	var sku design.NATGatewaySKU
	if g.SKU != nil {
		switch strings.ToLower(g.SKU.Name) {
		case "", "standard":
			sku = design.NATStandard
		case "standardv2":
			sku = design.NATStandardV2
		default:
			probs = append(probs, problem(doc, at(base, "sku.name"), "unknown NAT gateway SKU "+strconv.Quote(g.SKU.Name),
				"expected Standard or StandardV2"))
		}
	}
	if g.IdleTimeoutInMinutes < 0 {
		probs = append(probs, problem(doc, at(base, "idleTimeoutInMinutes"), "negative idle timeout", ""))
	}
	if probs != nil {
		return probs
	}
	if d.NATGatewayByName(g.Name) != nil {
		return []importer.Problem{problem(doc, at(base, "name"), "NAT gateway "+g.Name+" is imported twice", "")}
	}
	np := design.Index("spec.natGateways", len(d.Spec.NATGateways))
	d.Spec.NATGateways = append(d.Spec.NATGateways, design.NATGateway{
		Name:               g.Name,
		SKU:                sku,
		PublicIPs:          len(g.PublicIPAddresses) + len(g.PublicIPPrefixes),
		PublicIPv6s:        len(g.PublicIPAddressesV6) + len(g.PublicIPPrefixesV6),
		IdleTimeoutMinutes: g.IdleTimeoutInMinutes,
		Path:               np,
	})
	doc.Record(d, np, base)
	doc.Record(d, design.Field(np, "name"), at(base, "name"))
	if g.SKU != nil {
		doc.Record(d, design.Field(np, "sku"), at(base, "sku.name"))
	}
	switch {
	case len(g.PublicIPAddresses) > 0:
		doc.Record(d, design.Field(np, "publicIPs"), at(base, "publicIpAddresses"))
	case len(g.PublicIPPrefixes) > 0:
		doc.Record(d, design.Field(np, "publicIPs"), at(base, "publicIpPrefixes"))
	}
	switch {
	case len(g.PublicIPAddressesV6) > 0:
		doc.Record(d, design.Field(np, "publicIPv6s"), at(base, "publicIpAddressesV6"))
	case len(g.PublicIPPrefixesV6) > 0:
		doc.Record(d, design.Field(np, "publicIPv6s"), at(base, "publicIpPrefixesV6"))
	}
	if g.IdleTimeoutInMinutes > 0 {
		doc.Record(d, design.Field(np, "idleTimeoutMinutes"), at(base, "idleTimeoutInMinutes"))
	}
	return nil
}
