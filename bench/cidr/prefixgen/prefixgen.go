// Package prefixgen generates the deterministic prefix sets used by the
// cidr benchmarks, so that the Go benchmarks, the Go file-based runner and
// the Python comparison all see the same data.
package prefixgen

import (
	"math/rand/v2"
	"net/netip"
)

// DefaultSeed is the seed the benchmarks use.
const DefaultSeed = 20240601

// weighted is a prefix length with a relative weight.
type weighted struct{ bits, weight int }

// IPv4 lengths: mostly /16 to /28 (VNets and subnets), a few short
// aggregates and some /29 to /32 hosts and tiny subnets.
var lengths4 = []weighted{
	{8, 1}, {9, 1}, {10, 1}, {11, 1}, {12, 2}, {13, 2}, {14, 2}, {15, 2},
	{16, 80}, {17, 30}, {18, 40}, {19, 40}, {20, 60}, {21, 50}, {22, 70}, {23, 60},
	{24, 200}, {25, 60}, {26, 70}, {27, 60}, {28, 50},
	{29, 40}, {30, 20}, {31, 5}, {32, 35},
}

// IPv6 lengths: /32 to /64 allocations and subnets, plus some /128 hosts.
var lengths6 = []weighted{
	{32, 20}, {36, 10}, {40, 10}, {44, 10}, {46, 10}, {48, 150}, {52, 20},
	{56, 120}, {60, 40}, {62, 20}, {64, 200}, {128, 70},
}

func pick(r *rand.Rand, ws []weighted) int {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.weight {
			return w.bits
		}
		n -= w.weight
	}
	panic("unreachable")
}

// Generate returns n masked prefixes drawn from a PCG generator seeded
// with seed. About 60% are IPv4 (addresses in 1.0.0.0 to 223.255.255.255)
// and 40% IPv6 (in 2000::/3). About 8% are deliberately nested inside an
// earlier prefix, one in ten of those as an exact duplicate, so the set
// has overlapping pairs beyond the ones random placement produces.
func Generate(n int, seed uint64) []netip.Prefix {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([]netip.Prefix, 0, n)
	for len(out) < n {
		if len(out) > 0 && r.IntN(100) < 8 {
			base := out[r.IntN(len(out))]
			if r.IntN(10) == 0 {
				out = append(out, base)
				continue
			}
			maxBits := base.Addr().BitLen()
			if base.Bits() == maxBits {
				continue
			}
			bits := min(base.Bits()+1+r.IntN(8), maxBits)
			out = append(out, randomInside(r, base, bits))
			continue
		}
		if r.IntN(100) < 60 {
			v := 0x01000000 + r.Uint32N(0xe0000000-0x01000000)
			a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
			out = append(out, netip.PrefixFrom(a, pick(r, lengths4)).Masked())
			continue
		}
		var b [16]byte
		hi, lo := r.Uint64(), r.Uint64()
		hi = 0x2000_0000_0000_0000 | hi&0x1fff_ffff_ffff_ffff
		for i := range 8 {
			b[7-i] = byte(hi >> (8 * i))
			b[15-i] = byte(lo >> (8 * i))
		}
		out = append(out, netip.PrefixFrom(netip.AddrFrom16(b), pick(r, lengths6)).Masked())
	}
	return out
}

// randomInside returns a random prefix of length bits inside base.
func randomInside(r *rand.Rand, base netip.Prefix, bits int) netip.Prefix {
	if base.Addr().Is4() {
		b := base.Addr().As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		if base.Bits() < 32 {
			v |= r.Uint32() & (1<<(32-base.Bits()) - 1)
		}
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		return netip.PrefixFrom(a, bits).Masked()
	}
	b := base.Addr().As16()
	for i := base.Bits(); i < 128; i++ {
		if r.IntN(2) == 1 {
			b[i/8] |= 0x80 >> (i % 8)
		}
	}
	return netip.PrefixFrom(netip.AddrFrom16(b), bits).Masked()
}
