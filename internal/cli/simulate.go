package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/simulate"
	"github.com/aksnet/aksnet/sizing"
)

// simulateCommand is "aksnet simulate upgrade|scale|add-pool".
func (e *env) simulateCommand() *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "simulate",
		Short: "Step through an upgrade, a scale-out or a new node pool and find where addresses run out",
		Long: `Simulate steps through a lifecycle operation on a design the way AKS carries it
out — surge nodes appear, old nodes drain and are deleted, batch by batch — and
shows after every step how much of each range the operation touches is in use:
the node subnet, the pod subnet and the cluster's pod CIDR. Everything else
sits at its maximum (every pool at maxCount, private endpoints and load
balancer frontends in place). The first step that does not fit is reported
with the error AKS would give: SubnetIsFull (node or pod subnet),
InsufficientSubnetSize (pod CIDR) or PoolSizeLimit (over 1,000 instances).

Exit codes: 0 when every step fits, 1 when a step fails, 2 for usage or
input errors.`,
		Example: `  aksnet simulate upgrade examples/seed-anti.yaml
  aksnet simulate upgrade design.yaml --cluster aks-prod --pool apps
  aksnet simulate scale design.yaml --cluster aks-prod --pool apps --to 120
  aksnet simulate add-pool design.yaml --cluster aks-prod --name batch --nodes 20 --max-pods 50
  aksnet simulate upgrade -o json design.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("use aksnet simulate upgrade, scale or add-pool", "unknown operation %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("use aksnet simulate upgrade, scale or add-pool", "name the operation to simulate")
		},
	}
	c.PersistentFlags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	c.AddCommand(e.simulateUpgradeCommand(&output), e.simulateScaleCommand(&output), e.simulateAddPoolCommand(&output))
	return c
}

func (e *env) simulateUpgradeCommand(output *string) *cobra.Command {
	var o simulate.UpgradeOptions
	c := &cobra.Command{
		Use:   "upgrade DESIGN",
		Short: "Simulate a rolling node-image or Kubernetes upgrade",
		Long: `Upgrade replaces every node of each pool in batches of maxSurge (a count, or a
percentage of the pool rounded up; by default 10% from Kubernetes 1.32, 1 node
before): the batch's new nodes appear, then as many old nodes drain and are
deleted. With maxUnavailable, old nodes are drained before the new ones
appear. Pools start at their maximum node count and are upgraded one after
another; --parallel upgrades the pools of a cluster together, which is the
worst case.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := checkOutput(*output); err != nil {
				return err
			}
			d, err := e.loadOne(args[0])
			if err != nil {
				return err
			}
			r, err := simulate.Upgrade(d, o)
			if err != nil {
				return simError(err)
			}
			return e.writeSimulation(*output, args[0], r)
		},
	}
	c.Flags().StringVar(&o.Cluster, "cluster", "", "upgrade only this cluster")
	c.Flags().StringVar(&o.Pool, "pool", "", "upgrade only this pool")
	c.Flags().BoolVar(&o.Parallel, "parallel", false, "upgrade the pools of each cluster at the same time")
	return c
}

func (e *env) simulateScaleCommand(output *string) *cobra.Command {
	var o simulate.ScaleOptions
	c := &cobra.Command{
		Use:   "scale DESIGN --cluster C --pool P --to N",
		Short: "Simulate scaling a node pool to N nodes",
		Long: `Scale takes a pool from its count (minCount when it autoscales) to N nodes in
one request and names the first node that does not fit. It also shows the
largest node count that fits, and warns when the pool's autoscaler maxCount is
above it or when the next upgrade at N nodes would not fit.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(*output); err != nil {
				return err
			}
			if err := requireFlags(cmd, "cluster", "pool", "to"); err != nil {
				return err
			}
			d, err := e.loadOne(args[0])
			if err != nil {
				return err
			}
			r, err := simulate.Scale(d, o)
			if err != nil {
				return simError(err)
			}
			return e.writeSimulation(*output, args[0], r)
		},
	}
	c.Flags().StringVar(&o.Cluster, "cluster", "", "cluster of the pool (required)")
	c.Flags().StringVar(&o.Pool, "pool", "", "pool to scale (required)")
	c.Flags().IntVar(&o.To, "to", 0, "node count to scale to (required)")
	return c
}

func (e *env) simulateAddPoolCommand(output *string) *cobra.Command {
	var (
		cluster, name, subnet, podSubnet, osName, surge string
		nodes, maxPods                                  int
	)
	c := &cobra.Command{
		Use:   "add-pool DESIGN --cluster C --name P --nodes N",
		Short: "Simulate adding a node pool, and its first upgrade",
		Long: `Add-pool creates a User pool of N nodes in a cluster, then simulates its first
upgrade. The node subnet defaults to that of the cluster's first pool and, in
clusters with pod subnets, the pod subnet to the first one a pool uses.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(*output); err != nil {
				return err
			}
			if err := requireFlags(cmd, "cluster", "name", "nodes"); err != nil {
				return err
			}
			p := design.NodePool{Name: name, Mode: design.ModeUser, Count: &nodes, Subnet: subnet, PodSubnet: podSubnet, MaxSurge: surge}
			switch strings.ToLower(osName) {
			case "linux", "":
				p.OS = design.OSLinux
			case "windows":
				p.OS = design.OSWindows
			default:
				return usageError("use --os Linux or Windows", "unknown --os %q", osName)
			}
			if cmd.Flags().Changed("max-pods") {
				p.MaxPods = &maxPods
			}
			if surge != "" {
				if _, _, ok := design.ParseSurge(surge); !ok {
					return usageError("write a node count such as 1 or a percentage such as 33%", "--max-surge %q does not parse", surge)
				}
			}
			d, err := e.loadOne(args[0])
			if err != nil {
				return err
			}
			r, err := simulate.AddPool(d, simulate.AddPoolOptions{Cluster: cluster, Pool: p})
			if err != nil {
				return simError(err)
			}
			return e.writeSimulation(*output, args[0], r)
		},
	}
	f := c.Flags()
	f.StringVar(&cluster, "cluster", "", "cluster to add the pool to (required)")
	f.StringVar(&name, "name", "", "name of the new pool (required)")
	f.IntVar(&nodes, "nodes", 0, "node count of the new pool (required)")
	f.IntVar(&maxPods, "max-pods", 0, "maxPods of the new pool (default: the AKS default for the cluster's network mode)")
	f.StringVar(&subnet, "subnet", "", "node subnet, as subnet or vnet/subnet (default: the first pool's)")
	f.StringVar(&podSubnet, "pod-subnet", "", "pod subnet (default: the first pod subnet the cluster uses)")
	f.StringVar(&osName, "os", "Linux", "operating system: Linux or Windows")
	f.StringVar(&surge, "max-surge", "", "maxSurge of the new pool, such as 1 or 33% (default: the AKS default)")
	_ = c.RegisterFlagCompletionFunc("os", fixedCompletion("Linux", "Windows"))
	return c
}

// checkOutput rejects unknown -o values before any work.
func checkOutput(output string) error {
	if output != "text" && output != "json" {
		return usageError("use -o text or -o json", "unknown output format %q", output)
	}
	return nil
}

// requireFlags reports the first of names that was not given.
func requireFlags(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			missing = append(missing, "--"+n)
		}
	}
	if len(missing) > 0 {
		return usageError("run '"+cmd.CommandPath()+" --help' for usage", "%s needs %s", cmd.CommandPath(), strings.Join(missing, ", "))
	}
	return nil
}

// loadOne reads one design file.
func (e *env) loadOne(arg string) (*design.Design, error) {
	ls, err := e.loadDesigns([]string{arg})
	if err != nil {
		return nil, err
	}
	if len(ls) != 1 {
		return nil, usageError("name one design file", "%s holds %d designs; simulate takes one", arg, len(ls))
	}
	return ls[0].design, nil
}

// simError turns a simulation input error into a usage error.
func simError(err error) error {
	var ie *simulate.InputError
	if errors.As(err, &ie) {
		hint := ie.Hint
		if hint == "name the cluster as well" {
			hint = "add --cluster NAME"
		}
		return usageError(hint, "%s", ie.Msg)
	}
	return &exitError{code: ExitUsage, msg: err.Error()}
}

// writeSimulation prints the result and returns errFindings when a step fails.
func (e *env) writeSimulation(output, file string, r *simulate.Result) error {
	var err error
	if output == "json" {
		err = writeSimulationJSON(e.stdout, file, r)
	} else {
		err = writeSimulationText(e.stdout, file, r)
	}
	if err != nil {
		return &exitError{code: ExitUsage, msg: fmt.Sprintf("writing output: %v", err)}
	}
	if !r.OK() {
		return errFindings
	}
	return nil
}

func writeSimulationJSON(w io.Writer, file string, r *simulate.Result) error {
	out := struct {
		Version string `json:"version"`
		File    string `json:"file"`
		OK      bool   `json:"ok"`
		Verdict string `json:"verdict"`
		*simulate.Result
	}{version(), file, r.OK(), r.Verdict(), r}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// simulationHeading says what was simulated, in one line.
func simulationHeading(file string, r *simulate.Result) string {
	pools := strings.Join(r.Pools, ", ")
	switch r.Operation {
	case simulate.OpScale:
		return fmt.Sprintf("Scale of %s to %s nodes in %s.", pools, sizing.Count(uint64(max(r.Target, 0))), file)
	case simulate.OpAddPool:
		return fmt.Sprintf("New pool %s with %s nodes in %s, then its first upgrade.", pools, sizing.Count(uint64(max(r.Target, 0))), file)
	}
	how := "one pool at a time"
	if r.Parallel {
		how = "the pools of each cluster at the same time"
	}
	if len(r.Pools) == 1 {
		how = "one pool"
	}
	return fmt.Sprintf("Upgrade of %s in %s, %s.", pools, file, how)
}

func writeSimulationText(w io.Writer, file string, r *simulate.Result) error {
	var b strings.Builder
	b.WriteString(simulationHeading(file, r) + "\n")
	b.WriteString("Each step shows what is in use in every range it touches, before and after it;\npod CIDRs count /24 blocks (one per node), subnets count addresses.\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tWHAT\tRANGE\tUSABLE\tBEFORE\tAFTER\tRESULT")
	for _, st := range r.Steps {
		num, what := fmt.Sprint(st.Number), st.Description
		if len(st.Ranges) == 0 {
			res := "ok"
			if !st.OK {
				res = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t%s\n", num, what, res)
			continue
		}
		for i, ru := range st.Ranges {
			after := sizing.Count(ru.After)
			if ru.FullAfter != 0 {
				after += " (" + sizing.Count(ru.FullAfter) + " at maxPods)"
			}
			res := "ok"
			if !ru.OK {
				res = "FAIL"
			}
			if r.Failure != nil && r.Failure.Step == st.Number && r.Failure.Code == simulate.PoolSizeLimit && i == 0 {
				res = "FAIL (pool limit)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", num, what, ru.Label(), sizing.Count(ru.Usable), sizing.Count(ru.Before), after, res)
			num, what = "", ""
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Largest != nil {
		if *r.Largest < 0 {
			b.WriteString("\nLargest node count that fits: none, the other consumers already fill a range.\n")
		} else {
			fmt.Fprintf(&b, "\nLargest node count of %s that fits: %s.\n", strings.Join(r.Pools, ", "), sizing.Count(uint64(*r.Largest)))
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, wn := range r.Warnings {
			b.WriteString("  - " + wn + "\n")
		}
	}
	b.WriteString("\n" + r.Verdict() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}
