// Package az imports the JSON that the Azure CLI prints (`az aks show`,
// `az aks nodepool list`, `az network vnet show|list`, `az network vnet
// subnet show|list`, `az network route-table show|list`, `az network nat
// gateway show|list`, all with -o json) into one aksnet design. Files can
// come in any order; resources that refer to each other by resource ID are
// joined.
package az

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// Kind is what an az output holds.
type Kind int

// Kinds of az output, in the order they are imported.
const (
	KindUnknown Kind = iota
	KindVNet
	KindSubnet
	KindRouteTable
	KindNATGateway
	KindNSG
	KindPeering
	KindPrivateDNSZone
	KindPrivateDNSLink
	KindPrivateEndpoint
	KindCluster
	KindAgentPools
)

var kindTypes = []struct {
	kind Kind
	typ  string
	cmd  string
}{
	{KindVNet, "microsoft.network/virtualnetworks", "az network vnet show"},
	{KindSubnet, "microsoft.network/virtualnetworks/subnets", "az network vnet subnet show"},
	{KindRouteTable, "microsoft.network/routetables", "az network route-table show"},
	{KindNATGateway, "microsoft.network/natgateways", "az network nat gateway show"},
	{KindNSG, "microsoft.network/networksecuritygroups", "az network nsg show"},
	{KindPeering, "microsoft.network/virtualnetworks/virtualnetworkpeerings", "az network vnet peering list"},
	{KindPrivateDNSZone, "microsoft.network/privatednszones", "az network private-dns zone list"},
	{KindPrivateDNSLink, "microsoft.network/privatednszones/virtualnetworklinks", "az network private-dns link vnet list"},
	{KindPrivateEndpoint, "microsoft.network/privateendpoints", "az network private-endpoint list"},
	{KindCluster, "microsoft.containerservice/managedclusters", "az aks show"},
	{KindAgentPools, "microsoft.containerservice/managedclusters/agentpools", "az aks nodepool list"},
}

// Commands lists the az commands whose output Import reads.
func Commands() []string {
	out := make([]string, len(kindTypes))
	for i, k := range kindTypes {
		out[i] = k.cmd + " -o json"
	}
	return out
}

func typeOf(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "type" {
			return strings.ToLower(n.Content[i+1].Value)
		}
	}
	return ""
}

func kindOfType(t string) Kind {
	for _, k := range kindTypes {
		if k.typ == t {
			return k.kind
		}
	}
	return KindUnknown
}

// item is one resource object in one document.
type item struct {
	doc  *importer.Doc
	base string
	kind Kind
}

// Detect reports whether doc is az output Import understands: a resource
// object with a known "type", or an array of them.
func Detect(doc *importer.Doc) bool {
	items, probs := classify(doc)
	return len(probs) == 0 && len(items) > 0
}

func classify(doc *importer.Doc) ([]item, []importer.Problem) {
	root := doc.Root
	switch root.Kind {
	case yaml.MappingNode:
		k := kindOfType(typeOf(root))
		if k == KindUnknown {
			return nil, []importer.Problem{{File: doc.File, Line: root.Line, Msg: fmt.Sprintf("not an az resource aksnet reads (type %q)", typeOf(root)),
				Hint: "aksnet reads the -o json output of: " + strings.Join(Commands(), ", ")}}
		}
		return []item{{doc, "", k}}, nil
	case yaml.SequenceNode:
		var items []item
		var probs []importer.Problem
		for i, el := range root.Content {
			k := kindOfType(typeOf(el))
			if k == KindUnknown {
				probs = append(probs, importer.Problem{File: doc.File, Line: el.Line, Path: fmt.Sprintf("[%d]", i),
					Msg:  fmt.Sprintf("list element is not an az resource aksnet reads (type %q)", typeOf(el)),
					Hint: "aksnet reads the -o json output of: " + strings.Join(Commands(), ", ")})
				continue
			}
			// A node pool list is imported as a whole.
			if k == KindAgentPools {
				if i == 0 {
					items = append(items, item{doc, "", k})
				}
				continue
			}
			items = append(items, item{doc, fmt.Sprintf("[%d]", i), k})
		}
		return items, probs
	}
	return nil, []importer.Problem{{File: doc.File, Line: root.Line, Msg: "expected a JSON object or array of az resources"}}
}

// Import reads az outputs into one design. Warnings are things imported
// with a loss (a peering to a VNet that is not among the inputs); an error
// holds every problem that stops the import.
func Import(docs []*importer.Doc) (*design.Design, []importer.Problem, error) {
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind, Metadata: design.Metadata{Name: "imported"}, Sources: design.SourceMap{}}
	var items []item
	var probs, warns []importer.Problem
	for _, doc := range docs {
		it, p := classify(doc)
		items = append(items, it...)
		probs = append(probs, p...)
	}
	if len(probs) > 0 {
		return nil, nil, &importer.Error{Problems: probs}
	}
	slices.SortStableFunc(items, func(a, b item) int { return int(a.kind) - int(b.kind) })
	for _, it := range items {
		var p []importer.Problem
		switch it.kind {
		case KindVNet:
			p = importVNet(it.doc, it.base, d)
		case KindSubnet:
			p = importSubnet(it.doc, it.base, d)
		case KindRouteTable:
			p = importRouteTable(it.doc, it.base, d)
		case KindNATGateway:
			p = importNATGateway(it.doc, it.base, d)
		case KindNSG:
			p = importNSG(it.doc, it.base, d)
		case KindPeering:
			p = importPeering(it.doc, it.base, d)
		case KindPrivateDNSZone:
			p = importPrivateDNSZone(it.doc, it.base, d)
		case KindPrivateDNSLink:
			p = importPrivateDNSLink(it.doc, it.base, d)
		case KindPrivateEndpoint:
			p = importPrivateEndpoint(it.doc, it.base, d)
		case KindCluster:
			p = importCluster(it.doc, it.base, d)
		case KindAgentPools:
			p = importAgentPools(it.doc, it.base, d)
		}
		probs = append(probs, p...)
	}
	if len(probs) > 0 {
		return nil, nil, &importer.Error{Problems: probs}
	}
	warns = append(warns, joinPeerings(d)...)
	importer.SetPurposes(d)
	probs = append(probs, missingVNets(d)...)
	probs = append(probs, missingAttachments(d)...)
	if len(probs) > 0 {
		return nil, nil, &importer.Error{Problems: probs}
	}
	if vp := design.Validate(d); len(vp) > 0 {
		for _, p := range vp {
			loc := d.Locate(p.Path)
			probs = append(probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path, Msg: p.Msg, Hint: p.Hint})
		}
		return nil, nil, &importer.Error{Problems: probs}
	}
	return d, warns, nil
}

// joinPeerings drops peerings to VNets that are not among the inputs (their
// address space is unknown) and says so.
func joinPeerings(d *design.Design) []importer.Problem {
	var warns []importer.Problem
	kept := d.Spec.Peerings[:0]
	for _, p := range d.Spec.Peerings {
		if d.VNetByName(p.To) == nil || d.VNetByName(p.From) == nil {
			loc := d.Locate(p.Path)
			warns = append(warns, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path,
				Msg:  fmt.Sprintf("peering %s -> %s is not checked: VNet %s is not among the inputs", p.From, p.To, p.To),
				Hint: "add its 'az network vnet show -o json' output, or list its ranges under externalRanges in a design"})
			continue
		}
		dup := false
		for _, q := range kept {
			if (q.From == p.To && q.To == p.From) || (q.From == p.From && q.To == p.To) {
				dup = true
			}
		}
		if !dup {
			kept = append(kept, p)
		}
	}
	d.Spec.Peerings = kept
	for i := range d.Spec.Peerings {
		d.Spec.Peerings[i].Path = design.Index("spec.peerings", i)
	}
	return warns
}

// missingVNets reports subnet references to VNets that are not among the
// inputs, naming the command that would supply them.
func missingVNets(d *design.Design) []importer.Problem {
	var probs []importer.Problem
	seen := map[string]bool{}
	check := func(ref, vnet, path string) {
		if ref == "" {
			return
		}
		name := vnet
		if v, _, ok := strings.Cut(ref, "/"); ok {
			name = v
		}
		if d.VNetByName(name) != nil || seen[name] {
			return
		}
		seen[name] = true
		loc := d.Locate(path)
		probs = append(probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path,
			Msg:  fmt.Sprintf("subnet %s is in VNet %s, which is not among the inputs", ref, name),
			Hint: fmt.Sprintf("add the output of 'az network vnet show -g RESOURCE_GROUP -n %s -o json'", name)})
	}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		for j := range c.NodePools {
			p := &c.NodePools[j]
			check(p.Subnet, c.VNet, design.Field(p.Path, "subnet"))
			check(p.PodSubnet, c.VNet, design.Field(p.Path, "podSubnet"))
		}
		check(c.APIServer.VNetIntegrationSubnet, c.VNet, design.Field(design.Field(c.Path, "apiServer"), "vnetIntegrationSubnet"))
	}
	return probs
}

// missingAttachments handles subnet references to route tables, NAT
// gateways and NSGs that are not among the inputs. Route tables and NAT
// gateways decide egress, so their absence is a problem naming the command
// that supplies them. NSGs are only named by the rules today, so a
// referenced NSG is recorded by name, pointing at the reference.
func missingAttachments(d *design.Design) []importer.Problem {
	var probs []importer.Problem
	seen := map[string]bool{}
	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			if s.RouteTable != "" && d.RouteTableByName(s.RouteTable) == nil && !seen["rt/"+s.RouteTable] {
				seen["rt/"+s.RouteTable] = true
				loc := d.Locate(design.Field(s.Path, "routeTable"))
				probs = append(probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path,
					Msg:  fmt.Sprintf("subnet %s/%s uses route table %s, which is not among the inputs", v.Name, s.Name, s.RouteTable),
					Hint: fmt.Sprintf("add the output of 'az network route-table show -g RESOURCE_GROUP -n %s -o json'", s.RouteTable)})
			}
			if s.NATGateway != "" && d.NATGatewayByName(s.NATGateway) == nil && !seen["ng/"+s.NATGateway] {
				seen["ng/"+s.NATGateway] = true
				loc := d.Locate(design.Field(s.Path, "natGateway"))
				probs = append(probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path,
					Msg:  fmt.Sprintf("subnet %s/%s uses NAT gateway %s, which is not among the inputs", v.Name, s.Name, s.NATGateway),
					Hint: fmt.Sprintf("add the output of 'az network nat gateway show -g RESOURCE_GROUP -n %s -o json'", s.NATGateway)})
			}
			if s.NSG != "" && d.NSGByName(s.NSG) == nil {
				path := design.Index("spec.networkSecurityGroups", len(d.Spec.NSGs))
				d.Spec.NSGs = append(d.Spec.NSGs, design.NSG{Name: s.NSG, Path: path})
				d.Sources[path] = d.Locate(design.Field(s.Path, "networkSecurityGroup"))
			}
		}
	}
	return probs
}
