package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aksnet/aksnet/bench/audit/podgen"
	"github.com/aksnet/aksnet/internal/cli"
)

type jsonReport struct {
	Findings []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	} `json:"findings"`
}

func findingsOf(t *testing.T, stdout, rule string) []string {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not a JSON report: %v\n%.2000s", err, stdout)
	}
	var out []string
	for _, f := range rep.Findings {
		if f.Rule == rule {
			out = append(out, f.Message)
		}
	}
	return out
}

// TestAudit150000Pods generates a bundle with 150,000 pods (three of them
// outside the pod CIDR) in a temporary folder, audits it and checks that
// exactly those three pods are reported, and that no progress bar is
// written when standard error is not a terminal.
func TestAudit150000Pods(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and audits 150,000 pods")
	}
	const pods = 150_000
	dir := t.TempDir()
	outside := podgen.Spread(pods, 3)
	size, err := podgen.WriteBundle(dir, podgen.Options{Pods: pods, Outside: outside, Compact: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pods.json: %d bytes", size)
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"audit", "-o", "json", dir}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr.String())
	}
	got := findingsOf(t, stdout.String(), "audit-pod-ip-outside-range")
	if len(got) != len(outside) {
		t.Fatalf("got %d pod findings, want %d: %q", len(got), len(outside), got)
	}
	for _, i := range outside {
		ns, name := podgen.PodName(i)
		if !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, "pod "+ns+"/"+name+" ") }) {
			t.Errorf("pod %s/%s is not reported: %q", ns, name, got)
		}
	}
	if n := len(findingsOf(t, stdout.String(), "audit-node-ip-outside-subnet")); n != 0 {
		t.Errorf("got %d node findings, want 0", n)
	}
	if strings.ContainsAny(stderr.String(), "\r%") {
		t.Errorf("progress output on a non-terminal standard error: %q", stderr.String())
	}
}

// fakeAPIServer answers the list requests aksnet audit --kubeconfig makes,
// in pages, the way a kube-apiserver does.
type fakeAPIServer struct {
	mu       sync.Mutex
	requests []string
	lists    map[string][]any
}

func (s *fakeAPIServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path+"?"+r.URL.RawQuery)
	s.mu.Unlock()
	items, ok := s.lists[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	start, _ := strconv.Atoi(r.URL.Query().Get("continue"))
	end := len(items)
	if limit > 0 {
		end = min(start+limit, len(items))
	}
	meta := map[string]string{"resourceVersion": "73"}
	if end < len(items) {
		meta["continue"] = strconv.Itoa(end)
	}
	kind := map[string]string{"/api/v1/nodes": "NodeList", "/api/v1/pods": "PodList", "/api/v1/services": "ServiceList"}[r.URL.Path]
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": kind, "apiVersion": "v1", "metadata": meta, "items": items[start:end]})
}

const liveDesign = `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: live
spec:
  vnets:
    - name: spoke
      region: westeurope
      addressSpace: [10.1.0.0/16]
      subnets:
        - name: nodes
          purpose: nodes
          addressPrefixes: [10.1.0.0/24]
  clusters:
    - name: aks1
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke
      network:
        plugin: azure
        pluginMode: overlay
        podCidrs: [100.64.0.0/16]
        serviceCidrs: [10.2.0.0/16]
        dnsServiceIP: 10.2.0.10
      nodePools:
        - name: system
          mode: System
          subnet: nodes
          count: 2
`

func TestAuditKubeconfig(t *testing.T) {
	api := &fakeAPIServer{lists: map[string][]any{}}
	for i := range 2 {
		api.lists["/api/v1/nodes"] = append(api.lists["/api/v1/nodes"], map[string]any{
			"metadata": map[string]any{"name": fmt.Sprintf("aks-system-0-vmss00000%d", i), "labels": map[string]string{"kubernetes.azure.com/agentpool": "system"}},
			"status":   map[string]any{"addresses": []any{map[string]string{"type": "InternalIP", "address": fmt.Sprintf("10.1.0.%d", 4+i)}}},
		})
	}
	api.lists["/api/v1/services"] = []any{map[string]any{"metadata": map[string]string{"name": "kube-dns", "namespace": "kube-system"},
		"spec": map[string]any{"clusterIP": "10.2.0.10", "clusterIPs": []string{"10.2.0.10"}, "type": "ClusterIP"}}}
	for i := range 25 {
		ip := fmt.Sprintf("100.64.%d.%d", i%2, 10+i)
		if i == 17 {
			ip = "100.65.0.9" // outside 100.64.0.0/16
		}
		api.lists["/api/v1/pods"] = append(api.lists["/api/v1/pods"], map[string]any{
			"metadata": map[string]string{"name": fmt.Sprintf("web-%02d", i), "namespace": "shop"},
			"spec":     map[string]string{"nodeName": fmt.Sprintf("aks-system-0-vmss00000%d", i%2)},
			"status":   map[string]any{"podIP": ip, "podIPs": []any{map[string]string{"ip": ip}}},
		})
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	if err := os.WriteFile(kubeconfig, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: aks1
  cluster: {server: %q}
contexts:
- name: aks1-admin
  context: {cluster: aks1, user: admin}
current-context: ""
users:
- name: admin
  user: {token: not-a-real-token}
`, srv.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	designPath := filepath.Join(dir, "design.yaml")
	if err := os.WriteFile(designPath, []byte(liveDesign), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"audit", "--kubeconfig", kubeconfig, "--context", "aks1-admin", "--cluster", "aks1",
		"--design", designPath, "--page-size", "10", "-o", "json"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr.String())
	}
	got := findingsOf(t, stdout.String(), "audit-pod-ip-outside-range")
	if len(got) != 1 || !strings.Contains(got[0], "pod shop/web-17 ") || !strings.Contains(got[0], "100.65.0.9") {
		t.Errorf("pod findings: got %q, want exactly shop/web-17", got)
	}
	usage := findingsOf(t, stdout.String(), "audit-subnet-usage")
	if len(usage) != 1 || !strings.Contains(usage[0], "2 observed nodes") {
		t.Errorf("subnet usage: got %q, want one naming the 2 observed nodes", usage)
	}
	var podPages int
	for _, r := range api.requests {
		if strings.HasPrefix(r, "/api/v1/pods?") {
			podPages++
			if !strings.Contains(r, "limit=10") {
				t.Errorf("request without the page size: %s", r)
			}
		}
	}
	if podPages != 3 {
		t.Errorf("listed 25 pods in %d pages of 10, want 3: %q", podPages, api.requests)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %q", stderr.String())
	}

	// An API server that is not there: exit 2, naming it.
	srv.Close()
	stdout.Reset()
	stderr.Reset()
	code = cli.Run(context.Background(), []string{"audit", "--kubeconfig", kubeconfig, "--context", "aks1-admin", "--design", designPath},
		strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), srv.URL) || !strings.Contains(stderr.String(), "listing nodes") {
		t.Errorf("unreachable API server: exit %d, stderr %q", code, stderr.String())
	}
}
