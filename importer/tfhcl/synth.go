package tfhcl

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/cidr"
)

// The evaluated resources are handed to the plan importer
// (importer/terraform) as the document `terraform show -json` would print
// for a plan of this configuration: planned_values with the known values,
// resource_changes[].change.after_unknown flagging the unknown ones. The
// plan importer then maps them onto the design exactly as it maps a real
// plan, so .tf files, plans and states give the same design.
//
// The document's "line numbers" are not lines: every node gets a fresh
// number that indexes a table of positions in the .tf files (file, line,
// column, Terraform address). Whatever the plan importer locates (design
// sources, problems, warnings) is mapped back through that table, so it
// points into the user's .tf files.
//
// A resource ID joined to a resource of the configuration (vnet_subnet_id
// = azurerm_subnet.nodes.id) is written into the document as an ID built
// from the joined resource's type and names, with "-" for the subscription
// and resource group, which the plan importer does not read. Only names
// reach the design.

// position is where a node of the generated document came from.
type position struct {
	file      string
	line, col int
	path      string
	// warned is set on the after_unknown flag of an attribute aksnet
	// already warned about, so the plan importer's own warning about the
	// same flag is dropped.
	warned bool
}

type synth struct{ pos []position }

func (s *synth) line(p position) int {
	s.pos = append(s.pos, p)
	return len(s.pos)
}

// at returns the position behind a generated line number.
func (s *synth) at(line int) position {
	if line < 1 || line > len(s.pos) {
		return s.pos[0]
	}
	return s.pos[line-1]
}

func (s *synth) scalar(tag, v string, p position) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: s.line(p), Column: 1}
}

func (s *synth) str(v string, p position) *yaml.Node { return s.scalar("!!str", v, p) }

func (s *synth) mapping(p position) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: s.line(p), Column: 1}
}

func (s *synth) seq(p position) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: s.line(p), Column: 1}
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: v.Line, Column: 1}, v)
}

func posOf(r hcl.Range, path string) position {
	return position{file: r.Filename, line: r.Start.Line, col: r.Start.Column, path: path}
}

// builder turns evaluated resources into the generated document.
type builder struct {
	e     *evaluator
	s     *synth
	res   *yaml.Node // planned_values.root_module.resources
	chg   *yaml.Node // resource_changes
	probs []problem
	warns []problem
	// kept lists the instances in the document, by index.
	kept []*instance
}

// body is the top level of an instance or a nested block.
type body interface {
	attribute(e *evaluator, name string) (cty.Value, *hclsyntax.Attribute)
	blockList(e *evaluator, typ string) ([]*evBlock, bool)
	syntax() *hclsyntax.Body
}

type instBody struct{ in *instance }

func (b instBody) attribute(e *evaluator, name string) (cty.Value, *hclsyntax.Attribute) {
	return b.in.attr(e, name), b.in.attrDef(name)
}

func (b instBody) blockList(e *evaluator, typ string) ([]*evBlock, bool) {
	s := b.in.blockSlot(e, typ)
	return s.list, s.unknown
}

func (b instBody) syntax() *hclsyntax.Body { return b.in.rs.rb.block.Body }

type blockBody struct {
	b   *evBlock
	syn *hclsyntax.Body
}

func (b blockBody) attribute(_ *evaluator, name string) (cty.Value, *hclsyntax.Attribute) {
	a, ok := b.b.attrs[name]
	if !ok {
		return cty.NilVal, nil
	}
	return a.val, a.attr
}

func (b blockBody) blockList(_ *evaluator, typ string) ([]*evBlock, bool) {
	return b.b.blocks[typ], b.b.unknown[typ]
}

func (b blockBody) syntax() *hclsyntax.Body { return b.syn }

// addInstance adds one instance of a supported resource to the document,
// unless its name is not known.
func (w *builder) addInstance(in *instance) {
	rb := in.rs.rb
	rp := posOf(rb.block.DefRange(), in.addr)
	if v, a := (instBody{in}).attribute(w.e, "name"); a != nil && !v.IsWhollyKnown() {
		if hasFailed(v) {
			return
		}
		why := "the name is not known before apply"
		if because := reasons(v, a.Expr.Range()); because != "" {
			why += " (" + because + ")"
		}
		w.warn(a.Expr.Range(), in.addr+".name", why+"; the resource is not checked", "give the name a value aksnet can evaluate: literals, variables with values, locals")
		return
	}
	values, unk := w.s.mapping(rp), w.s.mapping(rp)
	w.walk(instBody{in}, schemas[rb.typ], values, unk, in.addr)
	r := w.s.mapping(rp)
	set(r, "address", w.s.str(in.addr, rp))
	set(r, "mode", w.s.str("managed", rp))
	set(r, "type", w.s.str(rb.typ, rp))
	set(r, "name", w.s.str(rb.name, rp))
	set(r, "values", values)
	w.res.Content = append(w.res.Content, r)
	c := w.s.mapping(rp)
	set(c, "address", w.s.str(in.addr, rp))
	ch := w.s.mapping(rp)
	set(ch, "after_unknown", unk)
	set(c, "change", ch)
	w.chg.Content = append(w.chg.Content, c)
	w.kept = append(w.kept, in)
}

func (w *builder) warn(r hcl.Range, path, msg, hint string) {
	w.warns = append(w.warns, atRange(r, path, msg, hint))
}

func (w *builder) problem(r hcl.Range, path, msg, hint string) {
	w.probs = append(w.probs, atRange(r, path, msg, hint))
}

// walk writes the attributes and blocks of spec found in b.
func (w *builder) walk(b body, spec *blockSpec, values, unk *yaml.Node, path string) {
	syn := b.syntax()
	var names []string
	for name := range spec.attrs {
		if syn.Attributes[name] != nil {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		return syn.Attributes[names[i]].SrcRange.Start.Byte < syn.Attributes[names[j]].SrcRange.Start.Byte
	})
	for _, name := range names {
		v, a := b.attribute(w.e, name)
		if a == nil || v == cty.NilVal {
			continue
		}
		w.attr(v, a, spec.attrs[name], values, unk, path+"."+name, name)
	}
	for _, typ := range blockTypes(syn, false) {
		bs := spec.blocks[typ]
		if bs == nil {
			continue
		}
		list, unknown := b.blockList(w.e, typ)
		p := posOf(syn.SrcRange, path+"."+typ)
		if len(list) > 0 {
			p = posOf(list[0].rng, path+"."+typ)
		}
		if unknown {
			p.warned = true
			set(unk, typ, w.s.scalar("!!bool", "true", p))
		}
		if len(list) == 0 {
			continue
		}
		sv, su := w.s.seq(p), w.s.seq(p)
		for _, eb := range list {
			bp := posOf(eb.rng, eb.path)
			mv, mu := w.s.mapping(bp), w.s.mapping(bp)
			w.walk(blockBody{b: eb, syn: blockSyntax(syn, eb)}, bs, mv, mu, eb.path)
			sv.Content = append(sv.Content, mv)
			su.Content = append(su.Content, mu)
		}
		set(values, typ, sv)
		if !unknown {
			set(unk, typ, su)
		}
	}
}

// blockSyntax finds the body that an evaluated block was evaluated from:
// the block itself, or the content of the dynamic block that generated it.
func blockSyntax(parent *hclsyntax.Body, eb *evBlock) *hclsyntax.Body {
	for _, b := range parent.Blocks {
		if b.DefRange() == eb.rng {
			return b.Body
		}
		if b.Type == "dynamic" {
			for _, c := range b.Body.Blocks {
				if c.Type == "content" && c.DefRange() == eb.rng {
					return c.Body
				}
			}
		}
	}
	return &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
}

// attr writes one attribute value of kind spec at key.
func (w *builder) attr(v cty.Value, a *hclsyntax.Attribute, spec attrSpec, values, unk *yaml.Node, path, key string) {
	er := a.Expr.Range()
	p := posOf(er, path)
	if !v.IsWhollyKnown() {
		if hasFailed(v) {
			return
		}
		switch spec.kind {
		case kRef:
			if id, ok := w.join(v, spec.target, er, path); ok {
				set(values, key, w.s.str(id, p))
				return
			}
		case kRefs:
			if n, ok := w.joinList(v, a, spec.target, path); ok {
				set(values, key, n)
				return
			}
		default:
			why := "the value is not known before apply"
			if because := reasons(v, er); because != "" {
				why += " (" + because + ")"
			}
			w.warn(er, path, why+"; not checked", unknownHint)
		}
		p.warned = true
		set(unk, key, w.s.scalar("!!bool", "true", p))
		return
	}
	uv, _ := v.UnmarkDeep()
	if uv.IsNull() {
		return
	}
	switch spec.kind {
	case kString, kRef:
		if s, ok := w.toString(uv, er, path); ok {
			set(values, key, w.s.str(s, p))
		}
	case kCIDR, kIP:
		s, ok := w.toString(uv, er, path)
		if ok && w.checkAddr(s, spec.kind, er, path) {
			set(values, key, w.s.str(s, p))
		}
	case kInt:
		n, err := convert.Convert(uv, cty.Number)
		if err != nil || n.IsNull() {
			w.problem(er, path, "want a whole number, got "+describe(uv), "write a number such as 30")
			return
		}
		bf := n.AsBigFloat()
		i, acc := bf.Int64()
		if !bf.IsInt() || acc != big.Exact || i < -1_000_000_000 || i > 1_000_000_000 {
			w.problem(er, path, "want a whole number, got "+bf.Text('f', -1), "write a whole number such as 30")
			return
		}
		set(values, key, w.s.scalar("!!int", strconv.FormatInt(i, 10), p))
	case kBool:
		b, err := convert.Convert(uv, cty.Bool)
		if err != nil || b.IsNull() {
			w.problem(er, path, "want true or false, got "+describe(uv), "write true or false")
			return
		}
		set(values, key, w.s.scalar("!!bool", strconv.FormatBool(b.True()), p))
	default:
		list, ok := w.toStrings(uv, er, path)
		if !ok {
			return
		}
		n := w.s.seq(p)
		for i, s := range list {
			ep := posOf(elementRange(a.Expr, i, len(list)), fmt.Sprintf("%s[%d]", path, i))
			if spec.kind == kCIDRs || spec.kind == kIPs || spec.kind == kAddrOrCIDRs {
				k := kCIDR
				switch {
				case spec.kind == kIPs, spec.kind == kAddrOrCIDRs && !strings.Contains(s, "/"):
					k = kIP
				}
				if !w.checkAddr(s, k, rangeAt(ep), ep.path) {
					continue
				}
			}
			n.Content = append(n.Content, w.s.str(s, ep))
		}
		set(values, key, n)
	}
}

const unknownHint = "aksnet evaluates literals, variables with a default or a .tfvars value, locals and references between resources; " +
	"give the value one of those, or check the JSON of a plan (terraform show -json PLANFILE), where Terraform has evaluated it"

func rangeAt(p position) hcl.Range {
	return hcl.Range{Filename: p.file, Start: hcl.Pos{Line: p.line, Column: p.col}, End: hcl.Pos{Line: p.line, Column: p.col}}
}

// elementRange returns the range of element i of a list expression when
// the list is written out, else the whole expression.
func elementRange(expr hclsyntax.Expression, i, n int) hcl.Range {
	if t, ok := expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == n {
		return t.Exprs[i].Range()
	}
	return expr.Range()
}

func describe(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return "the string " + strconv.Quote(v.AsString())
	case ty == cty.Number:
		return "the number " + v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return "the boolean " + strconv.FormatBool(v.True())
	case ty.IsListType() || ty.IsTupleType():
		return "a list"
	case ty.IsSetType():
		return "a set"
	case ty.IsMapType() || ty.IsObjectType():
		return "a map"
	}
	return ty.FriendlyName()
}

func (w *builder) toString(v cty.Value, r hcl.Range, path string) (string, bool) {
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() {
		hint := "write a quoted string"
		if v.Type().IsListType() || v.Type().IsTupleType() {
			hint = "write one value, not a list"
		}
		w.problem(r, path, "want a string, got "+describe(v), hint)
		return "", false
	}
	return s.AsString(), true
}

func (w *builder) toStrings(v cty.Value, r hcl.Range, path string) ([]string, bool) {
	l, err := convert.Convert(v, cty.List(cty.String))
	if err != nil || l.IsNull() {
		hint := "write a list such as [\"10.0.0.0/16\"]"
		if v.Type() == cty.String {
			hint = "put the value in brackets: [" + strconv.Quote(v.AsString()) + "]"
		}
		w.problem(r, path, "want a list of strings, got "+describe(v), hint)
		return nil, false
	}
	var out []string
	for i, el := range l.AsValueSlice() {
		if el.IsNull() {
			w.problem(r, fmt.Sprintf("%s[%d]", path, i), "the list holds null", "remove the null element")
			return nil, false
		}
		out = append(out, el.AsString())
	}
	return out, true
}

// checkAddr checks a CIDR (kCIDR) or an address (kIP) strictly.
func (w *builder) checkAddr(s string, k kind, r hcl.Range, path string) bool {
	var err error
	if k == kIP {
		_, err = cidr.ParseAddr(s)
	} else {
		_, err = cidr.ParsePrefix(s)
	}
	if err == nil {
		return true
	}
	msg, hint := err.Error(), ""
	if pe, ok := err.(*cidr.ParseError); ok {
		msg, hint = pe.Msg, pe.Hint
	}
	if hint == "" {
		hint = "write a CIDR such as 10.0.0.0/16"
		if k == kIP {
			hint = "write an IP address such as 10.0.0.10"
		}
	}
	w.problem(r, path, msg, hint)
	return false
}

// join resolves an unknown resource ID to the resource of the
// configuration it names. It warns or reports a problem, and returns false,
// when it cannot.
func (w *builder) join(v cty.Value, t target, r hcl.Range, path string) (string, bool) {
	addr, sub, ok := idTarget(v)
	if !ok {
		why := "the value is not known before apply"
		if refs, others := refMarks(v); len(refs) > 1 && others == 0 {
			why += " (it may be the ID of any of several resources, chosen when Terraform runs)"
		} else if because := reasons(v, r); because != "" {
			why += " (" + because + ")"
		}
		w.warn(r, path, why+"; not checked", unknownHint)
		return "", false
	}
	m := unknownMark{ref: addr, sub: sub}
	in := w.e.insts[m.ref]
	if in == nil {
		return "", false
	}
	typ := in.rs.rb.typ
	if !t.allows(typ, m.sub) {
		if t == tService {
			w.warn(r, path, "refers to "+m.ref+", a "+typ+", which is not a private link service aksnet models; the endpoint is not checked",
				"aksnet models Key Vault, Storage, SQL, ACR, Service Bus, Event Hubs, Relay, Cosmos DB, Azure Monitor, Redis, PostgreSQL and AKS endpoints")
			return "", false
		}
		what := typ
		if m.sub != "" {
			what += " block " + m.sub
		}
		w.problem(r, path, "refers to "+m.ref+" ("+what+"), but needs "+t.what(), t.example())
		return "", false
	}
	var names []string
	nameOf := func(val cty.Value, a *hclsyntax.Attribute, what string) bool {
		if a == nil {
			w.warn(r, path, "refers to "+m.ref+", which sets no "+what+"; not checked", "set "+what+" on "+m.ref)
			return false
		}
		if !val.IsWhollyKnown() {
			w.warn(r, path, "refers to "+m.ref+", whose "+what+" is not known before apply; not checked", unknownHint)
			return false
		}
		uv, _ := val.UnmarkDeep()
		s, err := convert.Convert(uv, cty.String)
		if err != nil || s.IsNull() {
			w.warn(r, path, "refers to "+m.ref+", whose "+what+" is not a string; not checked", "write the name as a string")
			return false
		}
		names = append(names, s.AsString())
		return true
	}
	top := instBody{in}
	switch {
	case m.sub != "":
		vv, va := top.attribute(w.e, "name")
		if !nameOf(vv, va, "name") {
			return "", false
		}
		eb := findBlock(in, w.e, m.sub)
		if eb == nil {
			return "", false
		}
		a := eb.attrs["name"]
		if !nameOf(a.val, a.attr, m.sub+".name") {
			return "", false
		}
		typ = "azurerm_subnet"
	case typ == "azurerm_subnet":
		vv, va := top.attribute(w.e, "virtual_network_name")
		if !nameOf(vv, va, "virtual_network_name") {
			return "", false
		}
		nv, na := top.attribute(w.e, "name")
		if !nameOf(nv, na, "name") {
			return "", false
		}
	default:
		nv, na := top.attribute(w.e, "name")
		if !nameOf(nv, na, "name") {
			return "", false
		}
	}
	if t == tZoneOrKeyword {
		// The design keeps a custom zone as its name.
		return names[0], true
	}
	return resourceID(armTypes[typ], names), true
}

// joinList resolves a list of resource IDs element by element.
func (w *builder) joinList(v cty.Value, a *hclsyntax.Attribute, t target, path string) (*yaml.Node, bool) {
	uv, marks := v.Unmark()
	if !uv.IsKnown() || uv.IsNull() || !(uv.Type().IsListType() || uv.Type().IsTupleType() || uv.Type().IsSetType()) {
		why := "the value is not known before apply"
		if because := reasons(v, a.Expr.Range()); because != "" {
			why += " (" + because + ")"
		}
		w.warn(a.Expr.Range(), path, why+"; not checked", unknownHint)
		return nil, false
	}
	els := uv.AsValueSlice()
	n := w.s.seq(posOf(a.Expr.Range(), path))
	for i, el := range els {
		el = el.WithMarks(marks)
		ep := fmt.Sprintf("%s[%d]", path, i)
		r := elementRange(a.Expr, i, len(els))
		if el.IsWhollyKnown() {
			plain, _ := el.UnmarkDeep()
			s, ok := w.toString(plain, r, ep)
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, w.s.str(s, posOf(r, ep)))
			continue
		}
		id, ok := w.join(el, t, r, ep)
		if !ok {
			return nil, false
		}
		n.Content = append(n.Content, w.s.str(id, posOf(r, ep)))
	}
	return n, true
}

// findBlock finds a nested block of an instance by its path ("subnet[1]").
func findBlock(in *instance, e *evaluator, sub string) *evBlock {
	typ, rest, _ := strings.Cut(sub, "[")
	i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	if err != nil {
		return nil
	}
	list := in.blockList(e, typ)
	if i < 0 || i >= len(list) {
		return nil
	}
	return list[i]
}

// resourceID writes an ID of the given provider/type chain and names.
func resourceID(armType string, names []string) string {
	parts := strings.Split(armType, "/")
	var b strings.Builder
	b.WriteString("/subscriptions/-/resourceGroups/-/providers/")
	b.WriteString(parts[0])
	for i, t := range parts[1:] {
		name := "-"
		if i < len(names) {
			name = names[i]
		}
		b.WriteString("/" + t + "/" + name)
	}
	return b.String()
}
