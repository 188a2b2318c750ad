package cidr

import (
	"math/bits"
	"net/netip"
)

// u128 is an unsigned 128-bit integer. IPv4 addresses use only the low 32
// bits of lo.
type u128 struct {
	hi, lo uint64
}

func (a u128) less(b u128) bool {
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)
}

func (a u128) cmp(b u128) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}

func (a u128) and(b u128) u128 { return u128{a.hi & b.hi, a.lo & b.lo} }
func (a u128) or(b u128) u128  { return u128{a.hi | b.hi, a.lo | b.lo} }
func (a u128) not() u128       { return u128{^a.hi, ^a.lo} }
func (a u128) isZero() bool    { return a.hi == 0 && a.lo == 0 }

// add returns a+b modulo 2^128.
func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

// sub returns a-b modulo 2^128.
func (a u128) sub(b u128) u128 {
	lo, c := bits.Sub64(a.lo, b.lo, 0)
	hi, _ := bits.Sub64(a.hi, b.hi, c)
	return u128{hi, lo}
}

// trailingZeros returns the number of trailing zero bits of a, 128 for zero.
func (a u128) trailingZeros() int {
	if a.lo != 0 {
		return bits.TrailingZeros64(a.lo)
	}
	return 64 + bits.TrailingZeros64(a.hi)
}

// lowOnes returns a value whose n lowest bits are set, 0 <= n <= 128.
func lowOnes(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n < 64:
		return u128{0, 1<<uint(n) - 1}
	case n < 128:
		return u128{1<<uint(n-64) - 1, ^uint64(0)}
	}
	return u128{^uint64(0), ^uint64(0)}
}

// pow2 returns 2^n for 0 <= n < 128.
func pow2(n int) u128 {
	if n < 64 {
		return u128{0, 1 << uint(n)}
	}
	return u128{1 << uint(n-64), 0}
}

// addrBits returns a as an integer and the width of its family in bits
// (32 or 128). The zero Addr gives width 0.
func addrBits(a netip.Addr) (u128, int) {
	switch {
	case a.Is4():
		b := a.As4()
		return u128{0, uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}, 32
	case a.Is6():
		b := a.As16()
		var hi, lo uint64
		for i := range 8 {
			hi = hi<<8 | uint64(b[i])
			lo = lo<<8 | uint64(b[i+8])
		}
		return u128{hi, lo}, 128
	}
	return u128{}, 0
}

// bitsAddr is the inverse of addrBits for width 32 or 128.
func bitsAddr(v u128, width int) netip.Addr {
	if width == 32 {
		x := uint32(v.lo)
		return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
	}
	var b [16]byte
	for i := range 8 {
		b[7-i] = byte(v.hi >> (8 * uint(i)))
		b[15-i] = byte(v.lo >> (8 * uint(i)))
	}
	return netip.AddrFrom16(b)
}

// span is a prefix as an inclusive range of integers within one family.
type span struct {
	first, last u128
	bits        int // prefix length
	width       int // 32 or 128; 0 for an invalid prefix
}

// spanOf returns the masked range of p. An invalid p gives width 0.
func spanOf(p netip.Prefix) span {
	if !p.IsValid() {
		return span{}
	}
	v, w := addrBits(p.Addr())
	host := lowOnes(w - p.Bits())
	first := v.and(host.not())
	return span{first: first, last: first.or(host), bits: p.Bits(), width: w}
}

// prefix converts s back to a netip.Prefix.
func (s span) prefix() netip.Prefix {
	return netip.PrefixFrom(bitsAddr(s.first, s.width), s.bits)
}
