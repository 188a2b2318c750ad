package terraform

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// A plan cannot say what an ID of a resource created in the same plan will
// be: planned_values leaves it out and after_unknown flags it. The plan's
// configuration section still says where the value comes from: each
// attribute expression lists the references it reads, such as
// "azurerm_route_table.egress.id". Following such a reference to a resource
// planned in the same document names the target as Terraform will, without
// guessing the ID itself.

// cfgIndex indexes one document for resolving configuration references.
type cfgIndex struct {
	doc *importer.Doc
	// planned maps planned addresses ("module.net[0].azurerm_subnet.a")
	// to the managed resources read from planned_values.
	planned map[string]*resource
	// mods maps configuration module paths ("" for the root,
	// "module.net.module.inner" below it) to the source path of the module
	// object under configuration.
	mods map[string]string
	// res maps a module path and a resource address relative to it,
	// joined by "|", to the source path of the resource's configuration.
	res map[string]string
}

// newCfgIndex indexes the configuration of a plan document and its planned
// resources; it returns nil when the document has no configuration.
func newCfgIndex(doc *importer.Doc, rs []*resource) *cfgIndex {
	root := "configuration.root_module"
	if n := doc.Node(root); n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	ix := &cfgIndex{doc: doc, planned: map[string]*resource{}, mods: map[string]string{}, res: map[string]string{}}
	for _, r := range rs {
		ix.planned[r.addr] = r
	}
	ix.walk("", root, 0)
	return ix
}

// maxDepth bounds module nesting and reference chains, so a malformed or
// cyclic document cannot recurse without end.
const maxDepth = 16

func (ix *cfgIndex) walk(mod, src string, depth int) {
	if depth > maxDepth {
		return
	}
	ix.mods[mod] = src
	if rs := ix.doc.Node(src + ".resources"); rs != nil && rs.Kind == yaml.SequenceNode {
		for i := range rs.Content {
			rsrc := design.Index(src+".resources", i)
			if a := scalar(ix.doc.Node(rsrc + ".address")); a != "" {
				ix.res[mod+"|"+a] = rsrc
			}
		}
	}
	calls := ix.doc.Node(src + ".module_calls")
	if calls == nil || calls.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(calls.Content); i += 2 {
		name := calls.Content[i].Value
		if name == "" || strings.ContainsAny(name, ".[]") {
			continue
		}
		ix.walk(joinMod(mod, "module."+name), design.Field(src+".module_calls", name)+".module", depth+1)
	}
}

// scalar returns the string value of a node, or "" for anything else.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return ""
	}
	return n.Value
}

func joinMod(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

// splitAddr splits a Terraform address or reference at the dots outside
// instance keys: `module.a["x.y"].azurerm_subnet.s[0].id` gives module,
// a["x.y"], azurerm_subnet, s[0], id.
func splitAddr(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// stripKey drops the instance key of an address part: s[0] gives s.
func stripKey(part string) string {
	if i := strings.IndexByte(part, '['); i >= 0 {
		return part[:i]
	}
	return part
}

// scope is where a reference is read: the module instance prefix of planned
// addresses ("module.net[0].") and the configuration module path
// ("module.net").
type scope struct{ inst, mod string }

// scopeOf returns the scope of a planned resource and its address relative
// to its module without instance key ("azurerm_subnet.a").
func scopeOf(addr string) (scope, string) {
	parts := splitAddr(addr)
	var sc scope
	i := 0
	for ; i+2 < len(parts) && parts[i] == "module"; i += 2 {
		sc.inst += "module." + parts[i+1] + "."
		sc.mod = joinMod(sc.mod, "module."+stripKey(parts[i+1]))
	}
	rest := append([]string(nil), parts[i:]...)
	if len(rest) > 0 {
		rest[len(rest)-1] = stripKey(rest[len(rest)-1])
	}
	return sc, strings.Join(rest, ".")
}

// parentScope returns the scope of the module that calls sc's module and
// the name of that call.
func parentScope(sc scope) (scope, string, bool) {
	mi := strings.LastIndex(sc.mod, "module.")
	if mi < 0 {
		return scope{}, "", false
	}
	name := sc.mod[mi+len("module."):]
	parent := strings.TrimSuffix(sc.mod[:mi], ".")
	ii := strings.LastIndex(strings.TrimSuffix(sc.inst, "."), "module.")
	if ii < 0 {
		return scope{}, "", false
	}
	return scope{inst: sc.inst[:ii], mod: parent}, name, true
}

// cfgTarget is a resource a reference resolved to, with the source path of the
// reference in the referencing resource's configuration.
type cfgTarget struct {
	r   *resource
	src string
}

// resolve follows the configuration expression of attribute rel of r
// ("default_node_pool[0].pod_subnet_id" uses the same path in expressions
// as in values) to the one planned resource of one of types it references.
// It fails when the expression references none, or more than one (a
// conditional between two resources cannot be decided before apply).
func (ix *cfgIndex) resolve(r *resource, rel string, types ...string) (cfgTarget, bool) {
	if ix == nil {
		return cfgTarget{}, false
	}
	sc, local := scopeOf(r.addr)
	rsrc, ok := ix.res[sc.mod+"|"+local]
	if !ok {
		return cfgTarget{}, false
	}
	var found []cfgTarget
	ix.follow(design.Field(rsrc+".expressions", rel), sc, types, "", 0, &found)
	if len(found) != 1 {
		return cfgTarget{}, false
	}
	return found[0], true
}

// follow collects into found the resources that the expression at src,
// read in scope sc, references. Module outputs and input variables are
// followed to the expressions that define them; outer is the reference in
// the first expression, which is where a resolved value is located.
func (ix *cfgIndex) follow(src string, sc scope, types []string, outer string, depth int, found *[]cfgTarget) {
	if depth > maxDepth {
		return
	}
	refs := ix.doc.Node(src + ".references")
	if refs == nil || refs.Kind != yaml.SequenceNode {
		return
	}
	for i, n := range refs.Content {
		ref := scalar(n)
		if ref == "" {
			continue
		}
		at := outer
		if at == "" {
			at = design.Index(src+".references", i)
		}
		parts := splitAddr(ref)
		switch {
		case len(parts) >= 2 && parts[0] == "var":
			if p, call, ok := parentScope(sc); ok {
				if ms, ok := ix.mods[p.mod]; ok {
					ix.follow(design.Field(design.Field(ms+".module_calls", call)+".expressions", parts[1]), p, types, at, depth+1, found)
				}
			}
		case len(parts) >= 3 && parts[0] == "module":
			child := scope{inst: sc.inst + "module." + parts[1] + ".", mod: joinMod(sc.mod, "module."+stripKey(parts[1]))}
			if ms, ok := ix.mods[child.mod]; ok {
				ix.follow(design.Field(ms+".outputs", parts[2])+".expression", child, types, at, depth+1, found)
			}
		case len(parts) == 2 || (len(parts) == 3 && parts[2] == "id"):
			// TYPE.NAME or TYPE.NAME.id: the resource itself or its ID.
			t, ok := ix.planned[sc.inst+parts[0]+"."+parts[1]]
			if !ok || !oneOf(t.typ, types) {
				continue
			}
			dup := false
			for _, f := range *found {
				dup = dup || f.r == t
			}
			if !dup {
				*found = append(*found, cfgTarget{r: t, src: at})
			}
		}
	}
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}

// str returns a known string value of a planned resource, or "".
func (t cfgTarget) str(key string) string { return scalar(t.r.doc.Node(t.r.v(key))) }

// unknownAt reports whether the value at rel of r is known only after
// apply, and the source path of its after_unknown flag.
func unknownAt(r *resource, rel string) (string, bool) {
	if r.unknown == nil {
		return "", false
	}
	sub := &importer.Doc{File: r.doc.File, Root: r.unknown}
	for p := rel; p != ""; p = parentPath(p) {
		n := sub.Node(p)
		if n != nil && n.Kind == yaml.ScalarNode && n.Value == "true" {
			return design.Field(r.unknownSrc, p), true
		}
	}
	return "", false
}

// resolveUnknown resolves an ID at rel that is known only after apply
// through the configuration. It reports ok=false, without warning, when
// the value is not unknown or does not resolve.
func (cv *conv) resolveUnknown(r *resource, rel string, types ...string) (cfgTarget, bool) {
	if _, unk := unknownAt(r, rel); !unk {
		return cfgTarget{}, false
	}
	return r.cfg.resolve(r, rel, types...)
}
