package ipam

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/aksnet/aksnet/cidr"
)

// Space is the state of one pool that placement decisions depend on: the
// pool, its live allocations and reservations, and the ranges to avoid
// that overlap it (the built-in ones always included).
//
// Storage builds a Space inside a transaction with [NewSpace], asks it to
// decide ([Space.Allocate], [Space.Reserve]), writes the result and
// records it with [Space.Add] or [Space.AddReservation]. A Space is not
// safe for concurrent use while it is being changed; [Space.Clone] gives
// an independent copy.
type Space struct {
	pool   Pool
	allocs map[int64]Allocation
	res    map[int64]Reservation
	avoid  []Avoid
	// blocks are every live allocation, live reservation and avoid range
	// that overlaps the pool, sorted by blockCmp.
	blocks []block
	// runs, when runsOK, are the union of blocks as disjoint,
	// non-adjacent address ranges in order: what a request that may use
	// no reservation must avoid. Allocating keeps them current; releasing
	// drops them until the next search rebuilds them.
	runs   []span
	runsOK bool
}

// span is an inclusive address range.
type span struct{ first, last netip.Addr }

// touches reports whether a range ending at last overlaps or is adjacent
// to one starting at first.
func touches(last, first netip.Addr) bool { return !last.Less(first) || last.Next() == first }

func (s *Space) ensureRuns() {
	if s.runsOK {
		return
	}
	s.runs = s.runs[:0]
	for _, b := range s.blocks {
		if n := len(s.runs); n > 0 && touches(s.runs[n-1].last, b.first) {
			if s.runs[n-1].last.Less(b.last) {
				s.runs[n-1].last = b.last
			}
			continue
		}
		s.runs = append(s.runs, span{b.first, b.last})
	}
	s.runsOK = true
}

// addRun merges a newly blocked range into runs.
func (s *Space) addRun(b block) {
	if !s.runsOK {
		return
	}
	i, _ := slices.BinarySearchFunc(s.runs, b.first, func(r span, first netip.Addr) int {
		if touches(r.last, first) {
			return 1
		}
		return -1
	})
	m := span{b.first, b.last}
	j := i
	for ; j < len(s.runs) && touches(m.last, s.runs[j].first); j++ {
		if s.runs[j].first.Less(m.first) {
			m.first = s.runs[j].first
		}
		if m.last.Less(s.runs[j].last) {
			m.last = s.runs[j].last
		}
	}
	s.runs = slices.Replace(s.runs, i, j, m)
}

type blockKind uint8

const (
	kindAvoid blockKind = iota
	kindReservation
	kindAllocation
)

// block is one range that takes space in a pool.
type block struct {
	prefix      netip.Prefix
	first, last netip.Addr
	kind        blockKind
	id          int64 // allocation or reservation ID; index into avoid for avoid ranges
}

func newBlock(p netip.Prefix, k blockKind, id int64) block {
	return block{prefix: p, first: p.Addr(), last: cidr.LastAddr(p), kind: k, id: id}
}

func blockCmp(a, b block) int {
	if c := a.first.Compare(b.first); c != 0 {
		return c
	}
	if c := cmp.Compare(a.prefix.Bits(), b.prefix.Bits()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// NewSpace builds the Space of pool from its allocations, reservations
// and the registry's avoid list. Entries that are not live are ignored,
// as are avoid ranges that do not overlap the pool; the built-in avoid
// ranges are added. It returns an error if a live allocation or
// reservation belongs to another pool, lies outside the pool, or has a
// zero or repeated ID: storage holds something the registry would never
// have written.
func NewSpace(pool Pool, allocations []Allocation, reservations []Reservation, avoid []Avoid) (*Space, error) {
	if !pool.CIDR.IsValid() {
		return nil, fmt.Errorf("ipam: pool %q has no valid CIDR", pool.Name)
	}
	s := &Space{pool: pool, allocs: map[int64]Allocation{}, res: map[int64]Reservation{}}
	for _, av := range slices.Concat(builtIn, avoid) {
		if av.CIDR.IsValid() && av.CIDR.Overlaps(pool.CIDR) {
			s.avoid = append(s.avoid, av)
			s.blocks = append(s.blocks, newBlock(av.CIDR.Masked(), kindAvoid, int64(len(s.avoid)-1)))
		}
	}
	for _, a := range allocations {
		if a.State != StateLive {
			continue
		}
		if err := s.fits("allocation", a.ID, a.Pool, a.CIDR); err != nil {
			return nil, err
		}
		if _, dup := s.allocs[a.ID]; dup {
			return nil, fmt.Errorf("ipam: allocation ID %d appears twice in pool %s", a.ID, pool.Name)
		}
		s.allocs[a.ID] = a
		s.blocks = append(s.blocks, newBlock(a.CIDR, kindAllocation, a.ID))
	}
	for _, r := range reservations {
		if r.State != StateLive {
			continue
		}
		if err := s.fits("reservation", r.ID, r.Pool, r.CIDR); err != nil {
			return nil, err
		}
		if _, dup := s.res[r.ID]; dup {
			return nil, fmt.Errorf("ipam: reservation ID %d appears twice in pool %s", r.ID, pool.Name)
		}
		s.res[r.ID] = r
		s.blocks = append(s.blocks, newBlock(r.CIDR, kindReservation, r.ID))
	}
	slices.SortFunc(s.blocks, blockCmp)
	return s, nil
}

func (s *Space) fits(what string, id int64, pool string, p netip.Prefix) error {
	switch {
	case id == 0:
		return fmt.Errorf("ipam: %s %s in pool %s has no ID", what, p, s.pool.Name)
	case pool != s.pool.Name:
		return fmt.Errorf("ipam: %s %d belongs to pool %q, not %q", what, id, pool, s.pool.Name)
	case !p.IsValid() || p.Masked() != p || !cidr.Contains(s.pool.CIDR, p):
		return fmt.Errorf("ipam: %s %d (%s) is not inside pool %s %s", what, id, p, s.pool.Name, s.pool.CIDR)
	}
	return nil
}

// Pool returns the pool.
func (s *Space) Pool() Pool { return s.pool }

// Allocations returns the live allocations in address order.
func (s *Space) Allocations() []Allocation {
	out := make([]Allocation, 0, len(s.allocs))
	for _, b := range s.blocks {
		if b.kind == kindAllocation {
			out = append(out, s.allocs[b.id])
		}
	}
	return out
}

// Reservations returns the live reservations in address order.
func (s *Space) Reservations() []Reservation {
	out := make([]Reservation, 0, len(s.res))
	for _, b := range s.blocks {
		if b.kind == kindReservation {
			out = append(out, s.res[b.id])
		}
	}
	return out
}

// Avoid returns the ranges to avoid that overlap the pool, built-in ones
// first.
func (s *Space) Avoid() []Avoid { return slices.Clone(s.avoid) }

// Allocation returns the live allocation with the given ID.
func (s *Space) Allocation(id int64) (Allocation, bool) {
	a, ok := s.allocs[id]
	return a, ok
}

// Reservation returns the live reservation with the given ID.
func (s *Space) Reservation(id int64) (Reservation, bool) {
	r, ok := s.res[id]
	return r, ok
}

// Clone returns an independent copy of s.
func (s *Space) Clone() *Space {
	return &Space{pool: s.pool, allocs: maps.Clone(s.allocs), res: maps.Clone(s.res),
		avoid: slices.Clone(s.avoid), blocks: slices.Clone(s.blocks), runs: slices.Clone(s.runs), runsOK: s.runsOK}
}

// Canonical returns the request in a fixed textual form that covers
// everything that decides the allocation and what is recorded with it
// (pool, bits, need or cidr, reservation, owner, cluster, purpose, tags),
// and not the idempotency key. Two requests with the same canonical form
// are the same request.
func (r *Request) Canonical() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pool=%q", r.Pool)
	switch {
	case r.CIDR.IsValid():
		fmt.Fprintf(&b, " cidr=%s", r.CIDR)
	case r.Need != nil:
		fmt.Fprintf(&b, " need=%+v", *r.Need)
	default:
		fmt.Fprintf(&b, " bits=%d", r.Bits)
	}
	if r.Reservation != 0 {
		fmt.Fprintf(&b, " reservation=%d", r.Reservation)
	}
	fmt.Fprintf(&b, " owner=%q cluster=%q purpose=%q tags={%s}", r.Owner, r.Cluster, r.Purpose, canonicalTags(r.Tags))
	return b.String()
}

// Replays reports whether req may be answered with a, an allocation
// found under req's idempotency key: nil when req is the request that
// produced a, an error wrapping ErrIdempotencyMismatch otherwise.
func (a *Allocation) Replays(req *Request) error {
	if c := req.Canonical(); c != a.Request {
		return fmt.Errorf("%w: key %q was first used for allocation %d (%s), now for %s",
			ErrIdempotencyMismatch, a.IdempotencyKey, a.ID, a.Request, c)
	}
	return nil
}

// checkHolder validates owner, cluster, purpose and tags.
func checkHolder(owner, cluster, purpose string, tags map[string]string) error {
	if err := validLabel("owner", owner, true, maxLabel); err != nil {
		return err
	}
	if err := validLabel("cluster", cluster, false, maxLabel); err != nil {
		return err
	}
	if err := validLabel("purpose", purpose, false, maxLabel); err != nil {
		return err
	}
	return ValidateTags("tags", tags)
}

// placement validates a request's shape against the space and finds its
// prefix: the claimed CIDR if it is free, or the lowest free aligned
// block. within is the reservation the request may use (0 for none).
func (s *Space) placement(pool string, bits int, need *Need, claim netip.Prefix, within int64, owner string) (netip.Prefix, shape, error) {
	if pool != s.pool.Name {
		return netip.Prefix{}, shape{}, invalid("pool", "request for pool %q given to pool %q", pool, s.pool.Name)
	}
	sh, err := resolveShape(bits, need, claim)
	if err != nil {
		return netip.Prefix{}, shape{}, err
	}
	pc := s.pool.CIDR
	width := pc.Addr().BitLen()
	if sh.need != nil && width != 32 {
		return netip.Prefix{}, shape{}, invalid("need", "AKS needs size IPv4 ranges; pool %s is %s", s.pool.Name, pc)
	}
	if claim.IsValid() {
		if claim.Addr().BitLen() != width || !cidr.Contains(pc, claim) {
			return netip.Prefix{}, shape{}, invalid("cidr", "%s is outside pool %s (%s)", claim, s.pool.Name, pc)
		}
	} else if sh.bits < pc.Bits() || sh.bits > width {
		return netip.Prefix{}, shape{}, invalid("bits", "a /%d does not fit pool %s (%s); ask for /%d to /%d",
			sh.bits, s.pool.Name, pc, pc.Bits(), width)
	}
	window := pc
	if within != 0 {
		r, ok := s.res[within]
		if !ok {
			return netip.Prefix{}, shape{}, fmt.Errorf("%w: reservation %d is not a live reservation of pool %s", ErrNotFound, within, s.pool.Name)
		}
		if r.Owner != owner {
			return netip.Prefix{}, shape{}, &ConflictError{CIDR: r.CIDR, Conflicts: []Conflict{s.resConflict(r)}}
		}
		window = r.CIDR
	}
	if claim.IsValid() {
		if within != 0 && !cidr.Contains(window, claim) {
			return netip.Prefix{}, shape{}, invalid("cidr", "%s is outside reservation %d (%s)", claim, within, window)
		}
		if cs := s.conflicts(claim, within); len(cs) > 0 {
			return netip.Prefix{}, shape{}, &ConflictError{CIDR: claim, Conflicts: cs}
		}
		return claim, sh, nil
	}
	if p, ok := s.next(window, sh.bits, within); ok {
		return p, sh, nil
	}
	u := s.usageWithin(window, within)
	what := fmt.Sprintf("a /%d", sh.bits)
	if sh.need != nil {
		what = sh.sizing.Explanation
	}
	return netip.Prefix{}, shape{}, &ExhaustedError{Pool: s.pool.Name, Within: window, Bits: sh.bits, What: what,
		Free: u.Free, Largest: u.Largest}
}

// Allocate decides where req goes and returns the allocation to store,
// with ID 0, state live and CreatedAt at. It does not change s. Errors
// wrap ErrInvalid (malformed request), ErrNotFound (no such reservation),
// ErrConflict (the claimed CIDR overlaps something) or ErrExhausted.
func (s *Space) Allocate(req Request, at time.Time) (Allocation, error) {
	if err := checkHolder(req.Owner, req.Cluster, req.Purpose, req.Tags); err != nil {
		return Allocation{}, err
	}
	if err := validLabel("idempotencyKey", req.IdempotencyKey, false, maxKey); err != nil {
		return Allocation{}, err
	}
	if req.Reservation < 0 {
		return Allocation{}, invalid("reservation", "reservation IDs are positive")
	}
	p, sh, err := s.placement(req.Pool, req.Bits, req.Need, req.CIDR, req.Reservation, req.Owner)
	if err != nil {
		return Allocation{}, err
	}
	purpose := req.Purpose
	if purpose == "" && sh.need != nil {
		purpose = string(sh.need.Kind)
	}
	return Allocation{
		Pool: s.pool.Name, CIDR: p, Owner: req.Owner, Cluster: req.Cluster, Purpose: purpose,
		Tags: maps.Clone(req.Tags), IdempotencyKey: req.IdempotencyKey, Request: req.Canonical(),
		Reservation: req.Reservation, State: StateLive, CreatedAt: at,
	}, nil
}

// Reserve decides where req goes and returns the reservation to store,
// with ID 0, state live and CreatedAt at. It does not change s.
func (s *Space) Reserve(req ReserveRequest, at time.Time) (Reservation, error) {
	if err := checkHolder(req.Owner, req.Cluster, req.Purpose, req.Tags); err != nil {
		return Reservation{}, err
	}
	if err := validText("note", req.Note); err != nil {
		return Reservation{}, err
	}
	p, sh, err := s.placement(req.Pool, req.Bits, req.Need, req.CIDR, 0, req.Owner)
	if err != nil {
		return Reservation{}, err
	}
	purpose := req.Purpose
	if purpose == "" && sh.need != nil {
		purpose = string(sh.need.Kind)
	}
	return Reservation{
		Pool: s.pool.Name, CIDR: p, Owner: req.Owner, Cluster: req.Cluster, Purpose: purpose,
		Tags: maps.Clone(req.Tags), Note: req.Note, State: StateLive, CreatedAt: at,
	}, nil
}

// Add records a stored allocation in s. It returns an error if a is not
// live, has no ID, is already present or lies outside the pool. It does
// not check overlaps: a comes from a decision of this Space or from
// storage.
func (s *Space) Add(a Allocation) error {
	return addLive(s, s.allocs, a, "allocation", kindAllocation, a.ID, a.Pool, a.CIDR, a.State)
}

// AddReservation records a stored reservation in s, like [Space.Add].
func (s *Space) AddReservation(r Reservation) error {
	return addLive(s, s.res, r, "reservation", kindReservation, r.ID, r.Pool, r.CIDR, r.State)
}

// addLive records v, a stored allocation or reservation with the given ID,
// pool, CIDR and state, in m and in s's blocks, after checking that it is
// live, inside the pool and not already present.
func addLive[T any](s *Space, m map[int64]T, v T, what string, kind blockKind, id int64, pool string, cidr netip.Prefix, state State) error {
	if state != StateLive {
		return fmt.Errorf("ipam: %s %d is %s, not live", what, id, state)
	}
	if err := s.fits(what, id, pool, cidr); err != nil {
		return err
	}
	if _, dup := m[id]; dup {
		return fmt.Errorf("ipam: %s %d is already in pool %s", what, id, s.pool.Name)
	}
	m[id] = v
	blk := newBlock(cidr, kind, id)
	s.insert(blk)
	s.addRun(blk)
	return nil
}

// Release removes the live allocation id from s and returns it marked
// released at at. The error wraps ErrNotFound when s holds no live
// allocation with that ID.
func (s *Space) Release(id int64, at time.Time) (Allocation, error) {
	a, ok := s.allocs[id]
	if !ok {
		return Allocation{}, fmt.Errorf("%w: pool %s has no live allocation %d", ErrNotFound, s.pool.Name, id)
	}
	delete(s.allocs, id)
	s.remove(newBlock(a.CIDR, kindAllocation, id))
	s.runsOK = false
	a.State, a.ReleasedAt = StateReleased, at
	return a, nil
}

// ReleaseReservation removes the live reservation id from s and returns
// it marked released at at. Allocations taken from it stay.
func (s *Space) ReleaseReservation(id int64, at time.Time) (Reservation, error) {
	r, ok := s.res[id]
	if !ok {
		return Reservation{}, fmt.Errorf("%w: pool %s has no live reservation %d", ErrNotFound, s.pool.Name, id)
	}
	delete(s.res, id)
	s.remove(newBlock(r.CIDR, kindReservation, id))
	s.runsOK = false
	r.State, r.ReleasedAt = StateReleased, at
	return r, nil
}

func (s *Space) insert(b block) {
	i, _ := slices.BinarySearchFunc(s.blocks, b, blockCmp)
	s.blocks = slices.Insert(s.blocks, i, b)
}

func (s *Space) remove(b block) {
	if i, ok := slices.BinarySearchFunc(s.blocks, b, blockCmp); ok {
		s.blocks = slices.Delete(s.blocks, i, i+1)
	}
}

// next returns the lowest aligned prefix of length bits inside window
// that no block overlaps, treating reservation allow (if not 0) as free.
// Without a reservation to allow, it walks the merged runs, so packed
// allocations cost one step, not one per allocation.
func (s *Space) next(window netip.Prefix, bits int, allow int64) (netip.Prefix, bool) {
	wLast := cidr.LastAddr(window)
	cur := window.Addr()
	try := func(gapLast netip.Addr) (netip.Prefix, bool) {
		c, ok := alignUp(cur, bits)
		if !ok || gapLast.Less(c) {
			return netip.Prefix{}, false
		}
		p := netip.PrefixFrom(c, bits)
		if gapLast.Less(cidr.LastAddr(p)) {
			return netip.Prefix{}, false
		}
		return p, true
	}
	// step moves past one blocked range; done reports the answer.
	step := func(first, last netip.Addr) (p netip.Prefix, ok, done bool) {
		if last.Less(cur) {
			return netip.Prefix{}, false, false
		}
		if wLast.Less(first) {
			p, ok = try(wLast)
			return p, ok, true
		}
		if cur.Less(first) {
			if p, ok := try(first.Prev()); ok {
				return p, true, true
			}
		}
		if !last.Less(wLast) {
			return netip.Prefix{}, false, true
		}
		cur = last.Next()
		return netip.Prefix{}, false, false
	}
	if allow == 0 {
		s.ensureRuns()
		for _, r := range s.runs {
			if p, ok, done := step(r.first, r.last); done {
				return p, ok
			}
		}
		return try(wLast)
	}
	for _, b := range s.blocks {
		if b.kind == kindReservation && b.id == allow {
			continue
		}
		if p, ok, done := step(b.first, b.last); done {
			return p, ok
		}
	}
	return try(wLast)
}

// alignUp returns the lowest address at or after a that starts an
// aligned block of length bits, and false if there is none.
func alignUp(a netip.Addr, bits int) (netip.Addr, bool) {
	p := netip.PrefixFrom(a, bits).Masked()
	if p.Addr() == a {
		return a, true
	}
	n := cidr.LastAddr(p).Next()
	return n, n.IsValid()
}

// conflicts lists what in the pool p overlaps, leaving out reservation
// allow; in the order of Check.
func (s *Space) conflicts(p netip.Prefix, allow int64) []Conflict {
	var out []Conflict
	for _, b := range s.blocks {
		if !b.prefix.Overlaps(p) || b.kind == kindReservation && b.id == allow {
			continue
		}
		out = append(out, s.conflict(b))
	}
	sortConflicts(out)
	return out
}

func (s *Space) conflict(b block) Conflict {
	switch b.kind {
	case kindAvoid:
		av := s.avoid[b.id]
		return Conflict{Kind: ConflictAvoid, CIDR: av.CIDR, Name: av.Name, Reason: av.Reason}
	case kindReservation:
		return s.resConflict(s.res[b.id])
	}
	a := s.allocs[b.id]
	return Conflict{Kind: ConflictAllocation, CIDR: a.CIDR, Pool: a.Pool, ID: a.ID, Owner: a.Owner, Cluster: a.Cluster}
}

func (s *Space) resConflict(r Reservation) Conflict {
	return Conflict{Kind: ConflictReservation, CIDR: r.CIDR, Pool: r.Pool, ID: r.ID, Owner: r.Owner, Cluster: r.Cluster}
}

// Conflicts lists everything in the pool that p overlaps: ranges to
// avoid, live reservations and live allocations, in the order of [Check].
func (s *Space) Conflicts(p netip.Prefix) []Conflict { return s.conflicts(p.Masked(), 0) }

var kindRank = map[ConflictKind]int{ConflictAvoid: 0, ConflictPool: 1, ConflictReservation: 2, ConflictAllocation: 3}

// sortConflicts orders conflicts by kind (avoid, pool, reservation,
// allocation), then address, prefix length, ID and name.
func sortConflicts(cs []Conflict) {
	slices.SortFunc(cs, func(a, b Conflict) int {
		if c := cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]); c != 0 {
			return c
		}
		if c := a.CIDR.Addr().Compare(b.CIDR.Addr()); c != 0 {
			return c
		}
		if c := cmp.Compare(a.CIDR.Bits(), b.CIDR.Bits()); c != 0 {
			return c
		}
		if c := cmp.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}
