// Package manifests reads Kubernetes manifests for NetworkPolicy analysis:
// multi-document YAML (as kubectl apply and helm template write it), JSON
// (one object, several concatenated objects, or a List as
// `kubectl get ... -o json` prints it), and folders of such files.
//
// Objects are decoded with the k8s.io/api types into [netpol.Object] values
// that remember the file and line they came from. Namespaces, Pods,
// workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets,
// ReplicationControllers, Jobs, CronJobs), Services and NetworkPolicies are
// kept; documents that are not Kubernetes objects, and objects of other
// kinds, are skipped with a [Warning] naming file and line. Malformed YAML
// or JSON, and objects whose fields have the wrong type, are an [*Error]
// with file and line.
package manifests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/aksnet/aksnet/netpol"
)

// MaxBytes is the largest file Decode accepts.
const MaxBytes = 256 << 20

// Error is an input that cannot be read: malformed YAML or JSON, or a
// Kubernetes object whose fields have the wrong type.
type Error struct {
	File string
	Line int // 0 when unknown
	Msg  string
	Hint string
}

func (e *Error) Error() string {
	s := netpol.Source{File: e.File, Line: e.Line}.String() + ": " + e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Warning is a document that was skipped.
type Warning struct {
	File string
	Line int
	Msg  string
}

func (w Warning) String() string {
	return netpol.Source{File: w.File, Line: w.Line}.String() + ": " + w.Msg
}

// Decode reads one file's content. name is used in sources, warnings and
// errors. It returns the objects in the order they appear.
func Decode(name string, data []byte) ([]netpol.Object, []Warning, error) {
	d := &decoder{file: name}
	if err := d.decode(data); err != nil {
		return nil, nil, err
	}
	return d.objs, d.warns, nil
}

type decoder struct {
	file  string
	objs  []netpol.Object
	warns []Warning
}

func (d *decoder) errorf(line int, hint, format string, args ...any) *Error {
	return &Error{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func (d *decoder) warnf(line int, format string, args ...any) {
	d.warns = append(d.warns, Warning{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) decode(data []byte) error {
	if len(data) > MaxBytes {
		return d.errorf(0, "split the input into several files", "file is %d bytes; aksnet reads at most %d", len(data), MaxBytes)
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return d.errorf(1, "write it as UTF-8, for example with | Out-File -Encoding utf8", "the file is UTF-16 (as Windows PowerShell's > writes it)")
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(data) {
		return d.errorf(lineAt(data, invalidUTF8(data)), "", "the file is not UTF-8 text")
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return d.decodeJSONStream(data)
	}
	return d.decodeYAMLStream(data, 0)
}

// decodeJSONStream reads one or more concatenated JSON values. Each value
// is then parsed by the YAML parser (JSON is YAML) to learn the line of
// every field.
func (d *decoder) decodeJSONStream(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		start := dec.InputOffset()
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			off := start
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return d.errorf(lineAt(data, int(off)), "", "not valid JSON near this line: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		// raw starts after any whitespace that preceded the value.
		first := int(start) + len(data[start:]) - len(bytes.TrimLeft(data[start:], " \t\r\n"))
		if err := d.decodeYAMLStream(raw, lineAt(data, first)-1); err != nil {
			return err
		}
	}
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// decodeYAMLStream reads every document of a YAML stream. lineOffset is
// added to every line (for JSON values found inside a larger file).
func (d *decoder) decodeYAMLStream(data []byte, lineOffset int) (err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; never let it take
		// the program down.
		if r := recover(); r != nil {
			err = d.errorf(lineOffset+1, "", "cannot parse: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			line := 1
			if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
				line, _ = strconv.Atoi(m[1])
			}
			msg := strings.TrimSpace(yamlLineRe.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), ""))
			msg = strings.TrimSpace(strings.TrimPrefix(msg, ":"))
			hint := ""
			if bytes.Contains(data, []byte("{{")) {
				hint = "this looks like an unrendered Helm template; render it with helm template first"
			}
			return d.errorf(line+lineOffset, hint, "not valid YAML near this line: %s", msg)
		}
		n := &doc
		if n.Kind == yaml.DocumentNode {
			if len(n.Content) == 0 {
				continue // a document holding only comments
			}
			n = n.Content[0]
		}
		if err := d.document(n, lineOffset); err != nil {
			return err
		}
	}
}

// document handles one YAML document or List item.
func (d *decoder) document(n *yaml.Node, lineOffset int) error {
	line := n.Line + lineOffset
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // "---" followed by nothing
	}
	if n.Kind == yaml.SequenceNode && isJSONArray(n) {
		// A JSON array of objects: treat its elements as documents.
		for _, item := range n.Content {
			if err := d.document(item, lineOffset); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.warnf(line, "skipped: not a Kubernetes object (the document is not a mapping)")
		return nil
	}
	apiVersion, kind := scalarField(n, "apiVersion"), scalarField(n, "kind")
	if apiVersion == "" || kind == "" {
		d.warnf(line, "skipped: not a Kubernetes object (no apiVersion and kind)")
		return nil
	}
	if items := field(n, "items"); strings.HasSuffix(kind, "List") && items != nil {
		if items.Kind == yaml.ScalarNode && items.Tag == "!!null" {
			return nil
		}
		if items.Kind != yaml.SequenceNode {
			return d.errorf(items.Line+lineOffset, "", "%s: items must be a list", kind)
		}
		itemKind := strings.TrimSuffix(kind, "List")
		for _, item := range items.Content {
			if item.Kind == yaml.MappingNode && scalarField(item, "kind") == "" && itemKind != "" {
				// Typed lists (PodList, ...) may leave kind out of their items.
				item = withField(item, "kind", itemKind)
				if scalarField(item, "apiVersion") == "" {
					item = withField(item, "apiVersion", apiVersion)
				}
			}
			if err := d.document(item, lineOffset); err != nil {
				return err
			}
		}
		return nil
	}
	obj := newObject(apiVersion, kind)
	if obj == nil {
		name := scalarField(field(n, "metadata"), "name")
		if ns := scalarField(field(n, "metadata"), "namespace"); ns != "" {
			name = ns + "/" + name
		}
		if name != "" {
			name = " " + name
		}
		d.warnf(line, "skipped %s%s (%s): not used by NetworkPolicy analysis", kind, name, apiVersion)
		return nil
	}
	if err := d.decodeInto(n, obj, lineOffset); err != nil {
		return err
	}
	d.objs = append(d.objs, netpol.Object{Source: netpol.Source{File: d.file, Line: line}, Obj: obj})
	return nil
}

// isJSONArray reports whether a sequence node is written in flow style, as
// JSON arrays are.
func isJSONArray(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }

// decodeInto converts the node to JSON and decodes it into obj.
func (d *decoder) decodeInto(n *yaml.Node, obj runtime.Object, lineOffset int) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return d.errorf(n.Line+lineOffset, "", "cannot read the object: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	v, err := jsonable(v)
	if err != nil {
		return d.errorf(n.Line+lineOffset, "", "%v", err)
	}
	js, err := json.Marshal(v)
	if err != nil {
		return d.errorf(n.Line+lineOffset, "", "cannot read the object: %v", err)
	}
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if err := json.Unmarshal(js, obj); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			line := lineOf(n, strings.Split(te.Field, "."), te.Value)
			return d.errorf(line+lineOffset, "", "%s %s: %s is %s, expected %s", kind, objName(n), te.Field, te.Value, jsonType(te.Type.String()))
		}
		return d.errorf(n.Line+lineOffset, "", "%s %s: %s", kind, objName(n), strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func jsonType(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "an integer"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map[") || strings.Contains(goType, "."):
		return "a mapping"
	}
	return goType
}

func objName(n *yaml.Node) string {
	md := field(n, "metadata")
	name := scalarField(md, "name")
	if ns := scalarField(md, "namespace"); ns != "" {
		return ns + "/" + name
	}
	if name == "" {
		return "(unnamed)"
	}
	return name
}

// jsonable turns what yaml.v3 decodes into values encoding/json accepts:
// mappings with non-string keys get their keys formatted as strings, as
// Kubernetes' own YAML reader does.
func jsonable(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			t[k] = c
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			switch k.(type) {
			case string, int, int64, uint64, float64, bool:
			default:
				return nil, fmt.Errorf("a mapping key is itself a list or mapping, which Kubernetes objects never have")
			}
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = c
		}
		return m, nil
	case []any:
		for i, e := range t {
			c, err := jsonable(e)
			if err != nil {
				return nil, err
			}
			t[i] = c
		}
		return t, nil
	case float64:
		if t != t || t > 1e308 || t < -1e308 { // NaN, .inf
			return nil, fmt.Errorf("a number is NaN or infinite, which JSON cannot hold")
		}
	}
	return v, nil
}

// newObject returns an empty typed object for the kinds the analysis uses,
// or nil. The API group decides: a Deployment of some other group is a
// custom resource, not a workload.
func newObject(apiVersion, kind string) runtime.Object {
	group := ""
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		group = apiVersion[:i]
	}
	var obj runtime.Object
	switch {
	case group == "" && apiVersion == "v1":
		switch kind {
		case "Namespace":
			obj = &corev1.Namespace{}
		case "Pod":
			obj = &corev1.Pod{}
		case "ReplicationController":
			obj = &corev1.ReplicationController{}
		case "Service":
			obj = &corev1.Service{}
		}
	case group == "apps" || group == "extensions":
		switch kind {
		case "Deployment":
			obj = &appsv1.Deployment{}
		case "StatefulSet":
			obj = &appsv1.StatefulSet{}
		case "DaemonSet":
			obj = &appsv1.DaemonSet{}
		case "ReplicaSet":
			obj = &appsv1.ReplicaSet{}
		case "NetworkPolicy":
			if group == "extensions" {
				obj = &networkingv1.NetworkPolicy{}
			}
		}
	case group == "batch":
		switch kind {
		case "Job":
			obj = &batchv1.Job{}
		case "CronJob":
			obj = &batchv1.CronJob{}
		}
	case group == "networking.k8s.io":
		if kind == "NetworkPolicy" {
			obj = &networkingv1.NetworkPolicy{}
		}
	}
	if obj != nil {
		obj.GetObjectKind().SetGroupVersionKind(schema.FromAPIVersionAndKind(apiVersion, kind))
	}
	return obj
}

func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			v := n.Content[i+1]
			if v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

func scalarField(n *yaml.Node, key string) string {
	v := field(n, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

// withField returns a copy of mapping n with key set to a string value.
func withField(n *yaml.Node, key, value string) *yaml.Node {
	c := *n
	c.Content = append([]*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: n.Line},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Line: n.Line},
	}, n.Content...)
	return &c
}

// lineOf finds the line of the value at a JSON field path (as
// encoding/json reports it, without list indexes) whose JSON type is
// jsonKind ("string", "number", "array", ...): in a list, the item that
// has the wrong type. Failing that, it returns the line of the nearest
// ancestor.
func lineOf(n *yaml.Node, path []string, jsonKind string) int {
	line, _ := resolve(n, path, jsonKind)
	return line
}

// resolve walks path from n. found is true when the whole path exists and
// ends at a value of jsonKind; otherwise line is that of the deepest node
// reached.
func resolve(n *yaml.Node, path []string, jsonKind string) (line int, found bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if len(path) == 0 {
		return n.Line, jsonKindOf(n) == jsonKind
	}
	switch n.Kind {
	case yaml.MappingNode:
		if v := field(n, path[0]); v != nil {
			return resolve(v, path[1:], jsonKind)
		}
	case yaml.SequenceNode:
		best := n.Line
		for _, item := range n.Content {
			l, ok := resolve(item, path, jsonKind)
			if ok {
				return l, true
			}
			if best == n.Line {
				best = l
			}
		}
		return best, false
	}
	return n.Line, false
}

// jsonKindOf names the JSON type of a node as encoding/json's errors do.
func jsonKindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "array"
	case yaml.MappingNode:
		return "object"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			return "number"
		case "!!bool":
			return "bool"
		case "!!null":
			return "null"
		}
		return "string"
	}
	return ""
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}
