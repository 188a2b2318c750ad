package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/collect"
)

type collectFlags struct {
	resourceGroup string
	cluster       string
	subscription  string
	context       string
	force         bool
	list          bool
}

func (e *env) collectCommand() *cobra.Command {
	var fl collectFlags
	c := &cobra.Command{
		Use:   "collect [--resource-group RG --cluster NAME] [--context CTX] OUT_DIR",
		Short: "Write a bundle of az and kubectl output for aksnet audit",
		Long: `Collect runs the az and kubectl commands aksnet audit reads, with your
existing logins (az login, and a kubeconfig from az aks get-credentials),
and writes one file per command into OUT_DIR, plus manifest.json listing
each command, its exit code and how long it took.

With --resource-group and --cluster it runs az aks show and az aks nodepool
list, finds the resource groups of the cluster's VNets from the subnet IDs
(the node resource group for an AKS-managed VNet), and lists their VNets,
private endpoints and private DNS zones (with their VNet links), the route
tables, NAT gateways and NSGs of those groups and of the groups the subnets
point to, and each VNet's peerings. It always runs kubectl get for nodes,
pods, Services, namespaces and NetworkPolicies (with --context when given).
'aksnet collect --list' prints every command.

Nothing is changed in Azure or in the cluster: every command only reads.
A missing az or kubectl, or a command that fails, is reported with the
command and what to do (for example az login); the folder then holds what
succeeded and aksnet exits 2.`,
		Example: `  aksnet collect --resource-group rg-aks-prod --cluster aks-prod bundle/
  aksnet collect --context aks-prod bundle/     # kubectl only
  aksnet audit --design designs/prod.yaml bundle/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fl.list {
				if len(args) > 0 {
					return usageError("run 'aksnet collect --list' on its own", "--list takes no OUT_DIR")
				}
				return collect.WriteTable(e.stdout)
			}
			if len(args) != 1 {
				return usageError("run 'aksnet collect --help' for usage", "collect needs one OUT_DIR, got %d arguments", len(args))
			}
			return e.runCollect(args[0], fl)
		},
	}
	f := c.Flags()
	f.StringVarP(&fl.resourceGroup, "resource-group", "g", "", "resource group of the AKS cluster (with --cluster; without both only kubectl runs)")
	f.StringVarP(&fl.cluster, "cluster", "n", "", "name of the AKS cluster")
	f.StringVar(&fl.subscription, "subscription", "", "subscription of the cluster, passed to every az command")
	f.StringVar(&fl.context, "context", "", "kubeconfig context passed to every kubectl command")
	f.BoolVar(&fl.force, "force", false, "write into OUT_DIR even when it is not empty (files of the same name are replaced)")
	f.BoolVar(&fl.list, "list", false, "print the commands collect runs, as a Markdown table, and exit")
	return c
}

func (e *env) runCollect(dir string, fl collectFlags) error {
	if (fl.resourceGroup == "") != (fl.cluster == "") {
		return usageError("pass both --resource-group and --cluster, or neither to collect only the kubectl outputs",
			"--resource-group and --cluster go together")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usageError("", "%s: %v", dir, err)
		}
	case err != nil:
		return usageError("OUT_DIR must be a folder", "%s: %v", dir, err)
	case len(entries) > 0 && !fl.force:
		return usageError("choose a new folder, or pass --force to write into this one",
			"%s is not empty; a bundle folder holds one collection", dir)
	}
	man, err := collect.Collect(e.ctx, collect.Options{
		ResourceGroup: fl.resourceGroup, Cluster: fl.cluster, Subscription: fl.subscription, Context: fl.context,
		Dir: dir, Runner: collect.ExecRunner{}, Version: version(), Log: e.stderr,
	})
	var ce *collect.Error
	if errors.As(err, &ce) {
		return &exitError{code: ExitUsage, msg: ce.Error(),
			hint: fmt.Sprintf("%s holds what succeeded and manifest.json records every command; fix the problem above and run aksnet collect again", dir)}
	}
	if err != nil {
		return usageError("", "%v", err)
	}
	var bytes int64
	for _, c := range man.Commands {
		bytes += c.Bytes
	}
	fmt.Fprintf(e.stdout, "Wrote %d command outputs (%s) and %s to %s.\n", len(man.Commands), humanBytes(bytes), collect.ManifestFile, dir)
	next := "aksnet audit --design DESIGN.yaml " + dir
	if fl.cluster != "" {
		next += "    (or, to audit against what Azure shows: aksnet audit " + dir + ")"
	}
	fmt.Fprintf(e.stdout, "Next: %s\n", strings.TrimSpace(next))
	return nil
}

// humanBytes formats a byte count for people: 912 B, 4.2 MB.
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
