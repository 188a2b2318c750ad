package plan

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// Plan turns requirements into a design that aksnet check passes, with the
// decisions, defaults, allocations and reservations the report explains.
//
// Plan is pure and deterministic: the same requirements and previous design
// always give the same result. It validates the requirements first (a
// *ValidationError lists what is wrong), applies defaults, decides each
// cluster's network model, sizes every subnet and range with the arithmetic
// of package sizing at the planned growth stage, and allocates them from the
// pools, lowest aligned block first, never touching a range to avoid, a
// range AKS reserves or a range Azure refuses. Allocation follows the order
// of the requirements: region by region a hub, then environment by
// environment each template's spoke VNet, pod CIDR and Service CIDR, then
// the room kept for future clusters of that region and environment.
//
// With previous (the design an earlier plan produced, possibly deployed),
// every hub and spoke VNet, subnet, pod CIDR, Service CIDR and reservation
// whose owner is still planned keeps its exact prefix, and new ranges are
// allocated around them. A new cluster moves into a kept reservation of its
// region and environment when it fits there. A kept range that is now too
// small for the requirements is not moved: see PreviousError.
//
// When a pool has no room left, Plan returns a *SpaceError naming the pool,
// what needed the space, how much, and what is free.
//
// Result.Drills and Result.Monitoring are left empty; they are filled by
// the operations step.
func Plan(r *Requirements, previous *design.Design) (*Result, error) {
	return plan(r, previous, options{})
}

// options are internal knobs for tests and benchmarks.
type options struct {
	// trace records every allocator call.
	trace *[]allocOp
}

// planner carries one Plan call.
type planner struct {
	r       *Requirements
	prev    *design.Design
	e       estate
	tmpls   []*tmpl
	tsizes  []sizes
	hubs    []*hubPlan // in region order; nil entries for regions without a hub
	groups  []*group
	all     []*cp
	alloc   *allocator
	res     *Result
	probs   []PreviousProblem
	avoided []netip.Prefix // every range the pools may not use
}

// hubPlan is a region's hub VNet.
type hubPlan struct {
	region     string
	name       string
	hub        *Hub
	specs      []subnetSpec
	vnet       vnetPlan
	firewallIP netip.Addr
	prev       *design.VNet
}

// vnetPlan is where a VNet's address spaces and subnets ended up.
type vnetPlan struct {
	spaces []netip.Prefix
	// placed maps a subnet name to its prefixes: IPv4 first, then IPv6.
	placed map[string][]netip.Prefix
}

// group is a region and environment.
type group struct {
	region, env string
	clusters    []*cp
	kept        []*reservation // kept from the previous design
	out         []*reservation
	next        int // next reservation index
}

// reservation is room for one future cluster.
type reservation struct {
	name      string
	vnet, pod netip.Prefix
	kept      bool
	consumed  bool
}

// cp is one planned cluster.
type cp struct {
	name, region, env string
	t                 *tmpl
	sz                *sizes
	hub               *hubPlan
	egress            EgressModel
	egressDefault     bool
	dataplane         design.Dataplane
	policy            design.PolicyEngine
	outbound          design.OutboundType
	pattern           Pattern
	lbIPs, lbPorts    int
	natIPs            int
	vnet              vnetPlan
	vnet6             vnetPlan
	pod4, pod6        netip.Prefix
	svc4, svc6        netip.Prefix
	dns               netip.Addr
	prev              *design.Cluster
	prevVNet          *design.VNet
}

func plan(r *Requirements, previous *design.Design, opt options) (*Result, error) {
	if probs := Validate(r); len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	res := &Result{}
	rec := recorder{out: &res.Defaults}
	p := &planner{r: r, prev: previous, res: res, alloc: newAllocator()}
	p.alloc.trace = opt.trace
	p.e = resolveEstate(r, rec)
	for i := range r.Spec.Clusters {
		t := resolveTemplate(r, &p.e, i, rec)
		p.tmpls = append(p.tmpls, t)
		dp, pol := dataplaneFor(t)
		p.tsizes = append(p.tsizes, sizeTemplate(t, p.e.planning, dp, pol))
	}
	p.expand(rec)
	p.matchPrevious()
	if err := p.allocate(); err != nil {
		return nil, err
	}
	if len(p.probs) > 0 {
		return nil, &PreviousError{Problems: p.probs}
	}
	p.build()
	p.decide()
	p.usage()
	res.Drills, res.Monitoring = Operations(res)
	return res, nil
}

// expand lists the planned clusters: region by region, environment by
// environment, template by template.
func (p *planner) expand(rec recorder) {
	s := &p.r.Spec
	p.hubs = make([]*hubPlan, len(s.Regions))
	for i := range s.Regions {
		rg := &s.Regions[i]
		if rg.Hub != nil {
			p.hubs[i] = &hubPlan{region: rg.Name, name: hubName(rg.Name), hub: rg.Hub, specs: hubSpecs(rg.Hub)}
		}
	}
	egressSeen := make([][]string, len(p.tmpls))
	for ri := range s.Regions {
		rg := &s.Regions[ri]
		for _, env := range s.Environments {
			g := &group{region: rg.Name, env: env, next: 1}
			for ti, t := range p.tmpls {
				if !slices.Contains(t.regions, rg.Name) || !slices.Contains(t.envs, env) {
					continue
				}
				c := &cp{name: clusterName(t.req.Name, env, rg.Name), region: rg.Name, env: env, t: t, sz: &p.tsizes[ti], hub: p.hubs[ri]}
				c.dataplane, c.policy = dataplaneFor(t)
				c.egress = t.req.Egress
				if c.egress == "" {
					c.egressDefault = true
					c.egress = EgressNATGateway
					if rg.Hub != nil && rg.Hub.Firewall {
						c.egress = EgressFirewall
					}
					v := string(c.egress) + " in " + rg.Name
					if !slices.Contains(egressSeen[ti], v) {
						egressSeen[ti] = append(egressSeen[ti], v)
					}
				}
				p.egressSizing(c)
				c.pattern = PatternGeneral
				switch {
				case c.sz.ipam != design.IPAMOverlay:
					c.pattern = PatternFlat
				case t.req.PrivateCluster && c.egress == EgressFirewall:
					c.pattern = PatternRestricted
				}
				g.clusters = append(g.clusters, c)
				p.all = append(p.all, c)
			}
			p.groups = append(p.groups, g)
		}
	}
	for ti, vs := range egressSeen {
		if len(vs) == 0 {
			continue
		}
		rec.add(design.Field(p.tmpls[ti].path, "egress"), strings.Join(vs, "; "),
			"egress leaves through the region's hub firewall when the hub has one (inspected, one egress "+
				"point), and otherwise through a NAT gateway on the cluster's subnets, which gives far more "+
				"SNAT ports than a load balancer and keeps egress separate from inbound traffic")
	}
}

// egressSizing sets the outbound type and sizes SNAT for a cluster.
func (p *planner) egressSizing(c *cp) {
	peak := max(c.sz.peakGrowth, 1)
	switch c.egress {
	case EgressFirewall:
		c.outbound = design.OutboundUserDefinedRouting
	case EgressNATGateway:
		c.outbound = design.OutboundUserAssignedNATGateway
		c.natIPs = min(max((peak*lbPortsPerNode+natPortsPerIP-1)/natPortsPerIP, 1), natMaxIPs)
		if c.sz.most > largeCluster {
			c.natIPs = max(c.natIPs, 2)
		}
	default:
		c.outbound = design.OutboundLoadBalancer
		ports := lbPortsPerNode
		ips := (peak*ports + lbPortsPerIP - 1) / lbPortsPerIP
		if ips > lbMaxIPs {
			ips = lbMaxIPs
			ports = lbPortsPerIP * lbMaxIPs / peak / 8 * 8
		}
		if c.sz.most > largeCluster {
			ips = max(ips, 2)
		}
		c.lbIPs, c.lbPorts = max(ips, 1), ports
	}
}

// matchPrevious finds what the previous design already holds.
func (p *planner) matchPrevious() {
	if p.prev == nil {
		return
	}
	for _, h := range p.hubs {
		if h != nil {
			h.prev = p.prev.VNetByName(h.name)
		}
	}
	claimed := map[string]bool{} // a VNet is kept for one owner only
	for _, h := range p.hubs {
		if h != nil && h.prev != nil {
			claimed[h.prev.Name] = true
		}
	}
	for _, c := range p.all {
		for i := range p.prev.Spec.Clusters {
			if pc := &p.prev.Spec.Clusters[i]; pc.Name == c.name {
				c.prev = pc
				if v := p.prev.VNetByName(pc.VNet); v != nil && !claimed[v.Name] {
					c.prevVNet = v
					claimed[v.Name] = true
				}
				break
			}
		}
	}
	for _, g := range p.groups {
		prefix := "future-" + g.region + "-" + g.env + "-"
		type kept struct {
			n int
			r *reservation
		}
		var ks []kept
		for i := range p.prev.Spec.ExternalRanges {
			er := &p.prev.Spec.ExternalRanges[i]
			if er.Kind != design.RangeReserved || er.Owner != FutureOwner || !strings.HasPrefix(er.Name, prefix) {
				continue
			}
			n, err := strconv.Atoi(er.Name[len(prefix):])
			if err != nil || n < 1 {
				continue
			}
			rv := &reservation{name: er.Name, kept: true}
			for _, pr := range er.CIDRs {
				switch {
				case !pr.Addr().Is4():
				case !rv.vnet.IsValid():
					rv.vnet = pr
				case !rv.pod.IsValid():
					rv.pod = pr
				}
			}
			if rv.vnet.IsValid() {
				ks = append(ks, kept{n, rv})
			}
			g.next = max(g.next, n+1)
		}
		slices.SortFunc(ks, func(a, b kept) int { return cmp.Compare(a.n, b.n) })
		for i, k := range ks {
			if i < p.e.future {
				g.kept = append(g.kept, k.r)
			}
		}
	}
}

// keptRange is a range of the previous design that the plan keeps.
type keptRange struct {
	prefix  netip.Prefix
	subject string
}

// allocate places everything.
func (p *planner) allocate() error {
	a := p.alloc
	a.addPool(poolVNets, p.r.Spec.Pools.VNets)
	a.addPool(poolPods, p.e.pods)
	a.addPool(poolServices, p.e.services)
	if len(p.e.vnets6) > 0 || len(p.e.pods6) > 0 {
		a.addPool(poolVNets6, p.e.vnets6)
		a.addPool(poolPods6, p.e.pods6)
		a.addPool(poolServices6, p.e.services6)
	}
	for _, er := range p.r.Spec.Avoid {
		for _, pr := range er.CIDRs {
			p.avoided = append(p.avoided, pr.Masked())
		}
	}
	p.avoided = append(p.avoided, forbidden...)
	for _, pr := range p.avoided {
		a.use(pr)
	}
	if err := p.keepPrevious(); err != nil {
		return err
	}
	for ri, rg := range p.r.Spec.Regions {
		if h := p.hubs[ri]; h != nil {
			var keptSpaces []netip.Prefix
			var keptSubnets map[string][]netip.Prefix
			if h.prev != nil {
				keptSpaces, keptSubnets = vnetParts(h.prev, false)
			}
			vp, err := p.layout(h.name, h.name, "hub VNet", false, keptSpaces, keptSubnets, h.specs, hubBits, nil)
			if err != nil {
				return err
			}
			h.vnet = vp
			if fw := vp.placed[subnetFirewall]; len(fw) > 0 {
				h.firewallIP, _ = cidr.NthAddr(fw[0], 4)
			}
		}
		for _, g := range p.groups {
			if g.region != rg.Name {
				continue
			}
			for _, c := range g.clusters {
				if err := p.allocateCluster(g, c); err != nil {
					return err
				}
			}
			if err := p.reserve(g); err != nil {
				return err
			}
		}
	}
	return nil
}

// forbidden are the ranges no VNet, pod CIDR or Service CIDR may touch: the
// four AKS reserves and the ones Azure refuses in any VNet.
var forbidden = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.30.0.0/16"),
	netip.MustParsePrefix("172.31.0.0/16"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("168.63.129.16/32"),
	netip.MustParsePrefix("0.0.0.0/8"),
}

// vnetParts returns the address spaces and subnet prefixes of a VNet for
// one family.
func vnetParts(v *design.VNet, v6 bool) ([]netip.Prefix, map[string][]netip.Prefix) {
	var spaces []netip.Prefix
	for _, s := range v.AddressSpace {
		if s.Addr().Is6() == v6 {
			spaces = append(spaces, s.Masked())
		}
	}
	subnets := map[string][]netip.Prefix{}
	for _, s := range v.Subnets {
		for _, pr := range s.AddressPrefixes {
			if pr.Addr().Is6() == v6 {
				subnets[s.Name] = append(subnets[s.Name], pr.Masked())
			}
		}
	}
	return spaces, subnets
}

// keepPrevious marks every kept top-level range used, after checking that
// none overlaps a range to avoid or another kept range.
func (p *planner) keepPrevious() error {
	if p.prev == nil {
		return nil
	}
	var ks []keptRange
	for _, h := range p.hubs {
		if h != nil && h.prev != nil {
			sp, _ := vnetParts(h.prev, false)
			for _, s := range sp {
				ks = append(ks, keptRange{s, h.prev.Subject()})
			}
		}
	}
	for _, c := range p.all {
		if c.prevVNet != nil {
			sp, _ := vnetParts(c.prevVNet, false)
			if c.t.dual {
				sp6, _ := vnetParts(c.prevVNet, true)
				sp = append(sp, sp6...)
			}
			for _, s := range sp {
				ks = append(ks, keptRange{s, c.prevVNet.Subject()})
			}
		}
		if c.prev != nil {
			c.pod4, c.pod6, c.svc4, c.svc6 = p.keptClusterRanges(c)
			c.dns = c.prev.Network.DNSServiceIP
			for _, pr := range []netip.Prefix{c.pod4, c.pod6, c.svc4, c.svc6} {
				if pr.IsValid() {
					ks = append(ks, keptRange{pr, "cluster/" + c.name})
				}
			}
			if c.dns.IsValid() && (!c.svc4.IsValid() || !c.svc4.Contains(c.dns)) {
				c.dns = netip.Addr{}
			}
		}
	}
	for _, g := range p.groups {
		for _, rv := range g.kept {
			for _, pr := range []netip.Prefix{rv.vnet, rv.pod} {
				if pr.IsValid() {
					ks = append(ks, keptRange{pr.Masked(), "externalRange/" + rv.name})
				}
			}
		}
	}
	// Kept ranges against each other and against what must be avoided.
	all := make([]netip.Prefix, 0, len(ks)+len(p.avoided))
	for _, k := range ks {
		all = append(all, k.prefix)
	}
	all = append(all, p.avoided...)
	for _, pr := range cidr.OverlapPairs(all) {
		i, j := pr[0], pr[1]
		if i >= len(ks) {
			continue
		}
		k := ks[i]
		if j < len(ks) {
			if ks[j].subject == k.subject {
				continue // a VNet's own address spaces are checked by check
			}
			p.probs = append(p.probs, PreviousProblem{Subject: k.subject, Prefix: k.prefix,
				Message: "overlaps " + ks[j].prefix.String() + " of " + ks[j].subject + ", which the plan keeps as well"})
			continue
		}
		p.probs = append(p.probs, PreviousProblem{Subject: k.subject, Prefix: k.prefix,
			Message: "overlaps " + all[j].String() + ", which the requirements (or AKS and Azure) reserve; the range must move"})
	}
	for _, k := range ks {
		p.alloc.use(k.prefix)
	}
	return nil
}

// keptClusterRanges returns the pod and Service CIDRs of the previous
// cluster that the plan keeps: the pod CIDRs only for Overlay clusters, the
// IPv6 ranges only for dual-stack ones.
func (p *planner) keptClusterRanges(c *cp) (pod4, pod6, svc4, svc6 netip.Prefix) {
	pick := func(ps []netip.Prefix, v6 bool) netip.Prefix {
		for _, pr := range ps {
			if pr.Addr().Is6() == v6 {
				return pr.Masked()
			}
		}
		return netip.Prefix{}
	}
	if c.sz.ipam == design.IPAMOverlay {
		pod4 = pick(c.prev.Network.PodCIDRs, false)
		if c.t.dual {
			pod6 = pick(c.prev.Network.PodCIDRs, true)
		}
	}
	svc4 = pick(c.prev.Network.ServiceCIDRs, false)
	if c.t.dual {
		svc6 = pick(c.prev.Network.ServiceCIDRs, true)
	}
	return
}

// allocateCluster places one cluster's spoke, pod CIDR and Service CIDR.
func (p *planner) allocateCluster(g *group, c *cp) error {
	var keptSpaces, keptSpaces6 []netip.Prefix
	var keptSubnets, keptSubnets6 map[string][]netip.Prefix
	if c.prevVNet != nil {
		keptSpaces, keptSubnets = vnetParts(c.prevVNet, false)
		if c.t.dual {
			keptSpaces6, keptSubnets6 = vnetParts(c.prevVNet, true)
		}
	}
	// A new cluster moves into a kept reservation of its group when its
	// spoke fits there.
	var into *reservation
	if len(keptSpaces) == 0 {
		need := spokeBits(c.sz.specs, false, 0)
		for _, rv := range g.kept {
			if !rv.consumed && need >= rv.vnet.Bits() {
				into = rv
				rv.consumed = true
				break
			}
		}
	}
	var from *local
	if into != nil {
		from = newLocal(into.vnet)
	}
	vp, err := p.layout(c.name, spokeName(c.name), "spoke VNet", false, keptSpaces, keptSubnets, c.sz.specs, 32, from)
	if err != nil {
		return err
	}
	c.vnet = vp
	if c.t.dual {
		var specs6 []subnetSpec
		for _, s := range c.sz.specs {
			if s.v6 {
				s.bits = 64
				specs6 = append(specs6, s)
			}
		}
		vp6, err := p.layout(c.name, spokeName(c.name), "spoke VNet", true, keptSpaces6, keptSubnets6, specs6, 128, nil)
		if err != nil {
			return err
		}
		c.vnet6 = vp6
	}
	subject := "cluster/" + c.name
	if c.sz.podBits > 0 {
		if c.pod4.IsValid() {
			p.keep(poolPods, c.pod4, "pod CIDR", c.name)
			if capacity := sizing.PodCIDRNodeCapacity(c.pod4); capacity < c.sz.podReq {
				p.probs = append(p.probs, PreviousProblem{Subject: subject, Prefix: c.pod4, Message: "the pod CIDR holds " +
					sizing.Count(capacity) + " nodes (one /24 each) but the pools need " + sizing.Count(c.sz.podReq) +
					" with surge and blue/green overlap; a /" + strconv.Itoa(sizing.PodCIDRBitsFor(c.sz.podPlan)) + " fits the plan"})
			} else if capacity < c.sz.podPlan {
				p.warn(subject, "pod CIDR "+c.pod4.String()+" kept from the previous design holds "+sizing.Count(capacity)+
					" nodes, enough for max nodes, surge and blue/green overlap but not the "+sizing.Count(c.sz.podPlan)+
					" of the planned headroom and growth; from Kubernetes on Overlay it can be expanded in place to a larger range that contains it")
			}
		} else {
			var got netip.Prefix
			if into != nil && into.pod.IsValid() && c.sz.podBits >= into.pod.Bits() {
				got, _ = newLocal(into.pod).alloc(c.sz.podBits)
				p.record(Allocation{Pool: poolPods, Prefix: got, Purpose: "pod CIDR", Owner: c.name})
			} else {
				got, err = p.take(poolPods, c.sz.podBits, "pod CIDR", c.name)
				if err != nil {
					return err
				}
			}
			c.pod4 = got
		}
		if c.t.dual {
			if c.pod6.IsValid() {
				p.keep(poolPods6, c.pod6, "IPv6 pod CIDR", c.name)
			} else if c.pod6, err = p.take(poolPods6, 64, "IPv6 pod CIDR", c.name); err != nil {
				return err
			}
		}
	}
	if c.svc4.IsValid() {
		p.keep(poolServices, c.svc4, "Service CIDR", c.name)
		free := cidr.Addresses(c.svc4) - 4
		want := uint64(c.t.services)
		if free < want {
			p.probs = append(p.probs, PreviousProblem{Subject: subject, Prefix: c.svc4, Message: "the Service CIDR leaves " +
				sizing.Count(free) + " ClusterIPs for " + sizing.Count(want) + " expected Services"})
		} else if want*120 > free*100 {
			p.warn(subject, "Service CIDR "+c.svc4.String()+" kept from the previous design leaves "+sizing.Count(free)+
				" ClusterIPs for "+sizing.Count(want)+" expected Services, less than 20% headroom; from Kubernetes 1.33 a "+
				"ServiceCIDR object can add a second range")
		}
	} else if c.svc4, err = p.take(poolServices, c.sz.svcBits, "Service CIDR", c.name); err != nil {
		return err
	}
	if !c.dns.IsValid() {
		c.dns, _ = cidr.NthAddr(c.svc4, 10)
	}
	if c.t.dual {
		if c.svc6.IsValid() {
			p.keep(poolServices6, c.svc6, "IPv6 Service CIDR", c.name)
		} else if c.svc6, err = p.take(poolServices6, 108, "IPv6 Service CIDR", c.name); err != nil {
			return err
		}
	}
	if c.prev != nil {
		if old := c.prev.IPAM(); old != c.sz.ipam {
			p.warn(subject, "the previous design gives cluster "+c.name+" "+old.String()+", the plan gives it "+
				c.sz.ipam.String()+"; AKS cannot change this on a running cluster in every case (pod subnet modes "+
				"cannot move to Overlay, and nothing moves back from Overlay), so follow pattern D: create the "+
				"cluster anew beside the old one and move workloads over")
		}
	}
	return nil
}

// spokeBits returns the prefix length of the smallest block that holds
// the subnets (IPv4, or IPv6 /64s), never shorter than floor allows.
func spokeBits(specs []subnetSpec, v6 bool, floor int) int {
	width := 32
	var total uint64
	for _, s := range specs {
		if v6 {
			if s.v6 {
				total++
			}
			continue
		}
		total += 1 << uint(width-s.bits)
	}
	if v6 {
		return 64 - ceilLog2(total)
	}
	b := width - ceilLog2(total)
	if floor > 0 && b > floor {
		b = floor
	}
	return b
}

// layout places the subnets of one VNet family: kept subnets where they
// were, then the others largest first in free room of the kept address
// spaces, and the rest in a new address space (the whole VNet, for a new
// one) taken from the pool. from, when set, is a kept reservation the new
// address space is taken from.
func (p *planner) layout(owner, vnet, what string, v6 bool, keptSpaces []netip.Prefix, keptSubnets map[string][]netip.Prefix,
	specs []subnetSpec, floor int, from *local) (vnetPlan, error) {
	vp := vnetPlan{placed: map[string][]netip.Prefix{}}
	pool := poolVNets
	if v6 {
		pool = poolVNets6
	}
	var locals []*local
	for _, s := range keptSpaces {
		vp.spaces = append(vp.spaces, s)
		locals = append(locals, newLocal(s))
		p.record(Allocation{Pool: pool, Prefix: s, Purpose: what, Owner: vnet, Kept: true})
	}
	var rest []subnetSpec
	for _, s := range specs {
		kp := keptSubnets[s.name]
		placed := false
		for _, q := range kp {
			for li, l := range locals {
				if cidr.Contains(keptSpaces[li], q) {
					l.take(q)
					vp.placed[s.name] = append(vp.placed[s.name], q)
					p.record(Allocation{Pool: pool, Prefix: q, Purpose: s.what, Owner: owner, Kept: true, Parent: keptSpaces[li]})
					placed = true
					if !v6 {
						p.checkKeptSubnet(owner, vnet, s, q)
					}
					break
				}
			}
			if placed {
				break
			}
		}
		if !placed {
			rest = append(rest, s)
		}
	}
	slices.SortStableFunc(rest, func(a, b subnetSpec) int { return cmp.Compare(a.bits, b.bits) })
	var overflow []subnetSpec
	for _, s := range rest {
		done := false
		for li, l := range locals {
			if q, ok := l.alloc(s.bits); ok {
				vp.placed[s.name] = append(vp.placed[s.name], q)
				p.record(Allocation{Pool: pool, Prefix: q, Purpose: s.what, Owner: owner, Parent: keptSpaces[li]})
				done = true
				break
			}
		}
		if !done {
			overflow = append(overflow, s)
		}
	}
	if len(overflow) == 0 && (len(keptSpaces) > 0 || len(specs) > 0) {
		return vp, nil // an empty VNet (a hub with nothing in it) still gets its space
	}
	purpose := what
	if len(keptSpaces) > 0 {
		purpose, floor = what+" extension", 0 // an extension holds what is missing, no more
	}
	bits := spokeBits(overflow, v6, floor)
	var block netip.Prefix
	if from != nil {
		if q, ok := from.alloc(bits); ok {
			block = q
			p.record(Allocation{Pool: pool, Prefix: block, Purpose: purpose, Owner: vnet})
		}
	}
	if !block.IsValid() {
		var err error
		block, err = p.alloc.alloc(pool, bits, purpose+" "+vnet)
		if err != nil {
			return vp, err
		}
		p.record(Allocation{Pool: pool, Prefix: block, Purpose: purpose, Owner: vnet})
	}
	vp.spaces = append(vp.spaces, block)
	l := newLocal(block)
	for _, s := range overflow {
		q, _ := l.alloc(s.bits)
		vp.placed[s.name] = append(vp.placed[s.name], q)
		p.record(Allocation{Pool: pool, Prefix: q, Purpose: s.what, Owner: owner, Parent: block})
	}
	return vp, nil
}

// checkKeptSubnet compares a kept subnet with what the plan needs now.
func (p *planner) checkKeptSubnet(owner, vnet string, s subnetSpec, q netip.Prefix) {
	u := usableOf(q)
	subject := "subnet/" + vnet + "/" + s.name
	switch {
	case u < s.required:
		p.probs = append(p.probs, PreviousProblem{Subject: subject, Prefix: q, Message: "the " + s.what + " of " + owner +
			" has " + sizing.Count(u) + " usable addresses but needs " + sizing.Count(s.required) +
			" at max nodes with surge and blue/green overlap; a /" + strconv.Itoa(s.bits) + " fits the plan"})
	case u < s.planned:
		p.warn(subject, "the "+s.what+" "+q.String()+" of "+owner+" kept from the previous design has "+sizing.Count(u)+
			" usable addresses: enough for max nodes, surge and blue/green overlap, not for the "+sizing.Count(s.planned)+
			" of the planned headroom and growth (a /"+strconv.Itoa(s.bits)+")")
	}
}

// take allocates from a pool and records it.
func (p *planner) take(pool string, bits int, purpose, owner string) (netip.Prefix, error) {
	got, err := p.alloc.alloc(pool, bits, purpose+" of "+owner)
	if err != nil {
		return got, err
	}
	p.record(Allocation{Pool: pool, Prefix: got, Purpose: purpose, Owner: owner})
	return got, nil
}

// keep records a kept range (already marked used).
func (p *planner) keep(pool string, pr netip.Prefix, purpose, owner string) {
	p.record(Allocation{Pool: pool, Prefix: pr, Purpose: purpose, Owner: owner, Kept: true})
}

func (p *planner) record(a Allocation) { p.res.Allocations = append(p.res.Allocations, a) }

func (p *planner) warn(subject, msg string) {
	p.res.Warnings = append(p.res.Warnings, Warning{Subject: subject, Message: msg})
}

// reserve keeps room for the group's future clusters: the kept
// reservations not consumed, then new ones up to the count asked for, each
// as large as the group's largest spoke and pod CIDR.
func (p *planner) reserve(g *group) error {
	for _, rv := range g.kept {
		if !rv.consumed {
			g.out = append(g.out, rv)
		}
	}
	vbits, pbits := p.reservationSize(g)
	for len(g.out) < p.e.future && vbits > 0 {
		rv := &reservation{name: "future-" + g.region + "-" + g.env + "-" + strconv.Itoa(g.next)}
		g.next++
		var err error
		if rv.vnet, err = p.alloc.alloc(poolVNets, vbits, "room for a future cluster ("+rv.name+")"); err != nil {
			return err
		}
		if pbits > 0 {
			if rv.pod, err = p.alloc.alloc(poolPods, pbits, "pod room for a future cluster ("+rv.name+")"); err != nil {
				return err
			}
		}
		g.out = append(g.out, rv)
	}
	for _, rv := range g.out {
		p.res.Reservations = append(p.res.Reservations, Allocation{Pool: poolVNets, Prefix: rv.vnet,
			Purpose: "room for a future cluster's spoke VNet", Owner: rv.name, Kept: rv.kept})
		if rv.pod.IsValid() {
			p.res.Reservations = append(p.res.Reservations, Allocation{Pool: poolPods, Prefix: rv.pod,
				Purpose: "room for a future cluster's pod CIDR", Owner: rv.name, Kept: rv.kept})
		}
	}
	return nil
}

// reservationSize is the size of the group's largest spoke and pod CIDR,
// or of the environment's (then the estate's) when the group has no
// cluster. Zero means nothing to size by.
func (p *planner) reservationSize(g *group) (vbits, pbits int) {
	pick := func(match func(c *cp) bool) (int, int) {
		vb, pb := 0, 0
		for _, c := range p.all {
			if !match(c) {
				continue
			}
			if b := spokeBits(c.sz.specs, false, 0); vb == 0 || b < vb {
				vb = b
			}
			if b := c.sz.podBits; b > 0 && (pb == 0 || b < pb) {
				pb = b
			}
		}
		return vb, pb
	}
	if vbits, pbits = pick(func(c *cp) bool { return c.region == g.region && c.env == g.env }); vbits > 0 {
		return
	}
	if vbits, pbits = pick(func(c *cp) bool { return c.env == g.env }); vbits > 0 {
		return
	}
	return pick(func(*cp) bool { return true })
}
