package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestNetpolRulesDocCurrent fails when docs/netpol-rules.md differs from
// what 'aksnet netpol lint --rules -o markdown' generates. Regenerate with
// go test ./internal/cli/ -run TestNetpolRulesDocCurrent -update.
func TestNetpolRulesDocCurrent(t *testing.T) {
	path := filepath.Join(repoRoot(t), "docs", "netpol-rules.md")
	got, stderr, code := run("netpol", "lint", "--rules", "-o", "markdown")
	if code != 0 {
		t.Fatalf("aksnet netpol lint --rules -o markdown: exit %d: %s", code, stderr)
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with -update)", err)
	}
	if got != string(want) {
		t.Errorf("docs/netpol-rules.md is stale; run: go test ./internal/cli/ -run TestNetpolRulesDocCurrent -update")
	}
}

// lintSARIFInput is a set of manifests that triggers findings of several
// rules, in files whose names need escaping in SARIF URIs.
var lintSARIFInput = map[string]string{
	"shop apps/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - {name: web, containerPort: 8080}
`,
	"shop apps/policies.yaml": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: wbe}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {name: frontend}
      ports:
        - port: http
`,
	"design.yaml": `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: lint
spec:
  clusters:
    - name: aks1
      region: westeurope
      kubernetesVersion: "1.33"
      network:
        plugin: azure
        pluginMode: overlay
        podCidrs: [10.244.0.0/16]
      nodePools:
        - name: system
          mode: System
          count: 3
`,
}

// TestNetpolLintSARIFValidates checks the SARIF that netpol lint writes
// against the official schema and with Microsoft's SARIF multitool, as
// the report package's tests do for aksnet check (AKSNET_SARIF_MULTITOOL
// points at the multitool; without it the test skips, except under CI).
func TestNetpolLintSARIFValidates(t *testing.T) {
	bin := os.Getenv("AKSNET_SARIF_MULTITOOL")
	if bin == "" {
		msg := `AKSNET_SARIF_MULTITOOL is not set; install the SARIF multitool and point at it with: export AKSNET_SARIF_MULTITOOL="$(bash .ci/install-sarif-multitool.sh)"`
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so SARIF validation may not be skipped)")
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	for name, body := range lintSARIFInput {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir) // relative paths, as in CI, so that SARIF URIs are relative
	doc, stderr, code := run("netpol", "lint", "-o", "sarif", "--cluster-design", "design.yaml", "shop apps")
	if code != 1 {
		t.Fatalf("netpol lint -o sarif: exit %d, want 1 (findings)\n%s", code, stderr)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(doc), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF output does not parse as one run: %v", err)
	}
	ids := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		ids[r.RuleID] = true
	}
	for _, want := range []string{"dns-egress-blocked", "policy-selects-no-pod", "namespace-selector-matches-nothing", "network-policy-not-enforced-no-engine"} {
		if !ids[want] {
			t.Errorf("SARIF has no result of %s (has %v)", want, ids)
		}
	}

	schema := filepath.Join(filepath.Dir(bin), "sarif-2.1.0.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(schema)
	if err != nil {
		t.Fatalf("compile SARIF schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("schema validation: %v", err)
	}

	errs, console := multitoolErrors(t, bin, []byte(doc))
	if len(errs) > 0 {
		t.Errorf("multitool reported %d errors:\n%s\nconsole:\n%s", len(errs), strings.Join(errs, "\n"), console)
	}
}

// multitoolErrors runs `Sarif.Multitool validate` and returns its
// error-level results and notifications. Its exit code only says whether
// it ran; problems are results in the log it writes.
func multitoolErrors(t *testing.T, bin string, doc []byte) ([]string, string) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "input.sarif"), filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "validate", in, "-o", out)
	cmd.Dir = dir
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("multitool validate failed: %v\n%s", err, console)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("multitool wrote no log: %v\n%s", err, console)
	}
	type note struct {
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExecutionSuccessful            bool   `json:"executionSuccessful"`
				ToolExecutionNotifications     []note `json:"toolExecutionNotifications"`
				ToolConfigurationNotifications []note `json:"toolConfigurationNotifications"`
			} `json:"invocations"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text      string   `json:"text"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil || len(log.Runs) == 0 {
		t.Fatalf("multitool log is not SARIF: %v", err)
	}
	var errs []string
	for _, run := range log.Runs {
		defaults := map[string]string{}
		for _, r := range run.Tool.Driver.Rules {
			defaults[r.ID] = r.DefaultConfiguration.Level
		}
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				errs = append(errs, "multitool invocation was not successful")
			}
			for _, n := range append(inv.ToolExecutionNotifications, inv.ToolConfigurationNotifications...) {
				if n.Level == "error" {
					errs = append(errs, "notification: "+n.Message.Text)
				}
			}
		}
		for _, r := range run.Results {
			// A result without a level takes its rule's default level,
			// and warning when the rule has none (SARIF 2.1.0, 3.27.10).
			level := r.Level
			if level == "" {
				level = defaults[r.RuleID]
			}
			if level == "error" {
				errs = append(errs, fmt.Sprintf("%s: %s %s", r.RuleID, r.Message.Text, strings.Join(r.Message.Arguments, "; ")))
			}
		}
	}
	return errs, string(bytes.TrimSpace(console))
}
