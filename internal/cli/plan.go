package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/export"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/plan"
	"github.com/aksnet/aksnet/planout"
	"github.com/aksnet/aksnet/report"
	"github.com/aksnet/aksnet/rules"
)

type planFlags struct {
	dir      string
	previous string
}

func (e *env) planCommand() *cobra.Command {
	var fl planFlags
	c := &cobra.Command{
		Use:   "plan REQUIREMENTS",
		Short: "Turn requirements into a complete, non-overlapping IP plan and design",
		Long: `Plan reads a requirements document (kind Requirements: address pools, ranges
to avoid, regions, environments and cluster templates) and writes, into the
output folder:

  design.yaml            the planned design (aksnet check passes it)
  report.md              decisions with reasons, address plan, capacity tables,
                         egress, ingress, private DNS, NetworkPolicy baseline,
                         failure drills and monitoring
  address-map-*.svg      a picture of each address pool
  networkpolicies.yaml   default-deny and DNS-allow baseline manifests
  terraform/main.tf      azurerm resources
  bicep/main.parameters.json
  az/create.sh           the same as az CLI commands

With --previous, every range of an earlier design is kept and only new
needs are allocated around it. Planning is deterministic: the same inputs
give the same files.`,
		Example: `  aksnet plan examples/financial-saas.yaml -d plan/
  aksnet plan requirements.yaml --previous plan/design.yaml -d plan/`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return e.runPlan(args[0], fl)
		},
	}
	c.Flags().StringVarP(&fl.dir, "dir", "d", "aksnet-plan", "output folder (created if missing)")
	c.Flags().StringVar(&fl.previous, "previous", "", "an earlier planned design whose allocations must be kept")
	return c
}

func (e *env) runPlan(reqFile string, fl planFlags) error {
	data, err := e.readFile(reqFile)
	if err != nil {
		return usageError("check the path", "%s: cannot read: %v", reqFile, err)
	}
	req, err := designfile.LoadRequirements(reqFile, data)
	if err != nil {
		return &exitError{code: ExitUsage, msg: err.Error(), hint: "'aksnet schema --kind Requirements' prints the JSON Schema of requirements files"}
	}
	var previous *design.Design
	if fl.previous != "" {
		ls, err := e.loadDesigns([]string{fl.previous})
		if err != nil {
			return err
		}
		previous = ls[0].design
	}
	res, err := plan.Plan(req, previous)
	if err != nil {
		var se *plan.SpaceError
		if errors.As(err, &se) {
			return &exitError{code: ExitUsage, msg: err.Error(),
				hint: "give the pool more space in spec.pools, lower the sizes or planning factors, or remove ranges from spec.avoid"}
		}
		return &exitError{code: ExitUsage, msg: fmt.Sprintf("planning %s: %v", reqFile, err)}
	}

	header := fmt.Sprintf("Planned by aksnet %s from %s. Edit the requirements and plan again\nrather than editing this file; pass it back with --previous to keep its ranges.", version(), filepath.Base(reqFile))
	designYAML, err := designfile.Marshal(res.Design, header)
	if err != nil {
		return fmt.Errorf("writing the design: %w", err)
	}
	// Check what was planned, from the bytes that will be written, so the
	// findings point into the written file.
	designPath := filepath.Join(fl.dir, "design.yaml")
	written, err := designfile.Load(designPath, designYAML)
	if err != nil {
		return fmt.Errorf("the planned design does not load back (a bug in aksnet plan): %w", err)
	}
	checked := rules.Run(written, rules.Options{})
	var summary bytes.Buffer
	if err := report.Text(&summary, report.Input{Version: version(), Files: []string{designPath}, Findings: checked.Findings, Suppressed: checked.Suppressed, Rules: rules.All(), FailOn: finding.Error}, report.TextOptions{}); err != nil {
		return err
	}

	files := []struct {
		name   string
		render func(io.Writer) error
	}{
		{"design.yaml", func(w io.Writer) error { _, err := w.Write(designYAML); return err }},
		{"report.md", func(w io.Writer) error {
			return planout.Report(w, res, planout.ReportOptions{
				DesignFile:   "design.yaml",
				CheckSummary: "```\n" + strings.TrimRight(summary.String(), "\n") + "\n```\n",
			})
		}},
		{planout.DefaultNetworkPolicyFile, func(w io.Writer) error { return planout.NetworkPolicies(w, res) }},
		{filepath.Join("terraform", "main.tf"), func(w io.Writer) error { return export.Terraform(w, res.Design) }},
		{filepath.Join("bicep", "main.parameters.json"), func(w io.Writer) error { return export.BicepParams(w, res.Design) }},
		{filepath.Join("az", "create.sh"), func(w io.Writer) error { return export.AzCLI(w, res.Design) }},
	}
	count := map[string]int{}
	for _, u := range res.Pools {
		name := planout.AddressMapName(u.Pool, count[u.Pool])
		count[u.Pool]++
		files = append(files, struct {
			name   string
			render func(io.Writer) error
		}{name, func(w io.Writer) error { return planout.AddressMap(w, u) }})
	}
	for _, f := range files {
		var b bytes.Buffer
		if err := f.render(&b); err != nil {
			return fmt.Errorf("rendering %s: %w", f.name, err)
		}
		path := filepath.Join(fl.dir, f.name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return &exitError{code: ExitUsage, msg: fmt.Sprintf("creating %s: %v", filepath.Dir(path), err)}
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(f.name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(path, b.Bytes(), mode); err != nil {
			return &exitError{code: ExitUsage, msg: fmt.Sprintf("writing %s: %v", path, err)}
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", path)
	}
	kept := 0
	for _, a := range res.Allocations {
		if a.Kept {
			kept++
		}
	}
	fmt.Fprintf(e.stdout, "\nplanned %d clusters in %d VNets: %d ranges allocated (%d kept from --previous), %d reserved for future clusters\n",
		len(res.Design.Spec.Clusters), len(res.Design.Spec.VNets), len(res.Allocations), kept, len(res.Reservations))
	fmt.Fprintf(e.stdout, "check of %s: %s", designPath, lastLine(summary.String()))
	if finding.CountAtLeast(checked.Findings, finding.Error) > 0 {
		fmt.Fprint(e.stderr, summary.String())
		return errFindings
	}
	return nil
}

// lastLine returns the summary line(s) of a text report on one line.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	out := lines[len(lines)-1]
	if len(lines) > 1 && strings.Contains(out, "at or above") {
		out = lines[len(lines)-2] + "; " + out
	}
	return out + "\n"
}
