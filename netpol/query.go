package netpol

import (
	"k8s.io/apimachinery/pkg/labels"
)

// Queries for checks written on top of an analysis. Policies are named by
// their index in Result.Policies, workloads by their index in
// Result.Workloads, rules and peers by their index in the policy's
// spec.ingress or spec.egress and that rule's from or to.

// SelectedWorkloads returns the workloads whose pods the policy's
// podSelector selects in its namespace, whatever its policy types.
// Host-network workloads are never selected.
func (r *Result) SelectedWorkloads(policy int) []int {
	c := r.cpols[policy]
	var out []int
	for i, w := range r.workloads {
		p := &r.classes[w.class].pod
		if !p.hostNet && p.ns == c.ns && c.sel.Matches(p.labels) {
			out = append(out, i)
		}
	}
	return out
}

// IsolatingPolicies returns the policies that select workload w for
// direction d; when there are none, w is not isolated for d and every
// connection in that direction is allowed.
func (r *Result) IsolatingPolicies(w int, d Direction) []int {
	return r.classes[r.workloads[w].class].selectedBy[d]
}

// PeerMatch is what one peer of a rule matches.
type PeerMatch struct {
	// IPBlock is true for ipBlock peers; Addresses are then the addresses
	// of cidr minus except.
	IPBlock   bool
	Addresses []IPRange
	// Namespaces are, for selector peers, the namespaces in scope: those
	// namespaceSelector matches, or the policy's own namespace.
	Namespaces []string
	// Workloads are the workloads of those namespaces the peer matches.
	Workloads []int
}

// MatchPeer returns what peer of rule of the policy's ingress (d ==
// Ingress) or egress rules matches. ok is false when the indexes are out
// of range.
func (r *Result) MatchPeer(policy int, d Direction, rule, peer int) (m PeerMatch, ok bool) {
	if policy < 0 || policy >= len(r.cpols) {
		return m, false
	}
	c := r.cpols[policy]
	if rule < 0 || rule >= len(c.rules[d]) || peer < 0 || peer >= len(c.rules[d][rule].peers) {
		return m, false
	}
	pe := c.rules[d][rule].peers[peer]
	if pe.isBlock {
		return PeerMatch{IPBlock: true, Addresses: append([]IPRange(nil), pe.block...)}, true
	}
	for _, ns := range r.namespaces {
		if pe.nsSel == nil && ns.Name == c.ns || pe.nsSel != nil && pe.nsSel.Matches(labels.Set(ns.Labels)) {
			m.Namespaces = append(m.Namespaces, ns.Name)
		}
	}
	for i, w := range r.workloads {
		if pe.members.has(w.class) {
			m.Workloads = append(m.Workloads, i)
		}
	}
	return m, true
}

// RuleConns returns what rule of the policy's ingress or egress rules
// allows toward the destination dst (named ports resolved against its
// containers; external destinations define no named ports), and the named
// ports ("TCP/http") dst does not define.
func (r *Result) RuleConns(policy int, d Direction, rule int, dst Endpoint) (ConnSet, []string) {
	c := r.cpols[policy]
	return c.rules[d][rule].connsTo(r.view(dst))
}
