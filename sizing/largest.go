package sizing

import (
	"sort"

	"github.com/aksnet/aksnet/design"
)

// limit is one range a pool shares: whatever else takes from it at the
// upgrade stage, and what each of the pool's nodes (surge nodes included)
// takes.
type limit struct {
	name     string
	capacity uint64
	others   uint64
	perNode  uint64
}

// fits reports whether the range still fits when the pool has nodes
// nodes, surge included.
func (l limit) fits(nodes uint64) bool {
	return satAdd(l.others, satMul(l.perNode, nodes)) <= l.capacity
}

// poolInstanceLimit names the 1,000-instance limit in LimitedBy.
const poolInstanceLimit = "pool instance limit"

// largest fills in LargestNodeCount and LimitedBy of the capacity pc of
// pool p of cluster c.
//
// Every limit is monotone in the pool's node count (surge never shrinks as
// the pool grows), so the largest count that fits is found by binary search
// over 0..1000.
func largest(rep *Report, idx *shareIndex, pc *PoolCapacity, c *design.Cluster, p *design.NodePool) {
	var limits []limit
	key := poolKey{c.Name, p.Name}
	for _, sh := range idx.subnets[key] {
		u := &rep.Subnets[sh.subnet]
		limits = append(limits, limit{"subnet " + u.Ref(), u.Usable, satSub(u.Need.Upgrade, sh.mine), sh.per})
	}
	if r, ok := idx.podRanges[c.Name]; ok {
		for k := range r.Consumers {
			if k := &r.Consumers[k]; k.Name == p.Name {
				limits = append(limits, limit{"pod CIDR " + r.Prefix.String(), r.NodeCapacity, satSub(r.Nodes.Upgrade, k.Need.Upgrade), 1})
				break
			}
		}
	}
	failing := func(n int) string {
		total := uint64(n) + uint64(max(c.SurgeNodes(p, n), 0))
		if total > MaxPoolInstances {
			return poolInstanceLimit
		}
		for _, l := range limits {
			if !l.fits(total) {
				return l.name
			}
		}
		return ""
	}
	if name := failing(0); name != "" {
		pc.LargestNodeCount, pc.LimitedBy = -1, name
		return
	}
	// n is the first k in 0..999 for which k+1 nodes fail; all counts up to
	// n fit. When none fails, n is 1000.
	n := sort.Search(MaxPoolInstances, func(k int) bool { return failing(k+1) != "" })
	pc.LargestNodeCount = n
	if n < MaxPoolInstances {
		pc.LimitedBy = failing(n + 1)
	} else {
		pc.LimitedBy = poolInstanceLimit
	}
}

type poolKey struct{ cluster, pool string }

// poolShare is one pool's part of one limited subnet: the addresses it
// needs at the upgrade stage and what one of its nodes takes.
type poolShare struct {
	subnet    int
	mine, per uint64
}

// shareIndex says, per pool, which subnets it takes addresses from and,
// per cluster, its pod range, so that largest need not scan every subnet
// for every pool.
type shareIndex struct {
	subnets   map[poolKey][]poolShare
	podRanges map[string]*PodRangeUse
}

func indexShares(rep *Report) *shareIndex {
	idx := &shareIndex{subnets: map[poolKey][]poolShare{}, podRanges: map[string]*PodRangeUse{}}
	for si := range rep.Subnets {
		u := &rep.Subnets[si]
		if u.Unlimited {
			continue
		}
		at := map[poolKey]int{}
		for k := range u.Consumers {
			k := &u.Consumers[k]
			if !k.IsPool() {
				continue
			}
			key := poolKey{k.Cluster, k.Name}
			j, seen := at[key]
			if !seen {
				j = len(idx.subnets[key])
				at[key] = j
				idx.subnets[key] = append(idx.subnets[key], poolShare{subnet: si})
			}
			sh := &idx.subnets[key][j]
			sh.mine = satAdd(sh.mine, k.Need.Upgrade)
			sh.per = satAdd(sh.per, k.PerNode)
		}
	}
	for i := range rep.PodRanges {
		r := &rep.PodRanges[i]
		if _, dup := idx.podRanges[r.Cluster]; !dup {
			idx.podRanges[r.Cluster] = r
		}
	}
	return idx
}
