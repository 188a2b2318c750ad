package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/rules"
)

// capacityRules are the rules the property test names explicitly: a plan
// must never fail them.
var capacityRules = []string{
	"node-subnet-too-small", "pod-cidr-too-small", "pod-subnet-too-small",
	"max-pods-out-of-range", "pool-surge-exceeds-limit", "cluster-scale-limit",
}

// acceptedWarnings are the warnings a plan may produce, each for a reason
// documented in the decisions:
//   - network-policy-not-enforced: a cluster with Windows pools whose
//     requirements set networkPolicy false gets no engine, as asked.
//   - windows-pool-unsupported: Windows Server 2022 pools (retiring
//     2028-06-30) and Windows Server 2025 pools under Calico are what the
//     requirements ask for.
//   - cluster-scale-limit: an Overlay cluster so large that even 30 pods
//     per node exceed the 200,000 pods the docs quote.
var acceptedWarnings = map[string]bool{
	"network-policy-not-enforced": true,
	"windows-pool-unsupported":    true,
	"cluster-scale-limit":         true,
}

// gen builds random requirements.
type gen struct{ r *rand.Rand }

func (g *gen) pick(n int) int        { return g.r.IntN(n) }
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// prefix returns a random aligned prefix of length bits inside parent.
func (g *gen) prefix(parent netip.Prefix, bits int) netip.Prefix {
	host := parent.Addr().BitLen() - bits
	span := bits - parent.Bits()
	if span <= 0 {
		return parent.Masked()
	}
	n := uint64(g.r.Int64N(1 << uint(min(span, 62))))
	b := addrU(parent.Masked().Addr())
	if host >= 64 {
		b.hi += n << uint(host-64)
	} else {
		lo := n << uint(host)
		b.lo += lo
		if host+span > 64 {
			b.hi += n >> uint(64-host)
		}
	}
	return netip.PrefixFrom(uAddr(b, parent.Addr().Is6()), bits)
}

var (
	regionNames = []string{"westeurope", "northeurope", "southeastasia", "eastasia", "eastus2"}
	envNames    = []string{"prod", "staging", "dev", "qa"}
	services    = []design.PrivateLinkService{"keyVault", "storageBlob", "sqlDatabase", "eventHubs", "redisCache", "containerRegistry", "managedPrometheus"}
	rangeKinds  = []design.RangeKind{design.RangeOnPrem, design.RangeVPN, design.RangeExpressRoute, design.RangePeeredVNet, design.RangeOtherVNet, design.RangeEnterpriseRoute, design.RangeOther}
)

func (g *gen) requirements() *Requirements {
	r := &Requirements{APIVersion: design.APIVersion, Kind: Kind, Metadata: design.Metadata{Name: "random"}}
	s := &r.Spec
	bases := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}
	base := bases[g.pick(len(bases))]
	vb := max(base.Bits()+1, 11+g.pick(6))
	s.Pools.VNets = []netip.Prefix{g.prefix(base, vb)}
	if g.chance(0.3) {
		q := g.prefix(bases[0], 14+g.pick(6))
		if !q.Overlaps(s.Pools.VNets[0]) {
			s.Pools.VNets = append(s.Pools.VNets, q)
		}
	}
	switch g.pick(4) {
	case 0: // defaults
	case 1:
		s.Pools.Pods = []netip.Prefix{g.prefix(netip.MustParsePrefix("100.64.0.0/10"), 10+g.pick(3))}
	case 2:
		s.Pools.Pods = []netip.Prefix{g.prefix(base, max(base.Bits(), 9+g.pick(4)))} // may overlap the VNet pool
	default:
		s.Pools.Pods = []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10")}
		s.Pools.Services = []netip.Prefix{g.prefix(netip.MustParsePrefix("10.0.0.0/8"), 12+g.pick(5))}
	}
	dual := g.chance(0.2)
	if dual {
		s.Pools.VNetsIPv6 = []netip.Prefix{g.prefix(netip.MustParsePrefix("fd00::/8"), 44+g.pick(12))}
		if g.chance(0.5) {
			s.Pools.PodsIPv6 = []netip.Prefix{g.prefix(netip.MustParsePrefix("fd00::/8"), 48)}
		}
	}
	// Ranges to avoid, mostly inside the pools so that they bite.
	nAvoid := g.pick(12)
	for i := range nAvoid {
		var parent netip.Prefix
		switch g.pick(4) {
		case 0:
			parent = s.Pools.VNets[0]
		case 1:
			parent = netip.MustParsePrefix("100.64.0.0/10")
		case 2:
			parent = base
		default:
			parent = bases[g.pick(len(bases))]
		}
		bits := min(32, parent.Bits()+g.pick(14)+3)
		er := design.ExternalRange{Name: fmt.Sprintf("avoid-%d", i), Kind: rangeKinds[g.pick(len(rangeKinds))], CIDRs: []netip.Prefix{g.prefix(parent, bits)}}
		if dual && g.chance(0.3) {
			er.CIDRs = append(er.CIDRs, g.prefix(s.Pools.VNetsIPv6[0], s.Pools.VNetsIPv6[0].Bits()+4))
		}
		s.Avoid = append(s.Avoid, er)
	}
	// Planning.
	if g.chance(0.5) {
		s.Planning.MaxSurge = []string{"1", "10%", "33%", "50%", "3"}[g.pick(5)]
	}
	if g.chance(0.5) {
		s.Planning.BlueGreenOverlapPercent = g.pick(101)
	}
	if g.chance(0.5) {
		s.Planning.GrowthFactor = 1 + float64(g.pick(11))/10
	}
	if g.chance(0.5) {
		h := g.pick(60)
		s.Planning.EmergencyHeadroomPercent = &h
	}
	if g.chance(0.5) {
		n := g.pick(3)
		s.Planning.FutureClusters = &n
	}
	// Regions and environments.
	names := slices.Clone(regionNames)
	g.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for i := range 1 + g.pick(3) {
		rg := Region{Name: names[i]}
		if g.chance(0.6) {
			rg.Hub = &Hub{Firewall: g.chance(0.7), Gateway: g.chance(0.5), Bastion: g.chance(0.5), DNSResolver: g.chance(0.5)}
		}
		s.Regions = append(s.Regions, rg)
	}
	if len(s.Regions) > 1 && g.chance(0.5) {
		s.Regions[0].DRPair, s.Regions[1].DRPair = s.Regions[1].Name, s.Regions[0].Name
	}
	envs := slices.Clone(envNames)
	g.r.Shuffle(len(envs), func(i, j int) { envs[i], envs[j] = envs[j], envs[i] })
	s.Environments = envs[:1+g.pick(3)]
	// Templates.
	for i := range 1 + g.pick(4) {
		s.Clusters = append(s.Clusters, g.template(r, i, dual && g.chance(0.6)))
	}
	return r
}

func (g *gen) template(r *Requirements, i int, dual bool) ClusterReq {
	s := &r.Spec
	c := ClusterReq{Name: fmt.Sprintf("app%d", i), DualStack: dual}
	if g.chance(0.3) {
		c.Regions = []string{s.Regions[g.pick(len(s.Regions))].Name}
	}
	if g.chance(0.3) {
		c.Environments = []string{s.Environments[g.pick(len(s.Environments))]}
	}
	if g.chance(0.3) {
		c.KubernetesVersion = []string{"1.30", "1.31", "1.33", "1.34"}[g.pick(4)]
	}
	c.PodIPsRoutable = g.chance(0.25)
	if c.PodIPsRoutable {
		c.PodIPsRoutableReason = "the payment switch calls pods directly"
	}
	windows := !dual && g.chance(0.2)
	big := g.chance(0.05)
	for j := range 1 + g.pick(4) {
		p := PoolReq{Name: fmt.Sprintf("pool%d", j), MaxNodes: 1 + g.pick(60)}
		if big {
			p.MaxNodes = 1 + g.pick(900)
		}
		if c.PodIPsRoutable && p.MaxNodes > 15 {
			p.MaxNodes = 1 + p.MaxNodes%15
		}
		if j == 0 {
			if g.chance(0.7) {
				p.Mode = design.ModeSystem
			}
		} else {
			p.Mode = design.ModeUser
			if windows && g.chance(0.5) {
				p.Name = fmt.Sprintf("win%d", j)
				p.OS = design.OSWindows
				if g.chance(0.5) {
					p.OSSKU = []design.OSSKU{design.SKUWindows2022, design.SKUWindows2025}[g.pick(2)]
				}
			}
		}
		p.MinNodes = g.pick(p.MaxNodes + 1)
		if g.chance(0.3) {
			mp := 30 + g.pick(221)
			if c.PodIPsRoutable {
				mp = 30 + g.pick(40)
			}
			p.MaxPods = &mp
		}
		if g.chance(0.3) {
			p.MaxSurge = []string{"1", "2", "10%", "33%", "100%"}[g.pick(5)]
			if p.MaxSurge == "100%" && p.MaxNodes > 500 {
				p.MaxSurge = "10%"
			}
		}
		c.NodePools = append(c.NodePools, p)
	}
	if g.chance(0.5) {
		c.ExpectedServices = []int{50, 400, 1000, 5000, 30000}[g.pick(5)]
	}
	for _, sv := range services {
		if g.chance(0.3) {
			c.PrivateEndpoints = append(c.PrivateEndpoints, EndpointReq{Service: sv, Count: g.pick(4)})
		}
	}
	kinds := []design.IngressKind{design.IngressAppGateway, design.IngressAppGatewayForContainers, design.IngressAppRouting, design.IngressController, design.IngressInternalLoadBalancer}
	for k := range g.pick(3) {
		in := IngressReq{Name: fmt.Sprintf("in%d", k), Kind: kinds[g.pick(len(kinds))]}
		switch in.Kind {
		case design.IngressAppGatewayForContainers:
			in.Exposure = design.ExposurePublic
		case design.IngressInternalLoadBalancer:
			in.Exposure = design.ExposureInternal
		default:
			in.Exposure = []design.Exposure{"", design.ExposurePublic, design.ExposureInternal}[g.pick(3)]
		}
		c.Ingress = append(c.Ingress, in)
	}
	// Egress must be possible in every region the template covers.
	regions := c.Regions
	if len(regions) == 0 {
		for _, rg := range s.Regions {
			regions = append(regions, rg.Name)
		}
	}
	allFW := true
	for _, name := range regions {
		for _, rg := range s.Regions {
			if rg.Name == name && (rg.Hub == nil || !rg.Hub.Firewall) {
				allFW = false
			}
		}
	}
	switch g.pick(4) {
	case 0:
		c.Egress = EgressLoadBalancer
	case 1:
		c.Egress = EgressNATGateway
	case 2:
		if allFW {
			c.Egress = EgressFirewall
			c.EgressInspection = g.chance(0.7)
		}
	}
	if c.Egress == "" && allFW {
		c.EgressInspection = g.chance(0.5)
	}
	c.PrivateCluster = g.chance(0.4)
	c.APIServerVNetIntegration = g.chance(0.2)
	if g.chance(0.3) {
		f := windows && g.chance(0.5)
		if !f || true {
			v := !f
			c.NetworkPolicy = &v
		}
	}
	if c.NetworkPolicy == nil || *c.NetworkPolicy {
		if g.chance(0.5) {
			c.SensitiveNamespaces = []string{"payments", "admin"}[:1+g.pick(2)]
		}
	}
	return c
}

// forbiddenRanges are the AKS-reserved and Azure-refused ranges.
var forbiddenRanges = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.30.0.0/16"),
	netip.MustParsePrefix("172.31.0.0/16"), netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("224.0.0.0/4"), netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("168.63.129.16/32"), netip.MustParsePrefix("255.255.255.255/32"),
}

// owned is a range of a planned design and what it belongs to.
type owned struct {
	p      netip.Prefix
	what   string
	vnet   string // for VNet spaces and subnets
	subnet bool
}

// ownedRanges lists every range a planned design hands out.
func ownedRanges(d *design.Design) []owned {
	var out []owned
	for _, v := range d.Spec.VNets {
		for _, p := range v.AddressSpace {
			out = append(out, owned{p, "vnet " + v.Name, v.Name, false})
		}
		for _, s := range v.Subnets {
			for _, p := range s.AddressPrefixes {
				out = append(out, owned{p, "subnet " + v.Name + "/" + s.Name, v.Name, true})
			}
		}
	}
	for _, c := range d.Spec.Clusters {
		for _, p := range c.Network.PodCIDRs {
			out = append(out, owned{p, "pods " + c.Name, "", false})
		}
		for _, p := range c.Network.ServiceCIDRs {
			out = append(out, owned{p, "services " + c.Name, "", false})
		}
	}
	for _, e := range d.Spec.ExternalRanges {
		if e.Owner == FutureOwner {
			for _, p := range e.CIDRs {
				out = append(out, owned{p, "reserved " + e.Name, "", false})
			}
		}
	}
	return out
}

// slowOverlaps is the O(n²) model: every overlapping pair of owned ranges
// except a subnet inside an address space of its own VNet.
func slowOverlaps(rs []owned) []string {
	var bad []string
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			a, b := rs[i], rs[j]
			if !a.p.Overlaps(b.p) {
				continue
			}
			if a.vnet != "" && a.vnet == b.vnet && a.subnet != b.subnet {
				outer, inner := a.p, b.p
				if a.subnet {
					outer, inner = b.p, a.p
				}
				if outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr()) {
					continue
				}
			}
			bad = append(bad, fmt.Sprintf("%s %s overlaps %s %s", a.what, a.p, b.what, b.p))
		}
	}
	return bad
}

// checkDesign asserts the properties every planned design has.
func checkDesign(t *testing.T, name string, r *Requirements, d *design.Design) {
	t.Helper()
	if probs := design.Validate(d); len(probs) > 0 {
		t.Errorf("%s: design does not validate: %v", name, probs)
		return
	}
	rs := ownedRanges(d)
	for _, b := range slowOverlaps(rs) {
		t.Errorf("%s: %s", name, b)
	}
	var avoid []netip.Prefix
	for _, a := range r.Spec.Avoid {
		avoid = append(avoid, a.CIDRs...)
	}
	for _, o := range rs {
		for _, a := range avoid {
			if o.p.Overlaps(a) {
				t.Errorf("%s: %s %s overlaps avoided %s", name, o.what, o.p, a)
			}
		}
		for _, f := range forbiddenRanges {
			if o.p.Overlaps(f) {
				t.Errorf("%s: %s %s overlaps reserved %s", name, o.what, o.p, f)
			}
		}
	}
	for _, f := range rules.Run(d, rules.Options{}).Findings {
		switch {
		case f.Severity == finding.Error && slices.Contains(capacityRules, f.Rule):
			t.Errorf("%s: capacity rule %s fails: %s: %s", name, f.Rule, f.Subject, f.Message)
		case f.Severity == finding.Error:
			t.Errorf("%s: rule %s fails: %s: %s", name, f.Rule, f.Subject, f.Message)
		case f.Severity == finding.Warning && !acceptedWarnings[f.Rule]:
			t.Errorf("%s: unexpected warning %s: %s: %s", name, f.Rule, f.Subject, f.Message)
		}
	}
}

func TestPlanProperties(t *testing.T) {
	cases := 400
	if testing.Short() {
		cases = 60
	}
	var planned, space, invalid int
	reasons := map[string]int{}
	features := map[string]int{}
	for seed := range cases {
		g := &gen{r: newRand(seed)}
		r := g.requirements()
		name := fmt.Sprintf("seed %d", seed)
		res, err := Plan(r, nil)
		var se *SpaceError
		var ve *ValidationError
		switch {
		case errors.As(err, &se):
			space++
			reasons["space: "+se.Pool+" "+se.For[:min(len(se.For), 12)]]++
			if space < 12 {
				t.Logf("%s: %v (avoid %d, clusters %d×%d×%d)", name, se, len(r.Spec.Avoid), len(r.Spec.Regions), len(r.Spec.Environments), len(r.Spec.Clusters))
			}
			if !strings.Contains(se.Error(), "pool "+se.Pool) || se.Bits == 0 {
				t.Errorf("%s: space error lacks detail: %v", name, se)
			}
			continue
		case errors.As(err, &ve):
			invalid++
			for _, p := range ve.Problems {
				reasons[p.Msg[:min(len(p.Msg), 50)]]++
			}
			continue
		case err != nil:
			t.Fatalf("%s: unexpected error %v", name, err)
		}
		planned++
		tally(features, res.Design)
		checkDesign(t, name, r, res.Design)
		checkStable(t, name, r, res)
		if t.Failed() {
			t.Fatalf("%s failed; requirements: %+v", name, r.Spec)
		}
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("rejected %d× %s", reasons[k], k)
	}
	fkeys := make([]string, 0, len(features))
	for k := range features {
		fkeys = append(fkeys, k)
	}
	sort.Strings(fkeys)
	for _, k := range fkeys {
		t.Logf("feature %s: %d designs", k, features[k])
	}
	t.Logf("%d cases: %d planned, %d out of space, %d rejected by Validate", cases, planned, space, invalid)
	if planned < cases/2 {
		t.Errorf("only %d of %d random requirement sets were planned; the generator should mostly produce plannable sets", planned, cases)
	}
}

// tally counts which features a planned design exercises, so that the
// test shows the generator reaches every branch.
func tally(m map[string]int, d *design.Design) {
	seen := map[string]bool{}
	for _, c := range d.Spec.Clusters {
		seen["ipam "+c.IPAM().String()] = true
		seen["outbound "+string(c.Outbound.Type)] = true
		seen["policy "+string(c.Policy())] = true
		if c.DualStack() {
			seen["dual-stack"] = true
		}
		if c.APIServer.VNetIntegrationSubnet != "" {
			seen["API server VNet integration"] = true
		}
		for _, in := range c.Ingress {
			seen["ingress "+string(in.Kind)] = true
		}
	}
	for _, e := range d.Spec.ExternalRanges {
		if e.Owner == FutureOwner {
			seen["reservations"] = true
		}
	}
	for k := range seen {
		m[k]++
	}
}

// checkStable replans with the plan as the previous design, which must
// change nothing, then adds a template, which must move nothing that
// existed.
func checkStable(t *testing.T, name string, r *Requirements, first *Result) {
	t.Helper()
	again, err := Plan(r, first.Design)
	if err != nil {
		t.Errorf("%s: replanning with the plan as previous design: %v", name, err)
		return
	}
	if !reflect.DeepEqual(again.Design, first.Design) {
		t.Errorf("%s: replanning with the plan as previous design changed it:\n%s", name, diffDesigns(first.Design, again.Design))
	}
	for _, a := range again.Allocations {
		if !a.Kept {
			t.Errorf("%s: replanning allocated %s %s for %s anew", name, a.Purpose, a.Prefix, a.Owner)
		}
	}
	grown := cloneRequirements(r)
	extra := ClusterReq{Name: "extra", NodePools: []PoolReq{{Name: "system", Mode: design.ModeSystem, MinNodes: 1, MaxNodes: 7}},
		PrivateEndpoints: []EndpointReq{{Service: "keyVault"}}}
	grown.Spec.Clusters = append(grown.Spec.Clusters, extra)
	next, err := Plan(grown, first.Design)
	var se *SpaceError
	if errors.As(err, &se) {
		return
	}
	if err != nil {
		t.Errorf("%s: adding a template: %v", name, err)
		return
	}
	checkDesign(t, name+" plus a template", grown, next.Design)
	before := rangesByOwner(first.Design)
	after := rangesByOwner(next.Design)
	for k, v := range before {
		if strings.HasPrefix(k, "reserved ") {
			continue // a reservation may be consumed by the new cluster
		}
		if w, ok := after[k]; !ok || !slices.Equal(v, w) {
			t.Errorf("%s: adding a template moved %s from %v to %v", name, k, v, w)
		}
	}
	// A consumed reservation holds the new cluster's spoke.
	for k, v := range before {
		if !strings.HasPrefix(k, "reserved ") {
			continue
		}
		if w, ok := after[k]; ok {
			if !slices.Equal(v, w) {
				t.Errorf("%s: adding a template changed %s from %v to %v", name, k, v, w)
			}
			continue
		}
		inside := false
		for ak, av := range after {
			if strings.HasPrefix(ak, "vnet vnet-aks-extra-") && len(av) > 0 && v[0].Contains(av[0].Addr()) && v[0].Bits() <= av[0].Bits() {
				inside = true
			}
		}
		if !inside {
			t.Errorf("%s: adding a template dropped %s %v without moving a new cluster into it", name, k, v)
		}
	}
}

func rangesByOwner(d *design.Design) map[string][]netip.Prefix {
	m := map[string][]netip.Prefix{}
	for _, o := range ownedRanges(d) {
		m[o.what] = append(m[o.what], o.p)
	}
	return m
}

func cloneRequirements(r *Requirements) *Requirements {
	c := *r
	c.Spec.Clusters = slices.Clone(r.Spec.Clusters)
	return &c
}

func diffDesigns(a, b *design.Design) string {
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	var out []string
	for i := 0; i < max(len(la), len(lb)) && len(out) < 20; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d: %q != %q", i, x, y))
		}
	}
	return strings.Join(out, "\n")
}

func newRand(seed int) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x5eed)) }
