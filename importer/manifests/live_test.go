package manifests

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/aksnet/aksnet/netpol"
)

func TestLive(t *testing.T) {
	tcp := corev1.ProtocolTCP
	port := intstr.FromInt32(8080)
	pod := func(ns, name, app string) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": app}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: tcp}}}}},
			Status:     corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "100.64.0.10"},
		}
	}
	client := fake.NewClientset(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"kubernetes.io/metadata.name": "shop"}}},
		pod("shop", "web", "web"),
		pod("shop", "api", "api"),
		&networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api-from-web"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}},
					Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port}},
				}},
			},
		},
	)
	objs, err := Live(context.Background(), client, "https://aks.example:443", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 4 {
		t.Fatalf("got %d objects, want 4 (namespace, 2 pods, policy)", len(objs))
	}
	for _, o := range objs {
		if !strings.HasPrefix(o.Source.File, "https://aks.example:443 ") {
			t.Errorf("source %q does not name the cluster", o.Source)
		}
	}
	r, err := netpol.Analyze(objs)
	if err != nil {
		t.Fatal(err)
	}
	var toAPI []string
	for _, c := range r.Connections() {
		if strings.Contains(c.Dst.String(), "api") {
			toAPI = append(toAPI, c.Src.String()+" => "+c.Dst.String()+" : "+c.Conns.String())
		}
	}
	if len(toAPI) != 1 || !strings.Contains(toAPI[0], "web") || !strings.Contains(toAPI[0], "TCP 8080") {
		t.Errorf("connections to api = %q, want only web on TCP 8080", toAPI)
	}
}

func TestLiveForbidden(t *testing.T) {
	client := fake.NewClientset()
	client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("no RBAC"))
	})
	_, err := Live(context.Background(), client, "https://aks.example:443", 0)
	if err == nil || !strings.Contains(err.Error(), "listing pods") || !strings.Contains(err.Error(), "kubectl auth can-i list pods") {
		t.Errorf("err = %v, want a forbidden listing pods with the can-i hint", err)
	}
}
