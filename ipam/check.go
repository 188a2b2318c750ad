package ipam

import (
	"fmt"
	"math"
	"net/netip"

	"github.com/aksnet/aksnet/cidr"
)

// Snapshot is registry state for a conflict check: pools, live
// allocations and reservations, and the registry's ranges to avoid. It
// may hold more than what overlaps the checked range; [Check] filters.
type Snapshot struct {
	Pools        []Pool
	Allocations  []Allocation
	Reservations []Reservation
	Avoid        []Avoid
}

// Check lists everything p overlaps: ranges to avoid (the built-in ones
// included), pools, live reservations and live allocations, in that
// order and within each kind by address, prefix length and ID. An empty
// result means p is free for use outside the registry. Check returns an
// *InvalidError if p is not a valid masked prefix.
func Check(s Snapshot, p netip.Prefix) ([]Conflict, error) {
	if err := validPrefix("cidr", p); err != nil {
		return nil, err
	}
	var out []Conflict
	for _, av := range builtIn {
		if av.CIDR.Overlaps(p) {
			out = append(out, Conflict{Kind: ConflictAvoid, CIDR: av.CIDR, Name: av.Name, Reason: av.Reason})
		}
	}
	for _, av := range s.Avoid {
		if av.CIDR.Overlaps(p) {
			out = append(out, Conflict{Kind: ConflictAvoid, CIDR: av.CIDR, Name: av.Name, Reason: av.Reason})
		}
	}
	for _, pl := range s.Pools {
		if pl.CIDR.Overlaps(p) {
			out = append(out, Conflict{Kind: ConflictPool, CIDR: pl.CIDR, Pool: pl.Name})
		}
	}
	for _, r := range s.Reservations {
		if r.State == StateLive && r.CIDR.Overlaps(p) {
			out = append(out, Conflict{Kind: ConflictReservation, CIDR: r.CIDR, Pool: r.Pool, ID: r.ID, Owner: r.Owner, Cluster: r.Cluster})
		}
	}
	for _, a := range s.Allocations {
		if a.State == StateLive && a.CIDR.Overlaps(p) {
			out = append(out, Conflict{Kind: ConflictAllocation, CIDR: a.CIDR, Pool: a.Pool, ID: a.ID, Owner: a.Owner, Cluster: a.Cluster})
		}
	}
	sortConflicts(out)
	return out, nil
}

// CheckPool validates a new pool against the registered pools: it
// returns an *InvalidError for a malformed pool, an error wrapping
// ErrExists when the name is taken, and a *ConflictError when its CIDR
// overlaps a registered pool. A pool may overlap ranges to avoid; no
// allocation will ever be placed in them.
func CheckPool(existing []Pool, p Pool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var cs []Conflict
	for _, e := range existing {
		if e.Name == p.Name {
			return fmt.Errorf("%w: pool %s is already registered (%s)", ErrExists, p.Name, e.CIDR)
		}
		if e.CIDR.Overlaps(p.CIDR) {
			cs = append(cs, Conflict{Kind: ConflictPool, CIDR: e.CIDR, Pool: e.Name})
		}
	}
	if len(cs) > 0 {
		sortConflicts(cs)
		return &ConflictError{CIDR: p.CIDR, Conflicts: cs}
	}
	return nil
}

// Usage summarises how full the pool is.
func (s *Space) Usage() Usage {
	u := s.usageWithin(s.pool.CIDR, 0)
	u.Pool = s.pool.Name
	u.Allocations, u.Reservations = len(s.allocs), len(s.res)
	return u
}

// usageWithin measures window, treating reservation allow as free.
func (s *Space) usageWithin(window netip.Prefix, allow int64) Usage {
	var allocs, held, all []netip.Prefix
	for _, b := range s.blocks {
		if b.kind == kindReservation && b.id == allow {
			continue
		}
		p := clip(b.prefix, window)
		if !p.IsValid() {
			continue
		}
		all = append(all, p)
		if b.kind != kindAvoid {
			held = append(held, p)
		}
		if b.kind == kindAllocation {
			allocs = append(allocs, p)
		}
	}
	u := Usage{CIDR: window, Size: cidr.Addresses(window)}
	u.Allocated = sum(cidr.Merge(allocs))
	u.Reserved = sum(cidr.Merge(held)) - u.Allocated
	used := sum(cidr.Merge(all))
	u.Avoided = used - u.Allocated - u.Reserved
	u.FreeBlocks = cidr.Free(window, all)
	if u.FreeBlocks == nil {
		u.FreeBlocks = []netip.Prefix{}
	}
	u.Free = sum(u.FreeBlocks)
	for _, f := range u.FreeBlocks {
		if !u.Largest.IsValid() || f.Bits() < u.Largest.Bits() {
			u.Largest = f
		}
	}
	return u
}

// clip returns the part of p inside window (prefixes either nest or are
// disjoint), or the zero Prefix.
func clip(p, window netip.Prefix) netip.Prefix {
	switch {
	case cidr.Contains(window, p):
		return p
	case cidr.Contains(p, window):
		return window
	}
	return netip.Prefix{}
}

// sum adds the sizes of disjoint prefixes, saturating.
func sum(ps []netip.Prefix) uint64 {
	var t uint64
	for _, p := range ps {
		n := cidr.Addresses(p)
		if t > math.MaxUint64-n {
			return math.MaxUint64
		}
		t += n
	}
	return t
}
