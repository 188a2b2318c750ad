package sizing

import (
	"math"
	"net/netip"
	"testing"

	"github.com/aksnet/aksnet/design"
)

func TestStaticBlocks(t *testing.T) {
	// The static-block page's examples: 30 → 2 blocks (1 wasted),
	// 31 → 2 (none wasted), 32 → 3 (15 wasted).
	for _, tc := range []struct {
		maxPods int
		blocks  uint64
	}{
		{10, 1}, {15, 1}, {16, 2}, {30, 2}, {31, 2}, {32, 3}, {47, 3}, {48, 4}, {110, 7}, {250, 16},
	} {
		if got := StaticBlocks(tc.maxPods); got != tc.blocks {
			t.Errorf("StaticBlocks(%d) = %d, want %d", tc.maxPods, got, tc.blocks)
		}
		if got, want := StaticPerNode(tc.maxPods), 16*tc.blocks; got != want {
			t.Errorf("StaticPerNode(%d) = %d, want %d", tc.maxPods, got, want)
		}
	}
}

func TestDynamicPerNode(t *testing.T) {
	for _, tc := range []struct {
		maxPods int
		full    uint64
	}{
		{10, 16}, {16, 16}, {17, 32}, {30, 32}, {32, 32}, {110, 112}, {250, 256},
	} {
		if got := DynamicFullPerNode(tc.maxPods); got != tc.full {
			t.Errorf("DynamicFullPerNode(%d) = %d, want %d", tc.maxPods, got, tc.full)
		}
	}
	// While filling up a node keeps at least 8 addresses free: 8 pods fit
	// in the first batch (8 free), the 9th leaves 7 free and asks for more.
	for _, tc := range []struct {
		pods int
		held uint64
	}{
		{0, 16}, {8, 16}, {9, 32}, {24, 32}, {25, 48}, {30, 48},
	} {
		if got := DynamicHeldPerNode(tc.pods); got != tc.held {
			t.Errorf("DynamicHeldPerNode(%d) = %d, want %d", tc.pods, got, tc.held)
		}
	}
	if DynamicFloorPerNode != 16 {
		t.Errorf("DynamicFloorPerNode = %d, want 16", DynamicFloorPerNode)
	}
}

func TestPodCIDRNodeCapacity(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		nodes  uint64
	}{
		{"10.244.0.0/16", 256}, // the AKS default pod CIDR
		{"100.64.0.0/12", 4096},
		{"100.64.0.0/11", 8192},
		{"10.0.0.0/24", 1},
		{"10.0.0.0/25", 0}, // cannot hold one node's /24
		{"10.0.0.0/8", 65536},
		{"fd12:3456:789a::/64", math.MaxUint64},
	} {
		if got := PodCIDRNodeCapacity(netip.MustParsePrefix(tc.prefix)); got != tc.nodes {
			t.Errorf("PodCIDRNodeCapacity(%s) = %d, want %d", tc.prefix, got, tc.nodes)
		}
	}
	if got := PodCIDRNodeCapacity(netip.Prefix{}); got != 0 {
		t.Errorf("PodCIDRNodeCapacity(invalid) = %d, want 0", got)
	}
	// 5,000 nodes (the cluster limit) need a /11: a /12 holds only 4,096.
	for _, tc := range []struct {
		nodes uint64
		bits  int
	}{
		{0, 24}, {1, 24}, {2, 23}, {256, 16}, {257, 15}, {4096, 12}, {5000, 11}, {1 << 24, 0}, {1<<24 + 1, 0},
	} {
		if got := PodCIDRBitsFor(tc.nodes); got != tc.bits {
			t.Errorf("PodCIDRBitsFor(%d) = %d, want %d", tc.nodes, got, tc.bits)
		}
	}
}

func TestSubnetBitsFor(t *testing.T) {
	for _, tc := range []struct {
		need uint64
		bits int
	}{
		{0, 29}, {3, 29}, {4, 28}, {11, 28}, {12, 27}, {59, 26}, {60, 25},
		{251, 24}, {252, 23}, {1581, 21}, {2043, 21}, {2044, 20},
	} {
		if got := SubnetBitsFor(tc.need); got != tc.bits {
			t.Errorf("SubnetBitsFor(%d) = /%d, want /%d", tc.need, got, tc.bits)
		}
	}
}

func TestGrown(t *testing.T) {
	for _, tc := range []struct {
		n      int
		factor float64
		want   int
	}{
		{10, 0, 10}, {10, 1, 10}, {10, 0.5, 10}, {10, 1.1, 11}, {10, 1.5, 15}, {3, 1.5, 5},
		{100, 1.15, 115}, {7, 1.01, 8}, {0, 2, 0}, {-3, 2, 0},
	} {
		if got := Grown(tc.n, tc.factor); got != tc.want {
			t.Errorf("Grown(%d, %v) = %d, want %d", tc.n, tc.factor, got, tc.want)
		}
	}
}

func TestPoolNodesStages(t *testing.T) {
	c := &design.Cluster{KubernetesVersion: "1.33", Network: design.ClusterNetwork{Plugin: design.PluginAzure, PluginMode: design.ModeOverlay}}
	pl := design.Planning{BlueGreenOverlapPercent: 50, EmergencyHeadroomPercent: 20, GrowthFactor: 1.5}
	for _, tc := range []struct {
		name string
		pool design.NodePool
		plan design.Planning
		want Needs
	}{
		{
			// 10 nodes, 33% surge → 4; 50% overlap → 5; 20% headroom → 2.
			// Grown to 15: surge 5, overlap 8, headroom 3 → 31.
			name: "all factors", pool: design.NodePool{Count: ip(10), MaxSurge: "33%"}, plan: pl,
			want: Needs{Steady: 10, Upgrade: 14, BlueGreen: 19, Headroom: 21, Growth: 31},
		},
		{
			// Default surge on 1.33 is 10%, rounded up: 1 for 3 nodes.
			name: "default surge, no planning", pool: design.NodePool{Count: ip(3)},
			want: Needs{3, 4, 4, 4, 4},
		},
		{
			name: "autoscaler maxCount counts", pool: design.NodePool{MinCount: ip(1), MaxCount: ip(20), MaxSurge: "1"},
			want: Needs{20, 21, 21, 21, 21},
		},
		{
			name: "surge capped at pool size", pool: design.NodePool{Count: ip(2), MaxSurge: "5"},
			want: Needs{2, 4, 4, 4, 4},
		},
		{
			name: "empty pool", pool: design.NodePool{Count: ip(0)}, plan: pl,
			want: Needs{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PoolNodes(c, &tc.pool, tc.plan); got != tc.want {
				t.Errorf("PoolNodes = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestNeedsArithmetic(t *testing.T) {
	n := Needs{1, 2, 3, 4, 5}
	if got, want := n.Times(3).Plus(Flat(1)), (Needs{4, 7, 10, 13, 16}); got != want {
		t.Errorf("Times/Plus = %+v, want %+v", got, want)
	}
	if got := Flat(math.MaxUint64).Plus(Flat(1)); got != Flat(math.MaxUint64) {
		t.Errorf("Plus does not saturate: %+v", got)
	}
	if got := Flat(1 << 40).Times(1 << 40); got != Flat(math.MaxUint64) {
		t.Errorf("Times does not saturate: %+v", got)
	}
	if s, ok := n.FirstOver(2); !ok || s != BlueGreen {
		t.Errorf("FirstOver(2) = %v, %v; want blueGreen, true", s, ok)
	}
	if _, ok := n.FirstOver(5); ok {
		t.Errorf("FirstOver(5) found a stage; want none")
	}
	for _, tc := range []struct {
		capacity, need uint64
		want           int64
	}{
		{10, 3, 7}, {3, 10, -7}, {math.MaxUint64, 0, math.MaxInt64}, {0, math.MaxUint64, math.MinInt64},
	} {
		if got := Spare(tc.capacity, tc.need); got != tc.want {
			t.Errorf("Spare(%d, %d) = %d, want %d", tc.capacity, tc.need, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {1581, "1,581"}, {65536, "65,536"}, {1000000, "1,000,000"},
		{math.MaxUint64, "unlimited"},
	} {
		if got := Count(tc.n); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestStageString(t *testing.T) {
	want := []string{"steady", "upgrade", "blueGreen", "headroom", "growth"}
	for i, s := range Stages {
		if s.String() != want[i] {
			t.Errorf("Stage(%d).String() = %q, want %q", i, s.String(), want[i])
		}
	}
	if Stage(9).String() != "invalid" {
		t.Errorf("Stage(9).String() = %q, want invalid", Stage(9).String())
	}
}
