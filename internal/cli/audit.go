package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/audit"
	"github.com/aksnet/aksnet/collect"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer/kubectl"
	"github.com/aksnet/aksnet/report"
)

type auditFlags struct {
	cluster    string
	designs    []string
	format     string
	output     string
	failOn     string
	color      string
	kubeconfig string
	context    string
	pageSize   int64
}

// kubectlResources are the kubectl outputs a bundle may hold, by base name
// without extension (.json, .yaml or .yml). Only the first three are
// audited; namespaces and NetworkPolicies are kept for NetworkPolicy
// analysis.
var kubectlResources = []string{"nodes", "pods", "services", "namespaces", "networkpolicies"}

// auditedResources are read in this order: nodes and Services (few) before
// pods (many, streamed).
var auditedResources = []string{"nodes", "services", "pods"}

func (e *env) auditCommand() *cobra.Command {
	var fl auditFlags
	c := &cobra.Command{
		Use:   "audit [--cluster NAME] [--design FILE...] (BUNDLE_DIR | --kubeconfig PATH [--context CTX])",
		Short: "Check what a running cluster shows against its design",
		Long: `Audit compares a running cluster with what its design says should be.

What runs comes from a bundle folder or, with --kubeconfig, straight from the
cluster's API server (nodes, Services and pods listed in pages of
--page-size, so memory stays bounded on clusters of any size). A bundle is
what 'aksnet collect' writes, or a folder you fill yourself with
  kubectl get nodes -o json        > nodes.json
  kubectl get pods -A -o json      > pods.json
  kubectl get services -A -o json  > services.json
JSON files are read with a streaming decoder, one pod at a time, so a
pods.json of hundreds of thousands of pods needs little memory; YAML
(-o yaml) is accepted too but read whole. A progress bar shows on standard
error when it is a terminal.

What should be comes from design files (--design, or aksnet designs in the
bundle). az CLI output in the bundle (az aks show, az aks nodepool list,
az network vnet list, ...) is what Azure shows: with a design, each
difference between the two is a design-drift finding (network plugin and
mode, pod and Service CIDRs, DNS service IP, outbound type, node pool
subnets, maxPods and counts, VNet address spaces and subnets); without one,
the az output stands in for the design.

Audit reports node InternalIPs outside their pool's node subnet, pod IPs
outside the pod CIDR or pod subnet, Service ClusterIPs outside the Service
CIDRs, a kube-dns ClusterIP that is not the DNS service IP, for each node
subnet the addresses the observed nodes take and whether the next
upgrade's surge nodes still fit, and drift. Findings point into the
design; the message names the node, pod, Service or az value.

Exit codes: 0 when no finding is at or above --fail-on, 1 when one is,
2 for usage or input errors.`,
		Example: `  aksnet collect -g rg-aks-prod -n aks-prod bundle/ && aksnet audit --design designs/prod.yaml bundle/
  aksnet audit --cluster aks-prod bundle/
  aksnet audit --kubeconfig ~/.kube/config --context aks-prod --cluster aks-prod --design designs/prod.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bundle := ""
			if len(args) == 1 {
				bundle = args[0]
			}
			return e.runAudit(bundle, fl)
		},
	}
	f := c.Flags()
	f.StringVar(&fl.cluster, "cluster", "", "name of the cluster in the design (may be left out when the design has one cluster)")
	f.StringSliceVar(&fl.designs, "design", nil, "design or az file (or folder) describing what should be (repeatable)")
	f.StringVarP(&fl.output, "output", "o", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&fl.format, "format", formatAuto, "format of the --design inputs: "+strings.Join(inputFormats, ", "))
	f.StringVar(&fl.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
	f.StringVar(&fl.color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is honoured)")
	f.StringVar(&fl.kubeconfig, "kubeconfig", "", "read nodes, Services and pods from the cluster this kubeconfig reaches, instead of a bundle")
	f.StringVar(&fl.context, "context", "", "kubeconfig context to use with --kubeconfig (default: the current context)")
	f.Int64Var(&fl.pageSize, "page-size", kubectl.DefaultPageSize, "objects per list request with --kubeconfig")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(report.Formats()...))
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletion(inputFormats...))
	_ = c.RegisterFlagCompletionFunc("fail-on", fixedCompletion("error", "warning", "info"))
	_ = c.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	return c
}

// bundleFiles sorts the files of a bundle folder.
type bundleFiles struct {
	// kubectl maps a resource (nodes, pods, ...) to its files.
	kubectl map[string][]string
	// az are az CLI outputs: what Azure shows.
	az []string
	// designs are design (or Terraform) inputs found in the folder.
	designs []string
	// warnings are printed before the audit.
	warnings []string
}

func (b *bundleFiles) hasKubectl() bool {
	for _, r := range auditedResources {
		if len(b.kubectl[r]) > 0 {
			return true
		}
	}
	return false
}

// readBundle sorts the files of a bundle folder. With a manifest.json
// (aksnet collect) the manifest says what each file is; other design files
// in the folder are used too. Without one, kubectl outputs are known by
// name and the rest by content.
func (e *env) readBundle(dir string) (*bundleFiles, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, usageError("pass the folder 'aksnet collect' (or the kubectl commands in 'aksnet audit --help') wrote", "%s: no such folder", dir)
		}
		return nil, usageError("", "%s: %v", dir, err)
	}
	if !st.IsDir() {
		return nil, usageError("pass the bundle folder holding nodes.json, pods.json and services.json", "%s is a file, not a bundle folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, usageError("", "%s: %v", dir, err)
	}
	b := &bundleFiles{kubectl: map[string][]string{}}
	listed := map[string]bool{}
	manPath := filepath.Join(dir, collect.ManifestFile)
	if data, err := e.readFile(manPath); err == nil {
		man, err := collect.ReadManifest(data)
		if err != nil {
			return nil, usageError("the manifest must be the one aksnet collect wrote; remove it to audit the folder by file names",
				"%s: %v", manPath, err)
		}
		listed[collect.ManifestFile] = true
		for _, c := range man.Commands {
			if !c.OK() {
				b.warnings = append(b.warnings, fmt.Sprintf("%s: '%s' failed when the bundle was collected (%s); the checks that need its output are skipped",
					manPath, strings.Join(c.Command, " "), c.Error))
				continue
			}
			listed[c.File] = true
			p := filepath.Join(dir, c.File)
			if c.Tool == "az" {
				b.az = append(b.az, p)
			} else if slices.Contains(auditedResources, c.Resource) {
				b.kubectl[c.Resource] = append(b.kubectl[c.Resource], p)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, usageError("", "%s: cannot read: %v", manPath, err)
	}
	for _, en := range entries {
		name := en.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if en.IsDir() || listed[name] || (ext != ".json" && ext != ".yaml" && ext != ".yml") {
			continue
		}
		p := filepath.Join(dir, name)
		base := strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
		if slices.Contains(kubectlResources, base) {
			if len(listed) > 0 {
				b.warnings = append(b.warnings, fmt.Sprintf("%s is not in %s; it is ignored", p, collect.ManifestFile))
			} else if slices.Contains(auditedResources, base) {
				b.kubectl[base] = append(b.kubectl[base], p)
			}
			continue
		}
		data, err := e.readFile(p)
		if err != nil {
			return nil, usageError("", "%s: cannot read: %v", p, err)
		}
		switch detectFormat(p, data) {
		case formatAz:
			if len(listed) > 0 {
				b.warnings = append(b.warnings, fmt.Sprintf("%s is az output not in %s; it is ignored", p, collect.ManifestFile))
				continue
			}
			b.az = append(b.az, p)
		default:
			b.designs = append(b.designs, p)
		}
	}
	return b, nil
}

// observedCluster picks the cluster of the az outputs to compare with the
// design's cluster: the one of the same name, or the only one.
func observedCluster(d *design.Design, name string) string {
	for _, c := range d.Spec.Clusters {
		if strings.EqualFold(c.Name, name) {
			return c.Name
		}
	}
	if len(d.Spec.Clusters) == 1 {
		return d.Spec.Clusters[0].Name
	}
	return ""
}

func (e *env) runAudit(bundle string, fl auditFlags) error {
	failOn, err := finding.ParseSeverity(fl.failOn)
	if err != nil {
		return usageError("use --fail-on error, warning or info", "%v", err)
	}
	if !slices.Contains(report.Formats(), fl.output) {
		return usageError("use one of: "+strings.Join(report.Formats(), ", "), "unknown output format %q", fl.output)
	}
	if !slices.Contains(inputFormats, fl.format) {
		return usageError("use --format "+strings.Join(inputFormats, ", "), "unknown input format %q", fl.format)
	}
	color, err := e.colorFor(e.stdout, fl.color)
	if err != nil {
		return err
	}
	if bundle == "" && fl.kubeconfig == "" {
		return usageError("pass the bundle folder 'aksnet collect' wrote, or --kubeconfig PATH to read the cluster directly",
			"audit needs BUNDLE_DIR or --kubeconfig")
	}
	if fl.context != "" && fl.kubeconfig == "" {
		return usageError("pass --kubeconfig PATH with --context (for a bundle, choose the context when collecting)", "--context needs --kubeconfig")
	}
	b := &bundleFiles{kubectl: map[string][]string{}}
	if bundle != "" {
		if b, err = e.readBundle(bundle); err != nil {
			return err
		}
	}
	if fl.kubeconfig != "" && b.hasKubectl() {
		return usageError("leave out --kubeconfig to audit the bundle's kubectl output, or pass a folder without it",
			"%s holds kubectl output and --kubeconfig reads the cluster too; pass one of them", bundle)
	}
	for _, w := range b.warnings {
		fmt.Fprintf(e.stderr, "aksnet: warning: %s\n", w)
	}

	// What should be, and what Azure shows.
	designInputs := append(slices.Clone(fl.designs), b.designs...)
	var ls, observedAz []loaded
	switch {
	case len(designInputs) > 0:
		if ls, err = e.loadInputs(designInputs, fl.format); err != nil {
			return err
		}
		if len(b.az) > 0 {
			if observedAz, err = e.loadInputs(b.az, formatAz); err != nil {
				return err
			}
		}
	case len(b.az) > 0:
		if ls, err = e.loadInputs(b.az, formatAz); err != nil {
			return err
		}
	default:
		where := bundle
		if where == "" {
			where = "the command line"
		}
		return usageError("put the design (or az aks show and az network vnet show output) in the bundle, or pass --design FILE",
			"%s holds no design to audit against", where)
	}
	d, cluster, err := pickCluster(ls, fl.cluster)
	if err != nil {
		return err
	}
	in := report.Input{Version: version(), FailOn: failOn}
	for _, l := range ls {
		in.Files = append(in.Files, l.files...)
	}
	var drift []finding.Finding
	for _, o := range observedAz {
		in.Files = append(in.Files, o.files...)
		oc := observedCluster(o.design, cluster)
		if oc == "" {
			fmt.Fprintf(e.stderr, "aksnet: warning: the az output (%s) holds no cluster to compare with %s (add az aks show and az aks nodepool list output); drift is not checked\n",
				o.file, cluster)
			continue
		}
		drift = append(drift, audit.Drift(d, cluster, o.design, oc)...)
	}

	// What runs.
	a := audit.New(d, cluster)
	h := kubectl.Handler{
		Node:    func(n audit.Node) error { a.AddNode(n); return nil },
		Service: func(s audit.Service) error { a.AddService(s); return nil },
		Pod:     func(p audit.Pod) error { a.AddPod(p); return nil },
	}
	if fl.kubeconfig != "" {
		if err := e.auditLive(fl, h); err != nil {
			return err
		}
	} else {
		files, err := e.auditBundle(bundle, b, len(observedAz) > 0, h)
		if err != nil {
			return err
		}
		in.Files = append(in.Files, files...)
	}

	in.Findings = append(a.Findings(), drift...)
	finding.Sort(in.Findings)
	if fl.output == "text" {
		err = report.Text(e.stdout, in, report.TextOptions{Color: color})
	} else {
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

// auditBundle streams the bundle's kubectl outputs through h: nodes and
// Services first, then pods. It returns the files read.
func (e *env) auditBundle(bundle string, b *bundleFiles, drift bool, h kubectl.Handler) ([]string, error) {
	if !b.hasKubectl() {
		if !drift {
			return nil, usageError("write them with: kubectl get nodes -o json > nodes.json (and the same for pods -A and services -A), or run aksnet collect",
				"%s holds none of nodes.json, pods.json, services.json", bundle)
		}
		fmt.Fprintf(e.stderr, "aksnet: warning: %s holds no kubectl output; only drift is checked\n", bundle)
		return nil, nil
	}
	for _, r := range auditedResources {
		if len(b.kubectl[r]) == 0 {
			fmt.Fprintf(e.stderr, "aksnet: warning: %s has no %s.json; the checks that need it are skipped\n", bundle, r)
		}
	}
	var files, msgs []string
	for _, r := range auditedResources {
		for _, p := range b.kubectl[r] {
			files = append(files, p)
			if err := e.streamFile(p, h); err != nil {
				msgs = append(msgs, err.Error())
			}
		}
	}
	if len(msgs) > 0 {
		return nil, &exitError{code: ExitUsage, msg: strings.Join(msgs, "\n"),
			hint: "the bundle files must be the unchanged output of kubectl get nodes / pods -A / services -A with -o json or -o yaml"}
	}
	return files, nil
}

// progressMinBytes is the smallest file read with a progress bar.
const progressMinBytes = 4 << 20

// streamFile decodes one kubectl output file through h, with a progress
// bar on a terminal for large files.
func (e *env) streamFile(path string, h kubectl.Handler) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: cannot read: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = f
	if st, err := f.Stat(); err == nil && st.Size() >= progressMinBytes {
		if bar := e.progress(filepath.Base(path), st.Size()); bar != nil {
			r = &progressReader{r: f, bar: bar}
			defer bar.finish()
		}
	}
	return kubectl.Stream(path, r, h)
}

// auditLive lists the cluster's nodes, Services and pods through h.
func (e *env) auditLive(fl auditFlags, h kubectl.Handler) error {
	client, host, err := kubectl.NewClient(fl.kubeconfig, fl.context)
	if err != nil {
		return usageError("check the path and, with --context, the context name (kubectl config get-contexts lists them)", "%v", err)
	}
	if bar := e.progress("pods listed", 0); bar != nil {
		defer bar.finish()
		pod := h.Pod
		h.Pod = func(p audit.Pod) error { bar.add(1); return pod(p) }
	}
	if err := kubectl.Live(e.ctx, client, fl.pageSize, h); err != nil {
		return &exitError{code: ExitUsage, msg: fmt.Sprintf("%s: %v", host, err)}
	}
	return nil
}

// progress returns a progress bar on standard error when it is a
// terminal, and nil otherwise (a pipe, a file, a test buffer).
func (e *env) progress(label string, total int64) *progressBar {
	f, ok := e.stderr.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) || e.getenv("TERM") == "dumb" {
		return nil
	}
	return newProgressBar(e.stderr, label, total, time.Now)
}

// progressBar draws one line on a terminal: for a file, how much of it was
// read ("pods.json [=====>    ]  42%  345.1 MB / 820.7 MB"); with no total,
// a count ("pods listed  12,500").
type progressBar struct {
	w     io.Writer
	label string
	total int64
	n     int64
	now   func() time.Time
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer, label string, total int64, now func() time.Time) *progressBar {
	return &progressBar{w: w, label: label, total: total, now: now}
}

// redraw is the least time between two drawings.
const redraw = 100 * time.Millisecond

func (p *progressBar) add(n int64) {
	p.n += n
	if t := p.now(); !p.drawn || t.Sub(p.last) >= redraw {
		p.last = t
		p.draw()
	}
}

func (p *progressBar) draw() {
	p.drawn = true
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r%s  %s%s", p.label, groupDigits(p.n), eraseLine)
		return
	}
	const width = 30
	done := min(p.n, p.total)
	fill := int(done * width / p.total)
	bar := strings.Repeat("=", fill)
	if fill < width {
		bar += ">" + strings.Repeat(" ", width-fill-1)
	}
	fmt.Fprintf(p.w, "\r%s [%s] %3d%%  %s / %s%s", p.label, bar, done*100/p.total, humanBytes(done), humanBytes(p.total), eraseLine)
}

// eraseLine clears the rest of the terminal line, left over from a longer
// earlier drawing.
const eraseLine = "\x1b[K"

// finish draws the final state and ends the line.
func (p *progressBar) finish() {
	p.draw()
	fmt.Fprintln(p.w)
}

// groupDigits writes 12500 as 12,500.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// progressReader counts the bytes read through it on a progress bar.
type progressReader struct {
	r   io.Reader
	bar *progressBar
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.bar.add(int64(n))
	return n, err
}

// pickCluster finds the design that holds the cluster to audit.
func pickCluster(ls []loaded, name string) (*design.Design, string, error) {
	type cand struct {
		l    loaded
		name string
	}
	var all, match []cand
	for _, l := range ls {
		for _, c := range l.design.Spec.Clusters {
			all = append(all, cand{l, c.Name})
			if c.Name == name {
				match = append(match, cand{l, c.Name})
			}
		}
	}
	names := func() string {
		var s []string
		for _, c := range all {
			s = append(s, c.name+" ("+c.l.file+")")
		}
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	}
	if name == "" {
		if len(all) == 1 {
			return all[0].l.design, all[0].name, nil
		}
		return nil, "", usageError("pass --cluster NAME", "the design inputs hold %d clusters, so --cluster must say which one to audit; clusters: %s", len(all), names())
	}
	switch len(match) {
	case 0:
		return nil, "", usageError("pass --design with the file that describes the cluster, or fix --cluster", "no design input describes cluster %q; clusters: %s", name, names())
	case 1:
		return match[0].l.design, name, nil
	}
	return nil, "", usageError("pass --design with only the file that describes the cluster", "cluster %q is described more than once: %s", name, names())
}
