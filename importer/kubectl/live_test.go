package kubectl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/aksnet/aksnet/audit"
)

func testPod(i int) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%03d", i), Namespace: "shop"},
		Spec:       corev1.PodSpec{NodeName: "aks-user1-0"},
		Status:     corev1.PodStatus{PodIP: fmt.Sprintf("100.64.%d.%d", i/250, i%250+4)},
	}
}

// pager makes a fake clientset's list of pods answer in pages, the way the
// API server does: Limit items, and a continue token naming the next index.
func pager(t *testing.T, all []corev1.Pod, requests *[]metav1.ListOptions) k8stesting.ReactionFunc {
	return func(action k8stesting.Action) (bool, runtime.Object, error) {
		opts := action.(k8stesting.ListActionImpl).ListOptions
		*requests = append(*requests, opts)
		start := 0
		if opts.Continue != "" {
			var err error
			if start, err = strconv.Atoi(opts.Continue); err != nil {
				t.Errorf("bad continue token %q", opts.Continue)
			}
		}
		end := len(all)
		if opts.Limit > 0 {
			end = min(start+int(opts.Limit), len(all))
		}
		l := &corev1.PodList{Items: all[start:end]}
		if end < len(all) {
			l.Continue = strconv.Itoa(end)
		}
		return true, l, nil
	}
}

func TestLiveFakeClientset(t *testing.T) {
	var objs []runtime.Object
	var pods []corev1.Pod
	for i := range 1234 {
		pods = append(pods, *testPod(i))
		objs = append(objs, testPod(i))
	}
	objs = append(objs,
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "aks-user1-0", Labels: map[string]string{audit.LabelAgentPool: "user1"}},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.1.0.4"}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "kube-dns", Namespace: "kube-system"},
			Spec: corev1.ServiceSpec{ClusterIP: "10.2.0.10", ClusterIPs: []string{"10.2.0.10"}}},
	)
	client := fake.NewClientset(objs...)
	var requests []metav1.ListOptions
	client.PrependReactor("list", "pods", pager(t, pods, &requests))

	var order []string
	var got []audit.Pod
	err := Live(context.Background(), client, 100, Handler{
		Node:    func(n audit.Node) error { order = append(order, "node "+n.Name+" "+n.Pool); return nil },
		Service: func(s audit.Service) error { order = append(order, "service "+s.Namespace+"/"+s.Name); return nil },
		Pod: func(p audit.Pod) error {
			if len(got) == 0 {
				order = append(order, "pods")
			}
			got = append(got, p)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"node aks-user1-0 user1", "service kube-system/kube-dns", "pods"}; strings.Join(order, "; ") != strings.Join(want, "; ") {
		t.Errorf("order: got %q, want %q", order, want)
	}
	if len(got) != len(pods) {
		t.Fatalf("got %d pods, want %d", len(got), len(pods))
	}
	for i, p := range got {
		if p.Name != pods[i].Name || p.IPs[0].String() != pods[i].Status.PodIP {
			t.Fatalf("pod %d: got %+v, want %s %s", i, p, pods[i].Name, pods[i].Status.PodIP)
		}
	}
	if len(requests) != 13 {
		t.Errorf("got %d list requests for 1,234 pods in pages of 100, want 13", len(requests))
	}
	for i, r := range requests {
		if r.Limit != 100 {
			t.Errorf("request %d: limit %d, want 100", i, r.Limit)
		}
		if want := map[bool]string{true: "", false: strconv.Itoa(i * 100)}[i == 0]; r.Continue != want {
			t.Errorf("request %d: continue %q, want %q", i, r.Continue, want)
		}
	}
}

func TestLiveErrors(t *testing.T) {
	client := fake.NewClientset(testPod(1))
	client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, fmt.Errorf("dial tcp 10.0.0.1:443: i/o timeout")
	})
	err := Live(context.Background(), client, 0, Handler{Pod: func(audit.Pod) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "listing pods") || !strings.Contains(err.Error(), "reachable") {
		t.Errorf("got %v, want an error about reaching the API server", err)
	}
	// A pod with a malformed IP names the pod.
	bad := testPod(2)
	bad.Status.PodIP = "100.64.0.999"
	err = Live(context.Background(), fake.NewClientset(bad), 0, Handler{Pod: func(audit.Pod) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "shop/web-002") {
		t.Errorf("got %v, want an error naming pod shop/web-002", err)
	}
	// A token that never changes would loop forever; Live stops.
	loop := fake.NewClientset()
	loop.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, &corev1.PodList{ListMeta: metav1.ListMeta{Continue: "same"}}, nil
	})
	err = Live(context.Background(), loop, 0, Handler{Pod: func(audit.Pod) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "same continue token") {
		t.Errorf("got %v, want the repeated-token error", err)
	}
}

// apiServer is a loopback HTTP server that answers list requests for
// nodes, Services and pods in pages, as a kube-apiserver does, so the real
// client-go transport, decoding and paging are exercised.
type apiServer struct {
	mu       sync.Mutex
	requests []string
	pods     int
	status   int // when set, every request fails with this HTTP status
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path+"?"+r.URL.RawQuery)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if s.status != 0 {
		w.WriteHeader(s.status)
		reason := map[int]string{403: "Forbidden", 401: "Unauthorized"}[s.status]
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" at the cluster scope","reason":%q,"code":%d}`, reason, s.status)
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	start, _ := strconv.Atoi(r.URL.Query().Get("continue"))
	var items []any
	kind := ""
	switch r.URL.Path {
	case "/api/v1/nodes":
		kind = "NodeList"
		items = []any{map[string]any{"metadata": map[string]any{"name": "aks-user1-0", "labels": map[string]string{audit.LabelAgentPool: "user1"}},
			"status": map[string]any{"addresses": []any{map[string]string{"type": "InternalIP", "address": "10.1.0.4"}}}}}
	case "/api/v1/services":
		kind = "ServiceList"
		items = []any{map[string]any{"metadata": map[string]string{"name": "kube-dns", "namespace": "kube-system"},
			"spec": map[string]any{"clusterIP": "10.2.0.10", "clusterIPs": []string{"10.2.0.10"}}}}
	case "/api/v1/pods":
		kind = "PodList"
		for i := range s.pods {
			p := testPod(i)
			items = append(items, map[string]any{"metadata": map[string]string{"name": p.Name, "namespace": p.Namespace},
				"spec": map[string]string{"nodeName": p.Spec.NodeName}, "status": map[string]string{"podIP": p.Status.PodIP}})
		}
	default:
		http.NotFound(w, r)
		return
	}
	end := len(items)
	if limit > 0 {
		end = min(start+limit, len(items))
	}
	meta := map[string]string{"resourceVersion": "4711"}
	if end < len(items) {
		meta["continue"] = strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": kind, "apiVersion": "v1", "metadata": meta, "items": items[start:end]})
}

func writeKubeconfig(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: aks-prod
  cluster:
    server: %s
- name: aks-other
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: aks-prod
  context: {cluster: aks-prod, user: dev}
- name: aks-other
  context: {cluster: aks-other, user: dev}
current-context: aks-other
users:
- name: dev
  user: {token: not-a-real-token}
`, server)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLiveAgainstHTTPServer(t *testing.T) {
	api := &apiServer{pods: 1001}
	srv := httptest.NewServer(api)
	defer srv.Close()
	client, host, err := NewClient(writeKubeconfig(t, srv.URL), "aks-prod")
	if err != nil {
		t.Fatal(err)
	}
	if host != srv.URL {
		t.Errorf("host: got %q, want %q", host, srv.URL)
	}
	var nodes, services, pods int
	err = Live(context.Background(), client, 250, Handler{
		Node:    func(audit.Node) error { nodes++; return nil },
		Service: func(audit.Service) error { services++; return nil },
		Pod:     func(audit.Pod) error { pods++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if nodes != 1 || services != 1 || pods != 1001 {
		t.Errorf("got %d nodes, %d Services, %d pods; want 1, 1, 1001", nodes, services, pods)
	}
	var podRequests []string
	for _, r := range api.requests {
		if strings.HasPrefix(r, "/api/v1/pods?") {
			podRequests = append(podRequests, r)
		}
	}
	if len(podRequests) != 5 || !strings.Contains(podRequests[4], "continue=1000") || !strings.Contains(podRequests[4], "limit=250") {
		t.Errorf("pod requests: got %q, want 5 pages of 250", podRequests)
	}

	api.status = http.StatusForbidden
	err = Live(context.Background(), client, 250, Handler{Pod: func(audit.Pod) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "kubectl auth can-i list pods") {
		t.Errorf("forbidden: got %v, want the RBAC hint", err)
	}
	api.status = http.StatusUnauthorized
	err = Live(context.Background(), client, 250, Handler{Pod: func(audit.Pod) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "az aks get-credentials") {
		t.Errorf("unauthorized: got %v, want the credentials hint", err)
	}
}

func TestNewClientErrors(t *testing.T) {
	if _, _, err := NewClient(filepath.Join(t.TempDir(), "missing"), ""); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing kubeconfig: got %v", err)
	}
	cfg := writeKubeconfig(t, "https://127.0.0.1:6443")
	if _, _, err := NewClient(cfg, "nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown context: got %v", err)
	}
	_, host, err := NewClient(cfg, "")
	if err != nil || host != "https://127.0.0.1:1" {
		t.Errorf("current context: got %q, %v; want the aks-other server", host, err)
	}
}
