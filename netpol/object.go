package netpol

import (
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"
)

// Source is where an object was read: the file and the line its document
// (or List item) starts on. The zero Source means the object was built in
// code.
type Source struct {
	File string
	Line int
}

// String returns "file:line", "file" when the line is unknown, or "" for
// the zero Source.
func (s Source) String() string {
	if s.File == "" {
		return ""
	}
	if s.Line <= 0 {
		return s.File
	}
	return s.File + ":" + strconv.Itoa(s.Line)
}

// Object is one Kubernetes object and the place it was read from.
//
// Analyze understands these types (pointers): corev1.Namespace, corev1.Pod,
// corev1.ReplicationController, corev1.Service, appsv1.Deployment,
// appsv1.StatefulSet, appsv1.DaemonSet, appsv1.ReplicaSet, batchv1.Job,
// batchv1.CronJob and networkingv1.NetworkPolicy. Any other type is an
// error.
type Object struct {
	Source Source
	Obj    runtime.Object
}
