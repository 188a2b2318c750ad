package netpoldiff

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// workloadRE matches np-guard's name for a workload: namespace/name[Kind].
var workloadRE = regexp.MustCompile(`^([^/\s\[\]]+)/([^/\s\[\]]+)\[([A-Za-z]+)\]$`)

// ParseConnlistText reads the text np-guard's "list" command writes, one
// allowed connection a line:
//
//	default/frontend[Deployment] => default/backend[Deployment] : TCP 8080,9090,UDP 53
//	0.0.0.0-9.255.255.255 => default/frontend[Deployment] : All Connections
//
// and aksnet's "netpol list" imitates. Blank lines are skipped. Errors name
// the line and what is wrong with it.
func ParseConnlistText(r io.Reader) (*Connectivity, error) {
	c := NewConnectivity()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := parseConnlistLine(c, line); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func parseConnlistLine(c *Connectivity, line string) error {
	src, rest, ok := strings.Cut(line, " => ")
	if !ok {
		return fmt.Errorf("%q has no \" => \" between source and destination", line)
	}
	dst, conns, ok := strings.Cut(rest, " : ")
	if !ok {
		return fmt.Errorf("%q has no \" : \" before the connections", line)
	}
	srcs, err := parseEndpoints(src)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	dsts, err := parseEndpoints(dst)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	ports, err := ParseConns(conns)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		for _, d := range dsts {
			for _, p := range Protocols {
				if err := c.Add(s, d, p, ports[p]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// parseEndpoints reads a workload name or a list of address ranges.
func parseEndpoints(s string) ([]Endpoint, error) {
	if m := workloadRE.FindStringSubmatch(s); m != nil {
		return []Endpoint{Workload(m[1], m[2], m[3])}, nil
	}
	if strings.ContainsAny(s, "/[") {
		return nil, fmt.Errorf("%q is neither namespace/name[Kind] nor address ranges", s)
	}
	rs, err := ParseIPRanges(s)
	if err != nil {
		return nil, err
	}
	eps := make([]Endpoint, len(rs))
	for i, r := range rs {
		eps[i] = Addresses(r)
	}
	return eps, nil
}

// ParseConns reads the connections part of a line: "All Connections", or
// comma-separated port items where an item that starts with a protocol
// switches to it, as in "TCP 80,8080-8090,UDP 53".
func ParseConns(s string) (map[string]PortSet, error) {
	out := map[string]PortSet{}
	if s == "All Connections" {
		for _, p := range Protocols {
			out[p] = AllPorts
		}
		return out, nil
	}
	if s == "No Connections" {
		return out, nil
	}
	proto := ""
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if p, ports, ok := strings.Cut(item, " "); ok {
			if !slices.Contains(Protocols, p) {
				return nil, fmt.Errorf("connections %q: %q is none of the protocols %v", s, p, Protocols)
			}
			proto, item = p, ports
		}
		if proto == "" {
			return nil, fmt.Errorf("connections %q: ports %q come before any protocol", s, item)
		}
		r, err := parsePortRange(item)
		if err != nil {
			return nil, fmt.Errorf("connections %q: %w", s, err)
		}
		out[proto] = out[proto].Union(PortSet{r})
	}
	return out, nil
}

func parsePortRange(s string) (PortRange, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		hi = lo
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a < MinPort || b > MaxPort || a > b {
		return PortRange{}, fmt.Errorf("%q is not a port or port range within %d-%d", s, MinPort, MaxPort)
	}
	return PortRange{a, b}, nil
}
