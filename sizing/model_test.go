package sizing

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/aksnet/aksnet/design"
)

// This file checks Analyze against a slow, obviously-correct model on
// random small designs: the model recomputes every subnet's need from the
// per-mode formulas with plain loops, and finds each pool's largest node
// count by trying every count from 0 to 1,000 and re-running the analysis.

// randomDesign builds a small design: one VNet with up to five subnets of
// /22 to /28 (or an IPv6 /64), one to three clusters of random modes, one to three pools
// each, random surge, maxPods and planning factors, and a few fixed
// consumers.
func randomDesign(r *rand.Rand) *design.Design {
	v := design.VNet{Name: "spoke", Region: "westeurope", AddressSpace: pfxs("10.0.0.0/16")}
	nsub := 1 + r.IntN(5)
	for i := range nsub {
		bits := 22 + r.IntN(7)
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(4 * i), 0}), bits)
		if r.IntN(6) == 0 { // an IPv6-only subnet: unlimited
			p = netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, 0, 0, byte(i)}), 64)
		}
		v.Subnets = append(v.Subnets, design.Subnet{Name: fmt.Sprintf("s%d", i), AddressPrefixes: []netip.Prefix{p}})
	}
	sub := func() string { return fmt.Sprintf("s%d", r.IntN(nsub)) }
	d := &design.Design{Spec: design.Spec{VNets: []design.VNet{v}}}
	d.Spec.Planning = design.Planning{
		BlueGreenOverlapPercent:  []int{0, 0, 25, 50}[r.IntN(4)],
		EmergencyHeadroomPercent: []int{0, 0, 10, 30}[r.IntN(4)],
		GrowthFactor:             []float64{0, 1, 1.2, 1.5}[r.IntN(4)],
	}
	nets := []design.ClusterNetwork{kubenet, overlay, legacy, dynamic, static, byoCNI}
	for ci := range 1 + r.IntN(3) {
		c := design.Cluster{
			Name: fmt.Sprintf("c%d", ci), KubernetesVersion: []string{"1.31", "1.33"}[r.IntN(2)], VNet: "spoke",
			Network: nets[r.IntN(len(nets))],
		}
		podSubnets := c.Network.Plugin == design.PluginAzure && c.Network.PluginMode == "" && r.IntN(3) > 0
		if c.Network.PodIPAllocationMode == design.AllocStaticBlock {
			podSubnets = true
		}
		if r.IntN(2) == 0 {
			c.Network.PodCIDRs = []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{100, byte(64 + ci), 0, 0}), 15+r.IntN(11))}
		}
		for pi := range 1 + r.IntN(3) {
			p := design.NodePool{Name: fmt.Sprintf("p%d", pi), Mode: design.ModeUser, Subnet: sub()}
			if pi == 0 {
				p.Mode = design.ModeSystem
			}
			if podSubnets && (pi == 0 || r.IntN(4) > 0) {
				p.PodSubnet = sub()
			}
			if r.IntN(2) == 0 {
				p.Count = ip(r.IntN(12))
			} else {
				p.MinCount, p.MaxCount = ip(0), ip(r.IntN(20))
			}
			switch r.IntN(4) {
			case 0:
				p.MaxPods = ip(10 + r.IntN(241))
			case 1, 2:
				p.MaxPods = ip(10 + r.IntN(30))
			}
			p.MaxSurge = []string{"", "0", "1", "3", "33%", "100%", "50"}[r.IntN(7)]
			c.NodePools = append(c.NodePools, p)
		}
		if r.IntN(3) == 0 {
			c.APIServer.Private = true
		}
		if r.IntN(3) == 0 {
			l := design.ILBFrontends{Count: 1 + r.IntN(4)}
			if r.IntN(2) == 0 {
				l.Subnet = sub()
			}
			c.InternalLoadBalancers = append(c.InternalLoadBalancers, l)
		}
		d.Spec.Clusters = append(d.Spec.Clusters, c)
	}
	for i := range r.IntN(3) {
		d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints,
			design.PrivateEndpoint{Name: fmt.Sprintf("pe%d", i), Subnet: "spoke/" + sub(), Count: r.IntN(6)})
	}
	return d
}

// modelStageNodes returns a pool's node counts per stage, term by term.
func modelStageNodes(c *design.Cluster, p *design.NodePool, pl design.Planning) [5]uint64 {
	pct := func(n, p int) uint64 {
		// Smallest k with 100k ≥ n·p.
		k := 0
		for 100*k < n*p {
			k++
		}
		return uint64(k)
	}
	stack := func(n int) [4]uint64 {
		s := uint64(c.SurgeNodes(p, n))
		bg := pct(n, pl.BlueGreenOverlapPercent)
		em := pct(n, pl.EmergencyHeadroomPercent)
		return [4]uint64{uint64(n), uint64(n) + s, uint64(n) + s + bg, uint64(n) + s + bg + em}
	}
	n := p.MaxNodes()
	a := stack(n)
	g := n
	if f := pl.GrowthFactor; f > 1 {
		for float64(g) < float64(n)*f-1e-9 {
			g++
		}
	}
	return [5]uint64{a[0], a[1], a[2], a[3], stack(g)[3]}
}

// modelCosts returns what one node of the pool takes from its node subnet
// and (full and floor) from its pod subnet.
func modelCosts(c *design.Cluster, p *design.NodePool) (node, podFull, podFloor uint64) {
	maxPods := c.MaxPodsFor(p)
	clusterHasPodSubnet := false
	for _, q := range c.NodePools {
		if q.PodSubnet != "" {
			clusterHasPodSubnet = true
		}
	}
	switch {
	case c.Network.Plugin != design.PluginAzure, c.Network.PluginMode == design.ModeOverlay:
		return 1, 0, 0
	case !clusterHasPodSubnet || p.PodSubnet == "":
		return uint64(maxPods) + 1, 0, 0
	case c.Network.PodIPAllocationMode == design.AllocStaticBlock:
		blocks := 0
		for 16*blocks < maxPods+1 {
			blocks++
		}
		return 1, uint64(16 * blocks), uint64(16 * blocks)
	}
	batches := 1
	for 16*batches < maxPods {
		batches++
	}
	return 1, uint64(16 * batches), 16
}

type modelUse struct {
	need, min [5]uint64
}

// model computes every subnet's need, keyed by subnet name, and every
// cluster's pod CIDR nodes.
func model(d *design.Design) (map[string]*modelUse, map[string][5]uint64) {
	subnets := map[string]*modelUse{}
	at := func(name string) *modelUse {
		if subnets[name] == nil {
			subnets[name] = &modelUse{}
		}
		return subnets[name]
	}
	addFlat := func(name string, n uint64) {
		u := at(name)
		for i := range 5 {
			u.need[i] += n
			u.min[i] += n
		}
	}
	ranges := map[string][5]uint64{}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		usesPodCIDR := c.Network.Plugin == design.PluginKubenet || c.Network.Plugin == design.PluginNone ||
			c.Network.PluginMode == design.ModeOverlay
		var total [5]uint64
		for pi := range c.NodePools {
			p := &c.NodePools[pi]
			nodes := modelStageNodes(c, p, d.Spec.Planning)
			node, full, floor := modelCosts(c, p)
			u := at(p.Subnet)
			for i := range 5 {
				u.need[i] += nodes[i] * node
				u.min[i] += nodes[i] * node
				total[i] += nodes[i]
			}
			if full > 0 {
				u := at(p.PodSubnet)
				for i := range 5 {
					u.need[i] += nodes[i] * full
					u.min[i] += nodes[i] * floor
				}
			}
		}
		if usesPodCIDR {
			ranges[c.Name] = total
		}
		if c.APIServer.Private {
			addFlat(c.NodePools[0].Subnet, 1)
		}
		for _, l := range c.InternalLoadBalancers {
			s := l.Subnet
			if s == "" {
				s = c.NodePools[0].Subnet
			}
			addFlat(s, uint64(l.Count))
		}
	}
	for _, pe := range d.Spec.PrivateEndpoints {
		n := pe.Count
		if n == 0 {
			n = 1
		}
		addFlat(pe.Subnet[len("spoke/"):], uint64(n))
	}
	return subnets, ranges
}

// withPoolSize returns a copy of d in which pool pi of cluster ci has n
// nodes at most; d is not changed.
func withPoolSize(d *design.Design, ci, pi, n int) *design.Design {
	cp := *d
	cp.Spec.Clusters = append([]design.Cluster(nil), d.Spec.Clusters...)
	c := &cp.Spec.Clusters[ci]
	c.NodePools = append([]design.NodePool(nil), c.NodePools...)
	p := &c.NodePools[pi]
	if p.MaxCount != nil {
		p.MaxCount = ip(n)
	} else {
		p.Count = ip(n)
	}
	return &cp
}

// bruteLargest tries every node count from 0 to 1,000 for pool pi of
// cluster ci and returns the largest that fits at the upgrade stage, or -1,
// and whether the counts that fit form a prefix 0..largest.
func bruteLargest(d *design.Design, ci, pi int) (int, bool) {
	c := &d.Spec.Clusters[ci]
	p := &c.NodePools[pi]
	largest, gapped := -1, false
	for n := 0; n <= 1000; n++ {
		fits := n+c.SurgeNodes(p, n) <= 1000
		rep := analyze(withPoolSize(d, ci, pi, n), false)
		for _, u := range rep.Subnets {
			if u.Unlimited {
				continue
			}
			mine := false
			for _, k := range u.Consumers {
				if k.IsPool() && k.Cluster == c.Name && k.Name == p.Name {
					mine = true
				}
			}
			if mine && u.Need.Upgrade > u.Usable {
				fits = false
			}
		}
		if r := rep.PodRange(c.Name); r != nil && r.Nodes.Upgrade > r.NodeCapacity {
			fits = false
		}
		if fits {
			if largest != n-1 {
				gapped = true
			}
			largest = n
		}
	}
	return largest, !gapped
}

func TestAnalyzeMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	designs := 300
	if testing.Short() {
		designs = 50
	}
	for i := range designs {
		d := randomDesign(r)
		rep := Analyze(d)
		want, wantRanges := model(d)
		if len(rep.Subnets) != len(want) {
			t.Errorf("design %d: %d subnet uses, want %d", i, len(rep.Subnets), len(want))
		}
		for _, u := range rep.Subnets {
			w := want[u.Subnet]
			if w == nil {
				t.Errorf("design %d: unexpected use of %s", i, u.Ref())
				continue
			}
			for si, s := range Stages {
				if u.Need.At(s) != w.need[si] || u.MinNeed.At(s) != w.min[si] {
					t.Errorf("design %d: %s at %v: need %d (min %d), model %d (min %d)",
						i, u.Ref(), s, u.Need.At(s), u.MinNeed.At(s), w.need[si], w.min[si])
				}
			}
		}
		if len(rep.PodRanges) != len(wantRanges) {
			t.Errorf("design %d: %d pod ranges, want %d", i, len(rep.PodRanges), len(wantRanges))
		}
		for _, pr := range rep.PodRanges {
			w := wantRanges[pr.Cluster]
			for si, s := range Stages {
				if pr.Nodes.At(s) != w[si] {
					t.Errorf("design %d: pod range of %s at %v: %d nodes, model %d", i, pr.Cluster, s, pr.Nodes.At(s), w[si])
				}
			}
		}
	}
}

func TestLargestNodeCountMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	designs := 30
	if testing.Short() {
		designs = 8
	}
	for i := range designs {
		d := randomDesign(r)
		rep := Analyze(d)
		k := 0
		for ci := range d.Spec.Clusters {
			for pi := range d.Spec.Clusters[ci].NodePools {
				pc := rep.Pools[k]
				k++
				want, prefix := bruteLargest(d, ci, pi)
				if !prefix {
					t.Errorf("design %d: pool %s/%s: counts that fit are not a prefix (largest %d)", i, pc.Cluster, pc.Pool, want)
				}
				if pc.LargestNodeCount != want {
					t.Errorf("design %d: pool %s/%s: LargestNodeCount %d (%s), brute force %d",
						i, pc.Cluster, pc.Pool, pc.LargestNodeCount, pc.LimitedBy, want)
				}
			}
		}
	}
}
