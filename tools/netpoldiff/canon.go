package netpoldiff

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Protocols are the transport protocols a NetworkPolicy port can name, in
// the order rows are listed.
var Protocols = []string{"TCP", "UDP", "SCTP"}

// MinPort and MaxPort bound the ports a connection can use.
const (
	MinPort = 1
	MaxPort = 65535
)

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi int }

// PortSet is a set of ports kept as sorted, disjoint, non-adjacent ranges,
// so two equal sets have equal representations. The zero PortSet is empty.
type PortSet []PortRange

// AllPorts is the set of every port.
var AllPorts = PortSet{{MinPort, MaxPort}}

// NewPortSet builds the set holding every port of rs. Ranges may overlap,
// touch or come in any order; empty ranges (Lo > Hi) are dropped and ports
// outside MinPort..MaxPort are clipped.
func NewPortSet(rs ...PortRange) PortSet {
	in := make([]PortRange, 0, len(rs))
	for _, r := range rs {
		r.Lo, r.Hi = max(r.Lo, MinPort), min(r.Hi, MaxPort)
		if r.Lo <= r.Hi {
			in = append(in, r)
		}
	}
	slices.SortFunc(in, func(a, b PortRange) int { return cmp.Compare(a.Lo, b.Lo) })
	var out PortSet
	for _, r := range in {
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// Union returns the ports in s or t.
func (s PortSet) Union(t PortSet) PortSet {
	return NewPortSet(append(slices.Clone(s), t...)...)
}

// Equal reports whether s and t hold the same ports.
func (s PortSet) Equal(t PortSet) bool { return slices.Equal(s, t) }

// String lists the ranges, such as "53,8000-8080"; the empty set is "none".
func (s PortSet) String() string {
	if len(s) == 0 {
		return "none"
	}
	parts := make([]string, len(s))
	for i, r := range s {
		if r.Lo == r.Hi {
			parts[i] = strconv.Itoa(r.Lo)
		} else {
			parts[i] = strconv.Itoa(r.Lo) + "-" + strconv.Itoa(r.Hi)
		}
	}
	return strings.Join(parts, ",")
}

// IPRange is an inclusive range of addresses of one family.
type IPRange struct{ First, Last netip.Addr }

// String writes the range as "first-last", as np-guard does.
func (r IPRange) String() string { return r.First.String() + "-" + r.Last.String() }

// IPv4All is the whole IPv4 address space.
var IPv4All = IPRange{netip.AddrFrom4([4]byte{}), netip.AddrFrom4([4]byte{255, 255, 255, 255})}

// Endpoint is one end of a connection: a workload, written
// "namespace/name[Kind]", or a range of addresses outside the cluster.
type Endpoint struct {
	Workload string
	IP       IPRange
}

// Workload returns the endpoint for a workload.
func Workload(namespace, name, kind string) Endpoint {
	return Endpoint{Workload: namespace + "/" + name + "[" + kind + "]"}
}

// Addresses returns the endpoint for a range of addresses.
func Addresses(r IPRange) Endpoint { return Endpoint{IP: r} }

func (e Endpoint) isIP() bool { return e.Workload == "" }

func (e Endpoint) String() string {
	if e.isIP() {
		return e.IP.String()
	}
	return e.Workload
}

// Connectivity accumulates the connections one tool allows. Connections
// between workloads are keyed by the pair; connections with addresses are
// kept per workload, direction and protocol as a function from address to
// ports, so how a tool happens to split the address space does not matter.
type Connectivity struct {
	pods map[podKey]PortSet
	ext  map[extKey][]ipPorts
}

type podKey struct{ src, dst, proto string }

// extKey names one workload's connections with addresses in one direction:
// egress (workload to address) or ingress (address to workload).
type extKey struct {
	workload string
	egress   bool
	proto    string
}

type ipPorts struct {
	r     IPRange
	ports PortSet
}

// NewConnectivity returns an empty Connectivity.
func NewConnectivity() *Connectivity {
	return &Connectivity{pods: map[podKey]PortSet{}, ext: map[extKey][]ipPorts{}}
}

// Add records that src may open connections to dst over proto on ports.
// Connections from a workload to itself are not recorded: np-guard does not
// list them, since a workload's replicas talking to each other says nothing
// about the policies between workloads. Connections between two address
// ranges are outside any NetworkPolicy and are refused with an error.
func (c *Connectivity) Add(src, dst Endpoint, proto string, ports PortSet) error {
	if !slices.Contains(Protocols, proto) {
		return fmt.Errorf("protocol %q is none of %v", proto, Protocols)
	}
	ports = NewPortSet(ports...)
	if len(ports) == 0 {
		return nil
	}
	switch {
	case src.isIP() && dst.isIP():
		return fmt.Errorf("connection %s => %s has no workload end", src, dst)
	case src.isIP():
		if err := checkRange(src.IP); err != nil {
			return err
		}
		k := extKey{dst.Workload, false, proto}
		c.ext[k] = append(c.ext[k], ipPorts{src.IP, ports})
	case dst.isIP():
		if err := checkRange(dst.IP); err != nil {
			return err
		}
		k := extKey{src.Workload, true, proto}
		c.ext[k] = append(c.ext[k], ipPorts{dst.IP, ports})
	case src.Workload == dst.Workload:
		return nil
	default:
		k := podKey{src.Workload, dst.Workload, proto}
		c.pods[k] = c.pods[k].Union(ports)
	}
	return nil
}

// AddAll records that src may reach dst on every protocol and port.
func (c *Connectivity) AddAll(src, dst Endpoint) error {
	for _, p := range Protocols {
		if err := c.Add(src, dst, p, AllPorts); err != nil {
			return err
		}
	}
	return nil
}

func checkRange(r IPRange) error {
	if !r.First.IsValid() || !r.Last.IsValid() || r.First.Is4() != r.Last.Is4() || r.Last.Less(r.First) {
		return fmt.Errorf("address range %s is not a range of one family", r)
	}
	return nil
}

// Row is one line of a canonical connection list: src may reach dst over
// Proto on Ports.
type Row struct {
	Src, Dst, Proto string
	Ports           PortSet
}

// String writes the row as "src => dst : PROTO ports".
func (r Row) String() string {
	return r.Src + " => " + r.Dst + " : " + r.Proto + " " + r.Ports.String()
}

// Rows lists the connections canonically: one row per connected pair and
// protocol, ports merged into ranges, and address ranges as the largest
// contiguous runs over which a workload's ports do not change. Rows are
// sorted by source, destination and protocol.
func (c *Connectivity) Rows() []Row {
	var rows []Row
	for k, ports := range c.pods {
		rows = append(rows, Row{k.src, k.dst, k.proto, ports})
	}
	for k, entries := range c.ext {
		for _, s := range segments(entries, nil) {
			if len(s.a) == 0 {
				continue
			}
			rows = append(rows, extRow(k, s.r, s.a))
		}
	}
	sortRows(rows)
	return rows
}

func extRow(k extKey, r IPRange, ports PortSet) Row {
	if k.egress {
		return Row{k.workload, r.String(), k.proto, ports}
	}
	return Row{r.String(), k.workload, k.proto, ports}
}

func sortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Src, b.Src), cmp.Compare(a.Dst, b.Dst),
			cmp.Compare(slices.Index(Protocols, a.Proto), slices.Index(Protocols, b.Proto)))
	})
}

// segment is a maximal run of addresses over which the ports of two lists
// of address entries (a and b) stay the same.
type segment struct {
	r    IPRange
	a, b PortSet
}

// segments cuts the address space at every boundary of a and b, gives each
// piece the union of the ports of the entries covering it, and joins
// neighbouring pieces whose ports are equal. Pieces covered by neither list
// are left out. Each address family is cut on its own.
func segments(a, b []ipPorts) []segment {
	var out []segment
	for _, is4 := range []bool{true, false} {
		fa, fb := family(a, is4), family(b, is4)
		if len(fa)+len(fb) == 0 {
			continue
		}
		var starts []netip.Addr
		last := netip.Addr{}
		for _, e := range slices.Concat(fa, fb) {
			starts = append(starts, e.r.First)
			if n := e.r.Last.Next(); n.IsValid() {
				starts = append(starts, n)
			}
			if !last.IsValid() || last.Less(e.r.Last) {
				last = e.r.Last
			}
		}
		slices.SortFunc(starts, netip.Addr.Compare)
		starts = slices.Compact(starts)
		sa, sb := newSweep(fa), newSweep(fb)
		for i, s := range starts {
			if last.Less(s) {
				break
			}
			end := last
			if i+1 < len(starts) {
				end = starts[i+1].Prev()
			}
			seg := segment{IPRange{s, end}, sa.portsAt(s), sb.portsAt(s)}
			if len(seg.a) == 0 && len(seg.b) == 0 {
				continue
			}
			if n := len(out); n > 0 && out[n-1].r.Last.Next() == s &&
				out[n-1].a.Equal(seg.a) && out[n-1].b.Equal(seg.b) {
				out[n-1].r.Last = end
				continue
			}
			out = append(out, seg)
		}
	}
	return out
}

func family(es []ipPorts, is4 bool) []ipPorts {
	var out []ipPorts
	for _, e := range es {
		if e.r.First.Is4() == is4 {
			out = append(out, e)
		}
	}
	return out
}

// sweep answers, for addresses asked in increasing order, the union of
// the ports of the entries holding each address.
type sweep struct {
	es     []ipPorts // sorted by first address
	next   int       // es[next:] start after the last address asked
	active []ipPorts // entries started, not known to have ended
}

func newSweep(es []ipPorts) *sweep {
	es = slices.Clone(es)
	slices.SortFunc(es, func(a, b ipPorts) int { return a.r.First.Compare(b.r.First) })
	return &sweep{es: es}
}

// portsAt returns the ports at addr. Since segments cuts at every entry
// boundary, an entry holding a segment's first address holds all of it.
func (w *sweep) portsAt(addr netip.Addr) PortSet {
	for w.next < len(w.es) && !addr.Less(w.es[w.next].r.First) {
		w.active = append(w.active, w.es[w.next])
		w.next++
	}
	w.active = slices.DeleteFunc(w.active, func(e ipPorts) bool { return e.r.Last.Less(addr) })
	var ports PortSet
	for _, e := range w.active {
		ports = ports.Union(e.ports)
	}
	return ports
}

// Difference is a connection on which np-guard and aksnet disagree: the
// ports each allows from Src to Dst over Proto.
type Difference struct {
	Src, Dst, Proto string
	NpGuard, Aksnet PortSet
}

// String writes the difference on one line.
func (d Difference) String() string {
	return fmt.Sprintf("%s => %s : %s np-guard %s, aksnet %s", d.Src, d.Dst, d.Proto, d.NpGuard, d.Aksnet)
}

// Diff lists every connection on which np and ak disagree, canonically: one
// entry per workload pair and protocol, and for addresses one per maximal
// run of addresses over which both tools' ports stay the same. Entries are
// sorted like rows.
func Diff(np, ak *Connectivity) []Difference {
	var out []Difference
	for k := range unionKeys(np.pods, ak.pods) {
		if a, b := np.pods[k], ak.pods[k]; !a.Equal(b) {
			out = append(out, Difference{k.src, k.dst, k.proto, a, b})
		}
	}
	for k := range unionKeys(np.ext, ak.ext) {
		for _, s := range segments(np.ext[k], ak.ext[k]) {
			if s.a.Equal(s.b) {
				continue
			}
			r := extRow(k, s.r, nil)
			out = append(out, Difference{r.Src, r.Dst, k.proto, s.a, s.b})
		}
	}
	slices.SortFunc(out, func(a, b Difference) int {
		return cmp.Or(cmp.Compare(a.Src, b.Src), cmp.Compare(a.Dst, b.Dst),
			cmp.Compare(slices.Index(Protocols, a.Proto), slices.Index(Protocols, b.Proto)))
	})
	return out
}

func unionKeys[K comparable, V any](a, b map[K]V) map[K]struct{} {
	keys := make(map[K]struct{}, len(a)+len(b))
	for k := range a {
		keys[k] = struct{}{}
	}
	for k := range b {
		keys[k] = struct{}{}
	}
	return keys
}
