package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/audit"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer/kubectl"
	"github.com/aksnet/aksnet/report"
)

type auditFlags struct {
	cluster string
	designs []string
	format  string
	output  string
	failOn  string
	color   string
}

// observedFiles are the kubectl outputs a bundle holds, by base name
// without extension; each may be .json, .yaml or .yml.
var observedFiles = []string{"nodes", "pods", "services"}

func (e *env) auditCommand() *cobra.Command {
	var fl auditFlags
	c := &cobra.Command{
		Use:   "audit [--cluster NAME] [--design FILE...] BUNDLE_DIR",
		Short: "Check what a running cluster shows against its design",
		Long: `Audit compares a running cluster with what its design says should be.

BUNDLE_DIR holds the output of
  kubectl get nodes -o json        > nodes.json
  kubectl get pods -A -o json      > pods.json
  kubectl get services -A -o json  > services.json
(YAML is accepted too) and, optionally, the design side: aksnet design
files or az CLI -o json output (any other *.yaml, *.yml or *.json in the
folder). --design adds design files from elsewhere.

Audit reports node InternalIPs outside their pool's node subnet, pod IPs
outside the pod CIDR or pod subnet, Service ClusterIPs outside the Service
CIDRs, a kube-dns ClusterIP that is not the DNS service IP, and for each
node subnet the addresses the observed nodes take and whether the next
upgrade's surge nodes still fit. Findings point into the design; the
message names the node, pod or Service.

Exit codes: 0 when no finding is at or above --fail-on, 1 when one is,
2 for usage or input errors.`,
		Example: `  aksnet audit --cluster aks-prod bundle/
  aksnet audit --cluster aks-prod --design designs/prod.yaml -o json bundle/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runAudit(args[0], fl)
		},
	}
	f := c.Flags()
	f.StringVar(&fl.cluster, "cluster", "", "name of the cluster in the design (may be left out when the design has one cluster)")
	f.StringSliceVar(&fl.designs, "design", nil, "design or az file (or folder) describing what should be (repeatable)")
	f.StringVarP(&fl.output, "output", "o", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&fl.format, "format", formatAuto, "format of the design inputs: auto, design, az or terraform")
	f.StringVar(&fl.failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
	f.StringVar(&fl.color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is honoured)")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(report.Formats()...))
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletion(inputFormats...))
	_ = c.RegisterFlagCompletionFunc("fail-on", fixedCompletion("error", "warning", "info"))
	_ = c.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	return c
}

// splitBundle sorts the files of a bundle folder into kubectl outputs and
// design inputs.
func splitBundle(dir string) (observed, designs []string, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, usageError("pass the folder 'aksnet collect' (or the kubectl commands in 'aksnet audit --help') wrote", "%s: no such folder", dir)
		}
		return nil, nil, usageError("", "%s: %v", dir, err)
	}
	if !st.IsDir() {
		return nil, nil, usageError("pass the bundle folder holding nodes.json, pods.json and services.json", "%s is a file, not a bundle folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, usageError("", "%s: %v", dir, err)
	}
	for _, en := range entries {
		name := en.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if en.IsDir() || (ext != ".json" && ext != ".yaml" && ext != ".yml") {
			continue
		}
		if slices.Contains(observedFiles, strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))) {
			observed = append(observed, filepath.Join(dir, name))
		} else {
			designs = append(designs, filepath.Join(dir, name))
		}
	}
	return observed, designs, nil
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
	observedPaths, bundleDesigns, err := splitBundle(bundle)
	if err != nil {
		return err
	}
	if len(observedPaths) == 0 {
		return usageError("write them with: kubectl get nodes -o json > nodes.json (and the same for pods -A and services -A)",
			"%s holds none of nodes.json, pods.json, services.json", bundle)
	}
	for _, base := range observedFiles {
		if !slices.ContainsFunc(observedPaths, func(p string) bool {
			return strings.EqualFold(strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), base)
		}) {
			fmt.Fprintf(e.stderr, "aksnet: warning: %s has no %s.json; the checks that need it are skipped\n", bundle, base)
		}
	}
	designInputs := append(slices.Clone(fl.designs), bundleDesigns...)
	if len(designInputs) == 0 {
		return usageError("put the design (or az aks show and az network vnet show output) in the bundle, or pass --design FILE",
			"%s holds no design to audit against", bundle)
	}
	ls, err := e.loadInputs(designInputs, fl.format)
	if err != nil {
		return err
	}
	d, cluster, err := pickCluster(ls, fl.cluster)
	if err != nil {
		return err
	}

	var obs audit.Observed
	var msgs []string
	for _, p := range observedPaths {
		data, err := e.readFile(p)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("%s: cannot read: %v", p, err))
			continue
		}
		o, err := kubectl.Decode(p, data)
		if err != nil {
			msgs = append(msgs, err.Error())
			continue
		}
		obs.Nodes = append(obs.Nodes, o.Nodes...)
		obs.Pods = append(obs.Pods, o.Pods...)
		obs.Services = append(obs.Services, o.Services...)
	}
	if len(msgs) > 0 {
		return &exitError{code: ExitUsage, msg: strings.Join(msgs, "\n"),
			hint: "the bundle files must be the unchanged output of kubectl get nodes / pods -A / services -A with -o json or -o yaml"}
	}

	in := report.Input{Version: version(), FailOn: failOn}
	for _, l := range ls {
		in.Files = append(in.Files, l.files...)
	}
	in.Files = append(in.Files, observedPaths...)
	in.Findings = audit.Audit(d, cluster, obs)
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
