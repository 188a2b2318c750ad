package kubectl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// DefaultPageSize is how many objects Live asks the API server for in one
// request, the page size kubectl itself uses.
const DefaultPageSize = 500

// NewClient builds a Kubernetes client from a kubeconfig file and an
// optional context (empty means the file's current context). It returns the
// client and the API server's URL, for messages.
func NewClient(kubeconfig, context string) (kubernetes.Interface, string, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig}
	over := &clientcmd.ConfigOverrides{CurrentContext: context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, over).ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	cfg.UserAgent = "aksnet"
	if cfg.Timeout == 0 {
		// A private cluster's API server is unreachable from outside its
		// VNet; say so instead of waiting forever.
		cfg.Timeout = time.Minute
	}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	return c, cfg.Host, nil
}

// Live lists the nodes, Services and pods of a running cluster through
// client and hands each to h as it arrives: nodes first, then Services,
// then pods. Every list is read in pages of pageSize objects (Limit and
// Continue), so memory is bounded by one page however large the cluster;
// pageSize <= 0 means DefaultPageSize. Errors name the resource and say
// what to check.
func Live(ctx context.Context, client kubernetes.Interface, pageSize int64, h Handler) error {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	if h.Node != nil {
		err := pages(ctx, "nodes", pageSize, func(o metav1.ListOptions) (*corev1.NodeList, error) {
			return client.CoreV1().Nodes().List(ctx, o)
		}, func(l *corev1.NodeList) (string, error) {
			for i := range l.Items {
				v, err := node(&l.Items[i])
				if err != nil {
					return "", fmt.Errorf("node %s: %w", l.Items[i].Name, err)
				}
				if err := h.Node(v); err != nil {
					return "", err
				}
			}
			return l.Continue, nil
		})
		if err != nil {
			return err
		}
	}
	if h.Service != nil {
		err := pages(ctx, "services", pageSize, func(o metav1.ListOptions) (*corev1.ServiceList, error) {
			return client.CoreV1().Services(metav1.NamespaceAll).List(ctx, o)
		}, func(l *corev1.ServiceList) (string, error) {
			for i := range l.Items {
				s := &l.Items[i]
				v, err := service(s)
				if err != nil {
					return "", fmt.Errorf("Service %s/%s: %w", s.Namespace, s.Name, err)
				}
				if err := h.Service(v); err != nil {
					return "", err
				}
			}
			return l.Continue, nil
		})
		if err != nil {
			return err
		}
	}
	if h.Pod != nil {
		err := pages(ctx, "pods", pageSize, func(o metav1.ListOptions) (*corev1.PodList, error) {
			return client.CoreV1().Pods(metav1.NamespaceAll).List(ctx, o)
		}, func(l *corev1.PodList) (string, error) {
			for i := range l.Items {
				p := &l.Items[i]
				v, err := pod(p)
				if err != nil {
					return "", fmt.Errorf("pod %s/%s: %w", p.Namespace, p.Name, err)
				}
				if err := h.Pod(v); err != nil {
					return "", err
				}
			}
			return l.Continue, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// pages lists one resource page by page until the server returns no
// continue token.
func pages[L any](ctx context.Context, resource string, size int64, list func(metav1.ListOptions) (L, error), each func(L) (string, error)) error {
	opts := metav1.ListOptions{Limit: size}
	for page := 1; ; page++ {
		l, err := list(opts)
		if err != nil {
			return listError(ctx, resource, err)
		}
		next, err := each(l)
		if err != nil {
			return fmt.Errorf("listing %s (page %d): %w", resource, page, err)
		}
		if next == "" {
			return nil
		}
		if next == opts.Continue {
			return fmt.Errorf("listing %s: the API server returned the same continue token twice; it does not page correctly", resource)
		}
		opts.Continue = next
	}
}

// listError explains a failed list call.
func listError(ctx context.Context, resource string, err error) error {
	hint := ""
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("listing %s: %w", resource, ctx.Err())
	case apierrors.IsForbidden(err):
		hint = fmt.Sprintf("the kubeconfig's user may not list %s in all namespaces; aksnet needs get/list on nodes, pods and services (check with: kubectl auth can-i list %s --all-namespaces)", resource, resource)
	case apierrors.IsUnauthorized(err):
		hint = "the credentials were refused; for AKS refresh them with: az aks get-credentials -g RESOURCE_GROUP -n CLUSTER (and kubelogin convert-kubeconfig when the cluster uses Entra ID)"
	case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
		hint = "the list changed too much while it was read and the continue token expired; run the audit again"
	default:
		var st apierrors.APIStatus
		if !errors.As(err, &st) {
			hint = "check that the API server is reachable from here (private clusters need a connection into their VNet) and that --context names the right cluster"
		}
	}
	msg := fmt.Sprintf("listing %s: %v", resource, err)
	if hint != "" {
		msg += "; " + strings.TrimSuffix(hint, ".")
	}
	return errors.New(msg)
}
