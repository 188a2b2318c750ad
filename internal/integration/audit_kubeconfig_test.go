// Package integration runs aksnet against real servers: here, a
// kube-apiserver backed by etcd, both on loopback, filled with nodes, pods
// and Services through client-go, and read back by
// `aksnet audit --kubeconfig`.
package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/aksnet/aksnet/importer/kubectl"
	"github.com/aksnet/aksnet/internal/cli"
)

// The cluster in testdata/design.yaml and the ranges it designs.
const (
	designFile  = "testdata/design.yaml"
	clusterName = "aks-live"
	serviceCIDR = "10.0.0.0/16" // spec.clusters[0].network.serviceCidrs
	dnsIP       = "10.0.0.10"   // spec.clusters[0].network.dnsServiceIP
)

// goodPods is how many well-addressed pods the cluster holds besides the
// special ones: more than one page of the 500 objects aksnet asks for at a
// time, so the audit has to follow a continue token to see them all.
const goodPods = 620

// The one pod whose address is outside the design's pod CIDR
// 10.244.0.0/16: just past its upper end, on a node whose own pod range is
// inside it. Lists come back ordered by namespace and name, so this pod is
// the last one, on the second page.
const (
	badNamespace = "shop"
	badPod       = "worker-5f6d7c8b9-zk2wq"
	badIP        = "10.245.0.9"
)

type testNode struct {
	name, pool, ip, podCIDR string
}

var nodes = []testNode{
	{"aks-system-27182818-vmss000000", "system", "10.224.0.4", "10.244.0.0/24"},
	{"aks-system-27182818-vmss000001", "system", "10.224.0.5", "10.244.1.0/24"},
	{"aks-apps-27182818-vmss000000", "apps", "10.224.0.6", "10.244.2.0/24"},
}

// testPod is a pod to create and the addresses to patch into its status.
type testPod struct {
	namespace, name, node string
	hostNetwork           bool
	ips                   []string // status.podIPs; none leaves the pod Pending
}

func testPods() []testPod {
	pods := []testPod{
		// On the host network, the pod has its node's address, which is
		// outside the pod CIDR and rightly so.
		{namespace: "kube-system", name: "kube-proxy-x7k2p", node: nodes[0].name, hostNetwork: true, ips: []string{nodes[0].ip}},
		{namespace: "kube-system", name: "coredns-6f7b9c8d5-x2lqp", node: nodes[0].name, ips: []string{"10.244.0.2"}},
		// The last address of the pod CIDR, and a dual-stack pod whose IPv6
		// address the IPv4-only design says nothing about.
		{namespace: "shop", name: "edge-7c9d8f6b5-m3n4p", node: nodes[2].name, ips: []string{"10.244.255.254"}},
		{namespace: "shop", name: "dual-5b6c7d8e9-q1r2s", node: nodes[1].name, ips: []string{"10.244.1.250", "fd00:10:244:1::fa"}},
		// Not started yet: no address.
		{namespace: "batch", name: "pending-0", ips: nil},
		{namespace: badNamespace, name: badPod, node: nodes[2].name, ips: []string{badIP}},
	}
	for i := range goodPods {
		n := i % len(nodes)
		pods = append(pods, testPod{
			namespace: "shop",
			name:      fmt.Sprintf("web-%04d", i),
			node:      nodes[n].name,
			ips:       []string{fmt.Sprintf("10.244.%d.%d", n, 10+i/len(nodes))},
		})
	}
	return pods
}

func TestAuditKubeconfigAgainstKubeAPIServer(t *testing.T) {
	apiServerBin, etcdBin := requireBinaries(t)
	design, err := filepath.Abs(designFile)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	etcdURL := startEtcd(t, etcdBin, dir)
	srv := startAPIServer(t, apiServerBin, dir, etcdURL, serviceCIDR)
	kubeconfig := srv.writeKubeconfig(t, dir)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cs := clientFor(t, kubeconfig)
	checkServerVersion(t, cs)
	populate(ctx, t, cs)
	checkPopulated(ctx, t, cs)

	// The one misaddressed pod is the one error; the node subnet summary is
	// the only other finding, an info.
	rep, code := auditJSON(ctx, t, kubeconfig, design)
	if code != cli.ExitFindings {
		t.Errorf("exit code %d, want %d (findings at or above error)", code, cli.ExitFindings)
	}
	var pods, others []reportFinding
	for _, f := range rep.Findings {
		switch {
		case f.Rule == "audit-pod-ip-outside-range":
			pods = append(pods, f)
		case f.Rule == "audit-subnet-usage" && f.Severity == "info":
		default:
			others = append(others, f)
		}
	}
	if len(pods) != 1 {
		t.Fatalf("%d pods reported outside the pod CIDR, want exactly %s/%s: %+v", len(pods), badNamespace, badPod, pods)
	}
	f := pods[0]
	wantName := badNamespace + "/" + badPod
	if f.Severity != "error" || !strings.Contains(f.Message, wantName) || !strings.Contains(f.Message, badIP) ||
		!strings.Contains(f.Message, nodes[2].name) || !strings.Contains(f.Message, "10.244.0.0/16") {
		t.Errorf("pod finding = %+v, want an error naming %s, its IP %s, its node %s and the pod CIDR 10.244.0.0/16",
			f, wantName, badIP, nodes[2].name)
	}
	if want := designLine(t, design, "podCidrs:"); filepath.Base(f.Location.File) != filepath.Base(design) || f.Location.Line != want {
		t.Errorf("pod finding points at %s:%d, want %s:%d (the design's podCidrs)", f.Location.File, f.Location.Line, designFile, want)
	}
	if len(others) > 0 {
		t.Errorf("unexpected findings besides the pod's: %+v", others)
	}
	// Every node was read: the node subnet summary counts them.
	if !slices.ContainsFunc(rep.Findings, func(f reportFinding) bool {
		return f.Rule == "audit-subnet-usage" && strings.Contains(f.Message, fmt.Sprintf("the %d observed nodes", len(nodes)))
	}) {
		t.Errorf("no audit-subnet-usage finding counting %d observed nodes: %+v", len(nodes), rep.Findings)
	}
	if rep.Summary.Errors != 1 || rep.Summary.Warnings != 0 {
		t.Errorf("summary = %+v, want 1 error and 0 warnings", rep.Summary)
	}

	// The text report, through the kubeconfig context named explicitly,
	// names that pod and no other.
	out, stderr, code := runAksnet(ctx, "audit", "--kubeconfig", kubeconfig, "--context", "live", "--cluster", clusterName, "--design", design, "--color", "never")
	if code != cli.ExitFindings {
		t.Errorf("text: exit code %d, want %d; stderr:\n%s", code, cli.ExitFindings, stderr)
	}
	if n := strings.Count(out, "audit-pod-ip-outside-range"); n != 1 || !strings.Contains(out, wantName) {
		t.Errorf("text report: %d pod findings, want one naming %s:\n%s", n, wantName, out)
	}
	for _, p := range testPods() {
		if p.name != badPod && strings.Contains(out, p.namespace+"/"+p.name) {
			t.Errorf("text report names well-addressed pod %s/%s:\n%s", p.namespace, p.name, out)
		}
	}

	// With the pod gone the cluster is as designed: exit 0.
	if err := cs.CoreV1().Pods(badNamespace).Delete(ctx, badPod, metav1.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	rep, code = auditJSON(ctx, t, kubeconfig, design)
	if code != cli.ExitOK || rep.Summary.Errors != 0 || rep.Summary.Warnings != 0 {
		t.Errorf("after deleting %s: exit code %d, summary %+v, want 0 and no errors or warnings: %+v", wantName, code, rep.Summary, rep.Findings)
	}

	checkNetpolLive(ctx, t, cs, kubeconfig)
}

// checkNetpolLive runs aksnet netpol against the same API server: a
// default-deny egress policy in shop that forgot DNS is reported by lint,
// and list reads the cluster's workloads and policies.
func checkNetpolLive(ctx context.Context, t *testing.T, cs kubernetes.Interface, kubeconfig string) {
	t.Helper()
	deny := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "default-deny-egress"},
		Spec: networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		},
	}
	if _, err := cs.NetworkingV1().NetworkPolicies("shop").Create(ctx, deny, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runAksnet(ctx, "netpol", "lint", "--kubeconfig", kubeconfig, "--color", "never")
	if code != cli.ExitFindings || !strings.Contains(out, "dns-egress-blocked") || !strings.Contains(out, "shop/default-deny-egress") {
		t.Errorf("netpol lint --kubeconfig: exit %d, want %d with dns-egress-blocked on shop/default-deny-egress:\n%s\n%s", code, cli.ExitFindings, out, stderr)
	}
	out, stderr, code = runAksnet(ctx, "netpol", "list", "--kubeconfig", kubeconfig, "-o", "json")
	if code != cli.ExitOK {
		t.Fatalf("netpol list --kubeconfig: exit %d:\n%s", code, stderr)
	}
	// Nothing in shop may open connections any more; CoreDNS in
	// kube-system still may.
	var conns []struct {
		Src string `json:"src"`
	}
	if err := json.Unmarshal([]byte(out), &conns); err != nil {
		t.Fatalf("netpol list -o json: %v\n%s", err, out)
	}
	var fromShop, fromKubeSystem int
	for _, c := range conns {
		switch {
		case strings.HasPrefix(c.Src, "shop/"):
			fromShop++
		case strings.HasPrefix(c.Src, "kube-system/"):
			fromKubeSystem++
		}
	}
	if fromShop != 0 || fromKubeSystem == 0 {
		t.Errorf("netpol list: %d connections from shop (want 0, egress is denied) and %d from kube-system (want some)", fromShop, fromKubeSystem)
	}
}

// runAksnet runs the aksnet CLI in this process.
func runAksnet(ctx context.Context, args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = cli.Run(ctx, args, strings.NewReader(""), &o, &e)
	return o.String(), e.String(), code
}

// reportFinding is a finding of aksnet's JSON report.
type reportFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Location struct {
		File string `json:"file"`
		Line int    `json:"line"`
	} `json:"location"`
}

type report struct {
	Summary struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"summary"`
	Findings []reportFinding `json:"findings"`
}

func auditJSON(ctx context.Context, t *testing.T, kubeconfig, design string) (report, int) {
	t.Helper()
	out, stderr, code := runAksnet(ctx, "audit", "--kubeconfig", kubeconfig, "--cluster", clusterName, "--design", design, "-o", "json")
	if code == cli.ExitUsage {
		t.Fatalf("aksnet audit --kubeconfig: exit code 2; stderr:\n%s", stderr)
	}
	var rep report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("aksnet audit -o json wrote no JSON report (%v); stdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	return rep, code
}

// designLine is the 1-based line of the design that contains key.
func designLine(t *testing.T, path, key string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, key) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", path, key)
	return 0
}

// clientFor builds a client-go clientset from the kubeconfig, without
// client-side rate limiting so the objects go in quickly.
func clientFor(t *testing.T, kubeconfig string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS = -1
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// checkServerVersion makes sure the server is the Kubernetes release whose
// API types aksnet is built with: k8s.io/api v0.X.Y in aksnet's go.mod goes
// with kube-apiserver v1.X.Y.
func checkServerVersion(t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(data)) {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "k8s.io/api" {
			if want := "v1." + strings.TrimPrefix(f[1], "v0."); v.GitVersion != want {
				t.Errorf("kube-apiserver is %s; aksnet uses k8s.io/api %s, so it should be %s", v.GitVersion, f[1], want)
			}
			return
		}
	}
	t.Fatal("aksnet's go.mod does not require k8s.io/api")
}

// populate creates the namespaces, nodes, Services and pods, and patches
// the nodes' and pods' addresses into their status as kubelet would.
func populate(ctx context.Context, t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	core := cs.CoreV1()
	for _, ns := range []string{"shop", "batch"} {
		if _, err := core.Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	for _, n := range nodes {
		obj := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: map[string]string{
				"kubernetes.azure.com/agentpool": n.pool,
				"kubernetes.azure.com/cluster":   "MC_rg-live_aks-live_northeurope",
				"kubernetes.io/os":               "linux",
			}},
			Spec: corev1.NodeSpec{PodCIDR: n.podCIDR, PodCIDRs: []string{n.podCIDR}},
		}
		if _, err := core.Nodes().Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		patch, err := statusPatch(map[string]any{"addresses": []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: n.ip},
			{Type: corev1.NodeHostName, Address: n.name},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := core.Nodes().Patch(ctx, n.name, types.MergePatchType, patch, metav1.PatchOptions{}, "status"); err != nil {
			t.Fatalf("patching node %s status: %v", n.name, err)
		}
	}

	// kube-dns on the designed DNS service IP, and a Service whose
	// ClusterIP kube-apiserver allocates from --service-cluster-ip-range.
	// kube-apiserver itself adds default/kubernetes on the range's first
	// address.
	for _, svc := range []*corev1.Service{
		{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-dns"},
			Spec: corev1.ServiceSpec{ClusterIP: dnsIP, Selector: map[string]string{"k8s-app": "kube-dns"},
				Ports: []corev1.ServicePort{{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP}}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
			Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"},
				Ports: []corev1.ServicePort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}}},
		},
	} {
		if _, err := core.Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating Service %s/%s: %v", svc.Namespace, svc.Name, err)
		}
	}

	pods := testPods()
	work := make(chan testPod)
	errs := make(chan error, len(pods))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for p := range work {
				if err := createPod(ctx, cs, p); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, p := range pods {
		work <- p
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// checkPopulated lists the pods back, as a client sees them, and checks
// that each has the addresses the test patched in.
func checkPopulated(ctx context.Context, t *testing.T, cs kubernetes.Interface) {
	t.Helper()
	want := map[string][]string{}
	for _, p := range testPods() {
		want[p.namespace+"/"+p.name] = p.ips
	}
	got := map[string][]string{}
	badAt := -1
	opts := metav1.ListOptions{Limit: 250}
	for {
		l, err := cs.CoreV1().Pods(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range l.Items {
			var ips []string
			for _, ip := range p.Status.PodIPs {
				ips = append(ips, ip.IP)
			}
			if p.Namespace == badNamespace && p.Name == badPod {
				badAt = len(got)
			}
			got[p.Namespace+"/"+p.Name] = ips
		}
		if l.Continue == "" {
			break
		}
		opts.Continue = l.Continue
	}
	if len(got) != len(want) {
		t.Fatalf("the server lists %d pods, want %d", len(got), len(want))
	}
	for name, ips := range want {
		if !slices.Equal(got[name], ips) {
			t.Fatalf("pod %s has podIPs %v, want %v", name, got[name], ips)
		}
	}
	// The audit must page to find it.
	if badAt < kubectl.DefaultPageSize {
		t.Fatalf("pod %s/%s is listed at position %d, within the first page of %d", badNamespace, badPod, badAt, kubectl.DefaultPageSize)
	}
}

// createPod creates a pod bound to its node and patches its addresses into
// its status subresource.
func createPod(ctx context.Context, cs kubernetes.Interface, p testPod) error {
	labels := map[string]string{"app": strings.SplitN(p.name, "-", 2)[0]}
	obj := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: p.namespace, Name: p.name, Labels: labels},
		Spec: corev1.PodSpec{
			NodeName:    p.node,
			HostNetwork: p.hostNetwork,
			Containers:  []corev1.Container{{Name: "main", Image: "mcr.microsoft.com/azurelinux/base/core:3.0"}},
		},
	}
	if _, err := cs.CoreV1().Pods(p.namespace).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating pod %s/%s: %w", p.namespace, p.name, err)
	}
	if len(p.ips) == 0 {
		return nil
	}
	var hostIP string
	for _, n := range nodes {
		if n.name == p.node {
			hostIP = n.ip
		}
	}
	podIPs := make([]corev1.PodIP, len(p.ips))
	for i, ip := range p.ips {
		podIPs[i] = corev1.PodIP{IP: ip}
	}
	patch, err := statusPatch(map[string]any{
		"phase":   corev1.PodRunning,
		"hostIP":  hostIP,
		"hostIPs": []corev1.HostIP{{IP: hostIP}},
		"podIP":   p.ips[0],
		"podIPs":  podIPs,
	})
	if err != nil {
		return err
	}
	got, err := cs.CoreV1().Pods(p.namespace).Patch(ctx, p.name, types.MergePatchType, patch, metav1.PatchOptions{}, "status")
	if err != nil {
		return fmt.Errorf("patching pod %s/%s status: %w", p.namespace, p.name, err)
	}
	if got.Status.PodIP != p.ips[0] || len(got.Status.PodIPs) != len(p.ips) {
		return fmt.Errorf("pod %s/%s: status after the patch has podIP %q and %d podIPs, want %q and %d",
			p.namespace, p.name, got.Status.PodIP, len(got.Status.PodIPs), p.ips[0], len(p.ips))
	}
	return nil
}

// statusPatch is a JSON merge patch setting the given status fields.
func statusPatch(status map[string]any) ([]byte, error) {
	return json.Marshal(map[string]any{"status": status})
}
