// Package finding defines what a check reports: a Finding names the rule that
// raised it, how severe it is, what object it is about, where that object was
// written down, what is wrong and how to fix it.
//
// Findings are data. A rule that finds a problem returns a Finding; an error
// from a rule means the rule could not evaluate the design at all.
package finding

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity ranks findings. The zero Severity is invalid; the order is
// Info < Warning < Error so that thresholds compare with >=.
type Severity int

// The three severities, lowest first.
const (
	Info Severity = iota + 1
	Warning
	Error
)

// String returns "info", "warning" or "error" (or "invalid").
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "invalid"
}

// ParseSeverity turns "error", "warning" or "info" into a Severity.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("unknown severity %q: use error, warning or info", s)
}

// MarshalText encodes the severity as its lower-case name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Error {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Location says where the subject of a finding was written down. File is
// empty for designs that were built in memory; Line is 1-based and 0 when
// unknown; Path is the path of the value inside the source document (a YAML or
// JSON path such as spec.clusters[0].network.serviceCidrs[0]).
type Location struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Path string `json:"path,omitempty"`
}

// String formats the location as file:line, falling back to whatever is known.
func (l Location) String() string {
	switch {
	case l.File != "" && l.Line > 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	case l.File != "":
		return l.File
	case l.Line > 0:
		return fmt.Sprintf("line %d", l.Line)
	}
	return l.Path
}

// Finding is one problem a rule found in a design.
type Finding struct {
	// Rule is the stable kebab-case ID of the rule that raised the finding.
	Rule string `json:"rule"`
	// Severity is the rule's severity, or a different one when the rule
	// grades its findings (for example a warning for a near miss).
	Severity Severity `json:"severity"`
	// Subject names the object the finding is about, such as
	// "cluster/aks-prod/pool/user1" or "subnet/spoke/aks-nodes".
	Subject string `json:"subject"`
	// Message says what is wrong, with the numbers that prove it.
	Message string `json:"message"`
	// Remediation says how to fix it.
	Remediation string `json:"remediation"`
	// Location is where the subject was written down.
	Location Location `json:"location"`
}

// Compare orders findings by severity (most severe first), then file, line,
// rule, subject and message, so that output is deterministic.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.Location.File, b.Location.File),
		cmp.Compare(a.Location.Line, b.Location.Line),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Subject, b.Subject),
		cmp.Compare(a.Message, b.Message),
	)
}

// Sort sorts findings in place with Compare.
func Sort(fs []Finding) { slices.SortStableFunc(fs, Compare) }

// CountAtLeast returns how many findings have severity at or above min.
func CountAtLeast(fs []Finding, min Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity >= min {
			n++
		}
	}
	return n
}

// Counts returns the number of errors, warnings and infos.
func Counts(fs []Finding) (errors, warnings, infos int) {
	for _, f := range fs {
		switch f.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		case Info:
			infos++
		}
	}
	return
}
