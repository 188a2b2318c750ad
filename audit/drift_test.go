package audit

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// observedDesign is testDesign("overlay") as an az import would give it:
// every pool field written out and sources in az files.
func observedDesign() *design.Design {
	d := testDesign("overlay")
	c := &d.Spec.Clusters[0]
	c.Outbound.Type = design.OutboundLoadBalancer
	for i := range c.NodePools {
		c.NodePools[i].MaxPods = ptr(250)
		c.NodePools[i].Subnet = "spoke/nodes"
	}
	d.Sources = design.SourceMap{
		"spec.clusters[0]":                    {File: "az-aks-show.json", Line: 1},
		"spec.clusters[0].network.plugin":     {File: "az-aks-show.json", Line: 40},
		"spec.clusters[0].network.podCidrs":   {File: "az-aks-show.json", Line: 44},
		"spec.clusters[0].nodePools[1].count": {File: "az-aks-nodepool-list.json", Line: 77},
		"spec.vnets[0]":                       {File: "az-network-vnet-list.rg-net.json", Line: 2},
	}
	return d
}

func TestDriftNone(t *testing.T) {
	want := testDesign("overlay")
	if fs := Drift(want, "aks1", observedDesign(), "aks1"); len(fs) != 0 {
		t.Fatalf("got %d findings for identical configuration, want 0: %+v", len(fs), fs)
	}
	// Bare and qualified subnet references, case and defaults do not drift.
	got := observedDesign()
	got.Spec.Clusters[0].NodePools[0].Name = "SYSTEM"
	got.Spec.VNets[0].Subnets[0].Name = "Nodes"
	if fs := Drift(want, "aks1", got, "aks1"); len(fs) != 0 {
		t.Fatalf("got %d findings after case changes, want 0: %+v", len(fs), fs)
	}
	if fs := Drift(want, "nope", got, "aks1"); fs != nil {
		t.Errorf("unknown design cluster: got %v, want nil", fs)
	}
	if fs := Drift(want, "aks1", got, "nope"); fs != nil {
		t.Errorf("unknown observed cluster: got %v, want nil", fs)
	}
}

func TestDrift(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *design.Cluster, d *design.Design)
		sev  finding.Severity
		path string // design path of the finding
		msg  []string
	}{
		{"plugin", func(c *design.Cluster, _ *design.Design) { c.Network.Plugin = design.PluginKubenet },
			finding.Error, "spec.clusters[0].network.plugin", []string{"network plugin", `"azure"`, `"kubenet"`, "az-aks-show.json:40"}},
		{"plugin mode", func(c *design.Cluster, _ *design.Design) {
			c.Network.PluginMode = ""
			c.Network.PodCIDRs = nil
		}, finding.Error, "spec.clusters[0].network.pluginMode", []string{"plugin mode", `"overlay"`, "none"}},
		{"dataplane", func(c *design.Cluster, _ *design.Design) { c.Network.Dataplane = design.DataplaneCilium },
			finding.Error, "spec.clusters[0].network.dataplane", []string{"dataplane", `"azure"`, `"cilium"`}},
		{"policy", func(c *design.Cluster, _ *design.Design) { c.Network.Policy = design.PolicyCalico },
			finding.Error, "spec.clusters[0].network.policy", []string{"NetworkPolicy engine", `"none"`, `"calico"`}},
		{"pod CIDR", func(c *design.Cluster, _ *design.Design) { c.Network.PodCIDRs = pfx("100.64.0.0/15") },
			finding.Error, "spec.clusters[0].network.podCidrs", []string{"pod CIDRs", "100.64.0.0/16", "100.64.0.0/15", "az-aks-show.json:44"}},
		{"Service CIDR", func(c *design.Cluster, _ *design.Design) {
			c.Network.ServiceCIDRs = pfx("10.3.0.0/16")
			c.Network.DNSServiceIP = netip.MustParseAddr("10.2.0.10")
		}, finding.Error, "spec.clusters[0].network.serviceCidrs", []string{"Service CIDRs", "10.2.0.0/16", "10.3.0.0/16"}},
		{"DNS IP", func(c *design.Cluster, _ *design.Design) { c.Network.DNSServiceIP = netip.MustParseAddr("10.2.0.53") },
			finding.Error, "spec.clusters[0].network.dnsServiceIP", []string{"DNS service IP", "10.2.0.10", "10.2.0.53"}},
		{"outbound", func(c *design.Cluster, _ *design.Design) { c.Outbound.Type = design.OutboundUserDefinedRouting },
			finding.Error, "spec.clusters[0].outbound.type", []string{"outbound type", `"loadBalancer"`, `"userDefinedRouting"`}},
		{"private API server", func(c *design.Cluster, _ *design.Design) { c.APIServer.Private = true },
			finding.Error, "spec.clusters[0].apiServer.private", []string{"private API server", "false", "true"}},
		{"pool subnet", func(c *design.Cluster, _ *design.Design) { c.NodePools[1].Subnet = "spoke/pods" },
			finding.Error, "spec.clusters[0].nodePools[1].subnet", []string{"user1", "node subnet", `"spoke/nodes"`, `"spoke/pods"`}},
		{"pod subnet", func(c *design.Cluster, _ *design.Design) { c.NodePools[1].PodSubnet = "spoke/pods" },
			finding.Error, "spec.clusters[0].nodePools[1].podSubnet", []string{"pod subnet", "none", `"spoke/pods"`}},
		{"maxPods", func(c *design.Cluster, _ *design.Design) { c.NodePools[0].MaxPods = ptr(110) },
			finding.Error, "spec.clusters[0].nodePools[0].maxPods", []string{"maxPods", "250 (the default for", "110"}},
		{"count", func(c *design.Cluster, _ *design.Design) { c.NodePools[1].Count = ptr(5) },
			finding.Warning, "spec.clusters[0].nodePools[1].count", []string{"node count", "3 nodes", "5 nodes", "az-aks-nodepool-list.json:77"}},
		{"autoscaling", func(c *design.Cluster, _ *design.Design) {
			c.NodePools[1].MinCount, c.NodePools[1].MaxCount = ptr(2), ptr(9)
		}, finding.Warning, "spec.clusters[0].nodePools[1].count", []string{"scaling", "3 nodes", "autoscaling from 2 to 9 nodes"}},
		{"pool missing", func(c *design.Cluster, _ *design.Design) { c.NodePools = c.NodePools[:1] },
			finding.Error, "spec.clusters[0].nodePools[1]", []string{"node pool user1", "no such pool"}},
		{"pool extra", func(c *design.Cluster, _ *design.Design) {
			c.NodePools = append(c.NodePools, design.NodePool{Name: "gpu", Mode: "User", Subnet: "spoke/nodes", Count: ptr(1), MaxPods: ptr(250),
				Path: "spec.clusters[0].nodePools[2]"})
		}, finding.Warning, "spec.clusters[0].nodePools", []string{"node pool gpu", "the design has no such pool"}},
		{"address space", func(_ *design.Cluster, d *design.Design) {
			d.Spec.VNets[0].AddressSpace = pfx("10.1.0.0/16", "10.5.0.0/16")
		},
			finding.Error, "spec.vnets[0].addressSpace", []string{"address space", "10.1.0.0/16, 10.5.0.0/16", "az-network-vnet-list.rg-net.json:2"}},
		{"subnet prefix", func(_ *design.Cluster, d *design.Design) {
			d.Spec.VNets[0].Subnets[0].AddressPrefixes = pfx("10.1.0.0/23")
		},
			finding.Error, "spec.vnets[0].subnets[0].addressPrefixes", []string{"spoke/nodes", "10.1.0.0/24", "10.1.0.0/23"}},
		{"subnet route table", func(_ *design.Cluster, d *design.Design) { d.Spec.VNets[0].Subnets[0].RouteTable = "rt-egress" },
			finding.Error, "spec.vnets[0].subnets[0].routeTable", []string{"route table", "none", `"rt-egress"`}},
		{"subnet missing", func(_ *design.Cluster, d *design.Design) { d.Spec.VNets[0].Subnets = d.Spec.VNets[0].Subnets[1:] },
			finding.Error, "spec.vnets[0].subnets[0]", []string{"subnet spoke/nodes", "no such subnet"}},
		{"subnet extra", func(_ *design.Cluster, d *design.Design) {
			d.Spec.VNets[0].Subnets = append(d.Spec.VNets[0].Subnets, design.Subnet{Name: "AzureFirewallSubnet",
				AddressPrefixes: pfx("10.1.255.0/26"), Path: "spec.vnets[0].subnets[2]"})
		}, finding.Info, "spec.vnets[0].subnets", []string{"AzureFirewallSubnet", "10.1.255.0/26"}},
		{"VNet missing", func(_ *design.Cluster, d *design.Design) { d.Spec.VNets[0].Name = "vnet-other" },
			finding.Warning, "spec.vnets[0]", []string{"VNet spoke", "vnet-other"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := observedDesign()
			tc.edit(&got.Spec.Clusters[0], got)
			fs := Drift(testDesign("overlay"), "aks1", got, "aks1")
			if tc.name == "VNet missing" {
				// The pools' subnets no longer resolve either.
				fs = only(fs, RuleDesignDrift)
				var keep []finding.Finding
				for _, f := range fs {
					if f.Location.Path == tc.path {
						keep = append(keep, f)
					}
				}
				fs = keep
			}
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.Rule != RuleDesignDrift {
				t.Errorf("rule: got %q, want %q", f.Rule, RuleDesignDrift)
			}
			if f.Severity != tc.sev {
				t.Errorf("severity: got %v, want %v", f.Severity, tc.sev)
			}
			if f.Location.Path != tc.path {
				t.Errorf("path: got %q, want %q", f.Location.Path, tc.path)
			}
			for _, s := range tc.msg {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message %q does not contain %q", f.Message, s)
				}
			}
			if !strings.HasSuffix(f.Remediation, ".") {
				t.Errorf("remediation %q: want a sentence", f.Remediation)
			}
		})
	}
}

// TestDriftPointsIntoDesign checks that the location comes from the
// design's source map, not the observed one.
func TestDriftPointsIntoDesign(t *testing.T) {
	want := testDesign("overlay")
	want.Sources = design.SourceMap{"spec.clusters[0].network.dnsServiceIP": {File: "design.yaml", Line: 24}}
	got := observedDesign()
	got.Spec.Clusters[0].Network.DNSServiceIP = netip.MustParseAddr("10.2.0.53")
	fs := Drift(want, "aks1", got, "aks1")
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	if got, want := fs[0].Location.String(), "design.yaml:24"; got != want {
		t.Errorf("location: got %q, want %q", got, want)
	}
}
