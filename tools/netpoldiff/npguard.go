package netpoldiff

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/np-guard/netpol-analyzer/pkg/netpol/connlist"
)

// NpGuard runs np-guard netpol-analyzer's connection-list analysis over the
// manifests under dir and returns the connections it allows. Problems
// np-guard calls fatal, and panics inside it, are errors. Its severe errors
// (an input it skipped, such as a JSON file that is no Kubernetes object)
// and warnings are returned for the record.
func NpGuard(dir string) (c *Connectivity, warnings []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, warnings, err = nil, nil, fmt.Errorf("np-guard panicked on %s: %v", dir, r)
		}
	}()
	ca := connlist.NewConnlistAnalyzer(connlist.WithMuteErrsAndWarns(), connlist.WithLogger(quietLogger{}))
	conns, _, err := ca.ConnlistFromDirPath(dir)
	var problems []error
	if err != nil {
		problems = append(problems, err)
	}
	for _, e := range ca.Errors() {
		msg := e.Error().Error()
		if loc := e.Location(); loc != "" {
			msg = loc + ": " + msg
		}
		switch {
		case e.IsFatal():
			problems = append(problems, errors.New(msg))
		case e.IsSevere():
			warnings = append(warnings, "severe: "+msg)
		default:
			warnings = append(warnings, msg)
		}
	}
	if len(problems) > 0 {
		return nil, warnings, fmt.Errorf("np-guard could not analyse %s: %w", dir, errors.Join(problems...))
	}
	c = NewConnectivity()
	for _, p2p := range conns {
		if err := addNpGuardConn(c, p2p); err != nil {
			return nil, warnings, fmt.Errorf("np-guard connection %s => %s: %w", p2p.Src(), p2p.Dst(), err)
		}
	}
	return c, warnings, nil
}

// quietLogger drops np-guard's log lines: everything it logs also comes
// back from the analyzer's Errors.
type quietLogger struct{}

func (quietLogger) Debugf(string, ...any)        {}
func (quietLogger) Infof(string, ...any)         {}
func (quietLogger) Warnf(string, ...any)         {}
func (quietLogger) Errorf(error, string, ...any) {}

func addNpGuardConn(c *Connectivity, p2p connlist.Peer2PeerConnection) error {
	srcs, err := npGuardEndpoints(p2p.Src())
	if err != nil {
		return err
	}
	dsts, err := npGuardEndpoints(p2p.Dst())
	if err != nil {
		return err
	}
	for _, src := range srcs {
		for _, dst := range dsts {
			if p2p.AllProtocolsAndPorts() {
				if err := c.AddAll(src, dst); err != nil {
					return err
				}
				continue
			}
			for proto, ranges := range p2p.ProtocolsAndPorts() {
				var ports []PortRange
				for _, r := range ranges {
					// np-guard also lists the ports a connection does
					// not allow, for its explanations; keep the allowed.
					if in, ok := r.(interface{ InSet() bool }); ok && !in.InSet() {
						continue
					}
					ports = append(ports, PortRange{int(r.Start()), int(r.End())})
				}
				if err := c.Add(src, dst, string(proto), NewPortSet(ports...)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// npGuardEndpoints turns an np-guard peer into endpoints: a workload, or
// one endpoint per address range of an IP peer.
func npGuardEndpoints(p connlist.Peer) ([]Endpoint, error) {
	if !p.IsPeerIPType() {
		return []Endpoint{Workload(p.Namespace(), p.Name(), p.Kind())}, nil
	}
	rs, err := ParseIPRanges(p.IP())
	if err != nil {
		return nil, err
	}
	eps := make([]Endpoint, len(rs))
	for i, r := range rs {
		eps[i] = Addresses(r)
	}
	return eps, nil
}

// ParseIPRanges reads np-guard's text for a set of addresses: ranges
// "first-last" separated by commas, such as
// "0.0.0.0-9.255.255.255, 11.0.0.0-255.255.255.255". A single address
// without a dash stands for itself.
func ParseIPRanges(s string) ([]IPRange, error) {
	var out []IPRange
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		first, last, found := strings.Cut(part, "-")
		if !found {
			last = first
		}
		a, err := netip.ParseAddr(first)
		if err != nil {
			return nil, fmt.Errorf("address range %q: %w", part, err)
		}
		b, err := netip.ParseAddr(last)
		if err != nil {
			return nil, fmt.Errorf("address range %q: %w", part, err)
		}
		r := IPRange{a, b}
		if err := checkRange(r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
