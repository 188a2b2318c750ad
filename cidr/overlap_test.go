package cidr_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/aksnet/aksnet/cidr"
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = pfx(s)
	}
	return out
}

func TestOverlapPairs(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want [][2]int
	}{
		{"empty", nil, nil},
		{"single", []string{"10.0.0.0/8"}, nil},
		{"disjoint", []string{"10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"}, nil},
		{"adjacent", []string{"10.0.0.0/25", "10.0.0.128/25"}, nil},
		{"nested", []string{"10.1.0.0/16", "10.0.0.0/8"}, [][2]int{{0, 1}}},
		{"equal", []string{"10.0.0.0/24", "10.0.0.0/24", "10.0.0.0/24"}, [][2]int{{0, 1}, {0, 2}, {1, 2}}},
		{"chain", []string{"10.1.2.0/24", "10.0.0.0/8", "10.1.0.0/16", "10.1.3.0/24"},
			[][2]int{{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}}},
		{"sibling closes", []string{"10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "11.0.0.0/8"},
			[][2]int{{0, 1}, {0, 2}}},
		{"mixed families", []string{"::/0", "0.0.0.0/0", "::ffff:0:0/96", "10.0.0.0/8", "2001:db8::/32"},
			[][2]int{{0, 2}, {0, 4}, {1, 3}}},
		{"host bits masked", []string{"10.1.2.3/16", "10.1.200.0/24"}, [][2]int{{0, 1}}},
		{"invalid skipped", []string{"", "10.0.0.0/8", "", "10.0.0.0/8"}, [][2]int{{1, 3}}},
		{"top of space", []string{"255.255.255.255/32", "255.0.0.0/8", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "ff00::/8"},
			[][2]int{{0, 1}, {2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cidr.OverlapPairs(prefixes(tt.in...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("OverlapPairs(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFree(t *testing.T) {
	tests := []struct {
		name   string
		parent string
		used   []string
		want   []string
	}{
		{"nothing used", "10.0.0.0/16", nil, []string{"10.0.0.0/16"}},
		{"parent masked", "10.0.9.9/16", nil, []string{"10.0.0.0/16"}},
		{"first quarter", "10.0.0.0/24", []string{"10.0.0.0/26"}, []string{"10.0.0.64/26", "10.0.0.128/25"}},
		{"middle", "10.0.0.0/24", []string{"10.0.0.64/26"}, []string{"10.0.0.0/26", "10.0.0.128/25"}},
		{"one address", "10.0.0.0/29", []string{"10.0.0.3/32"},
			[]string{"10.0.0.0/31", "10.0.0.2/32", "10.0.0.4/30"}},
		{"all used", "10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.128/25"}, nil},
		{"used contains parent", "10.0.0.0/24", []string{"10.0.0.0/8"}, nil},
		{"used outside", "10.0.0.0/24", []string{"10.0.1.0/24", "9.0.0.0/8", "2001:db8::/32"}, []string{"10.0.0.0/24"}},
		{"overlapping used", "10.0.0.0/24", []string{"10.0.0.0/25", "10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/27"},
			[]string{"10.0.0.160/27", "10.0.0.192/26"}},
		{"invalid used", "10.0.0.0/24", []string{"", "10.0.0.0/25"}, []string{"10.0.0.128/25"}},
		{"invalid parent", "", []string{"10.0.0.0/25"}, nil},
		{"whole IPv4", "0.0.0.0/0", []string{"10.0.0.0/8"},
			[]string{"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"}},
		{"top of IPv4", "0.0.0.0/0", []string{"0.0.0.0/1", "255.255.255.255/32"},
			[]string{"128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6", "252.0.0.0/7",
				"254.0.0.0/8", "255.0.0.0/9", "255.128.0.0/10", "255.192.0.0/11", "255.224.0.0/12", "255.240.0.0/13",
				"255.248.0.0/14", "255.252.0.0/15", "255.254.0.0/16", "255.255.0.0/17", "255.255.128.0/18",
				"255.255.192.0/19", "255.255.224.0/20", "255.255.240.0/21", "255.255.248.0/22", "255.255.252.0/23",
				"255.255.254.0/24", "255.255.255.0/25", "255.255.255.128/26", "255.255.255.192/27",
				"255.255.255.224/28", "255.255.255.240/29", "255.255.255.248/30", "255.255.255.252/31",
				"255.255.255.254/32"}},
		{"whole IPv6", "::/0", []string{"::/1"}, []string{"8000::/1"}},
		{"IPv6 top used", "::/0", []string{"8000::/1"}, []string{"::/1"}},
		{"IPv6 /64s", "2001:db8::/62", []string{"2001:db8:0:1::/64"}, []string{"2001:db8::/64", "2001:db8:0:2::/63"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cidr.Free(pfx(tt.parent), prefixes(tt.used...))
			if !slices.Equal(got, prefixes(tt.want...)) {
				t.Errorf("Free(%s, %q) = %v, want %v", tt.parent, tt.used, got, tt.want)
			}
		})
	}
}

func TestFirstFree(t *testing.T) {
	tests := []struct {
		parent string
		used   []string
		bits   int
		want   string // "" when none is free
	}{
		{"10.0.0.0/16", nil, 24, "10.0.0.0/24"},
		{"10.0.0.0/16", nil, 16, "10.0.0.0/16"},
		{"10.0.0.0/16", []string{"10.0.0.0/24"}, 24, "10.0.1.0/24"},
		{"10.0.0.0/16", []string{"10.0.0.0/24"}, 23, "10.0.2.0/23"},
		{"10.0.0.0/16", []string{"10.0.0.0/24"}, 16, ""},
		{"10.0.0.0/16", []string{"10.0.1.0/24"}, 24, "10.0.0.0/24"},
		{"10.0.0.0/16", []string{"10.0.0.0/25"}, 26, "10.0.0.128/26"},
		// A small hole early on is skipped for a larger request.
		{"10.0.0.0/24", []string{"10.0.0.0/28", "10.0.0.32/27"}, 27, "10.0.0.64/27"},
		{"10.0.0.0/24", []string{"10.0.0.0/28", "10.0.0.32/27"}, 28, "10.0.0.16/28"},
		{"10.0.0.0/24", []string{"10.0.0.0/24"}, 28, ""},
		{"10.0.0.0/24", nil, 23, ""},
		{"10.0.0.0/24", nil, 33, ""},
		{"", nil, 24, ""},
		{"2001:db8::/48", []string{"2001:db8::/64", "2001:db8:0:2::/64"}, 64, "2001:db8:0:1::/64"},
		{"2001:db8::/48", []string{"2001:db8::/64", "10.0.0.0/8"}, 63, "2001:db8:0:2::/63"},
	}
	for _, tt := range tests {
		got, ok := cidr.FirstFree(pfx(tt.parent), prefixes(tt.used...), tt.bits)
		if ok != (tt.want != "") || got != pfx(tt.want) {
			t.Errorf("FirstFree(%s, %q, %d) = %v, %v; want %v", tt.parent, tt.used, tt.bits, got, ok, tt.want)
		}
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"empty", nil, nil},
		{"invalid only", []string{""}, nil},
		{"halves", []string{"10.0.0.128/25", "10.0.0.0/25"}, []string{"10.0.0.0/24"}},
		{"nested", []string{"10.0.0.0/8", "10.1.0.0/16"}, []string{"10.0.0.0/8"}},
		{"adjacent unaligned", []string{"10.0.1.0/24", "10.0.2.0/24"}, []string{"10.0.1.0/24", "10.0.2.0/24"}},
		{"three quarters", []string{"10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26"}, []string{"10.0.0.0/25", "10.0.0.128/26"}},
		{"families", []string{"2001:db8:1::/48", "10.0.0.0/8", "2001:db8::/48", "", "9.0.0.0/8"},
			[]string{"9.0.0.0/8", "10.0.0.0/8", "2001:db8::/47"}},
		{"whole spaces", []string{"128.0.0.0/1", "0.0.0.0/1", "8000::/1", "::/1", "255.255.255.255/32"},
			[]string{"0.0.0.0/0", "::/0"}},
		{"top of IPv6 then more", []string{"8000::/1", "ffff::/16", "::/1", "ffff:ffff::/32"}, []string{"::/0"}},
		{"top of IPv4 then more", []string{"255.0.0.0/8", "255.255.0.0/16"}, []string{"255.0.0.0/8"}},
		{"host bits", []string{"10.0.0.1/24", "10.0.1.1/24"}, []string{"10.0.0.0/23"}},
		{"duplicates", []string{"10.0.0.0/24", "10.0.0.0/24"}, []string{"10.0.0.0/24"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := prefixes(tt.in...)
			orig := slices.Clone(in)
			got := cidr.Merge(in)
			if !slices.Equal(got, prefixes(tt.want...)) {
				t.Errorf("Merge(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if !slices.Equal(in, orig) {
				t.Errorf("Merge modified its input: %v", in)
			}
		})
	}
}
