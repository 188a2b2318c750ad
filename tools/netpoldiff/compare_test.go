package netpoldiff

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// knownDifference is a connection on which aksnet and np-guard disagree,
// with why; docs/netpol-differences.md says who is right per the
// Kubernetes NetworkPolicy specification.
type knownDifference struct {
	Scenario string
	// Connection is the Difference as String writes it, or a whole-scenario
	// verdict from scenarioDifferences.
	Connection string
	Reason     string
}

// knownDifferences must match the disagreements exactly: a new one fails
// TestAgainstNpGuard, and so does one listed here that no longer occurs.
var knownDifferences = []knownDifference{}

// Whole-scenario verdicts, when one tool refuses the input.
const (
	onlyNpGuardRejects = "whole scenario: np-guard rejects the input, aksnet accepts it"
	onlyAksnetRejects  = "whole scenario: aksnet rejects the input, np-guard accepts it"
)

// scenarioDifferences lists the disagreements of the two tools' results
// on one scenario. Both refusing the input is agreement.
func scenarioDifferences(np, ak *Connectivity, npErr, akErr error) []string {
	switch {
	case npErr != nil && akErr != nil:
		return nil
	case npErr != nil:
		return []string{onlyNpGuardRejects}
	case akErr != nil:
		return []string{onlyAksnetRejects}
	}
	var out []string
	for _, d := range Diff(np, ak) {
		out = append(out, d.String())
	}
	return out
}

// checkKnown compares the disagreements found, by scenario, with the
// known ones and describes every mismatch: a disagreement not listed, a
// listed one that did not occur, or a listing made twice.
func checkKnown(found map[string][]string, known []knownDifference) []string {
	type key struct{ scenario, conn string }
	listed := map[key]bool{}
	var problems []string
	for _, k := range known {
		kk := key{k.Scenario, k.Connection}
		if listed[kk] {
			problems = append(problems, fmt.Sprintf("%s: difference listed twice: %s", k.Scenario, k.Connection))
		}
		listed[kk] = true
	}
	seen := map[key]bool{}
	for _, scenario := range sortedKeys(found) {
		for _, d := range found[scenario] {
			kk := key{scenario, d}
			seen[kk] = true
			if !listed[kk] {
				problems = append(problems, fmt.Sprintf("%s: new difference: %s", scenario, d))
			}
		}
	}
	for _, k := range known {
		if !seen[key{k.Scenario, k.Connection}] {
			problems = append(problems, fmt.Sprintf("%s: listed difference no longer occurs: %s", k.Scenario, k.Connection))
		}
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestCheckKnown(t *testing.T) {
	known := []knownDifference{
		{"s1", "a => b : TCP np-guard 80, aksnet none", "why"},
		{"s2", onlyAksnetRejects, "why"},
	}
	tests := []struct {
		name  string
		found map[string][]string
		want  []string
	}{
		{"exact", map[string][]string{"s1": {known[0].Connection}, "s2": {onlyAksnetRejects}}, nil},
		{"new", map[string][]string{"s1": {known[0].Connection, "x"}, "s2": {onlyAksnetRejects}},
			[]string{"s1: new difference: x"}},
		{"gone", map[string][]string{"s1": {known[0].Connection}},
			[]string{"s2: listed difference no longer occurs: " + onlyAksnetRejects}},
		{"other scenario", map[string][]string{"s3": {known[0].Connection}, "s2": {onlyAksnetRejects}},
			[]string{"s3: new difference: " + known[0].Connection, "s1: listed difference no longer occurs: " + known[0].Connection}},
	}
	for _, tt := range tests {
		if got := checkKnown(tt.found, known); !slices.Equal(got, tt.want) {
			t.Errorf("%s: checkKnown = %q; want %q", tt.name, got, tt.want)
		}
	}
	if got := checkKnown(map[string][]string{"s1": {known[0].Connection}, "s2": {onlyAksnetRejects}}, append(known, known[0])); len(got) != 1 || !strings.Contains(got[0], "listed twice") {
		t.Errorf("a duplicate listing gave %q", got)
	}
}

func TestScenarioDifferences(t *testing.T) {
	a, b := NewConnectivity(), NewConnectivity()
	w1, w2 := Workload("ns", "a", "Pod"), Workload("ns", "b", "Pod")
	if err := a.Add(w1, w2, "TCP", PortSet{{80, 80}}); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("bad input")
	if got := scenarioDifferences(nil, nil, bad, bad); got != nil {
		t.Errorf("both rejecting gave %q", got)
	}
	if got := scenarioDifferences(nil, b, bad, nil); !slices.Equal(got, []string{onlyNpGuardRejects}) {
		t.Errorf("np-guard rejecting gave %q", got)
	}
	if got := scenarioDifferences(a, nil, nil, bad); !slices.Equal(got, []string{onlyAksnetRejects}) {
		t.Errorf("aksnet rejecting gave %q", got)
	}
	want := "ns/a[Pod] => ns/b[Pod] : TCP np-guard 80, aksnet none"
	if got := scenarioDifferences(a, b, nil, nil); !slices.Equal(got, []string{want}) {
		t.Errorf("differences = %q; want %q", got, want)
	}
}

// TestAgainstNpGuard runs np-guard and aksnet over every chosen np-guard
// scenario and requires their connections to agree, up to the known
// differences.
func TestAgainstNpGuard(t *testing.T) {
	found := map[string][]string{}
	var agreeing, npRows, npRowsMatched, akRows, akRowsMatched int
	chosen := Chosen(scenarios(t))
	for _, s := range chosen {
		np, _, npErr := NpGuard(s.Dir)
		ak, akWarnings, akErr := Aksnet(s.Dir)
		if errors.Is(akErr, errAksnetPending) {
			t.Skip(akErr)
		}
		if npErr != nil {
			t.Logf("%s: %v", s.Name, npErr)
		}
		if akErr != nil {
			t.Logf("%s: aksnet: %v", s.Name, akErr)
		}
		for _, w := range akWarnings {
			t.Logf("%s: aksnet warning: %s", s.Name, w)
		}
		diffs := scenarioDifferences(np, ak, npErr, akErr)
		if len(diffs) == 0 {
			agreeing++
		} else {
			found[s.Name] = diffs
		}
		if np != nil && ak != nil {
			n, m := matchedRows(np.Rows(), ak.Rows())
			npRows, npRowsMatched = npRows+len(np.Rows()), npRowsMatched+n
			akRows, akRowsMatched = akRows+len(ak.Rows()), akRowsMatched+m
		}
	}
	for _, p := range checkKnown(found, knownDifferences) {
		t.Error(p)
	}
	t.Logf("scenarios in full agreement: %d of %d", agreeing, len(chosen))
	t.Logf("np-guard rows aksnet lists identically: %d of %d; aksnet rows np-guard lists identically: %d of %d",
		npRowsMatched, npRows, akRowsMatched, akRows)
}

// matchedRows counts the rows of a also in b, and those of b also in a.
func matchedRows(a, b []Row) (inB, inA int) {
	set := func(rows []Row) map[string]bool {
		m := map[string]bool{}
		for _, r := range rows {
			m[r.String()] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	for r := range sa {
		if sb[r] {
			inB++
		}
	}
	for r := range sb {
		if sa[r] {
			inA++
		}
	}
	return inB, inA
}
