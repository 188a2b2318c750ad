package rules

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Unit tests of the capacity group: for each rule the boundary (exactly fits
// / one over) and the grading. Designs are built in Go with the same source
// paths the loader gives them. Helpers are prefixed capt.

func captInt(n int) *int { return &n }

var (
	captOverlay = design.ClusterNetwork{Plugin: design.PluginAzure, PluginMode: design.ModeOverlay, PodCIDRs: []netip.Prefix{netip.MustParsePrefix("100.64.0.0/16")}}
	captKubenet = design.ClusterNetwork{Plugin: design.PluginKubenet, PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}}
	captLegacy  = design.ClusterNetwork{Plugin: design.PluginAzure}
	captStatic  = design.ClusterNetwork{Plugin: design.PluginAzure, PodIPAllocationMode: design.AllocStaticBlock}
)

// captDesign builds a design with VNet "spoke" holding subnets given as
// "name=prefix[,prefix]" and one cluster "aks1" (Kubernetes 1.33) with the
// network and pools given. Pools without a mode are System first, then User;
// pools without a subnet use "nodes".
func captDesign(net design.ClusterNetwork, subnets []string, pools ...design.NodePool) *design.Design {
	v := design.VNet{Name: "spoke", Region: "westeurope", AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Path: "spec.vnets[0]"}
	for i, s := range subnets {
		name, list, _ := strings.Cut(s, "=")
		sn := design.Subnet{Name: name, Path: design.Index("spec.vnets[0].subnets", i)}
		for _, p := range strings.Split(list, ",") {
			sn.AddressPrefixes = append(sn.AddressPrefixes, netip.MustParsePrefix(p))
		}
		v.Subnets = append(v.Subnets, sn)
	}
	c := design.Cluster{Name: "aks1", Region: "westeurope", KubernetesVersion: "1.33", VNet: "spoke", Network: net, Path: "spec.clusters[0]"}
	d := &design.Design{Spec: design.Spec{VNets: []design.VNet{v}, Clusters: []design.Cluster{c}}}
	for _, p := range pools {
		captAddPool(&d.Spec.Clusters[0], p)
	}
	return d
}

// captAddPool appends a pool to c, filling in its path, mode and subnet.
func captAddPool(c *design.Cluster, p design.NodePool) *design.NodePool {
	i := len(c.NodePools)
	p.Path = design.Index(design.Field(c.Path, "nodePools"), i)
	if p.Mode == "" {
		p.Mode = design.ModeUser
		if i == 0 {
			p.Mode = design.ModeSystem
		}
	}
	if p.Subnet == "" && c.VNet != "" {
		p.Subnet = "nodes"
	}
	c.NodePools = append(c.NodePools, p)
	return &c.NodePools[i]
}

// captAddPE adds count private endpoints in subnet spoke/<subnet>.
func captAddPE(d *design.Design, subnet string, count int) {
	i := len(d.Spec.PrivateEndpoints)
	d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{
		Name: fmt.Sprintf("pe%d", i), Service: "keyVault", Subnet: "spoke/" + subnet, Count: count,
		Path: design.Index("spec.privateEndpoints", i),
	})
}

// captWant is one expected finding: its severity, path and words its
// message must contain.
type captWant struct {
	sev  finding.Severity
	path string
	has  []string
}

type captCase struct {
	name string
	d    *design.Design
	want []captWant
}

func captRun(t *testing.T, r *Rule, cases []captCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := RunRule(r, tc.d)
			if len(got) != len(tc.want) {
				for _, f := range got {
					t.Logf("got %s %s: %s", f.Severity, f.Location.Path, f.Message)
				}
				t.Fatalf("got %d findings, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				f := got[i]
				if f.Severity != w.sev || f.Location.Path != w.path {
					t.Errorf("finding %d: got %s at %s, want %s at %s (%s)", i, f.Severity, f.Location.Path, w.sev, w.path, f.Message)
				}
				for _, h := range w.has {
					if !strings.Contains(f.Message, h) {
						t.Errorf("finding %d: message %q lacks %q", i, f.Message, h)
					}
				}
				if f.Subject == "" || f.Remediation == "" || f.Rule != r.ID {
					t.Errorf("finding %d: incomplete: %+v", i, f)
				}
			}
		})
	}
}

// captAt pins Now to a day for the rest of the test.
func captAt(t *testing.T, day time.Time) {
	t.Helper()
	old := Now
	Now = func() time.Time { return day }
	t.Cleanup(func() { Now = old })
}

const captNodesPath = "spec.vnets[0].subnets[0].addressPrefixes"

func TestNodeSubnetTooSmall(t *testing.T) {
	// Overlay /26: 59 usable. system 3+1, user 50+5 = 59.
	fits := func(extraPEs int, mut func(d *design.Design)) *design.Design {
		d := captDesign(captOverlay, []string{"nodes=10.1.0.0/26"},
			design.NodePool{Name: "system", Count: captInt(3), MaxSurge: "1"},
			design.NodePool{Name: "user", MinCount: captInt(1), MaxCount: captInt(50), MaxSurge: "10%"})
		if extraPEs > 0 {
			captAddPE(d, "nodes", extraPEs)
		}
		if mut != nil {
			mut(d)
		}
		return d
	}
	legacy := func(nodes int) *design.Design {
		return captDesign(captLegacy, []string{"nodes=10.1.0.0/21"},
			design.NodePool{Name: "user", Count: captInt(nodes), MaxSurge: "1", MaxPods: captInt(30)})
	}
	captRun(t, nodeSubnetTooSmall, []captCase{
		{name: "exactly fits during upgrade", d: fits(0, nil)},
		{name: "one private endpoint over", d: fits(1, nil), want: []captWant{{finding.Error, captNodesPath,
			[]string{"59 usable", "needs 60 during an upgrade", "pool aks1/system 3+1 nodes", "pool aks1/user 50+5 nodes", "1 for private endpoint pe0", "short by 1", "a /25 (123 usable) fits"}}}},
		{name: "private API endpoint in the first pool's subnet", d: fits(0, func(d *design.Design) { d.Spec.Clusters[0].APIServer.Private = true }),
			want: []captWant{{finding.Error, captNodesPath, []string{"1 for the private API server endpoint of aks1"}}}},
		{name: "VNet-integrated API server takes nothing here", d: fits(0, func(d *design.Design) {
			d.Spec.Clusters[0].APIServer = design.APIServer{Private: true, VNetIntegrationSubnet: "apisrv"}
			d.Spec.VNets[0].Subnets = append(d.Spec.VNets[0].Subnets, design.Subnet{Name: "apisrv", AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/28")}})
		})},
		{name: "internal load balancer frontends default to the first pool's subnet", d: fits(0, func(d *design.Design) {
			d.Spec.Clusters[0].InternalLoadBalancers = []design.ILBFrontends{{Count: 2}}
		}), want: []captWant{{finding.Error, captNodesPath, []string{"needs 61", "2 for internal load balancer frontends of aks1"}}}},
		{name: "blue/green overlap is required room", d: fits(0, func(d *design.Design) { d.Spec.Planning.BlueGreenOverlapPercent = 10 }),
			want: []captWant{{finding.Error, captNodesPath, []string{"needs 65 during a blue/green pool replacement (max nodes + surge + 10% overlap)", "3+1+1", "50+5+5"}}}},
		{name: "emergency headroom is a warning", d: fits(0, func(d *design.Design) { d.Spec.Planning.EmergencyHeadroomPercent = 10 }),
			want: []captWant{{finding.Warning, captNodesPath, []string{"enough for max nodes, surge and blue/green overlap (59)", "10% emergency headroom (65)"}}}},
		{name: "growth factor is a warning", d: fits(0, func(d *design.Design) { d.Spec.Planning.GrowthFactor = 1.1 }),
			want: []captWant{{finding.Warning, captNodesPath, []string{"growth factor 1.1 (66)", "pool aks1/system 5 nodes", "pool aks1/user 61 nodes"}}}},
		// (n + 1) × 31 ≤ 2,043: 64 nodes fit (2,015), 65 do not (2,046).
		{name: "legacy CNI fits a /21 at 64 nodes", d: legacy(64)},
		{name: "legacy CNI one node over", d: legacy(65), want: []captWant{{finding.Error, captNodesPath,
			[]string{"2,043 usable", "needs 2,046 during an upgrade", "65+1 nodes × 31 = 2,046", "a /20 (4,091 usable) fits"}}}},
		{name: "legacy CNI doc example in a /22", d: func() *design.Design {
			d := legacy(50)
			d.Spec.VNets[0].Subnets[0].AddressPrefixes = []netip.Prefix{netip.MustParsePrefix("10.1.0.0/22")}
			return d
		}(), want: []captWant{{finding.Error, captNodesPath, []string{"needs 1,550 at maximum node counts", "1,581 during one", "a /21 (2,043 usable) fits"}}}},
		{name: "IPv6-only subnet is unlimited", d: captDesign(captOverlay, []string{"nodes=fd00:1::/64"},
			design.NodePool{Name: "system", Count: captInt(900)})},
		{name: "managed VNet has no subnet to check", d: func() *design.Design {
			d := captDesign(captOverlay, nil, design.NodePool{Name: "system", Count: captInt(900)})
			d.Spec.Clusters[0].VNet = ""
			d.Spec.Clusters[0].NodePools[0].Subnet = ""
			return d
		}()},
		{name: "private endpoint subnet alone is not a node subnet", d: func() *design.Design {
			d := captDesign(captOverlay, []string{"nodes=10.1.0.0/24", "pe=10.1.1.0/29"}, design.NodePool{Name: "system", Count: captInt(3)})
			captAddPE(d, "pe", 10)
			return d
		}()},
	})
}

func TestPodCIDRTooSmall(t *testing.T) {
	withPodCIDR := func(p string, count int, surge string) *design.Design {
		net := captKubenet
		net.PodCIDRs = []netip.Prefix{netip.MustParsePrefix(p)}
		return captDesign(net, []string{"nodes=10.1.0.0/24"}, design.NodePool{Name: "system", Count: captInt(count), MaxSurge: surge})
	}
	defaulted := func(count int) *design.Design {
		net := captOverlay
		net.PodCIDRs = nil
		return captDesign(net, []string{"nodes=10.1.0.0/20"}, design.NodePool{Name: "system", Count: captInt(count)})
	}
	const podPath = "spec.clusters[0].network.podCidrs[0]"
	captRun(t, podCIDRTooSmall, []captCase{
		{name: "a /24 holds one node", d: withPodCIDR("10.244.0.0/24", 1, "0")},
		{name: "a /24 and a surge node", d: withPodCIDR("10.244.0.0/24", 1, "1"),
			want: []captWant{{finding.Error, podPath, []string{"holds 1 nodes", "needs 2 during an upgrade", "pool aks1/system 1+1 nodes", "a /23 fits"}}}},
		{name: "longer than /24", d: withPodCIDR("10.244.0.0/25", 1, "0"),
			want: []captWant{{finding.Error, podPath, []string{"longer than /24", "cannot hold a single node"}}}},
		// Default 10.244.0.0/16: n + ceil(n/10) ≤ 256 → 232 fits, 233 does not.
		{name: "default pod CIDR at 232 nodes", d: defaulted(232)},
		{name: "default pod CIDR at 233 nodes", d: defaulted(233),
			want: []captWant{{finding.Error, "spec.clusters[0].network", []string{"10.244.0.0/16 (the AKS default", "needs 257 during an upgrade"}}}},
		{name: "max nodes alone overflow", d: defaulted(300),
			want: []captWant{{finding.Error, "spec.clusters[0].network", []string{"can reach 300", "InsufficientSubnetSize", "a /15 fits"}}}},
		{name: "growth is a warning", d: func() *design.Design {
			d := withPodCIDR("10.244.0.0/20", 14, "1") // 16 /24s; 15 needed, 22 at growth 1.5
			d.Spec.Planning.GrowthFactor = 1.5
			return d
		}(), want: []captWant{{finding.Warning, podPath, []string{"growth factor 1.5 (22)", "a /19 fits"}}}},
		{name: "legacy CNI has no pod CIDR", d: captDesign(captLegacy, []string{"nodes=10.1.0.0/16"}, design.NodePool{Name: "system", Count: captInt(300)})},
	})
}

func TestPodSubnetTooSmall(t *testing.T) {
	withPods := func(net design.ClusterNetwork, pods string, count, maxPods int) *design.Design {
		return captDesign(net, []string{"nodes=10.1.0.0/22", "pods=" + pods},
			design.NodePool{Name: "system", PodSubnet: "pods", Count: captInt(count), MaxSurge: "0", MaxUnavailable: "1", MaxPods: captInt(maxPods)})
	}
	const podsPath = "spec.vnets[0].subnets[1].addressPrefixes"
	captRun(t, podSubnetTooSmall, []captCase{
		// Dynamic /24: 251 / 16 = 15 nodes.
		{name: "dynamic /24 holds 15 nodes", d: withPods(captLegacy, "10.2.0.0/24", 15, 16)},
		{name: "dynamic /24 and a 16th node", d: withPods(captLegacy, "10.2.0.0/24", 16, 16),
			want: []captWant{{finding.Error, podsPath, []string{"251 usable", "need 256 at maximum node counts before any pod runs", "16 nodes × 16 = 256"}}}},
		{name: "dynamic full nodes do not fit: warning", d: withPods(captLegacy, "10.2.0.0/24", 15, 17),
			want: []captWant{{finding.Warning, podsPath, []string{"every node gets its first batch", "filled to maxPods need 480", "15 nodes × 32 = 480"}}}},
		// Static maxPods 31: 32 per node; 7 × 32 = 224 fits, 8 × 32 = 256 does not.
		{name: "static /24 holds 7 nodes at maxPods 31", d: withPods(captStatic, "10.2.0.0/24", 7, 31)},
		{name: "static /24 and an 8th node", d: withPods(captStatic, "10.2.0.0/24", 8, 31),
			want: []captWant{{finding.Error, podsPath, []string{"need 256", "/28 blocks each node holds for its lifetime", "8 nodes × 32 = 256"}}}},
		{name: "node subnet rule does not look at pod subnets", d: withPods(captStatic, "10.2.0.0/28", 0, 31)},
	})
}

func TestMaxPodsOutOfRange(t *testing.T) {
	pool := func(net design.ClusterNetwork, podSubnet string, count int, maxPods *int) *design.Design {
		return captDesign(net, []string{"nodes=10.1.0.0/22", "pods=10.2.0.0/16"},
			design.NodePool{Name: "system", PodSubnet: podSubnet, Count: captInt(count), MaxPods: maxPods})
	}
	const mpPath = "spec.clusters[0].nodePools[0].maxPods"
	captRun(t, maxPodsOutOfRange, []captCase{
		{name: "10 on 3 nodes", d: pool(captOverlay, "", 3, captInt(10))},
		{name: "9", d: pool(captOverlay, "", 3, captInt(9)), want: []captWant{{finding.Error, mpPath, []string{"maxPods 9", "10 to 250"}}}},
		{name: "250", d: pool(captOverlay, "", 3, captInt(250))},
		{name: "251", d: pool(captOverlay, "", 3, captInt(251)), want: []captWant{{finding.Error, mpPath, []string{"maxPods 251"}}}},
		{name: "10 on 2 nodes", d: pool(captOverlay, "", 2, captInt(10)), want: []captWant{{finding.Error, mpPath, []string{"only 20 pods", "at least 30", "maxPods 15 or more"}}}},
		{name: "15 on 2 nodes", d: pool(captOverlay, "", 2, captInt(15))},
		{name: "10 on a pool of 0 nodes", d: pool(captOverlay, "", 0, captInt(10))},
		{name: "pod subnet without maxPods", d: pool(captLegacy, "pods", 3, nil),
			want: []captWant{{finding.Warning, "spec.clusters[0].nodePools[0]", []string{"dynamic allocation", "110 or 250", "256 addresses per full node"}}}},
		{name: "static pod subnet without maxPods", d: pool(captStatic, "pods", 3, nil),
			want: []captWant{{finding.Warning, "spec.clusters[0].nodePools[0]", []string{"static block allocation"}}}},
		{name: "overlay without maxPods", d: pool(captOverlay, "", 3, nil)},
		{name: "legacy without maxPods", d: pool(captLegacy, "", 3, nil)},
	})
}

func TestPoolSurgeExceedsLimit(t *testing.T) {
	pool := func(p design.NodePool) *design.Design {
		d := captDesign(captOverlay, []string{"nodes=10.1.0.0/16"}, design.NodePool{Name: "system", Count: captInt(3)})
		captAddPool(&d.Spec.Clusters[0], p)
		return d
	}
	const p1 = "spec.clusters[0].nodePools[1]"
	captRun(t, poolSurgeExceedsLimit, []captCase{
		// 909 + ceil(90.9) = 1,000; 910 + 91 = 1,001.
		{name: "909 with default surge", d: pool(design.NodePool{Name: "user", MinCount: captInt(1), MaxCount: captInt(909)})},
		{name: "910 with default surge", d: pool(design.NodePool{Name: "user", MinCount: captInt(1), MaxCount: captInt(910)}),
			want: []captWant{{finding.Error, p1 + ".maxCount", []string{"910 nodes", "default surge of 10% adds 91", "1,001 VMSS instances"}}}},
		{name: "explicit surge points at maxSurge", d: pool(design.NodePool{Name: "user", Count: captInt(600), MaxSurge: "401"}),
			want: []captWant{{finding.Error, p1 + ".maxSurge", []string{"maxSurge 401 adds 401", "1,001 VMSS instances"}}}},
		{name: "explicit surge at the limit", d: pool(design.NodePool{Name: "user", Count: captInt(600), MaxSurge: "400"})},
		{name: "surge is capped at the pool size", d: pool(design.NodePool{Name: "user", Count: captInt(500), MaxSurge: "900"})},
		{name: "100%", d: pool(design.NodePool{Name: "user", Count: captInt(10), MaxSurge: "100%"})},
		{name: "101%", d: pool(design.NodePool{Name: "user", Count: captInt(10), MaxSurge: "101%"}),
			want: []captWant{{finding.Error, p1 + ".maxSurge", []string{"101%", "at most 100%"}}}},
		{name: "surge 0 with maxUnavailable", d: pool(design.NodePool{Name: "user", Count: captInt(10), MaxSurge: "0", MaxUnavailable: "1"})},
		{name: "surge 0 alone", d: pool(design.NodePool{Name: "user", Count: captInt(10), MaxSurge: "0"}),
			want: []captWant{{finding.Warning, p1 + ".maxSurge", []string{"cannot proceed"}}}},
		{name: "surge 0% with maxUnavailable 0%", d: pool(design.NodePool{Name: "user", Count: captInt(10), MaxSurge: "0%", MaxUnavailable: "0%"}),
			want: []captWant{{finding.Warning, p1 + ".maxSurge", []string{"maxSurge 0%"}}}},
		{name: "maxUnavailable on a System pool", d: pool(design.NodePool{Name: "sys2", Mode: design.ModeSystem, Count: captInt(3), MaxUnavailable: "1"}),
			want: []captWant{{finding.Error, p1 + ".maxUnavailable", []string{"System pool aks1/sys2", "only on User pools"}}}},
		{name: "maxUnavailable 0 on a System pool", d: pool(design.NodePool{Name: "sys2", Mode: design.ModeSystem, Count: captInt(3), MaxUnavailable: "0"}),
			want: []captWant{{finding.Warning, p1 + ".maxUnavailable", []string{"0 is the default"}}}},
	})
}

func TestWindowsPoolUnsupported(t *testing.T) {
	captAt(t, time.Date(2026, time.November, 25, 12, 0, 0, 0, time.UTC))
	win := func(net design.ClusterNetwork, version string, p design.NodePool) *design.Design {
		d := captDesign(net, []string{"nodes=10.1.0.0/22", "pods=10.2.0.0/16"}, design.NodePool{Name: "system", Count: captInt(3), MaxPods: captInt(31)})
		d.Spec.Clusters[0].KubernetesVersion = version
		p.OS = design.OSWindows
		if p.Count == nil {
			p.Count = captInt(2)
		}
		captAddPool(&d.Spec.Clusters[0], p)
		return d
	}
	cilium := captOverlay
	cilium.Dataplane = design.DataplaneCilium
	const p1 = "spec.clusters[0].nodePools[1]"
	captRun(t, windowsPoolUnsupported, []captCase{
		{name: "WS2025 on overlay", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2025, MaxPods: captInt(110)})},
		{name: "kubenet", d: win(captKubenet, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2025}),
			want: []captWant{{finding.Error, p1 + ".os", []string{"kubenet cluster aks1", "does not support Windows"}}}},
		{name: "cilium", d: win(cilium, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2025, MaxPods: captInt(110)}),
			want: []captWant{{finding.Error, p1 + ".os", []string{"Cilium dataplane"}}}},
		{name: "WS2019 after retirement", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2019, MaxPods: captInt(110)}),
			want: []captWant{{finding.Error, p1 + ".osSku", []string{"unsupported since 2026-03-01"}}}},
		{name: "WS2019 with static blocks", d: win(captStatic, "1.33", design.NodePool{Name: "win", PodSubnet: "pods", OSSKU: design.SKUWindows2019, MaxPods: captInt(31)}),
			want: []captWant{{finding.Error, p1 + ".osSku", []string{"static block pod IP allocation does not support Windows Server 2019"}}}},
		{name: "WS2022 on 1.33", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2022, MaxPods: captInt(110)}),
			want: []captWant{{finding.Warning, p1 + ".osSku", []string{"unsupported from 2028-06-30"}}}},
		{name: "WS2022 on 1.37", d: win(captOverlay, "1.37", design.NodePool{Name: "win", OSSKU: design.SKUWindows2022, MaxPods: captInt(110)}),
			want: []captWant{{finding.Error, p1 + ".osSku", []string{"not available for Kubernetes 1.37", "on 1.37"}}}},
		{name: "name of 6", d: win(captOverlay, "1.33", design.NodePool{Name: "win123", OSSKU: design.SKUWindows2025, MaxPods: captInt(110)})},
		{name: "name of 7", d: win(captOverlay, "1.33", design.NodePool{Name: "win1234", OSSKU: design.SKUWindows2025, MaxPods: captInt(110)}),
			want: []captWant{{finding.Error, p1 + ".name", []string{"7 characters", "at most 6"}}}},
		{name: "overlay maxPods 111", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2025, MaxPods: captInt(111)}),
			want: []captWant{{finding.Warning, p1 + ".maxPods", []string{"sets maxPods 111"}}}},
		{name: "overlay default maxPods", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2025}),
			want: []captWant{{finding.Warning, p1, []string{"defaults to maxPods 250"}}}},
		{name: "legacy CNI maxPods 250 is not an overlay issue", d: win(captLegacy, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2025, MaxPods: captInt(250)})},
		{name: "Linux pools are ignored", d: captDesign(captKubenet, []string{"nodes=10.1.0.0/24"}, design.NodePool{Name: "linuxpool1", Count: captInt(3)})},
	})
	t.Run("WS2019 before retirement", func(t *testing.T) {
		captAt(t, time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC))
		captRun(t, windowsPoolUnsupported, []captCase{
			{name: "warning", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2019, MaxPods: captInt(110)}),
				want: []captWant{{finding.Warning, p1 + ".osSku", []string{"unsupported from 2026-03-01"}}}},
		})
	})
	t.Run("WS2022 after retirement", func(t *testing.T) {
		captAt(t, time.Date(2028, time.July, 1, 0, 0, 0, 0, time.UTC))
		captRun(t, windowsPoolUnsupported, []captCase{
			{name: "error", d: win(captOverlay, "1.33", design.NodePool{Name: "win", OSSKU: design.SKUWindows2022, MaxPods: captInt(110)}),
				want: []captWant{{finding.Error, p1 + ".osSku", []string{"unsupported since 2028-06-30"}}}},
		})
	})
}

func TestKubenetNodeLimit(t *testing.T) {
	kubenet := func(users int, surge string) *design.Design {
		return captDesign(captKubenet, []string{"nodes=10.1.0.0/22"},
			design.NodePool{Name: "system", Count: captInt(3), MaxSurge: "1"},
			design.NodePool{Name: "user", MinCount: captInt(1), MaxCount: captInt(users), MaxSurge: surge})
	}
	const plugin = "spec.clusters[0].network.plugin"
	captRun(t, kubenetNodeLimit, []captCase{
		{name: "400 during an upgrade", d: kubenet(386, "10")},
		{name: "401 during an upgrade", d: kubenet(387, "10"), want: []captWant{{finding.Error, plugin, []string{"390 nodes and 401 during an upgrade", "refuses the upgrade"}}}},
		{name: "above 400 at max nodes", d: kubenet(398, "1"), want: []captWant{{finding.Error, plugin, []string{"401 nodes", "refuses to create"}}}},
		{name: "overlay is not limited", d: func() *design.Design {
			d := kubenet(900, "10")
			d.Spec.Clusters[0].Network = captOverlay
			return d
		}()},
	})
}

func TestClusterScaleLimit(t *testing.T) {
	big := func(counts []int, maxPods int) *design.Design {
		d := captDesign(captOverlay, []string{"nodes=10.0.0.0/12"})
		for i, n := range counts {
			captAddPool(&d.Spec.Clusters[0], design.NodePool{Name: fmt.Sprintf("p%d", i), Count: captInt(n), MaxSurge: "0", MaxUnavailable: "1", MaxPods: captInt(maxPods)})
		}
		return d
	}
	many := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = 1
		}
		return out
	}
	const pools = "spec.clusters[0].nodePools"
	captRun(t, clusterScaleLimit, []captCase{
		{name: "5,000 nodes", d: big([]int{1000, 1000, 1000, 1000, 1000}, 40)},
		{name: "5,001 nodes", d: big([]int{1000, 1000, 1000, 1000, 1000, 1}, 30),
			want: []captWant{{finding.Error, pools, []string{"5,001 nodes", "at most 5,000"}}}},
		{name: "5,001 with surge", d: func() *design.Design {
			d := big([]int{1000, 1000, 1000, 1000, 1000}, 30)
			d.Spec.Clusters[0].NodePools[0].MaxSurge = "1"
			return d
		}(), want: []captWant{{finding.Error, pools, []string{"5,000 nodes and 5,001 during an upgrade", "cannot be upgraded"}}}},
		{name: "1,001-node pool", d: big([]int{1001}, 30),
			want: []captWant{{finding.Error, pools + "[0].count", []string{"1,001 nodes", "at most 1,000"}}}},
		{name: "100 pools", d: big(many(100), 30)},
		{name: "101 pools", d: big(many(101), 30), want: []captWant{{finding.Error, pools, []string{"101 node pools", "at most 100"}}}},
		{name: "200,000 overlay pods", d: big([]int{1000, 1000}, 100)},
		{name: "200,001 overlay pods", d: big([]int{1000, 1000, 1}, 100),
			want: []captWant{{finding.Warning, pools, []string{"200,100 pods", "200,000"}}}},
	})
}

func TestSystemPoolMissing(t *testing.T) {
	const pools = "spec.clusters[0].nodePools"
	captRun(t, systemPoolMissing, []captCase{
		{name: "system pool", d: captDesign(captOverlay, []string{"nodes=10.1.0.0/24"}, design.NodePool{Name: "system", Count: captInt(1)})},
		{name: "only user pools", d: captDesign(captOverlay, []string{"nodes=10.1.0.0/24"},
			design.NodePool{Name: "a", Mode: design.ModeUser, Count: captInt(1)}, design.NodePool{Name: "b", Mode: design.ModeUser, Count: captInt(1)}),
			want: []captWant{{finding.Error, pools, []string{"none of its 2 node pools"}}}},
		{name: "system pool of 0", d: captDesign(captOverlay, []string{"nodes=10.1.0.0/24"}, design.NodePool{Name: "system", Count: captInt(0)}),
			want: []captWant{{finding.Error, pools + "[0].count", []string{"can have 0 nodes"}}}},
		{name: "system pool autoscaling from 0", d: captDesign(captOverlay, []string{"nodes=10.1.0.0/24"}, design.NodePool{Name: "system", MinCount: captInt(0), MaxCount: captInt(3)}),
			want: []captWant{{finding.Error, pools + "[0].minCount", nil}}},
	})
}

func TestPoolNameInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"a", true}, {"system", true}, {"user1", true}, {"abcdefghijkl", true},
		{"abcdefghijklm", false}, {"User", false}, {"user-1", false}, {"user_1", false}, {"1user", false}, {"", false},
	} {
		d := captDesign(captOverlay, []string{"nodes=10.1.0.0/24"}, design.NodePool{Name: tc.name, Count: captInt(1)})
		got := RunRule(poolNameInvalid, d)
		if (len(got) == 0) != tc.ok {
			t.Errorf("pool name %q: got %d findings, want ok=%v", tc.name, len(got), tc.ok)
		}
		for _, f := range got {
			if f.Location.Path != "spec.clusters[0].nodePools[0].name" || !strings.Contains(f.Message, fmt.Sprintf("%q", tc.name)) {
				t.Errorf("pool name %q: finding %+v", tc.name, f)
			}
		}
	}
}
