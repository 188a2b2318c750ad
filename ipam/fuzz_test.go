package ipam

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/aksnet/aksnet/cidr"
)

// FuzzParseScope checks that ParseScope never panics and that accepted
// scopes round-trip and mean what they say.
func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"read", "admin", "allocate:vnets", "allocate:", "allocate:A", "write", "", "allocate:a.b-c_d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseScope(s)
		if err != nil {
			return
		}
		if string(sc) != s {
			t.Fatalf("ParseScope(%q) = %q", s, sc)
		}
		if sc != ScopeRead && sc != ScopeAdmin && !Permits([]Scope{sc}, ActionAllocate, s[len("allocate:"):]) {
			t.Fatalf("%q does not allow allocating in its pool", s)
		}
	})
}

// FuzzNeed decodes a need from JSON, as the server does, and checks that
// Size never panics and that an accepted need fits what it asked for.
func FuzzNeed(f *testing.F) {
	for _, s := range []string{
		`{"kind":"node-subnet","mode":"overlay","pools":[{"maxNodes":100}]}`,
		`{"kind":"pod-subnet","mode":"pod-subnet-dynamic","pools":[{"maxNodes":50,"maxPods":250,"maxSurge":"33%"}],"growthFactor":1.5}`,
		`{"kind":"pod-cidr","pools":[{"maxNodes":1000},{"maxNodes":1000}],"stage":"headroom","emergencyHeadroomPercent":1000}`,
		`{"kind":"service-cidr","services":5000}`,
		`{"kind":"node-subnet","mode":"node-subnet","kubernetesVersion":"1.29","pools":[{"maxNodes":1000,"maxPods":250}],"extra":1048576}`,
		`{"kind":"node-subnet","mode":"overlay","pools":[{"maxNodes":5,"maxSurge":"99999999999999999999"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var n Need
		if json.Unmarshal(data, &n) != nil {
			return
		}
		sz, err := n.Size()
		if err != nil {
			if _, ok := err.(*InvalidError); !ok {
				t.Fatalf("Size error %T %v is not an *InvalidError", err, err)
			}
			return
		}
		if sz.Bits < 1 || sz.Bits > 29 {
			t.Fatalf("Size() = /%d", sz.Bits)
		}
		p := netip.PrefixFrom(netip.IPv4Unspecified(), sz.Bits)
		switch n.Kind {
		case NeedNodeSubnet, NeedPodSubnet:
			if cidr.AzureUsable(p) < sz.Need {
				t.Fatalf("/%d holds %d usable addresses, need %d", sz.Bits, cidr.AzureUsable(p), sz.Need)
			}
		case NeedPodCIDR:
			if sz.Bits > 24 || uint64(1)<<(24-sz.Bits) < sz.Need {
				t.Fatalf("/%d does not hold %d /24s", sz.Bits, sz.Need)
			}
		}
	})
}

// FuzzSpace applies the operations encoded in data to a small pool and
// checks the invariants: every allocation and reservation lies in the
// pool, live allocations never overlap, reservations overlap nothing
// but their own allocations, and nothing touches a range to avoid.
func FuzzSpace(f *testing.F) {
	f.Add([]byte{0, 24, 0, 26, 1, 5, 2, 25, 3, 0, 0, 30})
	f.Add([]byte{2, 26, 0, 28, 4, 0, 1, 200, 0, 32, 0, 32, 0, 31})
	f.Fuzz(func(t *testing.T, data []byte) {
		pool := Pool{Name: "p", CIDR: netip.MustParsePrefix("168.63.129.0/24"), Purpose: PurposeOther}
		s, err := NewSpace(pool, nil, nil, []Avoid{{CIDR: netip.MustParsePrefix("168.63.129.64/28"), Name: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		id := int64(0)
		for i := 0; i+1 < len(data); i += 2 {
			op, arg := data[i]%5, int(data[i+1])
			id++
			switch op {
			case 0:
				if a, err := s.Allocate(Request{Pool: "p", Bits: arg % 40, Owner: "o"}, time.Time{}); err == nil {
					a.ID = id
					s.Add(a)
				}
			case 1:
				c := netip.PrefixFrom(netip.AddrFrom4([4]byte{168, 63, 129, byte(arg)}), 24+arg%9).Masked()
				if a, err := s.Allocate(Request{Pool: "p", CIDR: c, Owner: "o"}, time.Time{}); err == nil {
					a.ID = id
					s.Add(a)
				}
			case 2:
				if r, err := s.Reserve(ReserveRequest{Pool: "p", Bits: arg % 40, Owner: "o"}, time.Time{}); err == nil {
					r.ID = id
					s.AddReservation(r)
				}
			case 3:
				if rs := s.Reservations(); len(rs) > 0 {
					r := rs[arg%len(rs)]
					if a, err := s.Allocate(Request{Pool: "p", Bits: 24 + arg%9, Owner: "o", Reservation: r.ID}, time.Time{}); err == nil {
						if !cidr.Contains(r.CIDR, a.CIDR) {
							t.Fatalf("allocation %s from reservation %s lies outside it", a.CIDR, r.CIDR)
						}
						a.ID = id
						s.Add(a)
					}
				}
			case 4:
				if as := s.Allocations(); len(as) > 0 {
					s.Release(as[arg%len(as)].ID, time.Time{})
				}
			}
		}
		var ps []netip.Prefix
		for _, a := range s.Allocations() {
			ps = append(ps, a.CIDR)
			if !cidr.Contains(pool.CIDR, a.CIDR) {
				t.Fatalf("allocation %s outside the pool", a.CIDR)
			}
			for _, av := range s.Avoid() {
				if av.CIDR.Overlaps(a.CIDR) {
					t.Fatalf("allocation %s touches %s", a.CIDR, av.CIDR)
				}
			}
			for _, r := range s.Reservations() {
				if r.CIDR.Overlaps(a.CIDR) && a.Reservation != r.ID {
					t.Fatalf("allocation %s overlaps reservation %d it was not taken from", a.CIDR, r.ID)
				}
			}
		}
		if pairs := cidr.OverlapPairs(ps); len(pairs) > 0 {
			t.Fatalf("allocations overlap: %v", pairs)
		}
	})
}
