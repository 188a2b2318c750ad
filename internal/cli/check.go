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
	"github.com/aksnet/aksnet/importer/arm"
	"github.com/aksnet/aksnet/importer/az"
	"github.com/aksnet/aksnet/importer/terraform"
	"github.com/aksnet/aksnet/importer/tfhcl"
	"github.com/aksnet/aksnet/netpol/lint"
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
	f.StringVar(&fl.format, "format", formatAuto, "input format: auto (detect per file), design (aksnet YAML), az (Azure CLI -o json output), terraform (terraform show -json), tf (.tf and .tfvars files) or arm (ARM templates, parameters files and deployment JSON)")
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
	for _, r := range allRuleDocs() {
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

// inputExts are the extensions of the files a folder contributes.
var inputExts = []string{".yaml", ".yml", ".json", ".tf", ".tfvars"}

// expandInputs turns the arguments into a sorted list of files: folders
// contribute their *.yaml, *.yml, *.json, *.tf and *.tfvars files (not
// recursively).
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
			if !en.IsDir() && slices.Contains(inputExts, ext) {
				files = append(files, filepath.Join(a, en.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, usageError("point at designs (*.yaml, *.yml), az, Terraform or ARM JSON (*.json) or Terraform configuration (*.tf)", "%s: folder holds no input files", a)
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
	formatHCL    = "tf"
	formatARM    = "arm"
)

// inputFormats lists the values of --format.
var inputFormats = []string{formatAuto, formatDesign, formatAz, formatTF, formatHCL, formatARM}

type jsonImporter struct {
	format string
	detect func(*importer.Doc) bool
	parse  func(file string, data []byte) (*importer.Doc, error)
	run    func([]*importer.Doc) (*design.Design, []importer.Problem, error)
}

// jsonImporters read the JSON outputs of other tools into a design. All
// files of one format are joined into one design, since their resources
// refer to each other by ID or name; the order here is the order the
// imported designs are reported in.
var jsonImporters = []jsonImporter{
	{formatAz, az.Detect, importer.Parse, az.Import},
	{formatTF, terraform.Detect, importer.Parse, terraform.Import},
	{formatARM, arm.Detect, arm.Parse, arm.Import},
}

// detectFormat tells the input format of one file: Terraform configuration
// by its extension, aksnet designs by apiVersion aksnet.dev/..., and the
// JSON of other tools by their own markers (Azure resource types, the
// terraform show format version, the ARM template schema).
func detectFormat(name string, data []byte) string {
	if tfhcl.Detect(name, data) {
		return formatHCL
	}
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	if bytes.Contains(head, []byte("aksnet.dev/")) {
		return formatDesign
	}
	doc, err := importer.Parse("", data)
	if err == nil {
		for _, imp := range jsonImporters {
			if imp.detect(doc) {
				return imp.format
			}
		}
	}
	// ARM allows comments, which plain JSON parsing refuses.
	lower := bytes.ToLower(head)
	if err != nil && (bytes.Contains(lower, []byte("deploymenttemplate.json")) || bytes.Contains(lower, []byte("deploymentparameters.json"))) {
		return formatARM
	}
	return formatDesign
}

// loadDesigns reads and validates every input, reporting all input
// problems of all files at once.
func (e *env) loadDesigns(args []string) ([]loaded, error) {
	return e.loadInputs(args, formatAuto)
}

// loadInputs reads every input in the given format (or the detected one
// with formatAuto). Design files are checked one by one; the files of each
// imported format are joined into one design.
func (e *env) loadInputs(args []string, format string) ([]loaded, error) {
	files, err := expandInputs(args)
	if err != nil {
		return nil, err
	}
	var out []loaded
	var msgs []string
	docs := map[string][]*importer.Doc{}
	names := map[string][]string{}
	var hclFiles []tfhcl.File
	for _, f := range files {
		data, err := e.readFile(f)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("%s: cannot read: %v", f, err))
			continue
		}
		kind := format
		if kind == formatAuto {
			kind = detectFormat(f, data)
		}
		if kind == formatHCL {
			hclFiles = append(hclFiles, tfhcl.File{Name: f, Data: data})
			names[kind] = append(names[kind], f)
			continue
		}
		if i := slices.IndexFunc(jsonImporters, func(imp jsonImporter) bool { return imp.format == kind }); i >= 0 {
			doc, err := jsonImporters[i].parse(f, data)
			if err != nil {
				msgs = append(msgs, err.Error())
				continue
			}
			docs[kind] = append(docs[kind], doc)
			names[kind] = append(names[kind], f)
			continue
		}
		d, err := designfile.Load(f, data)
		if err != nil {
			msgs = append(msgs, err.Error())
			continue
		}
		out = append(out, loaded{f, []string{f}, d})
	}
	if len(msgs) > 0 {
		return nil, inputProblems(msgs)
	}
	imported := func(kind string, d *design.Design, warns []importer.Problem, err error) {
		if err != nil {
			msgs = append(msgs, err.Error())
			return
		}
		for _, w := range warns {
			fmt.Fprintf(e.stderr, "aksnet: warning: %s\n", w)
		}
		out = append(out, loaded{strings.Join(names[kind], ", "), names[kind], d})
	}
	for _, imp := range jsonImporters {
		if len(docs[imp.format]) > 0 {
			d, warns, err := imp.run(docs[imp.format])
			imported(imp.format, d, warns, err)
		}
	}
	configs, err := hclConfigurations(hclFiles)
	if err != nil {
		msgs = append(msgs, err.Error())
	}
	for _, files := range configs {
		names[formatHCL] = nil
		for _, f := range files {
			names[formatHCL] = append(names[formatHCL], f.Name)
		}
		d, warns, err := tfhcl.Import(files)
		imported(formatHCL, d, warns, err)
	}
	if len(msgs) > 0 {
		return nil, inputProblems(msgs)
	}
	return out, nil
}

// hclConfigurations groups Terraform files into configurations, one per
// folder as Terraform reads them. A folder that holds only .tfvars files
// sets the variables of the one configuration among the inputs; with
// several configurations it is ambiguous.
func hclConfigurations(files []tfhcl.File) ([][]tfhcl.File, error) {
	byDir := map[string][]tfhcl.File{}
	var dirs, varsOnly []string
	for _, f := range files {
		dir := filepath.Dir(f.Name)
		if _, ok := byDir[dir]; !ok {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], f)
	}
	var configs []string
	for _, dir := range dirs {
		if slices.ContainsFunc(byDir[dir], func(f tfhcl.File) bool { return strings.HasSuffix(strings.ToLower(f.Name), ".tf") }) {
			configs = append(configs, dir)
		} else {
			varsOnly = append(varsOnly, dir)
		}
	}
	if len(varsOnly) > 0 && len(configs) != 1 {
		var vars []string
		for _, dir := range varsOnly {
			for _, f := range byDir[dir] {
				vars = append(vars, f.Name)
			}
		}
		return nil, fmt.Errorf("%s: .tfvars files set the variables of one Terraform configuration, but the inputs hold %d (folders with .tf files: %s); run aksnet check once per configuration",
			strings.Join(vars, ", "), len(configs), strings.Join(configs, ", "))
	}
	var out [][]tfhcl.File
	for _, dir := range configs {
		cfg := byDir[dir]
		if len(configs) == 1 {
			for _, v := range varsOnly {
				cfg = append(cfg, byDir[v]...)
			}
		}
		out = append(out, cfg)
	}
	return out, nil
}

func inputProblems(msgs []string) error {
	return &exitError{code: ExitUsage, msg: strings.Join(msgs, "\n"),
		hint: "fix the input above; 'aksnet schema' prints the JSON Schema that editors can validate designs with"}
}

// checkSuppressions rejects suppressions that name rules aksnet does not have.
func checkSuppressions(ls []loaded) error {
	var msgs []string
	for _, l := range ls {
		for _, s := range l.design.Spec.Suppressions {
			if rules.Lookup(s.Rule) == nil && lint.Lookup(s.Rule) == nil {
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
		if rules.Lookup(id) == nil && lint.Lookup(id) == nil {
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
	args, addNetpol, err := e.checkManifests(args, fl.format)
	if err != nil {
		return err
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
	if err := addNetpol(ls, &in, fl.ignore); err != nil {
		return err
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
