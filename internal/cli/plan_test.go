package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/aksnet/aksnet/designfile"
)

// TestPlanFinancialSaaSExports plans the exercise of the lesson and checks
// every export of the planned design with the tool that reads it: the
// Terraform parses as HCL, the Bicep parameters as JSON, the az script
// passes bash -n, and the design checks clean.
func TestPlanFinancialSaaSExports(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := run("plan", "../../examples/financial-saas.yaml", "-d", dir)
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s\n%s", code, stdout, stderr)
	}
	tf, diags := hclparse.NewParser().ParseHCLFile(filepath.Join(dir, "terraform", "main.tf"))
	if diags.HasErrors() {
		t.Fatalf("terraform/main.tf is not valid HCL: %v", diags)
	}
	body := string(tf.Bytes)
	designData, err := os.ReadFile(filepath.Join(dir, "design.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load("design.yaml", designData)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Count(body, `resource "azurerm_kubernetes_cluster" `), len(d.Spec.Clusters); got != want {
		t.Errorf("terraform has %d clusters, design %d", got, want)
	}
	for _, c := range d.Spec.Clusters {
		for _, p := range c.Network.PodCIDRs {
			if !strings.Contains(body, p.String()) {
				t.Errorf("terraform lacks pod CIDR %s of %s", p, c.Name)
			}
		}
	}
	var params struct {
		Parameters map[string]struct {
			Value json.RawMessage `json:"value"`
		} `json:"parameters"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "bicep", "main.parameters.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &params); err != nil || len(params.Parameters) == 0 {
		t.Errorf("bicep parameters: %v (%d parameters)", err, len(params.Parameters))
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		if out, err := exec.Command(bash, "-n", filepath.Join(dir, "az", "create.sh")).CombinedOutput(); err != nil {
			t.Errorf("az/create.sh: bash -n: %v\n%s", err, out)
		}
	}
	stdout, stderr, code = run("check", "--fail-on", "warning", filepath.Join(dir, "design.yaml"))
	if code != 0 {
		t.Errorf("planned design does not check clean at warning level: exit %d\n%s%s", code, stdout, stderr)
	}
}
