// Package designfile reads aksnet design documents (YAML or JSON, kind
// Design) strictly: unknown fields, duplicate keys, wrong types, malformed
// CIDRs, duplicate names and dangling references are all reported, each with
// its file and line, and all at once.
//
// Load takes bytes, not a path, so callers own the file I/O.
package designfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Limits that keep hostile or broken input from exhausting memory or time.
const (
	// MaxBytes is the largest design document accepted.
	MaxBytes = 8 << 20
	// MaxDepth is the deepest nesting accepted.
	MaxDepth = 64
	// MaxNodes is the most YAML nodes (after alias expansion) accepted.
	MaxNodes = 500_000
)

// Problem is one thing wrong with a design document.
type Problem struct {
	File string
	Line int
	// Path is the path of the offending value, such as spec.vnets[0].name.
	Path string
	Msg  string
	// Hint says how to fix it, when there is something useful to say.
	Hint string
}

// String formats the problem as "file:line: path: msg (hint)".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Error is returned by Load when the document cannot be used. It holds every
// problem found, in document order.
type Error struct {
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// Load parses and validates one design document. name is used in problems
// and in the design's source map (normally the file path as the user gave it).
func Load(name string, data []byte) (*design.Design, error) {
	d := &design.Design{}
	sources, perr := decodeDocument(name, data, design.Kind, d)
	if perr != nil {
		return nil, perr
	}
	d.Sources = sources
	if probs := design.Validate(d); len(probs) > 0 {
		return nil, locate(name, sources, probs)
	}
	return d, nil
}

// locate turns validation problems, which carry source paths, into located
// problems.
func locate(name string, sources design.SourceMap, probs []design.Problem) *Error {
	lookup := &design.Design{Sources: sources}
	out := make([]Problem, 0, len(probs))
	for _, p := range probs {
		loc := lookup.Locate(p.Path)
		out = append(out, Problem{File: name, Line: loc.Line, Path: p.Path, Msg: p.Msg, Hint: p.Hint})
	}
	sortProblems(out)
	return &Error{Problems: out}
}

// decodeDocument reads one YAML document of the given kind into target (a
// pointer to a struct with apiVersion, kind, metadata and spec) and returns
// the source map of every value it decoded.
func decodeDocument(name string, data []byte, kind string, target any) (design.SourceMap, *Error) {
	fail := func(line int, msg, hint string) (design.SourceMap, *Error) {
		return nil, &Error{Problems: []Problem{{File: name, Line: line, Msg: msg, Hint: hint}}}
	}
	if len(data) > MaxBytes {
		return fail(0, fmt.Sprintf("file is %d bytes; a %s document may be at most %d", len(data), kind, MaxBytes),
			"split it into several files")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(0, "file is empty", "a document starts with apiVersion: "+design.APIVersion+" and kind: "+kind)
	}
	docs, err := parseDocuments(data)
	if err != nil {
		// yaml.v3 leaves the line out when the problem's context starts on
		// the first line; its lines point at where the broken construct
		// began, so the message says "near".
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = yamlLine.ReplaceAllString(msg, "")
		msg = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(msg), ":"))
		return fail(line, "YAML syntax error near this line: "+msg, "check indentation, quoting and brackets here and on the lines just after")
	}
	if len(docs) != 1 {
		line := 0
		if len(docs) > 1 {
			line = docs[1].Line
		}
		return fail(line, fmt.Sprintf("file holds %d YAML documents; a %s file holds exactly one", len(docs), kind),
			"put each document in its own file")
	}
	root := docs[0]
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return fail(root.Line, "a "+kind+" document must be a mapping with apiVersion, kind, metadata and spec", "")
	}
	dec := &decoder{file: name, sources: design.SourceMap{}}
	if !dec.checkHeader(root, kind) {
		return nil, &Error{Problems: dec.problems}
	}
	dec.decode(root, reflect.ValueOf(target).Elem(), "", 0)
	if len(dec.problems) > 0 {
		return nil, &Error{Problems: dec.problems}
	}
	dec.sources[""] = finding.Location{File: name, Line: root.Line}
	return dec.sources, nil
}

// parseDocuments splits the input into YAML document nodes.
func parseDocuments(data []byte) (docs []*yaml.Node, err error) {
	// yaml.v3 panics on a few pathological inputs; turn that into an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: cannot parse document: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			return nil, err
		}
		docs = append(docs, &n)
	}
}

// checkHeader verifies apiVersion and kind before anything else, so a
// Kubernetes manifest or a document of the other kind gets a helpful
// message instead of a list of unknown fields.
func (dec *decoder) checkHeader(root *yaml.Node, want string) bool {
	var api, kind *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "apiVersion":
			api = root.Content[i+1]
		case "kind":
			kind = root.Content[i+1]
		}
	}
	ok := true
	if api == nil {
		dec.add(root.Line, "", "apiVersion is missing", "add apiVersion: "+design.APIVersion)
		ok = false
	} else if api.Value != design.APIVersion {
		dec.add(api.Line, "apiVersion", fmt.Sprintf("apiVersion %q is not supported", api.Value), "use "+design.APIVersion)
		ok = false
	}
	if kind == nil {
		dec.add(root.Line, "", "kind is missing", "add kind: "+want)
		ok = false
	} else if kind.Value != want {
		hint := kindHints[want]
		if h, found := kindHints[kind.Value]; found {
			hint = h
		}
		article := "a"
		if strings.ContainsRune("AEIOU", rune(want[0])) {
			article = "an"
		}
		dec.add(kind.Line, "kind", fmt.Sprintf("kind %q is not %s %s", kind.Value, article, want), hint)
		ok = false
	}
	return ok
}

// kindHints say which command reads which kind.
var kindHints = map[string]string{
	design.Kind:    "a Design document is read by aksnet check, capacity and simulate",
	"Requirements": "a Requirements document is read by aksnet plan",
}
