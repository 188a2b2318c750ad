package simulate

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// rangeState is the running use of one range.
type rangeState struct {
	use RangeUse // Name, Prefixes, Unit and Usable
	// used counts dynamic pod-subnet nodes at one batch each; full counts
	// them at maxPods pods. They are equal for every other range.
	used, full uint64
	warned     bool
}

// cost is what one node of a pool takes from one range.
type cost struct {
	r     *rangeState
	kind  RangeKind
	floor uint64 // when the node starts
	full  uint64 // when it runs maxPods pods
}

// poolRun is a pool taking part in the operation.
type poolRun struct {
	c     *design.Cluster
	p     *design.NodePool
	costs []cost
	nodes int
}

func (pr *poolRun) ref() string { return pr.c.Name + "/" + pr.p.Name }

// engine applies steps to the ranges of a design.
type engine struct {
	rep    sizing.Report
	ranges map[string]*rangeState
	res    *Result
}

func newEngine(d *design.Design, op Operation) *engine {
	return &engine{
		rep:    sizing.Analyze(d),
		ranges: map[string]*rangeState{},
		res:    &Result{Operation: op},
	}
}

// kindRank orders ranges in a step: node subnet, pod subnet, pod CIDR.
func kindRank(k RangeKind) int {
	switch k {
	case NodeSubnet:
		return 0
	case PodSubnet:
		return 1
	}
	return 2
}

// pool builds the run of pool p of cluster c at its largest node count,
// which is how the sizing report counts it.
func (e *engine) pool(c *design.Cluster, p *design.NodePool) *poolRun {
	pr := &poolRun{c: c, p: p, nodes: max(p.MaxNodes(), 0)}
	for i := range e.rep.Subnets {
		u := &e.rep.Subnets[i]
		if u.Unlimited {
			continue
		}
		var floor, full uint64
		kind := RangeKind("")
		for j := range u.Consumers {
			k := &u.Consumers[j]
			if !k.IsPool() || k.Cluster != c.Name || k.Name != p.Name {
				continue
			}
			floor += k.PerNodeMin
			full += k.PerNode
			if k.Kind == sizing.ConsumerNodes {
				kind = NodeSubnet
			} else if kind == "" {
				kind = PodSubnet
			}
		}
		if kind == "" {
			continue
		}
		key := "subnet/" + u.Ref()
		r := e.ranges[key]
		if r == nil {
			r = &rangeState{
				use:  RangeUse{Name: u.Ref(), Prefixes: u.Prefixes, Unit: UnitAddresses, Usable: u.Usable},
				used: u.MinNeed.Steady, full: u.Need.Steady,
			}
			e.ranges[key] = r
		}
		pr.costs = append(pr.costs, cost{r: r, kind: kind, floor: floor, full: full})
	}
	if rg := e.rep.PodRange(c.Name); rg != nil {
		for j := range rg.Consumers {
			if rg.Consumers[j].Name != p.Name {
				continue
			}
			key := "podCIDR/" + c.Name
			r := e.ranges[key]
			if r == nil {
				r = &rangeState{
					use:  RangeUse{Name: c.Name, Prefixes: []netip.Prefix{rg.Prefix}, Unit: UnitBlocks, Usable: rg.NodeCapacity},
					used: rg.Nodes.Steady, full: rg.Nodes.Steady,
				}
				e.ranges[key] = r
			}
			pr.costs = append(pr.costs, cost{r: r, kind: PodCIDR, floor: 1, full: 1})
			break
		}
	}
	slices.SortStableFunc(pr.costs, func(a, b cost) int { return cmp.Compare(kindRank(a.kind), kindRank(b.kind)) })
	return pr
}

// setNodes moves pool pr to n nodes without recording a step (to set the
// starting point).
func (e *engine) setNodes(pr *poolRun, n int) {
	for _, k := range pr.costs {
		k.r.used = shift(k.r.used, n-pr.nodes, k.floor)
		k.r.full = shift(k.r.full, n-pr.nodes, k.full)
	}
	pr.nodes = n
}

// shift returns v + delta × per, never below 0.
func shift(v uint64, delta int, per uint64) uint64 {
	if delta >= 0 {
		return v + uint64(delta)*per
	}
	d := uint64(-delta) * per
	if d > v {
		return 0
	}
	return v - d
}

// start records step 0: the use of every range the pools touch.
func (e *engine) start(prs []*poolRun, desc string) bool {
	st := Step{Number: 0, Action: ActionStart, Description: desc, OK: true}
	if len(prs) == 1 {
		st.Cluster, st.Pool = prs[0].c.Name, prs[0].p.Name
		st.PoolBefore, st.PoolAfter = prs[0].nodes, prs[0].nodes
	}
	seen := map[*rangeState]bool{}
	var costs []cost
	for _, pr := range prs {
		e.res.Pools = append(e.res.Pools, pr.ref())
		for _, k := range pr.costs {
			if !seen[k.r] {
				seen[k.r] = true
				costs = append(costs, k)
			}
		}
	}
	slices.SortStableFunc(costs, func(a, b cost) int { return cmp.Compare(kindRank(a.kind), kindRank(b.kind)) })
	var fail *Failure
	for _, k := range costs {
		ru := e.rangeUse(k, k.r.used, k.r.full)
		ru.Before = ru.After
		st.Ranges = append(st.Ranges, ru)
		if !ru.OK {
			st.OK = false
			if fail == nil {
				fail = &Failure{Code: codeFor(k.kind), Range: &ru, Usable: ru.Usable, Need: ru.After,
					Message: fmt.Sprintf("%s: %s has %s usable %s but needs %s before the operation starts",
						codeFor(k.kind), ru.Label(), count(ru.Usable), unitWord(ru.Unit), count(ru.After))}
			}
		}
		e.warnFull(0, k)
	}
	e.res.Steps = append(e.res.Steps, st)
	if fail != nil {
		e.res.Failure = fail
		return false
	}
	return true
}

// rangeUse reports range k.r with After = used (and FullAfter = full when
// it differs).
func (e *engine) rangeUse(k cost, used, full uint64) RangeUse {
	ru := k.r.use
	ru.Kind = k.kind
	ru.Before = k.r.used
	ru.After = used
	if full != used {
		ru.FullAfter = full
	}
	ru.OK = used <= ru.Usable
	return ru
}

// codeFor is the error AKS gives when a range of kind k runs out.
func codeFor(k RangeKind) Code {
	if k == PodCIDR {
		return InsufficientSubnetSize
	}
	return SubnetIsFull
}

func unitWord(unit string) string {
	if unit == UnitBlocks {
		return "/24 blocks"
	}
	return "addresses"
}

// warnFull warns once per range when dynamic pod-subnet nodes fit at one
// batch each but not once they run maxPods pods.
func (e *engine) warnFull(step int, k cost) {
	r := k.r
	if r.warned || r.full <= r.use.Usable || r.used > r.use.Usable {
		return
	}
	r.warned = true
	ru := r.use
	ru.Kind = k.kind
	e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
		"step %d: %s has room for every node's first batch of 16 addresses, but %s once the nodes run maxPods pods; pods on the last nodes would wait in ContainerCreating",
		step, ru.Label(), count(r.full)+" of "+count(ru.Usable)+" would be in use"))
}

// step changes pool pr by delta nodes and records the step. It returns
// false when the step does not fit; the result's Failure is then set.
func (e *engine) step(pr *poolRun, action Action, delta int, desc string) bool {
	n := len(e.res.Steps)
	st := Step{Number: n, Action: action, Cluster: pr.c.Name, Pool: pr.p.Name, Nodes: delta,
		PoolBefore: pr.nodes, PoolAfter: pr.nodes + delta, Description: desc, OK: true}
	var fail *Failure
	if delta > 0 && pr.nodes+delta > sizing.MaxPoolInstances {
		fit := min(max(sizing.MaxPoolInstances-pr.nodes, 0), delta)
		fail = &Failure{Code: PoolSizeLimit, Usable: sizing.MaxPoolInstances, Need: uint64(pr.nodes + delta),
			Free: uint64(max(sizing.MaxPoolInstances-pr.nodes, 0)), Nodes: delta, Fit: fit, Node: pr.nodes + fit + 1,
			Message: fmt.Sprintf("%s: %s would have %s instances (%s + %s new); a pool holds at most %s, so %d of the %d nodes fit",
				PoolSizeLimit, pr.ref(), count(pr.nodes+delta), count(pr.nodes), count(delta), count(sizing.MaxPoolInstances), fit, delta)}
		st.OK = false
	}
	for _, k := range pr.costs {
		r := k.r
		ru := e.rangeUse(k, shift(r.used, delta, k.floor), shift(r.full, delta, k.full))
		st.Ranges = append(st.Ranges, ru)
		if ru.OK || delta <= 0 {
			continue
		}
		st.OK = false
		free := uint64(0)
		if ru.Before < ru.Usable {
			free = ru.Usable - ru.Before
		}
		fit := delta
		if k.floor > 0 {
			fit = int(min(free/k.floor, uint64(delta)))
		}
		if fail != nil && fail.Fit <= fit {
			continue
		}
		fail = &Failure{Code: codeFor(k.kind), Range: &st.Ranges[len(st.Ranges)-1], Usable: ru.Usable, Need: ru.After,
			Free: free, Nodes: delta, Fit: fit, Node: pr.nodes + fit + 1}
		fail.Message = rangeMessage(fail, pr, action, k)
	}
	for _, k := range pr.costs {
		k.r.used = shift(k.r.used, delta, k.floor)
		k.r.full = shift(k.r.full, delta, k.full)
	}
	pr.nodes += delta
	e.res.Steps = append(e.res.Steps, st)
	if fail != nil {
		fail.Step, fail.Cluster, fail.Pool = n, pr.c.Name, pr.p.Name
		if fail.Range != nil {
			cp := *fail.Range
			fail.Range = &cp
		}
		e.res.Failure = fail
		return false
	}
	for _, k := range pr.costs {
		e.warnFull(n, k)
	}
	return true
}

// rangeMessage explains a range that runs out.
func rangeMessage(f *Failure, pr *poolRun, action Action, k cost) string {
	ru := f.Range
	what := "new nodes"
	if action == ActionSurge {
		what = "surge nodes"
	}
	per := ""
	if k.floor != 1 {
		per = " at " + count(k.floor) + " each"
	}
	room := fmt.Sprintf("has %s usable %s", count(ru.Usable), unitWord(ru.Unit))
	if k.kind == PodCIDR {
		room = fmt.Sprintf("(NetworkProfile_PodCIDR) has %s /24 blocks, one per node", count(ru.Usable))
	}
	fits := fmt.Sprintf("%s free, so %d of the %d nodes fit", count(f.Free), f.Fit, f.Nodes)
	if f.Fit == 0 {
		fits = fmt.Sprintf("%s free, so none of the %d nodes fits", count(f.Free), f.Nodes)
	}
	msg := fmt.Sprintf("%s: %s %s; step needs %s (%s in use + %s for %d %s of %s%s); %s",
		f.Code, ru.Label(), room, count(ru.After), count(ru.Before), count(ru.After-ru.Before), f.Nodes, what, pr.ref(), per, fits)
	if action == ActionScale || action == ActionCreate {
		msg += fmt.Sprintf("; node %s is the first that does not", count(f.Node))
	}
	return msg
}
