package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/netpol/lint"
	"github.com/aksnet/aksnet/report"
	"github.com/aksnet/aksnet/rules"
)

func (e *env) rulesCommand() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "rules",
		Short: "List the rules aksnet checks",
		Long:  "Rules lists every rule with its ID, severity and title. -o markdown writes docs/rules.md.",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			switch output {
			case "text":
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
				for _, r := range rules.All() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
				}
				return tw.Flush()
			case "markdown":
				return report.RulesMarkdown(e.stdout, rules.All())
			case "json":
				type ruleJSON struct {
					ID          string   `json:"id"`
					Severity    string   `json:"severity"`
					Title       string   `json:"title"`
					Doc         string   `json:"doc"`
					Remediation string   `json:"remediation"`
					Sources     []string `json:"sources"`
				}
				out := []ruleJSON{}
				for _, r := range rules.All() {
					out = append(out, ruleJSON{r.ID, r.Severity.String(), r.Title, r.Doc, r.Remediation, r.Sources})
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"rules": out})
			}
			return usageError("use -o text, markdown or json", "unknown output format %q", output)
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "text", "output format: text, markdown or json")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "markdown", "json"))
	return c
}

func (e *env) explainCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain one rule: why it matters and how to fix it",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(c *cobra.Command, a []string, s string) ([]string, cobra.ShellCompDirective) {
			return ruleIDCompletion(c, a, s)
		},
		RunE: func(_ *cobra.Command, args []string) error {
			r := lookupAnyRule(args[0])
			if r == nil {
				hint := "'aksnet rules' and 'aksnet netpol lint --rules' list the rule IDs"
				for _, cand := range allRuleDocs() {
					if strings.Contains(cand.ID, args[0]) {
						hint = fmt.Sprintf("did you mean %s? %s", cand.ID, hint)
						break
					}
				}
				return usageError(hint, "no rule %q", args[0])
			}
			w := e.stdout
			fmt.Fprintf(w, "%s (%s)\n%s\n\n", r.ID, r.Severity, r.Title)
			fmt.Fprintf(w, "Why it matters\n%s\n\n", wrap(r.Doc, 78, "  "))
			fmt.Fprintf(w, "How to fix it\n%s\n", wrap(r.Remediation, 78, "  "))
			if len(r.Sources) > 0 {
				fmt.Fprintf(w, "\nSources\n")
				for _, s := range r.Sources {
					fmt.Fprintf(w, "  %s\n", s)
				}
			}
			return nil
		},
	}
}

// ruleDoc is what explain prints of a design rule or a NetworkPolicy
// lint rule.
type ruleDoc struct {
	ID, Title, Doc, Remediation string
	Severity                    fmt.Stringer
	Sources                     []string
}

// allRuleDocs lists the design rules, then the NetworkPolicy lint rules.
func allRuleDocs() []ruleDoc {
	var out []ruleDoc
	for _, r := range rules.All() {
		out = append(out, ruleDoc{r.ID, r.Title, r.Doc, r.Remediation, r.Severity, r.Sources})
	}
	for _, r := range lint.All() {
		out = append(out, ruleDoc{r.ID, r.Title, r.Doc, r.Remediation, r.Severity, r.Sources})
	}
	return out
}

// lookupAnyRule finds a design rule or a NetworkPolicy lint rule by ID.
func lookupAnyRule(id string) *ruleDoc {
	for _, r := range allRuleDocs() {
		if r.ID == id {
			return &r
		}
	}
	return nil
}

// wrap reflows text to width columns, indenting each line.
func wrap(text string, width int, indent string) string {
	var lines []string
	for _, para := range strings.Split(text, "\n\n") {
		line := indent
		for _, word := range strings.Fields(para) {
			if len(line) > len(indent) && len(line)+1+len(word) > width {
				lines = append(lines, line)
				line = indent
			}
			if len(line) > len(indent) {
				line += " "
			}
			line += word
		}
		lines = append(lines, line, "")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
