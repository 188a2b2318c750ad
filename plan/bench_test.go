package plan

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
)

// largeRequirements is the benchmark estate: 3 regions × 4 environments,
// 2,000 clusters (166 templates everywhere and 2 in one region only), 1,000
// ranges to avoid scattered through the pools, a hub per region.
func largeRequirements() *Requirements {
	rng := rand.New(rand.NewPCG(20260601, 7))
	g := &gen{r: rng}
	r := &Requirements{APIVersion: design.APIVersion, Kind: Kind, Metadata: design.Metadata{Name: "large"}}
	s := &r.Spec
	s.Pools.VNets = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/9")}
	s.Pools.Pods = []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("10.128.0.0/9")}
	s.Pools.Services = []netip.Prefix{netip.MustParsePrefix("172.16.0.0/12")}
	// 1,000 ranges to avoid: 600 in the VNet pool, 300 in the pod pools,
	// 100 elsewhere.
	for i := range 1000 {
		var p netip.Prefix
		switch {
		case i < 600:
			p = g.prefix(s.Pools.VNets[0], 20+g.pick(9))
		case i < 900:
			p = g.prefix(s.Pools.Pods[g.pick(2)], 19+g.pick(8))
		default:
			p = g.prefix(netip.MustParsePrefix("10.0.0.0/8"), 16+g.pick(12))
		}
		s.Avoid = append(s.Avoid, design.ExternalRange{Name: fmt.Sprintf("onprem-%d", i), Kind: design.RangeOnPrem, CIDRs: []netip.Prefix{p}})
	}
	s.Planning.GrowthFactor = 1.2
	s.Planning.BlueGreenOverlapPercent = 0
	headroom := 10
	s.Planning.EmergencyHeadroomPercent = &headroom
	s.Regions = []Region{
		{Name: "westeurope", DRPair: "northeurope", Hub: &Hub{Firewall: true, Gateway: true, Bastion: true, DNSResolver: true}},
		{Name: "northeurope", DRPair: "westeurope", Hub: &Hub{Firewall: true, Gateway: true}},
		{Name: "eastus2"},
	}
	s.Environments = []string{"prod", "staging", "test", "dev"}
	for i := range 168 {
		c := ClusterReq{Name: fmt.Sprintf("svc%03d", i), ExpectedServices: 200}
		if i >= 166 {
			c.Regions = []string{"eastus2"}
		}
		c.NodePools = []PoolReq{
			{Name: "system", Mode: design.ModeSystem, MinNodes: 2, MaxNodes: 3},
			{Name: "user", Mode: design.ModeUser, MinNodes: 1, MaxNodes: 2 + g.pick(7)},
		}
		if i%10 == 0 {
			c.PodIPsRoutable = true
			c.PodIPsRoutableReason = "a legacy monitoring system scrapes pod IPs"
		}
		if i%7 == 0 {
			c.Ingress = []IngressReq{{Name: "web", Kind: design.IngressAppGateway, Exposure: design.ExposurePublic}}
		}
		if i%3 == 0 {
			c.Ingress = append(c.Ingress, IngressReq{Name: "internal", Kind: design.IngressInternalLoadBalancer, Exposure: design.ExposureInternal})
		}
		c.PrivateEndpoints = []EndpointReq{{Service: "keyVault"}, {Service: "storageBlob", Count: 2}}
		c.PrivateCluster = i%2 == 0
		s.Clusters = append(s.Clusters, c)
	}
	return r
}

var (
	largeOnce  sync.Once
	largeReq   *Requirements
	largeTrace []allocOp
)

// largeCase builds the benchmark requirements and the allocation sequence
// Plan runs for them, once.
func largeCase(tb testing.TB) (*Requirements, []allocOp) {
	largeOnce.Do(func() {
		largeReq = largeRequirements()
		var trace []allocOp
		res, err := plan(largeReq, nil, options{trace: &trace})
		if err != nil {
			panic(err)
		}
		if n := len(res.Design.Spec.Clusters); n != 2000 {
			panic(fmt.Sprintf("large case has %d clusters, want 2000", n))
		}
		largeTrace = trace
	})
	return largeReq, largeTrace
}

// naiveFirstFit replays an allocation sequence the way a first attempt
// would: for each request, walk the candidate aligned blocks of each pool
// prefix in address order and compare each with every range used so far,
// taking the first that overlaps none. IPv4 ranges are compared as
// integer intervals so that the comparison itself is as cheap as it can
// be; the cost is the algorithm's: candidates × used ranges per request.
func naiveFirstFit(ops []allocOp) []netip.Prefix {
	type iv struct{ f, l uint64 }
	span4 := func(p netip.Prefix) iv {
		b := bounds(p)
		return iv{b.first.lo, b.last.lo}
	}
	var used4 []iv
	var used6 []netip.Prefix
	add := func(p netip.Prefix) {
		if p.Addr().Is4() {
			used4 = append(used4, span4(p))
		} else if p.IsValid() {
			used6 = append(used6, p)
		}
	}
	out := make([]netip.Prefix, 0, len(ops))
	for _, op := range ops {
		if op.Use {
			add(op.Got)
			continue
		}
		var got netip.Prefix
	pools:
		for _, parent := range op.Prefixes {
			if op.Bits < parent.Bits() {
				continue
			}
			if parent.Addr().Is4() {
				pb := span4(parent)
				size := uint64(1) << uint(32-op.Bits)
				for f := pb.f; f+size-1 <= pb.l; f += size {
					l := f + size - 1
					free := true
					for _, u := range used4 {
						if u.l >= f && u.f <= l {
							free = false
							break
						}
					}
					if free {
						got = netip.PrefixFrom(uAddr(u128{0, f}, false), op.Bits)
						break pools
					}
				}
				continue
			}
			for cand := range cidr.Split(parent, op.Bits) {
				free := true
				for _, u := range used6 {
					if u.Overlaps(cand) {
						free = false
						break
					}
				}
				if free {
					got = cand
					break pools
				}
			}
		}
		add(got)
		out = append(out, got)
	}
	return out
}

// firstFreeReplay replays the sequence with cidr.FirstFree, which sorts
// the used ranges on every call.
func firstFreeReplay(ops []allocOp) []netip.Prefix {
	var used []netip.Prefix
	out := make([]netip.Prefix, 0, len(ops))
	for _, op := range ops {
		if op.Use {
			used = append(used, op.Got)
			continue
		}
		var got netip.Prefix
		for _, parent := range op.Prefixes {
			if p, ok := cidr.FirstFree(parent, used, op.Bits); ok {
				got = p
				break
			}
		}
		used = append(used, got)
		out = append(out, got)
	}
	return out
}

// allocatorReplay replays the sequence with the planner's allocator.
func allocatorReplay(ops []allocOp) []netip.Prefix {
	a := newAllocator()
	pools := map[string]string{}
	names := make([]string, len(ops))
	for i, op := range ops {
		if op.Use {
			continue
		}
		key := fmt.Sprint(op.Prefixes)
		name, ok := pools[key]
		if !ok {
			name = fmt.Sprintf("p%d", len(pools))
			pools[key] = name
			a.addPool(name, op.Prefixes)
		}
		names[i] = name
	}
	out := make([]netip.Prefix, 0, len(ops))
	for i, op := range ops {
		if op.Use {
			a.use(op.Got)
			continue
		}
		got, _ := a.alloc(names[i], op.Bits, "")
		out = append(out, got)
	}
	return out
}

// TestReplayAgrees checks that the three allocators give the same blocks
// for the same sequence: the sequences of random estates, and the first
// quarter of the 2,000-cluster one (the naive allocator takes about half a
// minute for all of it).
func TestReplayAgrees(t *testing.T) {
	var seqs [][]allocOp
	for seed := range 40 {
		var trace []allocOp
		if _, err := plan((&gen{r: newRand(seed)}).requirements(), nil, options{trace: &trace}); err == nil {
			seqs = append(seqs, trace)
		}
	}
	if !testing.Short() {
		_, ops := largeCase(t)
		seqs = append(seqs, ops[:len(ops)/4])
	}
	for k, ops := range seqs {
		var want []netip.Prefix
		for _, op := range ops {
			if !op.Use {
				want = append(want, op.Got)
			}
		}
		for _, f := range []struct {
			name string
			run  func([]allocOp) []netip.Prefix
		}{{"allocator", allocatorReplay}, {"firstFree", firstFreeReplay}, {"naive", naiveFirstFit}} {
			if f.name == "naive" && hasIPv6Requests(ops) {
				continue // walking /108 candidates through a /48 one by one takes forever
			}
			got := f.run(ops)
			if len(got) != len(want) {
				t.Fatalf("sequence %d: %s replay gave %d results, want %d", k, f.name, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("sequence %d: %s replay: allocation %d is %s, the planner gave %s", k, f.name, i, got[i], want[i])
				}
			}
		}
	}
}

func hasIPv6Requests(ops []allocOp) bool {
	for _, op := range ops {
		if !op.Use && op.Got.Addr().Is6() {
			return true
		}
	}
	return false
}

func TestLargePlanPassesCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("checks a 2,000-cluster design")
	}
	r, _ := largeCase(t)
	res, err := Plan(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, "large", r, res.Design)
}

// BenchmarkPlanLarge plans the 2,000-cluster estate end to end.
func BenchmarkPlanLarge(b *testing.B) {
	r, _ := largeCase(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Plan(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanAllocatorReplay replays only Plan's allocation sequence
// through the planner's allocator.
func BenchmarkPlanAllocatorReplay(b *testing.B) {
	_, ops := largeCase(b)
	b.ReportAllocs()
	for b.Loop() {
		allocatorReplay(ops)
	}
}

// BenchmarkPlanFirstFreeReplay replays the sequence with cidr.FirstFree.
func BenchmarkPlanFirstFreeReplay(b *testing.B) {
	_, ops := largeCase(b)
	b.ReportAllocs()
	for b.Loop() {
		firstFreeReplay(ops)
	}
}

// BenchmarkPlanNaiveFirstFit replays the sequence with the naive
// first-fit allocator.
func BenchmarkPlanNaiveFirstFit(b *testing.B) {
	_, ops := largeCase(b)
	b.ReportAllocs()
	for b.Loop() {
		naiveFirstFit(ops)
	}
}
