package simulate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// InputError is an operation that cannot be simulated: an unknown cluster
// or pool, a bad value. Hint says how to fix it.
type InputError struct {
	Msg  string
	Hint string
}

// Error returns Msg.
func (e *InputError) Error() string { return e.Msg }

func inputErr(hint, format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// UpgradeOptions limit an upgrade simulation.
type UpgradeOptions struct {
	// Cluster limits the upgrade to one cluster; empty means every cluster.
	Cluster string
	// Pool limits it to one pool; with Cluster empty the pool name must be
	// unique in the design.
	Pool string
	// Parallel upgrades the pools of each cluster together, batch by batch,
	// instead of one pool after another.
	Parallel bool
}

// ScaleOptions name the pool to scale and its new node count.
type ScaleOptions struct {
	Cluster string
	Pool    string
	To      int
}

// AddPoolOptions describe a pool to add. Pool.Subnet defaults to the node
// subnet of the cluster's first pool, Pool.PodSubnet (in clusters that use
// pod subnets) to the pod subnet of the first pool that has one, and
// Pool.Mode to User. Pool.Count is the node count.
type AddPoolOptions struct {
	Cluster string
	Pool    design.NodePool
}

// batch is one round of a pool's upgrade: drain pre old nodes, add add new
// nodes, drain post old nodes.
type batch struct{ pre, add, post int }

// upgradePlan is one pool's upgrade.
type upgradePlan struct {
	pr      *poolRun
	batches []batch
}

// clusterNames lists the design's clusters for hints.
func clusterNames(d *design.Design) string {
	names := make([]string, len(d.Spec.Clusters))
	for i := range d.Spec.Clusters {
		names[i] = d.Spec.Clusters[i].Name
	}
	if len(names) == 0 {
		return "the design has no clusters"
	}
	return "the design's clusters: " + strings.Join(names, ", ")
}

func poolNames(c *design.Cluster) string {
	names := make([]string, len(c.NodePools))
	for i := range c.NodePools {
		names[i] = c.NodePools[i].Name
	}
	return "pools of " + c.Name + ": " + strings.Join(names, ", ")
}

func findCluster(d *design.Design, name string) (*design.Cluster, error) {
	for i := range d.Spec.Clusters {
		if d.Spec.Clusters[i].Name == name {
			return &d.Spec.Clusters[i], nil
		}
	}
	return nil, inputErr(clusterNames(d), "no cluster %q in the design", name)
}

func findPool(c *design.Cluster, name string) (*design.NodePool, error) {
	for i := range c.NodePools {
		if c.NodePools[i].Name == name {
			return &c.NodePools[i], nil
		}
	}
	return nil, inputErr(poolNames(c), "cluster %q has no pool %q", c.Name, name)
}

// selectPools returns the pools an upgrade covers, grouped by cluster.
func selectPools(d *design.Design, o UpgradeOptions) ([][2]int, error) {
	var out [][2]int
	if o.Cluster != "" {
		if _, err := findCluster(d, o.Cluster); err != nil {
			return nil, err
		}
	}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		if o.Cluster != "" && c.Name != o.Cluster {
			continue
		}
		for pi := range c.NodePools {
			if o.Pool == "" || c.NodePools[pi].Name == o.Pool {
				out = append(out, [2]int{ci, pi})
			}
		}
	}
	if o.Pool == "" {
		return out, nil
	}
	switch len(out) {
	case 0:
		if o.Cluster != "" {
			c, _ := findCluster(d, o.Cluster)
			_, err := findPool(c, o.Pool)
			return nil, err
		}
		return nil, inputErr(clusterNames(d), "no cluster has a pool %q", o.Pool)
	case 1:
		return out, nil
	}
	var cs []string
	for _, ix := range out {
		cs = append(cs, d.Spec.Clusters[ix[0]].Name)
	}
	return nil, inputErr("name the cluster as well", "pool %q is in several clusters (%s)", o.Pool, strings.Join(cs, ", "))
}

// unavailableNodes returns maxUnavailable for a pool of n nodes: the count
// given, or the percentage rounded up, capped at n; 0 when unset.
func unavailableNodes(p *design.NodePool, n int) int {
	if p.MaxUnavailable == "" || n <= 0 {
		return 0
	}
	v, pct, ok := design.ParseSurge(p.MaxUnavailable)
	if !ok {
		return 0
	}
	if pct {
		v = (v*n + 99) / 100
	}
	return min(v, n)
}

// plan returns the batches of an upgrade of pool pr at its current node
// count, and warnings.
func plan(pr *poolRun) ([]batch, []string, error) {
	n := pr.nodes
	if n <= 0 {
		return nil, []string{pr.ref() + " has no nodes at its maximum node count; nothing to upgrade"}, nil
	}
	var warns []string
	s := max(pr.c.SurgeNodes(pr.p, n), 0)
	u := unavailableNodes(pr.p, n)
	if u > 0 && pr.p.Mode == design.ModeSystem {
		warns = append(warns, pr.ref()+" sets maxUnavailable, which AKS does not accept on System pools; it is ignored here")
		u = 0
	}
	if s == 0 && u == 0 {
		return nil, nil, inputErr("give the pool a maxSurge above 0 (or, on a User pool, a maxUnavailable above 0)",
			"pool %s cannot be upgraded: maxSurge is 0 and maxUnavailable is 0, which AKS rejects", pr.ref())
	}
	var bs []batch
	for left := n; left > 0; {
		b := min(s+u, left)
		d := min(u, b)
		bs = append(bs, batch{pre: d, add: b, post: b - d})
		left -= b
	}
	return bs, warns, nil
}

// peakExtra is how many nodes above n an upgrade of a pool of n nodes adds
// at its peak (the first batch).
func peakExtra(c *design.Cluster, p *design.NodePool, n int) int {
	if n <= 0 {
		return 0
	}
	s := max(c.SurgeNodes(p, n), 0)
	u := unavailableNodes(p, n)
	if p.Mode == design.ModeSystem {
		u = 0
	}
	return max(min(s+u, n)-min(u, n), 0)
}

// runBatch emits phase ph (0 pre-drain, 1 add, 2 post-drain) of batch b of
// pool pr. It returns false when the step fails.
func (e *engine) runBatch(pr *poolRun, b batch, ph int) bool {
	ref := pr.ref()
	switch ph {
	case 0:
		if b.pre == 0 {
			return true
		}
		return e.step(pr, ActionDrain, -b.pre, fmt.Sprintf("drain and delete %s old %s of %s (%s → %s)",
			count(b.pre), nodesWord(b.pre), ref, count(pr.nodes), count(pr.nodes-b.pre)))
	case 1:
		what := "surge " + count(b.add) + " " + nodesWord(b.add)
		if b.pre > 0 {
			what = "add " + count(b.add) + " new " + nodesWord(b.add)
		}
		return e.step(pr, ActionSurge, b.add, fmt.Sprintf("%s of %s (%s → %s)",
			what, ref, count(pr.nodes), count(pr.nodes+b.add)))
	}
	if b.post == 0 {
		return true
	}
	return e.step(pr, ActionDrain, -b.post, fmt.Sprintf("drain and delete %s old %s of %s (%s → %s)",
		count(b.post), nodesWord(b.post), ref, count(pr.nodes), count(pr.nodes-b.post)))
}

func nodesWord(n int) string {
	if n == 1 {
		return "node"
	}
	return "nodes"
}

// upgrade runs the plans: one after another, or in lockstep when parallel.
func (e *engine) upgrade(plans []upgradePlan, parallel bool) {
	if !parallel {
		for _, pl := range plans {
			for _, b := range pl.batches {
				for ph := range 3 {
					if !e.runBatch(pl.pr, b, ph) {
						return
					}
				}
			}
		}
		return
	}
	for round := 0; ; round++ {
		any := false
		for ph := range 3 {
			for _, pl := range plans {
				if round >= len(pl.batches) {
					continue
				}
				any = true
				if !e.runBatch(pl.pr, pl.batches[round], ph) {
					return
				}
			}
		}
		if !any {
			return
		}
	}
}

// Upgrade simulates a rolling upgrade of every pool the options select,
// each starting at its largest node count. See the package documentation
// for the model.
func Upgrade(d *design.Design, o UpgradeOptions) (*Result, error) {
	sel, err := selectPools(d, o)
	if err != nil {
		return nil, err
	}
	e := newEngine(d, OpUpgrade)
	e.res.Cluster, e.res.Pool, e.res.Parallel = o.Cluster, o.Pool, o.Parallel
	var prs []*poolRun
	var groups [][]upgradePlan
	last := -1
	for _, ix := range sel {
		c := &d.Spec.Clusters[ix[0]]
		pr := e.pool(c, &c.NodePools[ix[1]])
		prs = append(prs, pr)
		bs, warns, err := plan(pr)
		if err != nil {
			return nil, err
		}
		e.res.Warnings = append(e.res.Warnings, warns...)
		if ix[0] != last {
			groups = append(groups, nil)
			last = ix[0]
		}
		if len(bs) > 0 {
			groups[len(groups)-1] = append(groups[len(groups)-1], upgradePlan{pr, bs})
		}
	}
	e.noRanges(prs)
	if !e.start(prs, "start: every pool at its maximum node count") {
		return e.res, nil
	}
	for _, g := range groups {
		e.upgrade(g, o.Parallel)
		if e.res.Failure != nil {
			break
		}
	}
	return e.res, nil
}

// noRanges warns about pools the design gives no range to check.
func (e *engine) noRanges(prs []*poolRun) {
	for _, pr := range prs {
		if len(pr.costs) == 0 {
			e.res.Warnings = append(e.res.Warnings, pr.ref()+" takes no addresses from a range the design describes (AKS-managed VNet, IPv6-only subnets or bring-your-own CNI without a pod CIDR); only the pool size limit is checked")
		}
	}
}

// Scale simulates scaling one pool to o.To nodes, starting from its count
// (minCount when it autoscales), with everything else at its maximum.
func Scale(d *design.Design, o ScaleOptions) (*Result, error) {
	c, err := findCluster(d, o.Cluster)
	if err != nil {
		return nil, err
	}
	p, err := findPool(c, o.Pool)
	if err != nil {
		return nil, err
	}
	if o.To < 0 || o.To > 100_000 {
		return nil, inputErr("give a node count from 0 to 1000", "node count %d is not plausible", o.To)
	}
	e := newEngine(d, OpScale)
	e.res.Cluster, e.res.Pool, e.res.Target = c.Name, p.Name, o.To
	pr := e.pool(c, p)
	from := max(p.MinNodes(), 0)
	e.setNodes(pr, from)
	largest := e.largest(pr)
	e.res.Largest = &largest
	e.noRanges([]*poolRun{pr})
	if p.Autoscaling() {
		e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
			"%s has the cluster autoscaler on (minCount %d, maxCount %d): AKS refuses a manual scale, so this stands for the autoscaler adding nodes from minCount",
			pr.ref(), *p.MinCount, *p.MaxCount))
		if o.To > *p.MaxCount {
			e.res.Warnings = append(e.res.Warnings, fmt.Sprintf("the autoscaler stops at maxCount %d; %d nodes need a higher maxCount", *p.MaxCount, o.To))
		}
		if *p.MaxCount > largest {
			e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
				"autoscaler maxCount %d of %s is above the %s that fit; the autoscaler fails when it adds node %s",
				*p.MaxCount, pr.ref(), fitPhrase(largest), count(largest+1)))
		}
	}
	if !e.start([]*poolRun{pr}, fmt.Sprintf("start: %s at %s %s, everything else at its maximum node count", pr.ref(), count(from), nodesWord(from))) {
		return e.res, nil
	}
	var desc string
	switch delta := o.To - from; {
	case delta > 0:
		desc = fmt.Sprintf("scale %s out by %s %s (%s → %s)", pr.ref(), count(delta), nodesWord(delta), count(from), count(o.To))
	case delta < 0:
		desc = fmt.Sprintf("scale %s in by %s %s (%s → %s)", pr.ref(), count(-delta), nodesWord(-delta), count(from), count(o.To))
	default:
		desc = fmt.Sprintf("%s is already at %s %s", pr.ref(), count(o.To), nodesWord(o.To))
	}
	if !e.step(pr, ActionScale, o.To-from, desc) {
		return e.res, nil
	}
	e.nextUpgrade(pr)
	return e.res, nil
}

func fitPhrase(n int) string {
	if n < 0 {
		return "none"
	}
	return count(n) + " " + nodesWord(n)
}

// largest returns the largest node count of pool pr that fits every range
// it touches (and the pool limit), with everything else as it is now; -1
// when even an empty pool does not fit.
func (e *engine) largest(pr *poolRun) int {
	best := sizing.MaxPoolInstances
	for _, k := range pr.costs {
		base := shift(k.r.used, -pr.nodes, k.floor)
		if base > k.r.use.Usable {
			return -1
		}
		if k.floor == 0 {
			continue
		}
		if n := (k.r.use.Usable - base) / k.floor; n < uint64(best) {
			best = int(n)
		}
	}
	return best
}

// nextUpgrade warns when the next upgrade of pr at its current size would
// not fit.
func (e *engine) nextUpgrade(pr *poolRun) {
	extra := peakExtra(pr.c, pr.p, pr.nodes)
	if extra == 0 {
		return
	}
	if pr.nodes+extra > sizing.MaxPoolInstances {
		e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
			"at %s nodes the next upgrade of %s adds %s surge %s and exceeds the %s-instance pool limit; AKS rejects it (%s)",
			count(pr.nodes), pr.ref(), count(extra), nodesWord(extra), count(sizing.MaxPoolInstances), PoolSizeLimit))
		return
	}
	for _, k := range pr.costs {
		need := shift(k.r.used, extra, k.floor)
		if need <= k.r.use.Usable {
			continue
		}
		ru := k.r.use
		ru.Kind = k.kind
		e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
			"at %s nodes the next upgrade of %s adds %s surge %s: %s would need %s of its %s %s (%s)",
			count(pr.nodes), pr.ref(), count(extra), nodesWord(extra), ru.Label(), count(need), count(ru.Usable), unitWord(ru.Unit), codeFor(k.kind)))
		return
	}
}

// AddPool simulates adding a pool to a cluster: its nodes are created, then
// its first upgrade runs.
func AddPool(d *design.Design, o AddPoolOptions) (*Result, error) {
	c0, err := findCluster(d, o.Cluster)
	if err != nil {
		return nil, err
	}
	np := o.Pool
	if strings.TrimSpace(np.Name) == "" {
		return nil, inputErr("name the new pool", "the new pool has no name")
	}
	if np.Count == nil || *np.Count < 0 {
		return nil, inputErr("give the new pool's node count", "the new pool needs a node count of 0 or more")
	}
	if np.MaxPods != nil && (*np.MaxPods < sizing.MinMaxPods || *np.MaxPods > sizing.MaxMaxPods) {
		return nil, inputErr(fmt.Sprintf("AKS accepts maxPods from %d to %d", sizing.MinMaxPods, sizing.MaxMaxPods), "maxPods %d is out of range", *np.MaxPods)
	}
	if np.Mode == "" {
		np.Mode = design.ModeUser
	}
	mode := c0.IPAM()
	if np.IsWindows() && mode == design.IPAMKubenet {
		return nil, inputErr("use Azure CNI Overlay for Windows pools", "cluster %q uses kubenet, which does not run Windows pools", c0.Name)
	}
	if np.Subnet == "" && len(c0.NodePools) > 0 {
		np.Subnet = c0.NodePools[0].Subnet
	}
	podSubnets := mode == design.IPAMPodSubnetDynamic || mode == design.IPAMPodSubnetStatic
	switch {
	case np.PodSubnet != "" && !podSubnets:
		return nil, inputErr("leave out the pod subnet", "cluster %q (%s) does not use pod subnets", c0.Name, mode)
	case np.PodSubnet == "" && podSubnets:
		for i := range c0.NodePools {
			if c0.NodePools[i].PodSubnet != "" {
				np.PodSubnet = c0.NodePools[i].PodSubnet
				break
			}
		}
	}
	// Work on a copy of the design that has the new pool.
	d2 := *d
	d2.Spec.Clusters = slices.Clone(d.Spec.Clusters)
	ci := 0
	for i := range d2.Spec.Clusters {
		if d2.Spec.Clusters[i].Name == c0.Name {
			ci = i
		}
	}
	c := &d2.Spec.Clusters[ci]
	np.Path = design.Index(design.Field(c.Path, "nodePools"), len(c.NodePools))
	c.NodePools = append(slices.Clone(c.NodePools), np)
	var msgs, hints []string
	for _, pr := range design.Validate(&d2) {
		if pr.Path == np.Path || strings.HasPrefix(pr.Path, np.Path+".") {
			msgs = append(msgs, "new pool "+strings.TrimPrefix(strings.TrimPrefix(pr.Path, np.Path), ".")+": "+pr.Msg)
			if pr.Hint != "" {
				hints = append(hints, pr.Hint)
			}
		}
	}
	if len(msgs) > 0 {
		return nil, &InputError{Msg: strings.Join(msgs, "; "), Hint: strings.Join(hints, "; ")}
	}
	p := &c.NodePools[len(c.NodePools)-1]
	e := newEngine(&d2, OpAddPool)
	e.res.Cluster, e.res.Pool, e.res.Target = c.Name, p.Name, *p.Count
	pr := e.pool(c, p)
	e.setNodes(pr, 0)
	e.noRanges([]*poolRun{pr})
	if !e.start([]*poolRun{pr}, fmt.Sprintf("start: %s not created yet, everything else at its maximum node count", pr.ref())) {
		return e.res, nil
	}
	n := *p.Count
	if !e.step(pr, ActionCreate, n, fmt.Sprintf("create %s with %s %s (0 → %s)", pr.ref(), count(n), nodesWord(n), count(n))) {
		return e.res, nil
	}
	bs, warns, err := plan(pr)
	if err != nil {
		return nil, err
	}
	e.res.Warnings = append(e.res.Warnings, warns...)
	e.upgrade([]upgradePlan{{pr, bs}}, false)
	return e.res, nil
}
