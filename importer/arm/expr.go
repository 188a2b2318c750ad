package arm

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// This file evaluates the part of the ARM template expression language
// that network templates lean on and that needs nothing but the files:
// parameters(), variables(), concat(), format(), resourceId() and
// subscriptionResourceId(), with property and index access on their
// results, plus the pure helpers Bicep emits around them (if, equals, not,
// and, or, toLower, toUpper, split, createArray) and cidrSubnet(). Every
// other function is either known only at deployment (reference(),
// uniqueString(), resourceGroup(), ...) or not evaluated by aksnet; such an
// expression is reported as unknown and its value is left unset rather
// than guessed.

// value is a JSON value together with where it was written: the document
// (template, parameters file or deployment) and the JSON path in it. The
// line is the node's own line, so a value computed by an expression (a
// concat(), a resourceId()) is placed at the expression.
type value struct {
	node *yaml.Node
	doc  *importer.Doc
	path string
	// tmpl says the value is written in a template, where a string in
	// brackets is an expression. Values from parameters files and values
	// computed by an expression are literal.
	tmpl bool
	// items are the elements of a computed list (concat() of lists,
	// split(), createArray()), each with its own place. Written lists have
	// none; their elements are node.Content.
	items []value
}

// child returns the value of node n at path, written where v is written.
func (v value) child(n *yaml.Node, path string) value {
	return value{node: n, doc: v.doc, path: path, tmpl: v.tmpl}
}

// elems returns the elements of a list value with their places.
func (v value) elems() []value {
	if v.node == nil || v.node.Kind != yaml.SequenceNode {
		return nil
	}
	if v.items != nil {
		return v.items
	}
	out := make([]value, len(v.node.Content))
	for i, n := range v.node.Content {
		out[i] = v.child(n, design.Index(v.path, i))
	}
	return out
}

// isNull reports whether v holds JSON null.
func (v value) isNull() bool { return v.node == nil || v.node.Tag == "!!null" }

// evalError says why an expression has no value. unknown errors are
// values known only at deployment (or functions aksnet does not evaluate);
// the others are mistakes: a typo, an undeclared parameter, a function
// called with the wrong arguments.
type evalError struct {
	msg, hint string
	unknown   bool
	// at is the innermost expression that failed; resolve sets it.
	at *value
}

func (e *evalError) Error() string { return e.msg }

func bad(hint, format string, args ...any) error {
	return &evalError{msg: fmt.Sprintf(format, args...), hint: hint}
}

func unknown(format string, args ...any) error {
	return &evalError{msg: fmt.Sprintf(format, args...), unknown: true}
}

// isUnknown reports whether err says a value is known only at deployment.
func isUnknown(err error) bool {
	e, ok := err.(*evalError)
	return ok && e.unknown
}

// place sets where err happened, unless a deeper expression already did.
func place(err error, v value) error {
	if e, ok := err.(*evalError); ok && e.at == nil {
		e.at = &v
	}
	return err
}

// paramSet is a "parameters" object that supplies values: the one of a
// parameters file, or the one of a deployment.
type paramSet struct {
	doc  *importer.Doc
	base string // path of the parameters object
}

// scope is one template and the parameter values that apply to it.
type scope struct {
	tmpl *importer.Doc
	// base is the path of the template object in tmpl: "" for a template
	// file, "template" for an export, "properties.template" for a
	// deployment.
	base string
	// params are searched from the last to the first; the first set that
	// has a parameter supplies it.
	params []paramSet
	// memo holds the result of every expression evaluated so far: an
	// expression's value does not depend on where it is used, and a
	// variable used twice by a variable used twice (and so on) must not
	// cost an exponential number of evaluations.
	memo map[*yaml.Node]memoEntry
}

type memoEntry struct {
	v    value
	err  error
	busy bool // being evaluated: meeting it again is a loop
}

// section returns the template's parameters or variables object, or nil.
func (sc *scope) section(key string) (string, *yaml.Node) {
	k, n := lookupKey(sc.tmpl.Node(sc.base), key)
	if n == nil {
		return "", nil
	}
	return design.Field(sc.base, k), n
}

// maxDepth bounds variable and parameter indirection and nesting (and so
// cycles and hostile inputs).
const maxDepth = 64

// isExpr reports whether s is an ARM expression: "[...]" but not the
// escaped literal "[[...]".
func isExpr(s string) bool {
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && !strings.HasPrefix(s, "[[")
}

// resolve evaluates v while it is an expression string, following
// parameters and variables to where their values are written.
func (sc *scope) resolve(v value, depth int) (value, error) {
	if depth > maxDepth {
		return v, bad("simplify the expression", "expressions nest too deeply")
	}
	n := v.node
	if !v.tmpl || n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return v, nil
	}
	s := n.Value
	if strings.HasPrefix(s, "[[") && strings.HasSuffix(s, "]") {
		lit := *n
		lit.Value = s[1:]
		return value{node: &lit, doc: v.doc, path: v.path}, nil
	}
	if !isExpr(s) {
		return v, nil
	}
	if m, ok := sc.memo[n]; ok {
		if m.busy {
			return v, place(bad("break the loop between the variables", "expressions refer to each other in a loop"), v)
		}
		return m.v, m.err
	}
	if sc.memo == nil {
		sc.memo = map[*yaml.Node]memoEntry{}
	}
	sc.memo[n] = memoEntry{busy: true}
	var out value
	e, err := parseExpr(s[1 : len(s)-1])
	if err != nil {
		err = bad("check the brackets, quotes and commas of the expression", "cannot parse the expression: %v", err)
	} else if out, err = sc.eval(e, v, depth+1); err == nil {
		out, err = sc.resolve(out, depth+1)
	}
	if err != nil {
		out, err = v, place(err, v)
	}
	sc.memo[n] = memoEntry{v: out, err: err}
	return out, err
}

// Bounds on computed values, so that a template cannot make the evaluation
// run out of memory.
const (
	maxValueLen  = 1 << 20
	maxListItems = 1 << 16
)

// expr is a parsed expression: a string, number or boolean literal, or a
// function call followed by property and index accessors.
type expr struct {
	kind   byte // 's' string, 'n' number, 'b' boolean, 'c' call
	str    string
	num    int
	name   string
	args   []*expr
	access []accessor
}

type accessor struct {
	prop  string
	index *expr
}

type parser struct {
	s     string
	i     int
	depth int
}

func parseExpr(s string) (*expr, error) {
	p := &parser{s: s}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q", p.s[p.i:])
	}
	return e, nil
}

func (p *parser) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func isIdent(c byte, first bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9')
}

func (p *parser) ident() string {
	start := p.i
	for p.i < len(p.s) && isIdent(p.s[p.i], p.i == start) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *parser) expr() (*expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, fmt.Errorf("expression nests too deeply")
	}
	p.ws()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("expression ends early")
	}
	c := p.s[p.i]
	switch {
	case c == '\'':
		var b strings.Builder
		p.i++
		for {
			if p.i >= len(p.s) {
				return nil, fmt.Errorf("unterminated string")
			}
			if p.s[p.i] == '\'' {
				if p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
					b.WriteByte('\'')
					p.i += 2
					continue
				}
				p.i++
				return &expr{kind: 's', str: b.String()}, nil
			}
			b.WriteByte(p.s[p.i])
			p.i++
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		p.i++
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.Atoi(p.s[start:p.i])
		if err != nil {
			return nil, fmt.Errorf("bad number %q", p.s[start:p.i])
		}
		return &expr{kind: 'n', num: n}, nil
	case isIdent(c, true):
		name := p.ident()
		// User-defined functions are called as namespace.function().
		for p.i < len(p.s) && p.s[p.i] == '.' && p.i+1 < len(p.s) && isIdent(p.s[p.i+1], true) {
			p.i++
			name += "." + p.ident()
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '(' {
			switch strings.ToLower(name) {
			case "true", "false":
				return &expr{kind: 'b', str: strings.ToLower(name)}, nil
			}
			return nil, fmt.Errorf("%q is not a function call", name)
		}
		p.i++
		e := &expr{kind: 'c', name: name}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
		} else {
			for {
				a, err := p.expr()
				if err != nil {
					return nil, err
				}
				e.args = append(e.args, a)
				p.ws()
				if p.i >= len(p.s) {
					return nil, fmt.Errorf("missing ) after %s(", name)
				}
				if p.s[p.i] == ',' {
					p.i++
					continue
				}
				if p.s[p.i] == ')' {
					p.i++
					break
				}
				return nil, fmt.Errorf("unexpected %q in %s()", p.s[p.i], name)
			}
		}
		for {
			p.ws()
			if p.i >= len(p.s) {
				return e, nil
			}
			switch p.s[p.i] {
			case '.':
				p.i++
				p.ws()
				prop := p.ident()
				if prop == "" {
					return nil, fmt.Errorf("missing property name after '.'")
				}
				e.access = append(e.access, accessor{prop: prop})
			case '[':
				p.i++
				ix, err := p.expr()
				if err != nil {
					return nil, err
				}
				p.ws()
				if p.i >= len(p.s) || p.s[p.i] != ']' {
					return nil, fmt.Errorf("missing ]")
				}
				p.i++
				e.access = append(e.access, accessor{index: ix})
			default:
				return e, nil
			}
		}
	}
	return nil, fmt.Errorf("unexpected %q", c)
}

// synth makes a computed scalar placed at the expression at.
func synth(at value, tag, s string) value {
	line, col := 0, 0
	if at.node != nil {
		line, col = at.node.Line, at.node.Column
	}
	return value{node: &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s, Line: line, Column: col}, doc: at.doc, path: at.path}
}

// synthList makes a computed list of items placed at the expression at.
func synthList(at value, items []value) value {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if at.node != nil {
		n.Line, n.Column = at.node.Line, at.node.Column
	}
	for _, it := range items {
		n.Content = append(n.Content, it.node)
	}
	if items == nil {
		items = []value{}
	}
	return value{node: n, doc: at.doc, path: at.path, items: items}
}

// Evaluated lists the functions this package evaluates.
const Evaluated = "parameters, variables, concat, format, resourceId, subscriptionResourceId, if, equals, not, and, or, toLower, toUpper, split, createArray, cidrSubnet"

// deploymentFuncs are functions whose results exist only once a deployment
// runs.
var deploymentFuncs = map[string]bool{
	"reference": true, "resourcegroup": true, "subscription": true, "deployment": true, "environment": true,
	"tenant": true, "managementgroup": true, "uniquestring": true, "guid": true, "newguid": true, "utcnow": true,
	"listkeys": true, "list": true, "listaccountsas": true, "listsecrets": true, "pickzones": true, "providers": true,
	"extensionresourceid": true, "tenantresourceid": true, "managementgroupresourceid": true,
}

func (sc *scope) eval(e *expr, at value, depth int) (value, error) {
	if depth > maxDepth {
		return at, bad("break the loop between the variables", "expressions refer to each other in a loop or nest too deeply")
	}
	switch e.kind {
	case 's':
		return synth(at, "!!str", e.str), nil
	case 'n':
		return synth(at, "!!int", strconv.Itoa(e.num)), nil
	case 'b':
		return synth(at, "!!bool", e.str), nil
	}
	out, err := sc.call(e, at, depth)
	if err != nil {
		return at, err
	}
	for _, a := range e.access {
		if out, err = sc.resolve(out, depth+1); err != nil {
			return at, err
		}
		if a.index != nil {
			iv, err := sc.eval(a.index, at, depth+1)
			if err == nil {
				iv, err = sc.resolve(iv, depth+1)
			}
			if err != nil {
				return at, err
			}
			if iv.node.Kind != yaml.ScalarNode {
				return at, bad("", "an index must be a number or a property name")
			}
			if i, err := strconv.Atoi(iv.node.Value); err == nil && iv.node.Tag == "!!int" {
				el := out.elems()
				if i < 0 || i >= len(el) {
					return at, bad("", "index [%d] is outside the list of %d", i, len(el))
				}
				out = el[i]
				continue
			}
			key, n := lookupKey(out.node, iv.node.Value)
			if n == nil {
				return at, bad("", "property %q is not in the value", iv.node.Value)
			}
			out = out.child(n, design.Field(out.path, key))
			continue
		}
		key, n := lookupKey(out.node, a.prop)
		if n == nil {
			return at, bad("", "property %q is not in the value", a.prop)
		}
		out = out.child(n, design.Field(out.path, key))
	}
	return out, nil
}

// arg evaluates argument i of e to a literal.
func (sc *scope) arg(e *expr, i int, at value, depth int) (value, error) {
	v, err := sc.eval(e.args[i], at, depth+1)
	if err != nil {
		return v, err
	}
	return sc.resolve(v, depth+1)
}

// scalar returns the text of a string or number argument.
func scalar(e *expr, i int, v value) (string, error) {
	if v.node.Kind != yaml.ScalarNode || v.node.Tag == "!!null" {
		return "", bad("", "argument %d of %s() is %s, not a string or number", i+1, e.name, kindName(v.node))
	}
	return v.node.Value, nil
}

func boolOf(e *expr, i int, v value) (bool, error) {
	if v.node.Kind != yaml.ScalarNode || v.node.Tag != "!!bool" {
		return false, bad("", "argument %d of %s() is %s, not true or false", i+1, e.name, kindName(v.node))
	}
	return strings.EqualFold(v.node.Value, "true"), nil
}

func (sc *scope) call(e *expr, at value, depth int) (value, error) {
	name := strings.ToLower(e.name)
	nargs := func(lo, hi int) error {
		if len(e.args) < lo || (hi >= 0 && len(e.args) > hi) {
			if lo == hi {
				return bad("", "%s() takes %d arguments, got %d", e.name, lo, len(e.args))
			}
			return bad("", "%s() takes at least %d arguments, got %d", e.name, lo, len(e.args))
		}
		return nil
	}
	// if() evaluates only the branch it takes.
	if name == "if" {
		if err := nargs(3, 3); err != nil {
			return at, err
		}
		c, err := sc.arg(e, 0, at, depth)
		if err != nil {
			return at, err
		}
		b, err := boolOf(e, 0, c)
		if err != nil {
			return at, err
		}
		if b {
			return sc.arg(e, 1, at, depth)
		}
		return sc.arg(e, 2, at, depth)
	}
	if deploymentFuncs[name] {
		return at, unknown("%s() is known only at deployment", e.name)
	}
	switch name {
	case "parameters", "variables", "concat", "format", "resourceid", "subscriptionresourceid",
		"equals", "not", "and", "or", "tolower", "toupper", "split", "createarray", "cidrsubnet":
	default:
		return at, unknown("aksnet does not evaluate %s()", e.name)
	}
	args := make([]value, len(e.args))
	errs := make([]error, len(e.args))
	for i := range e.args {
		args[i], errs[i] = sc.arg(e, i, at, depth)
	}
	// resourceId() may take a subscription and resource group that are
	// known only at deployment; aksnet joins resources by type and name,
	// so they are left as placeholders.
	if name != "resourceid" && name != "subscriptionresourceid" {
		for _, err := range errs {
			if err != nil {
				return at, err
			}
		}
	}
	str := func(i int) (string, error) { return scalar(e, i, args[i]) }
	switch name {
	case "parameters", "variables":
		if err := nargs(1, 1); err != nil {
			return at, err
		}
		n, err := str(0)
		if err != nil {
			return at, err
		}
		if name == "parameters" {
			return sc.parameter(n)
		}
		base, vars := sc.section("variables")
		key, v := lookupKey(vars, n)
		if v == nil {
			return at, bad(spelling(n, vars, "variables"), "variable %q is not declared in the template's variables", n)
		}
		return value{node: v, doc: sc.tmpl, path: design.Field(base, key), tmpl: true}, nil
	case "concat":
		if len(args) > 0 && args[0].node.Kind == yaml.SequenceNode {
			var items []value
			for i, a := range args {
				if a.node.Kind != yaml.SequenceNode {
					return at, bad("", "concat() mixes lists and strings (argument %d)", i+1)
				}
				items = append(items, a.elems()...)
				if len(items) > maxListItems {
					return at, bad("", "concat() builds a list of more than %d elements", maxListItems)
				}
			}
			return synthList(at, items), nil
		}
		var b strings.Builder
		for i := range args {
			s, err := str(i)
			if err != nil {
				return at, err
			}
			b.WriteString(s)
			if b.Len() > maxValueLen {
				return at, bad("", "concat() builds a string of more than %d bytes", maxValueLen)
			}
		}
		return synth(at, "!!str", b.String()), nil
	case "format":
		if err := nargs(1, -1); err != nil {
			return at, err
		}
		f, err := str(0)
		if err != nil {
			return at, err
		}
		s, err := format(f, len(args)-1, func(i int) (string, error) { return str(i + 1) })
		if err != nil {
			return at, err
		}
		return synth(at, "!!str", s), nil
	case "resourceid", "subscriptionresourceid":
		return sc.resourceID(e, at, args, errs)
	case "equals":
		if err := nargs(2, 2); err != nil {
			return at, err
		}
		return synth(at, "!!bool", strconv.FormatBool(equal(args[0].node, args[1].node))), nil
	case "not":
		if err := nargs(1, 1); err != nil {
			return at, err
		}
		b, err := boolOf(e, 0, args[0])
		if err != nil {
			return at, err
		}
		return synth(at, "!!bool", strconv.FormatBool(!b)), nil
	case "and", "or":
		if err := nargs(2, -1); err != nil {
			return at, err
		}
		r := name == "and"
		for i := range args {
			b, err := boolOf(e, i, args[i])
			if err != nil {
				return at, err
			}
			if name == "and" {
				r = r && b
			} else {
				r = r || b
			}
		}
		return synth(at, "!!bool", strconv.FormatBool(r)), nil
	case "tolower", "toupper":
		if err := nargs(1, 1); err != nil {
			return at, err
		}
		s, err := str(0)
		if err != nil {
			return at, err
		}
		if name == "tolower" {
			return synth(at, "!!str", strings.ToLower(s)), nil
		}
		return synth(at, "!!str", strings.ToUpper(s)), nil
	case "split":
		if err := nargs(2, 2); err != nil {
			return at, err
		}
		s, err := str(0)
		if err != nil {
			return at, err
		}
		var seps []string
		if args[1].node.Kind == yaml.SequenceNode {
			for _, d := range args[1].elems() {
				if d.node.Kind != yaml.ScalarNode {
					return at, bad("", "split() delimiters must be strings")
				}
				seps = append(seps, d.node.Value)
			}
		} else {
			d, err := str(1)
			if err != nil {
				return at, err
			}
			seps = []string{d}
		}
		var items []value
		parts := splitAny(s, seps)
		if len(parts) > maxListItems {
			return at, bad("", "split() makes more than %d parts", maxListItems)
		}
		for _, part := range parts {
			items = append(items, synth(at, "!!str", part))
		}
		return synthList(at, items), nil
	case "createarray":
		return synthList(at, append([]value{}, args...)), nil
	case "cidrsubnet":
		if err := nargs(3, 3); err != nil {
			return at, err
		}
		network, err := str(0)
		if err != nil {
			return at, err
		}
		if args[1].node.Tag != "!!int" || args[2].node.Tag != "!!int" {
			return at, bad("", "cidrSubnet() takes a CIDR and two whole numbers")
		}
		bits, _ := strconv.Atoi(args[1].node.Value)
		index, _ := strconv.Atoi(args[2].node.Value)
		p, err := cidrSubnet(network, bits, index)
		if err != nil {
			return at, err
		}
		return synth(at, "!!str", p.String()), nil
	}
	return at, unknown("aksnet does not evaluate %s()", e.name)
}

// format implements format(): {0}, {1}, ... are replaced by the arguments
// and {{ and }} stand for braces. Format specifiers ({0:N2}) are not
// evaluated.
func format(f string, n int, arg func(int) (string, error)) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '{' && i+1 < len(f) && f[i+1] == '{':
			b.WriteByte('{')
			i++
		case f[i] == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte('}')
			i++
		case f[i] == '{':
			j := strings.IndexByte(f[i:], '}')
			if j < 0 {
				return "", bad("", "format string %q has an unclosed {", f)
			}
			spec := f[i+1 : i+j]
			if strings.ContainsAny(spec, ":,") {
				return "", unknown("aksnet does not evaluate format() with the specifier {%s}", spec)
			}
			k, err := strconv.Atoi(spec)
			if err != nil || k < 0 || k >= n {
				return "", bad("", "format string %q refers to argument {%s}, which is not given", f, spec)
			}
			s, err := arg(k)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
			if b.Len() > maxValueLen {
				return "", bad("", "format() builds a string of more than %d bytes", maxValueLen)
			}
			i += j
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String(), nil
}

// splitAny splits s at every occurrence of any of seps.
func splitAny(s string, seps []string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		matched := 0
		for _, sep := range seps {
			if sep != "" && strings.HasPrefix(s[i:], sep) {
				matched = len(sep)
				break
			}
		}
		if matched > 0 {
			out = append(out, s[start:i])
			i += matched
			start = i
			continue
		}
		i++
	}
	return append(out, s[start:])
}

// equal compares two JSON values as ARM's equals() does: strings exactly,
// numbers and booleans by value, lists and objects element by element.
func equal(a, b *yaml.Node) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Tag == b.Tag && a.Value == b.Value
	case yaml.SequenceNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := range a.Content {
			if !equal(a.Content[i], b.Content[i]) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := 0; i+1 < len(a.Content); i += 2 {
			_, bv := lookupKey(b, a.Content[i].Value)
			if bv == nil || !equal(a.Content[i+1], bv) {
				return false
			}
		}
		return true
	}
	return false
}

// resourceID builds the ID that resourceId() or subscriptionResourceId()
// returns. The arguments before the resource type are the subscription and
// (for resourceId) the resource group; when they are absent or known only
// at deployment, placeholders stand in for them.
func (sc *scope) resourceID(e *expr, at value, args []value, errs []error) (value, error) {
	name := strings.ToLower(e.name)
	typeAt := -1
	for i := range args {
		if errs[i] != nil {
			continue
		}
		if s, err := scalar(e, i, args[i]); err == nil && strings.Contains(s, "/") && strings.Contains(s[:strings.IndexByte(s, '/')], ".") {
			typeAt = i
			break
		}
	}
	if typeAt < 0 {
		for _, err := range errs {
			if err != nil {
				return at, err
			}
		}
		return at, bad("write the type as 'Microsoft.Network/virtualNetworks/subnets'", "%s() needs a resource type such as 'Microsoft.Network/virtualNetworks'", e.name)
	}
	for i := typeAt; i < len(args); i++ {
		if errs[i] != nil {
			return at, errs[i]
		}
	}
	before := make([]string, typeAt)
	for i := range before {
		if errs[i] != nil {
			if !isUnknown(errs[i]) {
				return at, errs[i]
			}
			continue // a placeholder stands in
		}
		s, err := scalar(e, i, args[i])
		if err != nil {
			return at, err
		}
		before[i] = s
	}
	sub, rg := "(subscription)", "(resourceGroup)"
	switch {
	case name == "resourceid" && typeAt == 1:
		rg = before[0]
	case name == "resourceid" && typeAt == 2:
		sub, rg = before[0], before[1]
	case name == "subscriptionresourceid" && typeAt == 1:
		sub = before[0]
	case typeAt != 0:
		return at, bad("", "%s() takes at most a subscription and a resource group before the type", e.name)
	}
	if sub == "" {
		sub = "(subscription)"
	}
	if rg == "" {
		rg = "(resourceGroup)"
	}
	typ, _ := scalar(e, typeAt, args[typeAt])
	parts := strings.Split(typ, "/")
	names := make([]string, 0, len(args)-typeAt-1)
	for i := typeAt + 1; i < len(args); i++ {
		s, err := scalar(e, i, args[i])
		if err != nil {
			return at, err
		}
		names = append(names, s)
	}
	if len(parts)-1 != len(names) {
		return at, bad("give one name per type segment after the provider", "%s() of type %s needs %d names, got %d", e.name, typ, len(parts)-1, len(names))
	}
	var b strings.Builder
	b.WriteString("/subscriptions/" + sub)
	if name == "resourceid" {
		b.WriteString("/resourceGroups/" + rg)
	}
	b.WriteString("/providers/" + parts[0])
	for i, t := range parts[1:] {
		b.WriteString("/" + t + "/" + names[i])
	}
	return synth(at, "!!str", b.String()), nil
}

// cidrSubnet implements cidrSubnet(network, newCIDR, index): the index-th
// subnet of length newCIDR inside network.
func cidrSubnet(network string, bits, index int) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(network)
	if err != nil {
		return netip.Prefix{}, bad("write a CIDR such as 10.0.0.0/16", "cidrSubnet(): %q is not a CIDR", network)
	}
	p = p.Masked()
	if bits < p.Bits() || bits > p.Addr().BitLen() {
		return netip.Prefix{}, bad("", "cidrSubnet(): length /%d does not fit inside %s", bits, p)
	}
	count := new(big.Int).Lsh(big.NewInt(1), uint(bits-p.Bits()))
	if index < 0 || big.NewInt(int64(index)).Cmp(count) >= 0 {
		return netip.Prefix{}, bad("", "cidrSubnet(): %s has %s subnets of length /%d; index %d is outside", p, count, bits, index)
	}
	a := new(big.Int).SetBytes(p.Addr().AsSlice())
	a.Add(a, new(big.Int).Lsh(big.NewInt(int64(index)), uint(p.Addr().BitLen()-bits)))
	buf := make([]byte, p.Addr().BitLen()/8)
	a.FillBytes(buf)
	addr, _ := netip.AddrFromSlice(buf)
	return netip.PrefixFrom(addr, bits), nil
}

// parameter finds the value of a template parameter: from the last
// parameter set that gives it, else from its defaultValue.
func (sc *scope) parameter(name string) (value, error) {
	base, decls := sc.section("parameters")
	key, decl := lookupKey(decls, name)
	if decl == nil {
		return value{}, bad(spelling(name, decls, "parameters"), "parameter %q is not declared in the template's parameters", name)
	}
	for i := len(sc.params) - 1; i >= 0; i-- {
		ps := sc.params[i]
		pkey, p := lookupKey(ps.doc.Node(ps.base), name)
		if p == nil {
			continue
		}
		pbase := design.Field(ps.base, pkey)
		if vk, v := lookupKey(p, "value"); v != nil {
			return value{node: v, doc: ps.doc, path: design.Field(pbase, vk)}, nil
		}
		if _, r := lookupKey(p, "reference"); r != nil {
			return value{}, unknown("parameter %q comes from a Key Vault reference in %s", name, ps.doc.File)
		}
	}
	if dk, def := lookupKey(decl, "defaultValue"); def != nil {
		return value{node: def, doc: sc.tmpl, path: design.Field(design.Field(base, key), dk), tmpl: true}, nil
	}
	return value{}, unknown("parameter %q has no defaultValue and no parameters file sets it", name)
}

// spelling suggests the declared name nearest to name, or declaring it.
func spelling(name string, m *yaml.Node, section string) string {
	var names []string
	if m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			names = append(names, m.Content[i].Value)
		}
	}
	if s := closest(name, names); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return "declare it under " + section + ", or check the spelling"
}

// lookupKey finds a mapping key; an exact match wins, else one that differs
// only in case, as ARM compares names.
func lookupKey(m *yaml.Node, name string) (string, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return "", nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return name, m.Content[i+1]
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, name) {
			return m.Content[i].Value, m.Content[i+1]
		}
	}
	return "", nil
}
