package netpol

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Pod describes a pod for questions about pods that are not in the input,
// such as "may this workload reach CoreDNS?".
type Pod struct {
	Namespace   string
	Labels      map[string]string
	Ports       []corev1.ContainerPort
	HostNetwork bool
	// NamespaceLabels are used when Namespace is not in the input; nil
	// means the namespace carries only its name label.
	NamespaceLabels map[string]string
}

// Endpoint is one end of a connection asked about: a workload of the
// input, a hypothetical Pod, or a range of external addresses.
type Endpoint struct {
	// Name labels the endpoint in explanations.
	Name string
	// Pod is set for pods; nil for external addresses.
	Pod *Pod
	// Range holds the external addresses when Pod is nil.
	Range IPRange

	class int // class index + 1 for workloads of the input
}

// IsExternal reports whether e is a range of external addresses.
func (e Endpoint) IsExternal() bool { return e.Pod == nil }

// WorkloadEndpoint returns the endpoint of workload i (an index into
// Workloads).
func (r *Result) WorkloadEndpoint(i int) Endpoint {
	w := &r.workloads[i]
	return Endpoint{
		Name:  w.Peer.String(),
		Pod:   &Pod{Namespace: w.Peer.Namespace, Labels: w.Labels, Ports: w.Ports, HostNetwork: w.HostNetwork},
		class: w.class + 1,
	}
}

// PeerEndpoint returns the endpoint of a peer of Connections.
func (r *Result) PeerEndpoint(p Peer) (Endpoint, bool) {
	if p.IsExternal() {
		return ExternalEndpoint(p.Range), p.Range.IsValid()
	}
	i, ok := slices.BinarySearchFunc(r.workloads, p.String(), func(w Workload, s string) int { return strings.Compare(w.Peer.String(), s) })
	if !ok {
		return Endpoint{}, false
	}
	return r.WorkloadEndpoint(i), true
}

// ExternalEndpoint returns the endpoint of a range of addresses outside
// the cluster.
func ExternalEndpoint(rng IPRange) Endpoint {
	name := rng.String()
	if rng.First == rng.Last {
		name = rng.First.String()
	}
	return Endpoint{Name: name, Range: rng}
}

// PodEndpoint returns the endpoint of a hypothetical pod.
func PodEndpoint(name string, p Pod) Endpoint { return Endpoint{Name: name, Pod: &p} }

// ParseEndpoint finds what s names: a workload as "namespace/name[Kind]",
// "namespace/name" or "name" (when that is unique), or external addresses
// as an address, a CIDR prefix or a range "first-last".
func (r *Result) ParseEndpoint(s string) (Endpoint, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Endpoint{}, fmt.Errorf("empty endpoint")
	}
	if strings.HasSuffix(s, "]") && strings.Contains(s, "[") {
		for i, w := range r.workloads {
			if w.Peer.String() == s {
				return r.WorkloadEndpoint(i), nil
			}
		}
		return Endpoint{}, r.unknown(s)
	}
	if rng, err := ParseIPRange(s); err == nil {
		return ExternalEndpoint(rng), nil
	}
	ns, name, qualified := strings.Cut(s, "/")
	if !qualified {
		name = s
	}
	var found []int
	for i, w := range r.workloads {
		if w.Peer.Name == name && (!qualified || w.Peer.Namespace == ns) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return Endpoint{}, r.unknown(s)
	case 1:
		return r.WorkloadEndpoint(found[0]), nil
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = r.workloads[f].Peer.String()
	}
	return Endpoint{}, fmt.Errorf("%q names %d workloads: %s; write one of them in full", s, len(found), strings.Join(names, ", "))
}

func (r *Result) unknown(s string) error {
	var near []string
	key := s
	if i := strings.LastIndexAny(key, "/"); i >= 0 {
		key = key[i+1:]
	}
	key, _, _ = strings.Cut(key, "[")
	for _, w := range r.workloads {
		if strings.Contains(w.Peer.Name, key) || strings.Contains(key, w.Peer.Name) {
			near = append(near, w.Peer.String())
		}
	}
	msg := fmt.Sprintf("no workload %q in the input", s)
	if len(near) > 0 && len(near) <= 5 {
		msg += "; did you mean " + strings.Join(near, " or ") + "?"
	} else if len(r.workloads) > 0 {
		msg += fmt.Sprintf(" (there are %d workloads; aksnet netpol list shows them)", len(r.workloads))
	}
	return fmt.Errorf("%s", msg)
}

// view returns how the semantics see an endpoint's pod, or nil for
// external endpoints.
func (r *Result) view(e Endpoint) *podView {
	if e.Pod == nil {
		return nil
	}
	if e.class > 0 && e.class <= len(r.classes) {
		return &r.classes[e.class-1].pod
	}
	nsl := r.nsLabels(e.Pod.Namespace)
	if _, ok := r.nsIndex[e.Pod.Namespace]; !ok && e.Pod.NamespaceLabels != nil {
		nsl = labels.Set(maps.Clone(e.Pod.NamespaceLabels))
		nsl[NameLabel] = e.Pod.Namespace
	}
	ns := e.Pod.Namespace
	if ns == "" {
		ns = "default"
	}
	return &podView{ns: ns, nsLabels: nsl, labels: labels.Set(e.Pod.Labels), ports: e.Pod.Ports, hostNet: e.Pod.HostNetwork, class: -1}
}

// end is an endpoint as the semantics see it.
type end struct {
	pod *podView // nil for external
	rng IPRange
}

// selectedBy returns the policies selecting p for direction d.
func (r *Result) selectedBy(p *podView, d Direction) []int {
	if p.class >= 0 {
		return r.classes[p.class].selectedBy[d]
	}
	var out []int
	for pi := range r.cpols {
		if r.selects(pi, d, p) {
			out = append(out, pi)
		}
	}
	return out
}

// match reports whether a rule of a policy in namespace policyNS applies
// to the far end o: the index of the first matching peer, -1 for a rule
// without peers, or -2 when nothing matches. partial lists the peers whose
// ipBlock covers only part of an external range.
func (r *Result) match(ru *crule, policyNS string, o end) (peer int, partial []int) {
	if ru.all {
		return -1, nil
	}
	for i, pe := range ru.peers {
		switch {
		case o.pod == nil:
			if !pe.isBlock {
				continue
			}
			if pe.block.covers(o.rng) {
				return i, nil
			}
			if pe.block.overlaps(o.rng) {
				partial = append(partial, i)
			}
		case o.pod.class >= 0 && pe.members != nil:
			if pe.members.has(o.pod.class) {
				return i, nil
			}
		case r.peerMatchesPod(pe, policyNS, o.pod):
			return i, nil
		}
	}
	return -2, partial
}

// connsTo returns what a rule allows to a destination pod (nil for
// external destinations), resolving named ports against its containers,
// and the named ports it does not define.
func (ru *crule) connsTo(dst *podView) (ConnSet, []string) {
	c := ru.conns
	var missing []string
	for _, np := range ru.named {
		found := false
		if dst != nil {
			for _, cp := range dst.ports {
				if cp.Name == np.name && protoOf(cp.Protocol) == np.proto && cp.ContainerPort >= MinPort && cp.ContainerPort <= MaxPort {
					c = c.Union(NewConnSet(np.proto, PortRange{uint16(cp.ContainerPort), uint16(cp.ContainerPort)}))
					found = true
				}
			}
		}
		if !found {
			missing = append(missing, np.String())
		}
	}
	return c, missing
}

// side computes what the policies of subject allow toward the far end o
// in direction d; dst is the destination pod (for named ports). When ex is
// not nil it records why.
func (r *Result) side(d Direction, subject *podView, o end, dst *podView, ex *Side) ConnSet {
	if ex != nil {
		ex.Direction = d
	}
	if subject == nil || subject.hostNet {
		if ex != nil {
			ex.Allowed = AllConns()
			if subject == nil {
				ex.Reason = "external addresses are outside the cluster; NetworkPolicy does not govern them"
			} else {
				ex.Reason = "host-network pods use the node's network; NetworkPolicy does not select them"
			}
		}
		return AllConns()
	}
	if ex != nil {
		ex.Governed = true
	}
	pols := r.selectedBy(subject, d)
	if len(pols) == 0 {
		if ex != nil {
			ex.Allowed = AllConns()
			ex.Reason = fmt.Sprintf("no NetworkPolicy with policy type %s selects it", d)
		}
		return AllConns()
	}
	var res ConnSet
	if ex != nil {
		ex.Isolated = true
	}
	for _, pi := range pols {
		c := r.cpols[pi]
		var pe *PolicyEffect
		if ex != nil {
			ex.Policies = append(ex.Policies, PolicyEffect{Policy: pi, Name: r.policies[pi].String(), Source: r.policies[pi].Source, Rules: len(c.rules[d])})
			pe = &ex.Policies[len(ex.Policies)-1]
		}
		for ri, ru := range c.rules[d] {
			peer, partial := r.match(ru, c.ns, o)
			if peer == -2 && (pe == nil || len(partial) == 0) {
				continue
			}
			conns, missing := ru.connsTo(dst)
			if peer != -2 {
				res = res.Union(conns)
			}
			if pe == nil {
				continue
			}
			if peer != -2 {
				pe.Matched = append(pe.Matched, RuleEffect{Index: ri, Peer: peer, Conns: conns, MissingPorts: missing})
				pe.Allowed = pe.Allowed.Union(conns)
			}
			for _, p := range partial {
				pe.Partial = append(pe.Partial, RuleEffect{Index: ri, Peer: p, Conns: conns, MissingPorts: missing})
			}
		}
	}
	if ex != nil {
		ex.Allowed = res
	}
	return res
}

// allowed computes what src may open to dst.
func (r *Result) allowed(src, dst end) ConnSet {
	eg := r.side(Egress, src.pod, dst, dst.pod, nil)
	if eg.IsEmpty() {
		return eg
	}
	in := r.side(Ingress, dst.pod, src, dst.pod, nil)
	return eg.Intersect(in)
}

func (r *Result) endOf(e Endpoint) end { return end{pod: r.view(e), rng: e.Range} }

// Allowed returns the connections src may open to dst. For an external
// range, it is what every address of the range may do.
func (r *Result) Allowed(src, dst Endpoint) ConnSet {
	return r.allowed(r.endOf(src), r.endOf(dst))
}

// Connections lists every allowed connection between two different
// workloads, from external address ranges (ExternalSources) to workloads
// and from workloads to external ranges (ExternalDestinations), sorted by
// source then destination name. A workload's connections to itself are
// left out. For large clusters, AllConnections avoids holding the list.
func (r *Result) Connections() []Connection {
	return slices.Collect(r.AllConnections())
}

// AllConnections yields what Connections lists, in the same order,
// computing one source at a time.
func (r *Result) AllConnections() iter.Seq[Connection] {
	return r.connSeq(r.srcAtoms, r.dstAtoms)
}
