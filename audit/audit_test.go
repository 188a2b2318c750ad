package audit

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

func ptr(n int) *int { return &n }

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func ips(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// testDesign is one VNet (spoke: nodes 10.1.0.0/24, pods 10.1.16.0/22) and
// one cluster aks1 with pools system and user1 in the node subnet. mode
// picks the addressing: "overlay", "podsubnet" (user1 has the pod subnet)
// or "legacy".
func testDesign(mode string) *design.Design {
	d := &design.Design{Spec: design.Spec{
		VNets: []design.VNet{{
			Name: "spoke", AddressSpace: pfx("10.1.0.0/16"), Path: "spec.vnets[0]",
			Subnets: []design.Subnet{
				{Name: "nodes", Purpose: "nodes", AddressPrefixes: pfx("10.1.0.0/24"), Path: "spec.vnets[0].subnets[0]"},
				{Name: "pods", Purpose: "pods", AddressPrefixes: pfx("10.1.16.0/22"), Path: "spec.vnets[0].subnets[1]"},
			},
		}},
		Clusters: []design.Cluster{{
			Name: "aks1", KubernetesVersion: "1.33", VNet: "spoke", Path: "spec.clusters[0]",
			Network: design.ClusterNetwork{
				Plugin: design.PluginAzure, PluginMode: design.ModeOverlay,
				PodCIDRs: pfx("100.64.0.0/16"), ServiceCIDRs: pfx("10.2.0.0/16"),
				DNSServiceIP: netip.MustParseAddr("10.2.0.10"),
			},
			NodePools: []design.NodePool{
				{Name: "system", Mode: "System", Subnet: "nodes", Count: ptr(3), Path: "spec.clusters[0].nodePools[0]"},
				{Name: "user1", Mode: "User", Subnet: "nodes", Count: ptr(3), Path: "spec.clusters[0].nodePools[1]"},
			},
		}},
	}}
	c := &d.Spec.Clusters[0]
	switch mode {
	case "podsubnet":
		c.Network.PluginMode = ""
		c.Network.PodCIDRs = nil
		c.NodePools[1].PodSubnet = "pods"
	case "legacy":
		c.Network.PluginMode = ""
		c.Network.PodCIDRs = nil
	}
	return d
}

func baseNodes() []Node {
	return []Node{
		{Name: "aks-system-0", Pool: "system", InternalIPs: ips("10.1.0.4")},
		{Name: "aks-user1-0", Pool: "user1", InternalIPs: ips("10.1.0.5")},
	}
}

// only returns the findings of one rule.
func only(fs []finding.Finding, rule string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

type want struct {
	n        int
	path     string   // location path of the first finding
	subject  string   // subject of the first finding
	contains []string // substrings of the first finding's message
}

func (w want) check(t *testing.T, fs []finding.Finding) {
	t.Helper()
	if len(fs) != w.n {
		t.Fatalf("got %d findings, want %d: %+v", len(fs), w.n, fs)
	}
	if w.n == 0 {
		return
	}
	f := fs[0]
	if w.path != "" && f.Location.Path != w.path {
		t.Errorf("location path: got %q, want %q", f.Location.Path, w.path)
	}
	if w.subject != "" && f.Subject != w.subject {
		t.Errorf("subject: got %q, want %q", f.Subject, w.subject)
	}
	for _, s := range w.contains {
		if !strings.Contains(f.Message, s) {
			t.Errorf("message %q does not contain %q", f.Message, s)
		}
	}
	if f.Remediation == "" || !strings.HasSuffix(f.Remediation, ".") {
		t.Errorf("remediation %q: want a sentence", f.Remediation)
	}
}

func TestNodeIPOutsideSubnet(t *testing.T) {
	for _, tc := range []struct {
		name string
		ip   string
		want want
	}{
		{"first address", "10.1.0.0", want{n: 0}},
		{"inside", "10.1.0.4", want{n: 0}},
		{"last address", "10.1.0.255", want{n: 0}},
		{"one past the end", "10.1.1.0", want{n: 1, path: "spec.vnets[0].subnets[0].addressPrefixes",
			subject: "cluster/aks1/pool/user1", contains: []string{"aks-user1-9", "10.1.1.0", "spoke/nodes", "10.1.0.0/24"}}},
		{"one before the start", "10.0.255.255", want{n: 1}},
		{"IPv6 with no IPv6 prefix", "fd00::4", want{n: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs := Observed{Nodes: append(baseNodes(), Node{Name: "aks-user1-9", Pool: "user1", InternalIPs: ips(tc.ip)})}
			tc.want.check(t, only(Audit(testDesign("overlay"), "aks1", obs), RuleNodeIPOutsideSubnet))
		})
	}
}

func TestNodePoolNotInDesign(t *testing.T) {
	obs := Observed{Nodes: append(baseNodes(), Node{Name: "aks-gpu-0", Pool: "gpu", InternalIPs: ips("10.9.0.4")})}
	fs := Audit(testDesign("overlay"), "aks1", obs)
	want{n: 1, path: "spec.clusters[0]", contains: []string{"aks-gpu-0", "gpu"}}.check(t, only(fs, RuleNodePoolNotInDesign))
	want{n: 0}.check(t, only(fs, RuleNodeIPOutsideSubnet))
}

func TestPodIPOutsideRange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mode   string
		edit   func(d *design.Design)
		node   string
		ip     string
		hostNw bool
		want   want
	}{
		{"overlay first", "overlay", nil, "aks-user1-0", "100.64.0.0", false, want{n: 0}},
		{"overlay last", "overlay", nil, "aks-user1-0", "100.64.255.255", false, want{n: 0}},
		{"overlay one past", "overlay", nil, "aks-user1-0", "100.65.0.0", false, want{n: 1,
			path: "spec.clusters[0].network.podCidrs", subject: "cluster/aks1",
			contains: []string{"shop/web-1", "100.65.0.0", "pod CIDR", "100.64.0.0/16"}}},
		{"overlay hostNetwork ignored", "overlay", nil, "aks-user1-0", "10.1.0.5", true, want{n: 0}},
		{"overlay unscheduled pod still checked", "overlay", nil, "", "100.65.0.1", false, want{n: 1, contains: []string{"(unscheduled)"}}},
		{"overlay default pod CIDR", "overlay", func(d *design.Design) { d.Spec.Clusters[0].Network.PodCIDRs = nil },
			"aks-user1-0", "100.64.0.9", false, want{n: 1, path: "spec.clusters[0].network", contains: []string{"10.244.0.0/16"}}},
		{"pod subnet inside", "podsubnet", nil, "aks-user1-0", "10.1.19.255", false, want{n: 0}},
		{"pod subnet one past", "podsubnet", nil, "aks-user1-0", "10.1.20.0", false, want{n: 1,
			path: "spec.vnets[0].subnets[1].addressPrefixes", subject: "cluster/aks1/pool/user1",
			contains: []string{"pod subnet spoke/pods", "10.1.16.0/22"}}},
		// In a pod-subnet cluster a pool without a pod subnet puts pods in its node subnet.
		{"pod subnet cluster, pool without one", "podsubnet", nil, "aks-system-0", "10.1.16.4", false, want{n: 1,
			path: "spec.vnets[0].subnets[0].addressPrefixes", subject: "cluster/aks1/pool/system", contains: []string{"node subnet spoke/nodes"}}},
		{"legacy inside", "legacy", nil, "aks-user1-0", "10.1.0.200", false, want{n: 0}},
		{"legacy outside", "legacy", nil, "aks-user1-0", "10.1.1.0", false, want{n: 1, contains: []string{"node subnet spoke/nodes"}}},
		{"legacy unknown node skipped", "legacy", nil, "aks-other-0", "10.9.9.9", false, want{n: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesign(tc.mode)
			if tc.edit != nil {
				tc.edit(d)
			}
			obs := Observed{
				Nodes: baseNodes(),
				Pods: []Pod{
					{Namespace: "shop", Name: "web-1", IPs: ips(tc.ip), HostNetwork: tc.hostNw, NodeName: tc.node},
					{Namespace: "shop", Name: "pending"},
				},
			}
			tc.want.check(t, only(Audit(d, "aks1", obs), RulePodIPOutsideRange))
		})
	}
}

func TestServiceIPOutsideCIDR(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *design.Design)
		ips  []netip.Addr
		want want
	}{
		{"first", nil, ips("10.2.0.0"), want{n: 0}},
		{"last", nil, ips("10.2.255.255"), want{n: 0}},
		{"one past", nil, ips("10.3.0.0"), want{n: 1, path: "spec.clusters[0].network.serviceCidrs", subject: "cluster/aks1",
			contains: []string{"shop/web", "10.3.0.0", "10.2.0.0/16"}}},
		{"headless", nil, nil, want{n: 0}},
		{"IPv6 family not designed", nil, ips("10.2.0.7", "fd12:3456:789a:1::7"), want{n: 0}},
		{"default Service CIDR", func(d *design.Design) { d.Spec.Clusters[0].Network.ServiceCIDRs = nil },
			ips("10.2.0.7"), want{n: 1, path: "spec.clusters[0].network", contains: []string{"10.0.0.0/16"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesign("overlay")
			if tc.edit != nil {
				tc.edit(d)
			}
			obs := Observed{Services: []Service{{Namespace: "shop", Name: "web", ClusterIPs: tc.ips, Type: "ClusterIP"}}}
			tc.want.check(t, only(Audit(d, "aks1", obs), RuleServiceIPOutsideCIDR))
		})
	}
}

func TestDNSServiceIPMismatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *design.Design)
		svcs []Service
		want want
	}{
		{"equal", nil, []Service{{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: ips("10.2.0.10")}}, want{n: 0}},
		{"next address", nil, []Service{{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: ips("10.2.0.11")}},
			want{n: 1, path: "spec.clusters[0].network.dnsServiceIP", subject: "cluster/aks1", contains: []string{"10.2.0.11", "10.2.0.10"}}},
		{"no ClusterIP", nil, []Service{{Namespace: "kube-system", Name: "kube-dns"}}, want{n: 1, contains: []string{"no ClusterIP"}}},
		{"other namespace ignored", nil, []Service{{Namespace: "default", Name: "kube-dns", ClusterIPs: ips("10.2.0.99")}}, want{n: 0}},
		{"no kube-dns observed", nil, nil, want{n: 0}},
		{"default DNS IP", func(d *design.Design) {
			d.Spec.Clusters[0].Network.DNSServiceIP = netip.Addr{}
			d.Spec.Clusters[0].Network.ServiceCIDRs = nil
		}, []Service{{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: ips("10.0.0.10")}}, want{n: 0}},
		{"default DNS IP differs", func(d *design.Design) { d.Spec.Clusters[0].Network.DNSServiceIP = netip.Addr{} },
			[]Service{{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: ips("10.2.0.10")}},
			want{n: 1, path: "spec.clusters[0].network", contains: []string{"10.0.0.10"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesign("overlay")
			if tc.edit != nil {
				tc.edit(d)
			}
			tc.want.check(t, only(Audit(d, "aks1", Observed{Services: tc.svcs}), RuleDNSServiceIPMismatch))
		})
	}
}

func nodesOf(pool string, n int) []Node {
	out := make([]Node, n)
	for i := range out {
		out[i] = Node{Name: fmt.Sprintf("aks-%s-%d", pool, i), Pool: pool, InternalIPs: ips("10.1.0.4")}
	}
	return out
}

func TestSubnetUsage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mode  string
		surge string
		nodes []Node
		sev   finding.Severity
		msg   []string
	}{
		// Overlay: one address per node; /24 has 251 usable; surge 10% rounded up.
		{"overlay exactly fits", "overlay", "", nodesOf("user1", 228), finding.Info,
			[]string{"251 usable", "take 228", "23 more", "leaving 0 spare"}},
		{"overlay one over", "overlay", "", nodesOf("user1", 229), finding.Warning,
			[]string{"take 229", "23 more", "1 over", "SubnetIsFull"}},
		{"overlay more than the subnet", "overlay", "", nodesOf("user1", 252), finding.Error, []string{"take 252"}},
		// Legacy: maxPods 30 + 1 per node. 8 nodes take 248; one surge node needs 31 more.
		{"legacy upgrade does not fit", "legacy", "", append(nodesOf("system", 3), nodesOf("user1", 5)...), finding.Warning,
			[]string{"8 observed nodes", "take 248", "system 3×31, user1 5×31", "62 more", "59 over"}},
		{"legacy maxSurge 0 fits", "legacy", "0", append(nodesOf("system", 3), nodesOf("user1", 5)...), finding.Info,
			[]string{"take 248", "no surge nodes", "leaving 3 spare"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesign(tc.mode)
			for i := range d.Spec.Clusters[0].NodePools {
				d.Spec.Clusters[0].NodePools[i].MaxSurge = tc.surge
			}
			fs := only(Audit(d, "aks1", Observed{Nodes: tc.nodes}), RuleSubnetUsage)
			want{n: 1, path: "spec.vnets[0].subnets[0].addressPrefixes", subject: "subnet/spoke/nodes", contains: tc.msg}.check(t, fs)
			if fs[0].Severity != tc.sev {
				t.Errorf("severity: got %v, want %v", fs[0].Severity, tc.sev)
			}
		})
	}
	// No observed nodes: nothing to say.
	if fs := only(Audit(testDesign("overlay"), "aks1", Observed{}), RuleSubnetUsage); len(fs) != 0 {
		t.Errorf("got %d findings for no nodes, want 0", len(fs))
	}
}

func TestUnknownCluster(t *testing.T) {
	if fs := Audit(testDesign("overlay"), "nope", Observed{Nodes: baseNodes()}); fs != nil {
		t.Errorf("got %v, want nil", fs)
	}
	if Cluster(testDesign("overlay"), "aks1") == nil {
		t.Error("Cluster(aks1): got nil")
	}
}

func TestLocateUsesSources(t *testing.T) {
	d := testDesign("overlay")
	d.Sources = design.SourceMap{"spec.clusters[0].network.dnsServiceIP": {File: "design.yaml", Line: 31}}
	fs := Audit(d, "aks1", Observed{Services: []Service{{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: ips("10.2.0.53")}}})
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	if got, want := fs[0].Location.String(), "design.yaml:31"; got != want {
		t.Errorf("location: got %q, want %q", got, want)
	}
}
