package lint_test

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/internal/wantfixture"
	"github.com/aksnet/aksnet/netpol"
	"github.com/aksnet/aksnet/netpol/lint"
)

var (
	lintComment = regexp.MustCompile(`^#\s*lint:\s*(.*)$`)
)

type hit = wantfixture.Hit

func sortHits(hs []hit) []hit { return wantfixture.Sort(hs) }

// wants reads the "# want: rule-a, rule-b" annotations of a fixture. A rule
// named twice on a line expects two findings there.
func wants(t *testing.T, data []byte) []hit {
	t.Helper()
	hits, unknown := wantfixture.Wants(data, func(id string) bool { return lint.Lookup(id) != nil })
	for _, h := range unknown {
		t.Errorf("line %d: annotation names unknown rule %q", h.Line, h.Rule)
	}
	return hits
}

var (
	clustersOnce *design.Design
)

func clusters(t testing.TB) *design.Design {
	t.Helper()
	if clustersOnce != nil {
		return clustersOnce
	}
	path := filepath.Join("testdata", "clusters.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load(path, data)
	if err != nil {
		t.Fatalf("%s does not load:\n%v", path, err)
	}
	clustersOnce = d
	return d
}

// options reads the "# lint: cluster=NAME local-dns sensitive=a,b
// pod-cidr=P" lines of a fixture.
func options(t *testing.T, file string, data []byte) lint.Options {
	t.Helper()
	var opts lint.Options
	for _, line := range strings.Split(string(data), "\n") {
		m := lintComment.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		for _, f := range strings.Fields(m[1]) {
			key, val, _ := strings.Cut(f, "=")
			switch key {
			case "cluster":
				d := clusters(t)
				i := slices.IndexFunc(d.Spec.Clusters, func(c design.Cluster) bool { return c.Name == val })
				if i < 0 {
					t.Fatalf("%s: no cluster %q in testdata/clusters.yaml", file, val)
				}
				local := opts.Cluster.LocalDNS
				opts.Cluster = lint.FromDesign(d, &d.Spec.Clusters[i])
				opts.Cluster.LocalDNS = local
			case "local-dns":
				opts.Cluster.LocalDNS = true
			case "sensitive":
				opts.SensitiveNamespaces = append(opts.SensitiveNamespaces, strings.Split(val, ",")...)
			case "pod-cidr":
				opts.Cluster.PodRanges = append(opts.Cluster.PodRanges, netip.MustParsePrefix(val))
			default:
				t.Fatalf("%s: unknown lint directive %q", file, f)
			}
		}
	}
	return opts
}

// lintFile loads a fixture and runs every rule over it.
func lintFile(t *testing.T, file string) ([]hit, []byte) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs, _, err := manifests.Decode(file, data)
	if err != nil {
		t.Fatalf("%s does not load: %v", file, err)
	}
	opts := options(t, file, data)
	fs, err := lint.Run(objs, opts)
	if err != nil {
		t.Fatalf("%s does not analyse: %v", file, err)
	}
	var got []hit
	for _, f := range fs {
		if f.Location.File != file || f.Location.Line <= 0 {
			t.Errorf("%s: finding %s %q has no file location (%+v)", file, f.Rule, f.Message, f.Location)
		}
		if f.Subject == "" || f.Message == "" || f.Remediation == "" {
			t.Errorf("%s: finding %s lacks subject, message or remediation: %+v", file, f.Rule, f)
		}
		if testing.Verbose() {
			t.Logf("%s: %s %s: %s", f.Location, f.Severity, f.Rule, f.Message)
		}
		got = append(got, hit{Line: f.Location.Line, Rule: f.Rule})
	}
	return got, data
}

// TestFixtures runs every rule over every fixture in testdata/<rule-id>/
// and compares the findings with the fixture's annotations, exactly: a
// fixture expects every finding of every rule, not just its own.
func TestFixtures(t *testing.T) {
	for _, r := range lint.All() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join("testdata", r.ID)
			files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
			var fails, passes int
			for _, f := range files {
				base := filepath.Base(f)
				fail := strings.HasPrefix(base, "fail")
				switch {
				case fail:
					fails++
				case strings.HasPrefix(base, "pass"):
					passes++
				default:
					t.Errorf("%s: fixture names start with fail or pass", f)
					continue
				}
				got, data := lintFile(t, f)
				want := wants(t, data)
				own := slices.ContainsFunc(want, func(h hit) bool { return h.Rule == r.ID })
				if fail && !own {
					t.Errorf("%s: a fail fixture must annotate at least one %s finding", f, r.ID)
				}
				if !fail && own {
					t.Errorf("%s: a pass fixture must not expect %s", f, r.ID)
				}
				got, want = sortHits(got), sortHits(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s:\n got findings: %v\nwant findings: %v", f, got, want)
				}
			}
			if fails == 0 || passes == 0 {
				t.Errorf("rule %s needs at least one fail-*.yaml and one pass-*.yaml in %s (have %d and %d)", r.ID, dir, fails, passes)
			}
		})
	}
}

// TestFixtureFoldersMatchRules fails on fixture folders that name no rule.
func TestFixtureFoldersMatchRules(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && lint.Lookup(e.Name()) == nil {
			t.Errorf("testdata/%s matches no registered rule", e.Name())
		}
	}
}

// TestFromDesign checks the address ranges read from designs: pod CIDRs
// with Overlay, pod subnets, and node subnets (which also hold the pods
// with node-subnet Azure CNI).
func TestFromDesign(t *testing.T) {
	d := clusters(t)
	find := func(name string) *design.Cluster {
		for i := range d.Spec.Clusters {
			if d.Spec.Clusters[i].Name == name {
				return &d.Spec.Clusters[i]
			}
		}
		t.Fatalf("no cluster %s", name)
		return nil
	}
	cases := []struct {
		cluster     string
		pods, nodes string
		sensitive   []string
	}{
		{"cilium", "[10.244.0.0/16]", "[10.1.0.0/22]", nil},
		{"cilium-podsubnet", "[10.1.64.0/18]", "[10.1.0.0/22]", nil},
		{"calico-dual-stack", "[10.244.0.0/16 fd12:3456:789a::/64]", "[10.1.8.0/22 fd00:1::/64]", nil},
	}
	for _, c := range cases {
		got := lint.FromDesign(d, find(c.cluster))
		if fmt.Sprint(got.PodRanges) != c.pods || fmt.Sprint(got.NodeRanges) != c.nodes {
			t.Errorf("%s: pods %v nodes %v, want %s %s", c.cluster, got.PodRanges, got.NodeRanges, c.pods, c.nodes)
		}
		if got.Name != c.cluster || got.Design == nil || got.LocalDNS {
			t.Errorf("%s: got %+v", c.cluster, got)
		}
	}
	// Node-subnet Azure CNI: pods take node subnet addresses.
	nodeSubnet := *find("calico")
	nodeSubnet.Network.PluginMode = ""
	nodeSubnet.Requirements.SensitiveNamespaces = []string{"payments"}
	got := lint.FromDesign(d, &nodeSubnet)
	if fmt.Sprint(got.PodRanges) != "[10.1.0.0/22]" || !slices.Equal(got.SensitiveNamespaces, []string{"payments"}) {
		t.Errorf("node subnet CNI: pods %v sensitive %v, want [10.1.0.0/22] [payments]", got.PodRanges, got.SensitiveNamespaces)
	}
}

// TestRunOptions checks Ignore, sorting, the skip of engine rules without
// a cluster, and that objects the analysis refuses are an error.
func TestRunOptions(t *testing.T) {
	file := filepath.Join("testdata", "dns-egress-blocked", "fail-wrong-namespace.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs, _, err := manifests.Decode(file, data)
	if err != nil {
		t.Fatal(err)
	}
	all, err := lint.Run(objs, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Rule != "dns-egress-blocked" || all[1].Rule != "peer-matches-nothing" {
		t.Fatalf("got %v, want dns-egress-blocked (error) then peer-matches-nothing (warning)", all)
	}
	some, err := lint.Run(objs, lint.Options{Ignore: []string{"dns-egress-blocked"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(some) != 1 || some[0].Rule != "peer-matches-nothing" {
		t.Errorf("with dns-egress-blocked ignored, got %v", some)
	}
	bad := []netpol.Object{{Source: netpol.Source{File: "x.yaml", Line: 3}, Obj: &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "a"},
		Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{
			From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "not-a-cidr"}}},
		}}},
	}}}
	if _, err := lint.Run(bad, lint.Options{}); err == nil || !strings.Contains(err.Error(), "x.yaml:3") {
		t.Errorf("Run on a policy with a bad CIDR: err = %v, want an error naming x.yaml:3", err)
	}
}
