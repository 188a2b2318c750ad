package lint_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/aksnet/aksnet/netpol"
	"github.com/aksnet/aksnet/netpol/lint"
)

// scenario builds small random clusters: two labelled namespaces, a few
// deployments with random labels and ports, a host-network DaemonSet, and
// policies mixing empty and label selectors, pod, namespace and ipBlock
// peers, numeric, ranged and named ports.
type scenario struct {
	rng  *rand.Rand
	objs []netpol.Object
	line int
}

func (s *scenario) pick(vals ...string) string { return vals[s.rng.IntN(len(vals))] }

func newScenario(seed uint64) *scenario {
	s := &scenario{rng: rand.New(rand.NewPCG(seed, 7))}
	for ns, team := range map[string]string{"a": "x", "b": "y"} {
		s.push(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"team": team}}})
	}
	for i := range 3 + s.rng.IntN(4) {
		lbl := map[string]string{"app": s.pick("web", "api", "db")}
		if s.rng.IntN(2) == 0 {
			lbl["tier"] = s.pick("1", "2")
		}
		var ports []corev1.ContainerPort
		for _, p := range []corev1.ContainerPort{
			{Name: "http", ContainerPort: 80},
			{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
			{Name: "grpc", ContainerPort: 9000},
		} {
			if s.rng.IntN(2) == 0 {
				ports = append(ports, p)
			}
		}
		s.push(deployment(fmt.Sprintf("w%d", i), s.pick("a", "b"), lbl, ports, false))
	}
	s.push(deployment("agent", "a", map[string]string{"app": "web"}, nil, true))
	for i := range 2 + s.rng.IntN(5) {
		s.push(s.policy(fmt.Sprintf("p%d", i)))
	}
	return s
}

func (s *scenario) push(o runtime.Object) {
	s.line += 10
	s.objs = append(s.objs, netpol.Object{Source: netpol.Source{File: "gen.yaml", Line: s.line}, Obj: o})
}

func deployment(name, ns string, lbl map[string]string, ports []corev1.ContainerPort, hostNet bool) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: lbl},
			Spec:       corev1.PodSpec{HostNetwork: hostNet, Containers: []corev1.Container{{Name: "c", Ports: ports}}},
		}},
	}
}

func (s *scenario) selector() *metav1.LabelSelector {
	switch s.rng.IntN(4) {
	case 0:
		return &metav1.LabelSelector{}
	case 1:
		return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"1"}}}}
	}
	return &metav1.LabelSelector{MatchLabels: map[string]string{"app": s.pick("web", "api", "db")}}
}

func (s *scenario) peers() []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for range s.rng.IntN(3) {
		switch s.rng.IntN(4) {
		case 0:
			out = append(out, networkingv1.NetworkPolicyPeer{PodSelector: s.selector()})
		case 1:
			out = append(out, networkingv1.NetworkPolicyPeer{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": s.pick("x", "y")}},
				PodSelector:       s.selector(),
			})
		case 2:
			out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}})
		default:
			blk := []networkingv1.IPBlock{
				{CIDR: "10.0.0.0/8"},
				{CIDR: "10.1.0.0/16", Except: []string{"10.1.2.0/24"}},
				{CIDR: "0.0.0.0/0"},
				{CIDR: "192.168.0.0/24"},
			}[s.rng.IntN(4)]
			out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: &blk})
		}
	}
	return out
}

func (s *scenario) ports() []networkingv1.NetworkPolicyPort {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	end := int32(9000)
	all := []networkingv1.NetworkPolicyPort{
		{Protocol: &tcp, Port: ptr(intstr.FromInt32(80))},
		{Protocol: &udp, Port: ptr(intstr.FromInt32(53))},
		{Port: ptr(intstr.FromString("http"))},
		{Port: ptr(intstr.FromString("grpc"))},
		{Protocol: &tcp, Port: ptr(intstr.FromInt32(8000)), EndPort: &end},
		{Protocol: &udp},
	}
	var out []networkingv1.NetworkPolicyPort
	for range s.rng.IntN(3) {
		out = append(out, all[s.rng.IntN(len(all))])
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func (s *scenario) policy(name string) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: s.pick("a", "b")}}
	np.Spec.PodSelector = *s.selector()
	switch s.rng.IntN(4) {
	case 0:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	case 1:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	case 2:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	}
	for range s.rng.IntN(3) {
		np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: s.peers(), Ports: s.ports()})
	}
	for range s.rng.IntN(3) {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: s.peers(), Ports: s.ports()})
	}
	return np
}

// semantics lists, for every pair of endpoints, what each side's
// policies allow: the sources' egress and the destinations' ingress.
// Endpoints are the workloads, a CoreDNS pod, and the external ranges
// atoms (which must be at least as fine as r's own).
func semantics(r *netpol.Result, atoms []netpol.IPRange) []string {
	var pods []netpol.Endpoint
	for i := range r.Workloads() {
		pods = append(pods, r.WorkloadEndpoint(i))
	}
	pods = append(pods, netpol.PodEndpoint("coredns", netpol.Pod{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}}))
	var ext []netpol.Endpoint
	for _, a := range atoms {
		ext = append(ext, netpol.ExternalEndpoint(a))
	}
	var out []string
	side := func(src, dst netpol.Endpoint) {
		ex := r.Explain(src, dst, netpol.AllConns())
		out = append(out, fmt.Sprintf("%s -> %s: egress %s, ingress %s", src.Name, dst.Name, ex.Egress.Allowed, ex.Ingress.Allowed))
	}
	for _, s := range pods {
		for _, d := range slices.Concat(pods, ext) {
			side(s, d)
		}
	}
	for _, s := range ext {
		for _, d := range pods {
			side(s, d)
		}
	}
	return out
}

func atomsOf(r *netpol.Result) []netpol.IPRange {
	return slices.Concat(r.ExternalSources(), r.ExternalDestinations())
}

func without(objs []netpol.Object, drop map[string]bool) []netpol.Object {
	var out []netpol.Object
	for _, o := range objs {
		if np, ok := o.Obj.(*networkingv1.NetworkPolicy); ok && drop[np.Namespace+"/"+np.Name] {
			continue
		}
		out = append(out, o)
	}
	return out
}

func diff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + "\n    became\n" + b[i]
		}
	}
	return fmt.Sprintf("%d lines became %d", len(a), len(b))
}

// TestRedundantAgainstRemoval checks policy-redundant on random clusters
// against what removing policies does: deleting every reported policy
// leaves what each side allows between every pair of endpoints unchanged,
// and deleting any further policy the rule judges (one with a label
// selector that selects pods, has rules, and whose peers all match) does
// change it.
func TestRedundantAgainstRemoval(t *testing.T) {
	rule := lint.Lookup("policy-redundant")
	n := 400
	if testing.Short() {
		n = 60
	}
	reported := 0
	for seed := range uint64(n) {
		s := newScenario(seed)
		r1, err := netpol.Analyze(s.objs)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		drop := map[string]bool{}
		for _, f := range lint.RunRule(rule, r1, s.objs, lint.Options{}) {
			drop[strings.TrimPrefix(f.Subject, "networkpolicy/")] = true
		}
		reported += len(drop)
		objs2 := without(s.objs, drop)
		r2, err := netpol.Analyze(objs2)
		if err != nil {
			t.Fatal(err)
		}
		atoms := atomsOf(r1)
		if a, b := semantics(r1, atoms), semantics(r2, atoms); !slices.Equal(a, b) {
			t.Errorf("seed %d: removing the reported policies %v changes what is allowed:\n%s", seed, drop, diff(a, b))
			continue
		}
		base := semantics(r2, atomsOf(r2))
		for pi, pol := range r2.Policies() {
			if !judged(r2, pi) {
				continue
			}
			r3, err := netpol.Analyze(without(objs2, map[string]bool{pol.String(): true}))
			if err != nil {
				t.Fatal(err)
			}
			if slices.Equal(base, semantics(r3, atomsOf(r2))) {
				t.Errorf("seed %d: removing %s changes nothing, but policy-redundant did not report it (after removing %v)", seed, pol, drop)
			}
		}
	}
	if reported == 0 {
		t.Fatal("no random scenario had a redundant policy; the test is not exercising the rule")
	}
	t.Logf("%d scenarios, %d redundant policies", n, reported)
}

// judged reports whether policy-redundant decides about a policy rather
// than leaving it alone: a non-empty podSelector that selects pods, some
// rule in a governed direction, and peers that all match a workload.
func judged(r *netpol.Result, pi int) bool {
	pol := r.Policies()[pi]
	ps := pol.Object.Spec.PodSelector
	if len(ps.MatchLabels)+len(ps.MatchExpressions) == 0 || len(r.SelectedWorkloads(pi)) == 0 {
		return false
	}
	rules := 0
	for _, d := range []netpol.Direction{netpol.Ingress, netpol.Egress} {
		if !pol.Governs(d) {
			continue
		}
		peersOf := func(i int) []networkingv1.NetworkPolicyPeer {
			if d == netpol.Egress {
				return pol.Object.Spec.Egress[i].To
			}
			return pol.Object.Spec.Ingress[i].From
		}
		count := len(pol.Object.Spec.Ingress)
		if d == netpol.Egress {
			count = len(pol.Object.Spec.Egress)
		}
		rules += count
		for ri := range count {
			for pj, pe := range peersOf(ri) {
				if pe.IPBlock != nil {
					continue
				}
				if m, _ := r.MatchPeer(pi, d, ri, pj); len(m.Workloads) == 0 {
					return false
				}
			}
		}
	}
	return rules > 0
}
