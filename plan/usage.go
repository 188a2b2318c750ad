package plan

import (
	"net/netip"
	"slices"

	"github.com/aksnet/aksnet/cidr"
)

// usage describes how full each pool prefix is. Pools that share their
// prefixes with an earlier pool (the services pool defaults to the pods
// pool) are described once, under the earlier name.
func (p *planner) usage() {
	type named struct {
		name string
		ps   []netip.Prefix
	}
	pools := []named{{poolVNets, p.r.Spec.Pools.VNets}, {poolPods, p.e.pods}, {poolServices, p.e.services},
		{poolVNets6, p.e.vnets6}, {poolPods6, p.e.pods6}, {poolServices6, p.e.services6}}
	var top []Allocation
	for _, a := range p.res.Allocations {
		if !a.Parent.IsValid() {
			top = append(top, a)
		}
	}
	top = append(top, p.res.Reservations...)
	var seen []netip.Prefix
	for _, pl := range pools {
		for _, pr := range pl.ps {
			if slices.Contains(seen, pr) {
				continue
			}
			seen = append(seen, pr)
			u := PoolUsage{Pool: pl.name, Prefix: pr}
			var used []netip.Prefix
			for _, a := range top {
				if cidr.Contains(pr, a.Prefix) {
					u.Allocated = append(u.Allocated, a)
					used = append(used, a.Prefix)
				}
			}
			slices.SortStableFunc(u.Allocated, func(a, b Allocation) int { return a.Prefix.Addr().Compare(b.Prefix.Addr()) })
			for _, av := range p.avoided {
				if av.Overlaps(pr) {
					u.Avoided = append(u.Avoided, av)
					used = append(used, av)
				}
			}
			u.Free = cidr.Free(pr, used)
			p.res.Pools = append(p.res.Pools, u)
		}
	}
}
