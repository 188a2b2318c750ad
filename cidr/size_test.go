package cidr_test

import (
	"math"
	"net/netip"
	"slices"
	"testing"

	"github.com/aksnet/aksnet/cidr"
)

// pfx parses a prefix for tests, allowing host bits (netip rules); the
// empty string gives the zero Prefix.
func pfx(s string) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	return netip.MustParsePrefix(s)
}

func addr(s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	return netip.MustParseAddr(s)
}

func TestFamily(t *testing.T) {
	tests := []struct {
		p      string
		wantIs bool
		want   string
	}{
		{"10.0.0.0/8", true, "IPv4"},
		{"0.0.0.0/0", true, "IPv4"},
		{"2001:db8::/32", false, "IPv6"},
		{"::ffff:10.0.0.0/104", false, "IPv6"},
		{"", false, ""},
	}
	for _, tt := range tests {
		p := pfx(tt.p)
		if got := cidr.Is4(p); got != tt.wantIs {
			t.Errorf("Is4(%v) = %v, want %v", p, got, tt.wantIs)
		}
		if got := cidr.Family(p); got != tt.want {
			t.Errorf("Family(%v) = %q, want %q", p, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		outer, inner string
		want         bool
	}{
		{"10.0.0.0/8", "10.1.0.0/16", true},
		{"10.0.0.0/8", "10.0.0.0/8", true},
		{"10.1.0.0/16", "10.0.0.0/8", false},
		{"10.0.0.0/8", "11.0.0.0/16", false},
		{"10.0.0.0/8", "10.255.255.255/32", true},
		{"0.0.0.0/0", "255.255.255.255/32", true},
		{"10.0.0.5/8", "10.1.0.0/16", true},  // host bits in outer ignored
		{"10.0.0.0/8", "10.1.2.3/16", true},  // host bits in inner ignored
		{"10.1.0.0/16", "10.1.2.3/8", false}, // inner is really 10.0.0.0/8
		{"2001:db8::/32", "2001:db8:1::/48", true},
		{"2001:db8::/32", "2001:db9::/48", false},
		{"::/0", "10.0.0.0/8", false},
		{"0.0.0.0/0", "::/0", false},
		{"0.0.0.0/0", "::ffff:10.0.0.0/104", false},
		{"::ffff:0.0.0.0/96", "10.0.0.0/8", false},
		{"", "10.0.0.0/8", false},
		{"10.0.0.0/8", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := cidr.Contains(pfx(tt.outer), pfx(tt.inner)); got != tt.want {
			t.Errorf("Contains(%s, %s) = %v, want %v", tt.outer, tt.inner, got, tt.want)
		}
	}
}

func TestSizes(t *testing.T) {
	tests := []struct {
		p          string
		addrs      uint64
		usable     uint64
		last       string
		splitTo    int
		splitCount uint64
	}{
		{"10.0.0.0/8", 1 << 24, 1<<24 - 5, "10.255.255.255", 16, 256},
		{"10.0.0.0/24", 256, 251, "10.0.0.255", 24, 1},
		{"10.0.0.0/28", 16, 11, "10.0.0.15", 32, 16},
		{"10.0.0.0/29", 8, 3, "10.0.0.7", 30, 2},
		{"10.0.0.0/30", 4, 0, "10.0.0.3", 29, 0},
		{"10.0.0.0/31", 2, 0, "10.0.0.1", 33, 0},
		{"10.0.0.7/32", 1, 0, "10.0.0.7", 32, 1},
		{"10.0.0.7/24", 256, 251, "10.0.0.255", 25, 2},
		{"0.0.0.0/0", 1 << 32, 1<<32 - 5, "255.255.255.255", 32, 1 << 32},
		{"2001:db8::/64", math.MaxUint64, math.MaxUint64 - 4, "2001:db8::ffff:ffff:ffff:ffff", 128, math.MaxUint64},
		{"2001:db8::/65", 1 << 63, 1<<63 - 5, "2001:db8::7fff:ffff:ffff:ffff", 128, 1 << 63},
		{"2001:db8::/48", math.MaxUint64, math.MaxUint64, "2001:db8:0:ffff:ffff:ffff:ffff:ffff", 64, 1 << 16},
		{"::/0", math.MaxUint64, math.MaxUint64, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 64, math.MaxUint64},
		{"::/0", math.MaxUint64, math.MaxUint64, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 63, 1 << 63},
		{"2001:db8::1/128", 1, 0, "2001:db8::1", 129, 0},
		{"2001:db8::/126", 4, 0, "2001:db8::3", 128, 4},
		{"2001:db8::/125", 8, 3, "2001:db8::7", 124, 0},
		{"", 0, 0, "", 8, 0},
	}
	for _, tt := range tests {
		p := pfx(tt.p)
		if got := cidr.Addresses(p); got != tt.addrs {
			t.Errorf("Addresses(%v) = %d, want %d", p, got, tt.addrs)
		}
		if got := cidr.AzureUsable(p); got != tt.usable {
			t.Errorf("AzureUsable(%v) = %d, want %d", p, got, tt.usable)
		}
		if got := cidr.LastAddr(p); got != addr(tt.last) {
			t.Errorf("LastAddr(%v) = %v, want %v", p, got, tt.last)
		}
		if got := cidr.SplitCount(p, tt.splitTo); got != tt.splitCount {
			t.Errorf("SplitCount(%v, %d) = %d, want %d", p, tt.splitTo, got, tt.splitCount)
		}
	}
}

func TestNthAddrAndOffset(t *testing.T) {
	tests := []struct {
		p    string
		n    uint64
		want string // "" when NthAddr must fail
	}{
		{"10.0.0.0/24", 0, "10.0.0.0"},
		{"10.0.0.0/24", 4, "10.0.0.4"},
		{"10.0.0.0/24", 255, "10.0.0.255"},
		{"10.0.0.0/24", 256, ""},
		{"10.0.0.9/24", 1, "10.0.0.1"},
		{"10.0.0.7/32", 0, "10.0.0.7"},
		{"10.0.0.7/32", 1, ""},
		{"0.0.0.0/0", 1<<32 - 1, "255.255.255.255"},
		{"0.0.0.0/0", 1 << 32, ""},
		{"2001:db8::/64", math.MaxUint64, "2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8::/32", math.MaxUint64, "2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8:0:1::/64", 1 << 40, "2001:db8:0:1:0:100:0:0"},
		{"2001:db8::/120", 255, "2001:db8::ff"},
		{"2001:db8::/120", 256, ""},
		{"", 0, ""},
	}
	for _, tt := range tests {
		p := pfx(tt.p)
		got, ok := cidr.NthAddr(p, tt.n)
		if ok != (tt.want != "") || got != addr(tt.want) {
			t.Errorf("NthAddr(%v, %d) = %v, %v; want %v, %v", p, tt.n, got, ok, tt.want, tt.want != "")
			continue
		}
		if !ok {
			continue
		}
		off, ok := cidr.AddrOffset(p, got)
		if !ok || off != tt.n {
			t.Errorf("AddrOffset(%v, %v) = %d, %v; want %d, true", p, got, off, ok, tt.n)
		}
	}

	bad := []struct {
		p, a string
	}{
		{"10.0.0.0/24", "10.0.1.0"},
		{"10.0.0.0/24", "::ffff:10.0.0.1"},
		{"10.0.0.0/24", "2001:db8::"},
		{"2001:db8::/32", "10.0.0.0"},
		{"2001:db8::/63", "2001:db8:0:1:ffff::"},            // offset 2^64 + ...: too large
		{"::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, // offset 2^128-1
		{"", "10.0.0.0"},
		{"10.0.0.0/8", ""},
	}
	for _, tt := range bad {
		if off, ok := cidr.AddrOffset(pfx(tt.p), addr(tt.a)); ok {
			t.Errorf("AddrOffset(%s, %s) = %d, true; want false", tt.p, tt.a, off)
		}
	}
	if off, ok := cidr.AddrOffset(pfx("2001:db8::/63"), addr("2001:db8::ffff:ffff:ffff:ffff")); !ok || off != math.MaxUint64 {
		t.Errorf("AddrOffset of the last uint64 offset = %d, %v; want MaxUint64, true", off, ok)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		p    string
		bits int
		want []string
	}{
		{"10.0.0.0/24", 26, []string{"10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"}},
		{"10.0.0.0/24", 24, []string{"10.0.0.0/24"}},
		{"10.0.0.99/24", 25, []string{"10.0.0.0/25", "10.0.0.128/25"}},
		{"10.0.0.0/24", 23, nil},
		{"10.0.0.0/24", 33, nil},
		{"255.255.255.252/30", 32, []string{"255.255.255.252/32", "255.255.255.253/32", "255.255.255.254/32", "255.255.255.255/32"}},
		{"0.0.0.0/0", 2, []string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"}},
		{"0.0.0.0/0", 0, []string{"0.0.0.0/0"}},
		{"::/0", 0, []string{"::/0"}},
		{"::/0", 1, []string{"::/1", "8000::/1"}},
		{"2001:db8::/63", 64, []string{"2001:db8::/64", "2001:db8:0:1::/64"}},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126", 127, []string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/127", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"}},
		{"2001:db8::/32", 129, nil},
		{"", 8, nil},
	}
	for _, tt := range tests {
		var got []string
		for q := range cidr.Split(pfx(tt.p), tt.bits) {
			got = append(got, q.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Split(%s, %d) = %v, want %v", tt.p, tt.bits, got, tt.want)
		}
		if n := cidr.SplitCount(pfx(tt.p), tt.bits); n != uint64(len(tt.want)) {
			t.Errorf("SplitCount(%s, %d) = %d, want %d", tt.p, tt.bits, n, len(tt.want))
		}
	}

	// Stopping early works on a sequence far too long to finish.
	var got []netip.Prefix
	for q := range cidr.Split(pfx("2001:db8::/32"), 128) {
		got = append(got, q)
		if len(got) == 3 {
			break
		}
	}
	want := []netip.Prefix{pfx("2001:db8::/128"), pfx("2001:db8::1/128"), pfx("2001:db8::2/128")}
	if !slices.Equal(got, want) {
		t.Errorf("first three of Split(2001:db8::/32, 128) = %v, want %v", got, want)
	}
}
