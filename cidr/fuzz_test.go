package cidr_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/cidr"
)

var parseSeeds = []string{
	"10.0.0.0/8", "10.240.0.0/16", "0.0.0.0/0", "10.0.0.5/32", "::/0",
	"2001:db8::/32", "2001:DB8::/32", "::1.2.3.4/128", "fd00::/8",
	"10.0.0.1/24", "2001:db8::1/64", "fe80::1%eth0/64", "::ffff:10.0.0.0/104",
	"::ffff:10.0.0.0/80", "10.0.0.5", "10.0.0.0/", "10.0.0.0/33",
	"2001:db8::/129", "10.0.0.0/08", "10.0.0.0/255.0.0.0", " 10.0.0.0/8",
	"10.0.0.0/8\n", "", "/", "banana", "010.0.0.0/8", "1.2.3.4/-0",
	"::ffff:1.2.3.4", "\xff/8", "1:2:3:4:5:6:7:8/64", "1::/1::",
}

func FuzzParsePrefix(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := cidr.ParsePrefix(s)
		if err != nil {
			if p != (netip.Prefix{}) {
				t.Fatalf("ParsePrefix(%q) returned %v with error %v", s, p, err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("ParsePrefix(%q) error is not one line: %q", s, err)
			}
			if pe, ok := err.(*cidr.ParseError); !ok || pe.Input != s {
				t.Fatalf("ParsePrefix(%q) error %#v is not a *ParseError for the input", s, err)
			}
			return
		}
		if !p.IsValid() || p != p.Masked() {
			t.Fatalf("ParsePrefix(%q) = %v, which is invalid or has host bits", s, p)
		}
		if p.Addr().Zone() != "" || p.Addr().Is4In6() {
			t.Fatalf("ParsePrefix(%q) = %v, with a zone or IPv4-mapped address", s, p)
		}
		q, err := cidr.ParsePrefix(p.String())
		if err != nil || q != p {
			t.Fatalf("ParsePrefix(%q) = %v, but ParsePrefix(%q) = %v, %v", s, p, p.String(), q, err)
		}
		// Anything we accept, netip accepts with the same meaning.
		if n, err := netip.ParsePrefix(s); err != nil || n != p {
			t.Fatalf("ParsePrefix(%q) = %v, but netip.ParsePrefix = %v, %v", s, p, n, err)
		}
	})
}

func FuzzParseAddr(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
		f.Add(strings.Split(s, "/")[0])
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := cidr.ParseAddr(s)
		if err != nil {
			if a.IsValid() {
				t.Fatalf("ParseAddr(%q) returned %v with error %v", s, a, err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("ParseAddr(%q) error is not one line: %q", s, err)
			}
			return
		}
		if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("ParseAddr(%q) = %v, which is invalid, zoned or IPv4-mapped", s, a)
		}
		b, err := cidr.ParseAddr(a.String())
		if err != nil || b != a {
			t.Fatalf("ParseAddr(%q) = %v, but ParseAddr(%q) = %v, %v", s, a, a.String(), b, err)
		}
		if n, err := netip.ParseAddr(s); err != nil || n != a {
			t.Fatalf("ParseAddr(%q) = %v, but netip.ParseAddr = %v, %v", s, a, n, err)
		}
		// A parsed address is a valid /32 or /128 prefix.
		if _, err := cidr.ParsePrefix(a.String() + "/" + map[bool]string{true: "32", false: "128"}[a.Is4()]); err != nil {
			t.Fatalf("ParsePrefix of address %v as a single-address prefix: %v", a, err)
		}
	})
}

// decodePrefixes turns fuzz bytes into prefixes, 6 bytes each: a family
// and shape selector, a length byte and four address bytes. IPv4 prefixes
// land in 10.0.0.0/16 and IPv6 prefixes in 2001:db8::/96 or the IPv4-mapped
// range, so that overlaps are common.
func decodePrefixes(data []byte) []netip.Prefix {
	var ps []netip.Prefix
	for len(data) >= 6 && len(ps) < 64 {
		sel, l, b := data[0], int(data[1]), data[2:6]
		data = data[6:]
		switch sel % 4 {
		case 0:
			ps = append(ps, netip.Prefix{})
		case 1:
			a := netip.AddrFrom4([4]byte{10, 0, b[2], b[3]})
			ps = append(ps, netip.PrefixFrom(a, 8+l%25))
		case 2:
			a16 := netip.MustParseAddr("2001:db8::").As16()
			copy(a16[12:], b)
			ps = append(ps, netip.PrefixFrom(netip.AddrFrom16(a16), 88+l%41))
		case 3:
			a := netip.AddrFrom16(netip.AddrFrom4([4]byte{10, 0, b[2], b[3]}).As16())
			ps = append(ps, netip.PrefixFrom(a, 96+l%33))
		}
		if sel&4 == 0 && ps[len(ps)-1].IsValid() {
			ps[len(ps)-1] = ps[len(ps)-1].Masked()
		}
	}
	return ps
}

func FuzzOverlapPairs(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 16, 0, 0, 0, 0, 1, 24, 0, 0, 1, 0})
	f.Add([]byte{1, 24, 0, 0, 1, 0, 1, 24, 0, 0, 1, 0, 3, 24, 0, 0, 1, 0})
	f.Add([]byte{2, 0, 1, 2, 3, 4, 2, 40, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 5, 8, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := decodePrefixes(data)
		got := cidr.OverlapPairs(ps)
		want := slowOverlapPairs(ps)
		if !slices.Equal(got, want) {
			t.Fatalf("OverlapPairs(%s)\n got  %v\n want %v", quoteAll(ps), got, want)
		}
	})
}
