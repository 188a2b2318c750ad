package netpol

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// Direction is the side of a connection a policy governs: Ingress for the
// destination pod, Egress for the source pod.
type Direction uint8

// The two directions of networking.k8s.io/v1 policyTypes.
const (
	Ingress Direction = iota
	Egress
)

func (d Direction) String() string {
	if d == Egress {
		return "Egress"
	}
	return "Ingress"
}

// Peer names one end of a listed connection: a workload (Namespace, Name
// and Kind set) or a range of addresses outside the cluster (Range set,
// Kind empty).
type Peer struct {
	Namespace string
	Name      string
	Kind      string // Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob or Pod
	Range     IPRange
}

// IsExternal reports whether p is an address range rather than a workload.
func (p Peer) IsExternal() bool { return p.Kind == "" }

// String returns "namespace/name[Kind]" for workloads and "first-last" for
// address ranges, as netpol-analyzer names them.
func (p Peer) String() string {
	if p.IsExternal() {
		return p.Range.String()
	}
	return p.Namespace + "/" + p.Name + "[" + p.Kind + "]"
}

// Connection is an allowed connection: Src may open connections to Dst on
// Conns (never empty).
type Connection struct {
	Src, Dst Peer
	Conns    ConnSet
}

// String returns "src => dst : conns", a line of netpol-analyzer's list
// output.
func (c Connection) String() string {
	return c.Src.String() + " => " + c.Dst.String() + " : " + c.Conns.String()
}

// Namespace is a namespace of the analysed cluster.
type Namespace struct {
	Name string
	// Labels are the namespace's labels, always including
	// kubernetes.io/metadata.name, which the API server sets to the name.
	Labels map[string]string
	// Implicit is true for namespaces that objects live in but that no
	// Namespace object declares; they carry only the name label.
	Implicit bool
	Source   Source
}

// NameLabel is the label the API server puts on every namespace, holding
// its name.
const NameLabel = "kubernetes.io/metadata.name"

// Workload is a set of pods that NetworkPolicies treat alike: a workload
// object's pod template, a group of Pod objects with the same controller
// (kubectl output), or a single Pod.
type Workload struct {
	Peer Peer
	// Labels are the pod labels (of the template, or of the first pod).
	Labels map[string]string
	// Ports are the container ports of every container, including
	// sidecar init containers (restartPolicy Always).
	Ports []corev1.ContainerPort
	// HostNetwork pods use the node's network namespace; NetworkPolicy
	// selectors never select them.
	HostNetwork bool
	// Source is where the workload (or its first pod) was read.
	Source Source
	// Pods are the names of the Pod objects behind the workload, when it
	// was assembled from Pods.
	Pods []string

	class int
}

// Policy is a NetworkPolicy of the input.
type Policy struct {
	Namespace string
	Name      string
	Source    Source
	// Object is the policy as read; do not modify it.
	Object *networkingv1.NetworkPolicy
	// Ingress and Egress are the effective policy types: as listed in
	// spec.policyTypes, or by default Ingress always and Egress when the
	// policy has egress rules.
	Ingress, Egress bool
}

// String returns "namespace/name".
func (p Policy) String() string { return p.Namespace + "/" + p.Name }

// Governs reports whether the policy has the given effective type.
func (p Policy) Governs(d Direction) bool {
	if d == Egress {
		return p.Egress
	}
	return p.Ingress
}

// Service is a Service of the input. Services do not change what
// NetworkPolicies allow (policies see pod addresses after Service
// translation); they are kept for checks that relate the two.
type Service struct {
	Namespace string
	Name      string
	Source    Source
	Object    *corev1.Service
}

// Warning is something in the input that the analysis worked around.
type Warning struct {
	Source Source
	Msg    string
}

func (w Warning) String() string {
	if s := w.Source.String(); s != "" {
		return s + ": " + w.Msg
	}
	return w.Msg
}

// InputError is an object the analysis cannot use, typically one the
// Kubernetes API server would refuse.
type InputError struct {
	Source Source
	// Object is "Kind namespace/name".
	Object string
	Msg    string
}

func (e *InputError) Error() string {
	var b strings.Builder
	if s := e.Source.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if e.Object != "" {
		b.WriteString(e.Object)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// InputErrors are every InputError of one analysis.
type InputErrors []*InputError

func (es InputErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
