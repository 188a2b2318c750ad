package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/finding"
)

// TextOptions tune the text renderer.
type TextOptions struct {
	// Color adds ANSI colours. The caller decides (a terminal, NO_COLOR
	// unset); the renderer never looks at the environment.
	Color bool
}

// ANSI escape sequences used when TextOptions.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// Text writes a report for a terminal: findings grouped by severity (errors,
// then warnings, then info), each as
//
//	file:line: severity rule-id: subject: message
//	    fix: remediation
//
// (the location is left out when nothing is known about it), then the
// suppressed findings with their reasons, and a summary line such as
// "3 errors, 2 warnings, 1 info; 1 suppressed" ("no findings" when clean).
func Text(w io.Writer, in Input, opts TextOptions) error {
	out := &errWriter{w: w}
	paint := func(code, s string) string {
		if !opts.Color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	sum := summarize(in)

	groups := []struct {
		sev   finding.Severity
		title string
		color string
	}{
		{finding.Error, "Errors", ansiRed},
		{finding.Warning, "Warnings", ansiYellow},
		{finding.Info, "Info", ansiCyan},
	}
	first := true
	for _, g := range groups {
		var fs []finding.Finding
		for _, f := range in.Findings {
			if f.Severity == g.sev {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		if !first {
			out.print("\n")
		}
		first = false
		out.printf("%s\n", paint(ansiBold+g.color, g.title+" ("+strconv.Itoa(len(fs))+")"))
		for _, f := range fs {
			writeTextFinding(out, f, paint(g.color, severityName(f.Severity)), paint)
			if f.Remediation != "" {
				out.printf("    %s %s\n", paint(ansiDim, "fix:"), oneLine(f.Remediation))
			}
		}
	}
	// Findings with an out-of-range severity still get printed rather than
	// silently dropped.
	for _, f := range in.Findings {
		if !validSeverity(f.Severity) {
			if !first {
				out.print("\n")
			}
			first = false
			writeTextFinding(out, f, severityName(f.Severity), paint)
		}
	}

	if len(in.Suppressed) > 0 {
		if !first {
			out.print("\n")
		}
		first = false
		out.printf("%s\n", paint(ansiBold, "Suppressed ("+strconv.Itoa(len(in.Suppressed))+")"))
		for _, s := range in.Suppressed {
			writeTextFinding(out, s.Finding, severityName(s.Finding.Severity), paint)
			out.printf("    %s %s\n", paint(ansiDim, "reason:"), oneLine(s.Reason))
		}
	}

	if !first {
		out.print("\n")
	}
	line := sum.counts()
	switch {
	case sum.errors > 0:
		line = paint(ansiBold+ansiRed, line)
	case sum.warnings > 0:
		line = paint(ansiBold+ansiYellow, line)
	default:
		line = paint(ansiBold, line)
	}
	out.printf("%s\n", line)
	if th := sum.threshold(); th != "" && sum.total() > 0 {
		out.printf("%s\n", th)
	}
	return out.result("text")
}

func writeTextFinding(out *errWriter, f finding.Finding, sev string, paint func(code, s string) string) {
	if loc := f.Location.String(); loc != "" {
		out.print(loc, ": ")
	}
	out.printf("%s %s: ", sev, paint(ansiBold, f.Rule))
	if f.Subject != "" {
		out.print(f.Subject, ": ")
	}
	out.print(oneLine(f.Message), "\n")
}

// oneLine folds line breaks so that every finding stays on its own line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
