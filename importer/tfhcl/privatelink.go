package tfhcl

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// Private endpoints, private DNS zones and their VNet links, read from the
// same generated document as the rest (see synth.go) after the plan
// importer has built the VNets, so endpoints can be placed in subnets.

type tfPrivateEndpoint struct {
	Name       string `yaml:"name"`
	SubnetID   string `yaml:"subnet_id"`
	Connection []struct {
		Target       string   `yaml:"private_connection_resource_id"`
		Subresources []string `yaml:"subresource_names"`
	} `yaml:"private_service_connection"`
	ZoneGroup []struct {
		ZoneIDs []string `yaml:"private_dns_zone_ids"`
	} `yaml:"private_dns_zone_group"`
}

type tfZoneLink struct {
	Name     string `yaml:"name"`
	ZoneName string `yaml:"private_dns_zone_name"`
	VNetID   string `yaml:"virtual_network_id"`
}

type privateLinks struct {
	doc   *importer.Doc
	d     *design.Design
	s     *synth
	kept  []*instance
	probs []problem
	warns []problem
}

// values returns the source path of resource i's values in the document.
func values(i int) string { return design.Index("planned_values.root_module.resources", i) + ".values" }

func (pl *privateLinks) at(path string) position { return pl.s.at(pl.doc.Line(path)) }

func (pl *privateLinks) problem(path, msg, hint string) {
	p := pl.at(path)
	pl.probs = append(pl.probs, problem{File: p.file, Line: p.line, Col: p.col, Path: p.path, Msg: msg, Hint: hint})
}

func (pl *privateLinks) warn(path, msg, hint string) {
	p := pl.at(path)
	pl.warns = append(pl.warns, problem{File: p.file, Line: p.line, Col: p.col, Path: p.path, Msg: msg, Hint: hint})
}

// unknown reports whether the value at rel of resource i is flagged
// unknown (and so already warned about).
func (pl *privateLinks) unknown(i int, rel string) bool {
	base := design.Index("resource_changes", i) + ".change.after_unknown"
	for p := rel; p != ""; p = parentOf(p) {
		if n := pl.doc.Node(design.Field(base, p)); n != nil && n.Kind == yaml.ScalarNode && n.Value == "true" {
			return true
		}
	}
	return false
}

func parentOf(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func (pl *privateLinks) decode(i int, v any) bool {
	if p := pl.doc.Decode(values(i), v); p != nil {
		pos := pl.s.at(p.Line)
		pl.probs = append(pl.probs, problem{File: pos.file, Line: pos.line, Col: pos.col, Path: pos.path, Msg: p.Msg,
			Hint: "check the value's type against the azurerm provider documentation"})
		return false
	}
	return true
}

func (pl *privateLinks) record(designPath, src string) { pl.doc.Record(pl.d, designPath, src) }

func (pl *privateLinks) run() {
	for _, typ := range []string{"azurerm_private_dns_zone", "azurerm_private_dns_zone_virtual_network_link", "azurerm_private_endpoint"} {
		for i, in := range pl.kept {
			if in.rs.rb.typ != typ {
				continue
			}
			switch typ {
			case "azurerm_private_dns_zone":
				pl.zone(i, in.addr)
			case "azurerm_private_dns_zone_virtual_network_link":
				pl.link(i, in.addr)
			default:
				pl.endpoint(i, in.addr)
			}
		}
	}
}

func (pl *privateLinks) zone(i int, addr string) {
	var z struct {
		Name string `yaml:"name"`
	}
	if !pl.decode(i, &z) {
		return
	}
	src := values(i)
	if z.Name == "" {
		pl.problem(src, addr+": the private DNS zone has no name", "set name, e.g. privatelink.vaultcore.azure.net")
		return
	}
	if prev := pl.d.ZoneByName(z.Name); prev != nil {
		pl.problem(src+".name", fmt.Sprintf("%s: private DNS zone %s is declared twice (also %s)", addr, z.Name, pl.d.Locate(prev.Path)),
			"aksnet needs zone names to be unique across the inputs")
		return
	}
	pl.addZone(z.Name, design.Index("planned_values.root_module.resources", i), src+".name")
}

func (pl *privateLinks) addZone(name, src, nameSrc string) *design.PrivateDNSZone {
	zp := design.Index("spec.privateDnsZones", len(pl.d.Spec.PrivateDNSZones))
	pl.d.Spec.PrivateDNSZones = append(pl.d.Spec.PrivateDNSZones, design.PrivateDNSZone{Name: name, Path: zp})
	pl.record(zp, src)
	pl.record(design.Field(zp, "name"), nameSrc)
	return &pl.d.Spec.PrivateDNSZones[len(pl.d.Spec.PrivateDNSZones)-1]
}

// link adds a VNet link to its zone. As for az output, a link proves its
// zone exists, so a zone not among the inputs is created from the link;
// and a link to a VNet outside the inputs is dropped, since rules only ask
// whether zones are linked to VNets of the design.
func (pl *privateLinks) link(i int, addr string) {
	var l tfZoneLink
	if !pl.decode(i, &l) {
		return
	}
	src := values(i)
	if l.ZoneName == "" {
		if !pl.unknown(i, "private_dns_zone_name") {
			pl.problem(src, addr+": the link has no private_dns_zone_name", "set private_dns_zone_name, e.g. azurerm_private_dns_zone.NAME.name")
		}
		return
	}
	if l.VNetID == "" {
		if !pl.unknown(i, "virtual_network_id") {
			pl.problem(src, addr+": the link has no virtual_network_id", "set virtual_network_id, e.g. azurerm_virtual_network.NAME.id")
		}
		return
	}
	vr, ok := importer.ParseResourceID(l.VNetID)
	if !ok || !vr.Is("Microsoft.Network", "virtualNetworks") {
		pl.problem(src+".virtual_network_id", fmt.Sprintf("%s: %q is not a virtual network ID", addr, l.VNetID),
			"refer to the VNet, e.g. azurerm_virtual_network.NAME.id, or write its full Azure resource ID")
		return
	}
	z := pl.d.ZoneByName(l.ZoneName)
	if z == nil {
		z = pl.addZone(l.ZoneName, design.Index("planned_values.root_module.resources", i), src+".private_dns_zone_name")
	}
	v := pl.d.VNetByName(vr.Name())
	if v == nil {
		return
	}
	for _, have := range z.Links {
		if strings.EqualFold(have, v.Name) {
			return
		}
	}
	lp := design.Index(design.Field(z.Path, "links"), len(z.Links))
	z.Links = append(z.Links, v.Name)
	pl.record(lp, src+".virtual_network_id")
	if len(z.Links) == 1 {
		pl.record(design.Field(z.Path, "links"), src+".virtual_network_id")
	}
}

func (pl *privateLinks) endpoint(i int, addr string) {
	var pe tfPrivateEndpoint
	if !pl.decode(i, &pe) {
		return
	}
	src := values(i)
	if pe.Name == "" {
		pl.problem(src, addr+": the private endpoint has no name", "set name")
		return
	}
	if pe.SubnetID == "" {
		if !pl.unknown(i, "subnet_id") {
			pl.problem(src, addr+": the private endpoint has no subnet_id", "set subnet_id, e.g. azurerm_subnet.NAME.id")
		}
		return
	}
	ref, ok := importer.SubnetRef(pe.SubnetID)
	if !ok {
		pl.problem(src+".subnet_id", fmt.Sprintf("%s: %q is not a subnet resource ID", addr, pe.SubnetID),
			"refer to the subnet, e.g. azurerm_subnet.NAME.id, or write its full Azure resource ID")
		return
	}
	if _, _, err := pl.d.ResolveSubnet(ref, ""); err != nil {
		pl.problem(src+".subnet_id", fmt.Sprintf("%s: subnet %s is not among the inputs", addr, ref),
			"include the subnet's azurerm_virtual_network and azurerm_subnet in the same folder of .tf files")
		return
	}
	if len(pe.Connection) == 0 {
		pl.problem(src, addr+": the private endpoint has no private_service_connection block", "add the private_service_connection block")
		return
	}
	c := pe.Connection[0]
	cs := src + ".private_service_connection[0]"
	if c.Target == "" {
		if !pl.unknown(i, "private_service_connection[0].private_connection_resource_id") {
			pl.problem(cs, addr+": private_service_connection has no private_connection_resource_id", "set it to the id of the target resource")
		}
		return
	}
	if len(c.Subresources) == 0 {
		if !pl.unknown(i, "private_service_connection[0].subresource_names") {
			pl.warn(cs, addr+": private_service_connection names no subresource_names; the service cannot be told, so the endpoint is not checked",
				"set subresource_names, e.g. [\"vault\"] for a Key Vault")
		}
		return
	}
	tr, ok := importer.ParseResourceID(c.Target)
	if !ok || len(tr.Types) != 1 {
		pl.warn(cs+".private_connection_resource_id", fmt.Sprintf("%s: %q is not the ID of a service aksnet models; the endpoint is not checked", addr, c.Target),
			"aksnet checks endpoints to Key Vault, Storage, SQL, ACR, Service Bus, Event Hubs, Relay, Cosmos DB, Azure Monitor, Redis, PostgreSQL and AKS")
		return
	}
	service := importer.PrivateLinkServiceOf(tr, c.Subresources[0])
	if service == "" {
		pl.warn(cs+".subresource_names[0]", fmt.Sprintf("%s: %s/%s with subresource %s is not a service aksnet models; the endpoint is not checked",
			addr, tr.Provider, tr.Types[0], c.Subresources[0]),
			"aksnet checks endpoints to Key Vault, Storage, SQL, ACR, Service Bus, Event Hubs, Relay, Cosmos DB, Azure Monitor, Redis, PostgreSQL and AKS")
		return
	}
	for _, have := range pl.d.Spec.PrivateEndpoints {
		if have.Name == pe.Name {
			pl.problem(src+".name", fmt.Sprintf("%s: private endpoint %s is declared twice (also %s)", addr, pe.Name, pl.d.Locate(have.Path)),
				"aksnet needs private endpoint names to be unique across the inputs")
			return
		}
	}
	pp := design.Index("spec.privateEndpoints", len(pl.d.Spec.PrivateEndpoints))
	out := design.PrivateEndpoint{Name: pe.Name, Service: service, Subnet: ref, Path: pp}
	pl.record(pp, design.Index("planned_values.root_module.resources", i))
	pl.record(design.Field(pp, "name"), src+".name")
	pl.record(design.Field(pp, "subnet"), src+".subnet_id")
	pl.record(design.Field(pp, "service"), cs+".subresource_names[0]")
	if len(pe.ZoneGroup) > 0 {
		gs := src + ".private_dns_zone_group[0].private_dns_zone_ids"
		switch ids := pe.ZoneGroup[0].ZoneIDs; {
		case len(ids) > 0:
			zr, ok := importer.ParseResourceID(ids[0])
			if !ok || !zr.Is("Microsoft.Network", "privateDnsZones") {
				pl.problem(gs+"[0]", fmt.Sprintf("%s: %q is not a private DNS zone ID", addr, ids[0]),
					"refer to the zone, e.g. azurerm_private_dns_zone.NAME.id, or write its full Azure resource ID")
				return
			}
			out.DNSZone = zr.Name()
			pl.record(design.Field(pp, "dnsZone"), gs+"[0]")
		case pl.unknown(i, "private_dns_zone_group[0].private_dns_zone_ids"):
			pl.warn(gs, addr+": the endpoint's DNS zone is not known, so the checks assume the zone Azure recommends for "+design.ServiceTitle(service),
				unknownHint)
		}
	}
	pl.d.Spec.PrivateEndpoints = append(pl.d.Spec.PrivateEndpoints, out)
	if _, s, err := pl.d.ResolveSubnet(ref, ""); err == nil && s.Purpose == design.PurposeOther {
		s.Purpose = design.PurposePrivateEndpoints
	}
}
