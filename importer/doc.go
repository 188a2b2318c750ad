// Package importer turns what users already have (az CLI JSON, and later
// ARM templates, Terraform plans and kubectl output) into aksnet designs.
//
// Each format is decoded into structs shaped like the source, then
// converted into design values; every converted value records where it came
// from (file, line and the JSON path in the user's file) in the design's
// source map, so findings point into the user's own files. Fields aksnet
// does not use are ignored (Azure adds fields all the time); fields it
// uses are type-checked, and a wrong type is a located problem.
package importer

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Problem is something in an input that stops it from being imported.
type Problem struct {
	File string
	Line int
	// Column is the column on Line, or 0 when the source format does not
	// locate values more finely than lines (JSON and YAML).
	Column int
	// Path is the JSON path in the source, e.g. properties.networkProfile.
	Path string
	Msg  string
	Hint string
}

func (p Problem) String() string {
	s := p.File
	if p.Line > 0 {
		s += ":" + strconv.Itoa(p.Line)
		if p.Column > 0 {
			s += ":" + strconv.Itoa(p.Column)
		}
	}
	s += ": "
	if p.Path != "" {
		s += p.Path + ": "
	}
	s += p.Msg
	if p.Hint != "" {
		s += " (" + p.Hint + ")"
	}
	return s
}

// Error holds every problem of one import.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Doc is a parsed JSON (or YAML) document that knows the line of every value.
type Doc struct {
	File string
	Root *yaml.Node
}

var lineRe = regexp.MustCompile(`line (\d+)`)

// MaxBytes is the largest input Parse accepts.
const MaxBytes = 64 << 20

// Parse parses JSON or YAML and keeps line numbers. JSON is read by the YAML
// parser, which accepts it and records positions.
func Parse(file string, data []byte) (doc *Doc, err error) {
	if len(data) > MaxBytes {
		return nil, &Error{Problems: []Problem{{File: file, Msg: fmt.Sprintf("file is %d bytes; aksnet reads az outputs of at most %d", len(data), MaxBytes),
			Hint: "export one resource group or resource per file"}}}
	}
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, &Error{Problems: []Problem{{File: file, Line: 1, Msg: fmt.Sprintf("cannot parse: %v", r)}}}
		}
	}()
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		line := 1
		if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimSpace(lineRe.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), ""))
		msg = strings.TrimSpace(strings.TrimPrefix(msg, ":"))
		return nil, &Error{Problems: []Problem{{File: file, Line: line, Msg: "not valid JSON or YAML near this line: " + msg,
			Hint: "pass the output of the az command with -o json, unmodified"}}}
	}
	n := &root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	return &Doc{File: file, Root: n}, nil
}

// Node returns the node at a path such as "properties.agentPoolProfiles[1].name",
// or nil.
func (d *Doc) Node(path string) *yaml.Node {
	n := d.Root
	for _, seg := range splitPath(path) {
		if n == nil {
			return nil
		}
		if seg.index >= 0 {
			if n.Kind != yaml.SequenceNode || seg.index >= len(n.Content) {
				return nil
			}
			n = n.Content[seg.index]
			continue
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg.key {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// Line returns the line of the value at path, or of its nearest ancestor.
func (d *Doc) Line(path string) int {
	for p := path; ; {
		if n := d.Node(p); n != nil {
			return n.Line
		}
		if p == "" {
			return 1
		}
		p = parent(p)
	}
}

// Locate returns the finding location of a source path.
func (d *Doc) Locate(path string) finding.Location {
	return finding.Location{File: d.File, Line: d.Line(path), Path: path}
}

// Decode decodes the value at path into v (a pointer). Source structs name
// their fields with yaml tags spelled exactly as the JSON keys
// (`yaml:"networkProfile"`). A type mismatch is a located problem.
func (d *Doc) Decode(path string, v any) *Problem {
	n := d.Node(path)
	if n == nil {
		return &Problem{File: d.File, Line: d.Line(path), Path: path, Msg: "value is missing"}
	}
	if err := n.Decode(v); err != nil {
		return &Problem{File: d.File, Line: n.Line, Path: path, Msg: "unexpected shape: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return nil
}

// Record notes in the design's source map that the value at design path
// designPath came from source path srcPath of this document.
func (d *Doc) Record(des *design.Design, designPath, srcPath string) {
	if des.Sources == nil {
		des.Sources = design.SourceMap{}
	}
	des.Sources[designPath] = d.Locate(srcPath)
}

type segment struct {
	key   string
	index int
}

func splitPath(path string) []segment {
	var out []segment
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		key := part
		var idx []int
		for {
			i := strings.IndexByte(key, '[')
			if i < 0 || !strings.HasSuffix(key, "]") {
				break
			}
			// peel indexes from the end: a[1][2]
			j := strings.LastIndexByte(key, '[')
			n, err := strconv.Atoi(key[j+1 : len(key)-1])
			if err != nil {
				break
			}
			idx = append([]int{n}, idx...)
			key = key[:j]
		}
		if key != "" {
			out = append(out, segment{key: key, index: -1})
		}
		for _, n := range idx {
			out = append(out, segment{index: n})
		}
	}
	return out
}

func parent(p string) string {
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
