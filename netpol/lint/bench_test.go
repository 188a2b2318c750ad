package lint_test

import (
	"fmt"
	"math/rand/v2"
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

// largeCluster builds a seeded cluster of namespaces labelled by team,
// deployments sharing label sets, and per namespace a default-deny
// policy, a DNS policy and policies admitting apps of the same or other
// teams on numeric and named ports, some of them redundant.
func largeCluster(seed uint64, namespaces, workloads, policies int) []netpol.Object {
	rng := rand.New(rand.NewPCG(seed, 11))
	teams := []string{"payments", "search", "identity", "data", "web"}
	apps := []string{"api", "worker", "db", "cache", "frontend", "gateway"}
	var objs []netpol.Object
	add := func(o runtime.Object) { objs = append(objs, netpol.Object{Obj: o}) }
	ns := func(i int) string { return fmt.Sprintf("ns-%03d", i) }
	for i := range namespaces {
		add(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns(i), Labels: map[string]string{"team": teams[i%len(teams)]}}})
	}
	for i := range workloads {
		app := apps[rng.IntN(len(apps))]
		add(&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", app, i), Namespace: ns(rng.IntN(namespaces))},
			Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{
					{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9100},
				}}}},
			}},
		})
	}
	udp, tcp := corev1.ProtocolUDP, corev1.ProtocolTCP
	for i := range policies {
		n := ns(i % namespaces)
		np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p-%d", i), Namespace: n}}
		switch i / namespaces % 4 {
		case 0:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		case 1:
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
				To: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
					PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
				}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: ptr(intstr.FromInt32(53))}, {Protocol: &tcp, Port: ptr(intstr.FromInt32(53))}},
			}}
		default:
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": apps[rng.IntN(len(apps))]}}
			port := intstr.FromString("http")
			if rng.IntN(2) == 0 {
				port = intstr.FromInt32(8080)
			}
			np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": teams[rng.IntN(len(teams))]}},
					PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"app": apps[rng.IntN(len(apps))]}},
				}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: &port}},
			}}
		}
		add(np)
	}
	return objs
}

// BenchmarkCheck runs every rule (without a cluster) over an analysed
// cluster of 50 namespaces, 1,000 workloads and 400 policies.
func BenchmarkCheck(b *testing.B) {
	objs := largeCluster(1, 50, 1000, 400)
	r, err := netpol.Analyze(objs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		lint.Check(r, objs, lint.Options{})
	}
}

// BenchmarkRule times each rule alone on the same cluster.
func BenchmarkRule(b *testing.B) {
	objs := largeCluster(1, 50, 1000, 400)
	r, err := netpol.Analyze(objs)
	if err != nil {
		b.Fatal(err)
	}
	for _, rule := range lint.All() {
		b.Run(rule.ID, func(b *testing.B) {
			for b.Loop() {
				lint.RunRule(rule, r, objs, lint.Options{})
			}
		})
	}
}

// BenchmarkCheckLarge runs every rule over 100 namespaces, 5,000
// workloads and 1,000 policies (the size of the netpol benchmark).
func BenchmarkCheckLarge(b *testing.B) {
	objs := largeCluster(2, 100, 5000, 1000)
	r, err := netpol.Analyze(objs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		lint.Check(r, objs, lint.Options{})
	}
}
