package designfile

import (
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/internal/suggest"
)

// decoder walks a YAML node tree and fills design types by reflection,
// using their json tags as field names. It never stops at the first
// problem: it records each one with its line and carries on.
type decoder struct {
	file     string
	sources  design.SourceMap
	problems []Problem
	nodes    int
	overflow bool
}

func (dec *decoder) add(line int, path, msg, hint string) {
	if len(dec.problems) >= 200 {
		return
	}
	dec.problems = append(dec.problems, Problem{File: dec.file, Line: line, Path: path, Msg: msg, Hint: hint})
}

type enum interface{ EnumValues() []string }

var (
	prefixType = reflect.TypeFor[netip.Prefix]()
	addrType   = reflect.TypeFor[netip.Addr]()
	enumType   = reflect.TypeFor[enum]()
)

// decode fills v from n. path is the source path of n.
func (dec *decoder) decode(n *yaml.Node, v reflect.Value, path string, depth int) {
	if dec.overflow {
		return
	}
	dec.nodes++
	if dec.nodes > MaxNodes {
		dec.overflow = true
		dec.add(n.Line, path, fmt.Sprintf("document has more than %d values (after expanding aliases)", MaxNodes), "a design this large is almost certainly generated wrongly; split it")
		return
	}
	if depth > MaxDepth {
		dec.overflow = true
		dec.add(n.Line, path, fmt.Sprintf("document is nested more than %d levels deep", MaxDepth), "the design format is at most a few levels deep; check the indentation")
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			dec.add(n.Line, path, "alias refers to nothing", "")
			return
		}
		dec.decode(n.Alias, v, path, depth+1)
		return
	}
	if _, ok := dec.sources[path]; !ok && path != "" {
		dec.sources[path] = finding.Location{File: dec.file, Line: n.Line, Path: path}
	}
	if isNull(n) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			return
		}
		dec.add(n.Line, path, "value is empty", "give a value or remove the field")
		return
	}
	t := v.Type()
	switch {
	case t == prefixType:
		s, ok := dec.scalar(n, path, "a CIDR such as 10.0.0.0/16")
		if !ok {
			return
		}
		p, err := cidr.ParsePrefix(s)
		if err != nil {
			dec.add(n.Line, path, err.Error(), "")
			return
		}
		v.Set(reflect.ValueOf(p))
		return
	case t == addrType:
		s, ok := dec.scalar(n, path, "an IP address such as 10.0.0.10")
		if !ok {
			return
		}
		a, err := cidr.ParseAddr(s)
		if err != nil {
			dec.add(n.Line, path, err.Error(), "")
			return
		}
		v.Set(reflect.ValueOf(a))
		return
	case t.Kind() == reflect.String && t.Implements(enumType):
		s, ok := dec.scalar(n, path, "a string")
		if !ok {
			return
		}
		allowed := reflect.Zero(t).Interface().(enum).EnumValues()
		if !slices.Contains(allowed, s) {
			dec.add(n.Line, path, fmt.Sprintf("%q is not allowed", s), enumHint(s, allowed))
			return
		}
		v.SetString(s)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(t.Elem())
		dec.decode(n, nv.Elem(), path, depth+1)
		v.Set(nv)
	case reflect.Struct:
		dec.decodeStruct(n, v, path, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			dec.add(n.Line, path, "expected a list", "write a YAML list, e.g. [a, b] or one '- item' per line")
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			dec.decode(item, s.Index(i), design.Index(path, i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode || t.Key().Kind() != reflect.String {
			dec.add(n.Line, path, "expected a mapping of names to values", "")
			return
		}
		m := reflect.MakeMap(t)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if prev, dup := seen[k.Value]; dup {
				dec.add(k.Line, design.Field(path, k.Value), fmt.Sprintf("key %q appears twice (first on line %d)", k.Value, prev), "remove one of them")
				continue
			}
			seen[k.Value] = k.Line
			ev := reflect.New(t.Elem()).Elem()
			dec.decode(val, ev, design.Field(path, k.Value), depth+1)
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), ev)
		}
		v.Set(m)
	case reflect.String:
		s, ok := dec.scalar(n, path, "a string")
		if ok {
			v.SetString(s)
		}
	case reflect.Bool:
		s, ok := dec.scalar(n, path, "true or false")
		if !ok {
			return
		}
		switch s {
		case "true", "True", "TRUE":
			v.SetBool(true)
		case "false", "False", "FALSE":
			v.SetBool(false)
		default:
			dec.add(n.Line, path, fmt.Sprintf("%q is not a boolean", s), "write true or false")
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		s, ok := dec.scalar(n, path, "a whole number")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
		if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
			dec.add(n.Line, path, fmt.Sprintf("%q is not a whole number in range", s), "write a whole number such as 3")
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		s, ok := dec.scalar(n, path, "a number")
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			dec.add(n.Line, path, fmt.Sprintf("%q is not a number", s), "write a number such as 1.5")
			return
		}
		v.SetFloat(f)
	default:
		dec.add(n.Line, path, "internal: cannot decode into "+t.String(), "")
	}
}

// scalar returns the text of a scalar node, reporting anything else.
func (dec *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		what := "a list"
		if n.Kind == yaml.MappingNode {
			what = "a mapping"
		}
		dec.add(n.Line, path, fmt.Sprintf("expected %s, found %s", want, what), "")
		return "", false
	}
	return n.Value, true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

type fieldInfo struct {
	index    int
	name     string
	required bool
}

// fields lists the decodable fields of a struct type by json name.
func fields(t reflect.Type) (map[string]fieldInfo, int) {
	out := map[string]fieldInfo{}
	pathField := -1
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			if f.Name == "Path" && f.Type.Kind() == reflect.String {
				pathField = i
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || !f.IsExported() {
			continue
		}
		out[name] = fieldInfo{index: i, name: name, required: !strings.Contains(opts, "omit")}
	}
	return out, pathField
}

func (dec *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		dec.add(n.Line, path, "expected a mapping of fields", "")
		return
	}
	fs, pathField := fields(v.Type())
	if pathField >= 0 {
		v.Field(pathField).SetString(path)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := k.Value
		fpath := design.Field(path, key)
		if k.Kind != yaml.ScalarNode {
			dec.add(k.Line, path, "a field name must be a plain string", "")
			continue
		}
		if key == "<<" {
			dec.add(k.Line, path, "YAML merge keys (<<) are not supported in designs", "write the fields out, or use an anchor on a whole value")
			continue
		}
		if prev, dup := seen[key]; dup {
			dec.add(k.Line, fpath, fmt.Sprintf("field %q appears twice (first on line %d)", key, prev), "remove one of them")
			continue
		}
		seen[key] = k.Line
		fi, ok := fs[key]
		if !ok {
			dec.add(k.Line, fpath, fmt.Sprintf("unknown field %q", key), fieldHint(key, fs))
			continue
		}
		dec.sources[fpath] = finding.Location{File: dec.file, Line: k.Line, Path: fpath}
		dec.decode(val, v.Field(fi.index), fpath, depth+1)
	}
	var missing []string
	for name, fi := range fs {
		if _, ok := seen[name]; !ok && fi.required {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		dec.add(n.Line, design.Field(path, name), fmt.Sprintf("required field %q is missing", name), "")
	}
}

func fieldHint(key string, fs map[string]fieldInfo) string {
	names := make([]string, 0, len(fs))
	for name := range fs {
		names = append(names, name)
	}
	slices.Sort(names)
	if best := closest(key, names); best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "allowed fields: " + strings.Join(names, ", ")
}

func enumHint(s string, allowed []string) string {
	var shown []string
	for _, a := range allowed {
		if a != "" {
			shown = append(shown, a)
		}
	}
	for _, a := range shown {
		if strings.EqualFold(a, s) {
			return fmt.Sprintf("did you mean %q? values are case-sensitive", a)
		}
	}
	if best := closest(s, shown); best != "" {
		return fmt.Sprintf("did you mean %q? allowed: %s", best, strings.Join(shown, ", "))
	}
	return "allowed: " + strings.Join(shown, ", ")
}

// closest returns the candidate within edit distance 2 (or a third of the
// word) of s, or "".
func closest(s string, candidates []string) string {
	return suggest.Closest(s, candidates, max(2, len(s)/3))
}

func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
}
