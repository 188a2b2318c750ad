package design

import (
	"net/netip"
	"testing"

	"github.com/aksnet/aksnet/finding"
)

func ptr(n int) *int { return &n }

func TestSurgeNodes(t *testing.T) {
	for _, tc := range []struct {
		version, surge string
		nodes, want    int
	}{
		{"1.33", "", 3, 1},     // default 10% of 3, rounded up
		{"1.33", "", 55, 6},    // 5.5 rounds up to 6
		{"1.33", "", 100, 10},  // exactly 10%
		{"1.31", "", 100, 1},   // before 1.32 the default is one node
		{"1.33", "33%", 10, 4}, // 3.3 rounds up
		{"1.33", "5", 3, 3},    // capped at the pool size
		{"1.33", "0", 10, 0},   // surge disabled
		{"1.33", "100%", 7, 7}, // whole pool
		{"1.33", "", 0, 0},     // empty pool
		{"latest", "", 20, 2},  // unparsable version counts as current
	} {
		c := &Cluster{KubernetesVersion: tc.version}
		p := &NodePool{MaxSurge: tc.surge}
		if got := c.SurgeNodes(p, tc.nodes); got != tc.want {
			t.Errorf("SurgeNodes(version %s, surge %q, %d nodes) = %d, want %d", tc.version, tc.surge, tc.nodes, got, tc.want)
		}
	}
}

func TestParseVersionAndSurge(t *testing.T) {
	for _, tc := range []struct {
		in           string
		major, minor int
		ok           bool
	}{{"1.33", 1, 33, true}, {"1.30.2", 1, 30, true}, {"v1.30", 0, 0, false}, {"1", 0, 0, false}, {"1.x", 0, 0, false}, {"1.2.3.4", 0, 0, false}} {
		ma, mi, ok := ParseVersion(tc.in)
		if ma != tc.major || mi != tc.minor || ok != tc.ok {
			t.Errorf("ParseVersion(%q) = %d, %d, %v; want %d, %d, %v", tc.in, ma, mi, ok, tc.major, tc.minor, tc.ok)
		}
	}
	for _, tc := range []struct {
		in      string
		n       int
		pct, ok bool
	}{{"5", 5, false, true}, {"33%", 33, true, true}, {"-1", 0, false, false}, {"x%", 0, false, false}, {" 5", 0, false, false}} {
		n, pct, ok := ParseSurge(tc.in)
		if n != tc.n || pct != tc.pct || ok != tc.ok {
			t.Errorf("ParseSurge(%q) = %d, %v, %v; want %d, %v, %v", tc.in, n, pct, ok, tc.n, tc.pct, tc.ok)
		}
	}
}

func TestIPAMAndDefaults(t *testing.T) {
	pools := func(podSubnet string) []NodePool { return []NodePool{{Name: "p", PodSubnet: podSubnet, Count: ptr(1)}} }
	for _, tc := range []struct {
		net   ClusterNetwork
		pools []NodePool
		want  IPAM
	}{
		{ClusterNetwork{Plugin: PluginKubenet}, pools(""), IPAMKubenet},
		{ClusterNetwork{Plugin: PluginAzure, PluginMode: ModeOverlay}, pools(""), IPAMOverlay},
		{ClusterNetwork{Plugin: PluginAzure}, pools(""), IPAMNodeSubnet},
		{ClusterNetwork{Plugin: PluginAzure}, pools("pods"), IPAMPodSubnetDynamic},
		{ClusterNetwork{Plugin: PluginAzure, PodIPAllocationMode: AllocStaticBlock}, pools("pods"), IPAMPodSubnetStatic},
		{ClusterNetwork{Plugin: PluginNone}, pools(""), IPAMBYO},
	} {
		c := &Cluster{Network: tc.net, NodePools: tc.pools}
		if got := c.IPAM(); got != tc.want {
			t.Errorf("IPAM(%+v) = %v, want %v", tc.net, got, tc.want)
		}
	}
	overlay := &Cluster{Network: ClusterNetwork{Plugin: PluginAzure, PluginMode: ModeOverlay}}
	if got := overlay.PodCIDRs(); len(got) != 1 || got[0] != DefaultPodCIDR {
		t.Errorf("default pod CIDRs = %v", got)
	}
	overlay.Network.IPFamilies = []IPFamily{IPv4, IPv6}
	if got := overlay.ServiceCIDRs(); len(got) != 2 || got[1] != DefaultServiceCIDRv6 {
		t.Errorf("dual-stack default Service CIDRs = %v", got)
	}
	legacy := &Cluster{Network: ClusterNetwork{Plugin: PluginAzure}}
	if got := legacy.PodCIDRs(); got != nil {
		t.Errorf("node-subnet mode has pod CIDRs %v", got)
	}
	if got := legacy.DNSServiceIP(); got != netip.MustParseAddr("10.0.0.10") {
		t.Errorf("default DNS service IP = %v", got)
	}
}

func TestResolveSubnet(t *testing.T) {
	d := &Design{Spec: Spec{VNets: []VNet{
		{Name: "a", Subnets: []Subnet{{Name: "nodes"}, {Name: "pe"}}},
		{Name: "b", Subnets: []Subnet{{Name: "nodes"}}},
	}}}
	for _, tc := range []struct {
		ref, def, vnet string
		ok             bool
	}{
		{"a/nodes", "", "a", true},
		{"b/nodes", "a", "b", true},
		{"nodes", "b", "b", true},
		{"pe", "", "a", true},
		{"nodes", "", "", false}, // ambiguous
		{"c/nodes", "", "", false},
		{"a/missing", "", "", false},
		{"", "a", "", false},
	} {
		v, s, err := d.ResolveSubnet(tc.ref, tc.def)
		if (err == nil) != tc.ok {
			t.Errorf("ResolveSubnet(%q, %q) error = %v, want ok=%v", tc.ref, tc.def, err, tc.ok)
			continue
		}
		if tc.ok && (v.Name != tc.vnet || s == nil) {
			t.Errorf("ResolveSubnet(%q, %q) = %v, want VNet %s", tc.ref, tc.def, v.Name, tc.vnet)
		}
	}
}

func TestLocateFallsBackToAncestors(t *testing.T) {
	d := &Design{Sources: SourceMap{
		"":                         {File: "d.yaml", Line: 1},
		"spec.clusters[0]":         {File: "d.yaml", Line: 10, Path: "spec.clusters[0]"},
		"spec.clusters[0].network": {File: "d.yaml", Line: 14, Path: "spec.clusters[0].network"},
	}}
	for path, want := range map[string]int{
		"spec.clusters[0].network.serviceCidrs[0]": 14,
		"spec.clusters[0].nodePools[2].count":      10,
		"spec.vnets[0]":                            1,
	} {
		got := d.Locate(path)
		if got.Line != want || got.File != "d.yaml" {
			t.Errorf("Locate(%s) = %+v, want line %d", path, got, want)
		}
	}
	if got := (&Design{}).Locate("x.y"); got != (finding.Location{Path: "x.y"}) {
		t.Errorf("Locate on an empty design = %+v", got)
	}
}
