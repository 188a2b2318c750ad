package simulate

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
)

// want is the expected outcome of a simulation. A zero step means the
// operation fits.
type want struct {
	step   int
	code   Code
	kind   RangeKind
	rng    string
	need   uint64
	free   uint64
	fit    int
	steps  int    // total steps including step 0; 0: not checked
	warn   string // a warning that must be present
	noWarn bool   // no warnings at all
}

func check(t *testing.T, r *Result, w want) {
	t.Helper()
	if w.steps > 0 && len(r.Steps) != w.steps {
		t.Errorf("got %d steps, want %d", len(r.Steps), w.steps)
	}
	for i, st := range r.Steps {
		if st.Number != i {
			t.Errorf("step %d is numbered %d", i, st.Number)
		}
	}
	if w.step == 0 && w.code == "" {
		if r.Failure != nil {
			t.Fatalf("got failure %q, want the operation to fit", r.Failure.Message)
		}
		if !r.OK() || !strings.HasPrefix(r.Verdict(), "fits: ") {
			t.Errorf("verdict %q", r.Verdict())
		}
		for _, st := range r.Steps {
			if !st.OK {
				t.Errorf("step %d is not OK but there is no failure", st.Number)
			}
		}
	} else {
		f := r.Failure
		if f == nil {
			t.Fatalf("got no failure, want step %d to fail with %s", w.step, w.code)
		}
		if f.Step != w.step || f.Code != w.code {
			t.Errorf("got step %d %s (%s), want step %d %s", f.Step, f.Code, f.Message, w.step, w.code)
		}
		if f.Step != len(r.Steps)-1 || r.Steps[f.Step].OK {
			t.Errorf("failing step %d is not the last, not-OK step", f.Step)
		}
		if w.code != PoolSizeLimit {
			if f.Range == nil {
				t.Fatalf("failure has no range")
			}
			if f.Range.Kind != w.kind || f.Range.Name != w.rng {
				t.Errorf("got range %s %s, want %s %s", f.Range.Kind, f.Range.Name, w.kind, w.rng)
			}
		}
		if f.Need != w.need || f.Free != w.free || f.Fit != w.fit {
			t.Errorf("got need %d free %d fit %d, want need %d free %d fit %d", f.Need, f.Free, f.Fit, w.need, w.free, w.fit)
		}
		if !strings.HasPrefix(r.Verdict(), "step ") || !strings.Contains(r.Verdict(), string(w.code)) {
			t.Errorf("verdict %q", r.Verdict())
		}
	}
	if w.warn != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), w.warn) {
		t.Errorf("warnings %q lack %q", r.Warnings, w.warn)
	}
	if w.noWarn && len(r.Warnings) > 0 {
		t.Errorf("got warnings %q, want none", r.Warnings)
	}
}

// TestSimulateUpgradeBoundaries checks each mode at the node count that
// exactly fits and one over. Usable addresses: /24 251, /25 123, /27 27,
// /28 11. Pod CIDR /22 holds 4 nodes, /20 16.
func TestSimulateUpgradeBoundaries(t *testing.T) {
	tests := []struct {
		name string
		td   tdesign
		o    UpgradeOptions
		want want
	}{
		// Overlay: 24 nodes + 3 surge = 27 of 27; 8 batches of 3.
		{"overlay exactly fits", tdesign{mode: "overlay", nodeBits: 27, pools: []tpool{{name: "user", count: 24, surge: "3"}}},
			UpgradeOptions{}, want{steps: 17, noWarn: true}},
		{"overlay one over", tdesign{mode: "overlay", nodeBits: 27, pools: []tpool{{name: "user", count: 25, surge: "3"}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 28, free: 2, fit: 2}},
		// Overlay pod CIDR /22: 4 blocks; 3 nodes + 1 surge fit, 4 + 1 do not.
		{"overlay pod CIDR exactly fits", tdesign{mode: "overlay", nodeBits: 24, podCIDR: "10.244.0.0/22", pools: []tpool{{name: "user", count: 3, surge: "1"}}},
			UpgradeOptions{}, want{steps: 7}},
		{"overlay pod CIDR one over", tdesign{mode: "overlay", nodeBits: 24, podCIDR: "10.244.0.0/22", pools: []tpool{{name: "user", count: 4, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: InsufficientSubnetSize, kind: PodCIDR, rng: "aks1", need: 5, free: 0, fit: 0}},
		// Default surge from 1.32 is 10% rounded up: 24 → 3 (27 of 27),
		// 25 → 3 (28).
		{"default surge 10% rounds up, fits", tdesign{mode: "overlay", nodeBits: 27, pools: []tpool{{name: "user", count: 24}}},
			UpgradeOptions{}, want{steps: 17}},
		{"default surge 10% rounds up, one over", tdesign{mode: "overlay", nodeBits: 27, pools: []tpool{{name: "user", count: 25}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 28, free: 2, fit: 2}},
		// Legacy node subnet, maxPods 30: 31 per node. 8 × 31 + 3 = 251.
		{"legacy exactly fits", tdesign{mode: "legacy", nodeBits: 24, pes: 3, pools: []tpool{{name: "user", count: 7, maxPods: 30, surge: "1"}}},
			UpgradeOptions{}, want{steps: 15}},
		{"legacy one over", tdesign{mode: "legacy", nodeBits: 24, pes: 4, pools: []tpool{{name: "user", count: 7, maxPods: 30, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 252, free: 30, fit: 0}},
		// Before 1.32 the default surge is 1 node, and legacy maxPods
		// defaults to 30.
		{"legacy defaults before 1.32 fit", tdesign{mode: "legacy", version: "1.31", nodeBits: 24, pes: 3, pools: []tpool{{name: "user", count: 7}}},
			UpgradeOptions{}, want{steps: 15}},
		{"legacy defaults before 1.32 one over", tdesign{mode: "legacy", version: "1.31", nodeBits: 24, pes: 4, pools: []tpool{{name: "user", count: 7}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 252, free: 30, fit: 0}},
		// Dynamic pod subnet /25: a batch of 16 per starting node;
		// 7 × 16 + 11 = 123. At maxPods 30 (32 each) the nodes would need
		// 6 × 32 + 11 = 203 already at step 0: a warning.
		{"dynamic exactly fits", tdesign{mode: "dynamic", nodeBits: 24, podBits: 25, podPEs: 11, pools: []tpool{{name: "user", count: 6, maxPods: 30, surge: "1"}}},
			UpgradeOptions{}, want{steps: 13, warn: "step 0: pod subnet spoke/pods (10.2.0.0/25) has room for every node's first batch of 16 addresses, but 203 of 123 would be in use"}},
		{"dynamic one over", tdesign{mode: "dynamic", nodeBits: 24, podBits: 25, podPEs: 12, pools: []tpool{{name: "user", count: 6, maxPods: 30, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: PodSubnet, rng: "spoke/pods", need: 124, free: 15, fit: 0}},
		{"dynamic small maxPods has no warning", tdesign{mode: "dynamic", nodeBits: 24, podBits: 25, pools: []tpool{{name: "user", count: 6, maxPods: 16, surge: "1"}}},
			UpgradeOptions{}, want{steps: 13, noWarn: true}},
		// Static blocks: maxPods 31 takes 2 blocks (32); 3 × 32 + 27 = 123.
		{"static exactly fits", tdesign{mode: "static", nodeBits: 24, podBits: 25, podPEs: 27, pools: []tpool{{name: "user", count: 2, maxPods: 31, surge: "1"}}},
			UpgradeOptions{}, want{steps: 5, noWarn: true}},
		{"static one over", tdesign{mode: "static", nodeBits: 24, podBits: 25, podPEs: 28, pools: []tpool{{name: "user", count: 2, maxPods: 31, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: PodSubnet, rng: "spoke/pods", need: 124, free: 31, fit: 0}},
		// maxPods 32 takes 3 blocks (48): 2 × 48 + 27 = 123.
		{"static 3 blocks exactly fits", tdesign{mode: "static", nodeBits: 24, podBits: 25, podPEs: 27, pools: []tpool{{name: "user", count: 1, maxPods: 32, surge: "1"}}},
			UpgradeOptions{}, want{steps: 3}},
		{"static 3 blocks one over", tdesign{mode: "static", nodeBits: 24, podBits: 25, podPEs: 28, pools: []tpool{{name: "user", count: 1, maxPods: 32, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: PodSubnet, rng: "spoke/pods", need: 124, free: 47, fit: 0}},
		// Kubenet: one node-subnet address and one /24 per node.
		{"kubenet exactly fits", tdesign{mode: "kubenet", nodeBits: 28, pools: []tpool{{name: "user", count: 10, surge: "1"}}},
			UpgradeOptions{}, want{steps: 21}},
		{"kubenet one over", tdesign{mode: "kubenet", nodeBits: 28, pools: []tpool{{name: "user", count: 11, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 12, free: 0, fit: 0}},
		{"kubenet pod CIDR exactly fits", tdesign{mode: "kubenet", nodeBits: 24, podCIDR: "10.244.0.0/20", pools: []tpool{{name: "user", count: 15, surge: "1"}}},
			UpgradeOptions{}, want{steps: 31}},
		{"kubenet pod CIDR one over", tdesign{mode: "kubenet", nodeBits: 24, podCIDR: "10.244.0.0/20", pools: []tpool{{name: "user", count: 16, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: InsufficientSubnetSize, kind: PodCIDR, rng: "aks1", need: 17, free: 0, fit: 0}},
		// A pool without a pod subnet in a pod-subnet cluster puts its pods
		// in its node subnet. Pool a (1 node, 1 address, surge 1) takes
		// steps 1-2; pool b: 8 × 31 + 1 + pes 2 = 251.
		{"pod-subnet cluster pool without pod subnet fits", tdesign{mode: "dynamic", nodeBits: 24, podBits: 24, pes: 2,
			pools: []tpool{{name: "a", count: 1}, {name: "b", count: 7, maxPods: 30, surge: "1", noPodSubnet: true}}},
			UpgradeOptions{}, want{steps: 17}},
		{"pod-subnet cluster pool without pod subnet one over", tdesign{mode: "dynamic", nodeBits: 24, podBits: 24, pes: 3,
			pools: []tpool{{name: "a", count: 1}, {name: "b", count: 7, maxPods: 30, surge: "1", noPodSubnet: true}}},
			UpgradeOptions{}, want{step: 3, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 252, free: 30, fit: 0}},
		// maxUnavailable without surge never goes above the pool size:
		// 11 nodes in 11 addresses, 6 batches (2,2,2,2,2,1) of drain + add.
		{"maxUnavailable only never surges", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", count: 11, surge: "0", unavail: "2"}}},
			UpgradeOptions{}, want{steps: 13}},
		// Surge 2 + unavailable 1: drain 1 (10 → 9), add 3 (9 → 12).
		{"surge and maxUnavailable fit", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", count: 9, surge: "2", unavail: "1"}}},
			UpgradeOptions{}, want{steps: 10}},
		{"surge and maxUnavailable one over", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", count: 10, surge: "2", unavail: "1"}}},
			UpgradeOptions{}, want{step: 2, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 12, free: 2, fit: 2}},
		// maxUnavailable percentages round up: 30% of 10 is 3.
		{"maxUnavailable percent", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", count: 10, surge: "0", unavail: "30%"}}},
			UpgradeOptions{}, want{steps: 9}},
		// System pools ignore maxUnavailable.
		{"system pool ignores maxUnavailable", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "sys", system: true, count: 10, surge: "1", unavail: "3"}}},
			UpgradeOptions{}, want{steps: 21, warn: "does not accept on System pools"}},
		// Two pools of 5 in 11 addresses: one after the other the peak is
		// 11; together it is 12 at the second pool's surge.
		{"sequential pools fit", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "a", count: 5, surge: "1"}, {name: "b", count: 5, surge: "1"}}},
			UpgradeOptions{}, want{steps: 21}},
		{"parallel pools one over", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "a", count: 5, surge: "1"}, {name: "b", count: 5, surge: "1"}}},
			UpgradeOptions{Parallel: true}, want{step: 2, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 12, free: 0, fit: 0}},
		{"parallel pools fit", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "a", count: 5, surge: "1"}, {name: "b", count: 4, surge: "1"}}},
			UpgradeOptions{Parallel: true}, want{steps: 19}},
		{"one pool selected", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "a", count: 9, surge: "1"}, {name: "b", count: 1, surge: "1"}}},
			UpgradeOptions{Cluster: "aks1", Pool: "b"}, want{steps: 3}},
		{"pool selected without cluster", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "a", count: 9, surge: "1"}, {name: "b", count: 1, surge: "1"}}},
			UpgradeOptions{Pool: "a"}, want{steps: 19}},
		// 1,000 instances is the pool limit, surge included.
		{"pool limit exactly fits", tdesign{mode: "overlay", nodeBits: 16, podCIDR: "10.240.0.0/12", pools: []tpool{{name: "user", count: 999, surge: "1"}}},
			UpgradeOptions{}, want{steps: 1999}},
		{"pool limit one over", tdesign{mode: "overlay", nodeBits: 16, podCIDR: "10.240.0.0/12", pools: []tpool{{name: "user", count: 1000, surge: "1"}}},
			UpgradeOptions{}, want{step: 1, code: PoolSizeLimit, need: 1001, free: 0, fit: 0}},
		// The steady state itself does not fit: step 0 fails.
		{"steady state over", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", count: 12, surge: "1"}}},
			UpgradeOptions{}, want{step: 0, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 12, free: 0, fit: 0}},
		{"empty pool has nothing to upgrade", tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", min: 0, max: 0, count: 0}}},
			UpgradeOptions{}, want{steps: 1, warn: "nothing to upgrade"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Upgrade(tt.td.build(), tt.o)
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, tt.want)
		})
	}
}

// TestSimulateUpgradeSteps checks the batch sequence of one pool: 55 nodes
// with a surge of 6 is 9 batches of 6 and one of 1.
func TestSimulateUpgradeSteps(t *testing.T) {
	d := tdesign{mode: "overlay", nodeBits: 24, pools: []tpool{{name: "apps", count: 55, surge: "6"}}}.build()
	r, err := Upgrade(d, UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != 21 {
		t.Fatalf("got %d steps, want 21", len(r.Steps))
	}
	wantDesc := map[int]string{
		0:  "start: every pool at its maximum node count",
		1:  "surge 6 nodes of aks1/apps (55 → 61)",
		2:  "drain and delete 6 old nodes of aks1/apps (61 → 55)",
		19: "surge 1 node of aks1/apps (55 → 56)",
		20: "drain and delete 1 old node of aks1/apps (56 → 55)",
	}
	for i, w := range wantDesc {
		if got := r.Steps[i].Description; got != w {
			t.Errorf("step %d: got %q, want %q", i, got, w)
		}
	}
	s := r.Steps[1]
	if s.Action != ActionSurge || s.Nodes != 6 || s.PoolBefore != 55 || s.PoolAfter != 61 {
		t.Errorf("step 1: got %+v", s)
	}
	if len(s.Ranges) != 2 || s.Ranges[0].Kind != NodeSubnet || s.Ranges[1].Kind != PodCIDR {
		t.Fatalf("step 1 ranges: got %+v", s.Ranges)
	}
	if s.Ranges[0].Before != 55 || s.Ranges[0].After != 61 || s.Ranges[1].Before != 55 || s.Ranges[1].After != 61 || s.Ranges[1].Usable != 256 {
		t.Errorf("step 1 ranges: got %+v", s.Ranges)
	}
	if r.Steps[2].Nodes != -6 || r.Steps[2].Action != ActionDrain {
		t.Errorf("step 2: got %+v", r.Steps[2])
	}
}

// TestSimulateMaxUnavailableOrder checks that with maxUnavailable the old
// nodes are drained before the new nodes appear.
func TestSimulateMaxUnavailableOrder(t *testing.T) {
	d := tdesign{mode: "overlay", nodeBits: 28, pools: []tpool{{name: "user", count: 5, surge: "1", unavail: "2"}}}.build()
	r, err := Upgrade(d, UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Batches of 3: drain 2, add 3, drain 1; then 2 left: drain 2, add 2.
	var got []int
	for _, s := range r.Steps[1:] {
		got = append(got, s.Nodes)
	}
	want := []int{-2, 3, -1, -2, 2}
	if len(got) != len(want) {
		t.Fatalf("got nodes per step %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got nodes per step %v, want %v", got, want)
		}
	}
	if r.Steps[2].Description != "add 3 new nodes of aks1/user (3 → 6)" {
		t.Errorf("step 2: got %q", r.Steps[2].Description)
	}
}

func TestSimulateUpgradeInputErrors(t *testing.T) {
	two := tdesign{mode: "overlay", nodeBits: 24, pools: []tpool{{name: "sys", count: 3}}}.build()
	c2 := two.Spec.Clusters[0]
	c2.Name = "aks2"
	two.Spec.Clusters = append(two.Spec.Clusters, c2)
	tests := []struct {
		name string
		d    *design.Design
		o    UpgradeOptions
		msg  string
	}{
		{"unknown cluster", two, UpgradeOptions{Cluster: "nope"}, `no cluster "nope"`},
		{"unknown pool", two, UpgradeOptions{Cluster: "aks1", Pool: "nope"}, `cluster "aks1" has no pool "nope"`},
		{"pool in no cluster", two, UpgradeOptions{Pool: "nope"}, `no cluster has a pool "nope"`},
		{"ambiguous pool", two, UpgradeOptions{Pool: "sys"}, `pool "sys" is in several clusters (aks1, aks2)`},
		{"no surge and no unavailable", tdesign{mode: "overlay", nodeBits: 24, pools: []tpool{{name: "user", count: 3, surge: "0"}}}.build(),
			UpgradeOptions{}, "maxSurge is 0 and maxUnavailable is 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Upgrade(tt.d, tt.o)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an InputError", err)
			}
			if !strings.Contains(ie.Msg, tt.msg) || ie.Hint == "" {
				t.Errorf("got %q (hint %q), want %q and a hint", ie.Msg, ie.Hint, tt.msg)
			}
		})
	}
}

func TestSimulateScale(t *testing.T) {
	// /27: 27 usable; pool "other" holds 5, "user" starts at 2.
	base := func(user tpool) *design.Design {
		return tdesign{mode: "overlay", nodeBits: 27, pools: []tpool{{name: "other", count: 5}, user}}.build()
	}
	fixed := tpool{name: "user", count: 2, surge: "1"}
	tests := []struct {
		name    string
		d       *design.Design
		to      int
		want    want
		node    int
		largest int
	}{
		{"exactly fits", base(fixed), 22, want{steps: 2}, 0, 22},
		{"one over", base(fixed), 23, want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 28, free: 20, fit: 20}, 23, 22},
		{"scale in", base(fixed), 1, want{steps: 2, noWarn: true}, 0, 22},
		{"no change", base(fixed), 2, want{steps: 2, noWarn: true}, 0, 22},
		// At 22 nodes the next upgrade (10% → 3 surge nodes) needs 30.
		{"next upgrade does not fit", base(tpool{name: "user", count: 2}), 22, want{steps: 2, warn: "at 22 nodes the next upgrade of aks1/user adds 3 surge nodes: node subnet spoke/nodes (10.1.0.0/27) would need 30 of its 27 addresses (SubnetIsFull)"}, 0, 22},
		{"autoscaler above what fits", base(tpool{name: "user", min: 2, max: 30, surge: "1"}), 10,
			want{steps: 2, warn: "autoscaler maxCount 30 of aks1/user is above the 22 nodes that fit; the autoscaler fails when it adds node 23"}, 0, 22},
		{"autoscaler target above maxCount", base(tpool{name: "user", min: 2, max: 5, surge: "1"}), 10,
			want{steps: 2, warn: "the autoscaler stops at maxCount 5"}, 0, 22},
		{"pool limit", tdesign{mode: "overlay", nodeBits: 16, podCIDR: "10.240.0.0/12", pools: []tpool{{name: "user", count: 3}}}.build(), 1001,
			want{step: 1, code: PoolSizeLimit, need: 1001, free: 997, fit: 997}, 1001, 1000},
		{"pool limit exactly", tdesign{mode: "overlay", nodeBits: 16, podCIDR: "10.240.0.0/12", pools: []tpool{{name: "user", count: 3, surge: "1"}}}.build(), 1000,
			want{steps: 2, warn: "exceeds the 1,000-instance pool limit"}, 0, 1000},
		// Legacy: the other pool holds 5 × 31 = 155 of 251; 96 left is 3
		// nodes of 31.
		{"legacy largest", tdesign{mode: "legacy", nodeBits: 24, pools: []tpool{{name: "other", count: 5, maxPods: 30}, {name: "user", count: 0, maxPods: 30, surge: "1"}}}.build(), 4,
			want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 279, free: 96, fit: 3}, 4, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Scale(tt.d, ScaleOptions{Cluster: "aks1", Pool: "user", To: tt.to})
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, tt.want)
			if tt.node != 0 && r.Failure.Node != tt.node {
				t.Errorf("got first failing node %d, want %d", r.Failure.Node, tt.node)
			}
			if r.Largest == nil || *r.Largest != tt.largest {
				t.Errorf("got largest %v, want %d", r.Largest, tt.largest)
			}
		})
	}
	if _, err := Scale(base(fixed), ScaleOptions{Cluster: "aks1", Pool: "user", To: -1}); err == nil {
		t.Error("negative node count: got no error")
	}
	if _, err := Scale(base(fixed), ScaleOptions{Cluster: "aks1", Pool: "nope", To: 3}); err == nil {
		t.Error("unknown pool: got no error")
	}
}

func TestSimulateAddPool(t *testing.T) {
	// /27: 27 usable; pool "user" holds 20.
	overlay := tdesign{mode: "overlay", nodeBits: 27, pools: []tpool{{name: "user", count: 20}}}.build()
	newPool := func(name string, n int) design.NodePool { return design.NodePool{Name: name, Count: ip(n)} }
	tests := []struct {
		name string
		d    *design.Design
		p    design.NodePool
		want want
	}{
		// 20 + 6 = 26; surge 10% of 6 → 1: 27.
		{"create and upgrade fit", overlay, newPool("extra", 6), want{steps: 14}},
		// 20 + 7 = 27 fits; the upgrade's surge node makes 28.
		{"upgrade after create fails", overlay, newPool("extra", 7), want{step: 2, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 28, free: 0, fit: 0}},
		{"create fails", overlay, newPool("extra", 8), want{step: 1, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 28, free: 7, fit: 7}},
		{"pool limit", tdesign{mode: "overlay", nodeBits: 16, podCIDR: "10.240.0.0/12", pools: []tpool{{name: "user", count: 3}}}.build(), newPool("big", 1001),
			want{step: 1, code: PoolSizeLimit, need: 1001, free: 1000, fit: 1000}},
		// The new pool inherits the pod subnet: 3 nodes × 16 + 1 surge
		// node's batch = 64 of the /26's 59 → fails at the surge.
		{"dynamic inherits the pod subnet", tdesign{mode: "dynamic", nodeBits: 24, podBits: 26, pools: []tpool{{name: "user", count: 0}}}.build(),
			design.NodePool{Name: "extra", Count: ip(3), MaxPods: ip(16), MaxSurge: "1"},
			want{step: 2, code: SubnetIsFull, kind: PodSubnet, rng: "spoke/pods", need: 64, free: 11, fit: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.d.Spec.Clusters[0].NodePools)
			r, err := AddPool(tt.d, AddPoolOptions{Cluster: "aks1", Pool: tt.p})
			if err != nil {
				t.Fatal(err)
			}
			check(t, r, tt.want)
			if got := len(tt.d.Spec.Clusters[0].NodePools); got != before {
				t.Errorf("AddPool changed the design: %d pools, had %d", got, before)
			}
			if r.Steps[0].Ranges[0].Before != r.Steps[0].Ranges[0].After {
				t.Errorf("step 0 changes a range: %+v", r.Steps[0].Ranges[0])
			}
			if len(r.Steps) > 1 && r.Steps[1].Action != ActionCreate {
				t.Errorf("step 1 is %s, want create", r.Steps[1].Action)
			}
		})
	}
	errs := []struct {
		name string
		d    *design.Design
		o    AddPoolOptions
		msg  string
	}{
		{"unknown cluster", overlay, AddPoolOptions{Cluster: "nope", Pool: newPool("x", 1)}, `no cluster "nope"`},
		{"duplicate name", overlay, AddPoolOptions{Cluster: "aks1", Pool: newPool("user", 1)}, `two pools named "user"`},
		{"unknown subnet", overlay, AddPoolOptions{Cluster: "aks1", Pool: design.NodePool{Name: "x", Count: ip(1), Subnet: "nope"}}, `no subnet "nope"`},
		{"pod subnet in overlay", overlay, AddPoolOptions{Cluster: "aks1", Pool: design.NodePool{Name: "x", Count: ip(1), PodSubnet: "nodes"}}, "does not use pod subnets"},
		{"maxPods out of range", overlay, AddPoolOptions{Cluster: "aks1", Pool: design.NodePool{Name: "x", Count: ip(1), MaxPods: ip(300)}}, "maxPods 300 is out of range"},
		{"no count", overlay, AddPoolOptions{Cluster: "aks1", Pool: design.NodePool{Name: "x"}}, "node count"},
		{"windows on kubenet", tdesign{mode: "kubenet", nodeBits: 24, pools: []tpool{{name: "user", count: 1}}}.build(),
			AddPoolOptions{Cluster: "aks1", Pool: design.NodePool{Name: "win", Count: ip(1), OS: design.OSWindows}}, "does not run Windows pools"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AddPool(tt.d, tt.o)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.msg) {
				t.Errorf("got %v, want an InputError with %q", err, tt.msg)
			}
		})
	}
}

func loadExample(t *testing.T, name string) *design.Design {
	t.Helper()
	data, err := os.ReadFile("../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSimulateSeedExamples checks the lesson's anti-example by hand:
// spoke/nodes is a /25, 128 − 5 = 123 usable; at steady state it holds
// 2 × (3 + 55) nodes + 4 private endpoints = 120. Kubernetes 1.33: surge
// 10% rounded up. aks-a/system (3 nodes, surge 1) upgrades in 3 batches
// of 1: steps 1-6 reach 121 at most. aks-a/apps (55 nodes, surge 6)
// surges 6 at step 7: 120 + 6 = 126 > 123, 3 free.
func TestSimulateSeedExamples(t *testing.T) {
	r, err := Upgrade(loadExample(t, "seed-anti.yaml"), UpgradeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, r, want{step: 7, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 126, free: 3, fit: 3, steps: 8})
	wantVerdict := "step 7 fails: SubnetIsFull: node subnet spoke/nodes (10.0.0.0/25) has 123 usable addresses; step needs 126 (120 in use + 6 for 6 surge nodes of aks-a/apps); 3 free, so 3 of the 6 nodes fit"
	if got := r.Verdict(); got != wantVerdict {
		t.Errorf("got verdict\n%s\nwant\n%s", got, wantVerdict)
	}
	if r.Steps[1].Ranges[0].After != 121 {
		t.Errorf("step 1: got %d in use, want 121", r.Steps[1].Ranges[0].After)
	}
	// Together, aks-a's pools surge 1 + 6 on top of 120: step 2 fails.
	rp, err := Upgrade(loadExample(t, "seed-anti.yaml"), UpgradeOptions{Parallel: true})
	if err != nil {
		t.Fatal(err)
	}
	check(t, rp, want{step: 2, code: SubnetIsFull, kind: NodeSubnet, rng: "spoke/nodes", need: 127, free: 2, fit: 2})

	// The fixed design: /21 with 2,043 usable; 3 + 60 + 40 nodes + the
	// private API endpoint = 104, plus at most 20 surge nodes.
	for _, par := range []bool{false, true} {
		rf, err := Upgrade(loadExample(t, "seed-fixed.yaml"), UpgradeOptions{Parallel: par})
		if err != nil {
			t.Fatal(err)
		}
		check(t, rf, want{})
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
}
