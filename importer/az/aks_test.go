package az

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// aksLoad parses a fixture from testdata.
func aksLoad(t *testing.T, name string) (*importer.Doc, []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := importer.Parse(file, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return doc, data
}

// aksLineOf returns the line of the nth (1-based) line of data containing sub.
func aksLineOf(t *testing.T, data []byte, sub string, nth int) int {
	t.Helper()
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, sub) {
			nth--
			if nth == 0 {
				return i + 1
			}
		}
	}
	t.Fatalf("fixture has no line %q", sub)
	return 0
}

func aksImportOne(t *testing.T, name string) (*design.Design, []byte) {
	t.Helper()
	doc, data := aksLoad(t, name)
	d := &design.Design{}
	if probs := importCluster(doc, "", d); len(probs) > 0 {
		t.Fatalf("importCluster(%s): unexpected problems: %v", name, probs)
	}
	if len(d.Spec.Clusters) != 1 {
		t.Fatalf("got %d clusters, want 1", len(d.Spec.Clusters))
	}
	return d, data
}

func aksEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func aksIntEq(t *testing.T, what string, got *int, want int) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got nil, want %d", what, want)
		return
	}
	aksEq(t, what, *got, want)
}

// aksCheckLocs checks that design paths locate to the given fixture lines.
func aksCheckLocs(t *testing.T, d *design.Design, file string, want map[string]int) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		loc := d.Locate(k)
		if !strings.HasSuffix(loc.File, file) || loc.Line != want[k] {
			t.Errorf("Locate(%s): got %s:%d, want %s:%d", k, loc.File, loc.Line, file, want[k])
		}
	}
}

func TestAKSImportOverlayCiliumPrivate(t *testing.T) {
	const file = "aks-overlay-cilium-private.json"
	d, data := aksImportOne(t, file)
	c := &d.Spec.Clusters[0]
	aksEq(t, "path", c.Path, "spec.clusters[0]")
	aksEq(t, "name", c.Name, "aks-prod-weu")
	aksEq(t, "region", c.Region, "westeurope")
	aksEq(t, "kubernetesVersion", c.KubernetesVersion, "1.31")
	aksEq(t, "vnet", c.VNet, "vnet-spoke-weu")
	n := c.Network
	aksEq(t, "plugin", n.Plugin, design.PluginAzure)
	aksEq(t, "pluginMode", n.PluginMode, design.ModeOverlay)
	aksEq(t, "dataplane", n.Dataplane, design.DataplaneCilium)
	aksEq(t, "policy", n.Policy, design.PolicyCilium)
	aksEq(t, "ipam", c.IPAM(), design.IPAMOverlay)
	if !slices.Equal(n.PodCIDRs, []netip.Prefix{netip.MustParsePrefix("100.64.0.0/16")}) {
		t.Errorf("podCidrs: got %v", n.PodCIDRs)
	}
	if !slices.Equal(n.ServiceCIDRs, []netip.Prefix{netip.MustParsePrefix("10.240.0.0/16")}) {
		t.Errorf("serviceCidrs: got %v", n.ServiceCIDRs)
	}
	aksEq(t, "dnsServiceIP", n.DNSServiceIP, netip.MustParseAddr("10.240.0.10"))
	if !slices.Equal(n.IPFamilies, []design.IPFamily{design.IPv4}) {
		t.Errorf("ipFamilies: got %v", n.IPFamilies)
	}
	aksEq(t, "outbound", c.Outbound.Type, design.OutboundUserDefinedRouting)
	if c.Outbound.LoadBalancer != nil || c.Outbound.NATGateway != nil {
		t.Errorf("outbound profiles: got %+v, want none", c.Outbound)
	}
	aksEq(t, "private", c.APIServer.Private, true)
	if !strings.HasSuffix(c.APIServer.PrivateDNSZone, "/privateDnsZones/privatelink.westeurope.azmk8s.io") {
		t.Errorf("privateDnsZone: got %q", c.APIServer.PrivateDNSZone)
	}
	if c.APIServer.PublicFQDN == nil || *c.APIServer.PublicFQDN {
		t.Errorf("publicFQDN: got %v, want false", c.APIServer.PublicFQDN)
	}
	if len(c.NodePools) != 2 {
		t.Fatalf("got %d pools, want 2", len(c.NodePools))
	}
	sys, apps := c.NodePools[0], c.NodePools[1]
	aksEq(t, "sys.path", sys.Path, "spec.clusters[0].nodePools[0]")
	aksEq(t, "sys.name", sys.Name, "system")
	aksEq(t, "sys.mode", sys.Mode, design.ModeSystem)
	aksEq(t, "sys.os", sys.OS, design.OSLinux)
	aksEq(t, "sys.osSku", sys.OSSKU, design.SKUUbuntu)
	aksEq(t, "sys.vmSize", sys.VMSize, "Standard_D4ds_v5")
	aksEq(t, "sys.subnet", sys.Subnet, "vnet-spoke-weu/snet-aks-nodes")
	aksIntEq(t, "sys.count", sys.Count, 3)
	aksIntEq(t, "sys.maxPods", sys.MaxPods, 250)
	if sys.MinCount != nil || sys.MaxCount != nil {
		t.Errorf("sys min/max: got %v/%v, want nil", sys.MinCount, sys.MaxCount)
	}
	aksEq(t, "sys.maxSurge", sys.MaxSurge, "10%")
	aksEq(t, "sys.maxUnavailable", sys.MaxUnavailable, "") // az prints the default "0"; it is not carried over
	aksEq(t, "apps.mode", apps.Mode, design.ModeUser)
	aksEq(t, "apps.osSku", apps.OSSKU, design.SKUAzureLinux)
	aksIntEq(t, "apps.minCount", apps.MinCount, 2)
	aksIntEq(t, "apps.maxCount", apps.MaxCount, 20)
	if apps.Count != nil {
		t.Errorf("apps.count: got %d, want nil for an autoscaled pool", *apps.Count)
	}
	aksEq(t, "apps.maxSurge", apps.MaxSurge, "33%")
	aksEq(t, "apps.maxUnavailable", apps.MaxUnavailable, "")
	if r := c.Requirements; r.PodIPsRoutable || r.NetworkPolicy || r.EgressInspection || r.ExpectedServices != 0 || len(r.SensitiveNamespaces) > 0 {
		t.Errorf("requirements: got %+v, want empty", c.Requirements)
	}

	aksCheckLocs(t, d, file, map[string]int{
		"spec.clusters[0]":                          1,
		"spec.clusters[0].name":                     aksLineOf(t, data, `"name": "aks-prod-weu"`, 1),
		"spec.clusters[0].region":                   aksLineOf(t, data, `"location"`, 1),
		"spec.clusters[0].kubernetesVersion":        aksLineOf(t, data, `"kubernetesVersion"`, 1),
		"spec.clusters[0].vnet":                     aksLineOf(t, data, `"vnetSubnetId"`, 1),
		"spec.clusters[0].network":                  aksLineOf(t, data, `"networkProfile"`, 1),
		"spec.clusters[0].network.plugin":           aksLineOf(t, data, `"networkPlugin"`, 1),
		"spec.clusters[0].network.pluginMode":       aksLineOf(t, data, `"networkPluginMode"`, 1),
		"spec.clusters[0].network.dataplane":        aksLineOf(t, data, `"networkDataplane"`, 1),
		"spec.clusters[0].network.policy":           aksLineOf(t, data, `"networkPolicy"`, 1),
		"spec.clusters[0].network.podCidrs[0]":      aksLineOf(t, data, `"100.64.0.0/16"`, 2),
		"spec.clusters[0].network.serviceCidrs":     aksLineOf(t, data, `"serviceCidrs"`, 1),
		"spec.clusters[0].network.serviceCidrs[0]":  aksLineOf(t, data, `"10.240.0.0/16"`, 2),
		"spec.clusters[0].network.dnsServiceIP":     aksLineOf(t, data, `"dnsServiceIp"`, 1),
		"spec.clusters[0].outbound.type":            aksLineOf(t, data, `"outboundType"`, 1),
		"spec.clusters[0].apiServer.private":        aksLineOf(t, data, `"enablePrivateCluster"`, 1),
		"spec.clusters[0].apiServer.privateDnsZone": aksLineOf(t, data, `"privateDnsZone"`, 1),
		"spec.clusters[0].apiServer.publicFQDN":     aksLineOf(t, data, `"enablePrivateClusterPublicFqdn"`, 1),
		"spec.clusters[0].nodePools[0]":             aksLineOf(t, data, `"agentPoolProfiles"`, 1) + 1,
		"spec.clusters[0].nodePools[0].count":       aksLineOf(t, data, `"count": 3`, 1),
		"spec.clusters[0].nodePools[0].maxSurge":    aksLineOf(t, data, `"maxSurge": "10%"`, 1),
		"spec.clusters[0].nodePools[1].maxCount":    aksLineOf(t, data, `"maxCount": 20`, 1),
		"spec.clusters[0].nodePools[1].subnet":      aksLineOf(t, data, `"vnetSubnetId"`, 2),
		"spec.clusters[0].nodePools[1].osSku":       aksLineOf(t, data, `"osSku": "AzureLinux"`, 1),
		"spec.clusters[0].network.podCidrs":         aksLineOf(t, data, `"podCidrs"`, 1),
	})
}

func TestAKSImportKubenetLegacy(t *testing.T) {
	const file = "aks-kubenet-legacy.json"
	d, data := aksImportOne(t, file)
	c := &d.Spec.Clusters[0]
	aksEq(t, "vnet", c.VNet, "")
	aksEq(t, "plugin", c.Network.Plugin, design.PluginKubenet)
	aksEq(t, "pluginMode", c.Network.PluginMode, "")
	aksEq(t, "dataplane", c.Network.Dataplane, "")
	aksEq(t, "policy", c.Network.Policy, design.PolicyCalico)
	aksEq(t, "ipam", c.IPAM(), design.IPAMKubenet)
	aksEq(t, "outbound", c.Outbound.Type, design.OutboundLoadBalancer)
	lb := c.Outbound.LoadBalancer
	if lb == nil {
		t.Fatal("loadBalancer profile: got nil")
	}
	aksEq(t, "lb", *lb, design.LoadBalancerProfile{OutboundIPs: 2, AllocatedOutboundPorts: 1024, IdleTimeoutMinutes: 10})
	aksEq(t, "private", c.APIServer.Private, false)
	if c.APIServer.PublicFQDN != nil {
		t.Errorf("publicFQDN: got %v, want nil", *c.APIServer.PublicFQDN)
	}
	want := []netip.Prefix{netip.MustParsePrefix("203.0.113.0/27"), netip.MustParsePrefix("198.51.100.14/32")}
	if !slices.Equal(c.APIServer.AuthorizedIPRanges, want) {
		t.Errorf("authorizedIPRanges: got %v, want %v", c.APIServer.AuthorizedIPRanges, want)
	}
	p := c.NodePools[0]
	aksEq(t, "subnet", p.Subnet, "")
	aksEq(t, "maxSurge", p.MaxSurge, "")
	aksIntEq(t, "count", p.Count, 3)
	aksCheckLocs(t, d, file, map[string]int{
		"spec.clusters[0].outbound.loadBalancer.outboundIPs":            aksLineOf(t, data, `"count": 2`, 1),
		"spec.clusters[0].outbound.loadBalancer.allocatedOutboundPorts": aksLineOf(t, data, `"allocatedOutboundPorts"`, 1),
		"spec.clusters[0].outbound.loadBalancer.idleTimeoutMinutes":     aksLineOf(t, data, `"idleTimeoutInMinutes"`, 1),
		"spec.clusters[0].outbound.loadBalancer":                        aksLineOf(t, data, `"loadBalancerProfile"`, 1),
		"spec.clusters[0].apiServer.authorizedIPRanges[1]":              aksLineOf(t, data, `"198.51.100.14/32"`, 1),
		"spec.clusters[0].network.podCidrs[0]":                          aksLineOf(t, data, `"10.244.0.0/16"`, 2),
	})
	if err := design.Validate(d); len(err) > 0 {
		t.Errorf("Validate: got %v, want no problems", err)
	}
}

func TestAKSImportPodSubnetDynamic(t *testing.T) {
	const file = "aks-podsubnet-dynamic.json"
	d, data := aksImportOne(t, file)
	c := &d.Spec.Clusters[0]
	aksEq(t, "vnet", c.VNet, "vnet-aks-sec")
	aksEq(t, "kubernetesVersion", c.KubernetesVersion, "1.32")
	aksEq(t, "policy", c.Network.Policy, "")
	aksEq(t, "dataplane", c.Network.Dataplane, design.DataplaneAzure)
	aksEq(t, "ipam", c.IPAM(), design.IPAMPodSubnetDynamic)
	if len(c.Network.PodCIDRs) != 0 {
		t.Errorf("podCidrs: got %v, want none", c.Network.PodCIDRs)
	}
	aksEq(t, "outbound", c.Outbound.Type, design.OutboundManagedNATGateway)
	if ng := c.Outbound.NATGateway; ng == nil {
		t.Error("natGateway: got nil")
	} else {
		aksEq(t, "natGateway", *ng, design.ManagedNATProfile{OutboundIPs: 2, IdleTimeoutMinutes: 4})
	}
	aksEq(t, "vnetIntegrationSubnet", c.APIServer.VNetIntegrationSubnet, "vnet-aks-sec/snet-apiserver")
	win := c.NodePools[1]
	aksEq(t, "win.os", win.OS, design.OSWindows)
	aksEq(t, "win.osSku", win.OSSKU, design.SKUWindows2022)
	aksEq(t, "win.podSubnet", win.PodSubnet, "vnet-aks-sec/snet-pods")
	aksEq(t, "win.subnet", win.Subnet, "vnet-aks-sec/snet-nodes")
	aksIntEq(t, "win.maxCount", win.MaxCount, 6)
	aksCheckLocs(t, d, file, map[string]int{
		"spec.clusters[0].outbound.natGateway.outboundIPs":        aksLineOf(t, data, `"count": 2`, 2),
		"spec.clusters[0].outbound.natGateway":                    aksLineOf(t, data, `"natGatewayProfile"`, 1),
		"spec.clusters[0].apiServer.vnetIntegrationSubnet":        aksLineOf(t, data, `"subnetId"`, 1),
		"spec.clusters[0].nodePools[0].podSubnet":                 aksLineOf(t, data, `"podSubnetId"`, 1),
		"spec.clusters[0].nodePools[1].podSubnet":                 aksLineOf(t, data, `"podSubnetId"`, 2),
		"spec.clusters[0].network.serviceCidrs[0]":                aksLineOf(t, data, `"172.16.0.0/16"`, 2),
		"spec.clusters[0].network.dnsServiceIP":                   aksLineOf(t, data, `"dnsServiceIp"`, 1),
		"spec.clusters[0].nodePools[1].os":                        aksLineOf(t, data, `"osType": "Windows"`, 1),
		"spec.clusters[0].outbound.natGateway.idleTimeoutMinutes": aksLineOf(t, data, `"idleTimeoutInMinutes"`, 1),
	})
}

func TestAKSImportInvalid(t *testing.T) {
	tests := []struct {
		file string
		line string // a fragment of the line the problem points at
		path string
		msg  []string
		hint string
	}{
		{"aks-invalid-count.json", `"count": "three"`, "agentPoolProfiles[0].count", []string{"whole number", `"three"`}, ""},
		{"aks-invalid-plugin.json", `"networkPlugin": "azure-cni"`, "networkProfile.networkPlugin", []string{"networkPlugin", `"azure-cni"`}, "azure, kubenet, none"},
		{"aks-invalid-subnet-id.json", `/subnet/snet-nodes"`, "agentPoolProfiles[0].vnetSubnetId", []string{"not a subnet resource ID"}, "virtualNetworks/VNET/subnets/SUBNET"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, data := aksLoad(t, tt.file)
			d := &design.Design{}
			probs := importCluster(doc, "", d)
			if len(probs) != 1 {
				t.Fatalf("got %d problems %v, want 1", len(probs), probs)
			}
			p := probs[0]
			aksEq(t, "line", p.Line, aksLineOf(t, data, tt.line, 1))
			aksEq(t, "path", p.Path, tt.path)
			aksEq(t, "file", p.File, doc.File)
			for _, m := range tt.msg {
				if !strings.Contains(p.Msg, m) {
					t.Errorf("msg: got %q, want it to contain %q", p.Msg, m)
				}
			}
			if !strings.Contains(p.Hint, tt.hint) {
				t.Errorf("hint: got %q, want it to contain %q", p.Hint, tt.hint)
			}
			if len(d.Spec.Clusters) != 0 {
				t.Errorf("got %d clusters after a failed import, want 0", len(d.Spec.Clusters))
			}
		})
	}
}

func TestAKSImportAgentPoolsMerge(t *testing.T) {
	const file = "nodepools-aks-prod-weu.json"
	d, _ := aksImportOne(t, "aks-overlay-cilium-private.json")
	doc, data := aksLoad(t, file)
	if probs := importAgentPools(doc, "", d); len(probs) > 0 {
		t.Fatalf("importAgentPools: unexpected problems: %v", probs)
	}
	c := &d.Spec.Clusters[0]
	var names []string
	for _, p := range c.NodePools {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"system", "apps", "batch"}) {
		t.Fatalf("pools: got %v, want [system apps batch]", names)
	}
	apps, batch := c.NodePools[1], c.NodePools[2]
	aksIntEq(t, "apps.minCount", apps.MinCount, 3)
	aksIntEq(t, "apps.maxCount", apps.MaxCount, 30)
	aksEq(t, "apps.maxUnavailable", apps.MaxUnavailable, "")
	aksEq(t, "batch.path", batch.Path, "spec.clusters[0].nodePools[2]")
	aksEq(t, "batch.subnet", batch.Subnet, "vnet-spoke-weu/snet-aks-batch")
	aksIntEq(t, "batch.minCount", batch.MinCount, 0)
	aksIntEq(t, "batch.maxCount", batch.MaxCount, 10)
	aksEq(t, "batch.maxSurge", batch.MaxSurge, "")
	aksEq(t, "vnet", c.VNet, "vnet-spoke-weu")
	aksCheckLocs(t, d, file, map[string]int{
		"spec.clusters[0].nodePools[0]":          doc.Node("[0]").Line,
		"spec.clusters[0].nodePools[0].count":    aksLineOf(t, data, `"count": 3`, 1),
		"spec.clusters[0].nodePools[1].maxCount": aksLineOf(t, data, `"maxCount": 30`, 1),
		"spec.clusters[0].nodePools[2].name":     aksLineOf(t, data, `"name": "batch"`, 1),
		"spec.clusters[0].nodePools[2].subnet":   aksLineOf(t, data, `snet-aks-batch"`, 1),
		// maxUnavailable of apps is null in the list: the stale entry from
		// the az aks show output must be gone, so it falls back to the pool.
		"spec.clusters[0].nodePools[1].maxUnavailable": doc.Node("[1]").Line,
	})
	// Fields outside the pools still point into the az aks show file.
	if loc := d.Locate("spec.clusters[0].network.plugin"); !strings.HasSuffix(loc.File, "aks-overlay-cilium-private.json") {
		t.Errorf("Locate(network.plugin): got %s, want the cluster file", loc.File)
	}
}

func TestAKSImportAgentPoolsSetsVNet(t *testing.T) {
	// A cluster whose show output has no pool subnets takes its VNet from
	// the pool list.
	show := `{"name": "aks-x", "location": "westeurope", "kubernetesVersion": "1.33",
  "type": "Microsoft.ContainerService/ManagedClusters",
  "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay", "outboundType": "loadBalancer"},
  "agentPoolProfiles": []}`
	list := `[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-x/agentPools/np1",
  "name": "np1", "mode": "System", "count": 2, "type": "Microsoft.ContainerService/managedClusters/agentPools",
  "vnetSubnetID": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-x/subnets/nodes"}]`
	d := &design.Design{}
	sd, err := importer.Parse("show.json", []byte(show))
	if err != nil {
		t.Fatal(err)
	}
	if probs := importCluster(sd, "", d); len(probs) > 0 {
		t.Fatal(probs)
	}
	ld, err := importer.Parse("list.json", []byte(list))
	if err != nil {
		t.Fatal(err)
	}
	if probs := importAgentPools(ld, "", d); len(probs) > 0 {
		t.Fatal(probs)
	}
	c := d.Spec.Clusters[0]
	aksEq(t, "vnet", c.VNet, "vnet-x")
	aksEq(t, "subnet", c.NodePools[0].Subnet, "vnet-x/nodes")
	if loc := d.Locate("spec.clusters[0].vnet"); loc.File != "list.json" || loc.Line != 3 {
		t.Errorf("Locate(vnet): got %s:%d, want list.json:3", loc.File, loc.Line)
	}
}

func TestAKSImportAgentPoolsNoCluster(t *testing.T) {
	d, _ := aksImportOne(t, "aks-overlay-cilium-private.json")
	doc, data := aksLoad(t, "nodepools-invalid-no-cluster.json")
	probs := importAgentPools(doc, "", d)
	if len(probs) != 1 {
		t.Fatalf("got %d problems %v, want 1 (one per missing cluster)", len(probs), probs)
	}
	p := probs[0]
	aksEq(t, "line", p.Line, aksLineOf(t, data, `"id"`, 1))
	aksEq(t, "path", p.Path, "[0].id")
	if !strings.Contains(p.Msg, "node pools of cluster aks-prod-neu, but no `az aks show` output for aks-prod-neu") {
		t.Errorf("msg: got %q", p.Msg)
	}
	if !strings.Contains(p.Hint, "az aks show -g rg-aks-prod-weu -n aks-prod-neu -o json") {
		t.Errorf("hint: got %q", p.Hint)
	}
	if len(d.Spec.Clusters[0].NodePools) != 2 {
		t.Errorf("pools: got %d, want the 2 from az aks show untouched", len(d.Spec.Clusters[0].NodePools))
	}
}

func TestAKSImportSpellingsAndFallbacks(t *testing.T) {
	// REST API spellings (vnetSubnetID, dnsServiceIP, osSKU, ...), a
	// missing kubernetesVersion, values in other case, and a pool-level
	// pod IP allocation mode.
	src := `{
  "name": "aks-rest",
  "location": "swedencentral",
  "currentKubernetesVersion": "1.33.2",
  "type": "Microsoft.ContainerService/ManagedClusters",
  "networkProfile": {
    "networkPlugin": "Azure",
    "networkPolicy": "",
    "dnsServiceIP": "10.0.0.10",
    "serviceCidr": "10.0.0.0/16",
    "outboundType": "userAssignedNATGateway",
    "loadBalancerProfile": {"managedOutboundIPs": {"count": 1, "countIPv6": 2}}
  },
  "apiServerAccessProfile": {
    "enablePrivateCluster": true,
    "privateDNSZone": "none",
    "enablePrivateClusterPublicFQDN": true,
    "authorizedIPRanges": ["192.0.2.7"]
  },
  "agentPoolProfiles": [
    {
      "name": "sys",
      "mode": "system",
      "osType": "linux",
      "osSKU": "CBLMariner",
      "count": 2,
      "podIPAllocationMode": "StaticBlock",
      "vnetSubnetID": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/nodes",
      "podSubnetID": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/pods"
    }
  ]
}`
	doc, err := importer.Parse("rest.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d := &design.Design{}
	if probs := importCluster(doc, "", d); len(probs) > 0 {
		t.Fatal(probs)
	}
	c := d.Spec.Clusters[0]
	aksEq(t, "kubernetesVersion", c.KubernetesVersion, "1.33.2")
	aksEq(t, "plugin", c.Network.Plugin, design.PluginAzure)
	aksEq(t, "policy", c.Network.Policy, "")
	aksEq(t, "dnsServiceIP", c.Network.DNSServiceIP, netip.MustParseAddr("10.0.0.10"))
	aksEq(t, "serviceCidrs", len(c.Network.ServiceCIDRs), 1)
	aksEq(t, "outbound", c.Outbound.Type, design.OutboundUserAssignedNATGateway)
	aksEq(t, "lb", *c.Outbound.LoadBalancer, design.LoadBalancerProfile{OutboundIPs: 1, OutboundIPv6s: 2})
	aksEq(t, "privateDnsZone", c.APIServer.PrivateDNSZone, "none")
	aksEq(t, "publicFQDN", *c.APIServer.PublicFQDN, true)
	aksEq(t, "authorized", c.APIServer.AuthorizedIPRanges[0], netip.MustParsePrefix("192.0.2.7/32"))
	p := c.NodePools[0]
	aksEq(t, "mode", p.Mode, design.ModeSystem)
	aksEq(t, "os", p.OS, design.OSLinux)
	aksEq(t, "osSku", p.OSSKU, design.SKUAzureLinux)
	aksEq(t, "subnet", p.Subnet, "vnet-a/nodes")
	aksEq(t, "podSubnet", p.PodSubnet, "vnet-a/pods")
	aksEq(t, "ipam", c.IPAM(), design.IPAMPodSubnetStatic)
	aksCheckLocs(t, d, "rest.json", map[string]int{
		"spec.clusters[0].kubernetesVersion":           4,
		"spec.clusters[0].network.dnsServiceIP":        9,
		"spec.clusters[0].network.serviceCidrs[0]":     10,
		"spec.clusters[0].network.podIPAllocationMode": 27,
		"spec.clusters[0].apiServer.publicFQDN":        17,
		"spec.clusters[0].nodePools[0].subnet":         28,
	})
}

func TestAKSImportUnknownEnums(t *testing.T) {
	src := `{"name": "aks-e", "location": "westeurope", "kubernetesVersion": "1.33",
  "networkProfile": {"networkPlugin": "azure", "networkDataplane": "ebpf", "outboundType": "viaFirewall"},
  "agentPoolProfiles": [{"name": "gw", "mode": "Gateway", "osType": "Linux", "count": 2}]}`
	doc, err := importer.Parse("enum.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	probs := importCluster(doc, "", &design.Design{})
	var got []string
	for _, p := range probs {
		got = append(got, p.Path)
	}
	want := []string{"networkProfile.networkDataplane", "networkProfile.outboundType", "agentPoolProfiles[0].mode"}
	if !slices.Equal(got, want) {
		t.Fatalf("problem paths: got %v, want %v", got, want)
	}
	if !strings.Contains(probs[2].Hint, "System, User") {
		t.Errorf("hint: got %q, want the allowed modes", probs[2].Hint)
	}
	if probs[0].Line != 2 || probs[2].Line != 3 {
		t.Errorf("lines: got %d and %d, want 2 and 3", probs[0].Line, probs[2].Line)
	}
}

func TestAKSImportLocalDNS(t *testing.T) {
	const file = "aks-overlay-cilium-private.json"
	_, base := aksLoad(t, file)
	tests := []struct {
		profile string
		want    bool
	}{
		{`null`, false},
		{`{"mode": "Preferred", "state": "Enabled"}`, true},
		{`{"mode": "Required", "state": "Disabled"}`, false},
		{`{"mode": "Required"}`, true},
		{`{"mode": "Preferred"}`, false},
		{`{"mode": "Disabled", "state": "Disabled"}`, false},
	}
	for _, tt := range tests {
		// The second pool of the fixture gets the profile, as az prints it.
		data := []byte(strings.Replace(string(base), `"maxPods": 110,`, `"localDnsProfile": `+tt.profile+`, "maxPods": 110,`, 1))
		if bytes.Equal(data, base) {
			t.Fatal("fixture has no second pool to give a LocalDNS profile")
		}
		doc, err := importer.Parse(file, data)
		if err != nil {
			t.Fatal(err)
		}
		d := &design.Design{}
		if probs := importCluster(doc, "", d); len(probs) > 0 {
			t.Fatalf("%s: unexpected problems: %v", tt.profile, probs)
		}
		c := d.Spec.Clusters[0]
		if c.Network.LocalDNS != tt.want {
			t.Errorf("localDnsProfile %s: LocalDNS = %v, want %v", tt.profile, c.Network.LocalDNS, tt.want)
		}
		if tt.want {
			aksCheckLocs(t, d, file, map[string]int{"spec.clusters[0].network.localDNS": aksLineOf(t, data, `"localDnsProfile"`, 1)})
		}
	}
}
