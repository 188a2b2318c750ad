package cli

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
	"github.com/aksnet/aksnet/netpol/render"
)

// netpolInputs are the flags every netpol subcommand shares.
type netpolInputs struct {
	files      []string
	ipv6       bool
	verbose    bool
	kubeconfig string
	context    string
}

func (in *netpolInputs) register(c *cobra.Command) {
	f := c.Flags()
	f.StringArrayVarP(&in.files, "file", "f", nil, "manifest file or folder to read (repeatable; - reads standard input)")
	f.BoolVar(&in.ipv6, "ipv6", false, "list the IPv6 address space among external peers even when no policy names an IPv6 block")
	f.BoolVarP(&in.verbose, "verbose", "v", false, "list every skipped document, not just a count per kind")
	f.StringVar(&in.kubeconfig, "kubeconfig", "", "also read namespaces, pods, Services and NetworkPolicies from the cluster this kubeconfig reaches")
	f.StringVar(&in.context, "context", "", "kubeconfig context to use with --kubeconfig (default: the current context)")
}

func (e *env) netpolCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "netpol",
		Short: "Analyse Kubernetes NetworkPolicies: who can reach whom, and why",
		Long: `Netpol reads Kubernetes manifests and computes what their NetworkPolicies
allow: every connection between workloads, and between workloads and
addresses outside the cluster, with the protocols and ports.

Inputs are files or folders (read recursively) of YAML or JSON: manifests as
kubectl apply takes them, rendered Helm output (helm template), and kubectl
get ... -o json|yaml output, including List objects. Pods, Deployments,
StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs and
CronJobs are workloads; Namespaces, Services and NetworkPolicies are read
too. Other documents are skipped with a warning.

Exit codes: 0 on success, 2 for usage or input errors (with file:line).`,
	}
	c.AddCommand(e.netpolListCommand(), e.netpolMatrixCommand(), e.netpolExplainCommand(), e.netpolDiffCommand(), e.netpolLintCommand())
	return c
}

// loadNetpol reads the inputs (files, folders, standard input and, with
// --kubeconfig, a running cluster) and analyses them.
func (e *env) loadNetpol(paths []string, in netpolInputs) (*netpol.Result, error) {
	if len(paths) == 0 && in.kubeconfig == "" {
		return nil, usageError("name manifest files or folders, - for standard input, or --kubeconfig PATH for a running cluster", "no input")
	}
	objs, _, err := e.readManifests(paths, in)
	if err != nil {
		return nil, err
	}
	r, err := netpol.AnalyzeWith(objs, netpol.Options{IPv6: in.ipv6})
	if err != nil {
		return nil, inputError(err)
	}
	for _, w := range r.Warnings() {
		fmt.Fprintf(e.stderr, "aksnet: warning: %s\n", w)
	}
	return r, nil
}

func inputError(err error) error {
	var me *manifests.Error
	var ie netpol.InputErrors
	switch {
	case errors.As(err, &me):
		return &exitError{code: ExitUsage, msg: me.Error()}
	case errors.As(err, &ie):
		return &exitError{code: ExitUsage, msg: ie.Error(), hint: "fix the objects named above; the Kubernetes API server would refuse them too"}
	}
	return &exitError{code: ExitUsage, msg: err.Error()}
}

// printLoadWarnings prints what the loader skipped. Documents of kinds the
// analysis does not use are counted per kind unless verbose.
func (e *env) printLoadWarnings(warns []manifests.Warning, verbose bool) {
	counts := map[string]int{}
	for _, w := range warns {
		kind, ok := skippedKind(w.Msg)
		if ok && !verbose {
			counts[kind]++
			continue
		}
		fmt.Fprintf(e.stderr, "aksnet: warning: %s\n", w)
	}
	if len(counts) == 0 {
		return
	}
	var parts []string
	total := 0
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
		total += counts[k]
	}
	fmt.Fprintf(e.stderr, "aksnet: warning: skipped %d objects of kinds NetworkPolicy analysis does not use (%s); -v lists them\n", total, strings.Join(parts, ", "))
}

// skippedKind recognises the loader's "skipped KIND ... not used by
// NetworkPolicy analysis" warnings.
func skippedKind(msg string) (string, bool) {
	if !strings.HasPrefix(msg, "skipped ") || !strings.HasSuffix(msg, "not used by NetworkPolicy analysis") {
		return "", false
	}
	fields := strings.Fields(msg)
	if len(fields) < 2 {
		return "", false
	}
	return fields[1], true
}

func checkFormat(format string, formats []string) error {
	if slices.Contains(formats, format) {
		return nil
	}
	return usageError("use -o "+strings.Join(formats, ", -o "), "unknown output format %q", format)
}

func (e *env) netpolListCommand() *cobra.Command {
	var in netpolInputs
	var format string
	c := &cobra.Command{
		Use:   "list [PATH...]",
		Short: "List every allowed connection",
		Long: `List prints every connection the NetworkPolicies allow, one per line:

  src => dst : conns

Workloads are named namespace/name[Kind]; addresses outside the cluster are
ranges first-last, split wherever an ipBlock starts or ends so that every
address of a range is treated alike. conns are protocols with port ranges
("TCP 8080,UDP 53") or "All Connections". The text format is the one
np-guard's netpol-analyzer list prints. Connections of a workload to itself
are not listed.`,
		Example: `  aksnet netpol list manifests/
  helm template shop ./chart | aksnet netpol list -o md -
  kubectl get pods,netpol,ns -A -o json > cluster.json && aksnet netpol list cluster.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, render.ListFormats()); err != nil {
				return err
			}
			r, err := e.loadNetpol(append(args, in.files...), in)
			if err != nil {
				return err
			}
			return render.List(e.stdout, format, r.AllConnections(), r.Workloads())
		},
	}
	in.register(c)
	c.Flags().StringVarP(&format, "output", "o", "txt", "output format: "+strings.Join(render.ListFormats(), ", "))
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(render.ListFormats()...))
	return c
}

func (e *env) netpolMatrixCommand() *cobra.Command {
	var in netpolInputs
	var format, by string
	c := &cobra.Command{
		Use:   "matrix [PATH...]",
		Short: "Show connectivity as a namespace or workload matrix",
		Long: `Matrix aggregates the allowed connections into a table: a row per source,
a column per destination, grouped by namespace (default) or workload, with
"external" for addresses outside the cluster. A cell holds the connections
some member of the row may open to some member of the column: "all", "-"
for none, or protocols and ports.`,
		Example: `  aksnet netpol matrix manifests/
  aksnet netpol matrix --by workload -o md manifests/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, render.MatrixFormats()); err != nil {
				return err
			}
			if by != "namespace" && by != "workload" {
				return usageError("use --by namespace or --by workload", "unknown --by value %q", by)
			}
			r, err := e.loadNetpol(append(args, in.files...), in)
			if err != nil {
				return err
			}
			m, err := render.NewMatrix(by, r.AllConnections(), r.Workloads())
			if err != nil {
				return err
			}
			return render.WriteMatrix(e.stdout, format, m)
		},
	}
	in.register(c)
	c.Flags().StringVarP(&format, "output", "o", "txt", "output format: "+strings.Join(render.MatrixFormats(), ", "))
	c.Flags().StringVar(&by, "by", "namespace", "group by namespace or workload")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(render.MatrixFormats()...))
	_ = c.RegisterFlagCompletionFunc("by", fixedCompletion("namespace", "workload"))
	return c
}

func (e *env) netpolExplainCommand() *cobra.Command {
	var in netpolInputs
	var format string
	c := &cobra.Command{
		Use:   "explain -f PATH... SRC DST [PROTO/PORT]",
		Short: "Explain whether one endpoint may reach another, and which policies decide",
		Long: `Explain says whether SRC may open connections to DST (on PROTO/PORT, such
as tcp/8080, udp/53 or tcp/8000-8100, or on anything when left out) and
shows, for the source's egress and the destination's ingress, every policy
that isolates it and the rules that admit the other end, with file:line.

SRC and DST are workloads (namespace/name[Kind], namespace/name, or a name
that is unique) or external addresses (an address, a CIDR prefix, or a
range first-last). The manifests come from -f.`,
		Example: `  aksnet netpol explain -f manifests/ frontend/web backend/api tcp/8080
  aksnet netpol explain -f manifests/ shop/web 8.8.8.8 udp/53`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || len(args) > 3 {
				return usageError("run 'aksnet netpol explain --help' for usage", "explain takes SRC DST and optionally PROTO/PORT, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, render.ExplainFormats()); err != nil {
				return err
			}
			var q netpol.ConnSet
			if len(args) == 3 {
				var ok bool
				if q, ok = netpol.ParseConnSet(args[2]); !ok || q.IsEmpty() {
					return usageError("write the connection as PROTO/PORT or PROTO/FIRST-LAST, such as tcp/8080, udp/53 or tcp/8000-8100", "%q is not a protocol and port", args[2])
				}
			}
			if len(in.files) == 0 {
				return usageError("name the manifests with -f FILE_OR_FOLDER", "no input")
			}
			r, err := e.loadNetpol(in.files, in)
			if err != nil {
				return err
			}
			src, err := r.ParseEndpoint(args[0])
			if err != nil {
				return usageError("", "source: %v", err)
			}
			dst, err := r.ParseEndpoint(args[1])
			if err != nil {
				return usageError("", "destination: %v", err)
			}
			return render.Explain(e.stdout, format, r.Explain(src, dst, q))
		},
	}
	in.register(c)
	c.Flags().StringVarP(&format, "output", "o", "txt", "output format: "+strings.Join(render.ExplainFormats(), ", "))
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(render.ExplainFormats()...))
	return c
}

func (e *env) netpolDiffCommand() *cobra.Command {
	var in netpolInputs
	var format string
	var exitCode bool
	c := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Show the connections a change adds and removes",
		Long: `Diff analyses two versions of a set of manifests (each a file or a folder)
and prints every connection that was added, removed or changed, and the
workloads that exist in one version only. External addresses are split at
the ipBlock edges of both versions.

With --exit-code, diff exits 1 when the connectivity differs.`,
		Example: `  aksnet netpol diff main/manifests/ branch/manifests/
  aksnet netpol diff --exit-code -o md before.yaml after.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError("run 'aksnet netpol diff --help' for usage", "diff takes OLD and NEW, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, render.DiffFormats()); err != nil {
				return err
			}
			old, err := e.loadNetpol([]string{args[0]}, in)
			if err != nil {
				return err
			}
			cur, err := e.loadNetpol([]string{args[1]}, in)
			if err != nil {
				return err
			}
			d := netpol.Diff(old, cur)
			if err := render.Diff(e.stdout, format, d); err != nil {
				return err
			}
			if exitCode && (len(d.Changes) > 0 || len(d.AddedWorkloads) > 0 || len(d.RemovedWorkloads) > 0) {
				return errFindings
			}
			return nil
		},
	}
	c.Flags().BoolVar(&in.ipv6, "ipv6", false, "list the IPv6 address space among external peers even when no policy names an IPv6 block")
	c.Flags().BoolVarP(&in.verbose, "verbose", "v", false, "list every skipped document, not just a count per kind")
	c.Flags().StringVarP(&format, "output", "o", "txt", "output format: "+strings.Join(render.DiffFormats(), ", "))
	c.Flags().BoolVar(&exitCode, "exit-code", false, "exit 1 when the connectivity differs")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion(render.DiffFormats()...))
	return c
}
