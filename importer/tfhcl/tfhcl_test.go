package tfhcl

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"

	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// loadDir reads every .tf and .tfvars file of testdata/dir, named by their
// path under testdata.
func loadDir(t testing.TB, dir string) []File {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	var files []File
	for _, en := range entries {
		if en.IsDir() || !Detect(en.Name(), nil) {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", dir, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: dir + "/" + en.Name(), Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files
}

// lineOf returns the 1-based line of the first line of file (under
// testdata) containing text after the first line containing after.
func lineOf(t testing.TB, file, after, text string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	start := 0
	if after != "" {
		start = -1
		for i, l := range lines {
			if strings.Contains(l, after) {
				start = i
				break
			}
		}
		if start < 0 {
			t.Fatalf("%s has no line with %q", file, after)
		}
	}
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q after %q", file, text, after)
	return 0
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"main.tf", true},
		{"modules/net/VARIABLES.TF", true},
		{"terraform.tfvars", true},
		{"prod.auto.tfvars", true},
		{"main.tf.json", false},
		{"plan.json", false},
		{"design.yaml", false},
		{"tf", false},
	} {
		if got := Detect(tc.name, []byte("resource \"a\" \"b\" {}")); got != tc.want {
			t.Errorf("Detect(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// importDir imports a fixture folder that must import cleanly.
func importDir(t *testing.T, dir string) (*design.Design, []importer.Problem) {
	t.Helper()
	d, warns, err := Import(loadDir(t, dir))
	if err != nil {
		t.Fatalf("Import(%s): %v", dir, err)
	}
	if vp := design.Validate(d); len(vp) != 0 {
		t.Fatalf("Validate = %v, want none", vp)
	}
	return d, warns
}

type locCase struct {
	path              string
	file, after, text string
}

func checkLocs(t *testing.T, d *design.Design, cases []locCase) {
	t.Helper()
	for _, tc := range cases {
		want := lineOf(t, tc.file, tc.after, tc.text)
		loc := d.Locate(tc.path)
		if loc.File != tc.file || loc.Line != want {
			t.Errorf("Locate(%s) = %s:%d, want %s:%d", tc.path, loc.File, loc.Line, tc.file, want)
		}
	}
}

func TestImportOverlay(t *testing.T) {
	d, warns := importDir(t, "overlay")
	if len(warns) != 0 {
		t.Errorf("warnings = %v, want none", warns)
	}
	if len(d.Spec.VNets) != 1 {
		t.Fatalf("got %d VNets, want 1", len(d.Spec.VNets))
	}
	v := d.Spec.VNets[0]
	if v.Name != "vnet-aks-prod-weu" || v.Region != "westeurope" || v.ResourceGroup != "rg-aks-prod-weu" ||
		fmt.Sprint(v.AddressSpace) != "[10.40.0.0/16]" || fmt.Sprint(v.DNSServers) != "[10.0.0.4 10.0.0.5]" {
		t.Errorf("VNet = %+v", v)
	}
	if len(v.Subnets) != 2 {
		t.Fatalf("subnets = %+v", v.Subnets)
	}
	nodes, ingress := v.Subnets[0], v.Subnets[1]
	if nodes.Name != "snet-aks-nodes" || fmt.Sprint(nodes.AddressPrefixes) != "[10.40.0.0/22]" || nodes.Purpose != design.PurposeNodes || nodes.RouteTable != "rt-aks-egress" {
		t.Errorf("node subnet = %+v", nodes)
	}
	if ingress.Name != "snet-ingress" || ingress.Purpose != design.PurposeOther || ingress.RouteTable != "" {
		t.Errorf("ingress subnet = %+v", ingress)
	}
	rt := d.Spec.RouteTables[0]
	if rt.Name != "rt-aks-egress" || !rt.DisableBGPPropagation || len(rt.Routes) != 1 || rt.Routes[0].AddressPrefix != "0.0.0.0/0" ||
		rt.Routes[0].NextHopType != design.NextHopVirtualAppliance || rt.Routes[0].NextHopIPAddress.String() != "10.0.1.4" {
		t.Errorf("route table = %+v", rt)
	}
	if len(d.Spec.Clusters) != 1 {
		t.Fatalf("clusters = %+v", d.Spec.Clusters)
	}
	c := d.Spec.Clusters[0]
	n := c.Network
	if c.Name != "aks-prod-weu" || c.Region != "westeurope" || c.KubernetesVersion != "1.33" || c.VNet != "vnet-aks-prod-weu" ||
		n.Plugin != design.PluginAzure || n.PluginMode != design.ModeOverlay || n.Dataplane != design.DataplaneCilium || n.Policy != design.PolicyCilium ||
		fmt.Sprint(n.PodCIDRs) != "[192.168.0.0/16]" || fmt.Sprint(n.ServiceCIDRs) != "[10.41.0.0/16]" || n.DNSServiceIP.String() != "10.41.0.10" ||
		c.Outbound.Type != design.OutboundUserDefinedRouting {
		t.Errorf("cluster = %+v", c)
	}
	if len(c.NodePools) != 1 {
		t.Fatalf("pools = %+v", c.NodePools)
	}
	p := c.NodePools[0]
	if p.Name != "system" || p.Mode != design.ModeSystem || p.Subnet != "vnet-aks-prod-weu/snet-aks-nodes" || p.Count != nil ||
		*p.MinCount != 3 || *p.MaxCount != 6 || *p.MaxPods != 110 || p.MaxSurge != "10%" || p.OSSKU != design.SKUAzureLinux || p.VMSize != "Standard_D4ds_v5" {
		t.Errorf("pool = %+v", p)
	}
	checkLocs(t, d, []locCase{
		{"spec.vnets[0]", "overlay/network.tf", "", `resource "azurerm_virtual_network" "spoke"`},
		{"spec.vnets[0].addressSpace[0]", "overlay/network.tf", "", `"10.40.0.0/16"`},
		{"spec.vnets[0].dnsServers[1]", "overlay/network.tf", "", `"10.0.0.5"`},
		{"spec.vnets[0].region", "overlay/network.tf", "spoke", "location"},
		{"spec.vnets[0].subnets[0]", "overlay/network.tf", "", `resource "azurerm_subnet" "nodes"`},
		{"spec.vnets[0].subnets[0].addressPrefixes[0]", "overlay/network.tf", `"nodes"`, "address_prefixes"},
		{"spec.vnets[0].subnets[0].routeTable", "overlay/network.tf", "azurerm_subnet_route_table_association", "route_table_id"},
		{"spec.routeTables[0].routes[0].nextHopIpAddress", "overlay/network.tf", "", "next_hop_in_ip_address"},
		{"spec.clusters[0]", "overlay/aks.tf", "", `resource "azurerm_kubernetes_cluster" "aks"`},
		{"spec.clusters[0].network.podCidrs[0]", "overlay/aks.tf", "", "pod_cidr"},
		{"spec.clusters[0].nodePools[0]", "overlay/aks.tf", "", "default_node_pool {"},
		{"spec.clusters[0].nodePools[0].subnet", "overlay/aks.tf", "", "vnet_subnet_id"},
		{"spec.clusters[0].nodePools[0].maxSurge", "overlay/aks.tf", "", "max_surge"},
		{"spec.clusters[0].vnet", "overlay/aks.tf", "", "vnet_subnet_id"},
	})
	if got := d.Locate("spec.clusters[0].nodePools[0].maxPods").Path; got != "azurerm_kubernetes_cluster.aks.default_node_pool[0].max_pods" {
		t.Errorf("source path = %q", got)
	}
}

func TestImportPodSubnet(t *testing.T) {
	d, warns := importDir(t, "podsubnet")
	if len(warns) != 0 {
		t.Errorf("warnings = %v, want none", warns)
	}
	v := d.Spec.VNets[0]
	want := []struct {
		name, prefix string
		purpose      design.SubnetPurpose
		nat          string
	}{
		{"snet-nodes", "10.60.0.0/24", design.PurposeNodes, "ng-aks-shared-neu"},
		{"snet-pods-system", "10.60.16.0/22", design.PurposePods, ""},
		{"snet-pods-apps", "10.60.32.0/20", design.PurposePods, ""},
	}
	if len(v.Subnets) != len(want) {
		t.Fatalf("subnets = %+v", v.Subnets)
	}
	for i, w := range want {
		s := v.Subnets[i]
		if s.Name != w.name || s.AddressPrefixes[0].String() != w.prefix || s.Purpose != w.purpose || s.NATGateway != w.nat {
			t.Errorf("subnet %d = %+v, want %+v", i, s, w)
		}
	}
	if s := v.Subnets[1]; s.Delegation != "Microsoft.ContainerService/managedClusters" {
		t.Errorf("delegation = %q", s.Delegation)
	}
	ng := d.Spec.NATGateways[0]
	if ng.Name != "ng-aks-shared-neu" || ng.PublicIPs != 2 || ng.IdleTimeoutMinutes != 10 || ng.SKU != design.NATStandard {
		t.Errorf("NAT gateway = %+v", ng)
	}
	c := d.Spec.Clusters[0]
	if c.KubernetesVersion != "1.32.5" || c.Network.Plugin != design.PluginAzure || c.Network.PluginMode != "" || c.Network.Policy != design.PolicyAzure ||
		c.Outbound.Type != design.OutboundUserAssignedNATGateway || fmt.Sprint(c.APIServer.AuthorizedIPRanges) != "[203.0.113.0/24 198.51.100.7/32]" {
		t.Errorf("cluster = %+v", c)
	}
	if len(c.NodePools) != 2 {
		t.Fatalf("pools = %+v", c.NodePools)
	}
	sys, apps := c.NodePools[0], c.NodePools[1]
	if sys.Name != "system" || *sys.Count != 3 || *sys.MaxPods != 50 || sys.PodSubnet != "vnet-aks-shared-neu/snet-pods-system" || sys.MaxSurge != "1" || sys.MaxUnavailable != "" {
		t.Errorf("system pool = %+v", sys)
	}
	if apps.Name != "apps" || apps.Mode != design.ModeUser || apps.OS != design.OSLinux || *apps.MinCount != 2 || *apps.MaxCount != 20 || apps.Count != nil ||
		apps.Subnet != "vnet-aks-shared-neu/snet-nodes" || apps.PodSubnet != "vnet-aks-shared-neu/snet-pods-apps" || apps.MaxSurge != "33%" {
		t.Errorf("apps pool = %+v", apps)
	}
	checkLocs(t, d, []locCase{
		{"spec.natGateways[0].publicIPs", "podsubnet/network.tf", "", `resource "azurerm_nat_gateway_public_ip_association" "egress"`},
		{"spec.vnets[0].subnets[0].natGateway", "podsubnet/network.tf", `"azurerm_subnet_nat_gateway_association"`, "nat_gateway_id"},
		{"spec.vnets[0].subnets[1].delegation", "podsubnet/network.tf", `"pods_system"`, `name    = "Microsoft.ContainerService`},
		{"spec.clusters[0].nodePools[1]", "podsubnet/aks.tf", "", `resource "azurerm_kubernetes_cluster_node_pool" "apps"`},
		{"spec.clusters[0].nodePools[1].podSubnet", "podsubnet/aks.tf", `"apps"`, "pod_subnet_id"},
		{"spec.clusters[0].apiServer.authorizedIPRanges[1]", "podsubnet/aks.tf", "", `"198.51.100.7"`},
	})
}

func TestImportVariables(t *testing.T) {
	d, warns := importDir(t, "variables")
	if len(warns) != 0 {
		t.Errorf("warnings = %v, want none", warns)
	}
	v := d.Spec.VNets[0]
	// terraform.tfvars overrides the defaults: environment prod, the
	// VNet 10.20.0.0/16; cidrsubnet carves the subnets from it.
	if v.Name != "vnet-aks-prod-westeurope" || v.Region != "West Europe" || fmt.Sprint(v.AddressSpace) != "[10.20.0.0/16]" {
		t.Errorf("VNet = %+v", v)
	}
	got := map[string]string{}
	for _, s := range v.Subnets {
		got[s.Name] = fmt.Sprint(s.AddressPrefixes, " ", s.Purpose, " ", s.Delegation)
	}
	wantSubnets := map[string]string{
		"snet-nodes":     "[10.20.0.0/22] nodes ",
		"snet-apiserver": "[10.20.4.0/28] apiServer Microsoft.ContainerService/managedClusters",
		"snet-endpoints": "[10.20.5.0/26] other ",
	}
	if fmt.Sprint(got) != fmt.Sprint(wantSubnets) {
		t.Errorf("subnets = %v, want %v", got, wantSubnets)
	}
	c := d.Spec.Clusters[0]
	if c.Name != "aks-prod-westeurope" || c.KubernetesVersion != "1.33" || c.Network.DNSServiceIP.String() != "10.250.0.10" ||
		c.APIServer.VNetIntegrationSubnet != "vnet-aks-prod-westeurope/snet-apiserver" {
		t.Errorf("cluster = %+v", c)
	}
	var pools []string
	for _, p := range c.NodePools {
		s := p.Name + " " + p.VMSize
		if p.MaxCount != nil {
			s += fmt.Sprintf(" %d-%d pods %d", *p.MinCount, *p.MaxCount, *p.MaxPods)
		}
		pools = append(pools, s)
	}
	// for_each walks the map in key order; batch keeps its own max_pods,
	// apps gets the optional attribute's default.
	if want := "[system Standard_D4ds_v5 apps Standard_D8ds_v5 2-10 pods 30 batch Standard_F16s_v2 0-5 pods 110]"; fmt.Sprint(pools) != want {
		t.Errorf("pools = %v, want %s", pools, want)
	}
	checkLocs(t, d, []locCase{
		{"spec.vnets[0].addressSpace[0]", "variables/main.tf", "", "address_space"},
		{"spec.vnets[0].subnets[0].addressPrefixes[0]", "variables/main.tf", `"azurerm_subnet" "this"`, "address_prefixes"},
		{"spec.vnets[0].subnets[0].delegation", "variables/main.tf", "service_delegation", "name"},
		{"spec.clusters[0].network.dnsServiceIP", "variables/main.tf", "", "dns_service_ip"},
		{"spec.clusters[0].nodePools[2].maxPods", "variables/main.tf", `"azurerm_kubernetes_cluster_node_pool" "user"`, "max_pods"},
	})
	if got := d.Locate("spec.clusters[0].nodePools[2].maxPods").Path; got != `azurerm_kubernetes_cluster_node_pool.user["batch"].max_pods` {
		t.Errorf("source path = %q", got)
	}
}

func TestImportPrivateLink(t *testing.T) {
	d, warns := importDir(t, "privatelink")
	if len(warns) != 0 {
		t.Errorf("warnings = %v, want none", warns)
	}
	if len(d.Spec.VNets) != 2 || len(d.Spec.VNets[0].Subnets) != 2 || d.Spec.VNets[0].Subnets[0].Purpose != design.PurposeFirewall {
		t.Fatalf("VNets = %+v", d.Spec.VNets)
	}
	if s := d.Spec.VNets[1].SubnetByName("snet-private-endpoints"); s == nil || s.Purpose != design.PurposePrivateEndpoints {
		t.Errorf("endpoint subnet = %+v", s)
	}
	var zones []string
	for _, z := range d.Spec.PrivateDNSZones {
		zones = append(zones, z.Name+" "+strings.Join(z.Links, ","))
	}
	if want := "[privatelink.vaultcore.azure.net vnet-hub-sdc,vnet-payments-sdc privatelink.blob.core.windows.net vnet-hub-sdc]"; fmt.Sprint(zones) != want {
		t.Errorf("zones = %v, want %s", zones, want)
	}
	var pes []string
	for _, p := range d.Spec.PrivateEndpoints {
		pes = append(pes, fmt.Sprintf("%s %s %s %s", p.Name, p.Service, p.Subnet, p.DNSZone))
	}
	if want := "[pe-kv-payments-prod keyVault vnet-payments-sdc/snet-private-endpoints privatelink.vaultcore.azure.net " +
		"pe-st-payments-blob storageBlob vnet-payments-sdc/snet-aks-nodes privatelink.blob.core.windows.net]"; fmt.Sprint(pes) != want {
		t.Errorf("endpoints = %v, want %s", pes, want)
	}
	if a := d.Spec.Clusters[0].APIServer; !a.Private || a.PrivateDNSZone != "system" {
		t.Errorf("apiServer = %+v", a)
	}
	checkLocs(t, d, []locCase{
		{"spec.privateDnsZones[0]", "privatelink/services.tf", "", `resource "azurerm_private_dns_zone" "vault"`},
		{"spec.privateDnsZones[0].links[1]", "privatelink/services.tf", `"vault_spoke"`, "virtual_network_id"},
		{"spec.privateEndpoints[1]", "privatelink/services.tf", "", `resource "azurerm_private_endpoint" "blob"`},
		{"spec.privateEndpoints[1].subnet", "privatelink/services.tf", `"azurerm_private_endpoint" "blob"`, "subnet_id"},
		{"spec.privateEndpoints[0].service", "privatelink/services.tf", `"azurerm_private_endpoint" "vault"`, "subresource_names"},
		{"spec.privateEndpoints[0].dnsZone", "privatelink/services.tf", `"azurerm_private_endpoint" "vault"`, "private_dns_zone_ids"},
		{"spec.vnets[0].subnets[1].addressPrefixes[0]", "privatelink/network.tf", "snet-dns-inbound", "address_prefixes"},
	})
}

// TestImportUnknowns checks that each value aksnet cannot know is left
// out with a warning at its place, naming the attribute and the cause.
func TestImportUnknowns(t *testing.T) {
	d, warns := importDir(t, "unknowns")
	type want struct {
		path, text string
		after, at  string // text on the warning's line, after a line with after
		col        int
	}
	wants := []want{
		{"module.naming", "module naming (source ./modules/naming) is not read", "", `module "naming"`, 1},
		{"azurerm_virtual_network.spoke.dns_servers", "data.azurerm_virtual_network.hub is a data source", "", "dns_servers", 25},
		{"azurerm_subnet.extra.count", "count is not known before apply (data.azurerm_virtual_network.hub is a data source", "", "count", 26},
		{"azurerm_route_table.named.name", "the name is not known before apply (module.naming is a module", "", "module.naming.route_table_name", 25},
		{"azurerm_kubernetes_cluster.aks.default_node_pool[0].max_pods", "function file is not evaluated by aksnet", "", "max_pods", 22},
		{"azurerm_kubernetes_cluster.aks.network_profile[0].outbound_type", "var.outbound_type has no default and no value in the .tfvars files given (unknowns/main.tf:5:1)",
			"network_profile", "outbound_type", 27},
		{"azurerm_private_endpoint.shared.subnet_id", "data.azurerm_subnet.shared_pe is a data source", `resource "azurerm_private_endpoint"`, "subnet_id", 25},
	}
	if len(warns) != len(wants) {
		t.Errorf("got %d warnings, want %d:\n%v", len(warns), len(wants), warns)
	}
	for _, w := range wants {
		found := false
		for _, g := range warns {
			if g.Path != w.path {
				continue
			}
			found = true
			line := lineOf(t, "unknowns/main.tf", w.after, w.at)
			if g.File != "unknowns/main.tf" || g.Line != line || g.Column != w.col || !strings.Contains(g.Msg, w.text) || g.Hint == "" {
				t.Errorf("warning %s = %s:%d:%d %q (hint %q), want line %d column %d and %q", w.path, g.File, g.Line, g.Column, g.Msg, g.Hint, line, w.col, w.text)
			}
		}
		if !found {
			t.Errorf("no warning for %s in %v", w.path, warns)
		}
	}
	// Unknown values are left out, known ones kept.
	v := d.Spec.VNets[0]
	if len(v.DNSServers) != 0 || fmt.Sprint(v.AddressSpace) != "[10.90.0.0/16]" || len(v.Subnets) != 1 {
		t.Errorf("VNet = %+v", v)
	}
	if len(d.Spec.RouteTables) != 0 || len(d.Spec.PrivateEndpoints) != 0 {
		t.Errorf("route tables %+v, endpoints %+v: want none", d.Spec.RouteTables, d.Spec.PrivateEndpoints)
	}
	c := d.Spec.Clusters[0]
	if c.Region != "westeurope" || c.NodePools[0].MaxPods != nil || c.Outbound.Type != "" || *c.NodePools[0].Count != 3 {
		t.Errorf("cluster = %+v", c)
	}
	if _, ok := d.Sources["spec.clusters[0].nodePools[0].maxPods"]; ok {
		t.Error("maxPods has a source but no value")
	}
}
