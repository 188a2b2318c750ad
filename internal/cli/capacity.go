package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/report"
	"github.com/aksnet/aksnet/sizing"
)

func (e *env) capacityCommand() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "capacity FILE...",
		Short: "Show address capacity per subnet, pod CIDR and node pool",
		Long: `Capacity shows, for every subnet something takes addresses from and every
pod CIDR: the usable addresses (Azure reserves 5 in every subnet), the need
at steady state (every pool at its maximum), during an upgrade (plus surge
nodes), with blue/green overlap and emergency headroom, and with the growth
factor; the headroom left; and, per node pool, the largest node count it can
reach before something runs out.`,
		Example: `  aksnet capacity examples/seed-fixed.yaml
  aksnet capacity -o json design.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ls, err := e.loadDesigns(args)
			if err != nil {
				return err
			}
			files := capacityFiles(ls)
			switch output {
			case "text":
				return report.CapacityText(e.stdout, files)
			case "json":
				return report.CapacityJSON(e.stdout, files)
			case "markdown":
				for _, s := range report.CapacityMarkdown(files) {
					if _, err := e.stdout.Write([]byte("## " + s.Title + "\n\n" + s.Body + "\n")); err != nil {
						return err
					}
				}
				return nil
			}
			return usageError("use -o "+strings.Join([]string{"text", "json", "markdown"}, ", "), "unknown output format %q", output)
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "text", "output format: text, json or markdown")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json", "markdown"))
	return c
}

func capacityFiles(ls []loaded) []report.CapacityFile {
	out := make([]report.CapacityFile, len(ls))
	for i, l := range ls {
		out[i] = report.CapacityFile{File: l.file, Report: sizing.Analyze(l.design)}
	}
	return out
}

// capacitySections are the capacity tables appended to Markdown check reports.
func (e *env) capacitySections(ls []loaded) []report.Section {
	return report.CapacityMarkdown(capacityFiles(ls))
}
