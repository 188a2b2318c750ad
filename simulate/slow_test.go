package simulate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
)

// The slow model below tracks every address of every range and every node
// individually: each node takes specific address slots when it is
// created and gives them back when it is deleted. It derives per-node
// costs, defaults and surge from the design on its own, without the sizing
// package, and is compared with the step-wise simulation on random small
// designs.

// slowRange is a range with one slot per usable address (or /24 block).
type slowRange struct {
	slots []bool
	taken int // slots in use
	next  int // no slot below next is free
	over  int // what did not fit while building the starting state
}

func (r *slowRange) used() int { return r.taken + r.over }

// take takes one free slot. Addresses that did not fit while building the
// starting state count as taken, so nothing is free while any remain.
func (r *slowRange) take() (int, bool) {
	if r.used() >= len(r.slots) {
		return 0, false
	}
	for i := r.next; i < len(r.slots); i++ {
		if !r.slots[i] {
			r.slots[i] = true
			r.taken++
			r.next = i + 1
			return i, true
		}
	}
	panic("a range with free addresses has no free slot")
}

// slowHold is one slot a node holds; slot -1 is an address that did not
// fit while building the starting state.
type slowHold struct {
	key  string
	slot int
}

type slowNode struct{ held []slowHold }

type slowCost struct {
	key string
	n   int
}

type slowPool struct {
	c     *design.Cluster
	p     *design.NodePool
	costs []slowCost
	nodes []*slowNode
}

func (p *slowPool) ref() string { return p.c.Name + "/" + p.p.Name }

type slowFail struct {
	step int
	code Code
	key  string
	fit  int
	node int
}

type slowSim struct {
	ranges map[string]*slowRange
	pools  []*slowPool
	steps  []map[string]int
	fail   *slowFail
}

func slowMode(c *design.Cluster) string {
	switch c.Network.Plugin {
	case design.PluginKubenet:
		return "kubenet"
	case design.PluginAzure:
		if c.Network.PluginMode == design.ModeOverlay {
			return "overlay"
		}
		for _, p := range c.NodePools {
			if p.PodSubnet != "" {
				if c.Network.PodIPAllocationMode == design.AllocStaticBlock {
					return "static"
				}
				return "dynamic"
			}
		}
		return "legacy"
	}
	return "none"
}

func slowMaxPods(mode string, p *design.NodePool) int {
	if p.MaxPods != nil {
		return *p.MaxPods
	}
	switch mode {
	case "kubenet":
		return 110
	case "legacy":
		return 30
	}
	return 250
}

// slowParse parses "3" or "25%" for a pool of n nodes, rounding up.
func slowParse(s string, n int) int {
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
	if err != nil {
		panic(err)
	}
	if pct {
		v = (v*n + 99) / 100
	}
	return min(v, n)
}

func slowSurge(c *design.Cluster, p *design.NodePool, n int) int {
	spec := p.MaxSurge
	if spec == "" {
		ma, mi, _ := design.ParseVersion(c.KubernetesVersion)
		spec = "1"
		if ma > 1 || (ma == 1 && mi >= 32) {
			spec = "10%"
		}
	}
	return slowParse(spec, n)
}

func slowUnavailable(p *design.NodePool, n int) int {
	if p.MaxUnavailable == "" || p.Mode == design.ModeSystem {
		return 0
	}
	return slowParse(p.MaxUnavailable, n)
}

func subnetKey(ref, vnet string) string {
	if !strings.Contains(ref, "/") {
		ref = vnet + "/" + ref
	}
	return "subnet/" + ref
}

func newSlow(d *design.Design) *slowSim {
	s := &slowSim{ranges: map[string]*slowRange{}}
	for _, v := range d.Spec.VNets {
		for _, sn := range v.Subnets {
			size := 1<<(32-sn.AddressPrefixes[0].Bits()) - 5
			s.ranges["subnet/"+v.Name+"/"+sn.Name] = &slowRange{slots: make([]bool, size)}
		}
	}
	fixed := func(key string, n int) {
		r := s.ranges[key]
		for range n {
			if _, ok := r.take(); !ok {
				r.over++
			}
		}
	}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		mode := slowMode(c)
		if mode == "overlay" || mode == "kubenet" {
			bits := 16
			if len(c.Network.PodCIDRs) > 0 {
				bits = c.Network.PodCIDRs[0].Bits()
			}
			s.ranges["podCIDR/"+c.Name] = &slowRange{slots: make([]bool, 1<<(24-bits))}
		}
		for pi := range c.NodePools {
			p := &c.NodePools[pi]
			pm := mode
			if (mode == "dynamic" || mode == "static") && p.PodSubnet == "" {
				pm = "legacy"
			}
			mp := slowMaxPods(mode, p)
			sp := &slowPool{c: c, p: p}
			node := 1
			if pm == "legacy" {
				node = mp + 1
			}
			sp.costs = append(sp.costs, slowCost{subnetKey(p.Subnet, c.VNet), node})
			switch pm {
			case "dynamic":
				sp.costs = append(sp.costs, slowCost{subnetKey(p.PodSubnet, c.VNet), 16})
			case "static":
				sp.costs = append(sp.costs, slowCost{subnetKey(p.PodSubnet, c.VNet), 16 * ((mp + 1 + 15) / 16)})
			case "overlay", "kubenet":
				sp.costs = append(sp.costs, slowCost{"podCIDR/" + c.Name, 1})
			}
			n := p.MaxNodes()
			for range n {
				nd := &slowNode{}
				for _, k := range sp.costs {
					for range k.n {
						slot, ok := s.ranges[k.key].take()
						if !ok {
							s.ranges[k.key].over++
							slot = -1
						}
						nd.held = append(nd.held, slowHold{k.key, slot})
					}
				}
				sp.nodes = append(sp.nodes, nd)
			}
			s.pools = append(s.pools, sp)
		}
		if c.APIServer.Private {
			fixed(subnetKey(c.NodePools[0].Subnet, c.VNet), 1)
		}
	}
	for _, pe := range d.Spec.PrivateEndpoints {
		fixed("subnet/"+pe.Subnet, pe.EffectiveCount())
	}
	return s
}

func (s *slowSim) pool(cluster, name string) *slowPool {
	for _, p := range s.pools {
		if p.c.Name == cluster && p.p.Name == name {
			return p
		}
	}
	return nil
}

func (s *slowSim) release(nd *slowNode) {
	for _, h := range nd.held {
		if h.slot < 0 {
			s.ranges[h.key].over--
		} else {
			r := s.ranges[h.key]
			r.slots[h.slot] = false
			r.taken--
			r.next = min(r.next, h.slot)
		}
	}
	nd.held = nil
}

// setNodes removes nodes (oldest first) to reach n, outside any step.
func (s *slowSim) setNodes(p *slowPool, n int) {
	for len(p.nodes) > n {
		s.release(p.nodes[0])
		p.nodes = p.nodes[1:]
	}
}

func (s *slowSim) record(p *slowPool) {
	m := map[string]int{}
	for _, k := range p.costs {
		m[k.key] = s.ranges[k.key].used()
	}
	s.steps = append(s.steps, m)
}

// start is step 0: it fails when a range the pools touch is over, node
// subnets checked first, then pod subnets, then pod CIDRs.
func (s *slowSim) start(ps []*slowPool) bool {
	m := map[string]int{}
	for rank := range 3 {
		for _, p := range ps {
			for i, k := range p.costs {
				kr := min(i, 1)
				if strings.HasPrefix(k.key, "podCIDR/") {
					kr = 2
				}
				if kr != rank {
					continue
				}
				m[k.key] = s.ranges[k.key].used()
				if s.fail == nil && m[k.key] > len(s.ranges[k.key].slots) {
					s.fail = &slowFail{step: 0, code: keyCode(k.key), key: k.key}
				}
			}
		}
	}
	s.steps = append(s.steps, m)
	return s.fail == nil
}

func keyCode(key string) Code {
	if strings.HasPrefix(key, "podCIDR/") {
		return InsufficientSubnetSize
	}
	return SubnetIsFull
}

// add creates n nodes one by one as one step.
func (s *slowSim) add(p *slowPool, n int) bool {
	step := len(s.steps)
	for i := range n {
		if len(p.nodes)+1 > 1000 {
			s.fail = &slowFail{step: step, code: PoolSizeLimit, fit: i, node: len(p.nodes) + 1}
			break
		}
		nd := &slowNode{}
		for _, k := range p.costs {
			for range k.n {
				slot, ok := s.ranges[k.key].take()
				if !ok {
					s.fail = &slowFail{step: step, code: keyCode(k.key), key: k.key, fit: i, node: len(p.nodes) + 1}
					break
				}
				nd.held = append(nd.held, slowHold{k.key, slot})
			}
			if s.fail != nil {
				break
			}
		}
		if s.fail != nil {
			break
		}
		p.nodes = append(p.nodes, nd)
	}
	s.record(p)
	return s.fail == nil
}

// remove deletes the n oldest nodes as one step.
func (s *slowSim) remove(p *slowPool, n int) {
	s.setNodes(p, len(p.nodes)-n)
	s.record(p)
}

// upgrade replaces every node of the pools in batches; parallel pools move
// batch by batch together.
func (s *slowSim) upgrade(ps []*slowPool, parallel bool) {
	type state struct {
		p         *slowPool
		old, s, u int
	}
	var sts []*state
	for _, p := range ps {
		n := len(p.nodes)
		if n > 0 {
			sts = append(sts, &state{p: p, old: n, s: slowSurge(p.c, p.p, n), u: slowUnavailable(p.p, n)})
		}
	}
	// one runs phase ph of the next batch of st; it returns false on
	// failure.
	one := func(st *state, ph int) bool {
		b := min(st.s+st.u, st.old)
		d := min(st.u, b)
		switch ph {
		case 0:
			if d > 0 {
				s.remove(st.p, d)
			}
		case 1:
			return s.add(st.p, b)
		case 2:
			if b-d > 0 {
				s.remove(st.p, b-d)
			}
			st.old -= b
		}
		return true
	}
	if !parallel {
		for _, st := range sts {
			for st.old > 0 {
				for ph := range 3 {
					if !one(st, ph) {
						return
					}
				}
			}
		}
		return
	}
	for {
		any := false
		for ph := range 3 {
			for _, st := range sts {
				if st.old == 0 {
					continue
				}
				any = true
				if !one(st, ph) {
					return
				}
			}
		}
		if !any {
			return
		}
	}
}

// randomDesign builds a small valid design: up to 2 node subnets, up to
// 2 pod subnets, 1-2 clusters of random modes with 1-3 pools, and a few
// private endpoints.
func randomDesign(rng *rand.Rand) *design.Design {
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind}
	d.Metadata.Name = "random"
	v := design.VNet{Name: "spoke", Region: "westeurope", Path: "spec.vnets[0]",
		AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	nNode, nPod := 1+rng.IntN(2), rng.IntN(3)
	var nodeNames, podNames []string
	for i := range nNode {
		name := "n" + strconv.Itoa(i)
		nodeNames = append(nodeNames, name)
		v.Subnets = append(v.Subnets, design.Subnet{Name: name, Purpose: design.PurposeNodes,
			AddressPrefixes: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(10 + i), 0, 0}), 21+rng.IntN(7))}})
	}
	for i := range nPod {
		name := "p" + strconv.Itoa(i)
		podNames = append(podNames, name)
		v.Subnets = append(v.Subnets, design.Subnet{Name: name, Purpose: design.PurposePods,
			AddressPrefixes: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(20 + i), 0, 0}), 21+rng.IntN(6))}})
	}
	d.Spec.VNets = []design.VNet{v}
	all := append(append([]string{}, nodeNames...), podNames...)
	for i := range rng.IntN(3) {
		d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{
			Name: "pe" + strconv.Itoa(i), Service: "keyVault", Subnet: "spoke/" + all[rng.IntN(len(all))], Count: 1 + rng.IntN(4)})
	}
	modes := []string{"overlay", "kubenet", "legacy", "dynamic", "static"}
	for ci := range 1 + rng.IntN(2) {
		c := design.Cluster{Name: "c" + strconv.Itoa(ci), Region: "westeurope", VNet: "spoke",
			KubernetesVersion: []string{"1.31", "1.33"}[rng.IntN(2)], Path: "spec.clusters[" + strconv.Itoa(ci) + "]"}
		mode := modes[rng.IntN(len(modes))]
		switch mode {
		case "overlay":
			c.Network = design.ClusterNetwork{Plugin: design.PluginAzure, PluginMode: design.ModeOverlay}
		case "kubenet":
			c.Network = design.ClusterNetwork{Plugin: design.PluginKubenet}
		case "legacy", "dynamic":
			c.Network = design.ClusterNetwork{Plugin: design.PluginAzure}
		case "static":
			c.Network = design.ClusterNetwork{Plugin: design.PluginAzure, PodIPAllocationMode: design.AllocStaticBlock}
		}
		if (mode == "overlay" || mode == "kubenet") && rng.IntN(3) > 0 {
			c.Network.PodCIDRs = []netip.Prefix{netip.PrefixFrom(netip.MustParseAddr("10.244.0.0"), 19+rng.IntN(6))}
		}
		c.APIServer.Private = rng.IntN(3) == 0
		for pi := range 1 + rng.IntN(3) {
			p := design.NodePool{Name: "p" + strconv.Itoa(pi), Mode: design.ModeUser, Subnet: nodeNames[rng.IntN(len(nodeNames))],
				Path: design.Index(design.Field(c.Path, "nodePools"), pi)}
			if pi == 0 {
				p.Mode = design.ModeSystem
			}
			if (mode == "dynamic" || mode == "static") && len(podNames) > 0 && rng.IntN(5) > 0 {
				p.PodSubnet = podNames[rng.IntN(len(podNames))]
			}
			if rng.IntN(3) == 0 {
				lo := rng.IntN(4)
				p.MinCount, p.MaxCount = ip(lo), ip(lo+rng.IntN(11))
			} else {
				p.Count = ip(rng.IntN(11))
			}
			if rng.IntN(3) > 0 {
				p.MaxPods = ip(10 + rng.IntN(31))
			}
			if p.Mode == design.ModeUser && rng.IntN(4) == 0 {
				p.MaxUnavailable = []string{"1", "2", "30%"}[rng.IntN(3)]
			}
			surges := []string{"", "1", "2", "3", "25%", "50%"}
			if p.MaxUnavailable != "" {
				surges = append(surges, "0", "0")
			}
			p.MaxSurge = surges[rng.IntN(len(surges))]
			c.NodePools = append(c.NodePools, p)
		}
		d.Spec.Clusters = append(d.Spec.Clusters, c)
	}
	if rng.IntN(3) > 0 {
		tighten(d, rng)
	}
	if probs := design.Validate(d); len(probs) > 0 {
		panic(fmt.Sprintf("random design is invalid: %s: %s", probs[0].Path, probs[0].Msg))
	}
	return d
}

// tighten resizes every subnet and pod CIDR to just above what the steady
// state uses, and sometimes fills the rest with private endpoints, so that
// random operations often end near a boundary.
func tighten(d *design.Design, rng *rand.Rand) {
	v := &d.Spec.VNets[0]
	for i := range v.Subnets {
		v.Subnets[i].AddressPrefixes[0] = netip.PrefixFrom(v.Subnets[i].AddressPrefixes[0].Addr(), 16)
	}
	for ci := range d.Spec.Clusters {
		if c := &d.Spec.Clusters[ci]; len(c.Network.PodCIDRs) > 0 {
			c.Network.PodCIDRs[0] = netip.PrefixFrom(c.Network.PodCIDRs[0].Addr(), 16)
		}
	}
	s := newSlow(d)
	for i := range v.Subnets {
		sn := &v.Subnets[i]
		used := s.ranges["subnet/spoke/"+sn.Name].used()
		bits := 29
		for bits > 16 && 1<<(32-bits)-5 < used+rng.IntN(8) {
			bits--
		}
		sn.AddressPrefixes[0] = netip.PrefixFrom(sn.AddressPrefixes[0].Addr(), bits)
		if free := 1<<(32-bits) - 5 - used; free > 0 && rng.IntN(2) == 0 {
			d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{
				Name: "fill-" + sn.Name, Service: "keyVault", Subnet: "spoke/" + sn.Name, Count: max(free-rng.IntN(6), 1)})
		}
	}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		if len(c.Network.PodCIDRs) == 0 {
			continue
		}
		used := s.ranges["podCIDR/"+c.Name].used()
		bits := 24
		for bits > 16 && 1<<(24-bits) < used+rng.IntN(4) {
			bits--
		}
		c.Network.PodCIDRs[0] = netip.PrefixFrom(c.Network.PodCIDRs[0].Addr(), bits)
	}
}

// rangeKey is the slow model's key of a range the simulation reports.
func rangeKey(r RangeUse) string {
	if r.Kind == PodCIDR {
		return "podCIDR/" + r.Name
	}
	return "subnet/" + r.Name
}

// compareRuns checks a simulation against the slow model's run.
func compareRuns(t *testing.T, seed uint64, r *Result, s *slowSim) {
	t.Helper()
	ctx := fmt.Sprintf("seed %d (%s)", seed, r.Verdict())
	if len(r.Steps) != len(s.steps) {
		t.Fatalf("%s: got %d steps, the slow model took %d", ctx, len(r.Steps), len(s.steps))
	}
	switch {
	case (r.Failure == nil) != (s.fail == nil):
		t.Fatalf("%s: failure %v, slow model failure %+v", ctx, r.Failure, s.fail)
	case r.Failure != nil:
		f, sf := r.Failure, s.fail
		if f.Step != sf.step || f.Code != sf.code {
			t.Fatalf("%s: got step %d %s, slow model step %d %s", ctx, f.Step, f.Code, sf.step, sf.code)
		}
		key := ""
		if f.Range != nil {
			key = rangeKey(*f.Range)
		}
		if key != sf.key {
			t.Fatalf("%s: got range %q, slow model %q", ctx, key, sf.key)
		}
		if f.Step > 0 {
			if f.Fit != sf.fit || f.Node != sf.node {
				t.Fatalf("%s: got range %q fit %d node %d, slow model %q fit %d node %d", ctx, key, f.Fit, f.Node, sf.key, sf.fit, sf.node)
			}
		}
	}
	for i, st := range r.Steps {
		if r.Failure != nil && i == r.Failure.Step {
			break
		}
		if len(st.Ranges) != len(s.steps[i]) {
			t.Fatalf("%s: step %d touches %d ranges, the slow model %d", ctx, i, len(st.Ranges), len(s.steps[i]))
		}
		for _, ru := range st.Ranges {
			if got, want := ru.After, s.steps[i][rangeKey(ru)]; got != uint64(want) {
				t.Fatalf("%s: step %d (%s): %s has %d in use, the slow model %d", ctx, i, st.Description, rangeKey(ru), got, want)
			}
		}
	}
}

// TestSimulateMatchesSlowModel compares upgrade, scale and add-pool
// simulations with the address-by-address model on random designs.
func TestSimulateMatchesSlowModel(t *testing.T) {
	const n = 1500
	fails := map[Code]int{}
	outcomes := map[string]int{}
	outcome := func(op string, r *Result) {
		switch {
		case r.Failure == nil:
			outcomes[op+" fits"]++
		case r.Failure.Step == 0:
			outcomes[op+" step 0 "+string(r.Failure.Range.Kind)]++
		default:
			outcomes[op+" "+string(r.Failure.Code)]++
		}
	}
	for seed := range uint64(n) {
		rng := rand.New(rand.NewPCG(seed, 42))
		d := randomDesign(rng)
		switch rng.IntN(3) {
		case 0: // upgrade
			o := UpgradeOptions{Parallel: rng.IntN(2) == 0}
			c := &d.Spec.Clusters[rng.IntN(len(d.Spec.Clusters))]
			switch rng.IntN(3) {
			case 1:
				o.Cluster = c.Name
			case 2:
				o.Cluster, o.Pool = c.Name, c.NodePools[rng.IntN(len(c.NodePools))].Name
			}
			r, err := Upgrade(d, o)
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "maxSurge is 0") {
					t.Fatalf("seed %d: %v", seed, err)
				}
				continue
			}
			s := newSlow(d)
			var sel []*slowPool
			var groups [][]*slowPool
			for ci := range d.Spec.Clusters {
				cc := &d.Spec.Clusters[ci]
				if o.Cluster != "" && cc.Name != o.Cluster {
					continue
				}
				var g []*slowPool
				for _, p := range cc.NodePools {
					if o.Pool == "" || p.Name == o.Pool {
						g = append(g, s.pool(cc.Name, p.Name))
					}
				}
				sel = append(sel, g...)
				groups = append(groups, g)
			}
			if s.start(sel) {
				for _, g := range groups {
					if s.upgrade(g, o.Parallel); s.fail != nil {
						break
					}
				}
			}
			compareRuns(t, seed, r, s)
			if r.Failure != nil && r.Failure.Step > 0 {
				fails[r.Failure.Code]++
			}
			outcome("upgrade", r)
		case 1: // scale
			c := &d.Spec.Clusters[rng.IntN(len(d.Spec.Clusters))]
			p := &c.NodePools[rng.IntN(len(c.NodePools))]
			to := rng.IntN(30)
			r, err := Scale(d, ScaleOptions{Cluster: c.Name, Pool: p.Name, To: to})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			s := newSlow(d)
			sp := s.pool(c.Name, p.Name)
			s.setNodes(sp, p.MinNodes())
			if s.start([]*slowPool{sp}) {
				if delta := to - len(sp.nodes); delta >= 0 {
					s.add(sp, delta)
				} else {
					s.remove(sp, -delta)
				}
			}
			compareRuns(t, seed, r, s)
			outcome("scale", r)
			// The largest count: from an empty pool, add nodes one by one.
			l := newSlow(d)
			lp := l.pool(c.Name, p.Name)
			l.setNodes(lp, 0)
			want := -1
			if l.start([]*slowPool{lp}) {
				for l.fail == nil && len(lp.nodes) < 2000 {
					l.add(lp, 1)
				}
				want = len(lp.nodes)
			}
			if r.Largest == nil || *r.Largest != want {
				got := "none"
				if r.Largest != nil {
					got = strconv.Itoa(*r.Largest)
				}
				t.Fatalf("seed %d (%s): got largest %s, slow model %d", seed, r.Verdict(), got, want)
			}
		case 2: // add-pool
			c := &d.Spec.Clusters[rng.IntN(len(d.Spec.Clusters))]
			np := design.NodePool{Name: "extra", Mode: design.ModeUser, Count: ip(rng.IntN(12)), Subnet: c.NodePools[rng.IntN(len(c.NodePools))].Subnet}
			if rng.IntN(2) == 0 {
				np.MaxPods = ip(10 + rng.IntN(31))
			}
			np.MaxSurge = []string{"", "1", "2", "50%"}[rng.IntN(4)]
			if m := slowMode(c); m == "dynamic" || m == "static" {
				for _, p := range c.NodePools {
					if p.PodSubnet != "" {
						np.PodSubnet = p.PodSubnet
					}
				}
			}
			r, err := AddPool(d, AddPoolOptions{Cluster: c.Name, Pool: np})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			d2 := *d
			d2.Spec.Clusters = append([]design.Cluster(nil), d.Spec.Clusters...)
			for i := range d2.Spec.Clusters {
				if d2.Spec.Clusters[i].Name == c.Name {
					d2.Spec.Clusters[i].NodePools = append(append([]design.NodePool(nil), c.NodePools...), np)
				}
			}
			s := newSlow(&d2)
			sp := s.pool(c.Name, "extra")
			s.setNodes(sp, 0)
			if s.start([]*slowPool{sp}) && s.add(sp, *np.Count) {
				s.upgrade([]*slowPool{sp}, false)
			}
			compareRuns(t, seed, r, s)
			outcome("add-pool", r)
		}
	}
	t.Logf("outcomes: %v", outcomes)
	// The random designs must exercise every outcome.
	for _, code := range []Code{SubnetIsFull, InsufficientSubnetSize} {
		if fails[code] == 0 {
			t.Errorf("no random upgrade failed with %s", code)
		}
	}
}
