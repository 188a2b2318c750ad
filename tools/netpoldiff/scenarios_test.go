package netpoldiff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCountKinds(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     map[string]int
		rejected string // a substring of the reason; empty when usable
	}{
		{
			name: "multi-document YAML",
			in: `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
---
# an empty document
`,
			want: map[string]int{"Namespace": 1, "NetworkPolicy": 1},
		},
		{
			name: "list items without kind take the list's",
			in: `{"apiVersion": "v1", "kind": "PodList", "items": [
  {"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]}`,
			want: map[string]int{"PodList": 1, "Pod": 2},
		},
		{
			name: "List items keep their own kind",
			in: `apiVersion: v1
kind: List
items:
- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}}
- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: p}}
- {apiVersion: policy.networking.k8s.io/v1alpha1, kind: AdminNetworkPolicy, metadata: {name: a}}
`,
			want: map[string]int{"List": 1, "Deployment": 1, "NetworkPolicy": 1, "AdminNetworkPolicy": 1},
		},
		{
			name: "a JSON array is no Kubernetes object",
			in:   `[{"src": "a", "dst": "b"}]`,
			want: map[string]int{},
		},
		{
			name:     "broken YAML",
			in:       "kind: Pod\nmetadata:\n  name: @bad\n",
			want:     map[string]int{},
			rejected: "document 1 does not decode",
		},
		{
			name: "NetworkPolicy of an old API version",
			in: `apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata: {name: old}
`,
			want:     map[string]int{"NetworkPolicy": 1},
			rejected: `apiVersion "extensions/v1beta1"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]int{}
			rejected, err := countKinds(strings.NewReader(tt.in), got)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("kinds = %v; want %v", got, tt.want)
			}
			if tt.rejected == "" && rejected != "" || !strings.Contains(rejected, tt.rejected) {
				t.Errorf("rejected = %q; want it to contain %q", rejected, tt.rejected)
			}
		})
	}
}

func TestRejection(t *testing.T) {
	plain := map[string]int{"Deployment": 2, "NetworkPolicy": 1, "Namespace": 1}
	tests := []struct {
		name  string
		kinds map[string]int
		want  string
	}{
		{"plain", plain, ""},
		{"np_bad_path_test_3", plain, "bad-input scenario (name has bad_path)"},
		{"malformed-pod", plain, "bad-input scenario (name has malformed)"},
		{"anp", map[string]int{"Pod": 1, "NetworkPolicy": 1, "AdminNetworkPolicy": 1}, "uses AdminNetworkPolicy"},
		{"banp", map[string]int{"Pod": 1, "BaselineAdminNetworkPolicy": 1}, "uses BaselineAdminNetworkPolicy"},
		{"udn", map[string]int{"Pod": 1, "NetworkPolicy": 1, "UserDefinedNetwork": 1}, "uses UserDefinedNetwork"},
		{"route", map[string]int{"Pod": 1, "NetworkPolicy": 1, "Route": 1}, "uses Route"},
		{"ingress", map[string]int{"Pod": 1, "NetworkPolicy": 1, "Ingress": 1}, "uses Ingress"},
		{"no policy", map[string]int{"Pod": 3}, "no NetworkPolicy"},
		{"no workload", map[string]int{"NetworkPolicy": 3, "Service": 1}, "no workload"},
	}
	for _, tt := range tests {
		if got := rejection(Scenario{Name: tt.name, Kinds: tt.kinds}); got != tt.want {
			t.Errorf("%s: rejection = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestScenarioSelection pins which of np-guard's scenarios the comparison
// covers, and why the others are left out, in testdata/scenarios.golden.
func TestScenarioSelection(t *testing.T) {
	all := scenarios(t)
	var b strings.Builder
	chosen := Chosen(all)
	fmt.Fprintf(&b, "# np-guard netpol-analyzer v1.4.4 scenarios: %d chosen of %d\n", len(chosen), len(all))
	for _, s := range all {
		verdict := "chosen"
		if s.Rejected != "" {
			verdict = "left out: " + s.Rejected
		}
		fmt.Fprintf(&b, "%s\t%s\n", s.Name, verdict)
	}
	golden := filepath.Join("testdata", "scenarios.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("scenario selection changed; rerun with -update and review testdata/scenarios.golden\n%s", lineDiff(string(want), got))
	}
	if len(chosen) == 0 {
		t.Fatal("no scenario chosen")
	}
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	inWant, inGot := map[string]bool{}, map[string]bool{}
	for l := range strings.SplitSeq(want, "\n") {
		inWant[l] = true
	}
	for l := range strings.SplitSeq(got, "\n") {
		inGot[l] = true
	}
	var b strings.Builder
	for l := range strings.SplitSeq(want, "\n") {
		if !inGot[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for l := range strings.SplitSeq(got, "\n") {
		if !inWant[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
