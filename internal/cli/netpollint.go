package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer/kubectl"
	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
	"github.com/aksnet/aksnet/netpol/lint"
	"github.com/aksnet/aksnet/plan"
	"github.com/aksnet/aksnet/report"
	"github.com/aksnet/aksnet/rules"
)

type netpolLintFlags struct {
	in            netpolInputs
	output        string
	failOn        string
	ignore        []string
	color         string
	clusterDesign string
	cluster       string
	sensitive     []string
	podCIDRs      []string
	localDNS      bool
	listRules     bool
}

func (e *env) netpolLintCommand() *cobra.Command {
	var fl netpolLintFlags
	c := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Find NetworkPolicy mistakes, and what the cluster's engine will not enforce",
		Long: `Lint reads Kubernetes manifests, or a running cluster with --kubeconfig (as
netpol list does), and reports NetworkPolicy mistakes the API server
accepts: default-deny egress that blocks DNS (UDP and TCP 53 to CoreDNS, or
to the AKS LocalDNS proxy with --local-dns), policies,
namespace selectors and peers that match nothing, named ports no pod
defines, policies that change nothing, workloads of sensitive namespaces
that no policy isolates, and ipBlocks that cover pod addresses.

With --cluster-design (an aksnet design, or az, Terraform or ARM output that
aksnet check reads) it also reports what the cluster's NetworkPolicy engine
will not enforce: no engine, an engine the plugin, OS or IP family cannot
run, Azure NPM's scale limits and Windows gaps, and Cilium's ipBlock
behaviour. The design also supplies the pod ranges and the sensitive
namespaces of requirements.sensitiveNamespaces.

A namespace is sensitive when its Namespace object has the label or
annotation aksnet.dev/sensitive: "true", when the design lists it, or when
--sensitive-namespace names it.

Findings use the output formats of aksnet check. --rules lists the rules
(-o text, json or markdown) instead of linting.

Exit codes: 0 when no finding is at or above --fail-on, 1 when one is, 2 for
usage or input errors.`,
		Example: `  aksnet netpol lint manifests/
  aksnet netpol lint --cluster-design design.yaml --cluster aks-prod -o sarif manifests/ > netpol.sarif
  helm template shop ./chart | aksnet netpol lint --sensitive-namespace payments --local-dns -
  aksnet netpol lint --rules -o markdown`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fl.listRules {
				if len(args)+len(fl.in.files) > 0 {
					return usageError("run 'aksnet netpol lint --rules' without paths", "--rules lists the rules and reads no input")
				}
				return e.netpolLintRules(fl.output)
			}
			return e.runNetpolLint(append(args, fl.in.files...), fl)
		},
	}
	fl.in.register(c)
	f := c.Flags()
	f.StringVarP(&fl.output, "output", "o", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&fl.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
	f.StringSliceVar(&fl.ignore, "ignore", nil, "rule ID not to run (repeatable, or comma-separated)")
	f.StringVar(&fl.color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is honoured)")
	f.StringVar(&fl.clusterDesign, "cluster-design", "", "design (or az, Terraform or ARM output) describing the cluster the manifests run on")
	f.StringVar(&fl.cluster, "cluster", "", "the cluster of --cluster-design to lint against (needed when it has several)")
	f.StringSliceVar(&fl.sensitive, "sensitive-namespace", nil, "namespace whose workloads must all be isolated (repeatable, or comma-separated)")
	f.StringSliceVar(&fl.podCIDRs, "pod-cidr", nil, "address range pods take, when no design says (repeatable, or comma-separated)")
	f.BoolVar(&fl.localDNS, "local-dns", false, "the cluster uses AKS LocalDNS: pods resolve through 169.254.10.11 (and 169.254.10.10) on their node (a design says so with network.localDNS: true)")
	f.BoolVar(&fl.listRules, "rules", false, "list the lint rules instead of linting")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(report.Formats()...))
	_ = c.RegisterFlagCompletionFunc("fail-on", fixedCompletion("error", "warning", "info"))
	_ = c.RegisterFlagCompletionFunc("ignore", netpolRuleIDCompletion)
	_ = c.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	return c
}

func netpolRuleIDCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var ids []string
	for _, r := range lint.All() {
		ids = append(ids, r.ID+"\t"+r.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

func (e *env) runNetpolLint(paths []string, fl netpolLintFlags) error {
	failOn, err := finding.ParseSeverity(fl.failOn)
	if err != nil {
		return usageError("use --fail-on error, warning or info", "%v", err)
	}
	if !slices.Contains(report.Formats(), fl.output) {
		return usageError("use one of: "+strings.Join(report.Formats(), ", "), "unknown output format %q", fl.output)
	}
	for _, id := range fl.ignore {
		if lint.Lookup(id) == nil {
			return usageError("'aksnet netpol lint --rules' lists the rule IDs", "--ignore %q: no such rule", id)
		}
	}
	color, err := e.colorFor(e.stdout, fl.color)
	if err != nil {
		return err
	}
	cl, err := e.lintCluster(fl)
	if err != nil {
		return err
	}
	if len(paths) == 0 && fl.in.kubeconfig == "" {
		return usageError("name manifest files or folders, - for standard input, or --kubeconfig PATH for a running cluster", "no input")
	}
	objs, files, err := e.readManifests(paths, fl.in)
	if err != nil {
		return err
	}
	r, err := netpol.AnalyzeWith(objs, netpol.Options{IPv6: fl.in.ipv6 || cl.Design != nil && cl.Design.DualStack()})
	if err != nil {
		return inputError(err)
	}
	for _, w := range r.Warnings() {
		fmt.Fprintf(e.stderr, "aksnet: warning: %s\n", w)
	}
	in := report.Input{
		Version:  version(),
		FailOn:   failOn,
		Files:    files,
		Rules:    netpolRuleMeta(fl.ignore),
		Findings: lint.Check(r, objs, lint.Options{Cluster: cl, SensitiveNamespaces: fl.sensitive, Ignore: fl.ignore}),
	}
	switch fl.output {
	case "text":
		err = report.Text(e.stdout, in, report.TextOptions{Color: color})
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

// lintCluster builds what lint knows of the cluster from the flags.
func (e *env) lintCluster(fl netpolLintFlags) (lint.Cluster, error) {
	var cl lint.Cluster
	switch {
	case fl.clusterDesign != "":
		ls, err := e.loadInputs([]string{fl.clusterDesign}, formatAuto)
		if err != nil {
			return cl, err
		}
		type candidate struct {
			d *design.Design
			c *design.Cluster
		}
		var all []candidate
		var names []string
		for _, l := range ls {
			for i := range l.design.Spec.Clusters {
				c := &l.design.Spec.Clusters[i]
				all = append(all, candidate{l.design, c})
				names = append(names, c.Name)
			}
		}
		var pick []candidate
		for _, cand := range all {
			if fl.cluster == "" || cand.c.Name == fl.cluster {
				pick = append(pick, cand)
			}
		}
		switch {
		case len(all) == 0:
			return cl, usageError("point --cluster-design at a design with spec.clusters", "%s describes no cluster", fl.clusterDesign)
		case len(pick) == 0:
			return cl, usageError("use --cluster "+strings.Join(names, ", --cluster "), "%s has no cluster %q", fl.clusterDesign, fl.cluster)
		case len(pick) > 1:
			return cl, usageError("choose one with --cluster "+strings.Join(names, ", --cluster "), "%s describes %d clusters", fl.clusterDesign, len(pick))
		}
		cl = lint.FromDesign(pick[0].d, pick[0].c)
	case fl.cluster != "":
		return cl, usageError("name the design with --cluster-design FILE", "--cluster needs --cluster-design")
	}
	for _, s := range fl.podCIDRs {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return cl, usageError("write the range as a CIDR prefix such as 10.244.0.0/16", "--pod-cidr %q is not a CIDR prefix", s)
		}
		if !slices.Contains(cl.PodRanges, p.Masked()) {
			cl.PodRanges = append(cl.PodRanges, p.Masked())
		}
	}
	cl.LocalDNS = cl.LocalDNS || fl.localDNS
	return cl, nil
}

// readManifests reads the objects of a running cluster (with
// --kubeconfig), manifest files, folders (recursively) and standard input
// ("-", once), and prints what the loader skipped. It returns the objects
// and the names of the inputs.
func (e *env) readManifests(paths []string, in netpolInputs) ([]netpol.Object, []string, error) {
	var objs []netpol.Object
	var names []string
	if in.kubeconfig != "" {
		client, host, err := kubectl.NewClient(in.kubeconfig, in.context)
		if err != nil {
			return nil, nil, usageError("check the kubeconfig path and --context; for AKS: az aks get-credentials -g RESOURCE_GROUP -n CLUSTER", "%v", err)
		}
		live, err := manifests.Live(e.ctx, client, host, kubectl.DefaultPageSize)
		if err != nil {
			return nil, nil, &exitError{code: ExitUsage, msg: err.Error()}
		}
		objs = append(objs, live...)
		names = append(names, host)
	}
	var files []string
	stdinUsed := false
	for _, p := range paths {
		if p != "-" {
			fs, err := manifests.Files([]string{p})
			if err != nil {
				return nil, nil, inputError(err)
			}
			files = append(files, fs...)
			continue
		}
		if stdinUsed {
			return nil, nil, usageError("", "standard input (-) named twice")
		}
		stdinUsed = true
		files = append(files, "-")
	}
	var warns []manifests.Warning
	for _, f := range files {
		var data []byte
		var err error
		name := f
		if f == "-" {
			name = "<stdin>"
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = e.readFile(f)
		}
		if err != nil {
			return nil, nil, &exitError{code: ExitUsage, msg: fmt.Sprintf("%s: cannot read: %v", name, err)}
		}
		o, w, err := manifests.Decode(name, data)
		if err != nil {
			return nil, nil, inputError(err)
		}
		objs = append(objs, o...)
		warns = append(warns, w...)
		names = append(names, name)
	}
	e.printLoadWarnings(warns, in.verbose)
	return objs, names, nil
}

// netpolRuleMeta returns the lint rules not ignored as entries of the
// report catalogue (for SARIF and JUnit metadata).
func netpolRuleMeta(ignore []string) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range lint.All() {
		if slices.Contains(ignore, r.ID) {
			continue
		}
		out = append(out, &rules.Rule{ID: r.ID, Title: r.Title, Severity: r.Severity, Doc: r.Doc, Remediation: r.Remediation, Sources: r.Sources})
	}
	return out
}

// netpolLintRules prints the lint rule catalogue.
func (e *env) netpolLintRules(format string) error {
	switch format {
	case "text":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tNEEDS CLUSTER\tTITLE")
		for _, r := range lint.All() {
			needs := "no"
			if r.NeedsCluster {
				needs = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, needs, r.Title)
		}
		return tw.Flush()
	case "markdown":
		return netpolRulesMarkdown(e.stdout)
	case "json":
		type ruleJSON struct {
			ID           string   `json:"id"`
			Severity     string   `json:"severity"`
			Title        string   `json:"title"`
			NeedsCluster bool     `json:"needsCluster"`
			Doc          string   `json:"doc"`
			Remediation  string   `json:"remediation"`
			Sources      []string `json:"sources"`
		}
		out := []ruleJSON{}
		for _, r := range lint.All() {
			out = append(out, ruleJSON{r.ID, r.Severity.String(), r.Title, r.NeedsCluster, r.Doc, r.Remediation, r.Sources})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"rules": out})
	}
	return usageError("use --rules with -o text, markdown or json", "unknown output format %q for the rule list", format)
}

// netpolRulesMarkdown writes docs/netpol-rules.md: an introduction, an
// index of every lint rule and a section per rule.
func netpolRulesMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!-- Code generated from the lint rule catalogue by 'aksnet netpol lint --rules -o markdown'. DO NOT EDIT. -->\n\n")
	b.WriteString("# NetworkPolicy lint rules\n\n")
	b.WriteString("`aksnet netpol lint` runs every rule below against Kubernetes manifests, and " +
		"`aksnet check` runs them when its inputs include manifests. Each finding names its rule " +
		"by ID; the IDs are stable, so pipelines can rely on them, and `--ignore ID` skips a rule. " +
		"The `network-policy-not-enforced-*` rules need to know the cluster the manifests run on " +
		"(`--cluster-design`, or the designs given to `aksnet check`); they extend the design rule " +
		"`network-policy-not-enforced` of [rules.md](rules.md) to the policies themselves. " +
		"This page is generated from the rule definitions in `netpol/lint/`: change those, not this file.\n\n")
	fmt.Fprintf(&b, "%d rules.\n\n", len(lint.All()))
	b.WriteString("| ID | Severity | Needs cluster | Title |\n| --- | --- | --- | --- |\n")
	for _, r := range lint.All() {
		needs := "no"
		if r.NeedsCluster {
			needs = "yes"
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", r.ID, r.ID, r.Severity, needs, strings.ReplaceAll(mdEscape(r.Title), "|", `\|`))
	}
	for _, r := range lint.All() {
		fmt.Fprintf(&b, "\n## %s\n\n**%s**\n\nSeverity: %s", r.ID, mdEscape(r.Title), r.Severity)
		if r.NeedsCluster {
			b.WriteString(" (runs when the cluster is known)")
		}
		fmt.Fprintf(&b, "\n\n%s\n\n**Fix:** %s\n", mdEscape(r.Doc), mdEscape(r.Remediation))
		if len(r.Sources) > 0 {
			b.WriteString("\nSources:\n\n")
			for _, s := range r.Sources {
				fmt.Fprintf(&b, "- <%s>\n", s)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape escapes the characters Markdown would read as formatting.
func mdEscape(s string) string {
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

// checkManifests prepares aksnet check for Kubernetes manifests among its
// inputs: it returns the other inputs, for loadInputs, and a function that
// runs the NetworkPolicy lint rules over the manifests with every cluster
// of the loaded designs and adds the findings, the suppressed findings,
// the files and the rule catalogue to the report. The function does
// nothing when there are no manifests.
func (e *env) checkManifests(args []string, format string) ([]string, func(ls []loaded, in *report.Input, ignore []string) error, error) {
	rest, objs, files, err := e.splitCheckInputs(args, format)
	if err != nil {
		return nil, nil, err
	}
	add := func(ls []loaded, in *report.Input, ignore []string) error {
		if len(files) == 0 {
			return nil
		}
		fs, sup, err := netpolCheck(objs, ls, ignore)
		if err != nil {
			return err
		}
		in.Files = append(in.Files, files...)
		in.Rules = append(in.Rules, netpolRuleMeta(ignore)...)
		in.Findings = append(in.Findings, fs...)
		in.Suppressed = append(in.Suppressed, sup...)
		return nil
	}
	return rest, add, nil
}

// splitCheckInputs separates the Kubernetes manifests among the inputs of
// aksnet check from the rest, which it returns for loadInputs. Only with
// --format auto: a file is a manifest when it is YAML or JSON, not a
// design or the output of az, Terraform or ARM, and holds at least one
// Kubernetes object. Folders contribute their top-level files as check
// reads them, plus manifests in subfolders.
func (e *env) splitCheckInputs(args []string, format string) (rest []string, objs []netpol.Object, files []string, err error) {
	if format != formatAuto {
		return args, nil, nil, nil
	}
	var warns []manifests.Warning
	take := func(f string) bool {
		if !slices.Contains(manifests.Extensions, strings.ToLower(filepath.Ext(f))) {
			return false
		}
		data, err := e.readFile(f)
		if err != nil {
			return false // loadInputs reports it
		}
		o, w, ok := manifestObjects(f, data)
		if ok {
			objs = append(objs, o...)
			warns = append(warns, w...)
			files = append(files, f)
		}
		return ok
	}
	for _, a := range args {
		st, statErr := os.Stat(a)
		if statErr != nil || !st.IsDir() {
			if !take(a) {
				rest = append(rest, a)
			}
			continue
		}
		all, err := manifests.Files([]string{a})
		if err != nil {
			return nil, nil, nil, inputError(err)
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, nil, nil, usageError("", "%s: %v", a, err)
		}
		var top []string
		for _, en := range entries {
			if !en.IsDir() && slices.Contains(inputExts, strings.ToLower(filepath.Ext(en.Name()))) {
				top = append(top, filepath.Join(a, en.Name()))
			}
		}
		found := 0
		for _, f := range all {
			if take(f) {
				found++
			} else if slices.Contains(top, f) {
				rest = append(rest, f)
			}
		}
		for _, f := range top {
			if !slices.Contains(all, f) {
				rest = append(rest, f) // .tf and .tfvars
			}
		}
		if found == 0 && len(top) == 0 {
			rest = append(rest, a) // let check report the empty folder
		}
	}
	e.printLoadWarnings(warns, false)
	return rest, objs, files, nil
}

// manifestObjects decodes a file as Kubernetes manifests; ok is false when
// it is something check reads otherwise.
func manifestObjects(name string, data []byte) ([]netpol.Object, []manifests.Warning, bool) {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	if bytes.Contains(head, []byte("aksnet.dev/")) || detectFormat(name, data) != formatDesign {
		return nil, nil, false
	}
	objs, warns, err := manifests.Decode(name, data)
	if err != nil {
		return nil, nil, false
	}
	if len(objs) > 0 {
		return objs, warns, true
	}
	for _, w := range warns {
		if kind, ok := skippedKind(w.Msg); ok && kind != design.Kind && kind != plan.Kind {
			return objs, warns, true // Kubernetes objects of kinds lint does not use
		}
	}
	return nil, nil, false
}

// netpolCheck runs the lint rules over the manifests of aksnet check with
// each cluster of the designs (once without a cluster when there is none),
// drops the findings repeated across clusters, and applies the designs'
// suppressions.
func netpolCheck(objs []netpol.Object, ls []loaded, ignore []string) ([]finding.Finding, []rules.Suppressed, error) {
	var clusters []lint.Cluster
	ipv6 := false
	var sups []design.Suppression
	for _, l := range ls {
		sups = append(sups, l.design.Spec.Suppressions...)
		for i := range l.design.Spec.Clusters {
			c := &l.design.Spec.Clusters[i]
			clusters = append(clusters, lint.FromDesign(l.design, c))
			ipv6 = ipv6 || c.DualStack()
		}
	}
	if len(clusters) == 0 {
		clusters = []lint.Cluster{{}}
	}
	r, err := netpol.AnalyzeWith(objs, netpol.Options{IPv6: ipv6})
	if err != nil {
		return nil, nil, inputError(err)
	}
	seen := map[string]bool{}
	var out []finding.Finding
	var suppressed []rules.Suppressed
	for _, cl := range clusters {
		for _, f := range lint.Check(r, objs, lint.Options{Cluster: cl, Ignore: ignore}) {
			key := fmt.Sprint(f.Rule, "\x00", f.Subject, "\x00", f.Message, "\x00", f.Location)
			if seen[key] {
				continue
			}
			seen[key] = true
			if i := slices.IndexFunc(sups, func(s design.Suppression) bool {
				return s.Rule == f.Rule && (s.Subject == "" || subjectMatches(s.Subject, f.Subject))
			}); i >= 0 {
				suppressed = append(suppressed, rules.Suppressed{Finding: f, Reason: sups[i].Reason})
				continue
			}
			out = append(out, f)
		}
	}
	finding.Sort(out)
	return out, suppressed, nil
}

func subjectMatches(pattern, subject string) bool {
	if pattern == subject {
		return true
	}
	ok, err := path.Match(pattern, subject)
	return err == nil && ok
}
