package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/aksnet/aksnet/finding"
)

// The JSON output is a public contract that scripts and pipelines parse. Its
// shape is defined here, separately from the finding package's types, so
// that a change inside aksnet cannot change it by accident. Field order is the
// struct order; every array is present (never null).

type jsonReport struct {
	Tool       string           `json:"tool"`
	Version    string           `json:"version"`
	Files      []string         `json:"files"`
	Summary    jsonSummary      `json:"summary"`
	Findings   []jsonFinding    `json:"findings"`
	Suppressed []jsonSuppressed `json:"suppressed"`
}

type jsonSummary struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Infos      int `json:"infos"`
	Suppressed int `json:"suppressed"`
	// FailOn and Failing are present when a threshold was set.
	FailOn  string `json:"failOn,omitempty"`
	Failing *int   `json:"failing,omitempty"`
}

type jsonFinding struct {
	Rule        string       `json:"rule"`
	Severity    string       `json:"severity"`
	Subject     string       `json:"subject"`
	Message     string       `json:"message"`
	Remediation string       `json:"remediation"`
	Location    jsonLocation `json:"location"`
}

type jsonLocation struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Path string `json:"path,omitempty"`
}

type jsonSuppressed struct {
	Finding jsonFinding `json:"finding"`
	Reason  string      `json:"reason"`
}

func toJSONFinding(f finding.Finding) jsonFinding {
	return jsonFinding{
		Rule:        f.Rule,
		Severity:    severityName(f.Severity),
		Subject:     f.Subject,
		Message:     f.Message,
		Remediation: f.Remediation,
		Location: jsonLocation{
			File: f.Location.File,
			Line: f.Location.Line,
			Path: f.Location.Path,
		},
	}
}

// JSON writes the machine-readable report: an object with tool, version,
// files, summary {errors, warnings, infos, suppressed, and failOn/failing
// when a threshold is set}, findings and suppressed [{finding, reason}].
// Each finding has rule, severity ("error", "warning" or "info"), subject,
// message, remediation and location {file, line, path when known}. Keys
// keep a fixed order, the output is indented by two spaces and ends with a
// newline.
func JSON(w io.Writer, in Input) error {
	sum := summarize(in)
	rep := jsonReport{
		Tool:    in.tool(),
		Version: in.Version,
		Files:   append([]string{}, in.Files...),
		Summary: jsonSummary{
			Errors:     sum.errors,
			Warnings:   sum.warnings,
			Infos:      sum.infos,
			Suppressed: sum.suppressed,
		},
		Findings:   make([]jsonFinding, 0, len(in.Findings)),
		Suppressed: make([]jsonSuppressed, 0, len(in.Suppressed)),
	}
	if validSeverity(in.FailOn) {
		n := sum.failing
		rep.Summary.FailOn = in.FailOn.String()
		rep.Summary.Failing = &n
	}
	for _, f := range in.Findings {
		rep.Findings = append(rep.Findings, toJSONFinding(f))
	}
	for _, s := range in.Suppressed {
		rep.Suppressed = append(rep.Suppressed, jsonSuppressed{Finding: toJSONFinding(s.Finding), Reason: s.Reason})
	}
	return writeJSON(w, rep, "json")
}

// writeJSON encodes v with two-space indentation, without HTML escaping, and
// with a trailing newline.
func writeJSON(w io.Writer, v any, format string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s report: %w", format, err)
	}
	return nil
}
