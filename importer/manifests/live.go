package manifests

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/aksnet/aksnet/netpol"
)

// lister lists one page of one kind.
type lister func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) (items []runtime.Object, next string, err error)

// listOf adapts a typed list call to a lister.
func listOf[T any, PT interface {
	*T
	runtime.Object
}](list func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) ([]T, string, error)) lister {
	return func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) ([]runtime.Object, string, error) {
		items, next, err := list(ctx, c, o)
		if err != nil {
			return nil, "", err
		}
		out := make([]runtime.Object, len(items))
		for i := range items {
			out[i] = PT(&items[i])
		}
		return out, next, nil
	}
}

// liveLists are the kinds Live reads, in the order it reads them. Pods are
// read rather than their controllers: a running pod carries the labels the
// policies select, and Analyze groups pods by their controller.
var liveLists = []struct {
	kind string
	list lister
}{
	{"namespaces", listOf(func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) ([]corev1.Namespace, string, error) {
		l, err := c.CoreV1().Namespaces().List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})},
	{"pods", listOf(func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) ([]corev1.Pod, string, error) {
		l, err := c.CoreV1().Pods(metav1.NamespaceAll).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})},
	{"services", listOf(func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) ([]corev1.Service, string, error) {
		l, err := c.CoreV1().Services(metav1.NamespaceAll).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})},
	{"networkpolicies", listOf(func(ctx context.Context, c kubernetes.Interface, o metav1.ListOptions) ([]networkingv1.NetworkPolicy, string, error) {
		l, err := c.NetworkingV1().NetworkPolicies(metav1.NamespaceAll).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.Continue, nil
	})},
}

// Live reads the namespaces, pods, Services and NetworkPolicies of a
// running cluster through client, pageSize objects per request, into the
// objects Analyze takes. Each object's Source names the cluster (server,
// usually the API server URL) and the object, since there is no file and
// line to point at. The pods stand for the workloads: Analyze groups them
// by their owning controller, as it does for kubectl get pods output.
func Live(ctx context.Context, client kubernetes.Interface, server string, pageSize int64) ([]netpol.Object, error) {
	if pageSize <= 0 {
		pageSize = 500
	}
	var objs []netpol.Object
	for _, l := range liveLists {
		opts := metav1.ListOptions{Limit: pageSize}
		for {
			items, next, err := l.list(ctx, client, opts)
			if err != nil {
				return nil, fmt.Errorf("%s: listing %s: %w (%s)", server, l.kind, err, liveHint(l.kind, err))
			}
			for _, it := range items {
				m, ok := it.(metav1.Object)
				if !ok {
					continue
				}
				name := m.GetName()
				if ns := m.GetNamespace(); ns != "" {
					name = ns + "/" + name
				}
				objs = append(objs, netpol.Object{Source: netpol.Source{File: server + " " + l.kind + "/" + name}, Obj: it})
			}
			if next == "" {
				break
			}
			if next == opts.Continue {
				return nil, fmt.Errorf("%s: listing %s: the API server returned the same continue token twice", server, l.kind)
			}
			opts.Continue = next
		}
	}
	return objs, nil
}

// liveHint says what to check after a failed list.
func liveHint(kind string, err error) string {
	switch {
	case apierrors.IsForbidden(err):
		return fmt.Sprintf("aksnet needs get/list on namespaces, pods, services and networkpolicies in all namespaces; check with: kubectl auth can-i list %s --all-namespaces", kind)
	case apierrors.IsUnauthorized(err):
		return "the credentials were refused; for AKS refresh them with: az aks get-credentials -g RESOURCE_GROUP -n CLUSTER"
	default:
		return "check that the API server is reachable from here (a private cluster needs a connection into its VNet) and that --context names the right cluster"
	}
}
