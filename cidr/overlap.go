package cidr

import (
	"cmp"
	"math"
	"net/netip"
	"slices"
)

// ForEachOverlap calls fn(i, j) once for every pair of indices i < j such
// that ps[i] and ps[j] overlap, that is, share at least one address. Two
// prefixes overlap exactly when one contains the other, so equal prefixes
// overlap. An IPv4 prefix never overlaps an IPv6 prefix (IPv4-mapped IPv6
// prefixes count as IPv6). Invalid prefixes, including the zero Prefix,
// are skipped; prefixes with host bits set are masked first.
//
// The order of the calls is unspecified; use [OverlapPairs] for a sorted
// result. ForEachOverlap runs in O(n log n + k) time for n prefixes and k
// overlapping pairs and allocates O(n) memory once: it sorts the prefixes
// by start address and length and sweeps them with a stack of the
// prefixes that are still open. It reads ps only before the first call to
// fn. ForEachOverlap panics if ps has 2^31 elements or more.
func ForEachOverlap(ps []netip.Prefix, fn func(i, j int)) {
	if len(ps) > math.MaxInt32 {
		panic("cidr: ForEachOverlap: too many prefixes")
	}
	n4, n6 := 0, 0
	for _, p := range ps {
		if p.IsValid() {
			if p.Addr().Is4() {
				n4++
			} else {
				n6++
			}
		}
	}
	v4 := make([]entry4, 0, n4)
	v6 := make([]entry6, 0, n6)
	for i, p := range ps {
		if !p.IsValid() {
			continue
		}
		a := p.Addr()
		if a.Is4() {
			b := a.As4()
			x := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			x &^= uint32(uint64(1)<<uint(32-p.Bits()) - 1)
			v4 = append(v4, entry4{key: uint64(x)<<8 | uint64(p.Bits()), idx: int32(i)})
			continue
		}
		s := spanOf(p)
		v6 = append(v6, entry6{hi: s.first.hi, lo: s.first.lo, bits: uint8(p.Bits()), idx: int32(i)})
	}
	sweep4(v4, fn)
	sweep6(v6, fn)
}

// entry4 is an IPv4 prefix in sweep order: key is the masked start address
// shifted left by 8, plus the length, so that keys sort by (start, length).
type entry4 struct {
	key uint64
	idx int32
}

// entry6 is an IPv6 prefix in sweep order.
type entry6 struct {
	hi, lo uint64 // masked start address
	bits   uint8
	idx    int32
}

func sweep4(es []entry4, fn func(i, j int)) {
	if len(es) == 0 {
		return
	}
	slices.SortFunc(es, func(a, b entry4) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.idx, b.idx)
	})
	type open struct {
		last uint32
		idx  int32
	}
	stack := make([]open, 0, 33)
	for _, e := range es {
		start := uint32(e.key >> 8)
		// Sorted order makes the open prefixes a nested chain starting no
		// later than e: an entry contains e exactly when it ends at or
		// after e's start. Once one does, all below it do too.
		for len(stack) > 0 && stack[len(stack)-1].last < start {
			stack = stack[:len(stack)-1]
		}
		j := int(e.idx)
		for _, o := range stack {
			emit(fn, int(o.idx), j)
		}
		host := uint32(uint64(1)<<uint(32-e.key&0xff) - 1)
		stack = append(stack, open{last: start | host, idx: e.idx})
	}
}

func sweep6(es []entry6, fn func(i, j int)) {
	if len(es) == 0 {
		return
	}
	slices.SortFunc(es, func(a, b entry6) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		if a.lo != b.lo {
			return cmp.Compare(a.lo, b.lo)
		}
		if a.bits != b.bits {
			return cmp.Compare(a.bits, b.bits)
		}
		return cmp.Compare(a.idx, b.idx)
	})
	type open struct {
		last u128
		idx  int32
	}
	stack := make([]open, 0, 129)
	for _, e := range es {
		start := u128{e.hi, e.lo}
		for len(stack) > 0 && stack[len(stack)-1].last.less(start) {
			stack = stack[:len(stack)-1]
		}
		j := int(e.idx)
		for _, o := range stack {
			emit(fn, int(o.idx), j)
		}
		stack = append(stack, open{last: start.or(lowOnes(128 - int(e.bits))), idx: e.idx})
	}
}

func emit(fn func(i, j int), a, b int) {
	if a < b {
		fn(a, b)
	} else {
		fn(b, a)
	}
}

// OverlapPairs returns every pair of indices {i, j} with i < j such that
// ps[i] and ps[j] overlap, sorted by i and then j. It follows the rules of
// [ForEachOverlap]: invalid prefixes are skipped, host bits are masked
// off, equal prefixes overlap and IPv4 never overlaps IPv6. It returns nil
// if there are no overlaps.
func OverlapPairs(ps []netip.Prefix) [][2]int {
	var pairs [][2]int
	ForEachOverlap(ps, func(i, j int) {
		pairs = append(pairs, [2]int{i, j})
	})
	slices.SortFunc(pairs, func(a, b [2]int) int {
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		return cmp.Compare(a[1], b[1])
	})
	return pairs
}
