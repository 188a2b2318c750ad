package netpol

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The slow model: decides one (source, destination, protocol, port)
// question straight from the Kubernetes objects, the way the NetworkPolicy
// documentation reads, with no compilation, caching or set arithmetic.

type mPod struct {
	ns      string
	labels  map[string]string
	ports   []corev1.ContainerPort
	hostNet bool
}

type mEnd struct {
	pod  *mPod // nil: external address
	addr netip.Addr
}

type mCluster struct {
	nsLabels map[string]map[string]string
	policies []*networkingv1.NetworkPolicy
}

func (m *mCluster) namespaceLabels(ns string) map[string]string {
	if l, ok := m.nsLabels[ns]; ok {
		return l
	}
	return map[string]string{"kubernetes.io/metadata.name": ns}
}

func mustSelector(s *metav1.LabelSelector) labels.Selector {
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		panic(err)
	}
	return sel
}

func policyNS(np *networkingv1.NetworkPolicy) string {
	if np.Namespace == "" {
		return "default"
	}
	return np.Namespace
}

func hasType(np *networkingv1.NetworkPolicy, d Direction) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return d == Ingress || len(np.Spec.Egress) > 0
	}
	want := networkingv1.PolicyTypeIngress
	if d == Egress {
		want = networkingv1.PolicyTypeEgress
	}
	return slices.Contains(np.Spec.PolicyTypes, want)
}

func (m *mCluster) peerMatches(np *networkingv1.NetworkPolicy, pe networkingv1.NetworkPolicyPeer, o mEnd) bool {
	if pe.IPBlock != nil {
		if o.pod != nil {
			return false
		}
		p := netip.MustParsePrefix(pe.IPBlock.CIDR)
		if !p.Contains(o.addr) {
			return false
		}
		for _, ex := range pe.IPBlock.Except {
			if netip.MustParsePrefix(ex).Contains(o.addr) {
				return false
			}
		}
		return true
	}
	if o.pod == nil || o.pod.hostNet {
		return false
	}
	if pe.NamespaceSelector == nil {
		if o.pod.ns != policyNS(np) {
			return false
		}
	} else if !mustSelector(pe.NamespaceSelector).Matches(labels.Set(m.namespaceLabels(o.pod.ns))) {
		return false
	}
	return pe.PodSelector == nil || mustSelector(pe.PodSelector).Matches(labels.Set(o.pod.labels))
}

func portMatches(ports []networkingv1.NetworkPolicyPort, proto Protocol, port int32, dst *mPod) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		pr := "TCP"
		if p.Protocol != nil {
			pr = string(*p.Protocol)
		}
		if pr != proto.String() {
			continue
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.Int:
			last := p.Port.IntVal
			if p.EndPort != nil {
				last = *p.EndPort
			}
			if p.Port.IntVal <= port && port <= last {
				return true
			}
		default:
			if dst == nil {
				continue
			}
			for _, cp := range dst.ports {
				cpr := string(cp.Protocol)
				if cpr == "" {
					cpr = "TCP"
				}
				if cp.Name == p.Port.StrVal && cpr == pr && cp.ContainerPort == port {
					return true
				}
			}
		}
	}
	return false
}

// sideAllows: do the policies of subject (for direction d) let this
// connection with the far end o through? dst is the destination pod.
func (m *mCluster) sideAllows(d Direction, subject *mPod, o mEnd, dst *mPod, proto Protocol, port int32) bool {
	if subject == nil || subject.hostNet {
		return true
	}
	selected := false
	for _, np := range m.policies {
		if policyNS(np) != subject.ns || !hasType(np, d) || !mustSelector(&np.Spec.PodSelector).Matches(labels.Set(subject.labels)) {
			continue
		}
		selected = true
		if d == Ingress {
			for _, rule := range np.Spec.Ingress {
				peerOK := len(rule.From) == 0 || slices.ContainsFunc(rule.From, func(pe networkingv1.NetworkPolicyPeer) bool { return m.peerMatches(np, pe, o) })
				if peerOK && portMatches(rule.Ports, proto, port, dst) {
					return true
				}
			}
		} else {
			for _, rule := range np.Spec.Egress {
				peerOK := len(rule.To) == 0 || slices.ContainsFunc(rule.To, func(pe networkingv1.NetworkPolicyPeer) bool { return m.peerMatches(np, pe, o) })
				if peerOK && portMatches(rule.Ports, proto, port, dst) {
					return true
				}
			}
		}
	}
	return !selected
}

func (m *mCluster) allows(src, dst mEnd, proto Protocol, port int32) bool {
	return m.sideAllows(Egress, src.pod, dst, dst.pod, proto, port) && m.sideAllows(Ingress, dst.pod, src, dst.pod, proto, port)
}

// The random universe.

type universe struct {
	objs    []Object
	model   *mCluster
	pods    map[string]*mPod // by Peer.String()
	ports   []int32          // ports to probe
	addrs   []netip.Addr     // addresses to probe
	hasIPv6 bool
}

var (
	labelVals  = map[string][]string{"app": {"web", "db", "dns"}, "tier": {"front", "back"}}
	nsLabelVal = map[string][]string{"team": {"a", "b"}, "env": {"prod", "dev"}}
	cidrs      = []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "0.0.0.0/0", "192.168.0.0/16", "10.1.2.128/25", "fd00::/8", "fd00:1::/32", "::/0"}
	excepts    = map[string][]string{
		"10.0.0.0/8":     {"10.1.0.0/16", "10.2.0.0/16", "10.1.2.0/24"},
		"0.0.0.0/0":      {"10.0.0.0/8", "192.168.0.0/16", "10.1.2.0/24"},
		"10.1.0.0/16":    {"10.1.2.0/24", "10.1.2.128/25"},
		"192.168.0.0/16": {"192.168.1.0/24"},
		"fd00::/8":       {"fd00:1::/32"},
		"::/0":           {"fd00::/8"},
	}
	containerPorts = []corev1.ContainerPort{
		{Name: "http", ContainerPort: 8080},
		{Name: "http", ContainerPort: 80},
		{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
		{Name: "dns-tcp", ContainerPort: 53, Protocol: corev1.ProtocolTCP},
		{Name: "metrics", ContainerPort: 9090},
		{Name: "sig", ContainerPort: 7000, Protocol: corev1.ProtocolSCTP},
	}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func randLabels(rng *rand.Rand, vals map[string][]string) map[string]string {
	l := map[string]string{}
	for _, k := range []string{"app", "tier", "team", "env"} {
		if v, ok := vals[k]; ok && rng.IntN(3) > 0 {
			l[k] = pick(rng, v)
		}
	}
	return l
}

func randSelector(rng *rand.Rand, vals map[string][]string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	keys := []string{}
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	switch rng.IntN(4) {
	case 0: // empty: everything
	case 1:
		k := pick(rng, keys)
		s.MatchLabels = map[string]string{k: pick(rng, vals[k])}
	default:
		k := pick(rng, keys)
		op := pick(rng, []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist})
		req := metav1.LabelSelectorRequirement{Key: k, Operator: op}
		if op == metav1.LabelSelectorOpIn || op == metav1.LabelSelectorOpNotIn {
			req.Values = []string{pick(rng, vals[k])}
			if rng.IntN(2) == 0 {
				req.Values = append(req.Values, pick(rng, vals[k]))
			}
		}
		s.MatchExpressions = []metav1.LabelSelectorRequirement{req}
		if rng.IntN(3) == 0 {
			k2 := pick(rng, keys)
			s.MatchLabels = map[string]string{k2: pick(rng, vals[k2])}
		}
	}
	return s
}

func randPeer(rng *rand.Rand, namespaces []string) networkingv1.NetworkPolicyPeer {
	var pe networkingv1.NetworkPolicyPeer
	switch rng.IntN(5) {
	case 0:
		pe.PodSelector = randSelector(rng, labelVals)
	case 1:
		pe.NamespaceSelector = randSelector(rng, nsLabelVal)
		if rng.IntN(3) == 0 {
			pe.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{NameLabel: pick(rng, namespaces)}}
		}
	case 2:
		pe.PodSelector = randSelector(rng, labelVals)
		pe.NamespaceSelector = randSelector(rng, nsLabelVal)
	default:
		c := pick(rng, cidrs)
		pe.IPBlock = &networkingv1.IPBlock{CIDR: c}
		for _, ex := range excepts[c] {
			if rng.IntN(3) == 0 {
				pe.IPBlock.Except = append(pe.IPBlock.Except, ex)
			}
		}
	}
	return pe
}

func randPorts(rng *rand.Rand) []networkingv1.NetworkPolicyPort {
	n := rng.IntN(3)
	var out []networkingv1.NetworkPolicyPort
	for range n {
		var p networkingv1.NetworkPolicyPort
		if rng.IntN(4) > 0 {
			pr := pick(rng, []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP})
			p.Protocol = &pr
		}
		switch rng.IntN(4) {
		case 0: // protocol only
		case 1:
			v := intstr.FromString(pick(rng, []string{"http", "dns", "dns-tcp", "metrics", "sig", "nope"}))
			p.Port = &v
		default:
			v := intstr.FromInt32(pick(rng, []int32{53, 80, 7000, 8080, 9090, 1, 65535}))
			p.Port = &v
			if rng.IntN(2) == 0 {
				end := v.IntVal + pick(rng, []int32{0, 1, 10, 1000})
				if end > 65535 {
					end = 65535
				}
				p.EndPort = &end
			}
		}
		out = append(out, p)
	}
	return out
}

func randUniverse(seed uint64) *universe {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	u := &universe{model: &mCluster{nsLabels: map[string]map[string]string{}}, pods: map[string]*mPod{}}
	namespaces := []string{"default", "ns1", "ns2"}
	for i, ns := range namespaces {
		if i == 2 && rng.IntN(2) == 0 {
			continue // left implicit
		}
		l := randLabels(rng, nsLabelVal)
		u.objs = append(u.objs, Object{Obj: &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: l}}})
		ml := map[string]string{NameLabel: ns}
		for k, v := range l {
			ml[k] = v
		}
		u.model.nsLabels[ns] = ml
	}
	npods := 2 + rng.IntN(5)
	for i := range npods {
		ns := pick(rng, namespaces)
		p := &mPod{ns: ns, labels: randLabels(rng, labelVals), hostNet: rng.IntN(10) == 0}
		for _, cp := range containerPorts {
			if rng.IntN(3) == 0 {
				p.ports = append(p.ports, cp)
			}
		}
		// Pod validation forbids two ports of one name in one pod.
		p.ports = slices.CompactFunc(p.ports, func(a, b corev1.ContainerPort) bool { return a.Name == b.Name })
		name := fmt.Sprintf("w%d", i)
		spec := corev1.PodSpec{HostNetwork: p.hostNet, Containers: []corev1.Container{{Name: "c", Ports: p.ports}}}
		meta := metav1.ObjectMeta{Name: name, Namespace: ns}
		if ns == "default" && rng.IntN(2) == 0 {
			meta.Namespace = "" // defaults to "default"
		}
		var peer Peer
		if rng.IntN(2) == 0 {
			u.objs = append(u.objs, Object{Obj: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: meta.Namespace, Labels: p.labels}, Spec: spec}})
			peer = Peer{Namespace: ns, Name: name, Kind: "Pod"}
		} else {
			u.objs = append(u.objs, Object{Obj: &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.labels}, Spec: spec}}}})
			peer = Peer{Namespace: ns, Name: name, Kind: "Deployment"}
		}
		u.pods[peer.String()] = p
	}
	npol := rng.IntN(5)
	for i := range npol {
		np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i), Namespace: pick(rng, namespaces)}}
		np.Spec.PodSelector = *randSelector(rng, labelVals)
		switch rng.IntN(4) {
		case 1:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		case 2:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
		case 3:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		}
		for range rng.IntN(3) {
			var rule networkingv1.NetworkPolicyIngressRule
			for range rng.IntN(3) {
				rule.From = append(rule.From, randPeer(rng, namespaces))
			}
			rule.Ports = randPorts(rng)
			np.Spec.Ingress = append(np.Spec.Ingress, rule)
		}
		for range rng.IntN(3) {
			var rule networkingv1.NetworkPolicyEgressRule
			for range rng.IntN(3) {
				rule.To = append(rule.To, randPeer(rng, namespaces))
			}
			rule.Ports = randPorts(rng)
			np.Spec.Egress = append(np.Spec.Egress, rule)
		}
		u.objs = append(u.objs, Object{Obj: np})
		u.model.policies = append(u.model.policies, np)
	}
	// Probe every port where some set may change: each numeric port and
	// end port of a policy and each container port, and their neighbours.
	ports := map[int32]bool{1: true, 2: true, 65534: true, 65535: true}
	addPort := func(p int32) {
		for _, q := range []int32{p - 1, p, p + 1} {
			if q >= 1 && q <= 65535 {
				ports[q] = true
			}
		}
	}
	for _, cp := range containerPorts {
		addPort(cp.ContainerPort)
	}
	addrs := map[netip.Addr]bool{}
	addAddr := func(a netip.Addr) {
		if a.IsValid() {
			addrs[a] = true
		}
	}
	for _, np := range u.model.policies {
		var all []networkingv1.NetworkPolicyPort
		var peers []networkingv1.NetworkPolicyPeer
		for _, r := range np.Spec.Ingress {
			all = append(all, r.Ports...)
			peers = append(peers, r.From...)
		}
		for _, r := range np.Spec.Egress {
			all = append(all, r.Ports...)
			peers = append(peers, r.To...)
		}
		for _, p := range all {
			if p.Port != nil && p.Port.Type == intstr.Int {
				addPort(p.Port.IntVal)
			}
			if p.EndPort != nil {
				addPort(*p.EndPort)
			}
		}
		for _, pe := range peers {
			if pe.IPBlock == nil {
				continue
			}
			for _, c := range append([]string{pe.IPBlock.CIDR}, pe.IPBlock.Except...) {
				r := PrefixRange(netip.MustParsePrefix(c))
				addAddr(r.First)
				addAddr(r.First.Prev())
				addAddr(r.Last)
				addAddr(r.Last.Next())
				if !r.First.Is4() {
					u.hasIPv6 = true
				}
			}
		}
	}
	for _, a := range []string{"0.0.0.0", "255.255.255.255", "8.8.8.8", "10.1.2.3", "::", "fd00::1", "2001:db8::1"} {
		addAddr(netip.MustParseAddr(a))
	}
	for p := range ports {
		u.ports = append(u.ports, p)
	}
	slices.Sort(u.ports)
	for a := range addrs {
		u.addrs = append(u.addrs, a)
	}
	slices.SortFunc(u.addrs, netip.Addr.Compare)
	return u
}

// TestAgainstModel compares Allowed, Connections and Explain with the slow
// model on random clusters.
func TestAgainstModel(t *testing.T) {
	seeds := 400
	if testing.Short() {
		seeds = 50
	}
	for seed := range uint64(seeds) {
		u := randUniverse(seed)
		r, err := Analyze(u.objs)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkUniverse(t, seed, u, r)
		if t.Failed() {
			return
		}
	}
}

func checkUniverse(t *testing.T, seed uint64, u *universe, r *Result) {
	t.Helper()
	ws := r.Workloads()
	if len(ws) != len(u.pods) {
		t.Fatalf("seed %d: %d workloads, model has %d pods", seed, len(ws), len(u.pods))
	}
	type pair struct{ src, dst string }
	listed := map[pair]ConnSet{}
	for _, c := range r.Connections() {
		k := pair{c.Src.String(), c.Dst.String()}
		if _, dup := listed[k]; dup {
			t.Fatalf("seed %d: %s listed twice", seed, k)
		}
		if c.Conns.IsEmpty() {
			t.Fatalf("seed %d: empty connection listed: %s", seed, c)
		}
		listed[k] = c.Conns
	}
	check := func(srcName, dstName string, se, de Endpoint, sm, dm mEnd) ConnSet {
		got := r.Allowed(se, de)
		for _, proto := range Protocols() {
			for _, port := range u.ports {
				want := u.model.allows(sm, dm, proto, port)
				if got.Contains(proto, uint16(port)) != want {
					t.Errorf("seed %d: %s => %s %s/%d: aksnet %v (%s), model %v", seed, srcName, dstName, proto, port, !want, got, want)
					return got
				}
			}
		}
		return got
	}
	for i, wi := range ws {
		for j, wj := range ws {
			se, de := r.WorkloadEndpoint(i), r.WorkloadEndpoint(j)
			got := check(wi.Peer.String(), wj.Peer.String(), se, de, mEnd{pod: u.pods[wi.Peer.String()]}, mEnd{pod: u.pods[wj.Peer.String()]})
			if i == j {
				continue
			}
			if l := listed[pair{wi.Peer.String(), wj.Peer.String()}]; !l.Equal(got) {
				t.Errorf("seed %d: Connections lists %s => %s : %s, Allowed says %s", seed, wi.Peer, wj.Peer, l, got)
			}
			// Explain agrees on one-port questions.
			q := NewConnSet(TCP, PortRange{80, 80})
			ex := r.Explain(se, de, q)
			want := u.model.allows(mEnd{pod: u.pods[wi.Peer.String()]}, mEnd{pod: u.pods[wj.Peer.String()]}, TCP, 80)
			if (ex.Verdict == Allowed) != want || ex.Verdict == PartlyAllowed {
				t.Errorf("seed %d: explain %s => %s TCP/80: %v, model %v", seed, wi.Peer, wj.Peer, ex.Verdict, want)
			}
			if !ex.Egress.Allowed.Intersect(ex.Ingress.Allowed).Equal(got) {
				t.Errorf("seed %d: explain sides %s and %s, Allowed %s", seed, ex.Egress.Allowed, ex.Ingress.Allowed, got)
			}
		}
	}
	// External peers: every address probed behaves like the range that
	// holds it, and the range's listed connections match.
	for _, a := range u.addrs {
		if !a.Is4() && !u.hasIPv6 {
			continue
		}
		ae := ExternalEndpoint(IPRange{a, a})
		var srcAtom, dstAtom IPRange
		for _, at := range r.ExternalSources() {
			if at.Contains(a) {
				srcAtom = at
			}
		}
		for _, at := range r.ExternalDestinations() {
			if at.Contains(a) {
				dstAtom = at
			}
		}
		if !srcAtom.IsValid() || !dstAtom.IsValid() {
			t.Fatalf("seed %d: %s is in no external range (%v / %v)", seed, a, r.ExternalSources(), r.ExternalDestinations())
		}
		for j, wj := range ws {
			de := r.WorkloadEndpoint(j)
			in := check(a.String(), wj.Peer.String(), ae, de, mEnd{addr: a}, mEnd{pod: u.pods[wj.Peer.String()]})
			if l := listed[pair{srcAtom.String(), wj.Peer.String()}]; !l.Equal(in) {
				t.Errorf("seed %d: Connections lists %s => %s : %s, Allowed from %s says %s", seed, srcAtom, wj.Peer, l, a, in)
			}
			out := check(wj.Peer.String(), a.String(), de, ae, mEnd{pod: u.pods[wj.Peer.String()]}, mEnd{addr: a})
			if l := listed[pair{wj.Peer.String(), dstAtom.String()}]; !l.Equal(out) {
				t.Errorf("seed %d: Connections lists %s => %s : %s, Allowed to %s says %s", seed, wj.Peer, dstAtom, l, a, out)
			}
		}
	}
	// Every listed connection names workloads or ranges of the result.
	atoms := map[string]bool{}
	for _, a := range append(slices.Clone(r.ExternalSources()), r.ExternalDestinations()...) {
		atoms[a.String()] = true
	}
	names := map[string]bool{}
	for _, w := range ws {
		names[w.Peer.String()] = true
	}
	for k := range listed {
		if !names[k.src] && !atoms[k.src] || !names[k.dst] && !atoms[k.dst] {
			t.Errorf("seed %d: listed %s => %s names an unknown peer", seed, k.src, k.dst)
		}
	}
}
