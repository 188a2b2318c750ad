package cidr

import (
	"iter"
	"net/netip"
)

// Split returns an iterator over the aligned sub-prefixes of p that have
// length bits, in address order. Host bits of p are ignored. For example
// Split(10.0.0.0/24, 26) yields 10.0.0.0/26, 10.0.0.64/26, 10.0.0.128/26
// and 10.0.0.192/26; Split(p, p.Bits()) yields p masked.
//
// The sequence is empty if p is invalid or bits is shorter than p or
// longer than the family allows. It may be very long (see [SplitCount]):
// stop ranging over it when you have enough.
func Split(p netip.Prefix, bits int) iter.Seq[netip.Prefix] {
	return func(yield func(netip.Prefix) bool) {
		s := spanOf(p)
		if s.width == 0 || bits < s.bits || bits > s.width {
			return
		}
		step := pow2(s.width - bits)
		lastStart := s.last.and(lowOnes(s.width - bits).not())
		for cur := s.first; ; cur = cur.add(step) {
			if !yield(netip.PrefixFrom(bitsAddr(cur, s.width), bits)) || cur == lastStart {
				return
			}
		}
	}
}
