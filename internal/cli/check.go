package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer"
	"github.com/aksnet/aksnet/importer/az"
	"github.com/aksnet/aksnet/importer/terraform"
	"github.com/aksnet/aksnet/report"
	"github.com/aksnet/aksnet/rules"
)

type checkFlags struct {
	format string
	output string
	failOn string
	ignore []string
	color  string
}

func (e *env) checkCommand() *cobra.Command {
	var fl checkFlags
	c := &cobra.Command{
		Use:   "check FILE...",
		Short: "Check designs against the AKS network rules",
		Long: `Check reads one or more design files (or folders of them) and runs every
rule against each. Findings go to standard output in the chosen format;
problems that stop a file from being read go to standard error with exit 2.

Exit codes: 0 when no finding is at or above --fail-on, 1 when one is,
2 for usage or input errors.`,
		Example: `  aksnet check examples/seed.yaml
  aksnet check -o sarif --fail-on warning designs/ > aksnet.sarif
  aksnet check --ignore pod-cidr-reused design.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runCheck(args, fl)
		},
	}
	f := c.Flags()
	f.StringVarP(&fl.output, "output", "o", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&fl.format, "format", formatAuto, "input format: auto (detect per file), design (aksnet YAML), az (Azure CLI -o json output) or terraform (terraform show -json)")
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletion(inputFormats...))
	f.StringVar(&fl.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
	f.StringSliceVar(&fl.ignore, "ignore", nil, "rule ID not to run (repeatable, or comma-separated)")
	f.StringVar(&fl.color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is honoured)")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(report.Formats()...))
	_ = c.RegisterFlagCompletionFunc("fail-on", fixedCompletion("error", "warning", "info"))
	_ = c.RegisterFlagCompletionFunc("ignore", ruleIDCompletion)
	_ = c.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	return c
}

func fixedCompletion(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

func ruleIDCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID+"\t"+r.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// loaded is a design with the file or files it came from.
type loaded struct {
	// file names the input for people: a design file, or the az files an
	// imported design was joined from.
	file   string
	files  []string
	design *design.Design
}

// expandInputs turns the arguments into a sorted list of files: folders
// contribute their *.yaml, *.yml and *.json files (not recursively).
func expandInputs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, usageError("check the path", "%s: no such file or folder", a)
			}
			return nil, usageError("", "%s: %v", a, err)
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, usageError("", "%s: %v", a, err)
		}
		n := 0
		for _, en := range entries {
			ext := strings.ToLower(filepath.Ext(en.Name()))
			if !en.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
				files = append(files, filepath.Join(a, en.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, usageError("point at design files (*.yaml, *.yml, *.json)", "%s: folder holds no design files", a)
		}
	}
	return files, nil
}

// Input formats check accepts.
const (
	formatAuto   = "auto"
	formatDesign = "design"
	formatAz     = "az"
	formatTF     = "terraform"
)

// inputFormats lists the values of --format.
var inputFormats = []string{formatAuto, formatDesign, formatAz, formatTF}

// detectFormat tells an aksnet design from az CLI JSON by looking at the
// document: designs carry apiVersion aksnet.dev/... and kind Design, az
// output carries Azure resource types.
func detectFormat(data []byte) string {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	if bytes.Contains(head, []byte("aksnet.dev/")) {
		return formatDesign
	}
	if doc, err := importer.Parse("", data); err == nil {
		switch {
		case az.Detect(doc):
			return formatAz
		case terraform.Detect(doc):
			return formatTF
		}
	}
	return formatDesign
}

// loadDesigns reads and validates every input, reporting all input
// problems of all files at once. Design files are checked one by one; az
// outputs are joined into one imported design.
func (e *env) loadDesigns(args []string) ([]loaded, error) {
	return e.loadInputs(args, formatAuto)
}

func (e *env) loadInputs(args []string, format string) ([]loaded, error) {
	files, err := expandInputs(args)
	if err != nil {
		return nil, err
	}
	var out []loaded
	var msgs []string
	var azDocs, tfDocs []*importer.Doc
	var azFiles, tfFiles []string
	for _, f := range files {
		data, err := e.readFile(f)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("%s: cannot read: %v", f, err))
			continue
		}
		kind := format
		if kind == formatAuto {
			kind = detectFormat(data)
		}
		if kind == formatAz || kind == formatTF {
			doc, err := importer.Parse(f, data)
			if err != nil {
				msgs = append(msgs, err.Error())
				continue
			}
			if kind == formatAz {
				azDocs, azFiles = append(azDocs, doc), append(azFiles, f)
			} else {
				tfDocs, tfFiles = append(tfDocs, doc), append(tfFiles, f)
			}
			continue
		}
		d, err := designfile.Load(f, data)
		if err != nil {
			msgs = append(msgs, err.Error())
			continue
		}
		out = append(out, loaded{f, []string{f}, d})
	}
	for _, imp := range []struct {
		docs  []*importer.Doc
		files []string
		run   func([]*importer.Doc) (*design.Design, []importer.Problem, error)
	}{{azDocs, azFiles, az.Import}, {tfDocs, tfFiles, terraform.Import}} {
		if len(imp.docs) == 0 || len(msgs) > 0 {
			continue
		}
		d, warns, err := imp.run(imp.docs)
		if err != nil {
			msgs = append(msgs, err.Error())
			continue
		}
		for _, w := range warns {
			fmt.Fprintf(e.stderr, "aksnet: warning: %s\n", w)
		}
		out = append(out, loaded{strings.Join(imp.files, ", "), imp.files, d})
	}
	if len(msgs) > 0 {
		return nil, &exitError{code: ExitUsage, msg: strings.Join(msgs, "\n"),
			hint: "fix the input above; 'aksnet schema' prints the JSON Schema that editors can validate designs with"}
	}
	return out, nil
}

// checkSuppressions rejects suppressions that name rules aksnet does not have.
func checkSuppressions(ls []loaded) error {
	var msgs []string
	for _, l := range ls {
		for _, s := range l.design.Spec.Suppressions {
			if rules.Lookup(s.Rule) == nil {
				loc := l.design.Locate(design.Field(s.Path, "rule"))
				msgs = append(msgs, fmt.Sprintf("%s: suppression names unknown rule %q", loc, s.Rule))
			}
		}
	}
	if len(msgs) > 0 {
		return &exitError{code: ExitUsage, msg: strings.Join(msgs, "\n"), hint: "'aksnet rules' lists the rule IDs"}
	}
	return nil
}

func (e *env) runCheck(args []string, fl checkFlags) error {
	failOn, err := finding.ParseSeverity(fl.failOn)
	if err != nil {
		return usageError("use --fail-on error, warning or info", "%v", err)
	}
	if !slices.Contains(report.Formats(), fl.output) {
		return usageError("use one of: "+strings.Join(report.Formats(), ", "), "unknown output format %q", fl.output)
	}
	for _, id := range fl.ignore {
		if rules.Lookup(id) == nil {
			return usageError("'aksnet rules' lists the rule IDs", "--ignore %q: no such rule", id)
		}
	}
	color, err := e.colorFor(e.stdout, fl.color)
	if err != nil {
		return err
	}
	if !slices.Contains(inputFormats, fl.format) {
		return usageError("use --format "+strings.Join(inputFormats, ", "), "unknown input format %q", fl.format)
	}
	ls, err := e.loadInputs(args, fl.format)
	if err != nil {
		return err
	}
	if err := checkSuppressions(ls); err != nil {
		return err
	}
	in := report.Input{Version: version(), FailOn: failOn}
	for _, r := range rules.All() {
		if !slices.Contains(fl.ignore, r.ID) {
			in.Rules = append(in.Rules, r)
		}
	}
	for _, l := range ls {
		in.Files = append(in.Files, l.files...)
		res := rules.Run(l.design, rules.Options{Ignore: fl.ignore})
		in.Findings = append(in.Findings, res.Findings...)
		in.Suppressed = append(in.Suppressed, res.Suppressed...)
	}
	finding.Sort(in.Findings)
	switch fl.output {
	case "text":
		err = report.Text(e.stdout, in, report.TextOptions{Color: color})
	case "markdown":
		err = report.Markdown(e.stdout, in, report.MarkdownOptions{Extra: e.capacitySections(ls)})
	default:
		err = report.Render(fl.output, e.stdout, in)
	}
	if err != nil {
		return &exitError{code: ExitUsage, msg: fmt.Sprintf("writing output: %v", err)}
	}
	if finding.CountAtLeast(in.Findings, failOn) > 0 {
		return errFindings
	}
	return nil
}
