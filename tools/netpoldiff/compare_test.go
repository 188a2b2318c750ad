package netpoldiff

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

var allDiffs = flag.Bool("alldiffs", false, "log every difference TestAgainstNpGuard finds, including those it counts per scenario")

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
var knownDifferences = []knownDifference{
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/internal-security[Pod] => default/pod-3[Pod] : TCP np-guard 90, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-1[Pod] => default/pod-2[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-1[Pod] => default/pod-3[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-2[Pod] => default/pod-1[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-2[Pod] => default/pod-3[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-3[Pod] => default/internal-security[Pod] : TCP np-guard 90, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-3[Pod] => default/pod-1[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression", "default/pod-3[Pod] => default/pod-2[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/internal-security[Pod] => default/pod-3[Pod] : TCP np-guard 90, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-1[Pod] => default/pod-2[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-1[Pod] => default/pod-3[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-2[Pod] => default/pod-1[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_good_match_expression2", "default/pod-2[Pod] => default/pod-3[Pod] : TCP np-guard none, aksnet 90", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/internal-security[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard 1-65535, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/internal-security[Pod] => default/pod-3[Pod] : TCP np-guard 8050, aksnet none", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-1[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-1[Pod] => default/pod-2[Pod] : TCP np-guard none, aksnet 8050", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-1[Pod] => default/pod-3[Pod] : TCP np-guard none, aksnet 8050", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : TCP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : UDP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-2[Pod] => 0.0.0.0-255.255.255.255 : SCTP np-guard none, aksnet 1-65535", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-2[Pod] => default/pod-1[Pod] : TCP np-guard none, aksnet 8050", reasonOwnerWithoutKind},
	{"example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", "default/pod-2[Pod] => default/pod-3[Pod] : TCP np-guard none, aksnet 8050", reasonOwnerWithoutKind},
	{"ipblockstest", fmt.Sprintf(hostNetworkGroup, 216), reasonHostNetwork},
	{"ipblockstest_2", fmt.Sprintf(hostNetworkGroup, 216), reasonHostNetwork},
	{"ipblockstest_3", fmt.Sprintf(hostNetworkGroup, 216), reasonHostNetwork},
	{"ipblockstest_4", fmt.Sprintf(hostNetworkGroup, 5931), reasonHostNetwork},
	{"multiple_topology_resources_1", fmt.Sprintf(hostNetworkGroup, 138), reasonHostNetwork},
	{"multiple_topology_resources_2", fmt.Sprintf(hostNetworkGroup, 138), reasonHostNetwork},
	{"semanticDiff-same-topologies-new1", fmt.Sprintf(hostNetworkGroup, 12), reasonHostNetwork},
	{"semanticDiff-same-topologies-new1a", fmt.Sprintf(hostNetworkGroup, 15), reasonHostNetwork},
	{"semanticDiff-same-topologies-new2", fmt.Sprintf(hostNetworkGroup, 9), reasonHostNetwork},
	{"semanticDiff-same-topologies-new3", fmt.Sprintf(hostNetworkGroup, 15), reasonHostNetwork},
	{"semanticDiff-same-topologies-old1", fmt.Sprintf(hostNetworkGroup, 12), reasonHostNetwork},
	{"semanticDiff-same-topologies-old2", fmt.Sprintf(hostNetworkGroup, 9), reasonHostNetwork},
	{"semanticDiff-same-topologies-old3", fmt.Sprintf(hostNetworkGroup, 15), reasonHostNetwork},
}

// Reasons for the known differences; docs/netpol-differences.md gives the
// Kubernetes documentation behind each.
const (
	reasonHostNetwork = "hostNetwork pods: aksnet follows the behaviour the Kubernetes documentation " +
		"calls the most common (selectors never match hostNetwork pods, whose traffic is the node's); " +
		"np-guard applies policies to them like any pod"
	reasonOwnerWithoutKind = "pods whose ownerReference has a name but no kind (nor uid): np-guard lists them " +
		"as one workload named after the owner; aksnet, finding no valid controller reference, lists each pod, " +
		"including the pod-1 <-> pod-2 connections np-guard's grouping hides"
)

// Whole-scenario verdicts, when one tool refuses the input.
const (
	onlyNpGuardRejects = "whole scenario: np-guard rejects the input, aksnet accepts it"
	onlyAksnetRejects  = "whole scenario: aksnet rejects the input, np-guard accepts it"
)

// hostNetworkGroup stands for the differences explained by the tools'
// treatment of hostNetwork pods, counted, in one line per scenario.
const hostNetworkGroup = "%d differences at hostNetwork workloads: aksnet allows more, and they vanish once no pod uses the host network"

// outcome is what one tool made of a scenario.
type outcome struct {
	conns *Connectivity
	err   error
}

// scenarioDifferences lists the disagreements of np-guard (np) and aksnet
// (ak) on one scenario; both refusing the input is agreement. podNet is
// aksnet run with no pod on the host network, called only when there are
// differences: those that it removes, where aksnet allows more and one end
// is a hostNetwork workload, are counted in one hostNetworkGroup line;
// every other difference is listed on its own, and so is any that moving
// pods off the host network brings in.
func scenarioDifferences(np outcome, ak outcome, host map[string]bool, podNet func() (*Connectivity, error)) ([]string, error) {
	switch {
	case np.err != nil && ak.err != nil:
		return nil, nil
	case np.err != nil:
		return []string{onlyNpGuardRejects}, nil
	case ak.err != nil:
		return []string{onlyAksnetRejects}, nil
	}
	diffs := Diff(np.conns, ak.conns)
	if len(diffs) == 0 {
		return nil, nil
	}
	moved, err := podNet()
	if err != nil {
		return nil, err
	}
	remaining := map[string]bool{}
	for _, d := range Diff(np.conns, moved) {
		remaining[d.String()] = true
	}
	var out []string
	grouped := 0
	for _, d := range diffs {
		s := d.String()
		aksnetMore := d.NpGuard.Union(d.Aksnet).Equal(d.Aksnet)
		if !remaining[s] && aksnetMore && (host[d.Src] || host[d.Dst]) {
			grouped++
			continue
		}
		out = append(out, s)
		delete(remaining, s)
	}
	for _, s := range slices.Sorted(maps.Keys(remaining)) {
		out = append(out, "with no pod on the host network: "+s)
	}
	if grouped > 0 {
		out = append(out, fmt.Sprintf(hostNetworkGroup, grouped))
	}
	return out, nil
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
	w1, w2, hw := Workload("ns", "a", "Pod"), Workload("ns", "b", "Pod"), Workload("ns", "h", "DaemonSet")
	build := func(adds ...addition) *Connectivity {
		c := NewConnectivity()
		for _, a := range adds {
			if err := c.Add(a.src, a.dst, a.proto, a.ports); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	p80 := PortSet{{80, 80}}
	base := []addition{{w1, w2, "TCP", p80}, {w1, hw, "TCP", p80}}
	np := build(base...)
	host := map[string]bool{hw.Workload: true}
	noCall := func() (*Connectivity, error) { t.Fatal("podNet called"); return nil, nil }
	bad := errors.New("bad input")

	tests := []struct {
		name   string
		np, ak outcome
		podNet func() (*Connectivity, error)
		want   []string
	}{
		{"both reject", outcome{err: bad}, outcome{err: bad}, noCall, nil},
		{"np-guard rejects", outcome{err: bad}, outcome{conns: np}, noCall, []string{onlyNpGuardRejects}},
		{"aksnet rejects", outcome{conns: np}, outcome{err: bad}, noCall, []string{onlyAksnetRejects}},
		{"agree", outcome{conns: np}, outcome{conns: build(base...)}, noCall, nil},
		{
			"plain difference", outcome{conns: np}, outcome{conns: build(base[1])},
			func() (*Connectivity, error) { return build(base[1]), nil },
			[]string{"ns/a[Pod] => ns/b[Pod] : TCP np-guard 80, aksnet none"},
		},
		{
			"host network explains it", outcome{conns: np},
			outcome{conns: build(append(base, addition{w2, hw, "UDP", AllPorts}, addition{hw, w1, "TCP", AllPorts})...)},
			func() (*Connectivity, error) { return build(base...), nil },
			[]string{fmt.Sprintf(hostNetworkGroup, 2)},
		},
		{
			// aksnet allows less at the hostNetwork workload: listed.
			"host network but aksnet allows less", outcome{conns: np}, outcome{conns: build(base[0])},
			func() (*Connectivity, error) { return build(base...), nil },
			[]string{"ns/a[Pod] => ns/h[DaemonSet] : TCP np-guard 80, aksnet none"},
		},
		{
			"moving pods brings a difference in", outcome{conns: np},
			outcome{conns: build(append(base, addition{w2, hw, "UDP", AllPorts})...)},
			func() (*Connectivity, error) { return build(base[0]), nil },
			[]string{
				"with no pod on the host network: ns/a[Pod] => ns/h[DaemonSet] : TCP np-guard 80, aksnet none",
				fmt.Sprintf(hostNetworkGroup, 1),
			},
		},
	}
	for _, tt := range tests {
		got, err := scenarioDifferences(tt.np, tt.ak, host, tt.podNet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: differences = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestAgainstNpGuard runs np-guard and aksnet over every chosen np-guard
// scenario and requires their connections to agree, up to the known
// differences.
func TestAgainstNpGuard(t *testing.T) {
	found := map[string][]string{}
	var agreeing, agreeingOffHost, npRows, npRowsMatched, akRows, akRowsMatched int
	chosen := Chosen(scenarios(t))
	for _, s := range chosen {
		var np, ak outcome
		np.conns, _, np.err = NpGuard(s.Dir)
		run, err := Aksnet(s.Dir)
		host := map[string]bool{}
		if err != nil {
			ak.err = err
		} else {
			ak.conns, host = run.Conns, run.HostNetwork
			for _, w := range run.Warnings {
				t.Logf("%s: aksnet warning: %s", s.Name, w)
			}
		}
		if np.err != nil {
			t.Logf("%s: %v", s.Name, np.err)
		}
		if ak.err != nil {
			t.Logf("%s: aksnet: %v", s.Name, ak.err)
		}
		diffs, err := scenarioDifferences(np, ak, host, func() (*Connectivity, error) {
			run, err := AksnetPodNetworkOnly(s.Dir)
			if err != nil {
				return nil, err
			}
			return run.Conns, nil
		})
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if len(diffs) == 0 {
			agreeing++
		} else {
			found[s.Name] = diffs
		}
		if len(diffs) == 0 || len(diffs) == 1 && strings.HasSuffix(diffs[0], hostNetworkGroup[2:]) {
			agreeingOffHost++
		}
		if *allDiffs && np.conns != nil && ak.conns != nil {
			for _, d := range Diff(np.conns, ak.conns) {
				t.Logf("%s: %s", s.Name, d)
			}
		}
		if np.conns != nil && ak.conns != nil {
			n, m := matchedRows(np.conns.Rows(), ak.conns.Rows())
			npRows, npRowsMatched = npRows+len(np.conns.Rows()), npRowsMatched+n
			akRows, akRowsMatched = akRows+len(ak.conns.Rows()), akRowsMatched+m
		}
	}
	for _, p := range checkKnown(found, knownDifferences) {
		t.Error(p)
	}
	t.Logf("scenarios in full agreement: %d of %d; %d of %d but for hostNetwork workloads", agreeing, len(chosen), agreeingOffHost, len(chosen))
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
