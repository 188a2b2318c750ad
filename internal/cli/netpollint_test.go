package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/sarifcheck"
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
	bin := sarifcheck.Multitool(t)
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

	if err := sarifcheck.ValidateSchema(sarifcheck.SchemaPath(t, bin), []byte(doc)); err != nil {
		t.Errorf("schema validation: %v", err)
	}
	rep, err := sarifcheck.Run(t, bin, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("multitool reported %d errors:\n%s\nconsole:\n%s", len(rep.Errors), strings.Join(rep.Errors, "\n"), rep.Console)
	}
}
