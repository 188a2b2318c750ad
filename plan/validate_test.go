package plan

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
)

func TestValidateAccepts(t *testing.T) {
	if probs := Validate(baseReq()); len(probs) != 0 {
		t.Errorf("got problems %+v for valid requirements", probs)
	}
}

func TestValidate(t *testing.T) {
	pfx := netip.MustParsePrefix
	pool := func(r *Requirements) *PoolReq { return &r.Spec.Clusters[0].NodePools[1] }
	tests := []struct {
		name   string
		modify func(r *Requirements)
		path   string
		msg    string
	}{
		{"no VNet pool", func(r *Requirements) { r.Spec.Pools.VNets = nil }, "spec.pools.vnets", "pool vnets is empty"},
		{"IPv6 in VNet pool", func(r *Requirements) { r.Spec.Pools.VNets = []netip.Prefix{pfx("fd00::/48")} }, "spec.pools.vnets[0]", "not IPv4"},
		{"host bits", func(r *Requirements) { r.Spec.Pools.VNets = []netip.Prefix{pfx("10.10.0.1/16")} }, "spec.pools.vnets[0]", "host bits"},
		{"overlapping pool prefixes", func(r *Requirements) {
			r.Spec.Pools.VNets = append(r.Spec.Pools.VNets, pfx("10.10.4.0/24"))
		}, "spec.pools.vnets[1]", "overlaps 10.10.0.0/16"},
		{"public pod pool", func(r *Requirements) { r.Spec.Pools.Pods = []netip.Prefix{pfx("20.0.0.0/12")} }, "spec.pools.pods[0]", "outside private address space"},
		{"IPv4 in IPv6 pool", func(r *Requirements) { r.Spec.Pools.PodsIPv6 = []netip.Prefix{pfx("10.0.0.0/8")} }, "spec.pools.podsIPv6[0]", "not IPv6"},
		{"small IPv6 service pool", func(r *Requirements) { r.Spec.Pools.ServicesIPv6 = []netip.Prefix{pfx("fd00::/112")} }, "spec.pools.servicesIPv6[0]", "smaller than the /108"},
		{"bad planning surge", func(r *Requirements) { r.Spec.Planning.MaxSurge = "150%" }, "spec.planning.maxSurge", "above 100%"},
		{"zero surge", func(r *Requirements) { r.Spec.Planning.MaxSurge = "0" }, "spec.planning.maxSurge", "cannot proceed"},
		{"shrinking growth", func(r *Requirements) { r.Spec.Planning.GrowthFactor = 0.5 }, "spec.planning.growthFactor", "shrink"},
		{"blue/green", func(r *Requirements) { r.Spec.Planning.BlueGreenOverlapPercent = 101 }, "spec.planning.blueGreenOverlapPercent", "out of range"},
		{"future clusters", func(r *Requirements) { n := -1; r.Spec.Planning.FutureClusters = &n }, "spec.planning.futureClusters", "not plausible"},
		{"no regions", func(r *Requirements) { r.Spec.Regions = nil }, "spec.regions", "no regions"},
		{"region name", func(r *Requirements) { r.Spec.Regions[0].Name = "West Europe" }, "spec.regions[0].name", "not an Azure region name"},
		{"duplicate region", func(r *Requirements) { r.Spec.Regions = append(r.Spec.Regions, Region{Name: "westeurope"}) }, "spec.regions[1].name", "listed twice"},
		{"unknown DR pair", func(r *Requirements) { r.Spec.Regions[0].DRPair = "eastasia" }, "spec.regions[0].drPair", "not a region of the estate"},
		{"self DR pair", func(r *Requirements) { r.Spec.Regions[0].DRPair = "westeurope" }, "spec.regions[0].drPair", "its own DR pair"},
		{"no environments", func(r *Requirements) { r.Spec.Environments = nil }, "spec.environments", "no environments"},
		{"environment name", func(r *Requirements) { r.Spec.Environments = []string{"Prod"} }, "spec.environments[0]", "cannot be part of a cluster name"},
		{"duplicate environment", func(r *Requirements) { r.Spec.Environments = []string{"prod", "prod"} }, "spec.environments[1]", "listed twice"},
		{"avoid without name", func(r *Requirements) {
			r.Spec.Avoid = []design.ExternalRange{{Kind: design.RangeOnPrem, CIDRs: []netip.Prefix{pfx("10.0.0.0/8")}}}
		}, "spec.avoid[0].name", "has no name"},
		{"avoid named like a planned VNet", func(r *Requirements) {
			r.Spec.Avoid = []design.ExternalRange{{Name: "vnet-hub-westeurope", Kind: design.RangeOnPrem, CIDRs: []netip.Prefix{pfx("10.0.0.0/8")}}}
		}, "spec.avoid[0].name", "VNet the planner creates"},
		{"avoid named future-", func(r *Requirements) {
			r.Spec.Avoid = []design.ExternalRange{{Name: "future-x", Kind: design.RangeOnPrem, CIDRs: []netip.Prefix{pfx("10.0.0.0/8")}}}
		}, "spec.avoid[0].name", "starts with future-"},
		{"avoid without CIDRs", func(r *Requirements) {
			r.Spec.Avoid = []design.ExternalRange{{Name: "dc", Kind: design.RangeOnPrem}}
		}, "spec.avoid[0].cidrs", "no CIDRs"},
		{"no templates", func(r *Requirements) { r.Spec.Clusters = nil }, "spec.clusters", "no cluster templates"},
		{"duplicate template", func(r *Requirements) { r.Spec.Clusters = append(r.Spec.Clusters, r.Spec.Clusters[0]) }, "spec.clusters[1].name", "defined twice"},
		{"template name", func(r *Requirements) { r.Spec.Clusters[0].Name = "API" }, "spec.clusters[0].name", "cannot be part of a cluster name"},
		{"long cluster name", func(r *Requirements) { r.Spec.Clusters[0].Name = strings.Repeat("a", 40) }, "spec.clusters[0].name", "within Azure's 63"},
		{"unknown region", func(r *Requirements) { r.Spec.Clusters[0].Regions = []string{"eastasia"} }, "spec.clusters[0].regions[0]", "not a region of the estate"},
		{"unknown environment", func(r *Requirements) { r.Spec.Clusters[0].Environments = []string{"dev"} }, "spec.clusters[0].environments[0]", "not an environment"},
		{"old version", func(r *Requirements) { r.Spec.Clusters[0].KubernetesVersion = "1.29" }, "spec.clusters[0].kubernetesVersion", "older than 1.30"},
		{"bad version", func(r *Requirements) { r.Spec.Clusters[0].KubernetesVersion = "latest" }, "spec.clusters[0].kubernetesVersion", "does not parse"},
		{"too many Services", func(r *Requirements) { r.Spec.Clusters[0].ExpectedServices = 500_000 }, "spec.clusters[0].expectedServices", "larger than /13"},
		{"sensitive namespaces without policy", func(r *Requirements) {
			f := false
			r.Spec.Clusters[0].NetworkPolicy = &f
			r.Spec.Clusters[0].SensitiveNamespaces = []string{"payments"}
		}, "spec.clusters[0].networkPolicy", "default-deny"},
		{"namespace name", func(r *Requirements) { r.Spec.Clusters[0].SensitiveNamespaces = []string{"Payments"} }, "spec.clusters[0].sensitiveNamespaces[0]", "not a namespace name"},
		{"no pools", func(r *Requirements) { r.Spec.Clusters[0].NodePools = nil }, "spec.clusters[0].nodePools", "no node pools"},
		{"no System pool", func(r *Requirements) { r.Spec.Clusters[0].NodePools[0].Mode = design.ModeUser }, "spec.clusters[0].nodePools", "no System pool"},
		{"Windows System pool", func(r *Requirements) {
			r.Spec.Clusters[0].NodePools[0].OS = design.OSWindows
			r.Spec.Clusters[0].NodePools[0].Name = "sys"
		}, "spec.clusters[0].nodePools[0].mode", "must run Linux"},
		{"pool name", func(r *Requirements) { pool(r).Name = "User-1" }, "spec.clusters[0].nodePools[1].name", "not a valid AKS pool name"},
		{"Windows pool name", func(r *Requirements) { pool(r).OS = design.OSWindows; pool(r).Name = "windows" }, "spec.clusters[0].nodePools[1].name", "at most 6"},
		{"duplicate pool", func(r *Requirements) { pool(r).Name = "system" }, "spec.clusters[0].nodePools[1].name", "defined twice"},
		{"Windows 2019", func(r *Requirements) { pool(r).OSSKU = design.SKUWindows2019; pool(r).Name = "win" }, "spec.clusters[0].nodePools[1].osSku", "unsupported since 2026-03-01"},
		{"Linux with Windows SKU", func(r *Requirements) {
			pool(r).OS = design.OSLinux
			pool(r).OSSKU = design.SKUWindows2022
			pool(r).Name = "win"
		}, "spec.clusters[0].nodePools[1].osSku", "os Linux but a Windows osSku"},
		{"Windows 2022 on 1.37", func(r *Requirements) {
			r.Spec.Clusters[0].KubernetesVersion = "1.37"
			pool(r).OSSKU = design.SKUWindows2022
			pool(r).Name = "win"
		}, "spec.clusters[0].nodePools[1].osSku", "1.37"},
		{"unknown mode", func(r *Requirements) { pool(r).Mode = "user" }, "spec.clusters[0].nodePools[1].mode", "not known"},
		{"unknown OS", func(r *Requirements) { pool(r).OS = "linux" }, "spec.clusters[0].nodePools[1].os", "not known"},
		{"unknown ingress kind", func(r *Requirements) {
			r.Spec.Clusters[0].Ingress = []IngressReq{{Name: "x", Kind: "nginx"}}
		}, "spec.clusters[0].ingress[0].kind", "not known"},
		{"max nodes", func(r *Requirements) { pool(r).MaxNodes = 1001 }, "spec.clusters[0].nodePools[1].maxNodes", "out of range"},
		{"min above max", func(r *Requirements) { pool(r).MinNodes = 21 }, "spec.clusters[0].nodePools[1].minNodes", "not between 0 and maxNodes"},
		{"max pods", func(r *Requirements) { n := 5; pool(r).MaxPods = &n }, "spec.clusters[0].nodePools[1].maxPods", "out of range"},
		{"pool pod capacity", func(r *Requirements) { n := 10; pool(r).MaxPods = &n; pool(r).MinNodes = 2 }, "spec.clusters[0].nodePools[1].maxPods", "at least 30"},
		{"pool surge beyond 1,000", func(r *Requirements) { pool(r).MaxNodes = 900; pool(r).MaxSurge = "20%" }, "spec.clusters[0].nodePools[1].maxSurge", "above the 1,000"},
		{"pool of 1,000", func(r *Requirements) { pool(r).MaxNodes = 1000 }, "spec.clusters[0].nodePools[1].maxNodes", "never be upgraded"},
		{"cluster beyond 5,000", func(r *Requirements) {
			for i := range 6 {
				r.Spec.Clusters[0].NodePools = append(r.Spec.Clusters[0].NodePools, PoolReq{Name: "big" + strconv.Itoa(i), MaxNodes: 900})
			}
		}, "spec.clusters[0].nodePools", "at most 5000 per cluster"},
		{"cluster beyond 5,000 with surge", func(r *Requirements) {
			for i := range 5 {
				r.Spec.Clusters[0].NodePools = append(r.Spec.Clusters[0].NodePools, PoolReq{Name: "big" + strconv.Itoa(i), MaxNodes: 900})
			}
		}, "spec.clusters[0].nodePools", "during an upgrade"},
		{"Windows and dual-stack", func(r *Requirements) {
			r.Spec.Pools.VNetsIPv6 = []netip.Prefix{pfx("fd00::/48")}
			r.Spec.Clusters[0].DualStack = true
			pool(r).OS = design.OSWindows
			pool(r).Name = "win"
		}, "spec.clusters[0].nodePools[1]", "dual-stack"},
		{"dual-stack without IPv6 pool", func(r *Requirements) { r.Spec.Clusters[0].DualStack = true }, "spec.clusters[0].dualStack", "IPv6 VNet pool"},
		{"unknown endpoint service", func(r *Requirements) {
			r.Spec.Clusters[0].PrivateEndpoints = []EndpointReq{{Service: "mysql"}}
		}, "spec.clusters[0].privateEndpoints[0].service", "not known"},
		{"duplicate endpoint service", func(r *Requirements) {
			r.Spec.Clusters[0].PrivateEndpoints = []EndpointReq{{Service: "keyVault"}, {Service: "keyVault"}}
		}, "spec.clusters[0].privateEndpoints[1].service", "listed twice"},
		{"internal AGC", func(r *Requirements) {
			r.Spec.Clusters[0].Ingress = []IngressReq{{Name: "x", Kind: design.IngressAppGatewayForContainers, Exposure: design.ExposureInternal}}
		}, "spec.clusters[0].ingress[0].exposure", "no private frontends"},
		{"public ILB", func(r *Requirements) {
			r.Spec.Clusters[0].Ingress = []IngressReq{{Name: "x", Kind: design.IngressInternalLoadBalancer, Exposure: design.ExposurePublic}}
		}, "spec.clusters[0].ingress[0].exposure", "cannot be public"},
		{"firewall egress without firewall", func(r *Requirements) {
			r.Spec.Regions[0].Hub = nil
			r.Spec.Clusters[0].Egress = EgressFirewall
		}, "spec.clusters[0].egress", "westeurope has none"},
		{"inspection without firewall", func(r *Requirements) {
			r.Spec.Regions[0].Hub = &Hub{Bastion: true}
			r.Spec.Clusters[0].EgressInspection = true
		}, "spec.clusters[0].egressInspection", "hub firewall"},
		{"inspection with NAT egress", func(r *Requirements) {
			r.Spec.Clusters[0].Egress = EgressNATGateway
			r.Spec.Clusters[0].EgressInspection = true
		}, "spec.clusters[0].egress", "straight to the internet"},
		{"routable pod subnet beyond /12", func(r *Requirements) {
			r.Spec.Clusters[0].PodIPsRoutable = true
			for i := range 5 {
				n := 250
				r.Spec.Clusters[0].NodePools = append(r.Spec.Clusters[0].NodePools, PoolReq{Name: "big" + strconv.Itoa(i), MaxNodes: 800, MaxPods: &n, MaxSurge: "1"})
			}
		}, "spec.clusters[0].podIPsRoutable", "at most a /12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseReq()
			tt.modify(r)
			probs := Validate(r)
			for _, p := range probs {
				if p.Path == tt.path && strings.Contains(p.Msg, tt.msg) {
					// Plan refuses the same requirements with the same problems.
					_, err := Plan(r, nil)
					var ve *ValidationError
					if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.msg) {
						t.Errorf("Plan returned %v, want a *ValidationError with %q", err, tt.msg)
					}
					return
				}
			}
			t.Errorf("got problems %+v, want one at %s containing %q", probs, tt.path, tt.msg)
		})
	}
}

// TestValidatePaths checks that paths come from the Path fields when a
// loader set them.
func TestValidatePaths(t *testing.T) {
	r := baseReq()
	r.Spec.Clusters[0].Path = "spec.clusters[0]"
	r.Spec.Clusters[0].NodePools[1].Path = "spec.clusters[0].nodePools[1]"
	r.Spec.Clusters[0].NodePools[1].MaxNodes = 0
	r.Spec.Regions[0].Path = "spec.regions[0]"
	r.Spec.Regions[0].DRPair = "nowhere"
	probs := Validate(r)
	want := map[string]bool{"spec.clusters[0].nodePools[1].maxNodes": false, "spec.regions[0].drPair": false}
	for _, p := range probs {
		if _, ok := want[p.Path]; ok {
			want[p.Path] = true
		}
	}
	for path, seen := range want {
		if !seen {
			t.Errorf("no problem at %s in %+v", path, probs)
		}
	}
	// A loader's paths are used as they are.
	r = baseReq()
	r.Spec.Clusters[0].Path = "doc.clusters[7]"
	r.Spec.Clusters[0].Name = "Bad"
	probs = Validate(r)
	if len(probs) == 0 || probs[0].Path != "doc.clusters[7].name" {
		t.Errorf("got %+v, want the problem at doc.clusters[7].name", probs)
	}
}
