package netpol_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func load(t *testing.T, path string) *netpol.Result {
	t.Helper()
	set, err := manifests.Load([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := netpol.Analyze(set.Objects)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update and review the diff)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestScenarios pins the connections and warnings of hand-written
// clusters.
func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := load(t, f)
			var b strings.Builder
			for _, c := range r.Connections() {
				b.WriteString(c.String() + "\n")
			}
			if ws := r.Warnings(); len(ws) > 0 {
				b.WriteString("--- warnings\n")
				for _, w := range ws {
					b.WriteString(w.String() + "\n")
				}
			}
			golden(t, strings.TrimSuffix(f, filepath.Ext(f))+".golden", b.String())
		})
	}
	if n < 3 {
		t.Fatalf("found only %d scenarios", n)
	}
}

func endpoint(t *testing.T, r *netpol.Result, s string) netpol.Endpoint {
	t.Helper()
	e, err := r.ParseEndpoint(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestShopSemantics(t *testing.T) {
	r := load(t, "testdata/scenarios/shop.yaml")
	tests := []struct {
		src, dst string
		want     string
	}{
		// Named port "http" resolves to each destination's own port.
		{"shop/web", "shop/api", "TCP 9000"},
		{"203.0.113.7", "shop/web", "No Connections"},
		{"198.51.100.1", "shop/web", "TCP 8080"},
		// The scraper reaches the API's metrics port by namespace label;
		// egress of monitoring is not isolated.
		{"monitoring/prometheus", "shop/api", "TCP 9100"},
		{"shop/api", "shop/db", "TCP 5432"},
		{"shop/api", "10.20.0.5", "SCTP 7000,TCP 8000-8100"},
		{"shop/api", "10.21.0.5", "No Connections"},
		// Nothing else reaches the database.
		{"shop/web", "shop/db", "No Connections"},
		{"monitoring/prometheus", "shop/db", "No Connections"},
	}
	for _, tt := range tests {
		got := r.Allowed(endpoint(t, r, tt.src), endpoint(t, r, tt.dst))
		if got.String() != tt.want {
			t.Errorf("%s => %s: %s, want %s", tt.src, tt.dst, got, tt.want)
		}
	}

	// DNS: CoreDNS is not in the manifests; ask about a hypothetical pod.
	web := endpoint(t, r, "shop/web")
	coredns := netpol.PodEndpoint("kube-system/coredns", netpol.Pod{
		Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"},
		Ports: []corev1.ContainerPort{{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}},
	})
	if got := r.Allowed(web, coredns).String(); got != "TCP 53,UDP 53" {
		t.Errorf("web => coredns: %s", got)
	}
	other := netpol.PodEndpoint("kube-system/other", netpol.Pod{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "other"}})
	if got := r.Allowed(web, other); !got.IsEmpty() {
		t.Errorf("web => other kube-system pod: %s", got)
	}
}

func TestExplain(t *testing.T) {
	r := load(t, "testdata/scenarios/shop.yaml")
	q, _ := netpol.ParseConnSet("tcp/9100")
	ex := r.Explain(endpoint(t, r, "monitoring/prometheus"), endpoint(t, r, "shop/api"), q)
	if ex.Verdict != netpol.Allowed || ex.Allowed.String() != "TCP 9100" {
		t.Fatalf("verdict %v allowed %s", ex.Verdict, ex.Allowed)
	}
	if ex.Egress.Isolated || !ex.Egress.Governed {
		t.Errorf("prometheus egress: %+v", ex.Egress)
	}
	var names []string
	for _, p := range ex.Ingress.Policies {
		names = append(names, p.Name)
	}
	if want := []string{"shop/api", "shop/default-deny"}; !slices.Equal(names, want) {
		t.Errorf("ingress policies %v, want %v", names, want)
	}
	api := ex.Ingress.Policies[0]
	if len(api.Matched) != 1 || api.Matched[0].Index != 1 || api.Matched[0].Peer != 0 || api.Matched[0].Conns.String() != "TCP 9100" {
		t.Errorf("api policy rules %+v", api.Matched)
	}
	if api.Source.Line == 0 || !strings.HasSuffix(api.Source.File, "shop.yaml") {
		t.Errorf("policy source %v", api.Source)
	}
	if len(ex.Ingress.Policies[1].Matched) != 0 || ex.Ingress.Policies[1].Rules != 0 {
		t.Errorf("default-deny has rules: %+v", ex.Ingress.Policies[1])
	}

	// Denied, and partly allowed.
	ex = r.Explain(endpoint(t, r, "shop/web"), endpoint(t, r, "shop/db"), netpol.ConnSet{})
	if ex.Verdict != netpol.Denied || ex.Egress.Allowed.String() != "No Connections" {
		t.Errorf("web => db: %v, egress side %s", ex.Verdict, ex.Egress.Allowed)
	}
	ex = r.Explain(endpoint(t, r, "shop/web"), endpoint(t, r, "shop/api"), netpol.ConnSet{})
	if ex.Verdict != netpol.PartlyAllowed {
		t.Errorf("web => api, all: %v", ex.Verdict)
	}
	// A named port the destination does not define is reported.
	ex = r.Explain(endpoint(t, r, "shop/web"), endpoint(t, r, "shop/db"), netpol.ConnSet{})
	found := false
	for _, p := range ex.Egress.Policies {
		for _, ru := range p.Matched {
			if slices.Contains(ru.MissingPorts, "TCP/http") {
				found = true
			}
		}
	}
	if found {
		t.Errorf("web's egress rule to api pods should not match db at all")
	}
	// External sources: part of a range covered by an ipBlock.
	ex = r.Explain(endpoint(t, r, "203.0.112.0/23"), endpoint(t, r, "shop/web"), netpol.ConnSet{})
	if ex.Verdict != netpol.Denied || len(ex.Ingress.Policies) == 0 {
		t.Fatalf("range => web: %v", ex.Verdict)
	}
	partial := 0
	for _, p := range ex.Ingress.Policies {
		partial += len(p.Partial)
	}
	if partial != 1 {
		t.Errorf("expected the web rule to cover part of the range; policies %+v", ex.Ingress.Policies)
	}
	if ex.Egress.Governed || ex.Egress.Reason == "" {
		t.Errorf("external source egress %+v", ex.Egress)
	}
}

func TestWorkloadsFromPods(t *testing.T) {
	r := load(t, "testdata/scenarios/statefulset-pods.json")
	var got []string
	for _, w := range r.Workloads() {
		got = append(got, w.Peer.String()+" "+strings.Join(w.Pods, ","))
	}
	// kafka's pods differ only in a label no policy reads: one workload.
	// zk's pods differ in a label a podSelector reads: listed one by one.
	// The finished Job pod is left out.
	want := []string{"apps/client[Pod] client", "stream/kafka[StatefulSet] kafka-0,kafka-1", "stream/zk-0[Pod] zk-0", "stream/zk-1[Pod] zk-1"}
	if !slices.Equal(got, want) {
		t.Errorf("workloads\n got %q\nwant %q", got, want)
	}
	ns, ok := r.Namespace("stream")
	if !ok || !ns.Implicit || ns.Labels[netpol.NameLabel] != "stream" || len(ns.Labels) != 1 {
		t.Errorf("implicit namespace %+v", ns)
	}
}

func TestHostNetwork(t *testing.T) {
	r := load(t, "testdata/scenarios/hostnetwork.yaml")
	agent, app := endpoint(t, r, "node-agent"), endpoint(t, r, "infra/app")
	if got := r.Allowed(agent, app); !got.IsEmpty() {
		t.Errorf("host-network agent matched a podSelector: %s", got)
	}
	if got := r.Allowed(app, agent); !got.IsAll() {
		t.Errorf("host-network agent is isolated: %s", got)
	}
	ex := r.Explain(app, agent, netpol.ConnSet{})
	if ex.Ingress.Governed || !strings.Contains(ex.Ingress.Reason, "host-network") {
		t.Errorf("explain ingress side %+v", ex.Ingress)
	}
	sel := r.SelectedWorkloads(0)
	var names []string
	for _, i := range sel {
		names = append(names, r.Workloads()[i].Peer.Name)
	}
	if !slices.Equal(names, []string{"app", "backup"}) {
		t.Errorf("selected %v", names)
	}
}

func TestQueries(t *testing.T) {
	r := load(t, "testdata/scenarios/shop.yaml")
	pi := slices.IndexFunc(r.Policies(), func(p netpol.Policy) bool { return p.Name == "allow-dns" })
	p := r.Policies()[pi]
	if p.Ingress || !p.Egress {
		t.Errorf("allow-dns types: ingress %v egress %v", p.Ingress, p.Egress)
	}
	m, ok := r.MatchPeer(pi, netpol.Egress, 0, 0)
	if !ok || len(m.Workloads) != 0 || !slices.Equal(m.Namespaces, []string{}) && m.Namespaces != nil {
		t.Errorf("kube-system peer matched %+v", m)
	}
	wi := slices.IndexFunc(r.Policies(), func(p netpol.Policy) bool { return p.Name == "web" })
	m, ok = r.MatchPeer(wi, netpol.Ingress, 0, 0)
	if !ok || !m.IPBlock || len(m.Addresses) != 2 || m.Addresses[1].First.String() != "203.0.114.0" {
		t.Errorf("ipBlock peer %+v", m)
	}
	m, ok = r.MatchPeer(wi, netpol.Egress, 0, 0)
	if !ok || len(m.Workloads) != 1 || r.Workloads()[m.Workloads[0]].Peer.Name != "api" || !slices.Equal(m.Namespaces, []string{"shop"}) {
		t.Errorf("api peer %+v", m)
	}
	if _, ok := r.MatchPeer(wi, netpol.Egress, 5, 0); ok {
		t.Error("out of range rule accepted")
	}
	db := endpoint(t, r, "shop/db")
	conns, missing := r.RuleConns(wi, netpol.Egress, 0, db)
	if !conns.IsEmpty() || !slices.Equal(missing, []string{"TCP/http"}) {
		t.Errorf("web's named port toward db: %s, missing %v", conns, missing)
	}
	web := slices.IndexFunc(r.Workloads(), func(w netpol.Workload) bool { return w.Peer.Name == "web" })
	if got := r.IsolatingPolicies(web, netpol.Egress); len(got) != 3 {
		t.Errorf("web is isolated for egress by %v", got)
	}
}

func TestInputErrors(t *testing.T) {
	port := func(v intstr.IntOrString) *intstr.IntOrString { return &v }
	end := int32(70)
	sctp := corev1.Protocol("ICMP")
	np := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "bad", Namespace: "x"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}},
			PolicyTypes: []networkingv1.PolicyType{"Sideways"},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{
					{},
					{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/33"}},
					{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}, PodSelector: &metav1.LabelSelector{}},
				},
				Ports: []networkingv1.NetworkPolicyPort{
					{Port: port(intstr.FromInt32(80)), EndPort: &end},
					{Port: port(intstr.FromString("http")), EndPort: &end},
					{Port: port(intstr.FromInt32(0))},
					{Port: port(intstr.FromString("8080"))},
					{Protocol: &sctp},
				},
			}},
		},
	}
	objs := []netpol.Object{
		{Source: netpol.Source{File: "a.yaml", Line: 3}, Obj: np},
		{Source: netpol.Source{File: "b.yaml", Line: 1}, Obj: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}}},
		{Source: netpol.Source{File: "c.yaml", Line: 9}, Obj: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}}},
		{Source: netpol.Source{File: "d.yaml", Line: 2}, Obj: &corev1.ConfigMap{}},
	}
	_, err := netpol.Analyze(objs)
	var errs netpol.InputErrors
	if !errors.As(err, &errs) {
		t.Fatalf("error %T %v", err, err)
	}
	want := []string{
		`a.yaml:3: NetworkPolicy x/bad: spec.podSelector: "Near" is not a valid label selector operator`,
		`a.yaml:3: NetworkPolicy x/bad: spec.policyTypes[0]: "Sideways" is neither Ingress nor Egress`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].from[0]: a peer needs podSelector, namespaceSelector or ipBlock`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].from[1].ipBlock.cidr: "10.0.0.0/33" is not a CIDR prefix`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].from[2]: ipBlock cannot be combined with podSelector or namespaceSelector`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].ports[0].endPort: 70 must be between port 80 and 65535`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].ports[1].endPort: needs a numeric port, not the named port "http"`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].ports[2].port: 0 is not a port (1-65535)`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].ports[3].port: "8080" is a string, not a port name; write the number without quotes`,
		`a.yaml:3: NetworkPolicy x/bad: spec.ingress[0].ports[4].protocol: "ICMP" is not TCP, UDP or SCTP`,
		`c.yaml:9: Pod default/p: defined twice (first at b.yaml:1); keep one`,
		`d.yaml:2: *v1.ConfigMap: not an object NetworkPolicy analysis reads`,
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("errors\n got %q\nwant %q", got, want)
	}
}

func TestParseEndpoint(t *testing.T) {
	r := load(t, "testdata/scenarios/shop.yaml")
	for _, s := range []string{"shop/web[Deployment]", "shop/web", "web", "10.0.0.1", "10.0.0.0/8", "10.0.0.0-10.0.0.9", "fd00::1"} {
		if _, err := r.ParseEndpoint(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for s, want := range map[string]string{
		"shop/web[StatefulSet]": `no workload "shop/web[StatefulSet]" in the input; did you mean shop/web[Deployment]?`,
		"nope":                  `no workload "nope" in the input (there are 4 workloads; aksnet netpol list shows them)`,
		"":                      "empty endpoint",
	} {
		if _, err := r.ParseEndpoint(s); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", s, err, want)
		}
	}
}

func TestDiff(t *testing.T) {
	before := load(t, "testdata/scenarios/shop.yaml")
	set, err := manifests.Load([]string{"testdata/scenarios/shop.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Drop the db policy and narrow the web ipBlock.
	var objs []netpol.Object
	for _, o := range set.Objects {
		if np, ok := o.Obj.(*networkingv1.NetworkPolicy); ok {
			if np.Name == "db" {
				continue
			}
			if np.Name == "web" {
				np = np.DeepCopy()
				np.Spec.Ingress[0].From[0].IPBlock.Except = append(np.Spec.Ingress[0].From[0].IPBlock.Except, "198.51.100.0/24")
				o.Obj = np
			}
		}
		objs = append(objs, o)
	}
	after, err := netpol.Analyze(objs)
	if err != nil {
		t.Fatal(err)
	}
	d := netpol.Diff(before, after)
	var got []string
	for _, c := range d.Changes {
		got = append(got, c.Kind().String()+" "+c.Src.String()+" => "+c.Dst.String()+" : "+c.Old.String()+" -> "+c.New.String())
	}
	golden(t, "testdata/diff.golden", strings.Join(got, "\n")+"\n")
	if len(d.AddedWorkloads)+len(d.RemovedWorkloads) != 0 {
		t.Errorf("workloads changed: %v %v", d.AddedWorkloads, d.RemovedWorkloads)
	}
	if d := netpol.Diff(before, before); len(d.Changes) != 0 {
		t.Errorf("a result differs from itself: %v", d.Changes)
	}
}
