package netpoldiff

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestNewPortSet(t *testing.T) {
	tests := []struct {
		in   []PortRange
		want string
	}{
		{nil, "none"},
		{[]PortRange{{80, 80}}, "80"},
		{[]PortRange{{90, 95}, {80, 80}, {81, 89}}, "80-95"},
		{[]PortRange{{1, 10}, {5, 7}, {12, 12}}, "1-10,12"},
		{[]PortRange{{0, 70000}}, "1-65535"},
		{[]PortRange{{10, 9}, {-5, 0}}, "none"},
		{[]PortRange{{53, 53}, {8080, 8090}, {54, 54}}, "53-54,8080-8090"},
	}
	for _, tt := range tests {
		if got := NewPortSet(tt.in...).String(); got != tt.want {
			t.Errorf("NewPortSet(%v) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestAddRefusesBadConnections(t *testing.T) {
	c := NewConnectivity()
	ip := Addresses(IPv4All)
	w := Workload("ns", "a", "Pod")
	if err := c.Add(ip, ip, "TCP", AllPorts); err == nil {
		t.Error("an address-to-address connection was accepted")
	}
	if err := c.Add(w, ip, "ICMP", AllPorts); err == nil {
		t.Error("protocol ICMP was accepted")
	}
	bad := Addresses(IPRange{netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("10.0.0.1")})
	if err := c.Add(w, bad, "TCP", AllPorts); err == nil {
		t.Error("a backwards address range was accepted")
	}
	if err := c.Add(w, w, "TCP", AllPorts); err != nil || len(c.Rows()) != 0 {
		t.Errorf("a self connection gave err %v, rows %v; want it dropped", err, c.Rows())
	}
}

// The model: what a Connectivity means, spelled out point by point over a
// small universe of workloads, addresses and ports.

var (
	modelWorkloads = []Endpoint{Workload("ns", "a", "Pod"), Workload("ns", "b", "Deployment"), Workload("other", "c", "StatefulSet")}
	modelV4        = netip.MustParseAddr("10.0.0.0")
	modelV6        = netip.MustParseAddr("fd00::")
	modelAddrs     = 48 // per family
	modelPorts     = append(seq(1, 12), seq(65530, 65535)...)
)

func seq(lo, hi int) []int {
	var s []int
	for p := lo; p <= hi; p++ {
		s = append(s, p)
	}
	return s
}

func nth(base netip.Addr, n int) netip.Addr {
	for range n {
		base = base.Next()
	}
	return base
}

// point is one address, or one workload pair, for one protocol and port.
type point struct {
	src, dst string
	proto    string
	port     int
}

type model map[point]bool

// addToModel marks every point of one added connection.
func (m model) add(src, dst Endpoint, proto string, ports PortSet) {
	for _, s := range expand(src) {
		for _, d := range expand(dst) {
			if s == d {
				continue
			}
			// Only the ports random sets are made of matter.
			for _, p := range modelPorts {
				if contains(ports, p) {
					m[point{s, d, proto, p}] = true
				}
			}
		}
	}
}

func expand(e Endpoint) []string {
	if !e.isIP() {
		return []string{e.Workload}
	}
	var out []string
	for a := e.IP.First; ; a = a.Next() {
		out = append(out, a.String())
		if a == e.IP.Last {
			return out
		}
	}
}

func parseEndpoint(t *testing.T, s string) Endpoint {
	t.Helper()
	eps, err := parseEndpoints(s)
	if err != nil || len(eps) != 1 {
		t.Fatalf("endpoint %q: %v", s, err)
	}
	return eps[0]
}

func modelOfRows(t *testing.T, rows []Row) model {
	m := model{}
	for _, r := range rows {
		m.add(parseEndpoint(t, r.Src), parseEndpoint(t, r.Dst), r.Proto, r.Ports)
	}
	return m
}

type addition struct {
	src, dst Endpoint
	proto    string
	ports    PortSet
}

func randomRange(rng *rand.Rand) IPRange {
	base := modelV4
	if rng.IntN(4) == 0 {
		base = modelV6
	}
	a, b := rng.IntN(modelAddrs), rng.IntN(modelAddrs)
	return IPRange{nth(base, min(a, b)), nth(base, max(a, b))}
}

func randomPorts(rng *rand.Rand) PortSet {
	if rng.IntN(5) == 0 {
		return AllPorts
	}
	var rs []PortRange
	for range 1 + rng.IntN(3) {
		a, b := modelPorts[rng.IntN(len(modelPorts))], modelPorts[rng.IntN(len(modelPorts))]
		rs = append(rs, PortRange{min(a, b), max(a, b)})
	}
	return NewPortSet(rs...)
}

func randomAdditions(rng *rand.Rand, n int) []addition {
	var out []addition
	for range n {
		a := addition{
			src:   modelWorkloads[rng.IntN(len(modelWorkloads))],
			dst:   modelWorkloads[rng.IntN(len(modelWorkloads))],
			proto: Protocols[rng.IntN(len(Protocols))],
			ports: randomPorts(rng),
		}
		switch rng.IntN(3) {
		case 0:
			a.src = Addresses(randomRange(rng))
		case 1:
			a.dst = Addresses(randomRange(rng))
		}
		out = append(out, a)
	}
	return out
}

// resplit returns the same connections cut differently: address ranges
// into random pieces, port sets into single ranges, in shuffled order.
func resplit(rng *rand.Rand, adds []addition) []addition {
	var out []addition
	for _, a := range adds {
		srcs, dsts := splitEndpoint(rng, a.src), splitEndpoint(rng, a.dst)
		for _, s := range srcs {
			for _, d := range dsts {
				for _, r := range a.ports {
					out = append(out, addition{s, d, a.proto, PortSet{r}})
				}
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func splitEndpoint(rng *rand.Rand, e Endpoint) []Endpoint {
	if !e.isIP() {
		return []Endpoint{e}
	}
	var out []Endpoint
	first := e.IP.First
	for {
		last := first
		for rng.IntN(3) != 0 && last != e.IP.Last {
			last = last.Next()
		}
		out = append(out, Addresses(IPRange{first, last}))
		if last == e.IP.Last {
			return out
		}
		first = last.Next()
	}
}

func build(t *testing.T, adds []addition) (*Connectivity, model) {
	c, m := NewConnectivity(), model{}
	for _, a := range adds {
		if err := c.Add(a.src, a.dst, a.proto, a.ports); err != nil {
			t.Fatal(err)
		}
		m.add(a.src, a.dst, a.proto, a.ports)
	}
	return c, m
}

func rowStrings(rows []Row) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.String() + "\n")
	}
	return b.String()
}

// TestRowsAgainstModel checks on random connections that Rows says the
// same as the model, that its address runs are maximal, and that it does
// not depend on how the connections were cut or ordered.
func TestRowsAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		adds := randomAdditions(rng, 1+rng.IntN(12))
		c, m := build(t, adds)
		rows := c.Rows()
		if got := modelOfRows(t, rows); !modelsEqual(got, m) {
			t.Fatalf("case %d: rows do not say what was added\nadded: %v\nrows:\n%s", i, adds, rowStrings(rows))
		}
		checkMaximal(t, rows)
		c2, _ := build(t, resplit(rng, adds))
		if a, b := rowStrings(rows), rowStrings(c2.Rows()); a != b {
			t.Fatalf("case %d: rows depend on how connections were cut\n%s\nvs\n%s", i, a, b)
		}
	}
}

func modelsEqual(a, b model) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// checkMaximal fails if two rows of the same workload, direction and
// protocol have overlapping address ranges, or touching ones with the
// same ports.
func checkMaximal(t *testing.T, rows []Row) {
	t.Helper()
	type key struct{ workload, dir, proto string }
	byKey := map[key][]Row{}
	for _, r := range rows {
		switch {
		case workloadRE.MatchString(r.Src) && !workloadRE.MatchString(r.Dst):
			byKey[key{r.Src, "egress", r.Proto}] = append(byKey[key{r.Src, "egress", r.Proto}], r)
		case !workloadRE.MatchString(r.Src):
			byKey[key{r.Dst, "ingress", r.Proto}] = append(byKey[key{r.Dst, "ingress", r.Proto}], r)
		}
	}
	for k, rs := range byKey {
		var ranges []ipPorts
		for _, r := range rs {
			s := r.Dst
			if k.dir == "ingress" {
				s = r.Src
			}
			ir, err := ParseIPRanges(s)
			if err != nil {
				t.Fatal(err)
			}
			ranges = append(ranges, ipPorts{ir[0], r.Ports})
		}
		slices.SortFunc(ranges, func(a, b ipPorts) int { return a.r.First.Compare(b.r.First) })
		for i := 1; i < len(ranges); i++ {
			p, q := ranges[i-1], ranges[i]
			if !p.r.Last.Less(q.r.First) {
				t.Fatalf("%v: ranges %s and %s overlap", k, p.r, q.r)
			}
			if p.r.Last.Next() == q.r.First && p.ports.Equal(q.ports) {
				t.Fatalf("%v: ranges %s and %s touch with equal ports %s", k, p.r, q.r, p.ports)
			}
		}
	}
}

// TestDiffAgainstModel checks on random pairs that Diff reports exactly
// the points where the two models differ, with each side's ports there.
func TestDiffAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		addsA := randomAdditions(rng, 1+rng.IntN(10))
		addsB := slices.Clone(addsA)
		// Change a few connections so that the two sides mostly agree.
		for range rng.IntN(4) {
			if len(addsB) > 0 && rng.IntN(2) == 0 {
				addsB = slices.Delete(addsB, 0, 1)
			}
			addsB = append(addsB, randomAdditions(rng, 1)...)
		}
		a, ma := build(t, addsA)
		b, mb := build(t, resplit(rng, addsB))
		diff := Diff(a, b)
		if modelsEqual(ma, mb) != (len(diff) == 0) {
			t.Fatalf("case %d: models equal %v but %d differences", i, modelsEqual(ma, mb), len(diff))
		}
		// Every point of a difference has exactly the reported ports.
		covered := map[point]bool{}
		for _, d := range diff {
			src, dst := parseEndpoint(t, d.Src), parseEndpoint(t, d.Dst)
			for _, s := range expand(src) {
				for _, ds := range expand(dst) {
					for _, port := range modelPorts {
						p := point{s, ds, d.Proto, port}
						if covered[p] {
							t.Fatalf("case %d: %v in two differences", i, p)
						}
						covered[p] = true
						if ma[p] != contains(d.NpGuard, port) || mb[p] != contains(d.Aksnet, port) {
							t.Fatalf("case %d: difference %s is wrong at %v", i, d, p)
						}
					}
				}
			}
		}
		// Every point where the models differ is in some difference.
		for p := range ma {
			if !mb[p] && !covered[p] {
				t.Fatalf("case %d: %v only in the first side, in no difference", i, p)
			}
		}
		for p := range mb {
			if !ma[p] && !covered[p] {
				t.Fatalf("case %d: %v only in the second side, in no difference", i, p)
			}
		}
		if d := Diff(a, a); len(d) != 0 {
			t.Fatalf("case %d: a connectivity differs from itself: %v", i, d)
		}
	}
}

func contains(s PortSet, port int) bool {
	for _, r := range s {
		if r.Lo <= port && port <= r.Hi {
			return true
		}
	}
	return false
}

func ExampleConnectivity_Rows() {
	c := NewConnectivity()
	web := Workload("shop", "web", "Deployment")
	half := netip.MustParseAddr("128.0.0.0")
	// Two pieces of the address space with the same ports read as one.
	_ = c.Add(Addresses(IPRange{IPv4All.First, half.Prev()}), web, "TCP", PortSet{{443, 443}})
	_ = c.Add(Addresses(IPRange{half, IPv4All.Last}), web, "TCP", PortSet{{443, 443}, {80, 80}})
	_ = c.AddAll(web, Workload("shop", "db", "StatefulSet"))
	for _, r := range c.Rows() {
		fmt.Println(r)
	}
	// Output:
	// 0.0.0.0-127.255.255.255 => shop/web[Deployment] : TCP 443
	// 128.0.0.0-255.255.255.255 => shop/web[Deployment] : TCP 80,443
	// shop/web[Deployment] => shop/db[StatefulSet] : TCP 1-65535
	// shop/web[Deployment] => shop/db[StatefulSet] : UDP 1-65535
	// shop/web[Deployment] => shop/db[StatefulSet] : SCTP 1-65535
}
