package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

func load(t *testing.T, name string) (*importer.Doc, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := importer.Parse(name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return doc, data
}

// lineOf returns the 1-based line of the first line containing text after
// the first line containing after (empty: from the top).
func lineOf(t *testing.T, data []byte, after, text string) int {
	t.Helper()
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
			t.Fatalf("fixture has no line with %q", after)
		}
	}
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], text) {
			return i + 1
		}
	}
	t.Fatalf("fixture has no line with %q after %q", text, after)
	return 0
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       bool
	}{
		{"state", `{"format_version":"1.0","values":{"root_module":{}}}`, true},
		{"plan", `{"format_version":"1.2","planned_values":{"root_module":{}}}`, true},
		{"empty state", `{"format_version":"1.0"}`, false},
		{"az output", `{"type":"Microsoft.Network/virtualNetworks","name":"v"}`, false},
		{"array", `[{"format_version":"1.0"}]`, false},
	} {
		doc, err := importer.Parse("x.json", []byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(doc); got != tc.want {
			t.Errorf("%s: Detect = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, f := range []string{"state.json", "plan.json"} {
		doc, _ := load(t, f)
		if !Detect(doc) {
			t.Errorf("Detect(%s) = false, want true", f)
		}
	}
}

func TestImportState(t *testing.T) {
	doc, data := load(t, "state.json")
	d, warns, err := Import([]*importer.Doc{doc})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings = %v, want none", warns)
	}
	if vp := design.Validate(d); len(vp) != 0 {
		t.Errorf("Validate = %v, want none", vp)
	}
	if len(d.Spec.VNets) != 1 {
		t.Fatalf("got %d VNets, want 1", len(d.Spec.VNets))
	}
	v := d.Spec.VNets[0]
	if v.Name != "vnet-spoke-prod" || v.Region != "westeurope" || v.AddressSpace[0].String() != "10.20.0.0/16" || v.DNSServers[0].String() != "10.0.0.4" {
		t.Errorf("VNet = %+v", v)
	}
	wantSubnets := []struct {
		name, prefix string
		purpose      design.SubnetPurpose
		rt, ng       string
	}{
		{"snet-aks-nodes", "10.20.0.0/22", design.PurposeNodes, "rt-aks-egress", ""},
		{"AzureBastionSubnet", "10.20.8.0/26", design.PurposeBastion, "", ""},
		{"snet-agc", "10.20.9.0/24", design.PurposeAppGatewayForContainers, "", "ng-spoke-prod"},
	}
	if len(v.Subnets) != len(wantSubnets) {
		t.Fatalf("got %d subnets, want %d: %+v", len(v.Subnets), len(wantSubnets), v.Subnets)
	}
	for i, w := range wantSubnets {
		s := v.Subnets[i]
		if s.Name != w.name || s.AddressPrefixes[0].String() != w.prefix || s.Purpose != w.purpose || s.RouteTable != w.rt || s.NATGateway != w.ng {
			t.Errorf("subnet %d = %+v, want %+v", i, s, w)
		}
	}
	if got := v.Subnets[2].Delegation; got != "Microsoft.ServiceNetworking/trafficControllers" {
		t.Errorf("delegation = %q", got)
	}
	rt := d.Spec.RouteTables[0]
	if !rt.DisableBGPPropagation || rt.Routes[0].NextHopType != design.NextHopVirtualAppliance || rt.Routes[0].NextHopIPAddress.String() != "10.0.1.4" {
		t.Errorf("route table = %+v", rt)
	}
	ng := d.Spec.NATGateways[0]
	if ng.PublicIPs != 2 || ng.IdleTimeoutMinutes != 4 || ng.SKU != design.NATStandard {
		t.Errorf("NAT gateway = %+v", ng)
	}
	c := d.Spec.Clusters[0]
	if c.Name != "aks-prod-weu" || c.KubernetesVersion != "1.33" || c.VNet != "vnet-spoke-prod" {
		t.Errorf("cluster = %s %s %s", c.Name, c.KubernetesVersion, c.VNet)
	}
	n := c.Network
	if n.Plugin != design.PluginAzure || n.PluginMode != design.ModeOverlay || n.Dataplane != design.DataplaneCilium || n.Policy != design.PolicyCilium ||
		n.PodCIDRs[0].String() != "100.64.0.0/16" || n.ServiceCIDRs[0].String() != "10.240.0.0/16" || n.DNSServiceIP.String() != "10.240.0.10" ||
		len(n.IPFamilies) != 1 {
		t.Errorf("network = %+v", n)
	}
	if lb := c.Outbound.LoadBalancer; c.Outbound.Type != design.OutboundLoadBalancer || lb == nil || lb.OutboundIPs != 2 || lb.AllocatedOutboundPorts != 1024 || lb.IdleTimeoutMinutes != 10 {
		t.Errorf("outbound = %+v %+v", c.Outbound, c.Outbound.LoadBalancer)
	}
	if a := c.APIServer; a.Private || len(a.AuthorizedIPRanges) != 2 || a.VNetIntegrationSubnet != "" {
		t.Errorf("apiServer = %+v", a)
	}
	if len(c.NodePools) != 2 {
		t.Fatalf("got %d pools, want 2", len(c.NodePools))
	}
	sys, user := c.NodePools[0], c.NodePools[1]
	if sys.Name != "system" || sys.Mode != design.ModeSystem || sys.Count != nil || *sys.MinCount != 3 || *sys.MaxCount != 5 || *sys.MaxPods != 50 ||
		sys.OSSKU != design.SKUAzureLinux || sys.MaxSurge != "10%" || sys.Subnet != "vnet-spoke-prod/snet-aks-nodes" {
		t.Errorf("system pool = %+v", sys)
	}
	if user.Name != "user1" || user.Mode != design.ModeUser || *user.Count != 6 || user.MinCount != nil || user.MaxSurge != "1" || user.OS != design.OSLinux {
		t.Errorf("user pool = %+v", user)
	}

	for _, tc := range []struct {
		path        string
		after, text string
	}{
		{"spec.vnets[0].addressSpace[0]", `"address_space"`, `"10.20.0.0/16"`},
		{"spec.vnets[0].subnets[0]", `"address": "module.network.azurerm_virtual_network.spoke"`, `"address": "module.network.azurerm_subnet.nodes"`},
		{"spec.vnets[0].subnets[2].delegation", `"service_delegation"`, `"name": "Microsoft.ServiceNetworking`},
		{"spec.vnets[0].subnets[0].routeTable", `"address": "module.network.azurerm_subnet_route_table_association.nodes"`, `"route_table_id"`},
		{"spec.vnets[0].subnets[1].name", `"name": "AzureBastionSubnet"`, `"name": "AzureBastionSubnet"`},
		{"spec.routeTables[0].routes[0].nextHopIpAddress", `"next_hop_in_ip_address"`, `"next_hop_in_ip_address"`},
		{"spec.natGateways[0].publicIPs", `"address": "module.network.azurerm_nat_gateway.spoke"`, `"address": "module.network.azurerm_nat_gateway_public_ip_association.spoke[0]"`},
		{"spec.clusters[0].network.plugin", `"network_plugin"`, `"network_plugin"`},
		{"spec.clusters[0].network.serviceCidrs[0]", `"service_cidrs"`, `"10.240.0.0/16"`},
		{"spec.clusters[0].outbound.loadBalancer.outboundIPs", `"managed_outbound_ip_count"`, `"managed_outbound_ip_count"`},
		{"spec.clusters[0].nodePools[0].maxSurge", `"max_surge": "10%"`, `"max_surge"`},
		{"spec.clusters[0].nodePools[1].count", `"node_count": 6`, `"node_count"`},
		{"spec.clusters[0].vnet", `"address": "azurerm_kubernetes_cluster.prod"`, `"vnet_subnet_id"`},
	} {
		want := lineOf(t, data, tc.after, tc.text)
		if strings.HasPrefix(tc.text, `"address"`) {
			want-- // an object is located at its opening brace
		}
		loc := d.Locate(tc.path)
		if loc.File != "state.json" || loc.Line != want {
			t.Errorf("Locate(%s) = %s:%d, want state.json:%d", tc.path, loc.File, loc.Line, want)
		}
	}
	if got := d.Locate("spec.vnets[0].addressSpace[0]").Path; got != "values.root_module.child_modules[0].resources[0].values.address_space[0]" {
		t.Errorf("source path = %q", got)
	}
}

func TestImportPlan(t *testing.T) {
	doc, data := load(t, "plan.json")
	d, warns, err := Import([]*importer.Doc{doc})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if vp := design.Validate(d); len(vp) != 0 {
		t.Errorf("Validate = %v, want none", vp)
	}
	v := d.Spec.VNets[0]
	if len(v.Subnets) != 2 || v.Subnets[0].Purpose != design.PurposeNodes || v.Subnets[1].Purpose != design.PurposePods {
		t.Errorf("subnets = %+v", v.Subnets)
	}
	// route_table_id is known only after apply; the configuration names
	// azurerm_route_table.egress.
	if got := v.Subnets[0].RouteTable; got != "rt-dev-egress" {
		t.Errorf("route table = %q, want rt-dev-egress (resolved through configuration)", got)
	}
	rt := d.Spec.RouteTables[0]
	if !rt.DisableBGPPropagation || rt.Routes[0].AddressPrefix != "0.0.0.0/0" {
		t.Errorf("route table = %+v", rt)
	}
	c := d.Spec.Clusters[0]
	if c.Name != "aks-dev-neu" || !c.APIServer.Private || c.APIServer.PrivateDNSZone != "" || c.Outbound.Type != design.OutboundUserDefinedRouting ||
		c.Network.Policy != design.PolicyCalico || c.Network.ServiceCIDRs[0].String() != "10.31.0.0/16" || len(c.Network.PodCIDRs) != 0 {
		t.Errorf("cluster = %+v", c)
	}
	if len(c.NodePools) != 2 {
		t.Fatalf("pools = %+v, want system and apps (apps' cluster ID resolved through configuration)", c.NodePools)
	}
	sys, apps := c.NodePools[0], c.NodePools[1]
	if sys.Name != "system" || *sys.Count != 2 || sys.Subnet != "vnet-dev/snet-nodes" || sys.PodSubnet != "vnet-dev/snet-pods" {
		t.Errorf("system pool = %+v", sys)
	}
	if apps.Name != "apps" || apps.Mode != design.ModeUser || *apps.MaxCount != 10 || apps.Subnet != "vnet-dev/snet-nodes" || apps.PodSubnet != "vnet-dev/snet-pods" {
		t.Errorf("apps pool = %+v", apps)
	}
	// Resolved values are located at the reference in configuration.
	lines := strings.Split(string(data), "\n")
	for _, tc := range []struct{ path, src, text string }{
		{"spec.vnets[0].subnets[0].routeTable", "configuration.root_module.resources[4].expressions.route_table_id.references[0]", `"route_table_id": {"references": ["azurerm_route_table.egress.id"`},
		{"spec.clusters[0].nodePools[0].podSubnet", "configuration.root_module.resources[5].expressions.default_node_pool[0].pod_subnet_id.references[0]", `"pod_subnet_id": {"references": ["azurerm_subnet.pods.id"`},
		{"spec.clusters[0].nodePools[1].podSubnet", "configuration.root_module.resources[6].expressions.pod_subnet_id.references[0]", `"pod_subnet_id": {"references": ["azurerm_subnet.pods.id"`},
	} {
		loc := d.Locate(tc.path)
		if loc.Path != tc.src || loc.File != "plan.json" {
			t.Errorf("Locate(%s) = %s %s, want plan.json %s", tc.path, loc.File, loc.Path, tc.src)
		}
		if loc.Line < 1 || loc.Line > len(lines) || !strings.Contains(lines[loc.Line-1], tc.text) {
			t.Errorf("Locate(%s) line = %d, want a line with %s", tc.path, loc.Line, tc.text)
		}
	}
	if got := d.Locate("spec.clusters[0].network.serviceCidrs[0]"); got.Line != lineOf(t, data, "", `"service_cidr": "10.31.0.0/16"`) {
		t.Errorf("service CIDR at line %d", got.Line)
	}
	if got := d.Locate("spec.clusters[0].network.serviceCidrs[0]").Path; got != "planned_values.root_module.resources[5].values.network_profile[0].service_cidr" {
		t.Errorf("source path = %q", got)
	}
	// private_dns_zone_id is computed by Azure; no configuration reference
	// names it, so it still cannot be checked.
	want := []struct{ path, after, text string }{
		{"resource_changes[5].change.after_unknown.private_dns_zone_id", `"address": "azurerm_kubernetes_cluster.dev"`, `"private_dns_zone_id": true`},
	}
	if len(warns) != len(want) {
		t.Errorf("got %d warnings, want %d: %v", len(warns), len(want), warns)
	}
	for _, w := range want {
		found := false
		for _, p := range warns {
			if p.Path == w.path {
				found = true
				if l := lineOf(t, data, w.after, w.text); p.Line != l || p.File != "plan.json" {
					t.Errorf("warning %s at %s:%d, want plan.json:%d", w.path, p.File, p.Line, l)
				}
				if !strings.Contains(p.Msg, "known only after apply; not checked") {
					t.Errorf("warning %s says %q", w.path, p.Msg)
				}
			}
		}
		if !found {
			t.Errorf("no warning at %s; got %v", w.path, warns)
		}
	}
}

func TestImportInvalid(t *testing.T) {
	for _, tc := range []struct {
		file, path, msg string
	}{
		{"invalid-type.json", "values.root_module.child_modules[0].resources[0].values.address_space", "want a list"},
		{"invalid-cidr.json", "values.root_module.child_modules[0].resources[2].values.address_prefixes[0]", `"10.20.9.0/33" is not a CIDR`},
		{"invalid-plugin.json", "values.root_module.resources[1].values.network_profile[0].network_plugin", `network_plugin "flannel" is not a value aksnet knows`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc, _ := load(t, tc.file)
			d, _, err := Import([]*importer.Doc{doc})
			var ie *importer.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Import error = %v (design %v), want *importer.Error", err, d != nil)
			}
			if len(ie.Problems) != 1 {
				t.Fatalf("got %d problems, want 1: %v", len(ie.Problems), ie)
			}
			p := ie.Problems[0]
			if p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = %s, want path %s and message containing %q", p, tc.path, tc.msg)
			}
			if want := doc.Line(tc.path); p.Line != want || p.Line <= 1 {
				t.Errorf("problem line = %d, want %d", p.Line, want)
			}
		})
	}
}

func TestImportNotTerraform(t *testing.T) {
	doc, err := importer.Parse("az.json", []byte(`{"type": "Microsoft.Network/virtualNetworks"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Import([]*importer.Doc{doc}); err == nil {
		t.Error("Import of az output succeeded, want an error")
	}
}

// A cluster whose only pool sits in a subnet known only after apply is
// left out with warnings; the clusters after it keep their locations.
func TestImportPlanUnknownPoolSubnet(t *testing.T) {
	const plan = `{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "azurerm_kubernetes_cluster.a", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "a",
     "values": {"name": "aks-a", "location": "westeurope", "kubernetes_version": "1.33",
       "default_node_pool": [{"name": "system", "node_count": 3, "vm_size": "Standard_D4s_v5"}]}},
    {"address": "azurerm_kubernetes_cluster.b", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "b",
     "values": {"name": "aks-b", "location": "westeurope", "kubernetes_version": "1.33",
       "network_profile": [{"network_plugin": "kubenet"}],
       "default_node_pool": [{"name": "system", "node_count": 2, "vm_size": "Standard_D4s_v5"}]}}
  ]}},
  "resource_changes": [
    {"address": "azurerm_kubernetes_cluster.a", "change": {"actions": ["create"],
     "after_unknown": {"default_node_pool": [{"vnet_subnet_id": true}], "id": true}}}
  ]
}`
	doc, err := importer.Parse("plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	d, warns, err := Import([]*importer.Doc{doc})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(d.Spec.Clusters) != 1 || d.Spec.Clusters[0].Name != "aks-b" || d.Spec.Clusters[0].Path != "spec.clusters[0]" {
		t.Fatalf("clusters = %+v, want only aks-b at spec.clusters[0]", d.Spec.Clusters)
	}
	if got, want := d.Locate("spec.clusters[0].network.plugin").Line, 9; got != want {
		t.Errorf("aks-b plugin at line %d, want %d", got, want)
	}
	if len(warns) != 2 || warns[0].Line != 14 || !strings.Contains(warns[1].Msg, "aks-a is not checked") {
		t.Errorf("warnings = %v", warns)
	}
}
