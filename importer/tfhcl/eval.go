package tfhcl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// How values are known. aksnet evaluates a configuration the way `terraform
// plan` would before it talks to Azure: literals, input variables (defaults
// and .tfvars values), locals, functions, count and for_each, and the
// attributes one resource reads from another. What only Azure or Terraform
// can know (data sources, module outputs, IDs of resources still to be
// created, variables without a value) is an unknown cty value that carries
// an unknownMark saying why. Marks travel through every operation and
// function, so the attribute that ends up unknown can say what made it so.
//
// An unknown ID of a resource of the same configuration is not a dead end:
// the unknown value carries the resource's address in a refinement (a
// known prefix of the unknown string, see idValue), so an attribute such
// as vnet_subnet_id = azurerm_subnet.nodes.id is joined to that resource
// by its address, as the plan importer does through a plan's configuration
// references. The refinement, unlike a mark, survives only where the value
// passes unchanged (locals, the chosen branch of a conditional, a list
// element) and is lost when an operation makes a new value from it: HCL
// gives the result of a conditional the marks of both branches, so marks
// cannot say which branch a value came from.

// unknownMark marks a value aksnet cannot know.
type unknownMark struct {
	// ref is the address of the resource instance whose ID the value is,
	// and sub the path of a nested block of it ("subnet[1]"), for joins.
	ref, sub string
	// why says, for people, what is unknown.
	why string
	// at is where the unknown value enters the configuration.
	at hcl.Range
}

// failedMark marks the value of an expression that could not be
// evaluated: the error is already a problem, so the unknown value needs no
// warning of its own.
type failedMark struct{}

var failed = cty.DynamicVal.Mark(failedMark{})

// hasFailed reports whether a value depends on an expression that failed.
func hasFailed(v cty.Value) bool {
	_, marks := v.UnmarkDeep()
	_, ok := marks[failedMark{}]
	return ok
}

// Evaluation states of a lazily computed value.
const (
	stateNew = iota
	stateBusy
	stateDone
)

type slot struct {
	state int
	val   cty.Value
}

// maxSteps bounds the expressions one import evaluates, and maxInstances
// the instances of one resource, so a hostile configuration cannot make
// the import run without end.
const (
	maxSteps     = 200_000
	maxInstances = 3000
	// maxTotal bounds the instances of the resource types aksnet reads.
	maxTotal = 5000
)

type evaluator struct {
	cfg    *config
	vars   map[string]cty.Value
	locals map[string]*slot
	res    map[string]*resState
	// insts maps instance addresses to instances, once expanded.
	insts map[string]*instance
	probs []problem
	warns []problem
	steps int
}

// Instance key kinds of a resource.
const (
	keyNone = iota
	keyCount
	keyForEach
)

type resState struct {
	rb    *resBlock
	state int
	// expanded is false when count or for_each is not known: the resource
	// has no instances aksnet can see, and why says so.
	expanded bool
	keyed    int
	why      unknownMark
	insts    []*instance
}

// instance is one instance of a resource. Its top-level attributes and
// blocks are evaluated on first use.
type instance struct {
	rs        *resState
	addr      string
	key, each cty.Value
	attrs     map[string]*slot
	blocks    map[string]*blockSlot
}

type blockSlot struct {
	state int
	list  []*evBlock
	// unknown is set when a dynamic block's for_each is not known, so the
	// list may be incomplete.
	unknown bool
}

// evBlock is an evaluated nested block.
type evBlock struct {
	typ  string
	rng  hcl.Range
	path string // e.g. azurerm_kubernetes_cluster.aks.default_node_pool[0]
	// sub is the block path inside its resource, e.g. default_node_pool[0].
	sub    string
	attrs  map[string]evAttr
	blocks map[string][]*evBlock
	// unknown holds the block types a dynamic block with an unknown
	// for_each may generate: their lists may be incomplete.
	unknown map[string]bool
	inst    *instance
}

type evAttr struct {
	val  cty.Value
	attr *hclsyntax.Attribute
}

// scope is where an expression is evaluated.
type scope struct {
	inst  *instance
	iters map[string]cty.Value
}

func (sc *scope) with(name string, v cty.Value) *scope {
	out := &scope{iters: map[string]cty.Value{name: v}}
	if sc != nil {
		out.inst = sc.inst
		for k, x := range sc.iters {
			if k != name {
				out.iters[k] = x
			}
		}
	}
	return out
}

// Meta-arguments and meta-blocks of a resource: not provider attributes.
var metaAttrs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

func newEvaluator(cfg *config) *evaluator {
	e := &evaluator{cfg: cfg, vars: map[string]cty.Value{}, locals: map[string]*slot{}, res: map[string]*resState{}, insts: map[string]*instance{}}
	for _, rb := range cfg.resOrder {
		e.res[rb.addr()] = &resState{rb: rb}
	}
	e.initVars()
	return e
}

func (e *evaluator) problem(r hcl.Range, path, msg, hint string) {
	e.probs = append(e.probs, atRange(r, path, msg, hint))
}

func (e *evaluator) warn(r hcl.Range, path, msg, hint string) {
	e.warns = append(e.warns, atRange(r, path, msg, hint))
}

// initVars sets every declared variable from the .tfvars files, else its
// default, converted to its declared type. A variable without either is
// unknown.
func (e *evaluator) initVars() {
	type given struct {
		v cty.Value
		r hcl.Range
	}
	values := map[string]given{}
	for _, body := range e.cfg.tfvars {
		for _, b := range body.Blocks {
			e.problem(b.DefRange(), "", "a .tfvars file holds variable values, not blocks", "write NAME = VALUE lines only")
		}
		for _, name := range sortedAttrNames(body.Attributes) {
			a := body.Attributes[name]
			if _, ok := e.cfg.vars[name]; !ok {
				e.warn(a.NameRange, "var."+name, "the .tfvars file sets "+name+", which no variable block declares; ignored",
					"declare it with variable \""+name+"\" {} or remove it from the .tfvars file")
				continue
			}
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				e.probs = append(e.probs, diagProblems(diags, "var."+name, ".tfvars files hold literal values only: strings, numbers, booleans, lists and maps")...)
				continue
			}
			values[name] = given{v, a.Expr.Range()}
		}
	}
	for _, name := range e.cfg.varOrder {
		vb := e.cfg.vars[name]
		path := "var." + name
		typ := cty.DynamicPseudoType
		var defaults *typeexpr.Defaults
		if ta := vb.block.Body.Attributes["type"]; ta != nil {
			t, d, diags := typeexpr.TypeConstraintWithDefaults(ta.Expr)
			if diags.HasErrors() {
				e.probs = append(e.probs, diagProblems(diags, path, "write a type such as string, number, list(string) or map(string)")...)
			} else {
				typ, defaults = t, d
			}
		}
		g, ok := values[name]
		if !ok {
			if da := vb.block.Body.Attributes["default"]; da != nil {
				v, diags := da.Expr.Value(nil)
				if diags.HasErrors() {
					e.probs = append(e.probs, diagProblems(diags, path, "a variable's default must be a literal value; compute values in a locals block")...)
					e.vars[name] = failed
					continue
				}
				g, ok = given{v, da.Expr.Range()}, true
			}
		}
		if !ok {
			e.vars[name] = cty.DynamicVal.Mark(unknownMark{why: "var." + name + " has no default and no value in the .tfvars files given", at: vb.block.DefRange()})
			continue
		}
		v := g.v
		if defaults != nil {
			v = defaults.Apply(v)
		}
		cv, err := convert.Convert(v, typ)
		if err != nil {
			e.problem(g.r, path, fmt.Sprintf("the value of var.%s is not a %s: %v", name, typeexpr.TypeString(typ), err),
				"change the value, or the variable's type")
			e.vars[name] = failed
			continue
		}
		e.vars[name] = cv
	}
}

// attrStep returns the attribute name at step i of a traversal.
func attrStep(tr hcl.Traversal, i int) (string, bool) {
	if i >= len(tr) {
		return "", false
	}
	a, ok := tr[i].(hcl.TraverseAttr)
	return a.Name, ok
}

// need says which attributes of a resource an expression reads.
type need struct {
	all   bool
	attrs map[string]bool
	at    hcl.Range
}

// context builds the evaluation context of one expression: only the
// values its references reach.
func (e *evaluator) context(expr hclsyntax.Expression, sc *scope, path string) (*hcl.EvalContext, bool) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: functionsFor(expr)}
	varAttrs := map[string]cty.Value{}
	localAttrs := map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	mods := map[string]cty.Value{}
	other := map[string]map[string]cty.Value{}
	needs := map[string]*need{}
	var needOrder []string
	ok := true
	bad := func(r hcl.Range, msg, hint string) {
		e.problem(r, path, msg, hint)
		ok = false
	}
	for _, tr := range expr.Variables() {
		root := tr.RootName()
		r := tr.SourceRange()
		if sc != nil {
			if v, isIter := sc.iters[root]; isIter {
				ctx.Variables[root] = v
				continue
			}
		}
		switch root {
		case "var":
			name, isAttr := attrStep(tr, 1)
			if !isAttr {
				bad(r, "a reference to an input variable is written var.NAME", "write var.NAME")
				continue
			}
			v, declared := e.vars[name]
			if !declared {
				bad(r, "reference to undeclared input variable var."+name, "declare it with a variable \""+name+"\" block")
				continue
			}
			varAttrs[name] = v
		case "local":
			name, isAttr := attrStep(tr, 1)
			if !isAttr {
				bad(r, "a reference to a local value is written local.NAME", "write local.NAME")
				continue
			}
			v, good := e.local(name, r)
			ok = ok && good
			localAttrs[name] = v
		case "count":
			if sc == nil || sc.inst == nil || sc.inst.rs.keyed != keyCount {
				bad(r, "count.index is used in a block that has no count", "use count.index only inside a resource that sets count")
				continue
			}
			ctx.Variables["count"] = cty.ObjectVal(map[string]cty.Value{"index": sc.inst.key})
		case "each":
			if sc == nil || sc.inst == nil || sc.inst.rs.keyed != keyForEach {
				bad(r, "each.key and each.value are used in a block that has no for_each", "use each only inside a resource that sets for_each")
				continue
			}
			ctx.Variables["each"] = cty.ObjectVal(map[string]cty.Value{"key": sc.inst.key, "value": sc.inst.each})
		case "data":
			typ, ok1 := attrStep(tr, 1)
			name, ok2 := attrStep(tr, 2)
			if !ok1 || !ok2 {
				bad(r, "a reference to a data source is written data.TYPE.NAME", "write data.TYPE.NAME")
				continue
			}
			if _, declared := e.cfg.data[typ+"."+name]; !declared {
				bad(r, "reference to undeclared data source data."+typ+"."+name, "declare it with a data \""+typ+"\" \""+name+"\" block")
				continue
			}
			if data[typ] == nil {
				data[typ] = map[string]cty.Value{}
			}
			data[typ][name] = cty.DynamicVal.Mark(unknownMark{why: "data." + typ + "." + name + " is a data source, read only when Terraform runs", at: r})
		case "module":
			name, isAttr := attrStep(tr, 1)
			if !isAttr {
				bad(r, "a reference to a module output is written module.NAME.OUTPUT", "write module.NAME.OUTPUT")
				continue
			}
			if _, declared := e.cfg.modules[name]; !declared {
				bad(r, "reference to undeclared module module."+name, "declare it with a module \""+name+"\" block")
				continue
			}
			mods[name] = cty.DynamicVal.Mark(unknownMark{why: "module." + name + " is a module, whose outputs aksnet does not evaluate", at: r})
		case "ephemeral":
			typ, _ := attrStep(tr, 1)
			name, _ := attrStep(tr, 2)
			if other[root] == nil {
				other[root] = map[string]cty.Value{}
			}
			if typ != "" {
				other[root][typ] = cty.DynamicVal.Mark(unknownMark{why: "ephemeral." + typ + "." + name + " is an ephemeral resource, opened only when Terraform runs", at: r})
			}
		case "path", "terraform", "self":
			name, _ := attrStep(tr, 1)
			if other[root] == nil {
				other[root] = map[string]cty.Value{}
			}
			if name != "" {
				other[root][name] = cty.DynamicVal.Mark(unknownMark{why: root + "." + name + " is known only when Terraform runs", at: r})
			}
		default:
			name, isAttr := attrStep(tr, 1)
			key := root + "." + name
			if !isAttr || e.res[key] == nil {
				bad(r, "reference to undeclared resource "+key, "declare it with a resource \""+root+"\" \""+name+"\" block, or check the spelling")
				continue
			}
			n := needs[key]
			if n == nil {
				n = &need{attrs: map[string]bool{}, at: r}
				needs[key] = n
				needOrder = append(needOrder, key)
			}
			rs := e.res[key]
			e.expand(rs)
			step := 2
			if rs.expanded && rs.keyed != keyNone {
				// TYPE.NAME[KEY].ATTR reads one instance; TYPE.NAME alone
				// reads the whole collection.
				if len(tr) > 2 {
					if _, isIndex := tr[2].(hcl.TraverseIndex); isIndex {
						step = 3
					}
				}
				if step == 2 {
					n.all = true
					continue
				}
			}
			if a, isAttr := attrStep(tr, step); isAttr {
				n.attrs[a] = true
			} else {
				n.all = true
			}
		}
	}
	if len(varAttrs) > 0 {
		ctx.Variables["var"] = cty.ObjectVal(varAttrs)
	}
	if len(localAttrs) > 0 {
		ctx.Variables["local"] = cty.ObjectVal(localAttrs)
	}
	if len(data) > 0 {
		obj := map[string]cty.Value{}
		for t, m := range data {
			obj[t] = cty.ObjectVal(m)
		}
		ctx.Variables["data"] = cty.ObjectVal(obj)
	}
	if len(mods) > 0 {
		ctx.Variables["module"] = cty.ObjectVal(mods)
	}
	for root, m := range other {
		ctx.Variables[root] = cty.ObjectVal(m)
	}
	resObjs := map[string]map[string]cty.Value{}
	for _, key := range needOrder {
		rs := e.res[key]
		if resObjs[rs.rb.typ] == nil {
			resObjs[rs.rb.typ] = map[string]cty.Value{}
		}
		resObjs[rs.rb.typ][rs.rb.name] = e.resourceValue(rs, needs[key])
	}
	for t, m := range resObjs {
		ctx.Variables[t] = cty.ObjectVal(m)
	}
	return ctx, ok
}

// eval evaluates an expression; errors become problems at path, and the
// value is then unknown and marked as failed.
func (e *evaluator) eval(expr hclsyntax.Expression, sc *scope, path string) cty.Value {
	e.steps++
	if e.steps == maxSteps {
		e.problem(expr.Range(), path, fmt.Sprintf("the configuration needs more than %d evaluation steps; aksnet stopped here", maxSteps),
			"check a smaller configuration, or report the configuration that needs this many")
	}
	if e.steps >= maxSteps {
		return failed
	}
	ctx, ok := e.context(expr, sc, path)
	if !ok {
		return failed
	}
	v, diags := expr.Value(ctx)
	if !diags.HasErrors() {
		return v
	}
	var keep hcl.Diagnostics
	var computed *hcl.Diagnostic
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Summary == "Unsupported attribute" && readsResource(expr) && d.Subject != nil {
			computed = d
			continue
		}
		keep = append(keep, d)
	}
	if keep.HasErrors() {
		e.probs = append(e.probs, diagProblems(keep, path, hintFor(keep))...)
		return failed
	}
	// The expression reads an attribute of a nested block the
	// configuration does not set; the provider computes it.
	return cty.DynamicVal.Mark(unknownMark{why: "it reads an attribute the configuration does not set (" + strings.TrimSuffix(diagText(computed), ".") +
		"), which the provider computes", at: *computed.Subject})
}

// readsResource reports whether an expression references a resource.
func readsResource(expr hclsyntax.Expression) bool {
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case "var", "local", "count", "each", "data", "module", "ephemeral", "path", "terraform", "self":
		default:
			return true
		}
	}
	return false
}

func hintFor(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Summary == "Invalid function argument" || d.Summary == "Error in function call" {
			return "check the function's arguments; cidrsubnet(prefix, newbits, netnum) needs netnum below 2^newbits and prefix length + newbits within the address size"
		}
	}
	return "fix the expression; 'terraform validate' reports the same error"
}

// local returns the value of local.name, evaluating it on first use.
func (e *evaluator) local(name string, at hcl.Range) (cty.Value, bool) {
	a, ok := e.cfg.locals[name]
	if !ok {
		e.problem(at, "", "reference to undeclared local value local."+name, "declare it in a locals block")
		return failed, false
	}
	s := e.locals[name]
	if s == nil {
		s = &slot{}
		e.locals[name] = s
	}
	switch s.state {
	case stateDone:
		return s.val, true
	case stateBusy:
		e.problem(a.NameRange, "local."+name, "local."+name+" depends on itself", "break the cycle between the local values")
		return failed, false
	}
	s.state = stateBusy
	s.val = e.eval(a.Expr, nil, "local."+name)
	s.state = stateDone
	return s.val, true
}

// expand evaluates count or for_each of a resource and creates its
// instances.
func (e *evaluator) expand(rs *resState) {
	switch rs.state {
	case stateDone:
		return
	case stateBusy:
		e.problem(rs.rb.block.DefRange(), rs.rb.addr(), "the count or for_each of "+rs.rb.addr()+" depends on the resource itself",
			"count and for_each must not refer to the resource they expand")
		return
	}
	rs.state = stateBusy
	defer func() { rs.state = stateDone }()
	addr := rs.rb.addr()
	body := rs.rb.block.Body
	cnt, fe := body.Attributes["count"], body.Attributes["for_each"]
	if cnt != nil && fe != nil {
		e.problem(fe.NameRange, addr, "a resource takes count or for_each, not both", "remove one of them")
		return
	}
	newInst := func(a string, key, each cty.Value) {
		in := &instance{rs: rs, addr: a, key: key, each: each, attrs: map[string]*slot{}, blocks: map[string]*blockSlot{}}
		rs.insts = append(rs.insts, in)
		e.insts[a] = in
	}
	switch {
	case cnt != nil:
		rs.keyed = keyCount
		v := e.eval(cnt.Expr, nil, addr+".count")
		if !v.IsWhollyKnown() {
			e.unexpanded(rs, cnt, "count", v)
			return
		}
		v, _ = v.UnmarkDeep()
		n, err := convert.Convert(v, cty.Number)
		if err != nil || n.IsNull() {
			e.problem(cnt.Expr.Range(), addr+".count", "count must be a whole number", "write a number such as 2, or an expression that gives one")
			return
		}
		bf := n.AsBigFloat()
		i, acc := bf.Int64()
		if !bf.IsInt() || acc != 0 || i < 0 || i > maxInstances {
			e.problem(cnt.Expr.Range(), addr+".count", fmt.Sprintf("count must be a whole number from 0 to %d, not %s", maxInstances, bf.Text('f', -1)),
				"write a whole number such as 2")
			return
		}
		rs.expanded = true
		for k := range int(i) {
			newInst(fmt.Sprintf("%s[%d]", addr, k), cty.NumberIntVal(int64(k)), cty.NilVal)
		}
	case fe != nil:
		rs.keyed = keyForEach
		v := e.eval(fe.Expr, nil, addr+".for_each")
		if !v.IsWhollyKnown() {
			e.unexpanded(rs, fe, "for_each", v)
			return
		}
		v, _ = v.UnmarkDeep()
		ty := v.Type()
		switch {
		case v.IsNull():
			e.problem(fe.Expr.Range(), addr+".for_each", "for_each is null", "give a map, or a set of strings such as toset([\"a\", \"b\"])")
			return
		case ty.IsSetType() && ty.ElementType() != cty.String:
			e.problem(fe.Expr.Range(), addr+".for_each", "for_each takes a set of strings, not a set of "+ty.ElementType().FriendlyName(),
				"convert the elements with tostring, or use a map")
			return
		case !ty.IsMapType() && !ty.IsObjectType() && !ty.IsSetType():
			e.problem(fe.Expr.Range(), addr+".for_each", "for_each takes a map or a set of strings, not "+ty.FriendlyName(),
				"wrap a list of strings in toset(...)")
			return
		}
		if v.LengthInt() > maxInstances {
			e.problem(fe.Expr.Range(), addr+".for_each", fmt.Sprintf("for_each gives %d instances; aksnet reads at most %d", v.LengthInt(), maxInstances), "check a smaller configuration")
			return
		}
		rs.expanded = true
		for it := v.ElementIterator(); it.Next(); {
			k, el := it.Element()
			if ty.IsSetType() {
				k = el
			}
			if k.IsNull() {
				e.problem(fe.Expr.Range(), addr+".for_each", "for_each holds a null key", "remove null elements, for example with compact(...)")
				continue
			}
			newInst(addr+"["+strconv.Quote(k.AsString())+"]", k, el)
		}
	default:
		rs.expanded = true
		newInst(addr, cty.NilVal, cty.NilVal)
	}
}

// unexpanded records a resource whose instances are not known.
func (e *evaluator) unexpanded(rs *resState, a *hclsyntax.Attribute, what string, v cty.Value) {
	addr := rs.rb.addr()
	why := what + " is not known before apply"
	if because := reasons(v, a.Expr.Range()); because != "" {
		why += " (" + because + ")"
	}
	rs.why = unknownMark{why: "the " + addr + "." + why, at: a.Expr.Range()}
	if supported(rs.rb.typ) {
		e.warn(a.Expr.Range(), addr+"."+what, why+"; the resource is not checked",
			"give "+what+" a value aksnet can evaluate: literals, variables with values, locals")
	}
}

// resourceValue is the value of a reference to a resource: an object, a
// tuple of objects (count) or an object keyed by instance key (for_each).
func (e *evaluator) resourceValue(rs *resState, n *need) cty.Value {
	if !rs.expanded {
		if rs.why.why == "" {
			return failed
		}
		return cty.DynamicVal.Mark(rs.why)
	}
	switch rs.keyed {
	case keyCount:
		if len(rs.insts) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(rs.insts))
		for i, in := range rs.insts {
			vals[i] = e.instValue(in, n)
		}
		return cty.TupleVal(vals)
	case keyForEach:
		if len(rs.insts) == 0 {
			return cty.EmptyObjectVal
		}
		m := map[string]cty.Value{}
		for _, in := range rs.insts {
			m[in.key.AsString()] = e.instValue(in, n)
		}
		return cty.ObjectVal(m)
	}
	return e.instValue(rs.insts[0], n)
}

// instValue is the object value of one instance: the attributes and blocks
// the expression reads, and an unknown id that names the instance.
func (e *evaluator) instValue(in *instance, n *need) cty.Value {
	body := in.rs.rb.block.Body
	obj := map[string]cty.Value{}
	for name := range body.Attributes {
		if !metaAttrs[name] && (n.all || n.attrs[name]) {
			obj[name] = in.attr(e, name)
		}
	}
	for _, typ := range blockTypes(body, true) {
		if n.all || n.attrs[typ] {
			obj[typ] = blockTuple(in.blockList(e, typ))
		}
	}
	if _, set := obj["id"]; !set {
		obj["id"] = idValue(in.addr, "", unknownMark{ref: in.addr, why: in.addr + ".id is known only after apply", at: n.at})
	}
	for name := range n.attrs {
		if _, set := obj[name]; !set {
			obj[name] = cty.DynamicVal.Mark(unknownMark{why: in.addr + "." + name + " is not set in the configuration; the provider computes it", at: n.at})
		}
	}
	return cty.ObjectVal(obj)
}

// blockTypes lists the types of a body's nested blocks (dynamic blocks by
// their label) in first-appearance order.
func blockTypes(body *hclsyntax.Body, top bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range body.Blocks {
		t := b.Type
		if t == "dynamic" {
			if len(b.Labels) != 1 {
				continue
			}
			t = b.Labels[0]
		}
		if (top && metaBlocks[t]) || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func blockTuple(list []*evBlock) cty.Value {
	if len(list) == 0 {
		return cty.EmptyTupleVal
	}
	vals := make([]cty.Value, len(list))
	for i, b := range list {
		vals[i] = b.value()
	}
	return cty.TupleVal(vals)
}

// value is the object value of an evaluated block, with an unknown id that
// names it (an inline subnet of a VNet has an ID).
func (b *evBlock) value() cty.Value {
	obj := map[string]cty.Value{}
	for name, a := range b.attrs {
		obj[name] = a.val
	}
	for typ, list := range b.blocks {
		obj[typ] = blockTuple(list)
	}
	if _, set := obj["id"]; !set && b.inst != nil {
		obj["id"] = idValue(b.inst.addr, b.sub, unknownMark{ref: b.inst.addr, sub: b.sub, why: b.path + ".id is known only after apply", at: b.rng})
	}
	return cty.ObjectVal(obj)
}

// attr returns a top-level attribute of the instance, evaluating it on
// first use; unset attributes are cty.NilVal.
func (in *instance) attr(e *evaluator, name string) cty.Value {
	a := in.rs.rb.block.Body.Attributes[name]
	if a == nil {
		return cty.NilVal
	}
	s := in.attrs[name]
	if s == nil {
		s = &slot{}
		in.attrs[name] = s
	}
	switch s.state {
	case stateDone:
		return s.val
	case stateBusy:
		e.problem(a.NameRange, in.addr+"."+name, in.addr+"."+name+" depends on itself", "break the cycle of references")
		return failed
	}
	s.state = stateBusy
	s.val = e.eval(a.Expr, &scope{inst: in}, in.addr+"."+name)
	s.state = stateDone
	return s.val
}

// attrDef returns the syntax of a top-level attribute.
func (in *instance) attrDef(name string) *hclsyntax.Attribute {
	return in.rs.rb.block.Body.Attributes[name]
}

// blockList returns the top-level blocks of one type, evaluated.
func (in *instance) blockList(e *evaluator, typ string) []*evBlock {
	return in.blockSlot(e, typ).list
}

func (in *instance) blockSlot(e *evaluator, typ string) *blockSlot {
	s := in.blocks[typ]
	if s == nil {
		s = &blockSlot{}
		in.blocks[typ] = s
	}
	switch s.state {
	case stateDone:
		return s
	case stateBusy:
		e.problem(in.rs.rb.block.DefRange(), in.addr+"."+typ, "a "+typ+" block of "+in.addr+" depends on itself", "break the cycle of references")
		return s
	}
	s.state = stateBusy
	parent := &evBlock{blocks: map[string][]*evBlock{}, unknown: map[string]bool{}, inst: in}
	e.evalBlocks(in.rs.rb.block.Body, &scope{inst: in}, in.addr, "", parent, typ, true)
	s.list, s.unknown = parent.blocks[typ], parent.unknown[typ]
	s.state = stateDone
	return s
}

// evalBlocks evaluates the nested blocks of body (only those of type only,
// when set) into parent. path is the Terraform path of the body and sub
// its path inside the resource.
func (e *evaluator) evalBlocks(body *hclsyntax.Body, sc *scope, path, sub string, parent *evBlock, only string, top bool) {
	for _, b := range body.Blocks {
		typ := b.Type
		if typ == "dynamic" {
			if len(b.Labels) != 1 {
				e.problem(b.DefRange(), path, "a dynamic block takes one label: the type of the blocks it generates", `write dynamic "TYPE" { for_each = ... content { ... } }`)
				continue
			}
			if only != "" && b.Labels[0] != only {
				continue
			}
			e.dynamic(b, sc, path, sub, parent)
			continue
		}
		if (top && metaBlocks[typ]) || (only != "" && typ != only) {
			continue
		}
		e.addBlock(typ, b.Body, b.DefRange(), sc, path, sub, parent)
	}
}

func (e *evaluator) addBlock(typ string, body *hclsyntax.Body, rng hcl.Range, sc *scope, path, sub string, parent *evBlock) {
	i := len(parent.blocks[typ])
	bsub := joinSub(sub, fmt.Sprintf("%s[%d]", typ, i))
	bpath := path + "." + fmt.Sprintf("%s[%d]", typ, i)
	eb := &evBlock{typ: typ, rng: rng, path: bpath, sub: bsub, attrs: map[string]evAttr{}, blocks: map[string][]*evBlock{}, unknown: map[string]bool{}}
	if sc != nil {
		eb.inst = sc.inst
	}
	for _, name := range sortedAttrNames(body.Attributes) {
		a := body.Attributes[name]
		eb.attrs[name] = evAttr{val: e.eval(a.Expr, sc, bpath+"."+name), attr: a}
	}
	e.evalBlocks(body, sc, bpath, bsub, eb, "", false)
	parent.blocks[typ] = append(parent.blocks[typ], eb)
}

func joinSub(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// dynamic expands a dynamic block.
func (e *evaluator) dynamic(b *hclsyntax.Block, sc *scope, path, sub string, parent *evBlock) {
	label := b.Labels[0]
	fe := b.Body.Attributes["for_each"]
	var content *hclsyntax.Block
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if fe == nil || content == nil {
		e.problem(b.DefRange(), path+"."+label, "a dynamic block needs for_each and a content block", `write dynamic "`+label+`" { for_each = ... content { ... } }`)
		return
	}
	iter := label
	if it := b.Body.Attributes["iterator"]; it != nil {
		tr, diags := hcl.AbsTraversalForExpr(it.Expr)
		if diags.HasErrors() || len(tr) != 1 {
			e.problem(it.Expr.Range(), path+"."+label, "iterator must be a single name", "write iterator = NAME")
			return
		}
		iter = tr.RootName()
	}
	v := e.eval(fe.Expr, sc, path+"."+label+".for_each")
	if !v.IsWhollyKnown() {
		parent.unknown[label] = true
		why := "the for_each of the dynamic " + label + " block is not known before apply"
		if because := reasons(v, fe.Expr.Range()); because != "" {
			why += " (" + because + ")"
		}
		if sc != nil && sc.inst != nil && supported(sc.inst.rs.rb.typ) {
			e.warn(fe.Expr.Range(), path+"."+label, why+"; those blocks are not checked", "give for_each a value aksnet can evaluate: literals, variables with values, locals")
		}
		return
	}
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	if v.IsNull() || !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType()) {
		e.problem(fe.Expr.Range(), path+"."+label, "the for_each of a dynamic block takes a list, set or map, not "+ty.FriendlyName(), "give a list, a set or a map")
		return
	}
	if v.LengthInt() > maxInstances {
		e.problem(fe.Expr.Range(), path+"."+label, fmt.Sprintf("the dynamic block generates %d blocks; aksnet reads at most %d", v.LengthInt(), maxInstances), "check a smaller configuration")
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		k, el := it.Element()
		if ty.IsSetType() {
			k = el
		}
		inner := sc.with(iter, cty.ObjectVal(map[string]cty.Value{"key": k, "value": el}))
		e.addBlock(label, content.Body, content.DefRange(), inner, path, sub, parent)
	}
}

// reasons explains, from its marks, why a value is not wholly known. at is
// the place of the value itself: causes elsewhere get their location.
func reasons(v cty.Value, at hcl.Range) string {
	_, marks := v.UnmarkDeep()
	var out []string
	seen := map[string]bool{}
	for m := range marks {
		um, ok := m.(unknownMark)
		if !ok {
			continue
		}
		s := um.why
		if um.at.Filename != "" && (um.at.Filename != at.Filename || um.at.Start.Line != at.Start.Line) {
			s += " (" + posString(um.at) + ")"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// idPrefix starts the refinement prefix of an unknown resource ID; control
// characters keep it from colliding with any text of a configuration.
const idPrefix = "\x00aksnet-id\x00"

// idValue is the unknown ID of resource instance addr (or of its nested
// block sub): an unknown string whose refinement names it.
func idValue(addr, sub string, m unknownMark) cty.Value {
	return cty.UnknownVal(cty.String).Refine().NotNull().StringPrefixFull(idPrefix + addr + "\x00" + sub + "\x00").NewValue().Mark(m)
}

// idTarget returns the resource instance and block path an unknown ID
// names, when the value is such an ID passed on unchanged.
func idTarget(v cty.Value) (addr, sub string, ok bool) {
	uv, _ := v.Unmark()
	if uv.IsKnown() || uv.Type() != cty.String {
		return "", "", false
	}
	p, found := strings.CutPrefix(uv.Range().StringPrefix(), idPrefix)
	if !found {
		return "", "", false
	}
	parts := strings.Split(p, "\x00")
	if len(parts) != 3 || parts[2] != "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// refMarks returns the marks of a value that name a resource ID.
func refMarks(v cty.Value) (refs []unknownMark, others int) {
	_, marks := v.UnmarkDeep()
	seen := map[[2]string]bool{}
	for m := range marks {
		um, ok := m.(unknownMark)
		if !ok {
			continue
		}
		if um.ref == "" {
			others++
			continue
		}
		k := [2]string{um.ref, um.sub}
		if !seen[k] {
			seen[k] = true
			refs = append(refs, um)
		}
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].ref+refs[i].sub < refs[j].ref+refs[j].sub })
	return refs, others
}
