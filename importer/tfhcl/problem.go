package tfhcl

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/aksnet/aksnet/importer"
)

// problem is an importer.Problem that also knows its column.
type problem struct {
	File      string
	Line, Col int
	// Path is the Terraform address of what the problem is about, such
	// as azurerm_subnet.nodes.address_prefixes[0].
	Path string
	Msg  string
	Hint string
}

// export turns a problem into an importer.Problem.
func (p problem) export() importer.Problem {
	return importer.Problem{File: p.File, Line: p.Line, Column: p.Col, Path: p.Path, Msg: p.Msg, Hint: p.Hint}
}

func atRange(r hcl.Range, path, msg, hint string) problem {
	return problem{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column, Path: path, Msg: msg, Hint: hint}
}

// diagProblems turns HCL error diagnostics into problems.
func diagProblems(diags hcl.Diagnostics, path, hint string) []problem {
	var out []problem
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		var r hcl.Range
		switch {
		case d.Subject != nil:
			r = *d.Subject
		case d.Context != nil:
			r = *d.Context
		}
		out = append(out, atRange(r, path, diagText(d), hint))
	}
	return out
}

func diagText(d *hcl.Diagnostic) string {
	msg := strings.TrimSuffix(d.Summary, ".")
	if det := strings.Join(strings.Fields(d.Detail), " "); det != "" {
		msg += ": " + det
	}
	return msg
}

func sortProblems(ps []problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

func exportAll(ps []problem) []importer.Problem {
	if len(ps) == 0 {
		return nil
	}
	out := make([]importer.Problem, len(ps))
	for i, p := range ps {
		out[i] = p.export()
	}
	return out
}
