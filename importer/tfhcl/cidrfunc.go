package tfhcl

import (
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Terraform's IP network functions, written on net/netip with the
// semantics Terraform documents: a prefix may be written with host bits
// set (they are ignored, as net.ParseCIDR does), numbers count from the
// start of the prefix, and cidrhost counts from its end for negative
// numbers.

// parseNetwork parses the prefix argument of the cidr functions and returns
// its network (host bits cleared).
func parseNetwork(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid CIDR expression: %q is not address/length, such as 10.0.0.0/16", s)
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("invalid CIDR expression: %q has an IPv6 zone", s)
	}
	return p.Masked(), nil
}

func addrToInt(a netip.Addr) *big.Int {
	b := a.AsSlice()
	return new(big.Int).SetBytes(b)
}

func intToAddr(n *big.Int, is4 bool) netip.Addr {
	size := 16
	if is4 {
		size = 4
	}
	buf := make([]byte, size)
	n.FillBytes(buf)
	a, _ := netip.AddrFromSlice(buf)
	return a
}

// wholeInt returns the integer value of a known number, or an error naming
// what the argument is for.
func wholeInt(v cty.Value, what string) (*big.Int, error) {
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		return nil, fmt.Errorf("%s must be a whole number, not %s", what, bf.Text('f', -1))
	}
	n, _ := bf.Int(nil)
	return n, nil
}

// cidrSubnet returns subnet number num of the prefix extended by newbits.
func cidrSubnet(base netip.Prefix, newbits int, num *big.Int) (netip.Prefix, error) {
	bitsLen := base.Addr().BitLen()
	if newbits < 0 {
		return netip.Prefix{}, fmt.Errorf("newbits must not be negative, not %d", newbits)
	}
	length := base.Bits() + newbits
	if length > bitsLen {
		return netip.Prefix{}, fmt.Errorf("insufficient address space to extend prefix of %d by %d", base.Bits(), newbits)
	}
	limit := new(big.Int).Lsh(big.NewInt(1), uint(newbits))
	if num.Sign() < 0 || num.Cmp(limit) >= 0 {
		return netip.Prefix{}, fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %s", newbits, num)
	}
	start := addrToInt(base.Addr())
	start.Add(start, new(big.Int).Lsh(num, uint(bitsLen-length)))
	return netip.PrefixFrom(intToAddr(start, base.Addr().Is4()), length), nil
}

// cidrHost returns host number num of the prefix; a negative num counts
// back from the last address (-1 is the last).
func cidrHost(base netip.Prefix, num *big.Int) (netip.Addr, error) {
	hostBits := base.Addr().BitLen() - base.Bits()
	size := new(big.Int).Lsh(big.NewInt(1), uint(hostBits))
	n := new(big.Int).Set(num)
	if n.Sign() < 0 {
		n.Add(n, size)
	}
	if n.Sign() < 0 || n.Cmp(size) >= 0 {
		return netip.Addr{}, fmt.Errorf("prefix of %d does not accommodate a host numbered %s", base.Bits(), num)
	}
	a := addrToInt(base.Addr())
	a.Add(a, n)
	return intToAddr(a, base.Addr().Is4()), nil
}

// cidrSubnets allocates consecutive subnets of the given extensions, each
// aligned to its own size, as Terraform's cidrsubnets does.
func cidrSubnets(base netip.Prefix, newbits []int) ([]netip.Prefix, error) {
	bitsLen := base.Addr().BitLen()
	baseStart := addrToInt(base.Addr())
	end := new(big.Int).Add(baseStart, new(big.Int).Lsh(big.NewInt(1), uint(bitsLen-base.Bits())))
	next := new(big.Int).Set(baseStart)
	out := make([]netip.Prefix, 0, len(newbits))
	for i, nb := range newbits {
		if nb < 1 {
			return nil, fmt.Errorf("argument %d: newbits must be at least 1, not %d", i+2, nb)
		}
		length := base.Bits() + nb
		if length > bitsLen {
			return nil, fmt.Errorf("argument %d: insufficient address space to extend prefix of %d by %d", i+2, base.Bits(), nb)
		}
		size := new(big.Int).Lsh(big.NewInt(1), uint(bitsLen-length))
		// Round next up to a multiple of size.
		rem := new(big.Int).Mod(next, size)
		if rem.Sign() != 0 {
			next.Add(next, new(big.Int).Sub(size, rem))
		}
		stop := new(big.Int).Add(next, size)
		if stop.Cmp(end) > 0 {
			return nil, fmt.Errorf("argument %d: not enough remaining address space for a subnet with a prefix of %d bits after %s",
				i+2, length, joinPrefixes(out))
		}
		out = append(out, netip.PrefixFrom(intToAddr(next, base.Addr().Is4()), length))
		next = stop
	}
	return out, nil
}

func joinPrefixes(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "the start of the prefix"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func smallInt(v cty.Value, what string) (int, error) {
	n, err := wholeInt(v, what)
	if err != nil {
		return 0, err
	}
	if !n.IsInt64() || n.Int64() > 1024 || n.Int64() < -1024 {
		return 0, fmt.Errorf("%s %s is out of range", what, n)
	}
	return int(n.Int64()), nil
}

// cidrSubnetFunc is cidrsubnet(prefix, newbits, netnum).
var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		base, err := parseNetwork(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		nb, err := smallInt(args[1], "newbits")
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(1, err)
		}
		num, err := wholeInt(args[2], "netnum")
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(2, err)
		}
		p, err := cidrSubnet(base, nb, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(p.String()), nil
	},
})

// cidrHostFunc is cidrhost(prefix, hostnum).
var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		base, err := parseNetwork(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		num, err := wholeInt(args[1], "hostnum")
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(1, err)
		}
		a, err := cidrHost(base, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(a.String()), nil
	},
})

// cidrNetmaskFunc is cidrnetmask(prefix), IPv4 only.
var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		base, err := parseNetwork(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		if !base.Addr().Is4() {
			return cty.UnknownVal(cty.String), function.NewArgError(0, fmt.Errorf("IPv6 addresses cannot have a netmask: %s", base))
		}
		m := uint32(0)
		if base.Bits() > 0 {
			m = ^uint32(0) << (32 - base.Bits())
		}
		return cty.StringVal(netip.AddrFrom4([4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}).String()), nil
	},
})

// cidrSubnetsFunc is cidrsubnets(prefix, newbits...).
var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		base, err := parseNetwork(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(0, err)
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		nbs := make([]int, len(args)-1)
		for i, a := range args[1:] {
			if nbs[i], err = smallInt(a, "newbits"); err != nil {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(i+1, err)
			}
		}
		ps, err := cidrSubnets(base, nbs)
		if err != nil {
			return cty.UnknownVal(cty.List(cty.String)), err
		}
		vals := make([]cty.Value, len(ps))
		for i, p := range ps {
			vals[i] = cty.StringVal(p.String())
		}
		return cty.ListVal(vals), nil
	},
})
