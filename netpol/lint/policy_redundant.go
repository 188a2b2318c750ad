package lint

import (
	"fmt"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var policyRedundant = &Rule{
	ID:       "policy-redundant",
	Title:    "NetworkPolicy that changes nothing: others allow all it allows and isolate all it selects",
	Severity: finding.Warning,
	Doc: "NetworkPolicies add up: a connection is allowed when any policy that isolates the pod allows " +
		"it. A policy whose every allowed connection is also allowed by other policies for the same " +
		"pods, and whose pods are isolated by those other policies anyway, has no effect: deleting it " +
		"changes nothing. Such a policy is often a narrowing that does not narrow (allowing only port " +
		"443 while another policy allows every port from the same clients), a leftover, or a duplicate; " +
		"readers trust it and reason wrongly about what is allowed. A policy that is the only one to " +
		"isolate its pods changes nothing when it allows everything (a rule without peers and ports). " +
		"Policies without rules (default deny) " +
		"are never reported: isolating is their point, and keeping them is good practice even when other " +
		"policies isolate the same pods. The comparison covers every workload " +
		"and every external address range of the input. A policy with an empty podSelector also guards " +
		"pods created later, so it counts as redundant only when another such policy guards the same " +
		"namespace and direction. When several policies duplicate each other, only the later ones (by " +
		"namespace and name) are reported, so that removing every reported policy keeps the behaviour.",
	Remediation: "Delete the policy, or make it express what was meant: to restrict traffic, narrow the broader policies that allow it too.",
	Sources:     []string{srcK8sNetpol},
	Check:       checkPolicyRedundant,
}

// farEnd is the other end of a connection in the redundancy comparison:
// a workload, the assumed CoreDNS pod, or an external address range.
type farEnd struct {
	workload int // -1 when not a workload
	dns      bool
	rng      netpol.IPRange
}

// ruleMatch is what one rule of a policy admits.
type ruleMatch struct {
	all       bool
	workloads map[int]bool
	dns       bool
	blocks    []netpol.IPRange
	unmatched bool // a selector peer matches nothing
}

type redundancy struct {
	in *input
	// matches are the rules' matches by policy and direction, computed
	// on first use.
	matches [][2][]*ruleMatch
	// verdicts memoises redundantFor by its key.
	verdicts map[string]bool
}

func (rd *redundancy) match(pi int, d netpol.Direction, ri int) *ruleMatch {
	ms := rd.matches[pi][d]
	if ms == nil {
		ms = make([]*ruleMatch, ruleCount(rd.in.r.Policies()[pi].Object, d))
		rd.matches[pi][d] = ms
	}
	if ms[ri] != nil {
		return ms[ri]
	}
	pol := rd.in.r.Policies()[pi]
	peers := rulePeers(pol.Object, d, ri)
	m := &ruleMatch{all: len(peers) == 0, workloads: map[int]bool{}}
	for pj, pe := range peers {
		if pe.IPBlock != nil {
			pm, _ := rd.in.r.MatchPeer(pi, d, ri, pj)
			m.blocks = append(m.blocks, pm.Addresses...)
			continue
		}
		ws, dns := rd.in.peerMatches(pi, d, ri, pj)
		if len(ws) == 0 && !dns {
			m.unmatched = true
		}
		for _, w := range ws {
			m.workloads[w] = true
		}
		m.dns = m.dns || dns
	}
	ms[ri] = m
	return m
}

func (m *ruleMatch) admits(o farEnd) bool {
	switch {
	case m.all:
		return true
	case o.workload >= 0:
		return m.workloads[o.workload]
	case o.dns:
		return m.dns
	}
	for _, b := range m.blocks {
		if b.Covers(o.rng) {
			return true
		}
	}
	return false
}

// conns returns what policy pi allows in direction d between its selected
// workload w and the far end o.
func (rd *redundancy) conns(pi int, d netpol.Direction, w int, o farEnd) netpol.ConnSet {
	r := rd.in.r
	pol := r.Policies()[pi]
	var out netpol.ConnSet
	for ri := range ruleCount(pol.Object, d) {
		if !rd.match(pi, d, ri).admits(o) {
			continue
		}
		dst := r.WorkloadEndpoint(w)
		if d == netpol.Egress {
			dst = rd.endpoint(o)
		}
		c, _ := r.RuleConns(pi, d, ri, dst)
		out = out.Union(c)
	}
	return out
}

func (rd *redundancy) endpoint(o farEnd) netpol.Endpoint {
	switch {
	case o.workload >= 0:
		return rd.in.r.WorkloadEndpoint(o.workload)
	case o.dns:
		return rd.in.dns[0]
	}
	return netpol.ExternalEndpoint(o.rng)
}

// farEnds returns every far end for direction d.
func (rd *redundancy) farEnds(d netpol.Direction) []farEnd {
	r := rd.in.r
	var out []farEnd
	for w := range r.Workloads() {
		out = append(out, farEnd{workload: w})
	}
	if rd.in.dnsAssumed {
		out = append(out, farEnd{workload: -1, dns: true})
	}
	atoms := r.ExternalSources()
	if d == netpol.Egress {
		atoms = r.ExternalDestinations()
	}
	for _, a := range atoms {
		out = append(out, farEnd{workload: -1, rng: a})
	}
	return out
}

func checkPolicyRedundant(p *Pass) {
	r := p.Result
	pols := r.Policies()
	rd := &redundancy{in: p.in, matches: make([][2][]*ruleMatch, len(pols)), verdicts: map[string]bool{}}
	removed := make([]bool, len(pols))
	ends := [2][]farEnd{rd.farEnds(netpol.Ingress), rd.farEnds(netpol.Egress)}
	// Removing a policy can make another one redundant (a policy that
	// allows everything stops being covered by a deny once the deny goes),
	// so passes repeat until one removes nothing.
	for changed := true; changed; {
		changed = false
		for pi := len(pols) - 1; pi >= 0; pi-- {
			if removed[pi] {
				continue
			}
			by, ok := rd.redundant(pi, removed, ends)
			if !ok {
				continue
			}
			removed[pi], changed = true, true
			p.reportRedundant(pi, by)
		}
	}
}

func (p *Pass) reportRedundant(pi int, by []int) {
	r := p.Result
	pols := r.Policies()
	pol := pols[pi]
	names := make([]string, len(by))
	for i, q := range by {
		names[i] = pols[q].String()
	}
	sel := r.SelectedWorkloads(pi)
	selNames := make([]string, len(sel))
	for i, w := range sel {
		selNames[i] = r.Workloads()[w].Peer.String()
	}
	if len(names) == 0 {
		p.Reportf(policySubject(pol), pol.Source, "", "%s changes nothing: it allows every connection in the directions it governs, so isolating the pods it selects (%s) restricts nothing",
			pol, nameList(selNames, 5))
		return
	}
	p.Reportf(policySubject(pol), pol.Source, "", "%s changes nothing: %s also isolate%s the pods it selects (%s) and allow%s every connection it allows",
		pol, nameList(names, 5), verbS(len(names)), nameList(selNames, 5), verbS(len(names)))
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// redundant reports whether policy pi changes nothing given the policies
// not removed, and which policies cover it. For each direction it governs
// and each workload it selects, either other policies isolate the workload
// and allow everything pi allows, or no other policy does and pi allows
// every connection (so its isolation restricts nothing).
func (rd *redundancy) redundant(pi int, removed []bool, ends [2][]farEnd) ([]int, bool) {
	r := rd.in.r
	pols := r.Policies()
	pol := pols[pi]
	sel := r.SelectedWorkloads(pi)
	if len(sel) == 0 || (!pol.Ingress && !pol.Egress) {
		return nil, false
	}
	rules := 0
	for _, d := range directions {
		if pol.Governs(d) {
			rules += ruleCount(pol.Object, d)
		}
	}
	if rules == 0 {
		return nil, false // a default-deny policy: isolating is its whole point
	}
	ps := &pol.Object.Spec.PodSelector
	emptySel := len(ps.MatchLabels) == 0 && len(ps.MatchExpressions) == 0
	by := map[int]bool{}
	for _, d := range directions {
		if !pol.Governs(d) {
			continue
		}
		for ri := range ruleCount(pol.Object, d) {
			if rd.match(pi, d, ri).unmatched {
				return nil, false // its intent cannot be judged; peer-matches-nothing reports it
			}
		}
		all := allowsAll(pol.Object, d)
		if emptySel && !all && !rd.otherNamespaceGuard(pi, d, removed) {
			return nil, false // it also isolates pods created later
		}
		admitted := rd.admitted(pi, d, ends[d])
		for _, w := range sel {
			var others []int
			for _, q := range r.IsolatingPolicies(w, d) {
				if q != pi && !removed[q] {
					others = append(others, q)
				}
			}
			if len(others) == 0 {
				if !all {
					return nil, false
				}
				continue
			}
			for _, q := range others {
				by[q] = true
			}
			if !rd.covered(pi, d, w, others, admitted) {
				return nil, false
			}
		}
	}
	out := make([]int, 0, len(by))
	for q := range by {
		out = append(out, q)
	}
	slices.Sort(out)
	return out, true
}

// allowsAll reports whether a policy has a rule in direction d without
// peers and ports: it allows every connection, now and for pods and
// addresses added later.
func allowsAll(np *networkingv1.NetworkPolicy, d netpol.Direction) bool {
	for ri := range ruleCount(np, d) {
		if len(rulePeers(np, d, ri)) == 0 && len(rulePorts(np, d, ri)) == 0 {
			return true
		}
	}
	return false
}

// admitted returns the far ends some rule of policy pi admits in
// direction d.
func (rd *redundancy) admitted(pi int, d netpol.Direction, ends []farEnd) []farEnd {
	np := rd.in.r.Policies()[pi].Object
	var out []farEnd
	for _, o := range ends {
		for ri := range ruleCount(np, d) {
			if rd.match(pi, d, ri).admits(o) {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// covered reports whether the policies others allow workload w, in
// direction d, everything policy pi allows it toward the far ends pi
// admits. Workloads with the same isolating policies (and, for ingress,
// the same container ports, which resolve named ports) share the answer.
func (rd *redundancy) covered(pi int, d netpol.Direction, w int, others []int, admitted []farEnd) bool {
	key := fmt.Sprint(pi, d, others)
	if d == netpol.Ingress {
		key += fmt.Sprint(rd.in.r.Workloads()[w].Ports)
	}
	if v, ok := rd.verdicts[key]; ok {
		return v
	}
	v := true
	for _, o := range admitted {
		mine := rd.conns(pi, d, w, o)
		if mine.IsEmpty() {
			continue
		}
		var theirs netpol.ConnSet
		for _, q := range others {
			theirs = theirs.Union(rd.conns(q, d, w, o))
			if theirs.ContainsAll(mine) {
				break
			}
		}
		if !theirs.ContainsAll(mine) {
			v = false
			break
		}
	}
	rd.verdicts[key] = v
	return v
}

// otherNamespaceGuard reports whether another policy not removed, in the
// same namespace and with an empty podSelector, governs direction d.
func (rd *redundancy) otherNamespaceGuard(pi int, d netpol.Direction, removed []bool) bool {
	pols := rd.in.r.Policies()
	for q, pol := range pols {
		if q == pi || removed[q] || pol.Namespace != pols[pi].Namespace || !pol.Governs(d) {
			continue
		}
		ps := &pol.Object.Spec.PodSelector
		if len(ps.MatchLabels) == 0 && len(ps.MatchExpressions) == 0 {
			return true
		}
	}
	return false
}
