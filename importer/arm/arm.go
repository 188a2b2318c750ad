// Package arm imports Azure Resource Manager (ARM) JSON templates, with
// optional parameters files, into one aksnet design. It also reads the
// template of an export (`az group export`: the template itself, or
// {"template": ...}) and deployment JSON (a Microsoft.Resources/deployments
// object: properties.template and properties.parameters; `az deployment
// group show` supplies the parameter values a deployment used).
//
// Resources read: Microsoft.ContainerService/managedClusters and
// managedClusters/agentPools; Microsoft.Network virtualNetworks with inline
// subnets and peerings, virtualNetworks/subnets and
// virtualNetworks/virtualNetworkPeerings (top level or nested),
// routeTables and routes, natGateways, networkSecurityGroups and
// securityRules, privateEndpoints and privateDnsZoneGroups,
// privateDnsZones and virtualNetworkLinks. Other resources are ignored.
//
// Values are taken from the template as written. Expressions are evaluated
// when they need nothing but the files: parameters() (a parameters file
// overrides the template's defaultValue), variables(), concat(), format(),
// resourceId() and a few pure helpers (see Evaluated). An expression that
// needs the deployment (reference(), uniqueString(), resourceGroup().location,
// ...) is a warning at its location and its value is never guessed. A
// design object that cannot be checked without the value (a subnet whose
// prefix or route table is unknown, a route table with an unknown route, a
// cluster with an unknown network setting, a node pool with an unknown
// size or subnet) is left out with a warning, and so is what depends on
// it: left in with the value unset, it would read as the AKS default or as
// "none", and the rules would report what is not so. A location that
// cannot be known becomes the region UnknownRegion with a warning, so the
// rest of the resource is still checked. Copy loops are not expanded (a
// warning), and conditions are evaluated when they can be.
//
// Subnets that use a route table or NAT gateway no input declares are a
// problem, as for az output: egress cannot be checked without them.
//
// Every imported value records where it was written: the line in the
// template, or in the parameters file when the value came from there, so
// findings point at the line the user must change.
package arm

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer"
	"github.com/aksnet/aksnet/internal/suggest"
)

// UnknownRegion is the region of resources whose location is an expression
// known only at deployment, such as [resourceGroup().location].
const UnknownRegion = "(resource group location)"

// shape says what an ARM document holds: a template (at a path), a set of
// parameter values (at a path), or both.
type shape struct {
	arm         bool
	template    string
	hasTemplate bool
	params      string
	hasParams   bool
	// paramsFile marks a deploymentParameters.json document.
	paramsFile bool
}

func schemaOf(n *yaml.Node) string {
	_, s := lookupKey(n, "$schema")
	if s == nil || s.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.ToLower(s.Value)
}

func isTemplateSchema(n *yaml.Node) bool {
	return strings.Contains(schemaOf(n), "deploymenttemplate.json")
}

func shapeOf(doc *importer.Doc) shape {
	if doc == nil || doc.Root == nil || doc.Root.Kind != yaml.MappingNode {
		return shape{}
	}
	root := doc.Root
	switch {
	case isTemplateSchema(root):
		return shape{arm: true, hasTemplate: true}
	case strings.Contains(schemaOf(root), "deploymentparameters.json"):
		return shape{arm: true, params: "parameters", hasParams: true, paramsFile: true}
	}
	if k, t := lookupKey(root, "template"); t != nil && isTemplateSchema(t) {
		return shape{arm: true, template: k, hasTemplate: true}
	}
	_, typ := lookupKey(root, "type")
	isDeployment := typ != nil && strings.EqualFold(typ.Value, "Microsoft.Resources/deployments")
	pk, props := lookupKey(root, "properties")
	if props == nil || props.Kind != yaml.MappingNode {
		return shape{arm: isDeployment}
	}
	var s shape
	if k, t := lookupKey(props, "template"); t != nil && isTemplateSchema(t) {
		s = shape{arm: true, template: design.Field(pk, k), hasTemplate: true}
	}
	if !s.arm && !isDeployment {
		return shape{}
	}
	s.arm = true
	if k, p := lookupKey(props, "parameters"); p != nil {
		s.params, s.hasParams = design.Field(pk, k), true
	}
	return s
}

// Detect reports whether doc is something Import reads: an ARM template (a
// "$schema" naming deploymentTemplate.json), an ARM parameters file (one
// naming deploymentParameters.json), an export ({"template": TEMPLATE}) or
// a deployment (type Microsoft.Resources/deployments, or properties.template
// holding a template).
func Detect(doc *importer.Doc) bool { return shapeOf(doc).arm }

// conv carries one import: the design, and the problems and warnings found.
type conv struct {
	sc    *scope
	d     *design.Design
	probs []importer.Problem
	warns []importer.Problem
	// unknowns counts the values found unknown so far; a converter
	// compares it before and after reading a value it cannot do without.
	unknowns int
	// skipped holds the lower-case keys of objects left out because a
	// value they need is unknown: "vnet/NAME", "subnet/VNET/NAME",
	// "cluster/NAME", "routetable/NAME", "natgateway/NAME".
	skipped map[string]bool
	// droppedPools counts, per lower-case cluster name, the node pools
	// left out as unknown.
	droppedPools map[string]int
	peerings     []peering
}

// placed returns a problem located at v.
func placed(v value) importer.Problem {
	p := importer.Problem{Path: v.path, Line: 1}
	if v.doc != nil {
		p.File = v.doc.File
	}
	if v.node != nil && v.node.Line > 0 {
		p.Line = v.node.Line
	}
	return p
}

func (c *conv) problem(v value, hint, format string, args ...any) {
	p := placed(v)
	p.Msg, p.Hint = fmt.Sprintf(format, args...), hint
	c.probs = append(c.probs, p)
}

func (c *conv) warn(v value, hint, format string, args ...any) {
	p := placed(v)
	p.Msg, p.Hint = fmt.Sprintf(format, args...), hint
	c.warns = append(c.warns, p)
}

// warnAt warns at a design path's recorded location.
func (c *conv) warnAt(designPath, hint, format string, args ...any) {
	loc := c.d.Locate(designPath)
	c.warns = append(c.warns, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// record notes that the design value at designPath came from v.
func (c *conv) record(designPath string, v value) {
	p := placed(v)
	c.d.Sources[designPath] = finding.Location{File: p.File, Line: p.Line, Path: p.Path}
}

// forget drops the source entries of a design object and its fields.
func (c *conv) forget(path string) {
	for k := range c.d.Sources {
		if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(k, path+"[") {
			delete(c.d.Sources, k)
		}
	}
}

// failed reports an expression that could not be evaluated: a warning when
// its value is known only at deployment, a problem when it is wrong. It is
// placed at the innermost expression that failed (a variable, a parameter
// default) and names the value that used it when that is elsewhere.
func (c *conv) failed(use value, err error) {
	ee, ok := err.(*evalError)
	if !ok {
		c.problem(use, "", "%v", err)
		return
	}
	at := use
	if ee.at != nil {
		at = *ee.at
	}
	where := ""
	if pu, pa := placed(use), placed(at); pu.File != pa.File || pu.Line != pa.Line {
		where = fmt.Sprintf(" (used by %s at %s:%d)", pu.Path, pu.File, pu.Line)
	}
	expr := ""
	if at.node != nil && at.node.Kind == yaml.ScalarNode {
		expr = at.node.Value + ": "
	}
	if ee.unknown {
		c.unknowns++
		c.warn(at, "set the value literally or through a parameter to have it checked",
			"%s%s; the value%s is not checked", expr, ee.msg, where)
		return
	}
	c.problem(at, ee.hint, "%s%s%s", expr, ee.msg, where)
}

// resolve evaluates v; an unknown value is a warning, a wrong expression a
// problem, and ok is false in both cases.
func (c *conv) resolve(v value) (value, bool) {
	r, err := c.sc.resolve(v, 0)
	if err != nil {
		c.failed(v, err)
		return v, false
	}
	return r, true
}

// get returns the resolved value of key in the object v; ok is false when
// the key is absent, null or unknown.
func (c *conv) get(v value, key string) (value, bool) {
	if v.node == nil || v.node.Kind != yaml.MappingNode {
		return value{}, false
	}
	k, n := lookupKey(v.node, key)
	if n == nil || n.Tag == "!!null" {
		return value{}, false
	}
	r, ok := c.resolve(v.child(n, design.Field(v.path, k)))
	if !ok || r.isNull() {
		return value{}, false
	}
	return r, true
}

// path follows a dotted key path, resolving every step.
func (c *conv) path(v value, keys string) (value, bool) {
	for _, k := range strings.Split(keys, ".") {
		var ok bool
		if v, ok = c.get(v, k); !ok {
			return value{}, false
		}
	}
	return v, true
}

// object checks that v is an object.
func (c *conv) object(v value, what string) bool {
	if v.node.Kind != yaml.MappingNode {
		c.problem(v, "", "%s: want an object, got %s", what, kindName(v.node))
		return false
	}
	return true
}

// list returns the resolved elements of the list v; null and unknown
// elements are left out (unknown ones with a warning).
func (c *conv) list(v value, what string) []value {
	if v.node.Kind != yaml.SequenceNode {
		c.problem(v, "", "%s: want a list, got %s", what, kindName(v.node))
		return nil
	}
	var out []value
	for _, el := range v.elems() {
		if r, ok := c.resolve(el); ok && !r.isNull() {
			out = append(out, r)
		}
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return "the string " + strconv.Quote(n.Value)
	case "!!bool":
		return "the boolean " + n.Value
	case "!!null":
		return "null"
	}
	return "the number " + n.Value
}

func (c *conv) str(v value, what string) (string, bool) {
	if v.node.Kind != yaml.ScalarNode || v.node.Tag != "!!str" {
		c.problem(v, "write a JSON string", "%s: want a string, got %s", what, kindName(v.node))
		return "", false
	}
	return v.node.Value, true
}

func (c *conv) integer(v value, what string) (int, bool) {
	if v.node.Kind == yaml.ScalarNode && v.node.Tag == "!!int" {
		if n, err := strconv.Atoi(v.node.Value); err == nil {
			return n, true
		}
	}
	c.problem(v, "write a JSON number without quotes", "%s: want a whole number, got %s", what, kindName(v.node))
	return 0, false
}

func (c *conv) boolean(v value, what string) (bool, bool) {
	if v.node.Kind == yaml.ScalarNode && v.node.Tag == "!!bool" {
		return v.node.Value == "true", true
	}
	c.problem(v, "write true or false without quotes", "%s: want true or false, got %s", what, kindName(v.node))
	return false, false
}

// strAt, intAt and boolAt read a (dotted) key of obj, resolving and
// type-checking it.
func (c *conv) strAt(obj value, key string) (string, value, bool) {
	v, ok := c.path(obj, key)
	if !ok {
		return "", v, false
	}
	s, ok := c.str(v, key)
	return s, v, ok
}

func (c *conv) intAt(obj value, key string) (*int, value, bool) {
	v, ok := c.path(obj, key)
	if !ok {
		return nil, v, false
	}
	n, ok := c.integer(v, key)
	if !ok {
		return nil, v, false
	}
	return &n, v, true
}

func (c *conv) boolAt(obj value, key string) (bool, value, bool) {
	v, ok := c.path(obj, key)
	if !ok {
		return false, v, false
	}
	b, ok := c.boolean(v, key)
	return b, v, ok
}

// prefix parses a CIDR strictly (no host bits); with bare, a single address
// stands for its /32 or /128.
func (c *conv) prefix(v value, what string, bare bool) (pfx netip.Prefix, ok bool) {
	s, ok := c.str(v, what)
	if !ok {
		return pfx, false
	}
	if bare && !strings.Contains(s, "/") {
		if a, err := cidr.ParseAddr(s); err == nil {
			return netip.PrefixFrom(a, a.BitLen()), true
		}
	}
	p, err := cidr.ParsePrefix(s)
	if err != nil {
		hint := "write a CIDR such as 10.0.0.0/16"
		if pe, ok := err.(*cidr.ParseError); ok && pe.Hint != "" {
			hint = pe.Hint
			err = fmt.Errorf("%s", pe.Msg)
		}
		c.problem(v, hint, "%s: %v", what, err)
		return pfx, false
	}
	return p, true
}

// prefixes reads a list of CIDRs at key (or a single one at singleKey) into
// designPath, recording every element.
func (c *conv) prefixes(obj value, key, singleKey, designPath string, bare bool) []netip.Prefix {
	var items []value
	var from value
	label := key[strings.LastIndexByte(key, '.')+1:]
	if v, ok := c.path(obj, key); ok {
		items, from = c.list(v, key), v
	} else if singleKey != "" {
		if v, ok := c.get(obj, singleKey); ok {
			items, from, label = []value{v}, v, singleKey
		}
	}
	var out []netip.Prefix
	for _, it := range items {
		if p, ok := c.prefix(it, label, bare); ok {
			c.record(design.Index(designPath, len(out)), it)
			out = append(out, p)
		}
	}
	if len(out) > 0 {
		c.record(designPath, from)
	}
	return out
}

// enum maps a value onto a design enum, case-insensitively after aliases.
func enum[T ~string](c *conv, v value, what string, aliases map[string]string) (T, bool) {
	raw, ok := c.str(v, what)
	if !ok || raw == "" {
		return "", false
	}
	if a, ok := aliases[strings.ToLower(raw)]; ok {
		return T(a), a != ""
	}
	var zero T
	var allowed []string
	for _, s := range any(zero).(interface{ EnumValues() []string }).EnumValues() {
		if s == "" {
			continue
		}
		if strings.EqualFold(s, raw) {
			return T(s), true
		}
		allowed = append(allowed, s)
	}
	c.problem(v, "allowed: "+strings.Join(allowed, ", "), "%s %q is not a value aksnet knows", what, raw)
	return "", false
}

// resource is one resource of a template, with its full type and name
// (a nested resource's type and name are joined to its parent's).
type resource struct {
	v     value
	sc    *scope
	typ   string // lower case, e.g. microsoft.network/virtualnetworks/subnets
	name  string // e.g. vnet-spoke/snet-nodes
	nameV value
}

// collect walks a resources list (an object of symbolic names in templates
// with languageVersion 2.0) and the nested resources lists.
func (c *conv) collect(list value, parentType, parentName string, out *[]resource) {
	var items []value
	if list.node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(list.node.Content); i += 2 {
			k := list.node.Content[i].Value
			items = append(items, list.child(list.node.Content[i+1], design.Field(list.path, k)))
		}
	} else {
		items = c.list(list, "resources")
	}
	for _, r := range items {
		if !c.object(r, "resource") {
			continue
		}
		if b, _, ok := c.boolAt(r, "existing"); ok && b {
			continue // a reference to a resource deployed elsewhere
		}
		if c.has(r, "copy") {
			_, t := lookupKey(r.node, "type")
			_, n := lookupKey(r.node, "name")
			c.unknowns++
			c.warn(r, "aksnet does not expand copy loops; declare the resources one by one to have them checked",
				"resource %s %s uses a copy loop; not checked", scalarText(t), scalarText(n))
			continue
		}
		typ, tv, ok := c.strAt(r, "type")
		if !ok {
			if tv.node == nil && !c.has(r, "type") {
				c.problem(r, "give every resource a type such as Microsoft.Network/virtualNetworks", "resource has no type")
			}
			continue
		}
		name, nv, ok := c.strAt(r, "name")
		if !ok {
			if nv.node == nil && !c.has(r, "name") {
				c.problem(r, "give every resource a name", "resource %s has no name", typ)
			}
			continue
		}
		if parentType != "" && !strings.Contains(typ, "/") {
			typ, name = parentType+"/"+typ, parentName+"/"+name
		}
		if c.has(r, "condition") {
			cv, ok := c.get(r, "condition")
			if !ok {
				c.warn(r, "make the condition depend only on parameters to have the resource checked",
					"resource %s %s is deployed only under a condition aksnet cannot evaluate; not checked", typ, name)
				continue
			}
			if b, ok := c.boolean(cv, "condition"); !ok || !b {
				continue
			}
		}
		if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
			c.warn(r, "import the linked or nested template on its own", "nested deployment %s is not imported; not checked", name)
			continue
		}
		*out = append(*out, resource{v: r, sc: c.sc, typ: strings.ToLower(typ), name: name, nameV: nv})
		if kids, ok := c.get(r, "resources"); ok {
			c.collect(kids, typ, name, out)
		}
	}
}

// scalarText returns the text of a scalar node, or "?".
func scalarText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "?"
	}
	return n.Value
}

// has reports whether the object v has key (with any value).
func (c *conv) has(v value, key string) bool {
	_, n := lookupKey(v.node, key)
	return n != nil
}

// properties returns a resource's properties object, warning about
// property loops ("copy" inside properties), which are not expanded.
func (c *conv) properties(r resource) (value, bool) {
	props, ok := c.get(r.v, "properties")
	if !ok || !c.object(props, "properties") {
		return value{}, false
	}
	if cp, ok := c.get(props, "copy"); ok && cp.node.Kind == yaml.SequenceNode {
		var names []string
		for _, it := range cp.elems() {
			if _, n := lookupKey(it.node, "name"); n != nil {
				names = append(names, n.Value)
			}
		}
		c.unknowns++
		c.warn(cp, "aksnet does not expand property loops; list the elements one by one to have them checked",
			"%s %s builds %s with a copy loop; those values are not checked", r.typ, r.name, strings.Join(names, ", "))
	}
	return props, true
}

// templates and parameter sets found among the inputs.
type input struct {
	doc   *importer.Doc
	shape shape
}

// Import reads ARM templates, parameters files, exports and deployments
// into one design. Parameters files (and deployments that hold no template)
// apply to every template; a deployment's own parameters apply to its own
// template, and parameters files override them. Warnings are values that
// cannot be known before deployment and are left unchecked; an error (an
// *importer.Error) holds every problem that stops the import.
func Import(docs []*importer.Doc) (*design.Design, []importer.Problem, error) {
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind, Metadata: design.Metadata{Name: "imported"}, Sources: design.SourceMap{}}
	c := &conv{d: d, skipped: map[string]bool{}, droppedPools: map[string]int{}}
	var templates []input
	var global []paramSet
	for _, doc := range docs {
		s := shapeOf(doc)
		if !s.arm {
			line := 1
			if doc != nil && doc.Root != nil && doc.Root.Line > 0 {
				line = doc.Root.Line
			}
			c.probs = append(c.probs, importer.Problem{File: fileOf(doc), Line: line,
				Msg:  "not an ARM template, parameters file or deployment",
				Hint: "an ARM template is a JSON object with a $schema naming deploymentTemplate.json and a resources list"})
			continue
		}
		if s.hasTemplate {
			templates = append(templates, input{doc, s})
		} else if s.hasParams {
			global = append(global, paramSet{doc, s.params})
		}
		if s.hasParams {
			c.checkParamShape(doc, s.params, s.paramsFile)
		}
		if !s.hasTemplate && !s.hasParams {
			c.probs = append(c.probs, importer.Problem{File: doc.File, Line: doc.Root.Line, Msg: "deployment holds neither a template nor parameters",
				Hint: "export its template with 'az deployment group export -g RESOURCE_GROUP -n DEPLOYMENT'"})
		}
	}
	for _, t := range templates {
		c.checkTemplate(t.doc, t.shape.template)
	}
	if len(templates) == 0 && len(c.probs) == 0 {
		c.probs = append(c.probs, importer.Problem{File: fileOf(first(docs)), Line: 1, Msg: "no ARM template among the inputs",
			Hint: "pass the template together with its parameters files"})
	}
	if len(c.probs) > 0 {
		return nil, nil, &importer.Error{Problems: c.probs}
	}
	scopes := make([]*scope, len(templates))
	for i, t := range templates {
		sc := &scope{tmpl: t.doc, base: t.shape.template}
		if t.shape.hasParams {
			sc.params = append(sc.params, paramSet{t.doc, t.shape.params})
		}
		sc.params = append(sc.params, global...)
		scopes[i] = sc
	}
	for _, p := range global {
		c.checkParameters(p, scopes)
	}
	for i, t := range templates {
		if t.shape.hasParams {
			c.checkParameters(paramSet{t.doc, t.shape.params}, scopes[i:i+1])
		}
		c.checkDefaults(scopes[i])
	}
	if len(c.probs) > 0 {
		return nil, nil, &importer.Error{Problems: c.probs}
	}
	var all []resource
	for _, sc := range scopes {
		c.sc = sc
		k, n := lookupKey(sc.tmpl.Node(sc.base), "resources")
		c.collect(value{node: n, doc: sc.tmpl, path: design.Field(sc.base, k), tmpl: true}, "", "", &all)
	}
	slices.SortStableFunc(all, func(a, b resource) int { return order(a.typ) - order(b.typ) })
	for _, r := range all {
		c.sc = r.sc
		if h, ok := handlers[r.typ]; ok {
			h(c, r)
		}
	}
	if len(c.probs) == 0 {
		c.dropRouteTables()
		c.joinPeerings()
		c.attachments()
		c.finishClusters()
		c.danglingSubnets()
	}
	if len(c.probs) > 0 {
		return nil, nil, &importer.Error{Problems: dedupe(c.probs)}
	}
	importer.SetPurposes(d)
	if vp := design.Validate(d); len(vp) > 0 {
		var probs []importer.Problem
		for _, p := range vp {
			loc := d.Locate(p.Path)
			probs = append(probs, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path, Msg: p.Msg, Hint: p.Hint})
		}
		return nil, nil, &importer.Error{Problems: probs}
	}
	return d, dedupe(c.warns), nil
}

// dedupe drops repeated problems (a variable used twice fails twice) and
// sorts them by file and line.
func dedupe(ps []importer.Problem) []importer.Problem {
	seen := map[importer.Problem]bool{}
	var out []importer.Problem
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b importer.Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return out
}

func first(docs []*importer.Doc) *importer.Doc {
	if len(docs) == 0 {
		return nil
	}
	return docs[0]
}

func fileOf(doc *importer.Doc) string {
	if doc == nil {
		return ""
	}
	return doc.File
}

// handlers convert one resource type each, in the order of typeOrder.
var handlers = map[string]func(*conv, resource){
	"microsoft.network/virtualnetworks":                        (*conv).vnet,
	"microsoft.network/virtualnetworks/subnets":                (*conv).subnetResource,
	"microsoft.network/routetables":                            (*conv).routeTable,
	"microsoft.network/routetables/routes":                     (*conv).routeResource,
	"microsoft.network/natgateways":                            (*conv).natGateway,
	"microsoft.network/networksecuritygroups":                  (*conv).nsg,
	"microsoft.network/networksecuritygroups/securityrules":    (*conv).securityRuleResource,
	"microsoft.network/virtualnetworks/virtualnetworkpeerings": (*conv).peeringResource,
	"microsoft.network/privatednszones":                        (*conv).dnsZone,
	"microsoft.network/privatednszones/virtualnetworklinks":    (*conv).dnsLink,
	"microsoft.network/privateendpoints":                       (*conv).privateEndpoint,
	"microsoft.network/privateendpoints/privatednszonegroups":  (*conv).zoneGroup,
	"microsoft.containerservice/managedclusters":               (*conv).cluster,
	"microsoft.containerservice/managedclusters/agentpools":    (*conv).agentPool,
}

// typeOrder is the order resources are converted in: parents before
// children, what subnets attach (route tables, NAT gateways, NSGs) before
// VNets, and everything a cluster refers to before clusters.
var typeOrder = []string{
	"microsoft.network/routetables",
	"microsoft.network/routetables/routes",
	"microsoft.network/natgateways",
	"microsoft.network/networksecuritygroups",
	"microsoft.network/networksecuritygroups/securityrules",
	"microsoft.network/virtualnetworks",
	"microsoft.network/virtualnetworks/subnets",
	"microsoft.network/virtualnetworks/virtualnetworkpeerings",
	"microsoft.network/privatednszones",
	"microsoft.network/privatednszones/virtualnetworklinks",
	"microsoft.network/privateendpoints",
	"microsoft.network/privateendpoints/privatednszonegroups",
	"microsoft.containerservice/managedclusters",
	"microsoft.containerservice/managedclusters/agentpools",
}

func order(typ string) int {
	if i := slices.Index(typeOrder, typ); i >= 0 {
		return i
	}
	return len(typeOrder)
}

// checkTemplate checks what every template needs: a resources list (or
// object of symbolic names) and, when present, objects for parameters and
// variables.
func (c *conv) checkTemplate(doc *importer.Doc, base string) {
	t := doc.Node(base)
	if t == nil || t.Kind != yaml.MappingNode {
		line := 1
		if t != nil {
			line = t.Line
		}
		c.probs = append(c.probs, importer.Problem{File: doc.File, Line: line, Path: base, Msg: "template: want an object"})
		return
	}
	k, res := lookupKey(t, "resources")
	switch {
	case res == nil:
		c.probs = append(c.probs, importer.Problem{File: doc.File, Line: t.Line, Path: base,
			Msg:  "template has no resources",
			Hint: `add "resources": [...] with the VNets, subnets and clusters to check`})
	case res.Kind != yaml.SequenceNode && res.Kind != yaml.MappingNode:
		c.probs = append(c.probs, importer.Problem{File: doc.File, Line: res.Line, Path: design.Field(base, k),
			Msg:  "resources: want a list, got " + kindName(res),
			Hint: `write "resources": [ { "type": ..., "name": ..., ... } ]`})
	}
	for _, sec := range []string{"parameters", "variables"} {
		if k, n := lookupKey(t, sec); n != nil && n.Kind != yaml.MappingNode {
			c.probs = append(c.probs, importer.Problem{File: doc.File, Line: n.Line, Path: design.Field(base, k),
				Msg: sec + ": want an object, got " + kindName(n)})
		}
	}
}

// checkParamShape checks a parameters object: every entry an object with a
// value (or a Key Vault reference).
func (c *conv) checkParamShape(doc *importer.Doc, base string, file bool) {
	m := doc.Node(base)
	if m == nil {
		if file {
			c.probs = append(c.probs, importer.Problem{File: doc.File, Line: doc.Root.Line, Path: base,
				Msg: "parameters file has no parameters", Hint: `add "parameters": { "NAME": { "value": ... } }`})
		}
		return
	}
	if m.Kind != yaml.MappingNode {
		c.probs = append(c.probs, importer.Problem{File: doc.File, Line: m.Line, Path: base, Msg: "parameters: want an object, got " + kindName(m)})
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		name, p := m.Content[i].Value, m.Content[i+1]
		_, v := lookupKey(p, "value")
		_, r := lookupKey(p, "reference")
		if p.Kind == yaml.MappingNode && !file && v == nil && r == nil {
			continue // az deployment show leaves out the values of secure parameters
		}
		if p.Kind != yaml.MappingNode || (v == nil && r == nil) {
			c.probs = append(c.probs, importer.Problem{File: doc.File, Line: p.Line, Path: design.Field(base, name),
				Msg:  fmt.Sprintf("parameter %q: want an object with a value, got %s", name, kindName(p)),
				Hint: fmt.Sprintf(`write "%s": { "value": ... }`, name)})
		}
	}
}

// checkParameters reports values a parameter set gives for parameters no
// template declares (ARM rejects the deployment; a typo here would silently
// fall back to the default), values of the wrong type and values outside
// allowedValues.
func (c *conv) checkParameters(ps paramSet, scopes []*scope) {
	m := ps.doc.Node(ps.base)
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		name := m.Content[i].Value
		path := design.Field(ps.base, name)
		var decls []*yaml.Node
		var known []string
		for _, sc := range scopes {
			_, params := sc.section("parameters")
			if _, decl := lookupKey(params, name); decl != nil {
				decls = append(decls, decl)
			}
			if params != nil {
				for j := 0; j+1 < len(params.Content); j += 2 {
					known = append(known, params.Content[j].Value)
				}
			}
		}
		if len(decls) == 0 {
			hint := "remove it, or declare it in the template's parameters"
			if s := closest(name, known); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			c.probs = append(c.probs, importer.Problem{File: ps.doc.File, Line: m.Content[i].Line, Path: path,
				Msg: fmt.Sprintf("parameter %q is not declared by the template", name), Hint: hint})
			continue
		}
		vk, v := lookupKey(m.Content[i+1], "value")
		if v == nil {
			continue
		}
		for _, decl := range decls {
			if p := checkValue(ps.doc, design.Field(path, vk), name, decl, v, false); p != nil {
				c.probs = append(c.probs, *p)
				break
			}
		}
	}
}

// checkDefaults checks the literal defaultValues of a template's
// parameters against their types and allowedValues.
func (c *conv) checkDefaults(sc *scope) {
	base, params := sc.section("parameters")
	if params == nil {
		return
	}
	for i := 0; i+1 < len(params.Content); i += 2 {
		name, decl := params.Content[i].Value, params.Content[i+1]
		if decl.Kind != yaml.MappingNode {
			c.probs = append(c.probs, importer.Problem{File: sc.tmpl.File, Line: decl.Line, Path: design.Field(base, name),
				Msg: fmt.Sprintf("parameter %q: want an object with a type, got %s", name, kindName(decl)), Hint: `write "` + name + `": { "type": "string" }`})
			continue
		}
		dk, def := lookupKey(decl, "defaultValue")
		if def == nil {
			continue
		}
		if p := checkValue(sc.tmpl, design.Field(design.Field(base, name), dk), name, decl, def, true); p != nil {
			c.probs = append(c.probs, *p)
		}
	}
}

// checkValue checks a parameter value against the declaration's type and
// allowedValues; inTemplate values that are expressions are not checked.
func checkValue(doc *importer.Doc, path, name string, decl, v *yaml.Node, inTemplate bool) *importer.Problem {
	if inTemplate && v.Kind == yaml.ScalarNode && v.Tag == "!!str" && isExpr(v.Value) {
		return nil
	}
	_, tn := lookupKey(decl, "type")
	if tn == nil || tn.Kind != yaml.ScalarNode {
		return &importer.Problem{File: doc.File, Line: decl.Line, Path: path, Msg: fmt.Sprintf("parameter %q has no type", name),
			Hint: "declare its type: string, int, bool, object, array, securestring or secureObject"}
	}
	want := strings.ToLower(tn.Value)
	var ok bool
	switch want {
	case "string", "securestring":
		ok = v.Kind == yaml.ScalarNode && v.Tag == "!!str"
	case "int":
		ok = v.Kind == yaml.ScalarNode && v.Tag == "!!int"
	case "bool":
		ok = v.Kind == yaml.ScalarNode && v.Tag == "!!bool"
	case "object", "secureobject":
		ok = v.Kind == yaml.MappingNode
	case "array":
		ok = v.Kind == yaml.SequenceNode
	default:
		return &importer.Problem{File: doc.File, Line: tn.Line, Path: path, Msg: fmt.Sprintf("parameter %q has the unknown type %q", name, tn.Value),
			Hint: "use string, int, bool, object, array, securestring or secureObject"}
	}
	if !ok {
		return &importer.Problem{File: doc.File, Line: v.Line, Path: path,
			Msg:  fmt.Sprintf("parameter %q is declared %s but the value is %s", name, tn.Value, kindName(v)),
			Hint: typeHint(want)}
	}
	if _, allowed := lookupKey(decl, "allowedValues"); allowed != nil && allowed.Kind == yaml.SequenceNode && v.Kind == yaml.ScalarNode {
		var vals []string
		for _, a := range allowed.Content {
			if equal(a, v) {
				return nil
			}
			vals = append(vals, a.Value)
		}
		return &importer.Problem{File: doc.File, Line: v.Line, Path: path,
			Msg: fmt.Sprintf("parameter %q is %s, which its allowedValues do not list", name, kindName(v)), Hint: "allowed: " + strings.Join(vals, ", ")}
	}
	return nil
}

func typeHint(t string) string {
	switch t {
	case "int":
		return "write a number without quotes"
	case "bool":
		return "write true or false without quotes"
	case "object", "secureobject":
		return "write a JSON object"
	case "array":
		return "write a JSON list"
	}
	return "write a JSON string in quotes"
}

// closest returns the name in names nearest to s (by edit distance,
// ignoring case) when it is near enough to be a typo.
func closest(s string, names []string) string {
	best, bestD := "", 4
	for _, n := range names {
		if d := suggest.Distance(strings.ToLower(s), strings.ToLower(n)); d < bestD && d <= len(n)/2 {
			best, bestD = n, d
		}
	}
	return best
}

// region reads a resource's location; a location known only at deployment
// becomes UnknownRegion with a warning.
func (c *conv) region(r resource, designPath string) string {
	k, raw := lookupKey(r.v.node, "location")
	if raw == nil {
		c.warn(r.v, "set location on the resource", "resource %s has no location; region set to %q", r.name, UnknownRegion)
		c.record(designPath, r.v)
		return UnknownRegion
	}
	src := r.v.child(raw, design.Field(r.v.path, k))
	v, err := c.sc.resolve(src, 0)
	if err != nil {
		ee, ok := err.(*evalError)
		if !ok || !ee.unknown {
			c.failed(src, err)
			return ""
		}
		c.warn(src, "pass the region as a parameter to have region-dependent rules (private DNS zone names) checked",
			"location %s: %s; region set to %q", raw.Value, ee.msg, UnknownRegion)
		c.record(designPath, src)
		return UnknownRegion
	}
	s, ok := c.str(v, "location")
	if !ok {
		return ""
	}
	c.record(designPath, v)
	return s
}

// refName reads key (an object with an "id", e.g. routeTable) of obj and
// returns the name of the referenced resource of the given type.
func (c *conv) refName(obj value, key, provider string, types ...string) (string, value, bool) {
	id, v, ok := c.strAt(obj, key+".id")
	if !ok {
		return "", v, false
	}
	rid, ok := importer.ParseResourceID(id)
	if !ok || !rid.Is(provider, types...) {
		t := provider + "/" + strings.Join(types, "/")
		c.problem(v, "use [resourceId('"+t+"', NAME)]", "%s.id %q is not a %s resource ID", key, id, t)
		return "", v, false
	}
	return rid.Name(), v, true
}

// subnetRef reads a subnet resource ID at key of obj as "vnet/subnet".
func (c *conv) subnetRef(obj value, key string) (string, value, bool) {
	id, v, ok := c.strAt(obj, key)
	if !ok {
		return "", v, false
	}
	ref, ok := importer.SubnetRef(id)
	if !ok {
		c.problem(v, "use [resourceId('Microsoft.Network/virtualNetworks/subnets', VNET, SUBNET)]", "%s %q is not a subnet resource ID", key, id)
	}
	return ref, v, ok
}

// unknownSince reports whether a value was found unknown since mark, a
// snapshot of c.unknowns.
func (c *conv) unknownSince(mark int) bool { return c.unknowns > mark }

// skip records that an object is left out because a value it needs is
// unknown.
func (c *conv) skip(key string) { c.skipped[strings.ToLower(key)] = true }

func (c *conv) isSkipped(key string) bool { return c.skipped[strings.ToLower(key)] }

// subnetSkipped reports whether a vnet/subnet reference names a subnet (or
// a VNet) left out as unknown.
func (c *conv) subnetSkipped(ref string) bool {
	vnet, _, _ := strings.Cut(ref, "/")
	return ref != "" && (c.isSkipped("subnet/"+ref) || c.isSkipped("vnet/"+vnet))
}
