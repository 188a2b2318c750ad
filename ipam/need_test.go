package ipam

import (
	"errors"
	"strings"
	"testing"
)

func TestNeedSize(t *testing.T) {
	pools := func(ps ...NodePoolNeed) []NodePoolNeed { return ps }
	cases := []struct {
		name string
		need Need
		bits int
		want uint64 // the need at the chosen stage
	}{
		// 100 nodes + 10% default surge on 1.33 = 110 addresses: a /25.
		{"overlay default surge", Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Pools: pools(NodePoolNeed{MaxNodes: 100})}, 25, 110},
		// 11 nodes × (30 pods + 1) = 341: a /23 (507 usable), not a /24 (251).
		{"legacy CNI", Need{Kind: NeedNodeSubnet, Mode: ModeNodeSubnet, Pools: pools(NodePoolNeed{MaxNodes: 10, MaxPods: 30, MaxSurge: "1"})}, 23, 341},
		// 55 nodes × 256 (16 batches of 16 for 250 pods) = 14,080: a /18.
		{"dynamic pod subnet", Need{Kind: NeedPodSubnet, Mode: ModePodSubnetDynamic, Pools: pools(NodePoolNeed{MaxNodes: 50, MaxPods: 250})}, 18, 14080},
		// 10 nodes × 2 blocks of 16 (31 pods + 1) = 320: a /23.
		{"static pod subnet", Need{Kind: NeedPodSubnet, Mode: ModePodSubnetStatic, Pools: pools(NodePoolNeed{MaxNodes: 10, MaxPods: 31, MaxSurge: "0"})}, 23, 320},
		// Nodes in a pod-subnet cluster take one node-subnet address each.
		{"pod subnet mode node subnet", Need{Kind: NeedNodeSubnet, Mode: ModePodSubnetStatic, Pools: pools(NodePoolNeed{MaxNodes: 10, MaxSurge: "0"})}, 28, 10},
		// 11 kubenet nodes, one /24 each: 16 /24s, a /20.
		{"kubenet pod CIDR", Need{Kind: NeedPodCIDR, Mode: ModeKubenet, Pools: pools(NodePoolNeed{MaxNodes: 10})}, 20, 11},
		// 500 Services + 20% = 600 + 4 fixed: a /22 (1,020 after the 4).
		{"service CIDR", Need{Kind: NeedServiceCIDR, Services: 500}, 22, 500},
		{"service CIDR floor", Need{Kind: NeedServiceCIDR, Services: 3}, 24, 3},
		// Growth 1.5, blue/green 50%, headroom 10%, surge 33% on 20 nodes:
		// grown to 30 nodes: 30 + 10 + 15 + 3 = 58: a /26 (59 usable).
		{"planning factors", Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, GrowthFactor: 1.5, BlueGreenOverlapPercent: 50,
			EmergencyHeadroomPercent: 10, Pools: pools(NodePoolNeed{MaxNodes: 20, MaxSurge: "33%"})}, 26, 58},
		// The same at the upgrade stage: 20 + 7 = 27: a /27 (27 usable).
		{"planning factors at upgrade", Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, GrowthFactor: 1.5, BlueGreenOverlapPercent: 50,
			EmergencyHeadroomPercent: 10, Stage: "upgrade", Pools: pools(NodePoolNeed{MaxNodes: 20, MaxSurge: "33%"})}, 27, 27},
		// 20 nodes + 40 extra = 60 > 59: a /25.
		{"extra addresses", Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Extra: 40, Pools: pools(NodePoolNeed{MaxNodes: 20, MaxSurge: "0"})}, 25, 60},
		// Before 1.32 the default surge is 1 node: 101 + (50 + 5) = 156.
		{"two pools on 1.31", Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, KubernetesVersion: "1.31",
			Pools: pools(NodePoolNeed{MaxNodes: 100}, NodePoolNeed{Name: "gpu", MaxNodes: 50, MaxSurge: "5"})}, 24, 156},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.need.Size()
			if err != nil {
				t.Fatal(err)
			}
			if got.Bits != c.bits || got.Need != c.want {
				t.Errorf("Size() = /%d for %d, want /%d for %d (%s)", got.Bits, got.Need, c.bits, c.want, got.Explanation)
			}
			if !strings.Contains(got.Explanation, "/") || got.Unit == "" {
				t.Errorf("explanation %q, unit %q", got.Explanation, got.Unit)
			}
		})
	}
}

func TestNeedInvalid(t *testing.T) {
	ok := NodePoolNeed{MaxNodes: 3}
	cases := []struct {
		need  Need
		field string
	}{
		{Need{Mode: ModeOverlay, Pools: []NodePoolNeed{ok}}, "need.kind"},
		{Need{Kind: "subnet", Pools: []NodePoolNeed{ok}}, "need.kind"},
		{Need{Kind: NeedNodeSubnet, Pools: []NodePoolNeed{ok}}, "need.mode"},
		{Need{Kind: NeedNodeSubnet, Mode: "azure", Pools: []NodePoolNeed{ok}}, "need.mode"},
		{Need{Kind: NeedPodSubnet, Mode: ModeOverlay, Pools: []NodePoolNeed{ok}}, "need.mode"},
		{Need{Kind: NeedPodCIDR, Mode: ModeNodeSubnet, Pools: []NodePoolNeed{ok}}, "need.mode"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay}, "need.pools"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Pools: []NodePoolNeed{{MaxNodes: 0}}}, "need.pools[0].maxNodes"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Pools: []NodePoolNeed{ok, {MaxNodes: 1001}}}, "need.pools[1].maxNodes"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Pools: []NodePoolNeed{{MaxNodes: 3, MaxPods: 5}}}, "need.pools[0].maxPods"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Pools: []NodePoolNeed{{MaxNodes: 3, MaxSurge: "x%"}}}, "need.pools[0].maxSurge"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, KubernetesVersion: "latest", Pools: []NodePoolNeed{ok}}, "need.kubernetesVersion"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Stage: "peak", Pools: []NodePoolNeed{ok}}, "need.stage"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, GrowthFactor: -1, Pools: []NodePoolNeed{ok}}, "need.growthFactor"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, BlueGreenOverlapPercent: 101, Pools: []NodePoolNeed{ok}}, "need.blueGreenOverlapPercent"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Extra: -1, Pools: []NodePoolNeed{ok}}, "need.extra"},
		{Need{Kind: NeedPodCIDR, Extra: 3, Pools: []NodePoolNeed{ok}}, "need.extra"},
		{Need{Kind: NeedServiceCIDR}, "need.services"},
		{Need{Kind: NeedServiceCIDR, Services: 100, Pools: []NodePoolNeed{ok}}, "need.pools"},
		{Need{Kind: NeedServiceCIDR, Services: 100_001}, "need.services"},
		{Need{Kind: NeedNodeSubnet, Mode: ModeOverlay, Services: 3, Pools: []NodePoolNeed{ok}}, "need.services"},
	}
	for _, c := range cases {
		_, err := c.need.Size()
		var ie *InvalidError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%+v: got %v, want an invalid %s", c.need, err, c.field)
		}
	}
}
