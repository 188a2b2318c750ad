package plan

import (
	"encoding/binary"
	"math"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
)

// This file is the planner's address allocator. Every pool prefix is a
// segment holding its free space as a sorted list of disjoint inclusive
// intervals. A request for a /b block takes the lowest aligned block of that
// size that is wholly free, as cidr.FirstFree would, but without re-sorting
// every used range on every call:
//
//   - taking a range (an allocation, an avoided range, a kept allocation)
//     trims or splits the intervals it touches, found by binary search;
//   - free space only ever shrinks during a plan, so the lowest address at
//     which a /b block was last found stays a valid starting point for the
//     next /b search (nothing below it can hold a /b any more). Each segment
//     keeps that hint per prefix length, which makes the usual search start
//     right at the first interval that can still hold the block.
//
// Pools may overlap each other (a services pool may be the pods pool); a
// range taken from one pool is taken from every segment it touches, so no
// two allocations ever share an address whichever pool they came from.

// u128 is an unsigned 128-bit number: an IPv6 address, or an IPv4 address
// in the low 32 bits.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a u128) and(b u128) u128 { return u128{a.hi & b.hi, a.lo & b.lo} }
func (a u128) or(b u128) u128  { return u128{a.hi | b.hi, a.lo | b.lo} }
func (a u128) not() u128       { return u128{^a.hi, ^a.lo} }

// inc returns a+1 and whether it overflowed.
func (a u128) inc() (u128, bool) {
	lo, c := bits.Add64(a.lo, 1, 0)
	hi, c2 := bits.Add64(a.hi, 0, c)
	return u128{hi, lo}, c2 != 0
}

// dec returns a-1; a must not be zero.
func (a u128) dec() u128 {
	lo, b := bits.Sub64(a.lo, 1, 0)
	return u128{a.hi - b, lo}
}

// span returns last-first+1 saturated to uint64.
func span(first, last u128) uint64 {
	lo, b := bits.Sub64(last.lo, first.lo, 0)
	hi := last.hi - first.hi - b
	if hi != 0 || lo == math.MaxUint64 {
		return math.MaxUint64
	}
	return lo + 1
}

// lowOnes returns a number whose n lowest bits are set (0 ≤ n ≤ 128).
func lowOnes(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n >= 128:
		return u128{math.MaxUint64, math.MaxUint64}
	case n >= 64:
		return u128{1<<uint(n-64) - 1, math.MaxUint64}
	}
	return u128{0, 1<<uint(n) - 1}
}

// addrU converts an address to a u128.
func addrU(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// uAddr converts a u128 back to an address of the family v6 selects.
func uAddr(u u128, v6 bool) netip.Addr {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(u.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

// ival is an inclusive interval of addresses.
type ival struct{ first, last u128 }

// bounds returns the interval a prefix covers.
func bounds(p netip.Prefix) ival {
	p = p.Masked()
	host := p.Addr().BitLen() - p.Bits()
	f := addrU(p.Addr())
	return ival{f, f.or(lowOnes(host))}
}

func (v ival) overlaps(w ival) bool { return !v.last.less(w.first) && !w.last.less(v.first) }

// segment is the free space of one pool prefix.
type segment struct {
	prefix netip.Prefix
	v6     bool
	width  int
	free   []ival
	// hint[b] is the lowest address at which a free /b block may still
	// start; full[b] says no /b block is left at all.
	hint [129]u128
	full [129]bool
}

func newSegment(p netip.Prefix) *segment {
	p = p.Masked()
	s := &segment{prefix: p, v6: p.Addr().Is6(), width: p.Addr().BitLen()}
	b := bounds(p)
	s.free = []ival{b}
	for i := range s.hint {
		s.hint[i] = b.first
	}
	return s
}

// find returns the lowest free aligned block of prefix length bits, without
// taking it.
func (s *segment) find(bits int) (netip.Prefix, bool) {
	if bits < s.prefix.Bits() || bits > s.width || s.full[bits] {
		return netip.Prefix{}, false
	}
	host := s.width - bits
	mask := lowOnes(host)
	start := s.hint[bits]
	i := sort.Search(len(s.free), func(i int) bool { return !s.free[i].last.less(start) })
	for ; i < len(s.free); i++ {
		iv := s.free[i]
		lo := iv.first
		if lo.less(start) {
			lo = start
		}
		a := lo
		if !a.and(mask).isZero() {
			var over bool
			a, over = a.or(mask).inc()
			if over {
				break
			}
		}
		if iv.last.less(a.or(mask)) {
			continue
		}
		s.hint[bits] = a
		return netip.PrefixFrom(uAddr(a, s.v6), bits), true
	}
	s.full[bits] = true
	return netip.Prefix{}, false
}

func (a u128) isZero() bool { return a.hi == 0 && a.lo == 0 }

// take removes the interval t from the free space.
func (s *segment) take(t ival) {
	i := sort.Search(len(s.free), func(i int) bool { return !s.free[i].last.less(t.first) })
	j := i
	for j < len(s.free) && !t.last.less(s.free[j].first) {
		j++
	}
	if i == j {
		return
	}
	var repl [2]ival
	n := 0
	if l := s.free[i]; l.first.less(t.first) {
		repl[n] = ival{l.first, t.first.dec()}
		n++
	}
	if r := s.free[j-1]; t.last.less(r.last) {
		nf, _ := t.last.inc()
		repl[n] = ival{nf, r.last}
		n++
	}
	s.free = slices.Replace(s.free, i, j, repl[:n]...)
}

// stats returns the free address count (saturating) and the largest free
// aligned block.
func (s *segment) stats() (uint64, netip.Prefix) {
	var total uint64
	var best netip.Prefix
	for _, iv := range s.free {
		n := span(iv.first, iv.last)
		if total+n < total {
			total = math.MaxUint64
		} else {
			total += n
		}
		if p := largestBlock(iv, s.width, s.v6); !best.IsValid() || p.Bits() < best.Bits() {
			best = p
		}
	}
	return total, best
}

// largestBlock returns the largest aligned block inside iv (the lowest one
// when several are as large).
func largestBlock(iv ival, width int, v6 bool) netip.Prefix {
	var best netip.Prefix
	first := iv.first
	for {
		host := min(trailingZeros(first), width)
		for host > 0 && iv.last.less(first.or(lowOnes(host))) {
			host--
		}
		if !best.IsValid() || width-host < best.Bits() {
			best = netip.PrefixFrom(uAddr(first, v6), width-host)
		}
		end := first.or(lowOnes(host))
		if end == iv.last {
			return best
		}
		first, _ = end.inc()
	}
}

func trailingZeros(a u128) int {
	if a.lo != 0 {
		return bits.TrailingZeros64(a.lo)
	}
	if a.hi != 0 {
		return 64 + bits.TrailingZeros64(a.hi)
	}
	return 128
}

// Pool names, as used in Allocation.Pool and SpaceError.Pool.
const (
	poolVNets     = "vnets"
	poolPods      = "pods"
	poolServices  = "services"
	poolVNets6    = "vnetsIPv6"
	poolPods6     = "podsIPv6"
	poolServices6 = "servicesIPv6"
)

// pool is a named list of segments, searched in the order the prefixes were
// listed.
type pool struct {
	name     string
	prefixes []netip.Prefix
	segs     []*segment
}

// allocOp is one allocator call, recorded for the benchmark that replays
// the same sequence through a naive allocator.
type allocOp struct {
	// Use is true when a range was marked used rather than searched for.
	Use      bool
	Prefixes []netip.Prefix
	Bits     int
	Got      netip.Prefix
}

// allocator hands out non-overlapping blocks from named pools.
type allocator struct {
	pools map[string]*pool
	all   []*segment
	trace *[]allocOp
}

func newAllocator() *allocator { return &allocator{pools: map[string]*pool{}} }

// addPool registers a pool. Prefixes of the other family than the pool's
// are expected to have been rejected by Validate.
func (a *allocator) addPool(name string, prefixes []netip.Prefix) {
	p := &pool{name: name, prefixes: prefixes}
	for _, pr := range prefixes {
		if !pr.IsValid() {
			continue
		}
		s := newSegment(pr)
		p.segs = append(p.segs, s)
		a.all = append(a.all, s)
	}
	a.pools[name] = p
}

// use marks p as taken in every pool it touches.
func (a *allocator) use(p netip.Prefix) {
	if !p.IsValid() {
		return
	}
	if a.trace != nil {
		*a.trace = append(*a.trace, allocOp{Use: true, Got: p.Masked()})
	}
	t := bounds(p)
	v6 := p.Addr().Is6()
	for _, s := range a.all {
		if s.v6 == v6 && bounds(s.prefix).overlaps(t) {
			s.take(t)
		}
	}
}

// alloc takes the lowest free /bits block of the named pool. It returns a
// *SpaceError naming what the block was for when none is free.
func (a *allocator) alloc(name string, bits int, what string) (netip.Prefix, error) {
	p := a.pools[name]
	if p == nil || len(p.segs) == 0 {
		return netip.Prefix{}, a.spaceError(name, bits, what)
	}
	for _, s := range p.segs {
		got, ok := s.find(bits)
		if !ok {
			continue
		}
		if a.trace != nil {
			*a.trace = append(*a.trace, allocOp{Prefixes: p.prefixes, Bits: bits, Got: got})
		}
		t := bounds(got)
		for _, o := range a.all {
			if o.v6 == s.v6 && bounds(o.prefix).overlaps(t) {
				o.take(t)
			}
		}
		return got, nil
	}
	return netip.Prefix{}, a.spaceError(name, bits, what)
}

// spaceError describes a failed request.
func (a *allocator) spaceError(name string, bits int, what string) *SpaceError {
	e := &SpaceError{Pool: name, For: what, Bits: bits}
	p := a.pools[name]
	width := 32
	if p != nil {
		e.Prefixes = p.prefixes
		for _, s := range p.segs {
			width = s.width
			n, big := s.stats()
			if e.FreeAddresses+n < e.FreeAddresses {
				e.FreeAddresses = math.MaxUint64
			} else {
				e.FreeAddresses += n
			}
			if big.IsValid() && (!e.Largest.IsValid() || big.Bits() < e.Largest.Bits()) {
				e.Largest = big
			}
		}
	}
	if host := width - bits; host >= 64 {
		e.Addresses = math.MaxUint64
	} else if host >= 0 {
		e.Addresses = 1 << uint(host)
	}
	return e
}

// local is a private allocator over one prefix (a VNet's address space or
// a kept reservation), used to place subnets inside a VNet.
type local struct{ seg *segment }

func newLocal(p netip.Prefix) *local { return &local{seg: newSegment(p)} }

// take marks q used inside the local space.
func (l *local) take(q netip.Prefix) { l.seg.take(bounds(q)) }

// alloc takes the lowest free /bits block.
func (l *local) alloc(bits int) (netip.Prefix, bool) {
	p, ok := l.seg.find(bits)
	if ok {
		l.seg.take(bounds(p))
	}
	return p, ok
}
