package report

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/rules"
)

// RulesMarkdown writes the rule reference (docs/rules.md): an introduction,
// an index table of every rule (ID, severity, title) and then one "## <id>"
// section per rule with its severity, title, explanation, fix and sources.
// Rules are listed by ID whatever the order of rs, so the output depends
// only on the rules' contents.
func RulesMarkdown(w io.Writer, rs []*rules.Rule) error {
	sorted := make([]*rules.Rule, 0, len(rs))
	for _, r := range rs {
		if r != nil {
			sorted = append(sorted, r)
		}
	}
	slices.SortStableFunc(sorted, func(a, b *rules.Rule) int { return cmp.Compare(a.ID, b.ID) })

	out := &errWriter{w: w}
	out.print("<!-- Code generated from the rule catalogue by report.RulesMarkdown. DO NOT EDIT. -->\n\n")
	out.print("# Rules\n\n")
	out.print("`aksnet check` runs every rule below against a design. Each finding names " +
		"its rule by ID; the IDs are stable, so pipelines and suppressions can rely on " +
		"them. A rule's severity is the default for its findings (a rule may report a " +
		"near miss at a lower one). To accept a finding on purpose, add an entry to " +
		"`spec.suppressions` with the rule ID, an optional subject pattern and the " +
		"reason; `aksnet check --fail-on error|warning|info` decides which severities fail the run (exit code 1). " +
		"This page is generated from the rule definitions in `rules/`: change those, " +
		"not this file.\n\n")

	out.printf("%d rules.\n\n", len(sorted))
	out.print("| ID | Severity | Title |\n| --- | --- | --- |\n")
	for _, r := range sorted {
		out.printf("| [%s](#%s) | %s | %s |\n", mdCell(mdCode(r.ID)), headingAnchor(r.ID),
			severityName(r.Severity), mdCell(mdEscapeText(oneLine(r.Title))))
	}

	for _, r := range sorted {
		out.print("\n## ", r.ID, "\n\n")
		out.print("**", mdEscapeText(oneLine(r.Title)), "**\n\n")
		out.print("Severity: ", severityName(r.Severity), "\n")
		if doc := strings.TrimSpace(r.Doc); doc != "" {
			out.print("\n", mdEscapeText(doc), "\n")
		}
		if fix := strings.TrimSpace(r.Remediation); fix != "" {
			out.print("\n**Fix:** ", mdEscapeText(fix), "\n")
		}
		if len(r.Sources) > 0 {
			out.print("\nSources:\n\n")
			for _, s := range r.Sources {
				out.print("- <", s, ">\n")
			}
		}
	}
	return out.result("rules markdown")
}

// headingAnchor is the anchor GitHub gives a heading made of a rule ID:
// lower case, with anything but letters, digits, '-' and '_' dropped.
func headingAnchor(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
