package ipam

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// The model: a pool of at most 256 addresses as an array of cells, each
// saying what holds the address. It decides by enumerating every aligned
// candidate and every address, which is slow and obviously right.

type cellKind uint8

const (
	cellFree cellKind = iota
	cellAvoid
	cellReservation
	cellAllocation
)

// cell is what holds one address. Allocations may sit inside a
// reservation, so a cell records both.
type cell struct {
	avoid bool
	res   int64 // live reservation ID or 0
	alloc int64 // live allocation ID or 0
}

type modelRes struct {
	owner  string
	prefix netip.Prefix
}

type model struct {
	pool   netip.Prefix
	size   int
	cells  []cell
	allocs map[int64]netip.Prefix
	res    map[int64]modelRes
	avoids []netip.Prefix
}

func newModel(pool netip.Prefix, avoid []netip.Prefix) *model {
	m := &model{pool: pool, size: 1 << (pool.Addr().BitLen() - pool.Bits()), allocs: map[int64]netip.Prefix{}, res: map[int64]modelRes{}}
	m.cells = make([]cell, m.size)
	for _, b := range builtIn {
		avoid = append(avoid, b.CIDR)
	}
	m.avoids = avoid
	for i := range m.cells {
		for _, a := range avoid {
			if a.Contains(m.addr(i)) {
				m.cells[i].avoid = true
			}
		}
	}
	return m
}

// addr returns the address at offset i of the pool (i < 256).
func (m *model) addr(i int) netip.Addr {
	a := m.pool.Addr()
	for range i {
		a = a.Next()
	}
	return a
}

// offset returns the offset of a in the pool, or -1.
func (m *model) offset(a netip.Addr) int {
	for i := range m.size {
		if m.addr(i) == a {
			return i
		}
	}
	return -1
}

// blocked reports whether the address at i is unusable for a request that
// may use reservation allow.
func (m *model) blocked(i int, allow int64) bool {
	c := m.cells[i]
	return c.avoid || c.alloc != 0 || c.res != 0 && c.res != allow
}

// candidates lists every aligned prefix of length bits inside window, in
// address order, as [first, last] offsets.
func (m *model) candidates(window netip.Prefix, bits int) [][2]int {
	wf := m.offset(window.Addr())
	wn := 1 << (m.pool.Addr().BitLen() - window.Bits())
	step := 1 << (m.pool.Addr().BitLen() - bits)
	var out [][2]int
	for s := wf; s+step <= wf+wn; s += step {
		out = append(out, [2]int{s, s + step - 1})
	}
	return out
}

func (m *model) next(window netip.Prefix, bits int, allow int64) (netip.Prefix, bool) {
	for _, c := range m.candidates(window, bits) {
		free := true
		for i := c[0]; i <= c[1]; i++ {
			if m.blocked(i, allow) {
				free = false
				break
			}
		}
		if free {
			return netip.PrefixFrom(m.addr(c[0]), bits), true
		}
	}
	return netip.Prefix{}, false
}

// conflicts names what p overlaps, leaving out reservation allow, as
// "kind:id" (allocations, reservations) or "avoid:cidr" strings, sorted.
func (m *model) conflicts(p netip.Prefix, allow int64) []string {
	seen := map[string]bool{}
	for i := range m.size {
		if !p.Contains(m.addr(i)) {
			continue
		}
		c := m.cells[i]
		if c.alloc != 0 {
			seen[fmt.Sprintf("allocation:%d", c.alloc)] = true
		}
		if c.res != 0 && c.res != allow {
			seen[fmt.Sprintf("reservation:%d", c.res)] = true
		}
		if c.avoid {
			for _, a := range m.avoids {
				if a.Contains(m.addr(i)) {
					seen["avoid:"+a.String()] = true
				}
			}
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func conflictKeys(cs []Conflict) []string {
	var out []string
	for _, c := range cs {
		if c.Kind == ConflictAvoid {
			out = append(out, "avoid:"+c.CIDR.String())
		} else {
			out = append(out, fmt.Sprintf("%s:%d", c.Kind, c.ID))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (m *model) mark(p netip.Prefix, set func(*cell)) {
	for i := range m.size {
		if p.Contains(m.addr(i)) {
			set(&m.cells[i])
		}
	}
}

// outcome is what a request leads to: a prefix, or an error class.
type outcome struct {
	prefix    netip.Prefix
	class     error
	conflicts []string
}

func (o outcome) String() string {
	if o.class == nil {
		return o.prefix.String()
	}
	return fmt.Sprintf("%v %v", o.class, o.conflicts)
}

var classes = []error{ErrInvalid, ErrNotFound, ErrConflict, ErrExhausted}

func outcomeOf(p netip.Prefix, err error) outcome {
	if err == nil {
		return outcome{prefix: p}
	}
	o := outcome{class: err}
	for _, c := range classes {
		if errors.Is(err, c) {
			o.class = c
		}
	}
	var ce *ConflictError
	if errors.As(err, &ce) {
		o.conflicts = conflictKeys(ce.Conflicts)
	}
	return o
}

func sameOutcome(a, b outcome) bool {
	return a.prefix == b.prefix && a.class == b.class && slices.Equal(a.conflicts, b.conflicts)
}

// place is the model's answer to an allocation or reservation request.
func (m *model) place(bits int, claim netip.Prefix, within int64, owner string) outcome {
	width := m.pool.Addr().BitLen()
	if claim.IsValid() {
		if claim.Addr().BitLen() != width || !m.pool.Contains(claim.Addr()) || claim.Bits() < m.pool.Bits() {
			return outcome{class: ErrInvalid}
		}
	} else if bits < m.pool.Bits() || bits > width {
		return outcome{class: ErrInvalid}
	}
	window := m.pool
	if within != 0 {
		r, ok := m.res[within]
		if !ok {
			return outcome{class: ErrNotFound}
		}
		if r.owner != owner {
			return outcome{class: ErrConflict, conflicts: []string{fmt.Sprintf("reservation:%d", within)}}
		}
		window = r.prefix
	}
	if claim.IsValid() {
		if within != 0 && !(window.Contains(claim.Addr()) && claim.Bits() >= window.Bits()) {
			return outcome{class: ErrInvalid}
		}
		if cs := m.conflicts(claim, within); len(cs) > 0 {
			return outcome{class: ErrConflict, conflicts: cs}
		}
		return outcome{prefix: claim}
	}
	if p, ok := m.next(window, bits, within); ok {
		return outcome{prefix: p}
	}
	return outcome{class: ErrExhausted}
}

// usage counts the model's cells.
func (m *model) usage() (allocated, reserved, avoided, free uint64, largest netip.Prefix) {
	for _, c := range m.cells {
		switch {
		case c.alloc != 0:
			allocated++
		case c.res != 0:
			reserved++
		case c.avoid:
			avoided++
		default:
			free++
		}
	}
	width := m.pool.Addr().BitLen()
	for bits := m.pool.Bits(); bits <= width && !largest.IsValid(); bits++ {
		if p, ok := m.next(m.pool, bits, -1); ok {
			// next treats reservations as blocking unless allowed; -1
			// allows none, so p is wholly free.
			largest = p
		}
	}
	return
}

var modelPools = []string{"10.20.30.0/24", "10.0.0.64/26", "fd00:aa::/120", "168.63.129.0/26", "192.0.2.0/25",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120", "255.255.255.192/26"}

// TestSpaceMatchesModel runs random operation sequences on a Space and on
// the model and compares every outcome, and the usage after every step.
func TestSpaceMatchesModel(t *testing.T) {
	sequences, steps := 300, 60
	if testing.Short() {
		sequences = 60
	}
	rnd := rand.New(rand.NewPCG(2026, 7))
	for seq := range sequences {
		pool := Pool{Name: "p", CIDR: netip.MustParsePrefix(modelPools[seq%len(modelPools)]), Purpose: PurposeOther}
		runSequence(t, rnd, seq, pool, steps)
	}
}

func runSequence(t *testing.T, rnd *rand.Rand, seq int, pool Pool, steps int) {
	t.Helper()
	width := pool.CIDR.Addr().BitLen()
	var avoid []netip.Prefix
	var registered []Avoid
	m := newModel(pool.CIDR, nil)
	s, err := NewSpace(pool, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("sequence %d (pool %s), step %d: %s\n%s", seq, pool.CIDR, len(log), fmt.Sprintf(format, args...),
			strings.Join(log, "\n"))
	}
	randPrefix := func(minBits int) netip.Prefix {
		bits := minBits + rnd.IntN(width-minBits+1)
		off := rnd.IntN(m.size)
		return netip.PrefixFrom(m.addr(off), bits).Masked()
	}
	nextID := int64(1)
	owners := []string{"a", "b"}
	for range steps {
		owner := owners[rnd.IntN(2)]
		var within int64
		if len(m.res) > 0 && rnd.IntN(3) == 0 {
			ids := keys(m.res)
			within = ids[rnd.IntN(len(ids))]
			if rnd.IntN(10) == 0 {
				within = 999
			}
		}
		switch op := rnd.IntN(12); {
		case op < 5: // allocate by size
			bits := pool.CIDR.Bits() + rnd.IntN(width-pool.CIDR.Bits()+1)
			if rnd.IntN(15) == 0 {
				bits = pool.CIDR.Bits() - 1
			}
			want := m.place(bits, netip.Prefix{}, within, owner)
			a, err := s.Allocate(Request{Pool: "p", Bits: bits, Owner: owner, Reservation: within}, time.Time{})
			got := outcomeOf(a.CIDR, err)
			log = append(log, fmt.Sprintf("allocate /%d owner %s in %d: %s", bits, owner, within, got))
			if !sameOutcome(got, want) {
				fail("Space gave %s, model %s", got, want)
			}
			if err == nil {
				a.ID, nextID = nextID, nextID+1
				if err := s.Add(a); err != nil {
					fail("Add: %v", err)
				}
				m.allocs[a.ID] = a.CIDR
				m.mark(a.CIDR, func(c *cell) { c.alloc = a.ID })
			}
		case op < 7: // claim, sometimes outside the pool
			p := randPrefix(pool.CIDR.Bits())
			if rnd.IntN(10) == 0 {
				p = randPrefix(pool.CIDR.Bits() - 2)
			}
			if rnd.IntN(12) == 0 {
				p = netip.MustParsePrefix("10.99.0.0/28")
			}
			want := m.place(0, p, within, owner)
			a, err := s.Allocate(Request{Pool: "p", CIDR: p, Owner: owner, Reservation: within}, time.Time{})
			got := outcomeOf(a.CIDR, err)
			log = append(log, fmt.Sprintf("claim %s owner %s in %d: %s", p, owner, within, got))
			if !sameOutcome(got, want) {
				fail("Space gave %s, model %s", got, want)
			}
			if err == nil {
				a.ID, nextID = nextID, nextID+1
				s.Add(a)
				m.allocs[a.ID] = a.CIDR
				m.mark(a.CIDR, func(c *cell) { c.alloc = a.ID })
			}
		case op < 8: // reserve
			bits := pool.CIDR.Bits() + 1 + rnd.IntN(width-pool.CIDR.Bits())
			var claim netip.Prefix
			if rnd.IntN(3) == 0 {
				claim, bits = randPrefix(pool.CIDR.Bits()), 0
			}
			want := m.place(bits, claim, 0, owner)
			r, err := s.Reserve(ReserveRequest{Pool: "p", Bits: bits, CIDR: claim, Owner: owner}, time.Time{})
			got := outcomeOf(r.CIDR, err)
			log = append(log, fmt.Sprintf("reserve /%d %s owner %s: %s", bits, claim, owner, got))
			if !sameOutcome(got, want) {
				fail("Space gave %s, model %s", got, want)
			}
			if err == nil {
				r.ID, nextID = nextID, nextID+1
				s.AddReservation(r)
				m.res[r.ID] = modelRes{owner: owner, prefix: r.CIDR}
				m.mark(r.CIDR, func(c *cell) { c.res = r.ID })
			}
		case op < 10: // release an allocation (or a missing ID)
			id := int64(12345)
			if ids := keys(m.allocs); len(ids) > 0 && rnd.IntN(6) > 0 {
				id = ids[rnd.IntN(len(ids))]
			}
			_, err := s.Release(id, time.Time{})
			_, known := m.allocs[id]
			log = append(log, fmt.Sprintf("release %d: %v", id, err))
			if known != (err == nil) || !known && !errors.Is(err, ErrNotFound) {
				fail("release %d (known %v): %v", id, known, err)
			}
			if known {
				m.mark(m.allocs[id], func(c *cell) { c.alloc = 0 })
				delete(m.allocs, id)
			}
		case op < 11: // release a reservation
			ids := keys(m.res)
			if len(ids) == 0 {
				continue
			}
			id := ids[rnd.IntN(len(ids))]
			if _, err := s.ReleaseReservation(id, time.Time{}); err != nil {
				fail("release reservation %d: %v", id, err)
			}
			log = append(log, fmt.Sprintf("unreserve %d", id))
			m.mark(m.res[id].prefix, func(c *cell) { c.res = 0 })
			delete(m.res, id)
		default: // register a range to avoid; rebuild both sides
			p := randPrefix(pool.CIDR.Bits() + 1)
			avoid = append(avoid, p)
			registered = append(registered, Avoid{CIDR: p, Name: "x"})
			log = append(log, "avoid "+p.String())
			old := m
			m = newModel(pool.CIDR, slices.Clone(avoid))
			m.allocs, m.res = old.allocs, old.res
			for id, a := range m.allocs {
				m.mark(a, func(c *cell) { c.alloc = id })
			}
			for id, r := range m.res {
				m.mark(r.prefix, func(c *cell) { c.res = id })
			}
			var err error
			if s, err = NewSpace(pool, s.Allocations(), s.Reservations(), registered); err != nil {
				fail("NewSpace: %v", err)
			}
		}
		u := s.Usage()
		al, re, av, fr, lg := m.usage()
		if u.Allocated != al || u.Reserved != re || u.Avoided != av || u.Free != fr || u.Largest != lg ||
			u.Size != uint64(m.size) || u.Allocations != len(m.allocs) || u.Reservations != len(m.res) {
			fail("Usage %+v; model allocated %d reserved %d avoided %d free %d largest %s", u, al, re, av, fr, lg)
		}
	}
}

func keys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestCheckMatchesModel compares Check with a scan of every entry on
// random registries.
func TestCheckMatchesModel(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var snap Snapshot
		rp := func() netip.Prefix {
			bits := 20 + rnd.IntN(13)
			a := netip.AddrFrom4([4]byte{10, byte(rnd.IntN(4)), byte(rnd.IntN(256)), byte(rnd.IntN(256))})
			return netip.PrefixFrom(a, bits).Masked()
		}
		for i := range 6 {
			snap.Pools = append(snap.Pools, Pool{Name: fmt.Sprint("p", i), CIDR: rp()})
			snap.Allocations = append(snap.Allocations, Allocation{ID: int64(i + 1), CIDR: rp(), State: StateLive})
			snap.Allocations = append(snap.Allocations, Allocation{ID: int64(i + 100), CIDR: rp(), State: StateReleased})
			snap.Reservations = append(snap.Reservations, Reservation{ID: int64(i + 1), CIDR: rp(), State: StateLive})
			snap.Avoid = append(snap.Avoid, Avoid{CIDR: rp(), Name: fmt.Sprint("a", i)})
		}
		q := rp()
		got, err := Check(snap, q)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		overlap := func(p netip.Prefix) bool { return p.Contains(q.Addr()) || q.Contains(p.Addr()) }
		for _, a := range snap.Avoid {
			if overlap(a.CIDR) {
				want = append(want, "avoid:"+a.CIDR.String())
			}
		}
		for _, p := range snap.Pools {
			if overlap(p.CIDR) {
				want = append(want, "pool:"+p.Name)
			}
		}
		for _, r := range snap.Reservations {
			if overlap(r.CIDR) {
				want = append(want, fmt.Sprintf("reservation:%d", r.ID))
			}
		}
		for _, a := range snap.Allocations {
			if a.State == StateLive && overlap(a.CIDR) {
				want = append(want, fmt.Sprintf("allocation:%d", a.ID))
			}
		}
		var gotKeys []string
		for _, c := range got {
			switch c.Kind {
			case ConflictAvoid:
				gotKeys = append(gotKeys, "avoid:"+c.CIDR.String())
			case ConflictPool:
				gotKeys = append(gotKeys, "pool:"+c.Pool)
			default:
				gotKeys = append(gotKeys, fmt.Sprintf("%s:%d", c.Kind, c.ID))
			}
		}
		slices.Sort(want)
		if sorted := slices.Sorted(slices.Values(gotKeys)); !slices.Equal(sorted, want) {
			t.Fatalf("Check(%s) = %v, want %v", q, gotKeys, want)
		}
		for i := 1; i < len(got); i++ {
			if kindRank[got[i-1].Kind] > kindRank[got[i].Kind] {
				t.Fatalf("Check(%s) not in kind order: %v", q, got)
			}
		}
	}
}
