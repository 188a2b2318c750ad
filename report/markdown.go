package report

import (
	"io"
	"strings"

	"github.com/aksnet/aksnet/finding"
)

// MarkdownOptions tune the Markdown renderer.
type MarkdownOptions struct {
	// Extra sections are appended at the end of the report, in order.
	Extra []Section
}

// Section is an extra Markdown section: a level-2 heading and a body that is
// written as it is (it is Markdown already).
type Section struct {
	Title, Body string
}

// Markdown writes a report for people and pull-request comments: a title,
// a summary table of severity counts, a table of the findings, a details
// section per finding with its fix, the suppressed findings with their
// reasons, and then opts.Extra.
func Markdown(w io.Writer, in Input, opts MarkdownOptions) error {
	out := &errWriter{w: w}
	sum := summarize(in)

	out.print("# ", mdEscapeText(in.tool()), " report\n\n")
	var meta []string
	if len(in.Files) > 0 {
		files := make([]string, len(in.Files))
		for i, f := range in.Files {
			files[i] = mdCode(f)
		}
		meta = append(meta, "Checked "+strings.Join(files, ", "))
	}
	if in.Version != "" {
		meta = append(meta, "with "+mdEscapeText(in.tool())+" "+mdCode(in.Version))
	}
	if len(meta) > 0 {
		out.print(strings.Join(meta, " "), ".\n\n")
	}

	// Summary.
	out.print("## Summary\n\n")
	out.print("| Severity | Count |\n| --- | ---: |\n")
	out.printf("| Error | %d |\n| Warning | %d |\n| Info | %d |\n| Suppressed | %d |\n\n",
		sum.errors, sum.warnings, sum.infos, sum.suppressed)
	out.print("**", mdEscapeText(upperFirst(sum.counts())), ".**")
	if th := sum.threshold(); th != "" && sum.total() > 0 {
		out.print(" ", mdEscapeText(upperFirst(th)), ".")
	}
	out.print("\n")

	// Findings table and details.
	if len(in.Findings) > 0 {
		out.print("\n## Findings\n\n")
		out.print("| # | Severity | Rule | Subject | Location | Message |\n")
		out.print("| ---: | --- | --- | --- | --- | --- |\n")
		for i, f := range in.Findings {
			out.printf("| %d | %s | %s | %s | %s | %s |\n", i+1,
				mdCell(severityName(f.Severity)), mdCell(mdCode(f.Rule)), mdCell(mdCode(f.Subject)),
				mdCell(mdCode(locationText(f.Location))), mdCell(mdEscapeText(f.Message)))
		}

		out.print("\n## Details\n")
		for i, f := range in.Findings {
			out.printf("\n### %d. %s %s: %s\n\n", i+1, severityName(f.Severity), mdCode(f.Rule), mdCode(f.Subject))
			writeMarkdownLocation(out, f.Location)
			out.print(mdEscapeText(f.Message), "\n")
			if f.Remediation != "" {
				out.print("\n**Fix:** ", mdEscapeText(f.Remediation), "\n")
			}
		}
	}

	// Suppressed findings.
	if len(in.Suppressed) > 0 {
		out.print("\n## Suppressed findings\n\n")
		out.print("| Severity | Rule | Subject | Location | Message | Reason |\n")
		out.print("| --- | --- | --- | --- | --- | --- |\n")
		for _, s := range in.Suppressed {
			f := s.Finding
			out.printf("| %s | %s | %s | %s | %s | %s |\n",
				mdCell(severityName(f.Severity)), mdCell(mdCode(f.Rule)), mdCell(mdCode(f.Subject)),
				mdCell(mdCode(locationText(f.Location))), mdCell(mdEscapeText(f.Message)), mdCell(mdEscapeText(s.Reason)))
		}
	}

	for _, sec := range opts.Extra {
		if title := oneLine(sec.Title); title != "" {
			out.print("\n## ", mdEscapeText(title), "\n")
		}
		if body := strings.TrimRight(sec.Body, "\n"); body != "" {
			out.print("\n", body, "\n")
		}
	}
	return out.result("markdown")
}

func writeMarkdownLocation(out *errWriter, l finding.Location) {
	switch {
	case l.String() != "" && l.Path != "" && l.String() != l.Path:
		out.print("Location: ", mdCode(l.String()), " (", mdCode(l.Path), ")\n\n")
	case l.String() != "":
		out.print("Location: ", mdCode(l.String()), "\n\n")
	}
}

// mdCell makes text safe inside a table cell: pipes are escaped and line
// breaks become <br>.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", "<br>")
	return s
}

// mdEscapeText escapes the characters that would otherwise turn plain text
// into Markdown or HTML markup.
func mdEscapeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode wraps s in a code span, with a longer fence when s itself holds
// backticks; line breaks are folded. Empty s gives "-".
func mdCode(s string) string {
	s = oneLine(s)
	if s == "" {
		return "-"
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if longest == 0 {
		return "`" + s + "`"
	}
	fence := strings.Repeat("`", longest+1)
	return fence + " " + s + " " + fence
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
