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

// egWant is one expected finding: where it points and how severe it is.
type egWant struct {
	path string
	sev  finding.Severity
}

func (w egWant) String() string { return fmt.Sprintf("%s@%s", w.sev, w.path) }

// egCase is a table test: a change to the base design and the findings the
// rule must produce, in order.
type egCase struct {
	name string
	edit func(d *design.Design)
	want []egWant
}

func egIntp(n int) *int { return &n }

// egBase returns a small valid design: VNet spoke with subnet nodes, and
// cluster aks1 on Overlay with Cilium, explicit loadBalancer outbound and a
// System pool of 3 nodes with maxSurge 0 (so node counts are exact).
func egBase() *design.Design {
	return &design.Design{Spec: design.Spec{
		VNets: []design.VNet{{
			Name: "spoke", Region: "westeurope", Path: "spec.vnets[0]",
			AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
			Subnets: []design.Subnet{{
				Name: "nodes", Purpose: design.PurposeNodes, Path: "spec.vnets[0].subnets[0]",
				AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/20")},
			}},
		}},
		Clusters: []design.Cluster{{
			Name: "aks1", Region: "westeurope", KubernetesVersion: "1.33", VNet: "spoke", Path: "spec.clusters[0]",
			Network: design.ClusterNetwork{
				Plugin: design.PluginAzure, PluginMode: design.ModeOverlay,
				Dataplane: design.DataplaneCilium, Policy: design.PolicyCilium,
			},
			Outbound: design.Outbound{Type: design.OutboundLoadBalancer},
			NodePools: []design.NodePool{{
				Name: "system", Mode: design.ModeSystem, Subnet: "nodes", Count: egIntp(3), MaxSurge: "0",
				Path: "spec.clusters[0].nodePools[0]",
			}},
		}},
	}}
}

// egAddPool appends a pool to cluster c with the path it would have.
func egAddPool(c *design.Cluster, pl design.NodePool) *design.NodePool {
	pl.Path = design.Index(design.Field(c.Path, "nodePools"), len(c.NodePools))
	if pl.Mode == "" {
		pl.Mode = design.ModeUser
	}
	if pl.MaxSurge == "" {
		pl.MaxSurge = "0"
	}
	c.NodePools = append(c.NodePools, pl)
	return &c.NodePools[len(c.NodePools)-1]
}

// egAddSubnet appends a subnet to VNet v.
func egAddSubnet(v *design.VNet, s design.Subnet) *design.Subnet {
	s.Path = design.Index(design.Field(v.Path, "subnets"), len(v.Subnets))
	if s.Purpose == "" {
		s.Purpose = design.PurposeNodes
	}
	v.Subnets = append(v.Subnets, s)
	return &v.Subnets[len(v.Subnets)-1]
}

// egAddRouteTable appends a route table with routes, filling paths.
func egAddRouteTable(d *design.Design, name string, routes ...design.Route) {
	path := design.Index("spec.routeTables", len(d.Spec.RouteTables))
	for i := range routes {
		routes[i].Path = design.Index(design.Field(path, "routes"), i)
	}
	d.Spec.RouteTables = append(d.Spec.RouteTables, design.RouteTable{Name: name, Routes: routes, Path: path})
}

// egAddNAT appends a NAT gateway.
func egAddNAT(d *design.Design, ng design.NATGateway) {
	ng.Path = design.Index("spec.natGateways", len(d.Spec.NATGateways))
	d.Spec.NATGateways = append(d.Spec.NATGateways, ng)
}

// egAt pins Now for the test.
func egAt(t *testing.T, day time.Time) {
	t.Helper()
	old := Now
	Now = func() time.Time { return day }
	t.Cleanup(func() { Now = old })
}

func egRunCases(t *testing.T, r *Rule, cases []egCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := egBase()
			if tc.edit != nil {
				tc.edit(d)
			}
			fs := RunRule(r, d)
			var got []egWant
			for _, f := range fs {
				got = append(got, egWant{f.Location.Path, f.Severity})
				if f.Subject == "" || f.Message == "" || f.Remediation == "" {
					t.Errorf("finding lacks subject, message or remediation: %+v", f)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				var msgs []string
				for _, f := range fs {
					msgs = append(msgs, f.Message)
				}
				t.Errorf("got %v, want %v\nmessages:\n%s", got, tc.want, strings.Join(msgs, "\n"))
			}
		})
	}
}

const (
	egC0      = "spec.clusters[0]"
	egNet     = egC0 + ".network"
	egPlugin  = egNet + ".plugin"
	egPolicy  = egNet + ".policy"
	egOut     = egC0 + ".outbound"
	egOutType = egOut + ".type"
	egLB      = egOut + ".loadBalancer"
	egPool0   = egC0 + ".nodePools[0]"
	egPool1   = egC0 + ".nodePools[1]"
	egSubnet0 = "spec.vnets[0].subnets[0]"
	egSubnet1 = "spec.vnets[0].subnets[1]"
)

var (
	egKubenet = func(d *design.Design) {
		d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginKubenet}
	}
	egNodeSubnet = func(d *design.Design) {
		d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginAzure}
	}
	egDualStack = func(d *design.Design) {
		d.Spec.Clusters[0].Network.IPFamilies = []design.IPFamily{design.IPv4, design.IPv6}
	}
)

func TestEgressHelpers(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 64512: "64,512", 1032192: "1,032,192", -1500: "-1,500"} {
		if got := egNum(n); got != want {
			t.Errorf("egNum(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tc := range []struct{ n, ports int }{{1, 1024}, {50, 1024}, {51, 512}, {100, 512}, {101, 256}, {400, 128}, {401, 64}, {800, 64}, {801, 32}, {1000, 32}} {
		if got, ok := egAutoPorts(tc.n); !ok || got != tc.ports {
			t.Errorf("egAutoPorts(%d) = %d, %v; want %d", tc.n, got, ok, tc.ports)
		}
	}
	if _, ok := egAutoPorts(1001); ok {
		t.Errorf("egAutoPorts(1001) is defined, want undefined")
	}
	if got, want := egList([]string{"a", "b", "c"}), "a, b and c"; got != want {
		t.Errorf("egList = %q, want %q", got, want)
	}
	egAt(t, egDate(2026, time.November, 25))
	if got, want := egUntil(egDate(2028, time.March, 31)), "in about 16 months"; got != want {
		t.Errorf("egUntil = %q, want %q", got, want)
	}
	if got, want := egUntil(egDate(2026, time.December, 5)), "in 10 days"; got != want {
		t.Errorf("egUntil = %q, want %q", got, want)
	}
}

func TestEgressLegacyNetworkPlugin(t *testing.T) {
	egAt(t, egDate(2026, time.November, 25))
	egRunCases(t, legacyNetworkPlugin, []egCase{
		{name: "overlay passes"},
		{name: "kubenet warns", edit: egKubenet, want: []egWant{{egPlugin, finding.Warning}}},
		{name: "node subnet warns", edit: egNodeSubnet, want: []egWant{{egPlugin, finding.Warning}}},
		{name: "pod subnet is not legacy", edit: func(d *design.Design) {
			egNodeSubnet(d)
			egAddSubnet(&d.Spec.VNets[0], design.Subnet{Name: "pods", Purpose: design.PurposePods,
				AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.1.64.0/18")}})
			d.Spec.Clusters[0].NodePools[0].PodSubnet = "pods"
		}},
		{name: "bring your own CNI is not legacy", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginNone}
		}},
	})

	t.Run("kubenet after retirement is an error", func(t *testing.T) {
		egAt(t, egDate(2028, time.March, 31))
		d := egBase()
		egKubenet(d)
		fs := RunRule(legacyNetworkPlugin, d)
		if len(fs) != 1 || fs[0].Severity != finding.Error {
			t.Fatalf("got %v, want one error", fs)
		}
	})
	t.Run("kubenet message names the date, the cap and Windows pools", func(t *testing.T) {
		d := egBase()
		egKubenet(d)
		d.Spec.Clusters[0].Network.Policy = design.PolicyCalico
		d.Spec.Clusters[0].NodePools[0].Count = egIntp(400)
		egAddPool(&d.Spec.Clusters[0], design.NodePool{Name: "win1", OS: design.OSWindows, Subnet: "nodes", Count: egIntp(1)})
		fs := RunRule(legacyNetworkPlugin, d)
		if len(fs) != 1 {
			t.Fatalf("got %d findings, want 1", len(fs))
		}
		for _, want := range []string{"2028-03-31", "401 nodes", "400-node", "win1", "is Windows"} {
			if !strings.Contains(fs[0].Message, want) {
				t.Errorf("message %q lacks %q", fs[0].Message, want)
			}
		}
		if !strings.Contains(fs[0].Remediation, "Uninstall Calico") || !strings.Contains(fs[0].Remediation, "user-assigned") {
			t.Errorf("remediation %q lacks the Calico and identity steps", fs[0].Remediation)
		}
	})
	t.Run("node subnet counts reserved addresses", func(t *testing.T) {
		d := egBase()
		egNodeSubnet(d)
		d.Spec.Clusters[0].NodePools[0].MaxSurge = "1"
		fs := RunRule(legacyNetworkPlugin, d)
		// (3 nodes + 1 surge) × (30 default maxPods + 1) = 124.
		if len(fs) != 1 || !strings.Contains(fs[0].Message, "124 VNet addresses") {
			t.Fatalf("got %v, want one finding naming 124 VNet addresses", fs)
		}
	})
}

func TestEgressFlatNetworking(t *testing.T) {
	podSubnet := func(d *design.Design) {
		egAddSubnet(&d.Spec.VNets[0], design.Subnet{Name: "pods", Purpose: design.PurposePods,
			AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.1.64.0/18")}})
		d.Spec.Clusters[0].Network.PluginMode = ""
		d.Spec.Clusters[0].NodePools[0].PodSubnet = "pods"
	}
	req := func(d *design.Design) { d.Spec.Clusters[0].Requirements.PodIPsRoutable = true }
	reason := func(d *design.Design) {
		d.Spec.Clusters[0].Requirements.PodIPsRoutableReason = "mainframe callbacks reach pod IPs"
	}
	egRunCases(t, flatNetworkingWithoutRequirement, []egCase{
		{name: "overlay without requirement passes"},
		{name: "pod subnet without requirement", edit: podSubnet,
			want: []egWant{{egPool0 + ".podSubnet", finding.Warning}}},
		{name: "node subnet without requirement", edit: egNodeSubnet, want: []egWant{{egPlugin, finding.Warning}}},
		{name: "pod subnet with requirement and reason passes", edit: func(d *design.Design) { podSubnet(d); req(d); reason(d) }},
		{name: "requirement without reason", edit: func(d *design.Design) { podSubnet(d); req(d) },
			want: []egWant{{egC0 + ".requirements.podIPsRoutable", finding.Info}}},
		{name: "overlay cannot meet the requirement", edit: func(d *design.Design) { req(d); reason(d) },
			want: []egWant{{egNet + ".pluginMode", finding.Warning}}},
		{name: "kubenet cannot meet the requirement", edit: func(d *design.Design) { egKubenet(d); req(d); reason(d) },
			want: []egWant{{egPlugin, finding.Warning}}},
	})
}

func TestEgressNetworkPolicy(t *testing.T) {
	egAt(t, egDate(2026, time.November, 25))
	npm := func(d *design.Design) {
		d.Spec.Clusters[0].Network.Dataplane = ""
		d.Spec.Clusters[0].Network.Policy = design.PolicyAzure
	}
	calico := func(d *design.Design) {
		d.Spec.Clusters[0].Network.Dataplane = ""
		d.Spec.Clusters[0].Network.Policy = design.PolicyCalico
	}
	noEngine := func(d *design.Design) {
		d.Spec.Clusters[0].Network.Dataplane = ""
		d.Spec.Clusters[0].Network.Policy = ""
	}
	windows := func(sku design.OSSKU) func(d *design.Design) {
		return func(d *design.Design) {
			egAddPool(&d.Spec.Clusters[0], design.NodePool{Name: "win1", OS: design.OSWindows, OSSKU: sku, Subnet: "nodes", Count: egIntp(2)})
		}
	}
	nodes := func(n int, surge string) func(d *design.Design) {
		return func(d *design.Design) {
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(n)
			d.Spec.Clusters[0].NodePools[0].MaxPods = egIntp(30)
			d.Spec.Clusters[0].NodePools[0].MaxSurge = surge
		}
	}
	all := func(fs ...func(*design.Design)) func(*design.Design) {
		return func(d *design.Design) {
			for _, f := range fs {
				f(d)
			}
		}
	}
	linuxNPM := egWant{egPolicy, finding.Info}
	egRunCases(t, networkPolicyNotEnforced, []egCase{
		{name: "cilium passes"},
		{name: "cilium dataplane without a written policy enforces", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network.Policy = ""
			d.Spec.Clusters[0].Requirements.NetworkPolicy = true
		}},
		{name: "no engine and no requirement warns", edit: noEngine, want: []egWant{{egNet, finding.Warning}}},
		{name: "no engine with sensitive namespaces", edit: func(d *design.Design) {
			noEngine(d)
			d.Spec.Clusters[0].Requirements.SensitiveNamespaces = []string{"payments"}
		}, want: []egWant{{egNet, finding.Error}}},
		{name: "explicit none with the cilium dataplane and a requirement", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network.Policy = design.PolicyNone
			d.Spec.Clusters[0].Requirements.NetworkPolicy = true
		}, want: []egWant{{egPolicy, finding.Error}}},
		{name: "bring your own CNI without engine is not judged", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginNone}
			d.Spec.Clusters[0].Requirements.NetworkPolicy = true
		}},
		{name: "cilium policy without cilium dataplane", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network.Dataplane = ""
		}, want: []egWant{{egPolicy, finding.Error}}},
		{name: "calico on the cilium dataplane", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network.Policy = design.PolicyCalico
		}, want: []egWant{{egPolicy, finding.Error}}},
		{name: "cilium on kubenet", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginKubenet, Policy: design.PolicyCilium}
		}, want: []egWant{{egPolicy, finding.Error}}},
		{name: "NPM on kubenet", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginKubenet, Policy: design.PolicyAzure}
		}, want: []egWant{{egPolicy, finding.Error}}},
		{name: "calico on kubenet passes", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Network = design.ClusterNetwork{Plugin: design.PluginKubenet, Policy: design.PolicyCalico}
		}},
		{name: "cilium with a Windows pool", edit: windows(design.SKUWindows2022), want: []egWant{{egPool1, finding.Error}}},
		{name: "NPM on Linux is retiring", edit: npm, want: []egWant{linuxNPM}},
		{name: "NPM with a Windows pool after its retirement", edit: all(npm, windows(design.SKUWindows2022)),
			want: []egWant{{egPool1, finding.Error}, linuxNPM}},
		{name: "NPM at 250 nodes fits", edit: all(npm, nodes(250, "0")), want: []egWant{linuxNPM}},
		{name: "NPM at 251 nodes", edit: all(npm, nodes(251, "0")), want: []egWant{{egPolicy, finding.Error}, linuxNPM}},
		{name: "NPM over 250 only with surge", edit: all(npm, nodes(250, "1")), want: []egWant{{egPolicy, finding.Warning}, linuxNPM}},
		{name: "NPM pods at 20,000 fit", edit: all(npm, func(d *design.Design) {
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(200)
			d.Spec.Clusters[0].NodePools[0].MaxPods = egIntp(100)
		}), want: []egWant{linuxNPM}},
		{name: "NPM pods above 20,000", edit: all(npm, func(d *design.Design) {
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(201)
			d.Spec.Clusters[0].NodePools[0].MaxPods = egIntp(100)
		}), want: []egWant{{egPolicy, finding.Warning}, linuxNPM}},
		{name: "calico dual-stack", edit: all(calico, egDualStack), want: []egWant{{egPolicy, finding.Error}}},
		{name: "calico on 1.29", edit: all(calico, func(d *design.Design) { d.Spec.Clusters[0].KubernetesVersion = "1.29" }),
			want: []egWant{{egPolicy, finding.Error}}},
		{name: "calico on 1.30 passes", edit: all(calico, func(d *design.Design) { d.Spec.Clusters[0].KubernetesVersion = "1.30" })},
		{name: "calico with Windows Server 2025", edit: all(calico, windows(design.SKUWindows2025)),
			want: []egWant{{egPool1, finding.Warning}}},
		{name: "calico with Windows Server 2022 passes", edit: all(calico, windows(design.SKUWindows2022))},
	})

	t.Run("NPM Windows before its retirement warns", func(t *testing.T) {
		egAt(t, egDate(2026, time.September, 29))
		d := egBase()
		npm(d)
		windows(design.SKUWindows2022)(d)
		fs := RunRule(networkPolicyNotEnforced, d)
		if len(fs) != 2 || fs[0].Severity != finding.Warning || !strings.Contains(fs[0].Message, "2026-09-30") {
			t.Fatalf("got %v, want a warning naming 2026-09-30 first", fs)
		}
	})
	t.Run("NPM Linux retirement grades by date", func(t *testing.T) {
		for _, tc := range []struct {
			day  time.Time
			want finding.Severity
		}{
			{egDate(2027, time.September, 29), finding.Info},
			{egDate(2027, time.September, 30), finding.Warning},
			{egDate(2028, time.September, 30), finding.Error},
		} {
			egAt(t, tc.day)
			d := egBase()
			npm(d)
			fs := RunRule(networkPolicyNotEnforced, d)
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Errorf("on %s: got %v, want one %s", egDay(tc.day), fs, tc.want)
			}
		}
	})
}

func TestEgressOutboundTypeImplicit(t *testing.T) {
	egRunCases(t, outboundTypeImplicit, []egCase{
		{name: "explicit passes"},
		{name: "unset warns", edit: func(d *design.Design) { d.Spec.Clusters[0].Outbound.Type = "" },
			want: []egWant{{egOut, finding.Warning}}},
	})
}

func TestEgressUDRDefaultRoute(t *testing.T) {
	udr := func(d *design.Design) { d.Spec.Clusters[0].Outbound.Type = design.OutboundUserDefinedRouting }
	route := func(prefix string, hop design.NextHopType, ip string) design.Route {
		r := design.Route{Name: "default", AddressPrefix: prefix, NextHopType: hop}
		if ip != "" {
			r.NextHopIPAddress = netip.MustParseAddr(ip)
		}
		return r
	}
	table := func(routes ...design.Route) func(d *design.Design) {
		return func(d *design.Design) {
			egAddRouteTable(d, "rt", routes...)
			d.Spec.VNets[0].Subnets[0].RouteTable = "rt"
		}
	}
	all := func(fs ...func(*design.Design)) func(*design.Design) {
		return func(d *design.Design) {
			for _, f := range fs {
				f(d)
			}
		}
	}
	fw := route("0.0.0.0/0", design.NextHopVirtualAppliance, "10.0.1.4")
	rt0 := "spec.routeTables[0]"
	egRunCases(t, udrMissingDefaultRoute, []egCase{
		{name: "load balancer without route table passes"},
		{name: "udr to firewall passes", edit: all(udr, table(fw))},
		{name: "udr to gateway passes", edit: all(udr, table(route("0.0.0.0/0", design.NextHopVirtualNetworkGateway, "")))},
		{name: "udr without route table", edit: udr, want: []egWant{{egSubnet0, finding.Error}}},
		{name: "udr without default route", edit: all(udr, table(route("10.0.0.0/8", design.NextHopVirtualAppliance, "10.0.1.4"))),
			want: []egWant{{rt0, finding.Error}}},
		{name: "service tag is not a default route", edit: all(udr, table(route("Internet", design.NextHopVirtualAppliance, "10.0.1.4"))),
			want: []egWant{{rt0, finding.Error}}},
		{name: "udr default to Internet", edit: all(udr, table(route("0.0.0.0/0", design.NextHopInternet, ""))),
			want: []egWant{{rt0 + ".routes[0].nextHopType", finding.Error}}},
		{name: "udr default to None", edit: all(udr, table(route("0.0.0.0/0", design.NextHopNone, ""))),
			want: []egWant{{rt0 + ".routes[0].nextHopType", finding.Error}}},
		{name: "appliance without IP", edit: all(udr, table(route("0.0.0.0/0", design.NextHopVirtualAppliance, ""))),
			want: []egWant{{rt0 + ".routes[0]", finding.Error}}},
		{name: "dual-stack without ::/0 warns", edit: all(udr, egDualStack, table(fw)),
			want: []egWant{{rt0, finding.Warning}}},
		{name: "dual-stack with ::/0 passes", edit: all(udr, egDualStack,
			table(fw, route("::/0", design.NextHopVirtualAppliance, "fd00::4")))},
		{name: "second pool's subnet is checked too", edit: all(udr, table(fw), func(d *design.Design) {
			egAddSubnet(&d.Spec.VNets[0], design.Subnet{Name: "nodes2", AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.1.16.0/20")}})
			egAddPool(&d.Spec.Clusters[0], design.NodePool{Name: "user1", Subnet: "nodes2", Count: egIntp(2)})
		}), want: []egWant{{egSubnet1, finding.Error}}},
		{name: "egress inspection with load balancer", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Requirements.EgressInspection = true
		}, want: []egWant{{egOutType, finding.Error}}},
		{name: "egress inspection with implicit outbound", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Requirements.EgressInspection = true
			d.Spec.Clusters[0].Outbound.Type = ""
		}, want: []egWant{{egOut, finding.Error}}},
		{name: "egress inspection with none passes", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Requirements.EgressInspection = true
			d.Spec.Clusters[0].Outbound.Type = design.OutboundNone
		}},
		{name: "load balancer with default route to appliance warns", edit: table(fw),
			want: []egWant{{rt0 + ".routes[0]", finding.Warning}}},
	})

	t.Run("shared subnet reported once", func(t *testing.T) {
		d := egBase()
		udr(d)
		c2 := d.Spec.Clusters[0]
		c2.Name, c2.Path = "aks2", "spec.clusters[1]"
		c2.NodePools = []design.NodePool{{Name: "system", Mode: design.ModeSystem, Subnet: "nodes", Count: egIntp(3), Path: "spec.clusters[1].nodePools[0]"}}
		d.Spec.Clusters = append(d.Spec.Clusters, c2)
		if fs := RunRule(udrMissingDefaultRoute, d); len(fs) != 1 {
			t.Errorf("got %d findings, want 1: %v", len(fs), fs)
		}
	})
}

func TestEgressNATGatewayMissing(t *testing.T) {
	userNAT := func(d *design.Design) { d.Spec.Clusters[0].Outbound.Type = design.OutboundUserAssignedNATGateway }
	gw := func(sku design.NATGatewaySKU, v6 int) func(d *design.Design) {
		return func(d *design.Design) {
			egAddNAT(d, design.NATGateway{Name: "egress", SKU: sku, PublicIPs: 2, PublicIPv6s: v6})
			d.Spec.VNets[0].Subnets[0].NATGateway = "egress"
		}
	}
	all := func(fs ...func(*design.Design)) func(*design.Design) {
		return func(d *design.Design) {
			for _, f := range fs {
				f(d)
			}
		}
	}
	managedVNet := func(d *design.Design) {
		d.Spec.Clusters[0].VNet = ""
		d.Spec.Clusters[0].NodePools[0].Subnet = ""
	}
	egRunCases(t, natGatewayMissing, []egCase{
		{name: "user NAT with gateway passes", edit: all(userNAT, gw("", 0))},
		{name: "user NAT without gateway", edit: userNAT, want: []egWant{{egSubnet0, finding.Error}}},
		{name: "dual-stack with default SKU", edit: all(userNAT, egDualStack, gw("", 0)),
			want: []egWant{{"spec.natGateways[0]", finding.Error}}},
		{name: "dual-stack with Standard SKU", edit: all(userNAT, egDualStack, gw(design.NATStandard, 0)),
			want: []egWant{{"spec.natGateways[0].sku", finding.Error}}},
		{name: "dual-stack StandardV2 without IPv6 IPs", edit: all(userNAT, egDualStack, gw(design.NATStandardV2, 0)),
			want: []egWant{{"spec.natGateways[0]", finding.Warning}}},
		{name: "dual-stack StandardV2 with IPv6 passes", edit: all(userNAT, egDualStack, gw(design.NATStandardV2, 1))},
		{name: "managed NAT on own VNet", edit: func(d *design.Design) {
			d.Spec.Clusters[0].Outbound.Type = design.OutboundManagedNATGatewayV2
		}, want: []egWant{{egOutType, finding.Error}}},
		{name: "managed NAT on managed VNet passes", edit: all(managedVNet, func(d *design.Design) {
			d.Spec.Clusters[0].Outbound.Type = design.OutboundManagedNATGateway
		})},
		{name: "managed Standard NAT dual-stack", edit: all(managedVNet, egDualStack, func(d *design.Design) {
			d.Spec.Clusters[0].Outbound.Type = design.OutboundManagedNATGateway
		}), want: []egWant{{egOutType, finding.Error}}},
		{name: "managed V2 NAT dual-stack passes", edit: all(managedVNet, egDualStack, func(d *design.Design) {
			d.Spec.Clusters[0].Outbound.Type = design.OutboundManagedNATGatewayV2
		})},
	})
}

func TestEgressSNATPorts(t *testing.T) {
	lb := func(ips, ports, nodes int) func(d *design.Design) {
		return func(d *design.Design) {
			d.Spec.Clusters[0].Outbound.LoadBalancer = &design.LoadBalancerProfile{OutboundIPs: ips, AllocatedOutboundPorts: ports}
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(nodes)
		}
	}
	auto := func(minN, maxN int) func(d *design.Design) {
		return func(d *design.Design) {
			pl := &d.Spec.Clusters[0].NodePools[0]
			pl.Count, pl.MinCount, pl.MaxCount = nil, egIntp(minN), egIntp(maxN)
		}
	}
	ports := egLB + ".allocatedOutboundPorts"
	egRunCases(t, snatPortsInsufficient, []egCase{
		{name: "small cluster passes"},
		// 64,000 × 1 / 4,000 = 16 nodes.
		{name: "allocated ports exactly fit", edit: lb(1, 4000, 16)},
		{name: "allocated ports one node over", edit: lb(1, 4000, 17), want: []egWant{{ports, finding.Error}}},
		{name: "surge pushes over", edit: func(d *design.Design) {
			lb(1, 4000, 16)(d)
			d.Spec.Clusters[0].NodePools[0].MaxSurge = "1"
		}, want: []egWant{{ports, finding.Error}}},
		{name: "more IPs fit", edit: lb(7, 4000, 112)},
		{name: "more IPs one over", edit: lb(7, 4000, 113), want: []egWant{{ports, finding.Error}}},
		{name: "ports not a multiple of 8", edit: lb(1, 1001, 3), want: []egWant{{ports, finding.Error}}},
		{name: "ports above 64,000", edit: lb(2, 64008, 1), want: []egWant{{ports, finding.Error}}},
		{name: "64,000 ports for one node fit", edit: lb(1, 64000, 1)},
		{name: "automatic within a step passes", edit: auto(1, 50)},
		{name: "automatic crossing 50", edit: auto(1, 51), want: []egWant{{egOut, finding.Warning}}},
		{name: "automatic crossing with profile points at outboundIPs", edit: func(d *design.Design) {
			auto(10, 60)(d)
			d.Spec.Clusters[0].Outbound.LoadBalancer = &design.LoadBalancerProfile{OutboundIPs: 2}
		}, want: []egWant{{egLB + ".outboundIPs", finding.Warning}}},
		{name: "fixed 51 nodes stays on one step", edit: lb(0, 0, 51)},
		{name: "automatic beyond 1,000 nodes", edit: func(d *design.Design) {
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(600)
			egAddPool(&d.Spec.Clusters[0], design.NodePool{Name: "user1", Subnet: "nodes", Count: egIntp(401)})
			d.Spec.Clusters[0].Outbound.LoadBalancer = &design.LoadBalancerProfile{OutboundIPs: 4}
		}, want: []egWant{{egLB + ".outboundIPs", finding.Warning}}},
		{name: "large cluster with one IP", edit: lb(1, 64, 501), want: []egWant{{egLB + ".outboundIPs", finding.Warning}}},
		{name: "large cluster with the default IP", edit: lb(0, 64, 501), want: []egWant{{egLB, finding.Warning}}},
		{name: "500 nodes with one IP passes", edit: lb(1, 64, 500)},
		{name: "managed NAT share exactly 1,024", edit: func(d *design.Design) {
			d.Spec.Clusters[0].VNet, d.Spec.Clusters[0].NodePools[0].Subnet = "", ""
			d.Spec.Clusters[0].Outbound.Type = design.OutboundManagedNATGateway
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(63) // 64,512 / 63 = 1,024
		}},
		{name: "managed NAT share under 1,024", edit: func(d *design.Design) {
			d.Spec.Clusters[0].VNet, d.Spec.Clusters[0].NodePools[0].Subnet = "", ""
			d.Spec.Clusters[0].Outbound.Type = design.OutboundManagedNATGateway
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(64)
		}, want: []egWant{{egOut, finding.Info}}},
		{name: "user NAT counts every cluster on its subnets", edit: func(d *design.Design) {
			egAddNAT(d, design.NATGateway{Name: "egress", PublicIPs: 1})
			d.Spec.VNets[0].Subnets[0].NATGateway = "egress"
			d.Spec.Clusters[0].Outbound.Type = design.OutboundUserAssignedNATGateway
			d.Spec.Clusters[0].NodePools[0].Count = egIntp(40)
			c2 := d.Spec.Clusters[0]
			c2.Name, c2.Path = "aks2", "spec.clusters[1]"
			c2.NodePools = []design.NodePool{{Name: "system", Mode: design.ModeSystem, Subnet: "nodes", Count: egIntp(30), MaxSurge: "0", Path: "spec.clusters[1].nodePools[0]"}}
			d.Spec.Clusters = append(d.Spec.Clusters, c2)
		}, want: []egWant{{"spec.natGateways[0].publicIPs", finding.Info}}},
	})
}

func TestEgressOutboundTypeUnsupported(t *testing.T) {
	managedVNet := func(d *design.Design) {
		d.Spec.Clusters[0].VNet = ""
		d.Spec.Clusters[0].NodePools[0].Subnet = ""
	}
	set := func(ty design.OutboundType) func(d *design.Design) {
		return func(d *design.Design) { d.Spec.Clusters[0].Outbound.Type = ty }
	}
	both := func(a, b func(*design.Design)) func(*design.Design) {
		return func(d *design.Design) { a(d); b(d) }
	}
	egRunCases(t, outboundTypeUnsupported, []egCase{
		{name: "udr on own VNet passes", edit: set(design.OutboundUserDefinedRouting)},
		{name: "udr on managed VNet", edit: both(managedVNet, set(design.OutboundUserDefinedRouting)),
			want: []egWant{{egOutType, finding.Error}}},
		{name: "user NAT on managed VNet", edit: both(managedVNet, set(design.OutboundUserAssignedNATGateway)),
			want: []egWant{{egOutType, finding.Error}}},
		{name: "block on own VNet", edit: set(design.OutboundBlock), want: []egWant{{egOutType, finding.Error}}},
		{name: "block on managed VNet passes", edit: both(managedVNet, set(design.OutboundBlock))},
		{name: "none on own VNet passes", edit: set(design.OutboundNone)},
		{name: "none with kubenet", edit: both(egKubenet, set(design.OutboundNone)), want: []egWant{{egOutType, finding.Error}}},
	})
}

func TestEgressAuthorizedIPRanges(t *testing.T) {
	ranges := func(n int, extra ...string) func(d *design.Design) {
		return func(d *design.Design) {
			var rs []netip.Prefix
			for i := range n {
				rs = append(rs, netip.PrefixFrom(netip.AddrFrom4([4]byte{203, byte(i / 256), byte(i % 256), 0}), 24))
			}
			for _, e := range extra {
				rs = append(rs, netip.MustParsePrefix(e))
			}
			d.Spec.Clusters[0].APIServer.AuthorizedIPRanges = rs
		}
	}
	path := egC0 + ".apiServer.authorizedIPRanges"
	egRunCases(t, authorizedIPRangesInvalid, []egCase{
		{name: "no ranges passes"},
		{name: "200 ranges fit", edit: ranges(200)},
		{name: "201 ranges", edit: ranges(201), want: []egWant{{path, finding.Error}}},
		{name: "2,000 with VNet integration fit", edit: func(d *design.Design) {
			ranges(2000)(d)
			d.Spec.Clusters[0].APIServer.VNetIntegrationSubnet = "apiserver"
		}},
		{name: "2,001 with VNet integration", edit: func(d *design.Design) {
			ranges(2001)(d)
			d.Spec.Clusters[0].APIServer.VNetIntegrationSubnet = "apiserver"
		}, want: []egWant{{path, finding.Error}}},
		{name: "private cluster", edit: func(d *design.Design) {
			ranges(1, "0.0.0.0/0")(d)
			d.Spec.Clusters[0].APIServer.Private = true
		}, want: []egWant{{path, finding.Warning}}},
		{name: "open to all", edit: ranges(1, "0.0.0.0/0"), want: []egWant{{path + "[1]", finding.Warning}}},
		{name: "private range", edit: ranges(0, "192.168.10.0/24"), want: []egWant{{path + "[0]", finding.Info}}},
		{name: "cluster's own outbound IP marker passes", edit: ranges(0, "0.0.0.0/32")},
		{name: "udr egress reminds of the firewall IP", edit: func(d *design.Design) {
			ranges(1)(d)
			d.Spec.Clusters[0].Outbound.Type = design.OutboundUserDefinedRouting
		}, want: []egWant{{path, finding.Info}}},
	})
}

func TestEgressKubenetSubnetShared(t *testing.T) {
	second := func(plugin design.NetworkPlugin, subnet string) func(d *design.Design) {
		return func(d *design.Design) {
			c2 := design.Cluster{
				Name: "aks2", Region: "westeurope", KubernetesVersion: "1.33", VNet: "spoke", Path: "spec.clusters[1]",
				Network: design.ClusterNetwork{Plugin: plugin},
				NodePools: []design.NodePool{{Name: "system", Mode: design.ModeSystem, Subnet: subnet, Count: egIntp(3),
					Path: "spec.clusters[1].nodePools[0]"}},
			}
			if plugin == design.PluginAzure {
				c2.Network.PluginMode = design.ModeOverlay
			}
			d.Spec.Clusters = append(d.Spec.Clusters, c2)
		}
	}
	nodes2 := func(rt string) func(d *design.Design) {
		return func(d *design.Design) {
			egAddSubnet(&d.Spec.VNets[0], design.Subnet{Name: "nodes2", RouteTable: rt,
				AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.1.16.0/20")}})
		}
	}
	sharedRT := func(d *design.Design) {
		egAddRouteTable(d, "rt")
		d.Spec.VNets[0].Subnets[0].RouteTable = "rt"
	}
	all := func(fs ...func(*design.Design)) func(*design.Design) {
		return func(d *design.Design) {
			for _, f := range fs {
				f(d)
			}
		}
	}
	egRunCases(t, kubenetSubnetShared, []egCase{
		{name: "two overlay clusters may share", edit: second(design.PluginAzure, "nodes")},
		{name: "two kubenet clusters in one subnet", edit: all(egKubenet, second(design.PluginKubenet, "nodes")),
			want: []egWant{{"spec.clusters[1].nodePools[0].subnet", finding.Error}}},
		{name: "kubenet and overlay in one subnet", edit: all(egKubenet, second(design.PluginAzure, "nodes")),
			want: []egWant{{"spec.clusters[1].nodePools[0].subnet", finding.Error}}},
		{name: "kubenet clusters sharing a route table", edit: all(egKubenet, sharedRT, nodes2("rt"), second(design.PluginKubenet, "nodes2")),
			want: []egWant{{egSubnet1 + ".routeTable", finding.Error}}},
		{name: "kubenet clusters with own subnets pass", edit: all(egKubenet, sharedRT, nodes2(""), second(design.PluginKubenet, "nodes2"))},
		{name: "one kubenet cluster over two subnets and one table passes", edit: all(egKubenet, sharedRT, nodes2("rt"), func(d *design.Design) {
			egAddPool(&d.Spec.Clusters[0], design.NodePool{Name: "user1", Subnet: "nodes2", Count: egIntp(2)})
		})},
	})
}

func TestEgressNodePoolsSpanVNets(t *testing.T) {
	hub := func(d *design.Design) {
		d.Spec.VNets = append(d.Spec.VNets, design.VNet{
			Name: "hub", Region: "westeurope", Path: "spec.vnets[1]",
			AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")},
			Subnets: []design.Subnet{{Name: "nodes", Purpose: design.PurposeNodes, Path: "spec.vnets[1].subnets[0]",
				AddressPrefixes: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/20")}}},
		})
	}
	egRunCases(t, nodePoolsSpanVNets, []egCase{
		{name: "one VNet passes", edit: hub},
		{name: "explicit reference to own VNet passes", edit: func(d *design.Design) {
			hub(d)
			d.Spec.Clusters[0].NodePools[0].Subnet = "spoke/nodes"
		}},
		{name: "pool in another VNet", edit: func(d *design.Design) {
			hub(d)
			egAddPool(&d.Spec.Clusters[0], design.NodePool{Name: "user1", Subnet: "hub/nodes", Count: egIntp(2)})
		}, want: []egWant{{egPool1 + ".subnet", finding.Error}}},
		{name: "pod subnet in another VNet", edit: func(d *design.Design) {
			hub(d)
			d.Spec.Clusters[0].NodePools[0].PodSubnet = "hub/nodes"
		}, want: []egWant{{egPool0 + ".podSubnet", finding.Error}}},
	})
}

func TestEgressRulesDocumented(t *testing.T) {
	for i, r := range egressRules {
		if i > 0 && egressRules[i-1].ID >= r.ID {
			t.Errorf("egressRules not sorted: %s before %s", egressRules[i-1].ID, r.ID)
		}
		if !strings.HasSuffix(r.Remediation, ".") || len(r.Sources) == 0 || len(r.Doc) < 200 {
			t.Errorf("rule %s: remediation, sources or doc incomplete", r.ID)
		}
	}
}
