package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/aksnet/aksnet/netpol"
)

// SensitiveKey is the namespace label or annotation that declares a
// namespace sensitive when its value is "true".
const SensitiveKey = "aksnet.dev/sensitive"

// The DNS path (see the package documentation).
const (
	dnsNamespace = "kube-system"
	dnsLabelKey  = "k8s-app"
	dnsLabelVal  = "kube-dns"
	dnsPort      = 53
)

// builtinNamespaces exist in every cluster.
var builtinNamespaces = []string{"default", "kube-node-lease", "kube-public", "kube-system"}

// input is what the rules of one run share.
type input struct {
	r       *netpol.Result
	cluster Cluster
	// pods are the pod specs behind each workload (by index in
	// r.Workloads).
	pods []podInfo
	// namespaces are the namespaces of the input plus the built-in ones.
	namespaces []nsInfo
	// sensitive maps each sensitive namespace to how it was declared.
	sensitive map[string]string
	// dns are the CoreDNS endpoints; dnsAssumed is true when the input
	// has no CoreDNS pods and dns holds one assumed pod.
	dns        []netpol.Endpoint
	dnsAssumed bool
	dnsWork    map[int]bool
}

// podInfo is what the rules read of a workload's pods beyond what the
// analysis keeps.
type podInfo struct {
	spec *corev1.PodSpec // nil when the object was not found
	// replicas is the number of pods at full scale; daemon is true for
	// DaemonSets, which run one pod per node.
	replicas int
	daemon   bool
}

type nsInfo struct {
	name     string
	labels   labels.Set
	source   netpol.Source
	declared bool
}

func newInput(r *netpol.Result, objs []netpol.Object, opts Options) *input {
	in := &input{r: r, cluster: opts.Cluster, sensitive: map[string]string{}}
	in.buildPods(objs)
	in.buildNamespaces()
	in.buildSensitive(objs, opts)
	in.buildDNS()
	return in
}

func objectKey(kind, ns, name string) string { return kind + " " + ns + "/" + name }

func (in *input) buildPods(objs []netpol.Object) {
	byKey := map[string]podInfo{}
	for _, o := range objs {
		var m metav1.Object
		var kind string
		info := podInfo{replicas: 1}
		switch t := o.Obj.(type) {
		case *corev1.Pod:
			m, kind, info.spec = t, "Pod", &t.Spec
		case *appsv1.Deployment:
			m, kind, info.spec = t, "Deployment", &t.Spec.Template.Spec
			info.replicas = replicas(t.Spec.Replicas)
		case *appsv1.StatefulSet:
			m, kind, info.spec = t, "StatefulSet", &t.Spec.Template.Spec
			info.replicas = replicas(t.Spec.Replicas)
		case *appsv1.ReplicaSet:
			m, kind, info.spec = t, "ReplicaSet", &t.Spec.Template.Spec
			info.replicas = replicas(t.Spec.Replicas)
		case *appsv1.DaemonSet:
			m, kind, info.spec = t, "DaemonSet", &t.Spec.Template.Spec
			info.daemon = true
		case *corev1.ReplicationController:
			if t.Spec.Template == nil {
				continue
			}
			m, kind, info.spec = t, "ReplicationController", &t.Spec.Template.Spec
			info.replicas = replicas(t.Spec.Replicas)
		case *batchv1.Job:
			m, kind, info.spec = t, "Job", &t.Spec.Template.Spec
			info.replicas = replicas(t.Spec.Parallelism)
		case *batchv1.CronJob:
			m, kind, info.spec = t, "CronJob", &t.Spec.JobTemplate.Spec.Template.Spec
			info.replicas = replicas(t.Spec.JobTemplate.Spec.Parallelism)
		default:
			continue
		}
		if o.Source.File != "" {
			byKey[o.Source.String()] = info
		}
		ns := m.GetNamespace()
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		byKey[objectKey(kind, ns, m.GetName())] = info
	}
	ws := in.r.Workloads()
	in.pods = make([]podInfo, len(ws))
	for i, w := range ws {
		info, ok := byKey[w.Source.String()]
		if !ok || w.Source.File == "" {
			info = byKey[objectKey(w.Peer.Kind, w.Peer.Namespace, w.Peer.Name)]
		}
		if len(w.Pods) > 0 {
			info.replicas, info.daemon = len(w.Pods), false
		}
		in.pods[i] = info
	}
}

func replicas(n *int32) int {
	if n == nil {
		return 1
	}
	return int(*n)
}

func (in *input) buildNamespaces() {
	seen := map[string]bool{}
	for _, ns := range in.r.Namespaces() {
		in.namespaces = append(in.namespaces, nsInfo{name: ns.Name, labels: labels.Set(ns.Labels), source: ns.Source, declared: !ns.Implicit})
		seen[ns.Name] = true
	}
	for _, name := range builtinNamespaces {
		if !seen[name] {
			in.namespaces = append(in.namespaces, nsInfo{name: name, labels: labels.Set{netpol.NameLabel: name}})
		}
	}
	slices.SortFunc(in.namespaces, func(a, b nsInfo) int { return cmp.Compare(a.name, b.name) })
}

// nsLabels returns the labels of a namespace (only its name label when the
// input does not declare it).
func (in *input) nsLabels(name string) labels.Set {
	for _, ns := range in.namespaces {
		if ns.name == name {
			return ns.labels
		}
	}
	return labels.Set{netpol.NameLabel: name}
}

func (in *input) buildSensitive(objs []netpol.Object, opts Options) {
	for _, ns := range in.cluster.SensitiveNamespaces {
		in.sensitive[ns] = "the cluster's requirements"
	}
	for _, ns := range opts.SensitiveNamespaces {
		in.sensitive[ns] = "declared sensitive"
	}
	for _, o := range objs {
		ns, ok := o.Obj.(*corev1.Namespace)
		if !ok || ns.Name == "" {
			continue
		}
		if _, done := in.sensitive[ns.Name]; done {
			continue
		}
		switch {
		case isTrue(ns.Labels[SensitiveKey]):
			in.sensitive[ns.Name] = "label " + SensitiveKey
		case isTrue(ns.Annotations[SensitiveKey]):
			in.sensitive[ns.Name] = "annotation " + SensitiveKey
		}
	}
}

func isTrue(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}

// buildDNS finds the CoreDNS pods of the input, or assumes the ones AKS
// runs.
func (in *input) buildDNS() {
	in.dnsWork = map[int]bool{}
	for i, w := range in.r.Workloads() {
		if w.Peer.Namespace == dnsNamespace && w.Labels[dnsLabelKey] == dnsLabelVal && !w.HostNetwork {
			in.dns = append(in.dns, in.r.WorkloadEndpoint(i))
			in.dnsWork[i] = true
		}
	}
	if len(in.dns) > 0 {
		return
	}
	in.dnsAssumed = true
	in.dns = []netpol.Endpoint{netpol.PodEndpoint(dnsNamespace+"/coredns", assumedDNSPod())}
}

// assumedDNSPod is a CoreDNS pod as AKS runs it.
func assumedDNSPod() netpol.Pod {
	return netpol.Pod{
		Namespace: dnsNamespace,
		Labels:    map[string]string{dnsLabelKey: dnsLabelVal},
		Ports: []corev1.ContainerPort{
			{Name: "dns", ContainerPort: dnsPort, Protocol: corev1.ProtocolUDP},
			{Name: "dns-tcp", ContainerPort: dnsPort, Protocol: corev1.ProtocolTCP},
			{Name: "metrics", ContainerPort: 9153, Protocol: corev1.ProtocolTCP},
		},
	}
}

// dnsDescription names the CoreDNS pods in messages.
func dnsDescription() string {
	return fmt.Sprintf("CoreDNS (pods labelled %s=%s in %s)", dnsLabelKey, dnsLabelVal, dnsNamespace)
}

// policySubject returns "networkpolicy/NAMESPACE/NAME".
func policySubject(p netpol.Policy) string { return "networkpolicy/" + p.Namespace + "/" + p.Name }

// firstPolicy returns the index of the policy written first (by file and
// line), or -1 when there is none.
func (in *input) firstPolicy() int {
	best := -1
	for i, p := range in.r.Policies() {
		if best < 0 || sourceLess(p.Source, in.r.Policies()[best].Source) {
			best = i
		}
	}
	return best
}

func sourceLess(a, b netpol.Source) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Line < b.Line
}

// selector compiles a label selector; nil stays nil. The analysis has
// already refused invalid selectors, so errors select nothing.
func selector(ls *metav1.LabelSelector) labels.Selector {
	if ls == nil {
		return nil
	}
	s, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return labels.Nothing()
	}
	return s
}

// peerMatchesPod reports whether a selector peer of a policy in namespace
// policyNS matches a pod of namespace podNS with the given labels.
func (in *input) peerMatchesPod(policyNS string, pe networkingv1.NetworkPolicyPeer, podNS string, podLabels labels.Set) bool {
	if pe.IPBlock != nil {
		return false
	}
	if pe.NamespaceSelector == nil {
		if podNS != policyNS {
			return false
		}
	} else if !selector(pe.NamespaceSelector).Matches(in.nsLabels(podNS)) {
		return false
	}
	return pe.PodSelector == nil || selector(pe.PodSelector).Matches(podLabels)
}

// matchingNamespaces returns the namespaces (built-in ones included) a
// selector peer of a policy in namespace policyNS covers.
func (in *input) matchingNamespaces(policyNS string, pe networkingv1.NetworkPolicyPeer) []string {
	if pe.NamespaceSelector == nil {
		return []string{policyNS}
	}
	sel := selector(pe.NamespaceSelector)
	var out []string
	for _, ns := range in.namespaces {
		if sel.Matches(ns.labels) {
			out = append(out, ns.name)
		}
	}
	return out
}

// rulePeers returns the peers of rule i of a policy in direction d.
func rulePeers(np *networkingv1.NetworkPolicy, d netpol.Direction, i int) []networkingv1.NetworkPolicyPeer {
	if d == netpol.Egress {
		return np.Spec.Egress[i].To
	}
	return np.Spec.Ingress[i].From
}

// rulePorts returns the ports of rule i of a policy in direction d.
func rulePorts(np *networkingv1.NetworkPolicy, d netpol.Direction, i int) []networkingv1.NetworkPolicyPort {
	if d == netpol.Egress {
		return np.Spec.Egress[i].Ports
	}
	return np.Spec.Ingress[i].Ports
}

// ruleCount returns the number of rules of a policy in direction d.
func ruleCount(np *networkingv1.NetworkPolicy, d netpol.Direction) int {
	if d == netpol.Egress {
		return len(np.Spec.Egress)
	}
	return len(np.Spec.Ingress)
}

// rulePath returns "spec.ingress[i]" or "spec.egress[i]".
func rulePath(d netpol.Direction, i int) string {
	if d == netpol.Egress {
		return fmt.Sprintf("spec.egress[%d]", i)
	}
	return fmt.Sprintf("spec.ingress[%d]", i)
}

// peerPath returns "spec.ingress[i].from[j]" or "spec.egress[i].to[j]".
func peerPath(d netpol.Direction, i, j int) string {
	if d == netpol.Egress {
		return fmt.Sprintf("spec.egress[%d].to[%d]", i, j)
	}
	return fmt.Sprintf("spec.ingress[%d].from[%d]", i, j)
}

// directions are both directions in a fixed order.
var directions = []netpol.Direction{netpol.Ingress, netpol.Egress}

// nameList joins names as "a", "a and b" or "a, b and c", listing at most
// max and counting the rest.
func nameList(names []string, max int) string {
	if len(names) > max {
		rest := len(names) - max
		return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", rest)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// plural returns "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// selectorText shows a selector as kubectl does, or "{}" for the empty
// selector.
func selectorText(ls *metav1.LabelSelector) string {
	if ls == nil {
		return "<none>"
	}
	s := selector(ls).String()
	if s == "" {
		return "{}"
	}
	return s
}
