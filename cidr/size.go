package cidr

import (
	"math"
	"net/netip"
)

// Is4 reports whether p is a valid IPv4 prefix. It is false for the zero
// Prefix and for IPv4-mapped IPv6 prefixes.
func Is4(p netip.Prefix) bool {
	return p.IsValid() && p.Addr().Is4()
}

// Family returns "IPv4" or "IPv6" for a valid prefix and "" for an invalid
// one, including the zero Prefix. An IPv4-mapped IPv6 prefix is "IPv6".
func Family(p netip.Prefix) string {
	switch {
	case !p.IsValid():
		return ""
	case p.Addr().Is4():
		return "IPv4"
	}
	return "IPv6"
}

// Contains reports whether every address of inner is also in outer. It is
// false if either prefix is invalid or if they are of different families;
// otherwise host bits in either prefix are ignored. A prefix contains
// itself.
func Contains(outer, inner netip.Prefix) bool {
	if !outer.IsValid() || !inner.IsValid() || outer.Addr().Is4() != inner.Addr().Is4() {
		return false
	}
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Addresses returns the number of addresses in p, or 0 if p is invalid.
// The count saturates at math.MaxUint64 for IPv6 prefixes of length 64 or
// less, which hold 2^64 addresses or more.
func Addresses(p netip.Prefix) uint64 {
	if !p.IsValid() {
		return 0
	}
	host := p.Addr().BitLen() - p.Bits()
	if host >= 64 {
		return math.MaxUint64
	}
	return 1 << uint(host)
}

// AzureReserved is the number of addresses Azure reserves in every virtual
// network subnet: the network address, the next three addresses (default
// gateway and DNS mapping) and the last address.
const AzureReserved = 5

// AzureUsable returns the number of addresses left for workloads when p is
// an Azure virtual network subnet: [Addresses](p) minus [AzureReserved].
// It returns 0 for an invalid prefix and for prefixes with fewer than
// AzureReserved addresses (IPv4 /30 to /32).
//
// AzureUsable does not check that Azure accepts p as a subnet: the
// smallest IPv4 subnet Azure allows is a /29, which leaves 3 usable
// addresses. For very large IPv6 prefixes the result saturates like
// Addresses: a /64 gives 2^64-5, shorter prefixes give math.MaxUint64.
func AzureUsable(p netip.Prefix) uint64 {
	if !p.IsValid() {
		return 0
	}
	host := p.Addr().BitLen() - p.Bits()
	switch {
	case host > 64:
		return math.MaxUint64
	case host == 64:
		return math.MaxUint64 - (AzureReserved - 1) // 2^64 - 5
	}
	n := uint64(1) << uint(host)
	if n < AzureReserved {
		return 0
	}
	return n - AzureReserved
}

// NthAddr returns the address at offset n from the start of p: offset 0 is
// the network address. Host bits of p are ignored. It returns false if p is
// invalid or n is not less than the number of addresses in p.
func NthAddr(p netip.Prefix, n uint64) (netip.Addr, bool) {
	s := spanOf(p)
	if s.width == 0 {
		return netip.Addr{}, false
	}
	if host := s.width - s.bits; host < 64 && n >= 1<<uint(host) {
		return netip.Addr{}, false
	}
	return bitsAddr(s.first.add(u128{0, n}), s.width), true
}

// LastAddr returns the last (highest) address of p, which for IPv4 is the
// broadcast address. It returns the zero Addr if p is invalid.
func LastAddr(p netip.Prefix) netip.Addr {
	s := spanOf(p)
	if s.width == 0 {
		return netip.Addr{}
	}
	return bitsAddr(s.last, s.width)
}

// AddrOffset returns the offset of a from the start of p, the inverse of
// [NthAddr]. It returns false if p is invalid, a is not in p (which
// includes an address of the other family, and an IPv4-mapped IPv6 address
// for an IPv4 prefix), or the offset does not fit in a uint64.
func AddrOffset(p netip.Prefix, a netip.Addr) (uint64, bool) {
	if !p.IsValid() || !p.Contains(a) {
		return 0, false
	}
	v, _ := addrBits(a)
	d := v.sub(spanOf(p).first)
	if d.hi != 0 {
		return 0, false
	}
	return d.lo, true
}

// SplitCount returns the number of prefixes [Split](p, bits) yields:
// 2^(bits-p.Bits()), saturating at math.MaxUint64. It returns 0 if p is
// invalid or bits is shorter than p or longer than the family allows.
func SplitCount(p netip.Prefix, bits int) uint64 {
	if !p.IsValid() || bits < p.Bits() || bits > p.Addr().BitLen() {
		return 0
	}
	d := bits - p.Bits()
	if d >= 64 {
		return math.MaxUint64
	}
	return 1 << uint(d)
}
