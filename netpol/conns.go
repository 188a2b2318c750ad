package netpol

import (
	"slices"
	"strconv"
	"strings"
)

// Protocol is a transport protocol NetworkPolicy ports can name. The order
// of the constants is the order in which connection sets are printed.
type Protocol uint8

// The protocols of networking.k8s.io/v1 NetworkPolicyPort.
const (
	SCTP Protocol = iota
	TCP
	UDP
	numProtocols
)

var protocolNames = [numProtocols]string{"SCTP", "TCP", "UDP"}

// Protocols returns every protocol in print order.
func Protocols() []Protocol { return []Protocol{SCTP, TCP, UDP} }

func (p Protocol) String() string {
	if p < numProtocols {
		return protocolNames[p]
	}
	return "Protocol(" + strconv.Itoa(int(p)) + ")"
}

// ParseProtocol reads "TCP", "UDP" or "SCTP" in any case.
func ParseProtocol(s string) (Protocol, bool) {
	for p, n := range protocolNames {
		if strings.EqualFold(s, n) {
			return Protocol(p), true
		}
	}
	return 0, false
}

// MinPort and MaxPort bound the ports of a connection set.
const (
	MinPort = 1
	MaxPort = 65535
)

// PortRange is the ports First through Last, both included.
type PortRange struct {
	First, Last uint16
}

// String returns "80" or "8000-8080".
func (r PortRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(int(r.First))
	}
	return strconv.Itoa(int(r.First)) + "-" + strconv.Itoa(int(r.Last))
}

// ConnSet is a set of connections: for each protocol, a set of ports. The
// zero value is the empty set. ConnSet values are immutable: operations
// return new sets and never modify their operands, so they may be shared
// between goroutines.
//
// NetworkPolicy speaks only of TCP, UDP and SCTP; a set holding every port
// of all three is "All Connections".
type ConnSet struct {
	// ports[p] is sorted, disjoint and never holds adjacent ranges.
	ports [numProtocols][]PortRange
}

var fullRange = []PortRange{{MinPort, MaxPort}}

// AllConns returns the set of every port of every protocol.
func AllConns() ConnSet {
	var c ConnSet
	for p := range c.ports {
		c.ports[p] = fullRange
	}
	return c
}

// NewConnSet returns the set holding the given ports of one protocol.
// Ranges may overlap or be given in any order; ranges with First > Last
// are ignored, and port 0 is dropped.
func NewConnSet(p Protocol, ranges ...PortRange) ConnSet {
	var c ConnSet
	if p >= numProtocols {
		return c
	}
	c.ports[p] = normalize(ranges)
	return c
}

// ProtocolConns returns the set of every port of one protocol.
func ProtocolConns(p Protocol) ConnSet { return NewConnSet(p, PortRange{MinPort, MaxPort}) }

func normalize(in []PortRange) []PortRange {
	rs := make([]PortRange, 0, len(in))
	for _, r := range in {
		if r.First == 0 {
			r.First = 1
		}
		if r.First <= r.Last {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b PortRange) int { return int(a.First) - int(b.First) })
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && uint32(r.First) <= uint32(out[n-1].Last)+1 {
			if r.Last > out[n-1].Last {
				out[n-1].Last = r.Last
			}
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil
	}
	if len(out) == 1 && out[0] == fullRange[0] {
		return fullRange
	}
	return slices.Clip(out)
}

// IsEmpty reports whether the set holds no connection.
func (c ConnSet) IsEmpty() bool {
	for _, rs := range c.ports {
		if len(rs) > 0 {
			return false
		}
	}
	return true
}

// IsAll reports whether the set holds every port of every protocol.
func (c ConnSet) IsAll() bool {
	for _, rs := range c.ports {
		if !isFull(rs) {
			return false
		}
	}
	return true
}

func isFull(rs []PortRange) bool { return len(rs) == 1 && rs[0] == fullRange[0] }

// Ports returns the port ranges of one protocol, sorted and disjoint. The
// caller must not modify the result.
func (c ConnSet) Ports(p Protocol) []PortRange {
	if p >= numProtocols {
		return nil
	}
	return c.ports[p]
}

// Contains reports whether the set holds port of protocol p.
func (c ConnSet) Contains(p Protocol, port uint16) bool {
	if p >= numProtocols {
		return false
	}
	rs := c.ports[p]
	i, _ := slices.BinarySearchFunc(rs, port, func(r PortRange, port uint16) int {
		switch {
		case r.Last < port:
			return -1
		case r.First > port:
			return 1
		}
		return 0
	})
	return i < len(rs) && rs[i].First <= port && port <= rs[i].Last
}

// Union returns the connections in c or o.
func (c ConnSet) Union(o ConnSet) ConnSet {
	var r ConnSet
	for p := range c.ports {
		a, b := c.ports[p], o.ports[p]
		switch {
		case len(b) == 0 || isFull(a):
			r.ports[p] = a
		case len(a) == 0 || isFull(b):
			r.ports[p] = b
		default:
			r.ports[p] = normalize(append(slices.Clone(a), b...))
		}
	}
	return r
}

// Intersect returns the connections in both c and o.
func (c ConnSet) Intersect(o ConnSet) ConnSet {
	var r ConnSet
	for p := range c.ports {
		a, b := c.ports[p], o.ports[p]
		switch {
		case len(a) == 0 || len(b) == 0:
		case isFull(a):
			r.ports[p] = b
		case isFull(b):
			r.ports[p] = a
		default:
			r.ports[p] = intersect(a, b)
		}
	}
	return r
}

func intersect(a, b []PortRange) []PortRange {
	var out []PortRange
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].First, b[j].First), min(a[i].Last, b[j].Last)
		if lo <= hi {
			out = append(out, PortRange{lo, hi})
		}
		if a[i].Last < b[j].Last {
			i++
		} else {
			j++
		}
	}
	return out
}

// Subtract returns the connections in c but not in o.
func (c ConnSet) Subtract(o ConnSet) ConnSet {
	var r ConnSet
	for p := range c.ports {
		a, b := c.ports[p], o.ports[p]
		if len(a) == 0 || len(b) == 0 {
			r.ports[p] = a
			continue
		}
		r.ports[p] = intersect(a, complement(b))
	}
	return r
}

func complement(rs []PortRange) []PortRange {
	var out []PortRange
	next := uint32(MinPort)
	for _, r := range rs {
		if uint32(r.First) > next {
			out = append(out, PortRange{uint16(next), r.First - 1})
		}
		next = uint32(r.Last) + 1
	}
	if next <= MaxPort {
		out = append(out, PortRange{uint16(next), MaxPort})
	}
	return out
}

// Equal reports whether c and o hold the same connections.
func (c ConnSet) Equal(o ConnSet) bool {
	for p := range c.ports {
		if !slices.Equal(c.ports[p], o.ports[p]) {
			return false
		}
	}
	return true
}

// ContainsAll reports whether every connection of o is in c.
func (c ConnSet) ContainsAll(o ConnSet) bool { return o.Subtract(c).IsEmpty() }

// String formats the set as netpol-analyzer does: "All Connections",
// "No Connections", or per protocol in the order SCTP, TCP, UDP its port
// ranges, as in "TCP 80,8000-8080,UDP 53".
func (c ConnSet) String() string {
	if c.IsAll() {
		return "All Connections"
	}
	if c.IsEmpty() {
		return "No Connections"
	}
	var b strings.Builder
	for p, rs := range c.ports {
		if len(rs) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(protocolNames[p])
		b.WriteByte(' ')
		for i, r := range rs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(r.String())
		}
	}
	return b.String()
}

// ParseConnSet reads what String writes, and also "PROTO/PORT" and
// "PROTO/FIRST-LAST" (as in "tcp/443") and a bare protocol ("udp", every
// port). It is meant for command lines.
func ParseConnSet(s string) (ConnSet, bool) {
	s = strings.TrimSpace(s)
	switch {
	case s == "All Connections" || strings.EqualFold(s, "all"):
		return AllConns(), true
	case s == "No Connections":
		return ConnSet{}, true
	case s == "":
		return ConnSet{}, false
	}
	if proto, rest, ok := strings.Cut(s, "/"); ok {
		p, ok := ParseProtocol(proto)
		if !ok {
			return ConnSet{}, false
		}
		r, ok := parsePortRange(rest)
		if !ok {
			return ConnSet{}, false
		}
		return NewConnSet(p, r), true
	}
	if p, ok := ParseProtocol(s); ok {
		return ProtocolConns(p), true
	}
	// "TCP 80,8000-8080,UDP 53"
	var c ConnSet
	cur := Protocol(numProtocols)
	for _, part := range strings.Split(s, ",") {
		if name, ports, ok := strings.Cut(part, " "); ok {
			p, ok := ParseProtocol(name)
			if !ok {
				return ConnSet{}, false
			}
			cur, part = p, ports
		}
		if cur == numProtocols {
			return ConnSet{}, false
		}
		r, ok := parsePortRange(part)
		if !ok {
			return ConnSet{}, false
		}
		c = c.Union(NewConnSet(cur, r))
	}
	return c, true
}

func parsePortRange(s string) (PortRange, bool) {
	first, last, isRange := strings.Cut(s, "-")
	a, err := strconv.ParseUint(first, 10, 16)
	if err != nil || a < MinPort {
		return PortRange{}, false
	}
	b := a
	if isRange {
		b, err = strconv.ParseUint(last, 10, 16)
		if err != nil || b < a {
			return PortRange{}, false
		}
	}
	return PortRange{uint16(a), uint16(b)}, true
}
