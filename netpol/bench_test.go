package netpol_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/aksnet/aksnet/netpol"
)

// GenerateCluster builds a seeded, realistic cluster as kubectl would dump
// it: namespaces with team/env labels; replicated workloads whose pods
// share labels (plus a per-pod name label on StatefulSet pods); and
// policies mixing default-deny, pod and namespace selectors,
// matchExpressions, ipBlock with except, numeric and named ports and
// endPort.
func GenerateCluster(seed uint64, namespaces, pods, policies int) []netpol.Object {
	rng := rand.New(rand.NewPCG(seed, 7))
	teams := []string{"payments", "search", "identity", "data", "web"}
	envs := []string{"prod", "staging", "dev"}
	apps := []string{"api", "worker", "db", "cache", "frontend", "gateway", "batch", "metrics"}
	var objs []netpol.Object
	nsName := func(i int) string { return fmt.Sprintf("ns-%03d", i) }
	for i := range namespaces {
		objs = append(objs, netpol.Object{Obj: &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsName(i), Labels: map[string]string{
			"team": teams[rng.IntN(len(teams))], "env": envs[rng.IntN(len(envs))],
		}}}})
	}
	ports := []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "grpc", ContainerPort: 9090}, {Name: "metrics", ContainerPort: 9100}}
	proto := corev1.ProtocolTCP
	udp := corev1.ProtocolUDP
	made, w := 0, 0
	for made < pods {
		ns := nsName(rng.IntN(namespaces))
		app := apps[rng.IntN(len(apps))]
		kind := "ReplicaSet"
		if rng.IntN(5) == 0 {
			kind = "StatefulSet"
		}
		name := fmt.Sprintf("%s-%d", app, w)
		w++
		replicas := 1 + rng.IntN(5)
		tier := []string{"front", "back"}[rng.IntN(2)]
		cports := ports[:1+rng.IntN(len(ports))]
		for k := 0; k < replicas && made < pods; k++ {
			podName := fmt.Sprintf("%s-%d", name, k)
			labels := map[string]string{"app": app, "release": name, "tier": tier}
			if kind == "StatefulSet" {
				labels["statefulset.kubernetes.io/pod-name"] = podName
			}
			ctrl := true
			objs = append(objs, netpol.Object{Obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: podName, Namespace: ns, Labels: labels,
					OwnerReferences: []metav1.OwnerReference{{Kind: kind, Name: name, Controller: &ctrl}}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: cports}}},
			}})
			made++
		}
	}
	for i := range policies {
		ns := nsName(rng.IntN(namespaces))
		np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pol-%d", i), Namespace: ns}}
		switch rng.IntN(6) {
		case 0: // default deny
			np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
			np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: ptr(intstr.FromInt32(53))}, {Protocol: &proto, Port: ptr(intstr.FromInt32(53))}}}}
		default:
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": apps[rng.IntN(len(apps))]}}
			var peer networkingv1.NetworkPolicyPeer
			switch rng.IntN(4) {
			case 0:
				peer.PodSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{apps[rng.IntN(len(apps))], apps[rng.IntN(len(apps))]}}}}
			case 1:
				peer.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"team": teams[rng.IntN(len(teams))]}}
			case 2:
				peer.NamespaceSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"dev"}}}}
				peer.PodSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "front"}}
			default:
				x, y := rng.IntN(256), rng.IntN(256)
				peer.IPBlock = &networkingv1.IPBlock{CIDR: fmt.Sprintf("10.%d.0.0/16", x), Except: []string{fmt.Sprintf("10.%d.%d.0/24", x, y)}}
			}
			var pp []networkingv1.NetworkPolicyPort
			switch rng.IntN(3) {
			case 0:
				pp = []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromString("http"))}}
			case 1:
				end := int32(8100)
				pp = []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromInt32(8000)), EndPort: &end}, {Port: ptr(intstr.FromString("metrics"))}}
			}
			if rng.IntN(3) == 0 {
				np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{peer}, Ports: pp}}
			} else {
				np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{peer}, Ports: pp}}
			}
		}
		objs = append(objs, netpol.Object{Obj: np})
	}
	return objs
}

func ptr[T any](v T) *T { return &v }

// BenchmarkConnections analyses a generated cluster and walks every
// allowed connection, formatting each as the text listing does.
func BenchmarkConnections(b *testing.B) {
	for _, size := range []struct{ ns, pods, pols int }{{100, 5000, 1000}, {200, 10000, 2000}} {
		objs := GenerateCluster(1, size.ns, size.pods, size.pols)
		b.Run(fmt.Sprintf("%dns-%dpods-%dpolicies", size.ns, size.pods, size.pols), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := netpol.Analyze(objs)
				if err != nil {
					b.Fatal(err)
				}
				n, bytes := 0, 0
				for c := range r.AllConnections() {
					n++
					bytes += len(c.String()) + 1
				}
				b.ReportMetric(float64(n), "conns")
				b.ReportMetric(float64(bytes), "txt-bytes")
				b.ReportMetric(float64(len(r.Workloads())), "workloads")
			}
		})
	}
}
