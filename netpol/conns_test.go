package netpol

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// portBits is the obviously correct model of a ConnSet: one flag per protocol
// and port.
type portBits [numProtocols][MaxPort + 1]bool

func (b *portBits) of(c ConnSet) {
	for p := range numProtocols {
		for _, r := range c.Ports(p) {
			for port := int(r.First); port <= int(r.Last); port++ {
				b[p][port] = true
			}
		}
	}
}

func randConnSet(rng *rand.Rand) ConnSet {
	var c ConnSet
	switch rng.IntN(8) {
	case 0:
		return c
	case 1:
		return AllConns()
	}
	for range rng.IntN(4) {
		p := Protocol(rng.IntN(int(numProtocols)))
		if rng.IntN(6) == 0 {
			c = c.Union(ProtocolConns(p))
			continue
		}
		// Ports from a small set so that ranges touch and overlap often.
		edges := []uint16{1, 2, 52, 53, 54, 79, 80, 81, 8000, 8080, 65534, 65535}
		a, b := edges[rng.IntN(len(edges))], edges[rng.IntN(len(edges))]
		c = c.Union(NewConnSet(p, PortRange{min(a, b), max(a, b)}))
	}
	return c
}

// TestConnSetAgainstModel checks every operation port by port.
func TestConnSetAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		a, b := randConnSet(rng), randConnSet(rng)
		var ma, mb portBits
		ma.of(a)
		mb.of(b)
		u, x, s := a.Union(b), a.Intersect(b), a.Subtract(b)
		var mu, mx, ms portBits
		mu.of(u)
		mx.of(x)
		ms.of(s)
		empty, all := true, true
		for p := range numProtocols {
			for port := MinPort; port <= MaxPort; port++ {
				if mu[p][port] != (ma[p][port] || mb[p][port]) || mx[p][port] != (ma[p][port] && mb[p][port]) || ms[p][port] != (ma[p][port] && !mb[p][port]) {
					t.Fatalf("case %d: %s vs %s wrong at %s/%d: union %v intersect %v subtract %v", i, a, b, p, port, mu[p][port], mx[p][port], ms[p][port])
				}
				if a.Contains(p, uint16(port)) != ma[p][port] {
					t.Fatalf("case %d: %s Contains %s/%d", i, a, p, port)
				}
				empty = empty && !ma[p][port]
				all = all && ma[p][port]
			}
			// Canonical form: sorted, disjoint, not adjacent.
			rs := u.Ports(p)
			for k := 1; k < len(rs); k++ {
				if uint32(rs[k].First) <= uint32(rs[k-1].Last)+1 {
					t.Fatalf("case %d: %s not canonical: %v", i, u, rs)
				}
			}
		}
		if a.IsEmpty() != empty || a.IsAll() != all {
			t.Fatalf("case %d: %s IsEmpty %v IsAll %v", i, a, a.IsEmpty(), a.IsAll())
		}
		if a.Equal(b) != (ma == mb) {
			t.Fatalf("case %d: %s Equal %s = %v", i, a, b, a.Equal(b))
		}
		if a.ContainsAll(x) != true || x.ContainsAll(a) != x.Equal(a) {
			t.Fatalf("case %d: ContainsAll", i)
		}
		back, ok := ParseConnSet(a.String())
		if !ok || !back.Equal(a) {
			t.Fatalf("case %d: %q parses back as %q (%v)", i, a.String(), back.String(), ok)
		}
	}
}

func TestConnSetString(t *testing.T) {
	tests := []struct {
		c    ConnSet
		want string
	}{
		{ConnSet{}, "No Connections"},
		{AllConns(), "All Connections"},
		{NewConnSet(TCP, PortRange{8080, 8080}).Union(NewConnSet(UDP, PortRange{53, 53})), "TCP 8080,UDP 53"},
		{AllConns().Subtract(NewConnSet(UDP, PortRange{5353, 5353})), "SCTP 1-65535,TCP 1-65535,UDP 1-5352,5354-65535"},
		{NewConnSet(TCP, PortRange{10053, 10054}, PortRange{80, 80}, PortRange{81, 81}), "TCP 80-81,10053-10054"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	for _, s := range []string{"tcp/80", "UDP/53", "sctp", "TCP 80,UDP 53", "all"} {
		if _, ok := ParseConnSet(s); !ok {
			t.Errorf("ParseConnSet(%q) failed", s)
		}
	}
	for _, s := range []string{"", "tcp/0", "icmp/1", "tcp/9-8", "80", "TCP x", "tcp/70000"} {
		if c, ok := ParseConnSet(s); ok {
			t.Errorf("ParseConnSet(%q) = %s, want failure", s, c)
		}
	}
}

// TestPartitionAgainstModel checks ipSet.subtract and partition address
// by address inside a small IPv4 space.
func TestPartitionAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := netip.MustParseAddr("10.0.0.0")
	addr := func(i int) netip.Addr {
		a := base
		for range i {
			a = a.Next()
		}
		return a
	}
	space := IPRange{base, addr(255)}
	randRange := func() IPRange {
		portBits := 24 + rng.IntN(9)
		p := netip.PrefixFrom(addr(rng.IntN(256)), portBits).Masked()
		return PrefixRange(p)
	}
	for i := range 300 {
		var pieces []IPRange
		for range rng.IntN(5) {
			r := randRange()
			set := ipSet{r}
			var excepts []IPRange
			for range rng.IntN(3) {
				ex := randRange()
				excepts = append(excepts, ex)
				set = set.subtract(ex)
			}
			// subtract against the model: in r and in no except.
			for k := range 256 {
				want := r.Contains(addr(k))
				for _, ex := range excepts {
					want = want && !ex.Contains(addr(k))
				}
				if got := set.covers(IPRange{addr(k), addr(k)}); got != want {
					t.Fatalf("case %d: %v minus %v at %s: %v, want %v", i, r, excepts, addr(k), got, want)
				}
			}
			pieces = append(pieces, set...)
		}
		atoms := partition([]IPRange{space}, pieces)
		// Atoms tile the space in order.
		next := 0
		for _, a := range atoms {
			if a.First != addr(next) {
				t.Fatalf("case %d: atoms %v do not tile the space at %d", i, atoms, next)
			}
			for k := next; ; k++ {
				if addr(k) == a.Last {
					next = k + 1
					break
				}
			}
		}
		if next != 256 {
			t.Fatalf("case %d: atoms end at %d", i, next)
		}
		// Every piece's membership is constant inside an atom.
		for _, a := range atoms {
			for pi, p := range pieces {
				firstIn := p.Contains(a.First)
				for k := 0; k < 256; k++ {
					if a.Contains(addr(k)) && p.Contains(addr(k)) != firstIn {
						t.Fatalf("case %d: piece %d (%v) splits atom %v", i, pi, p, a)
					}
				}
			}
		}
	}
}
