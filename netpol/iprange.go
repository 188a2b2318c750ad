package netpol

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/cidr"
)

// IPRange is the addresses First through Last, both included, of one
// family. The zero IPRange is invalid.
type IPRange struct {
	First, Last netip.Addr
}

// IsValid reports whether r is a non-empty range of one family.
func (r IPRange) IsValid() bool {
	return r.First.IsValid() && r.Last.IsValid() && r.First.Is4() == r.Last.Is4() && r.First.Compare(r.Last) <= 0
}

// String returns "First-Last", as netpol-analyzer prints address ranges.
func (r IPRange) String() string { return r.First.String() + "-" + r.Last.String() }

// Contains reports whether a is in r.
func (r IPRange) Contains(a netip.Addr) bool {
	return r.IsValid() && a.Is4() == r.First.Is4() && r.First.Compare(a) <= 0 && a.Compare(r.Last) <= 0
}

// Covers reports whether every address of o is in r.
func (r IPRange) Covers(o IPRange) bool { return r.Contains(o.First) && r.Contains(o.Last) }

// Overlaps reports whether r and o share an address.
func (r IPRange) Overlaps(o IPRange) bool {
	return r.IsValid() && o.IsValid() && r.First.Is4() == o.First.Is4() &&
		r.First.Compare(o.Last) <= 0 && o.First.Compare(r.Last) <= 0
}

// PrefixRange returns the addresses of a prefix (masked first).
func PrefixRange(p netip.Prefix) IPRange {
	p = p.Masked()
	return IPRange{p.Addr(), cidr.LastAddr(p)}
}

// AllIPv4 and AllIPv6 are the whole address space of each family.
var (
	AllIPv4 = IPRange{netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255})}
	AllIPv6 = IPRange{netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})}
)

// ParseIPRange reads an address ("10.0.0.1"), a prefix ("10.0.0.0/8",
// host bits are masked) or a range as String writes it
// ("10.0.0.0-10.0.0.255").
func ParseIPRange(s string) (IPRange, error) {
	s = strings.TrimSpace(s)
	if first, last, ok := strings.Cut(s, "-"); ok {
		a, err1 := netip.ParseAddr(first)
		b, err2 := netip.ParseAddr(last)
		if err1 != nil || err2 != nil {
			return IPRange{}, fmt.Errorf("%q is not an address range such as 10.0.0.0-10.0.0.255", s)
		}
		r := IPRange{a.Unmap().WithZone(""), b.Unmap().WithZone("")}
		if !r.IsValid() {
			return IPRange{}, fmt.Errorf("%q: the range must run from the lower to the higher address of one family", s)
		}
		return r, nil
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return IPRange{}, fmt.Errorf("%q is not a CIDR prefix: %v", s, err)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return PrefixRange(p), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return IPRange{}, fmt.Errorf("%q is not an IP address", s)
	}
	a = a.Unmap().WithZone("")
	return IPRange{a, a}, nil
}

// ipSet is a sorted list of disjoint, non-adjacent ranges.
type ipSet []IPRange

// subtract returns s without the addresses of r.
func (s ipSet) subtract(r IPRange) ipSet {
	var out ipSet
	for _, x := range s {
		if !x.Overlaps(r) {
			out = append(out, x)
			continue
		}
		if x.First.Compare(r.First) < 0 {
			out = append(out, IPRange{x.First, r.First.Prev()})
		}
		if r.Last.Compare(x.Last) < 0 {
			out = append(out, IPRange{r.Last.Next(), x.Last})
		}
	}
	return out
}

// covers reports whether every address of r is in s.
func (s ipSet) covers(r IPRange) bool {
	for _, x := range s {
		if x.Covers(r) {
			return true
		}
	}
	return false
}

// overlaps reports whether s holds some address of r.
func (s ipSet) overlaps(r IPRange) bool {
	for _, x := range s {
		if x.Overlaps(r) {
			return true
		}
	}
	return false
}

// partition splits each universe range into consecutive ranges at every
// start of a piece and every address after a piece's end, so that each
// resulting range lies either wholly inside or wholly outside every piece.
func partition(universe []IPRange, pieces []IPRange) []IPRange {
	var out []IPRange
	for _, u := range universe {
		cuts := []netip.Addr{u.First}
		for _, p := range pieces {
			if !p.Overlaps(u) {
				continue
			}
			if u.Contains(p.First) {
				cuts = append(cuts, p.First)
			}
			if p.Last != u.Last && u.Contains(p.Last) {
				cuts = append(cuts, p.Last.Next())
			}
		}
		slices.SortFunc(cuts, netip.Addr.Compare)
		cuts = slices.Compact(cuts)
		for i, c := range cuts {
			last := u.Last
			if i+1 < len(cuts) {
				last = cuts[i+1].Prev()
			}
			out = append(out, IPRange{c, last})
		}
	}
	return out
}
