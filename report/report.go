// Package report renders the outcome of `aksnet check` for people and for
// machines: plain or coloured text for a terminal, a stable JSON contract,
// SARIF 2.1.0 for code-scanning services, JUnit XML for CI dashboards and
// Markdown for pull-request comments. It also generates docs/rules.md from
// the rule catalogue.
//
// Renderers write to the io.Writer they are given; they never open files or
// write to the process's standard streams.
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/rules"
)

// Input is everything a renderer needs.
type Input struct {
	// Tool is the name of the tool ("aksnet"); empty means "aksnet".
	Tool string
	// Version is the tool's version string, such as "0.4.1" or "dev".
	Version string
	// Files are the input files checked, as the user gave them.
	Files []string
	// Findings are the findings to report, already sorted.
	Findings []finding.Finding
	// Suppressed are findings that a suppression accepted, with the reasons.
	Suppressed []rules.Suppressed
	// Rules is the catalogue of rules that ran. It supplies the rule
	// metadata for SARIF and JUnit and may include rules with no findings.
	Rules []*rules.Rule
	// FailOn is the severity at or above which the check fails; zero means
	// no threshold is shown.
	FailOn finding.Severity
}

// DefaultTool is the tool name used when Input.Tool is empty.
const DefaultTool = "aksnet"

// InformationURI is the project's home page, used in SARIF output.
const InformationURI = "https://github.com/aksnet/aksnet"

func (in Input) tool() string {
	if in.Tool == "" {
		return DefaultTool
	}
	return in.Tool
}

// formats lists the renderers in the order Formats reports them.
var formats = []struct {
	name   string
	render func(io.Writer, Input) error
}{
	{"text", func(w io.Writer, in Input) error { return Text(w, in, TextOptions{}) }},
	{"json", JSON},
	{"sarif", SARIF},
	{"junit", JUnit},
	{"markdown", func(w io.Writer, in Input) error { return Markdown(w, in, MarkdownOptions{}) }},
}

// Formats returns the names of the output formats Render accepts.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

// Render writes in to w in the named format, using each renderer's default
// options (text without colour, Markdown without extra sections).
func Render(format string, w io.Writer, in Input) error {
	name := strings.ToLower(strings.TrimSpace(format))
	for _, f := range formats {
		if f.name == name {
			return f.render(w, in)
		}
	}
	return fmt.Errorf("unknown output format %q: use one of %s", format, strings.Join(Formats(), ", "))
}

// summary holds the counts every renderer shows.
type summary struct {
	errors, warnings, infos, suppressed int
	failOn                              finding.Severity
	failing                             int // findings at or above failOn
}

func summarize(in Input) summary {
	s := summary{suppressed: len(in.Suppressed), failOn: in.FailOn}
	s.errors, s.warnings, s.infos = finding.Counts(in.Findings)
	if validSeverity(in.FailOn) {
		s.failing = finding.CountAtLeast(in.Findings, in.FailOn)
	}
	return s
}

func (s summary) total() int { return s.errors + s.warnings + s.infos }

// counts formats "3 errors, 2 warnings, 1 info; 1 suppressed", or
// "no findings" (with "; N suppressed" when any were accepted).
func (s summary) counts() string {
	var b strings.Builder
	if s.total() == 0 {
		b.WriteString("no findings")
	} else {
		b.WriteString(plural(s.errors, "error", "errors"))
		b.WriteString(", ")
		b.WriteString(plural(s.warnings, "warning", "warnings"))
		b.WriteString(", ")
		b.WriteString(plural(s.infos, "info", "info"))
	}
	if s.suppressed > 0 {
		b.WriteString("; ")
		b.WriteString(strconv.Itoa(s.suppressed))
		b.WriteString(" suppressed")
	}
	return b.String()
}

// threshold formats "2 findings at or above error", or "" when no
// threshold is set.
func (s summary) threshold() string {
	if !validSeverity(s.failOn) {
		return ""
	}
	return plural(s.failing, "finding", "findings") + " at or above " + s.failOn.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func validSeverity(s finding.Severity) bool { return s >= finding.Info && s <= finding.Error }

// severityName is the lower-case severity name used in every output.
func severityName(s finding.Severity) string { return s.String() }

// locationText formats a location for people: "file:line", "file",
// "line N", or the document path; "-" when nothing is known.
func locationText(l finding.Location) string {
	if s := l.String(); s != "" {
		return s
	}
	return "-"
}

// errWriter remembers the first write error so that renderers can write
// freely and check once at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

func (e *errWriter) print(a ...string) {
	for _, s := range a {
		if e.err != nil {
			return
		}
		_, _ = io.WriteString(e, s)
	}
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err != nil {
		return
	}
	_, _ = fmt.Fprintf(e, format, a...)
}

// result wraps a write error so the caller knows which renderer failed.
func (e *errWriter) result(format string) error {
	if e.err != nil {
		return fmt.Errorf("write %s report: %w", format, e.err)
	}
	return nil
}

// ruleIndex maps rule IDs to their position in in.Rules.
func ruleIndex(rs []*rules.Rule) map[string]int {
	m := make(map[string]int, len(rs))
	for i, r := range rs {
		if r == nil {
			continue
		}
		if _, dup := m[r.ID]; !dup {
			m[r.ID] = i
		}
	}
	return m
}
