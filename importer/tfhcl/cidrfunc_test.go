package tfhcl

import (
	"math/big"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func callString(t *testing.T, name string, args ...cty.Value) (string, error) {
	t.Helper()
	v, err := functions[name].Call(args)
	if err != nil {
		return "", err
	}
	if v.Type().IsListType() {
		var out []string
		for _, el := range v.AsValueSlice() {
			out = append(out, el.AsString())
		}
		return strings.Join(out, ","), nil
	}
	return v.AsString(), nil
}

func TestCIDRFunctions(t *testing.T) {
	s, n := cty.StringVal, cty.NumberIntVal
	for _, tc := range []struct {
		fn   string
		args []cty.Value
		want string // or the start of the error
		err  bool
	}{
		// Terraform's documented examples.
		{"cidrsubnet", []cty.Value{s("172.16.0.0/12"), n(4), n(2)}, "172.18.0.0/16", false},
		{"cidrsubnet", []cty.Value{s("10.1.2.0/24"), n(4), n(15)}, "10.1.2.240/28", false},
		{"cidrsubnet", []cty.Value{s("fd00:fd12:3456:7890::/56"), n(16), n(162)}, "fd00:fd12:3456:7800:a200::/72", false},
		{"cidrhost", []cty.Value{s("10.12.112.0/20"), n(16)}, "10.12.112.16", false},
		{"cidrhost", []cty.Value{s("10.12.112.0/20"), n(268)}, "10.12.113.12", false},
		{"cidrhost", []cty.Value{s("fd00:fd12:3456:7890:00a2::/72"), n(34)}, "fd00:fd12:3456:7890::22", false},
		{"cidrnetmask", []cty.Value{s("172.16.0.0/12")}, "255.240.0.0", false},
		{"cidrsubnets", []cty.Value{s("10.1.0.0/16"), n(4), n(4), n(8), n(4)}, "10.1.0.0/20,10.1.16.0/20,10.1.32.0/24,10.1.48.0/20", false},
		// Host bits in the prefix are ignored, as Terraform does.
		{"cidrsubnet", []cty.Value{s("10.0.7.9/16"), n(8), n(3)}, "10.0.3.0/24", false},
		{"cidrhost", []cty.Value{s("10.0.0.0/24"), n(-1)}, "10.0.0.255", false},
		{"cidrhost", []cty.Value{s("10.0.0.0/24"), n(-256)}, "10.0.0.0", false},
		{"cidrsubnet", []cty.Value{s("10.0.0.0/24"), n(0), n(0)}, "10.0.0.0/24", false},
		{"cidrsubnet", []cty.Value{s("10.0.0.0/16"), n(4), n(16)}, "prefix extension of 4 does not accommodate a subnet numbered 16", true},
		{"cidrsubnet", []cty.Value{s("10.0.0.0/30"), n(3), n(0)}, "insufficient address space to extend prefix of 30 by 3", true},
		{"cidrsubnet", []cty.Value{s("10.0.0.0/16"), n(4), n(-1)}, "prefix extension of 4 does not accommodate a subnet numbered -1", true},
		{"cidrsubnet", []cty.Value{s("10.0.0.0"), n(4), n(1)}, "invalid CIDR expression", true},
		{"cidrsubnet", []cty.Value{s("10.0.0.0/16"), cty.NumberFloatVal(1.5), n(1)}, "newbits must be a whole number", true},
		{"cidrhost", []cty.Value{s("10.0.0.0/24"), n(256)}, "prefix of 24 does not accommodate a host numbered 256", true},
		{"cidrhost", []cty.Value{s("10.0.0.0/24"), n(-257)}, "prefix of 24 does not accommodate a host numbered -257", true},
		{"cidrnetmask", []cty.Value{s("fd00::/8")}, "IPv6 addresses cannot have a netmask", true},
		{"cidrsubnets", []cty.Value{s("10.0.0.0/24"), n(1), n(1), n(1)}, "argument 4: not enough remaining address space", true},
	} {
		got, err := callString(t, tc.fn, tc.args...)
		switch {
		case tc.err && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s%v: got %q, %v; want error %q", tc.fn, tc.args, got, err, tc.want)
		case !tc.err && (err != nil || got != tc.want):
			t.Errorf("%s%v = %q, %v; want %q", tc.fn, tc.args, got, err, tc.want)
		}
	}
}

// The slow models below walk addresses one step at a time: obviously
// correct for small numbers, and independent of the bit arithmetic.

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr32(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func modelSubnet(base netip.Prefix, newbits, num int) (netip.Prefix, bool) {
	length := base.Bits() + newbits
	if length > 32 || num < 0 || num >= 1<<newbits {
		return netip.Prefix{}, false
	}
	size := uint64(1) << (32 - length)
	start := uint64(u32(base.Masked().Addr()))
	for range num {
		start += size
	}
	return netip.PrefixFrom(addr32(uint32(start)), length), true
}

func modelHost(base netip.Prefix, num int) (netip.Addr, bool) {
	size := int64(1) << (32 - base.Bits())
	if int64(num) >= size || int64(num) < -size {
		return netip.Addr{}, false
	}
	a := int64(u32(base.Masked().Addr()))
	if num >= 0 {
		for range num {
			a++
		}
	} else {
		a += size - 1
		for i := -1; i > num; i-- {
			a--
		}
	}
	return addr32(uint32(a)), true
}

func modelSubnets(base netip.Prefix, newbits []int) ([]netip.Prefix, bool) {
	b := base.Masked()
	end := uint64(u32(b.Addr())) + uint64(1)<<(32-b.Bits())
	next := uint64(u32(b.Addr()))
	var out []netip.Prefix
	for _, nb := range newbits {
		length := b.Bits() + nb
		if nb < 1 || length > 32 {
			return nil, false
		}
		size := uint64(1) << (32 - length)
		for next%size != 0 {
			next++
		}
		if next+size > end {
			return nil, false
		}
		out = append(out, netip.PrefixFrom(addr32(uint32(next)), length))
		next += size
	}
	return out, true
}

func TestCIDRFunctionsAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 3000 {
		bits := 8 + rng.IntN(25) // /8 to /32
		base := netip.PrefixFrom(addr32(rng.Uint32()), bits)
		newbits := rng.IntN(13)
		num := rng.IntN(1<<newbits+2) - 1

		got, err := cidrSubnet(base.Masked(), newbits, big.NewInt(int64(num)))
		want, ok := modelSubnet(base, newbits, num)
		if (err == nil) != ok || (ok && got != want) {
			t.Fatalf("case %d: cidrsubnet(%s, %d, %d) = %v, %v; model %v, %v", i, base, newbits, num, got, err, want, ok)
		}

		hostBits := 32 - bits
		span := 1 << min(hostBits, 12)
		hnum := rng.IntN(2*span+4) - span - 2
		gotA, err := cidrHost(base.Masked(), big.NewInt(int64(hnum)))
		wantA, ok := modelHost(base, hnum)
		if (err == nil) != ok || (ok && gotA != wantA) {
			t.Fatalf("case %d: cidrhost(%s, %d) = %v, %v; model %v, %v", i, base, hnum, gotA, err, wantA, ok)
		}

		var nbs []int
		for range 1 + rng.IntN(5) {
			nbs = append(nbs, rng.IntN(8))
		}
		// The model aligns one address at a time: keep its bases small.
		small := netip.PrefixFrom(base.Addr(), max(bits, 18))
		gotS, err := cidrSubnets(small.Masked(), nbs)
		wantS, ok := modelSubnets(small, nbs)
		if (err == nil) != ok || (ok && fmtPrefixes(gotS) != fmtPrefixes(wantS)) {
			t.Fatalf("case %d: cidrsubnets(%s, %v) = %v, %v; model %v, %v", i, small, nbs, gotS, err, wantS, ok)
		}
	}
}

func fmtPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}
