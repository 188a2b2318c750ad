// Package rules is the catalogue of AKS network design rules that
// `aksnet check` runs. Each rule lives in its own file, has a stable
// kebab-case ID that CI pipelines pin, and is listed in registry.go.
//
// Rules take a validated design and return findings. They do no I/O.
package rules

import (
	"fmt"
	"path"
	"regexp"
	"slices"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Rule is one check. All fields except Check are documentation that `aksnet
// rules`, `aksnet explain` and docs/rules.md show.
type Rule struct {
	// ID is the stable kebab-case identifier. Never rename it.
	ID string
	// Title is a one-line summary.
	Title string
	// Severity is the severity of the rule's findings unless a finding says
	// otherwise.
	Severity finding.Severity
	// Doc explains, in a paragraph, why the problem matters.
	Doc string
	// Remediation says how to fix it; it ends with a period.
	Remediation string
	// Sources are links to the documentation the rule rests on.
	Sources []string
	// Check inspects the design and reports through the pass.
	Check func(p *Pass)
}

// Issue is what a rule reports. Zero Severity and empty Remediation take
// the rule's own.
type Issue struct {
	Subject     string
	Path        string
	Message     string
	Severity    finding.Severity
	Remediation string
}

// Pass is one rule's run over one design.
type Pass struct {
	Design *design.Design
	rule   *Rule
	out    []finding.Finding
	memo   map[string]any
}

// Memo returns the value build computes for key, computing it once per
// design: rules that need the same derived data (the capacity analysis,
// the overlap index) share it within one Run. build must depend only on
// the design.
func (p *Pass) Memo(key string, build func() any) any {
	if v, ok := p.memo[key]; ok {
		return v
	}
	v := build()
	p.memo[key] = v
	return v
}

// Report records an issue as a finding of the running rule.
func (p *Pass) Report(is Issue) {
	f := finding.Finding{
		Rule:        p.rule.ID,
		Severity:    is.Severity,
		Subject:     is.Subject,
		Message:     is.Message,
		Remediation: is.Remediation,
		Location:    p.Design.Locate(is.Path),
	}
	if f.Severity == 0 {
		f.Severity = p.rule.Severity
	}
	if f.Remediation == "" {
		f.Remediation = p.rule.Remediation
	}
	p.out = append(p.out, f)
}

// Reportf is Report with a formatted message and the rule's severity.
func (p *Pass) Reportf(subject, path, format string, args ...any) {
	p.Report(Issue{Subject: subject, Path: path, Message: fmt.Sprintf(format, args...)})
}

// RunRule runs one rule over a design and returns its findings, unfiltered.
func RunRule(r *Rule, d *design.Design) []finding.Finding {
	return runRule(r, d, map[string]any{})
}

func runRule(r *Rule, d *design.Design, memo map[string]any) []finding.Finding {
	p := &Pass{Design: d, rule: r, memo: memo}
	r.Check(p)
	return p.out
}

// Options tune Run.
type Options struct {
	// Ignore lists rule IDs not to run.
	Ignore []string
}

// Result is the outcome of Run.
type Result struct {
	Findings []finding.Finding
	// Suppressed are findings that a suppression in the design accepted.
	Suppressed []Suppressed
}

// Suppressed is a finding with the reason it was accepted.
type Suppressed struct {
	Finding finding.Finding `json:"finding"`
	Reason  string          `json:"reason"`
}

// Run runs every registered rule not ignored, applies the design's
// suppressions, and returns the findings sorted.
func Run(d *design.Design, opts Options) Result {
	var res Result
	memo := map[string]any{}
	for _, r := range All() {
		if slices.Contains(opts.Ignore, r.ID) {
			continue
		}
	next:
		for _, f := range runRule(r, d, memo) {
			for _, s := range d.Spec.Suppressions {
				if s.Rule == f.Rule && (s.Subject == "" || matchSubject(s.Subject, f.Subject)) {
					res.Suppressed = append(res.Suppressed, Suppressed{Finding: f, Reason: s.Reason})
					continue next
				}
			}
			res.Findings = append(res.Findings, f)
		}
	}
	finding.Sort(res.Findings)
	return res
}

func matchSubject(pattern, subject string) bool {
	if pattern == subject {
		return true
	}
	ok, err := path.Match(pattern, subject)
	return err == nil && ok
}

// Lookup returns the rule with the given ID, or nil.
func Lookup(id string) *Rule {
	for _, r := range All() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is a well-formed kebab-case rule ID.
func ValidID(id string) bool { return idPattern.MatchString(id) }
