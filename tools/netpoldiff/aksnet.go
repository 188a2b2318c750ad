package netpoldiff

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
)

// AksnetRun is what aksnet says of a folder of manifests.
type AksnetRun struct {
	Conns *Connectivity
	// Warnings are the importer's and the analysis' warnings.
	Warnings []string
	// HostNetwork holds the names ("namespace/name[Kind]") of the
	// workloads whose pods use the node's network.
	HostNetwork map[string]bool
}

// Aksnet loads the manifests under dir with aksnet's manifest importer and
// analyses them with aksnet's netpol package (default options, as
// "aksnet netpol list" does). A load or analysis error means aksnet
// refuses the input.
func Aksnet(dir string) (*AksnetRun, error) {
	return aksnet(dir, false)
}

// AksnetPodNetworkOnly is Aksnet with every pod moved off the host
// network before the analysis, so that policies apply to all pods alike,
// as np-guard applies them. The differences it removes are those of how
// the two tools treat hostNetwork pods.
func AksnetPodNetworkOnly(dir string) (*AksnetRun, error) {
	return aksnet(dir, true)
}

func aksnet(dir string, noHostNetwork bool) (*AksnetRun, error) {
	set, err := manifests.Load([]string{dir}, nil)
	if err != nil {
		return nil, err
	}
	if noHostNetwork {
		for _, o := range set.Objects {
			if spec := podSpec(o.Obj); spec != nil {
				spec.HostNetwork = false
			}
		}
	}
	var warnings []string
	for _, w := range set.Warnings {
		warnings = append(warnings, w.String())
	}
	res, err := netpol.Analyze(set.Objects)
	if err != nil {
		return nil, err
	}
	for _, w := range res.Warnings() {
		warnings = append(warnings, w.String())
	}
	host := map[string]bool{}
	for _, w := range res.Workloads() {
		if w.HostNetwork {
			host[aksnetEndpoint(w.Peer).Workload] = true
		}
	}
	c := NewConnectivity()
	for _, conn := range res.Connections() {
		src, dst := aksnetEndpoint(conn.Src), aksnetEndpoint(conn.Dst)
		for _, p := range netpol.Protocols() {
			var ports []PortRange
			for _, r := range conn.Conns.Ports(p) {
				ports = append(ports, PortRange{int(r.First), int(r.Last)})
			}
			if err := c.Add(src, dst, p.String(), NewPortSet(ports...)); err != nil {
				return nil, fmt.Errorf("aksnet connection %s: %w", conn, err)
			}
		}
	}
	return &AksnetRun{Conns: c, Warnings: warnings, HostNetwork: host}, nil
}

// podSpec returns the pod spec of a Pod or of a workload's pod template.
func podSpec(obj runtime.Object) *corev1.PodSpec {
	switch t := obj.(type) {
	case *corev1.Pod:
		return &t.Spec
	case *corev1.ReplicationController:
		if t.Spec.Template != nil {
			return &t.Spec.Template.Spec
		}
	case *appsv1.Deployment:
		return &t.Spec.Template.Spec
	case *appsv1.StatefulSet:
		return &t.Spec.Template.Spec
	case *appsv1.DaemonSet:
		return &t.Spec.Template.Spec
	case *appsv1.ReplicaSet:
		return &t.Spec.Template.Spec
	case *batchv1.Job:
		return &t.Spec.Template.Spec
	case *batchv1.CronJob:
		return &t.Spec.JobTemplate.Spec.Template.Spec
	}
	return nil
}

func aksnetEndpoint(p netpol.Peer) Endpoint {
	if p.IsExternal() {
		return Addresses(IPRange{p.Range.First, p.Range.Last})
	}
	return Workload(p.Namespace, p.Name, p.Kind)
}
