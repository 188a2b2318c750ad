package az

import (
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// This file reads the az outputs that describe private access and traffic
// filtering around a cluster: `az network private-endpoint list|show`,
// `az network private-dns zone list|show`, `az network private-dns link vnet
// list|show`, `az network nsg list|show` and `az network vnet peering list`.
// They are imported after the VNets, subnets, route tables and NAT gateways
// and before the clusters (see the Kind order in az.go), so every VNet of
// the inputs is already in the design when they run. Zones come before
// their links, and NSGs before missingAttachments, which only adds a
// name-only NSG for references no NSG file satisfied.

// Resource types as az prints them in the "type" field.
const (
	typePrivateEndpoint = "Microsoft.Network/privateEndpoints"
	typePrivateDNSZone  = "Microsoft.Network/privateDnsZones"
	typePrivateDNSLink  = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
	typeNSG             = "Microsoft.Network/networkSecurityGroups"
	typePeering         = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
)

// azLinkConnection is one entry of privateLinkServiceConnections or
// manualPrivateLinkServiceConnections (properties flattened by az).
type azLinkConnection struct {
	Name                 string   `yaml:"name"`
	GroupIDs             []string `yaml:"groupIds"`
	PrivateLinkServiceID string   `yaml:"privateLinkServiceId"`
}

type azPrivateEndpoint struct {
	azHeader                            `yaml:",inline"`
	Subnet                              *azRef             `yaml:"subnet"`
	PrivateLinkServiceConnections       []azLinkConnection `yaml:"privateLinkServiceConnections"`
	ManualPrivateLinkServiceConnections []azLinkConnection `yaml:"manualPrivateLinkServiceConnections"`
}

// privateLinkService maps a connection to the design service, or "" when
// the target is not a service the design knows.
func privateLinkService(c azLinkConnection) design.PrivateLinkService {
	r, ok := importer.ParseResourceID(c.PrivateLinkServiceID)
	if !ok || len(r.Types) != 1 || len(c.GroupIDs) == 0 {
		return ""
	}
	return importer.PrivateLinkServiceOf(r, c.GroupIDs[0])
}

// importPrivateEndpoint imports one `az network private-endpoint show -o
// json` object at base: its name, its subnet (as vnet/subnet; the VNet must
// be among the inputs) and the service behind its first connection
// (automatic connections first, then manual ones). customDnsConfigs are
// ignored: the DNS zone of an imported endpoint is the recommended zone of
// its service.
//
// The design's service list is closed (it is the table of recommended DNS
// zones), so an endpoint to a service it does not list (a private link
// service of a partner, Azure Batch, ...) cannot be expressed and is
// skipped without a problem; its address still counts through the subnet's
// privateEndpoints list.
func importPrivateEndpoint(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var pe azPrivateEndpoint
	if ps := decode(doc, base, &pe, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, pe.Type, typePrivateEndpoint)
	if pe.Name == "" {
		probs = append(probs, problem(doc, at(base, "name"), "private endpoint has no name", ""))
	}
	if pe.Subnet == nil || pe.Subnet.ID == "" {
		probs = append(probs, problem(doc, base, "private endpoint "+pe.Name+" has no subnet.id",
			"pass the unmodified output of az network private-endpoint show"))
	}
	if probs != nil {
		return probs
	}
	subnetSrc := at(base, "subnet.id")
	ref, ok := importer.SubnetRef(pe.Subnet.ID)
	if !ok {
		return []importer.Problem{problem(doc, subnetSrc, "subnet id does not name a virtual network subnet: "+strconv.Quote(pe.Subnet.ID),
			"pass the unmodified output of az network private-endpoint show")}
	}
	vnetName, subnetName, _ := strings.Cut(ref, "/")
	v := d.VNetByName(vnetName)
	if v == nil {
		return []importer.Problem{problem(doc, subnetSrc, "private endpoint "+pe.Name+" is in VNet "+vnetName+", which is not among the inputs",
			"add the output of 'az network vnet show -g RESOURCE_GROUP -n "+vnetName+" -o json'")}
	}
	if v.SubnetByName(subnetName) == nil {
		return []importer.Problem{problem(doc, subnetSrc, "private endpoint "+pe.Name+" is in subnet "+ref+", which VNet "+vnetName+" does not have",
			"add the output of 'az network vnet subnet show -g RESOURCE_GROUP --vnet-name "+vnetName+" -n "+subnetName+" -o json'")}
	}

	var service design.PrivateLinkService
	var serviceSrc string
	for _, list := range []struct {
		key   string
		conns []azLinkConnection
	}{{"privateLinkServiceConnections", pe.PrivateLinkServiceConnections}, {"manualPrivateLinkServiceConnections", pe.ManualPrivateLinkServiceConnections}} {
		for i, c := range list.conns {
			if s := privateLinkService(c); s != "" {
				service, serviceSrc = s, idx(at(idx(at(base, list.key), i), "groupIds"), 0)
				break
			}
		}
		if service != "" {
			break
		}
	}
	if service == "" {
		return nil // not a service the design can express; see the doc comment
	}
	for i := range d.Spec.PrivateEndpoints {
		if d.Spec.PrivateEndpoints[i].Name == pe.Name {
			return []importer.Problem{problem(doc, at(base, "name"), "private endpoint "+pe.Name+" is imported twice",
				"pass each private endpoint once (private-endpoint list already includes every endpoint it shows)")}
		}
	}

	pp := design.Index("spec.privateEndpoints", len(d.Spec.PrivateEndpoints))
	d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{Name: pe.Name, Service: service, Subnet: ref, Path: pp})
	doc.Record(d, pp, base)
	doc.Record(d, design.Field(pp, "name"), at(base, "name"))
	doc.Record(d, design.Field(pp, "subnet"), subnetSrc)
	doc.Record(d, design.Field(pp, "service"), serviceSrc)
	return nil
}

// importPrivateDNSZone imports one `az network private-dns zone show -o
// json` object at base: a private DNS zone without links (links come from
// `az network private-dns link vnet list`).
func importPrivateDNSZone(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var h azHeader
	if ps := decode(doc, base, &h, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, h.Type, typePrivateDNSZone)
	if h.Name == "" {
		probs = append(probs, problem(doc, at(base, "name"), "private DNS zone has no name", ""))
	}
	if probs != nil {
		return probs
	}
	if d.ZoneByName(h.Name) != nil {
		return []importer.Problem{problem(doc, at(base, "name"), "private DNS zone "+h.Name+" is imported twice",
			"pass each zone once (zone list already includes every zone it shows)")}
	}
	addZone(doc, base, at(base, "name"), h.Name, d)
	return nil
}

// addZone appends a zone called name, located at src (the object) and
// nameSrc (its name), and returns it.
func addZone(doc *importer.Doc, src, nameSrc, name string, d *design.Design) *design.PrivateDNSZone {
	zp := design.Index("spec.privateDnsZones", len(d.Spec.PrivateDNSZones))
	d.Spec.PrivateDNSZones = append(d.Spec.PrivateDNSZones, design.PrivateDNSZone{Name: name, Path: zp})
	doc.Record(d, zp, src)
	doc.Record(d, design.Field(zp, "name"), nameSrc)
	return &d.Spec.PrivateDNSZones[len(d.Spec.PrivateDNSZones)-1]
}

// importPrivateDNSLink imports one `az network private-dns link vnet show
// -o json` object at base: the linked VNet's name is appended to the links
// of the zone named in the link's id.
//
// A link proves its zone exists, so when the zone is not among the inputs
// it is created from the link (located at the link's id), and `link vnet
// list` alone is enough to check DNS. A link to a VNet that is not among the
// inputs is dropped: a design link must name a VNet of the design, and the
// rules only ask whether zones are linked to VNets of the design, so the
// dropped link changes no finding.
func importPrivateDNSLink(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var l struct {
		azHeader       `yaml:",inline"`
		VirtualNetwork *azRef `yaml:"virtualNetwork"`
	}
	if ps := decode(doc, base, &l, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, l.Type, typePrivateDNSLink)
	if l.VirtualNetwork == nil || l.VirtualNetwork.ID == "" {
		probs = append(probs, problem(doc, base, "VNet link "+l.Name+" has no virtualNetwork.id",
			"pass the unmodified output of az network private-dns link vnet show"))
	}
	if probs != nil {
		return probs
	}
	idSrc := at(base, "id")
	r, ok := importer.ParseResourceID(l.ID)
	if !ok || !r.Is("Microsoft.Network", "privateDnsZones", "virtualNetworkLinks") {
		return []importer.Problem{problem(doc, idSrc, "id does not name a private DNS zone VNet link: "+strconv.Quote(l.ID),
			"pass the unmodified output of az network private-dns link vnet show")}
	}
	vnetSrc := at(base, "virtualNetwork.id")
	vr, ok := importer.ParseResourceID(l.VirtualNetwork.ID)
	if !ok || !vr.Is("Microsoft.Network", "virtualNetworks") {
		return []importer.Problem{problem(doc, vnetSrc, "virtualNetwork.id does not name a virtual network: "+strconv.Quote(l.VirtualNetwork.ID), "")}
	}
	zoneName := r.Names[0]
	z := d.ZoneByName(zoneName)
	if z == nil {
		z = addZone(doc, base, idSrc, zoneName, d)
	}
	v := d.VNetByName(vr.Name())
	if v == nil {
		return nil // not among the inputs; see the doc comment
	}
	for _, have := range z.Links {
		if strings.EqualFold(have, v.Name) {
			return nil
		}
	}
	lp := design.Index(design.Field(z.Path, "links"), len(z.Links))
	z.Links = append(z.Links, v.Name)
	doc.Record(d, lp, vnetSrc)
	if len(z.Links) == 1 {
		doc.Record(d, design.Field(z.Path, "links"), base)
	}
	return nil
}

// azSecurityRule is one entry of an NSG's securityRules (properties
// flattened by az). Azure writes a single value in the singular field and
// several in the plural one.
type azSecurityRule struct {
	Name                       string   `yaml:"name"`
	Priority                   int      `yaml:"priority"`
	Direction                  string   `yaml:"direction"`
	Access                     string   `yaml:"access"`
	Protocol                   string   `yaml:"protocol"`
	SourceAddressPrefix        string   `yaml:"sourceAddressPrefix"`
	SourceAddressPrefixes      []string `yaml:"sourceAddressPrefixes"`
	DestinationAddressPrefix   string   `yaml:"destinationAddressPrefix"`
	DestinationAddressPrefixes []string `yaml:"destinationAddressPrefixes"`
	DestinationPortRange       string   `yaml:"destinationPortRange"`
	DestinationPortRanges      []string `yaml:"destinationPortRanges"`
}

// canonical returns the spelling in allowed that equals s ignoring case, or
// "" when none does.
func canonical(s string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a
		}
	}
	return ""
}

// oneOrMany returns the plural list when it has entries, else the singular
// value as a one-entry list (nil when empty), and the source key used.
func oneOrMany(one string, many []string, oneKey, manyKey string) ([]string, string) {
	if len(many) > 0 {
		return many, manyKey
	}
	if one != "" {
		return []string{one}, oneKey
	}
	return nil, ""
}

// importNSG imports one `az network nsg show -o json` object at base: the
// NSG and its securityRules. defaultSecurityRules are not imported: Azure
// adds them to every NSG (priorities 65000 and up), so they say nothing
// about this one. An NSG that a subnet names but no input describes is
// added by name only, after every file is imported (missingAttachments in
// az.go), so this import always runs first.
func importNSG(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var h azHeader
	if ps := decode(doc, base, &h, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, h.Type, typeNSG)
	if h.Name == "" {
		probs = append(probs, problem(doc, at(base, "name"), "network security group has no name", ""))
	}
	var raw []any
	probs = append(probs, decode(doc, at(base, "securityRules"), &raw, false)...)
	if probs != nil {
		return probs
	}
	if d.NSGByName(h.Name) != nil {
		return []importer.Problem{problem(doc, at(base, "name"), "network security group "+h.Name+" is imported twice",
			"pass each NSG once (nsg list already includes every NSG it shows)")}
	}
	np := design.Index("spec.networkSecurityGroups", len(d.Spec.NSGs))
	nsg := design.NSG{Name: h.Name, Path: np}
	type located struct {
		r    design.NSGRule
		src  string
		keys [3]string
	}
	var good []located
	for i := range raw {
		src := idx(at(base, "securityRules"), i)
		var s azSecurityRule
		if ps := decode(doc, src, &s, true); ps != nil {
			probs = append(probs, ps...)
			continue
		}
		var rps []importer.Problem
		if s.Name == "" {
			rps = append(rps, problem(doc, src, "security rule has no name", ""))
		}
		if s.Priority < 100 || s.Priority > 4096 {
			rps = append(rps, problem(doc, at(src, "priority"), "security rule "+s.Name+" has priority "+strconv.Itoa(s.Priority),
				"Azure accepts 100 to 4096"))
		}
		dir := canonical(s.Direction, "Inbound", "Outbound")
		if dir == "" {
			rps = append(rps, problem(doc, at(src, "direction"), "unknown direction "+strconv.Quote(s.Direction), "expected Inbound or Outbound"))
		}
		acc := canonical(s.Access, "Allow", "Deny")
		if acc == "" {
			rps = append(rps, problem(doc, at(src, "access"), "unknown access "+strconv.Quote(s.Access), "expected Allow or Deny"))
		}
		proto := canonical(s.Protocol, "Tcp", "Udp", "Icmp", "Esp", "Ah", "*")
		if proto == "" {
			rps = append(rps, problem(doc, at(src, "protocol"), "unknown protocol "+strconv.Quote(s.Protocol), "expected Tcp, Udp, Icmp, Esp, Ah or *"))
		}
		if rps != nil {
			probs = append(probs, rps...)
			continue
		}
		r := design.NSGRule{Name: s.Name, Priority: s.Priority, Direction: dir, Access: acc, Protocol: proto}
		var keys [3]string
		r.Sources, keys[0] = oneOrMany(s.SourceAddressPrefix, s.SourceAddressPrefixes, "sourceAddressPrefix", "sourceAddressPrefixes")
		r.Destinations, keys[1] = oneOrMany(s.DestinationAddressPrefix, s.DestinationAddressPrefixes, "destinationAddressPrefix", "destinationAddressPrefixes")
		r.DestinationPorts, keys[2] = oneOrMany(s.DestinationPortRange, s.DestinationPortRanges, "destinationPortRange", "destinationPortRanges")
		good = append(good, located{r, src, keys})
	}
	if probs != nil {
		return probs
	}
	doc.Record(d, np, base)
	doc.Record(d, design.Field(np, "name"), at(base, "name"))
	for i, g := range good {
		rp := design.Index(design.Field(np, "rules"), i)
		g.r.Path = rp
		nsg.Rules = append(nsg.Rules, g.r)
		doc.Record(d, rp, g.src)
		for _, f := range []string{"name", "priority", "direction", "access", "protocol"} {
			doc.Record(d, design.Field(rp, f), at(g.src, f))
		}
		for k, f := range []string{"sources", "destinations", "destinationPorts"} {
			if g.keys[k] != "" {
				doc.Record(d, design.Field(rp, f), at(g.src, g.keys[k]))
			}
		}
	}
	d.Spec.NSGs = append(d.Spec.NSGs, nsg)
	return nil
}

// importPeering imports one `az network vnet peering show -o json` object
// at base (`vnet peering list` prints an array of them): a peering from the
// VNet named in its id to the VNet named in remoteVirtualNetwork.id.
// Peerings to or from VNets that are not among the inputs, and the second
// direction of a pair (also listed by vnet show), are handled by
// joinPeerings in az.go.
func importPeering(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	var p struct {
		azHeader             `yaml:",inline"`
		RemoteVirtualNetwork *azRef `yaml:"remoteVirtualNetwork"`
	}
	if ps := decode(doc, base, &p, true); ps != nil {
		return ps
	}
	probs := checkType(doc, base, p.Type, typePeering)
	if p.RemoteVirtualNetwork == nil || p.RemoteVirtualNetwork.ID == "" {
		probs = append(probs, problem(doc, base, "peering "+p.Name+" has no remoteVirtualNetwork.id",
			"pass the unmodified output of az network vnet peering list"))
	}
	if probs != nil {
		return probs
	}
	r, ok := importer.ParseResourceID(p.ID)
	if !ok || !r.Is("Microsoft.Network", "virtualNetworks", "virtualNetworkPeerings") {
		return []importer.Problem{problem(doc, at(base, "id"), "id does not name a virtual network peering: "+strconv.Quote(p.ID),
			"pass the unmodified output of az network vnet peering list")}
	}
	toSrc := at(base, "remoteVirtualNetwork.id")
	to, ps := refName(doc, toSrc, p.RemoteVirtualNetwork.ID)
	if ps != nil {
		return ps
	}
	pp := design.Index("spec.peerings", len(d.Spec.Peerings))
	d.Spec.Peerings = append(d.Spec.Peerings, design.Peering{Name: p.Name, From: r.Names[0], To: to, Path: pp})
	doc.Record(d, pp, base)
	if p.Name != "" {
		doc.Record(d, design.Field(pp, "name"), at(base, "name"))
	}
	doc.Record(d, design.Field(pp, "from"), at(base, "id"))
	doc.Record(d, design.Field(pp, "to"), toSrc)
	return nil
}
