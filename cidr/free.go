package cidr

import (
	"net/netip"
	"slices"
)

// Free returns the unused space inside parent as maximal aligned prefixes
// in address order: every address of parent that no used prefix covers is
// in exactly one returned prefix, and no returned prefix can be widened by
// one bit without leaving parent or touching a used prefix.
//
// Used prefixes may overlap each other, lie partly or wholly outside
// parent, or contain parent (then nothing is free). Host bits are masked
// off parent and the used prefixes; invalid used prefixes and those of the
// other family are ignored. Free returns nil if parent is invalid or fully
// used, and the masked parent alone if nothing inside it is used.
func Free(parent netip.Prefix, used []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	freeBlocks(parent, used, func(s span) bool {
		out = append(out, s.prefix())
		return true
	})
	return out
}

// FirstFree returns the lowest aligned prefix of length bits inside parent
// that overlaps none of the used prefixes, following the rules of [Free]
// for parent and used. It returns false if parent is invalid, bits is
// shorter than parent or longer than the family allows, or no such prefix
// is free.
//
// FirstFree walks the free blocks of parent in address order and stops at
// the first one large enough, so its cost depends on len(used), not on
// the number of candidate slots.
func FirstFree(parent netip.Prefix, used []netip.Prefix, bits int) (netip.Prefix, bool) {
	if !parent.IsValid() || bits < parent.Bits() || bits > parent.Addr().BitLen() {
		return netip.Prefix{}, false
	}
	var found netip.Prefix
	freeBlocks(parent, used, func(s span) bool {
		if s.bits <= bits {
			found = netip.PrefixFrom(bitsAddr(s.first, s.width), bits)
			return false
		}
		return true
	})
	return found, found.IsValid()
}

// freeBlocks calls yield with each maximal free aligned block inside
// parent in address order until yield returns false.
func freeBlocks(parent netip.Prefix, used []netip.Prefix, yield func(span) bool) {
	ps := spanOf(parent)
	if ps.width == 0 {
		return
	}
	// Clip the used prefixes to parent.
	var iv []span
	for _, u := range used {
		us := spanOf(u)
		if us.width != ps.width || us.last.less(ps.first) || ps.last.less(us.first) {
			continue
		}
		if us.first.less(ps.first) {
			us.first = ps.first
		}
		if ps.last.less(us.last) {
			us.last = ps.last
		}
		iv = append(iv, us)
	}
	slices.SortFunc(iv, func(a, b span) int { return a.first.cmp(b.first) })
	// Walk the gaps between the merged used ranges.
	next := ps.first // lowest address not yet known to be used or yielded
	done := false    // next has moved past ps.last
	for _, u := range iv {
		if done {
			return
		}
		if next.less(u.first) {
			if !rangeBlocks(next, u.first.sub(u128{0, 1}), ps.width, yield) {
				return
			}
		}
		if !u.last.less(next) {
			if u.last == ps.last {
				done = true
			}
			next = u.last.add(u128{0, 1})
		}
	}
	if !done {
		rangeBlocks(next, ps.last, ps.width, yield)
	}
}

// rangeBlocks splits the inclusive range [first, last] into the fewest
// aligned blocks, lowest first, and yields them. It reports whether yield
// always returned true.
func rangeBlocks(first, last u128, width int, yield func(span) bool) bool {
	for {
		// The largest block starting at first is limited by the alignment
		// of first and by the distance to last.
		host := min(first.trailingZeros(), width)
		for host > 0 && last.less(first.or(lowOnes(host))) {
			host--
		}
		end := first.or(lowOnes(host))
		if !yield(span{first: first, last: end, bits: width - host, width: width}) {
			return false
		}
		if end == last {
			return true
		}
		first = end.add(u128{0, 1})
	}
}

// Merge returns the smallest set of prefixes that covers exactly the
// addresses covered by ps: IPv4 prefixes first, then IPv6, each in address
// order. Overlapping and adjacent prefixes are combined where alignment
// allows, so Merge(10.0.0.0/25, 10.0.0.128/25) is [10.0.0.0/24].
// Invalid prefixes are skipped and host bits are masked off. Merge returns
// nil if no prefix in ps is valid. The input is not modified.
func Merge(ps []netip.Prefix) []netip.Prefix {
	var iv []span
	for _, p := range ps {
		if s := spanOf(p); s.width != 0 {
			iv = append(iv, s)
		}
	}
	slices.SortFunc(iv, func(a, b span) int {
		if a.width != b.width {
			return a.width - b.width
		}
		return a.first.cmp(b.first)
	})
	var out []netip.Prefix
	add := func(s span) bool {
		out = append(out, s.prefix())
		return true
	}
	for i := 0; i < len(iv); {
		cur := iv[i]
		j := i + 1
		for ; j < len(iv) && iv[j].width == cur.width; j++ {
			// Combine when the next range starts at or before cur.last+1.
			if cur.last != lowOnes(cur.width) && cur.last.add(u128{0, 1}).less(iv[j].first) {
				break
			}
			if cur.last.less(iv[j].last) {
				cur.last = iv[j].last
			}
		}
		rangeBlocks(cur.first, cur.last, cur.width, add)
		i = j
	}
	return out
}
