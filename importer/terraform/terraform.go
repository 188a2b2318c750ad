// Package terraform imports the JSON that `terraform show -json` prints for a
// state or a saved plan of the azurerm provider into one aksnet design.
//
// It reads virtual networks, subnets, route tables, NAT gateways, their
// associations, AKS clusters and their extra node pools, from the root
// module and every child module. In a state, references between resources
// are resolved resource IDs. In a plan, a value that is known only after
// apply is absent from planned_values and flagged in
// resource_changes[].change.after_unknown. An unknown ID of a resource
// created in the same plan is resolved the way Terraform knows it: through
// the references of the attribute's expression in the plan's configuration
// section to the referenced resource's planned name. Any other unknown value
// is never guessed: it is left out and reported as a warning at its place
// in the file.
package terraform

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// Detect reports whether doc is the output of `terraform show -json`: an
// object with format_version and either planned_values (a plan) or values
// (a state).
func Detect(doc *importer.Doc) bool {
	if doc == nil || doc.Root == nil || doc.Root.Kind != yaml.MappingNode {
		return false
	}
	return doc.Node("format_version") != nil && (doc.Node("planned_values") != nil || doc.Node("values") != nil)
}

// resource is one managed resource found in a document.
type resource struct {
	doc  *importer.Doc
	src  string // path of the resource object
	typ  string
	addr string
	// unknown is change.after_unknown of the resource's change in a plan,
	// and unknownSrc its path.
	unknown    *yaml.Node
	unknownSrc string
	// cfg resolves configuration references of a plan (nil without one).
	cfg *cfgIndex
}

func (r *resource) values() string { return r.src + ".values" }

// v returns the source path of a value of the resource.
func (r *resource) v(rel string) string { return design.Field(r.values(), rel) }

type header struct {
	Address string `yaml:"address"`
	Mode    string `yaml:"mode"`
	Type    string `yaml:"type"`
}

// Types read, in import order.
var order = []string{
	"azurerm_virtual_network",
	"azurerm_subnet",
	"azurerm_route_table",
	"azurerm_nat_gateway",
	"azurerm_nat_gateway_public_ip_association",
	"azurerm_subnet_route_table_association",
	"azurerm_subnet_nat_gateway_association",
	"azurerm_kubernetes_cluster",
	"azurerm_kubernetes_cluster_node_pool",
}

// collect lists the managed resources of a module and its child modules.
func collect(doc *importer.Doc, mod string, out *[]*resource, probs *[]importer.Problem) {
	n := doc.Node(mod)
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		*probs = append(*probs, importer.Problem{File: doc.File, Line: n.Line, Path: mod, Msg: "expected a module object"})
		return
	}
	if rs := doc.Node(mod + ".resources"); rs != nil {
		if rs.Kind != yaml.SequenceNode {
			*probs = append(*probs, importer.Problem{File: doc.File, Line: rs.Line, Path: mod + ".resources", Msg: "expected a list of resources"})
		} else {
			for i := range rs.Content {
				src := design.Index(mod+".resources", i)
				var h header
				if p := doc.Decode(src, &h); p != nil {
					*probs = append(*probs, *p)
					continue
				}
				if h.Mode != "" && h.Mode != "managed" {
					continue
				}
				if h.Address == "" {
					h.Address = h.Type
				}
				*out = append(*out, &resource{doc: doc, src: src, typ: h.Type, addr: h.Address})
			}
		}
	}
	if cm := doc.Node(mod + ".child_modules"); cm != nil && cm.Kind == yaml.SequenceNode {
		for i := range cm.Content {
			collect(doc, design.Index(mod+".child_modules", i), out, probs)
		}
	}
}

// unknowns maps resource addresses to their after_unknown objects.
func unknowns(doc *importer.Doc) map[string][2]any {
	out := map[string][2]any{}
	rc := doc.Node("resource_changes")
	if rc == nil || rc.Kind != yaml.SequenceNode {
		return out
	}
	for i := range rc.Content {
		src := design.Index("resource_changes", i)
		var h header
		if doc.Decode(src, &h) != nil || h.Address == "" {
			continue
		}
		us := src + ".change.after_unknown"
		if n := doc.Node(us); n != nil {
			out[h.Address] = [2]any{n, us}
		}
	}
	return out
}

// conv carries one import.
type conv struct {
	d     *design.Design
	probs []importer.Problem
	warns []importer.Problem
	// pips counts public IP associations per NAT gateway name.
	pips map[string]int
	// failed holds the lowercased names of resources that did not decode,
	// so references to them are not reported a second time.
	failed map[string]bool
}

// missing reports whether a reference to name should be reported as not
// among the inputs (false when the named resource failed to decode).
func (cv *conv) missing(name string) bool { return !cv.failed[strings.ToLower(name)] }

func (cv *conv) problem(r *resource, src, hint, format string, args ...any) {
	cv.probs = append(cv.probs, importer.Problem{File: r.doc.File, Line: r.doc.Line(src), Path: src, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (cv *conv) warn(r *resource, src, hint, format string, args ...any) {
	cv.warns = append(cv.warns, importer.Problem{File: r.doc.File, Line: r.doc.Line(src), Path: src, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (cv *conv) record(r *resource, designPath, src string) { r.doc.Record(cv.d, designPath, src) }

// isUnknown reports whether the value at rel (relative to the resource's
// values, e.g. "default_node_pool[0].vnet_subnet_id") is known only after
// apply, and if so warns at its place in after_unknown.
func (cv *conv) isUnknown(r *resource, rel string) bool {
	src, ok := unknownAt(r, rel)
	if ok {
		cv.warn(r, src, "run the check again on the state after apply, or on a plan once the value is known",
			"%s: %s is known only after apply; not checked", r.addr, rel)
	}
	return ok
}

func parentPath(p string) string {
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

var lineMsgRe = regexp.MustCompile(`line (\d+): ([^\n]+)`)
var typeErrRe = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (.+)$")

// decode decodes the resource's values into v; each wrong type is a problem
// at the offending value.
func (cv *conv) decode(r *resource, v any) bool {
	src := r.values()
	p := r.doc.Decode(src, v)
	if p == nil {
		return true
	}
	if n := r.doc.Node(design.Field(src, "name")); n != nil && n.Value != "" {
		cv.failed[strings.ToLower(n.Value)] = true
	}
	ms := lineMsgRe.FindAllStringSubmatch(p.Msg, -1)
	if len(ms) == 0 {
		cv.probs = append(cv.probs, *p)
		return false
	}
	for _, m := range ms {
		line, _ := strconv.Atoi(m[1])
		path := pathAtLine(r.doc.Node(src), src, line)
		if path == "" {
			path = src
		}
		cv.probs = append(cv.probs, importer.Problem{File: r.doc.File, Line: line, Path: path,
			Msg: fmt.Sprintf("%s: unexpected value: %s", r.addr, friendly(m[2])), Hint: "pass the output of terraform show -json, unmodified"})
	}
	return false
}

func friendly(msg string) string {
	m := typeErrRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := "an object"
	switch t := m[3]; {
	case strings.HasPrefix(t, "[]"):
		want = "a list"
	case strings.Contains(t, "int"):
		want = "a whole number"
	case strings.Contains(t, "bool"):
		want = "true or false"
	case strings.Contains(t, "string"):
		want = "a string"
	}
	got := map[string]string{"str": "the string", "int": "the number", "float": "the number", "bool": "the boolean", "seq": "a list", "map": "an object"}[m[1]]
	if got == "" {
		got = m[1]
	}
	return fmt.Sprintf("want %s, got %s %s", want, got, strconv.Quote(m[2]))
}

func pathAtLine(n *yaml.Node, path string, line int) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if p := pathAtLine(n.Content[i+1], design.Field(path, n.Content[i].Value), line); p != "" {
				return p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p := pathAtLine(c, design.Index(path, i), line); p != "" {
				return p
			}
		}
	}
	if n.Line == line {
		return path
	}
	return ""
}

// enumValue maps a provider value onto a design enum case-insensitively.
func enumValue[T ~string](cv *conv, r *resource, src, field, raw string) (T, bool) {
	if raw == "" {
		return "", false
	}
	var zero T
	var allowed []string
	for _, v := range any(zero).(interface{ EnumValues() []string }).EnumValues() {
		if v == "" {
			continue
		}
		if strings.EqualFold(v, raw) {
			return T(v), true
		}
		allowed = append(allowed, v)
	}
	cv.problem(r, src, "allowed: "+strings.Join(allowed, ", "), "%s: %s %q is not a value aksnet knows", r.addr, field, raw)
	return "", false
}

// prefixes converts CIDR strings at src (a list) into design prefixes at
// designPath, recording each.
func (cv *conv) prefixes(r *resource, designPath, src string, list []string, bareIP bool) []netip.Prefix {
	var out []netip.Prefix
	for i, s := range list {
		el := design.Index(src, i)
		p, ok := parsePrefix(s, bareIP)
		if !ok {
			cv.problem(r, el, "write a CIDR such as 10.0.0.0/16", "%s: %q is not a CIDR", r.addr, s)
			continue
		}
		cv.record(r, design.Index(designPath, len(out)), el)
		out = append(out, p)
	}
	if len(out) > 0 {
		cv.record(r, designPath, src)
	}
	return out
}

func parsePrefix(s string, bareIP bool) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		if !bareIP {
			return netip.Prefix{}, false
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	return p, err == nil
}

// subnetRef turns a subnet ID at rel into "vnet/subnet", with the source
// path to record for it. An ID known only after apply is resolved through
// the plan's configuration to an azurerm_subnet of the same plan; empty and
// unresolved values give ok=false, and an unresolved unknown one is warned
// about.
func (cv *conv) subnetRef(r *resource, rel, id string) (string, string, bool) {
	if id == "" {
		if t, ok := cv.resolveUnknown(r, rel, "azurerm_subnet"); ok {
			if vn, sn := t.str("virtual_network_name"), t.str("name"); vn != "" && sn != "" {
				// The value has no place in planned_values, so it is
				// located at the reference in configuration: the line
				// that says which subnet the attribute points at.
				return vn + "/" + sn, t.src, true
			}
		}
		cv.isUnknown(r, rel)
		return "", "", false
	}
	ref, ok := importer.SubnetRef(id)
	if !ok {
		cv.problem(r, r.v(rel), "expected /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET",
			"%s: %q is not a subnet resource ID", r.addr, id)
	}
	return ref, r.v(rel), ok
}

// resourceName returns the name of a resource ID of the given type at rel,
// with the source path to record for it. An ID known only after apply is
// resolved through the plan's configuration to a resource of tfType in the
// same plan; an unresolved one is warned about.
func (cv *conv) resourceName(r *resource, rel, id, tfType, provider string, types ...string) (string, string, bool) {
	if id == "" {
		if t, ok := cv.resolveUnknown(r, rel, tfType); ok {
			if n := t.str("name"); n != "" {
				// Located at the reference in configuration, as the
				// value has no place in planned_values.
				return n, t.src, true
			}
		}
		cv.isUnknown(r, rel)
		return "", "", false
	}
	rid, ok := importer.ParseResourceID(id)
	if !ok || !rid.Is(provider, types...) {
		cv.problem(r, r.v(rel), "pass the output of terraform show -json, unmodified", "%s: %q is not a %s/%s resource ID", r.addr, id, provider, strings.Join(types, "/"))
		return "", "", false
	}
	return rid.Name(), r.v(rel), true
}

func intPtr(v int) *int { return &v }

// Import reads `terraform show -json` documents (states or plans) into one
// design. Warnings name what could not be checked (values known only after
// apply); an *importer.Error holds every problem that stops the import.
func Import(docs []*importer.Doc) (*design.Design, []importer.Problem, error) {
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind, Metadata: design.Metadata{Name: "imported"}, Sources: design.SourceMap{}}
	cv := &conv{d: d, pips: map[string]int{}, failed: map[string]bool{}}
	var all []*resource
	for _, doc := range docs {
		if !Detect(doc) {
			n := 1
			if doc.Root != nil {
				n = doc.Root.Line
			}
			cv.probs = append(cv.probs, importer.Problem{File: doc.File, Line: n, Msg: "not the output of terraform show -json (no format_version with values or planned_values)",
				Hint: "run 'terraform show -json > state.json', or 'terraform show -json PLANFILE > plan.json' for a saved plan"})
			continue
		}
		root := "values.root_module"
		if doc.Node("planned_values") != nil {
			root = "planned_values.root_module"
		}
		var rs []*resource
		collect(doc, root, &rs, &cv.probs)
		unk := unknowns(doc)
		ix := newCfgIndex(doc, rs)
		for _, r := range rs {
			r.cfg = ix
			if u, ok := unk[r.addr]; ok {
				r.unknown, r.unknownSrc = u[0].(*yaml.Node), u[1].(string)
			}
		}
		all = append(all, rs...)
	}
	if len(cv.probs) > 0 {
		return nil, nil, &importer.Error{Problems: cv.probs}
	}
	for _, typ := range order {
		for _, r := range all {
			if r.typ != typ {
				continue
			}
			switch typ {
			case "azurerm_virtual_network":
				cv.vnet(r)
			case "azurerm_subnet":
				cv.subnet(r)
			case "azurerm_route_table":
				cv.routeTable(r)
			case "azurerm_nat_gateway":
				cv.natGateway(r)
			case "azurerm_nat_gateway_public_ip_association":
				cv.pipAssociation(r)
			case "azurerm_subnet_route_table_association", "azurerm_subnet_nat_gateway_association":
				cv.subnetAssociation(r)
			case "azurerm_kubernetes_cluster":
				cv.cluster(r)
			case "azurerm_kubernetes_cluster_node_pool":
				cv.nodePool(r)
			}
		}
	}
	cv.finishClusters()
	importer.SetPurposes(d)
	if len(cv.probs) > 0 {
		return nil, nil, &importer.Error{Problems: cv.probs}
	}
	if vp := design.Validate(d); len(vp) > 0 {
		var probs []importer.Problem
		for _, p := range vp {
			loc := d.Locate(p.Path)
			probs = append(probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path, Msg: p.Msg, Hint: p.Hint})
		}
		return nil, nil, &importer.Error{Problems: probs}
	}
	return d, cv.warns, nil
}

type netipPrefix = netip.Prefix

func parseAddr(s string) (netip.Addr, error) { return netip.ParseAddr(strings.TrimSpace(s)) }
