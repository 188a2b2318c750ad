package design

import (
	"strings"

	"github.com/aksnet/aksnet/finding"
)

// SourceMap maps a source path (such as "spec.vnets[0].subnets[1]") to where
// it was written. The zero SourceMap is empty and usable for reads.
type SourceMap map[string]finding.Location

// Locate returns the location of path, or of its nearest ancestor that has
// one. The returned location always carries path itself in its Path field
// when nothing better is known.
func (d *Design) Locate(path string) finding.Location {
	for p := path; p != ""; p = parentPath(p) {
		if loc, ok := d.Sources[p]; ok {
			if loc.Path == "" {
				loc.Path = path
			}
			return loc
		}
	}
	if loc, ok := d.Sources[""]; ok {
		loc.Path = path
		return loc
	}
	return finding.Location{Path: path}
}

// parentPath strips the last element of a path: "a.b[2]" -> "a.b" -> "a".
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

// Field joins an object path and a field name: Field("spec.vnets[0]", "name").
func Field(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Index appends an index to a path: Index("spec.vnets", 2) is "spec.vnets[2]".
func Index(path string, i int) string {
	return path + "[" + itoa(i) + "]"
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
