package plan

import (
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
)

// baseReq is a small estate: one region with a hub firewall, one
// environment, one template with a System and a User pool.
func baseReq() *Requirements {
	return &Requirements{
		APIVersion: design.APIVersion, Kind: Kind, Metadata: design.Metadata{Name: "t"},
		Spec: Spec{
			Pools:        Pools{VNets: []netip.Prefix{netip.MustParsePrefix("10.10.0.0/16")}},
			Regions:      []Region{{Name: "westeurope", Hub: &Hub{Firewall: true}}},
			Environments: []string{"prod"},
			Clusters: []ClusterReq{{
				Name: "api",
				NodePools: []PoolReq{
					{Name: "system", Mode: design.ModeSystem, MinNodes: 3, MaxNodes: 5},
					{Name: "user", Mode: design.ModeUser, MinNodes: 2, MaxNodes: 20},
				},
			}},
		},
	}
}

func mustPlan(t *testing.T, r *Requirements) *Result {
	t.Helper()
	res, err := Plan(r, nil)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	checkDesign(t, t.Name(), r, res.Design)
	return res
}

func vnetOfCluster(d *design.Design, c *design.Cluster) *design.VNet { return d.VNetByName(c.VNet) }

func subnetOf(d *design.Design, c *design.Cluster, name string) *design.Subnet {
	v := vnetOfCluster(d, c)
	if v == nil {
		return nil
	}
	return v.SubnetByName(name)
}

func decision(res *Result, topic Topic) *Decision {
	for i := range res.Decisions {
		if res.Decisions[i].Topic == topic {
			return &res.Decisions[i]
		}
	}
	return nil
}

func TestDecisions(t *testing.T) {
	tests := []struct {
		name   string
		modify func(r *Requirements)
		check  func(t *testing.T, res *Result, d *design.Design, c *design.Cluster)
	}{
		{
			name:   "overlay with hub firewall egress",
			modify: func(r *Requirements) {},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.IPAM() != design.IPAMOverlay || c.Dataplane() != design.DataplaneCilium || c.Policy() != design.PolicyCilium {
					t.Errorf("got %s / %s / %s, want Overlay / cilium / cilium", c.IPAM(), c.Dataplane(), c.Policy())
				}
				if c.Outbound.Type != design.OutboundUserDefinedRouting {
					t.Errorf("got outbound %s, want userDefinedRouting", c.Outbound.Type)
				}
				s := subnetOf(d, c, subnetNodes)
				rt := d.RouteTableByName(s.RouteTable)
				fw := d.VNetByName(hubName("westeurope")).SubnetByName(subnetFirewall)
				want, _ := cidr.NthAddr(fw.AddressPrefixes[0], 4)
				if rt == nil || rt.Routes[0].NextHopIPAddress != want || rt.Routes[0].AddressPrefix != "0.0.0.0/0" || !rt.DisableBGPPropagation {
					t.Errorf("got route table %+v, want 0.0.0.0/0 to %s without BGP propagation", rt, want)
				}
				if got := decision(res, TopicCNI).Pattern; got != PatternGeneral {
					t.Errorf("got pattern %s, want A", got)
				}
				if len(d.Spec.Peerings) != 1 || d.Spec.Peerings[0].To != hubName("westeurope") {
					t.Errorf("got peerings %+v, want the spoke peered with the hub", d.Spec.Peerings)
				}
			},
		},
		{
			name: "private cluster with firewall is pattern C",
			modify: func(r *Requirements) {
				r.Spec.Clusters[0].PrivateCluster = true
				r.Spec.Clusters[0].EgressInspection = true
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if !c.APIServer.Private || c.APIServer.PrivateDNSZone != "system" {
					t.Errorf("got API server %+v, want private with the system zone", c.APIServer)
				}
				if got := decision(res, TopicOutbound).Pattern; got != PatternRestricted {
					t.Errorf("got pattern %s, want C", got)
				}
				if !c.Requirements.EgressInspection {
					t.Error("egress inspection requirement not carried into the design")
				}
			},
		},
		{
			name:   "no hub: NAT gateway",
			modify: func(r *Requirements) { r.Spec.Regions[0].Hub = nil },
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.Outbound.Type != design.OutboundUserAssignedNATGateway {
					t.Fatalf("got outbound %s, want userAssignedNATGateway", c.Outbound.Type)
				}
				ng := d.NATGatewayByName(subnetOf(d, c, subnetNodes).NATGateway)
				if ng == nil || ng.SKU != design.NATStandard || ng.PublicIPs < 1 {
					t.Errorf("got NAT gateway %+v, want a Standard gateway with public IPs on the node subnet", ng)
				}
				if len(d.Spec.Peerings) != 0 {
					t.Errorf("got peerings %+v without a hub", d.Spec.Peerings)
				}
				found := false
				for _, df := range res.Defaults {
					if strings.HasSuffix(df.Path, ".egress") && strings.Contains(df.Value, "natGateway") {
						found = true
					}
				}
				if !found {
					t.Errorf("egress default not recorded: %+v", res.Defaults)
				}
			},
		},
		{
			name: "load balancer egress covers nodes with surge",
			modify: func(r *Requirements) {
				r.Spec.Clusters[0].Egress = EgressLoadBalancer
				r.Spec.Clusters[0].NodePools[1].MaxNodes = 600
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				lb := c.Outbound.LoadBalancer
				if c.Outbound.Type != design.OutboundLoadBalancer || lb == nil {
					t.Fatalf("got outbound %+v, want loadBalancer with a profile", c.Outbound)
				}
				if lb.OutboundIPs < 2 || lb.AllocatedOutboundPorts%8 != 0 || 64000*lb.OutboundIPs/lb.AllocatedOutboundPorts < 605*2 {
					t.Errorf("got %d IPs × %d ports, want at least 2 IPs covering the grown pools", lb.OutboundIPs, lb.AllocatedOutboundPorts)
				}
			},
		},
		{
			name: "windows pool: azure dataplane with Calico",
			modify: func(r *Requirements) {
				r.Spec.Clusters[0].NodePools = append(r.Spec.Clusters[0].NodePools, PoolReq{Name: "win", Mode: design.ModeUser, OS: design.OSWindows, MaxNodes: 4})
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.Dataplane() != design.DataplaneAzure || c.Policy() != design.PolicyCalico {
					t.Errorf("got %s / %s, want azure / calico", c.Dataplane(), c.Policy())
				}
				if mp := *c.NodePools[2].MaxPods; mp != maxPodsWindows {
					t.Errorf("got Windows maxPods %d, want %d", mp, maxPodsWindows)
				}
				if !strings.Contains(decision(res, TopicPolicy).Reason, "2026-09-30") {
					t.Errorf("policy reason does not explain NPM's Windows retirement: %s", decision(res, TopicPolicy).Reason)
				}
			},
		},
		{
			name: "windows pool without policy: no engine",
			modify: func(r *Requirements) {
				f := false
				r.Spec.Clusters[0].NetworkPolicy = &f
				r.Spec.Clusters[0].NodePools = append(r.Spec.Clusters[0].NodePools, PoolReq{Name: "win", Mode: design.ModeUser, OS: design.OSWindows, MaxNodes: 4})
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.Policy() != design.PolicyNone {
					t.Errorf("got policy %s, want none", c.Policy())
				}
			},
		},
		{
			name: "routable pods, small: dynamic pod subnet",
			modify: func(r *Requirements) {
				r.Spec.Clusters[0].PodIPsRoutable = true
				r.Spec.Clusters[0].PodIPsRoutableReason = "the mainframe connects to pods"
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.IPAM() != design.IPAMPodSubnetDynamic {
					t.Errorf("got %s, want dynamic pod subnet", c.IPAM())
				}
				if subnetOf(d, c, subnetPods) == nil || c.NodePools[0].PodSubnet != subnetPods {
					t.Error("no pod subnet")
				}
				if len(c.Network.PodCIDRs) != 0 {
					t.Errorf("got pod CIDRs %v with a pod subnet", c.Network.PodCIDRs)
				}
				if mp := *c.NodePools[1].MaxPods; mp != maxPodsPodSubnet {
					t.Errorf("got maxPods %d, want %d", mp, maxPodsPodSubnet)
				}
				if got := decision(res, TopicCNI); got.Pattern != PatternFlat || !strings.Contains(got.Reason, "mainframe") {
					t.Errorf("got %+v, want pattern B quoting the reason", got)
				}
				if rt := subnetOf(d, c, subnetPods).RouteTable; rt == "" {
					t.Error("pod subnet has no route table to the firewall")
				}
			},
		},
		{
			name: "routable pods, large: static block",
			modify: func(r *Requirements) {
				r.Spec.Pools.VNets = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/10")}
				r.Spec.Clusters[0].PodIPsRoutable = true
				r.Spec.Clusters[0].NodePools[1].MaxNodes = 400
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.IPAM() != design.IPAMPodSubnetStatic {
					t.Errorf("got %s, want static block", c.IPAM())
				}
				if b := subnetOf(d, c, subnetPods).AddressPrefixes[0].Bits(); b > 16 {
					t.Errorf("got a /%d pod subnet, want /16 or larger", b)
				}
			},
		},
		{
			name: "dual-stack overlay behind a NAT gateway",
			modify: func(r *Requirements) {
				r.Spec.Regions[0].Hub = nil
				r.Spec.Pools.VNetsIPv6 = []netip.Prefix{netip.MustParsePrefix("fd00:10::/48")}
				r.Spec.Clusters[0].DualStack = true
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if !slices.Equal(c.Network.IPFamilies, []design.IPFamily{design.IPv4, design.IPv6}) {
					t.Errorf("got families %v", c.Network.IPFamilies)
				}
				if len(c.Network.PodCIDRs) != 2 || c.Network.PodCIDRs[1].Bits() != 64 || len(c.Network.ServiceCIDRs) != 2 || c.Network.ServiceCIDRs[1].Bits() != 108 {
					t.Errorf("got pods %v, services %v; want an IPv6 /64 and /108", c.Network.PodCIDRs, c.Network.ServiceCIDRs)
				}
				s := subnetOf(d, c, subnetNodes)
				if len(s.AddressPrefixes) != 2 || s.AddressPrefixes[1].Bits() != 64 {
					t.Errorf("got node subnet %v, want an IPv6 /64 too", s.AddressPrefixes)
				}
				ng := d.NATGatewayByName(s.NATGateway)
				if ng.SKU != design.NATStandardV2 || ng.PublicIPv6s == 0 {
					t.Errorf("got NAT gateway %+v, want StandardV2 with IPv6 addresses", ng)
				}
			},
		},
		{
			name: "dual-stack routable: static block",
			modify: func(r *Requirements) {
				r.Spec.Pools.VNetsIPv6 = []netip.Prefix{netip.MustParsePrefix("fd00:10::/48")}
				r.Spec.Clusters[0].DualStack = true
				r.Spec.Clusters[0].PodIPsRoutable = true
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				if c.IPAM() != design.IPAMPodSubnetStatic {
					t.Errorf("got %s, want static block", c.IPAM())
				}
				rt := d.RouteTableByName(subnetOf(d, c, subnetNodes).RouteTable)
				if len(rt.Routes) != 2 || rt.Routes[1].AddressPrefix != "::/0" || rt.Routes[1].NextHopType != design.NextHopNone {
					t.Errorf("got routes %+v, want uninspected IPv6 egress dropped", rt.Routes)
				}
			},
		},
		{
			name: "ingress subnets",
			modify: func(r *Requirements) {
				r.Spec.Clusters[0].Ingress = []IngressReq{
					{Name: "web", Kind: design.IngressAppGateway, Exposure: design.ExposurePublic},
					{Name: "web2", Kind: design.IngressAppGateway},
					{Name: "agc", Kind: design.IngressAppGatewayForContainers},
					{Name: "admin", Kind: design.IngressInternalLoadBalancer},
					{Name: "pub", Kind: design.IngressAppRouting, Exposure: design.ExposurePublic},
				}
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				for _, w := range []struct {
					name    string
					bits    int
					deleg   string
					purpose design.SubnetPurpose
				}{
					{subnetAppGW, 23, "", design.PurposeAppGateway},
					{subnetAGC, 24, delegationAGC, design.PurposeAppGatewayForContainers},
					{subnetIngress, 27, "", design.PurposeIngress},
				} {
					s := subnetOf(d, c, w.name)
					if s == nil || s.AddressPrefixes[0].Bits() != w.bits || s.Delegation != w.deleg || s.Purpose != w.purpose {
						t.Errorf("got %s %+v, want a /%d %s delegated to %q", w.name, s, w.bits, w.purpose, w.deleg)
					}
				}
				if c.Ingress[1].Exposure != design.ExposureInternal || c.Ingress[2].Exposure != design.ExposurePublic {
					t.Errorf("got exposures %s and %s, want the defaults internal and public", c.Ingress[1].Exposure, c.Ingress[2].Exposure)
				}
				if c.Ingress[4].Subnet != "" {
					t.Errorf("public app routing got subnet %q", c.Ingress[4].Subnet)
				}
			},
		},
		{
			name: "API server VNet integration and private endpoints",
			modify: func(r *Requirements) {
				r.Spec.Clusters[0].APIServerVNetIntegration = true
				r.Spec.Clusters[0].PrivateEndpoints = []EndpointReq{{Service: "keyVault"}, {Service: "azureMonitor", Count: 2}}
			},
			check: func(t *testing.T, res *Result, d *design.Design, c *design.Cluster) {
				s := subnetOf(d, c, subnetAPIServer)
				if s == nil || s.AddressPrefixes[0].Bits() != 28 || s.Delegation != delegationAPIServer {
					t.Errorf("got API server subnet %+v, want a delegated /28", s)
				}
				if len(d.Spec.PrivateDNSZones) != 6 {
					t.Errorf("got %d zones, want 6 (Key Vault and five for Azure Monitor)", len(d.Spec.PrivateDNSZones))
				}
				for _, z := range d.Spec.PrivateDNSZones {
					if !slices.Contains(z.Links, c.VNet) || !slices.Contains(z.Links, hubName("westeurope")) {
						t.Errorf("zone %s links %v, want the spoke and the hub", z.Name, z.Links)
					}
				}
				if pe := subnetOf(d, c, subnetPE); pe == nil || pe.AddressPrefixes[0].Bits() != 27 {
					t.Errorf("got endpoint subnet %+v, want a /27", pe)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseReq()
			tt.modify(r)
			res := mustPlan(t, r)
			d := res.Design
			if len(d.Spec.Clusters) != 1 {
				t.Fatalf("got %d clusters, want 1", len(d.Spec.Clusters))
			}
			c := &d.Spec.Clusters[0]
			if c.Name != "aks-api-prod-westeurope" || c.VNet != "vnet-aks-api-prod-westeurope" {
				t.Errorf("got cluster %s in %s", c.Name, c.VNet)
			}
			for _, topic := range []Topic{TopicCNI, TopicDataplane, TopicPolicy, TopicOutbound, TopicAPIServer, TopicAddressing} {
				if dd := decision(res, topic); dd == nil || dd.Reason == "" || dd.Choice == "" || dd.Pattern == "" {
					t.Errorf("decision %s missing or incomplete: %+v", topic, dd)
				}
			}
			tt.check(t, res, d, c)
		})
	}
}

func TestSizing(t *testing.T) {
	// 5 + 20 nodes; surge 33%: 2 + 7; growth 1.5: 8 + 30 nodes, surge 3 + 10,
	// headroom 10%: 1 + 3. Node subnet at growth: 8+3+1 + 30+10+3 = 55, a /26
	// (59 usable). Pod CIDR: the same 55 nodes, a /18 (64 /24s).
	res := mustPlan(t, baseReq())
	d := res.Design
	c := &d.Spec.Clusters[0]
	if got := subnetOf(d, c, subnetNodes).AddressPrefixes[0].Bits(); got != 26 {
		t.Errorf("got a /%d node subnet, want /26", got)
	}
	if got := c.Network.PodCIDRs[0].Bits(); got != 18 {
		t.Errorf("got a /%d pod CIDR, want /18", got)
	}
	if got := c.Network.ServiceCIDRs[0].Bits(); got != 22 {
		t.Errorf("got a /%d Service CIDR for 500 Services, want /22", got)
	}
	if want, _ := cidr.NthAddr(c.Network.ServiceCIDRs[0], 10); c.Network.DNSServiceIP != want {
		t.Errorf("got DNS service IP %s, want %s", c.Network.DNSServiceIP, want)
	}
	// Spoke: /26 nodes + /27 endpoints = 96 addresses, a /25.
	if got := d.VNetByName(c.VNet).AddressSpace[0].Bits(); got != 25 {
		t.Errorf("got a /%d spoke, want /25", got)
	}
	for _, w := range []struct{ services, bits int }{{0, 24}, {200, 24}, {210, 24}, {211, 23}, {500, 22}, {436_903, 13}} {
		b, ok := serviceBits(w.services)
		if !ok || b != w.bits {
			t.Errorf("serviceBits(%d) = /%d %v, want /%d", w.services, b, ok, w.bits)
		}
	}
	if _, ok := serviceBits(436_904); ok {
		t.Error("serviceBits(436,904) fits, want too large for a /13")
	}
}

func TestDefaultsAdapt(t *testing.T) {
	r := baseReq()
	r.Spec.Pools.VNets = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/12")}
	r.Spec.Pools.Pods = []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("172.16.0.0/12")}
	r.Spec.Clusters[0].NodePools[1].MaxNodes = 900
	r.Spec.Clusters[0].NodePools = append(r.Spec.Clusters[0].NodePools, PoolReq{Name: "more", MaxNodes: 400})
	res := mustPlan(t, r)
	c := &res.Design.Spec.Clusters[0]
	if got := c.NodePools[1].MaxSurge; got != "100" {
		t.Errorf("got maxSurge %q for a 900-node pool, want 100 (33%% would exceed 1,000 instances)", got)
	}
	// 1,305 nodes × 250 pods exceed 200,000: default maxPods drops to 153.
	if got := *c.NodePools[1].MaxPods; got != 153 {
		t.Errorf("got maxPods %d, want 153", got)
	}
	if c.NodePools[2].Mode != design.ModeUser || c.NodePools[0].Mode != design.ModeSystem {
		t.Errorf("got modes %s/%s", c.NodePools[0].Mode, c.NodePools[2].Mode)
	}
	paths := map[string]bool{}
	for _, df := range res.Defaults {
		paths[df.Path] = true
		if df.Reason == "" || df.Value == "" {
			t.Errorf("default %+v has no value or reason", df)
		}
	}
	for _, p := range []string{"spec.planning.growthFactor", "spec.planning.maxSurge", "spec.planning.futureClusters",
		"spec.pools.pods", "spec.clusters[0].kubernetesVersion", "spec.clusters[0].networkPolicy",
		"spec.clusters[0].expectedServices", "spec.clusters[0].nodePools[1].maxSurge", "spec.clusters[0].nodePools[2].mode",
		"spec.clusters[0].nodePools[1].maxPods"} {
		if !paths[p] && !(p == "spec.pools.pods") {
			t.Errorf("no default recorded at %s", p)
		}
	}
}

func TestSystemPoolDefaults(t *testing.T) {
	r := baseReq()
	r.Spec.Clusters[0].NodePools = []PoolReq{{Name: "first", MaxNodes: 2}, {Name: "second", MaxNodes: 5}}
	res := mustPlan(t, r)
	c := &res.Design.Spec.Clusters[0]
	if c.NodePools[0].Mode != design.ModeSystem || c.NodePools[0].MinNodes() != 2 || c.NodePools[1].Mode != design.ModeUser {
		t.Errorf("got pools %+v, want the first one System with 2 nodes", c.NodePools)
	}
}

func TestDeterministic(t *testing.T) {
	for seed := range 20 {
		g := &gen{r: newRand(seed)}
		r := g.requirements()
		a, errA := Plan(r, nil)
		b, errB := Plan(r, nil)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("seed %d: errors differ: %v / %v", seed, errA, errB)
		}
		if errA != nil {
			if errA.Error() != errB.Error() {
				t.Errorf("seed %d: errors differ: %v / %v", seed, errA, errB)
			}
			continue
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("seed %d: two plans of the same requirements differ:\n%s", seed, diffDesigns(a.Design, b.Design))
		}
	}
}

func TestReservations(t *testing.T) {
	r := baseReq()
	two := 2
	r.Spec.Planning.FutureClusters = &two
	r.Spec.Environments = []string{"prod", "dev"}
	r.Spec.Clusters[0].Environments = []string{"prod"}
	res := mustPlan(t, r)
	var names []string
	for _, e := range res.Design.Spec.ExternalRanges {
		if e.Kind == design.RangeReserved && e.Owner == FutureOwner {
			names = append(names, e.Name)
			if len(e.CIDRs) != 2 {
				t.Errorf("reservation %s has %v, want a VNet block and a pod block", e.Name, e.CIDRs)
			}
		}
	}
	want := []string{"future-westeurope-prod-1", "future-westeurope-prod-2", "future-westeurope-dev-1", "future-westeurope-dev-2"}
	if !slices.Equal(names, want) {
		t.Errorf("got reservations %v, want %v", names, want)
	}
	if len(res.Reservations) != 8 || res.Design.Spec.Planning.FutureClusters != 4 {
		t.Errorf("got %d reservation ranges and futureClusters %d, want 8 and 4", len(res.Reservations), res.Design.Spec.Planning.FutureClusters)
	}
	zero := 0
	r.Spec.Planning.FutureClusters = &zero
	if res := mustPlan(t, r); len(res.Reservations) != 0 {
		t.Errorf("got %d reservations with futureClusters 0", len(res.Reservations))
	}
}

func TestStability(t *testing.T) {
	r := baseReq()
	first := mustPlan(t, r)
	again, err := Plan(r, first.Design)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Design, first.Design) {
		t.Errorf("replanning changed the design:\n%s", diffDesigns(first.Design, again.Design))
	}
	// A second template moves into the reservation, and nothing else moves.
	grown := baseReq()
	grown.Spec.Clusters = append(grown.Spec.Clusters, ClusterReq{Name: "web", NodePools: []PoolReq{{Name: "system", MaxNodes: 3}}})
	next, err := Plan(grown, first.Design)
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, "grown", grown, next.Design)
	old := first.Design.ExternalRangeByName("future-westeurope-prod-1").CIDRs[0]
	web := next.Design.VNetByName("vnet-aks-web-prod-westeurope").AddressSpace[0]
	if !cidr.Contains(old, web) {
		t.Errorf("the new cluster's spoke %s is not in the reservation %s it should move into", web, old)
	}
	if e := next.Design.ExternalRangeByName("future-westeurope-prod-2"); e == nil {
		t.Error("no new reservation replaces the consumed one")
	}
	api := func(d *design.Design) *design.VNet { return d.VNetByName("vnet-aks-api-prod-westeurope") }
	if !reflect.DeepEqual(api(first.Design), api(next.Design)) {
		t.Errorf("adding a template changed the first cluster's VNet: %+v / %+v", api(first.Design), api(next.Design))
	}
}

func TestPreviousTooSmall(t *testing.T) {
	r := baseReq()
	first := mustPlan(t, r)
	// Twice the nodes: the kept node subnet fits max nodes with surge but
	// not the planned growth: a warning.
	r.Spec.Clusters[0].NodePools[1].MaxNodes = 30
	res, err := Plan(r, first.Design)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0].Message, "planned headroom and growth") {
		t.Errorf("got warnings %+v, want one about the node subnet's growth room", res.Warnings)
	}
	// Far more nodes: an error naming the subnet.
	r.Spec.Clusters[0].NodePools[1].MaxNodes = 200
	_, err = Plan(r, first.Design)
	var pe *PreviousError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want a *PreviousError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "subnet/vnet-aks-api-prod-westeurope/snet-nodes") || !strings.Contains(msg, "never moves a deployed range") {
		t.Errorf("error does not name the subnet and the way out: %s", msg)
	}
}

func TestPreviousOverlapsNewAvoid(t *testing.T) {
	r := baseReq()
	first := mustPlan(t, r)
	spoke := first.Design.VNetByName("vnet-aks-api-prod-westeurope").AddressSpace[0]
	r.Spec.Avoid = []design.ExternalRange{{Name: "new-branch", Kind: design.RangeOnPrem, CIDRs: []netip.Prefix{spoke}}}
	_, err := Plan(r, first.Design)
	var pe *PreviousError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), spoke.String()) {
		t.Fatalf("got %v, want a *PreviousError naming %s", err, spoke)
	}
}

func TestPreviousModeChange(t *testing.T) {
	r := baseReq()
	first := mustPlan(t, r)
	r.Spec.Clusters[0].PodIPsRoutable = true
	res, err := Plan(r, first.Design)
	if err != nil {
		t.Fatal(err)
	}
	checkDesign(t, "mode change", r, res.Design)
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[len(res.Warnings)-1].Message, "pattern D") {
		t.Errorf("got warnings %+v, want the mode change reported", res.Warnings)
	}
	// The spoke grew an extension for the pod subnet; the first address
	// space is kept.
	v := res.Design.VNetByName("vnet-aks-api-prod-westeurope")
	if v.AddressSpace[0] != first.Design.VNetByName(v.Name).AddressSpace[0] || len(v.AddressSpace) < 2 {
		t.Errorf("got address spaces %v, want the kept one plus an extension", v.AddressSpace)
	}
}

func TestSpaceError(t *testing.T) {
	r := baseReq()
	r.Spec.Regions[0].Hub = nil
	r.Spec.Pools.VNets = []netip.Prefix{netip.MustParsePrefix("10.10.0.0/26")}
	_, err := Plan(r, nil)
	var se *SpaceError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *SpaceError", err)
	}
	want := "pool vnets [10.10.0.0/26] has no free /25 (128 addresses) for spoke VNet vnet-aks-api-prod-westeurope: " +
		"64 addresses are free, the largest free block is 10.10.0.0/26"
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err.Error(), want)
	}
	// The spoke fits beside the avoided range; the reservation does not.
	r.Spec.Pools.VNets = []netip.Prefix{netip.MustParsePrefix("10.10.0.0/24")}
	r.Spec.Avoid = []design.ExternalRange{{Name: "x", Kind: design.RangeOther, CIDRs: []netip.Prefix{netip.MustParsePrefix("10.10.0.64/26")}}}
	_, err = Plan(r, nil)
	if !errors.As(err, &se) || se.Largest != netip.MustParsePrefix("10.10.0.0/26") || se.FreeAddresses != 64 ||
		se.For != "room for a future cluster (future-westeurope-prod-1)" || se.Bits != 25 || se.Addresses != 128 {
		t.Errorf("got %v, want no room for the reservation's /25 with 64 addresses free", err)
	}
	// An exhausted pool says so.
	r.Spec.Avoid[0].CIDRs = []netip.Prefix{netip.MustParsePrefix("10.10.0.0/24")}
	if _, err = Plan(r, nil); !errors.As(err, &se) || !strings.HasSuffix(err.Error(), "0 addresses are free, the largest free block is none") {
		t.Errorf("got %v, want an exhausted pool", err)
	}
}

func TestPoolUsage(t *testing.T) {
	r := baseReq()
	r.Spec.Avoid = []design.ExternalRange{{Name: "dc", Kind: design.RangeOnPrem, CIDRs: []netip.Prefix{netip.MustParsePrefix("10.10.0.0/24")}}}
	res := mustPlan(t, r)
	if len(res.Pools) != 2 || res.Pools[0].Pool != "vnets" || res.Pools[1].Pool != "pods" {
		t.Fatalf("got pools %+v, want vnets and pods (services share the pod pool)", res.Pools)
	}
	for _, u := range res.Pools {
		var total uint64
		var ps []netip.Prefix
		for _, a := range u.Allocated {
			ps = append(ps, a.Prefix)
		}
		ps = append(append(ps, u.Avoided...), u.Free...)
		for _, p := range cidr.Merge(ps) {
			if cidr.Contains(u.Prefix, p) {
				total += cidr.Addresses(p)
			}
		}
		var free uint64
		for _, f := range u.Free {
			free += cidr.Addresses(f)
		}
		if total != cidr.Addresses(u.Prefix) || free == 0 {
			t.Errorf("pool %s %s: allocated, avoided and free cover %d of %d addresses", u.Pool, u.Prefix, total, cidr.Addresses(u.Prefix))
		}
	}
	if !slices.Contains(res.Pools[0].Avoided, netip.MustParsePrefix("10.10.0.0/24")) {
		t.Errorf("avoided range missing from %+v", res.Pools[0].Avoided)
	}
}
