package arm

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// load parses fixtures from testdata.
func load(t *testing.T, names ...string) []*importer.Doc {
	t.Helper()
	var docs []*importer.Doc
	for _, name := range names {
		file := filepath.Join("testdata", name)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(file, data)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		docs = append(docs, doc)
	}
	return docs
}

// lineOf returns the line of the first line of a fixture containing text
// after the first line containing after (empty: from the top).
func lineOf(t *testing.T, name, after, text string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	start := 0
	if after != "" {
		start = slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, after) })
		if start < 0 {
			t.Fatalf("%s has no line with %q", name, after)
		}
	}
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q after %q", name, text, after)
	return 0
}

func importOK(t *testing.T, names ...string) (*design.Design, []importer.Problem) {
	t.Helper()
	d, warns, err := Import(load(t, names...))
	if err != nil {
		t.Fatalf("Import(%v): %v", names, err)
	}
	return d, warns
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func intIs(t *testing.T, what string, got *int, want int) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got nil, want %d", what, want)
		return
	}
	eq(t, what, *got, want)
}

// at is an expected location: a fixture and a line found in it.
type at struct {
	file, after, text string
}

// checkLocs checks that design paths locate to the expected fixture lines.
func checkLocs(t *testing.T, d *design.Design, want map[string]at) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w := want[k]
		line := lineOf(t, w.file, w.after, w.text)
		loc := d.Locate(k)
		if loc.File != filepath.Join("testdata", w.file) || loc.Line != line {
			t.Errorf("Locate(%s): got %s:%d, want testdata/%s:%d", k, loc.File, loc.Line, w.file, line)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       bool
	}{
		{"template", `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[]}`, true},
		{"template without resources", `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}`, true},
		{"subscription template", `{"$schema":"https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#","resources":[]}`, true},
		{"parameters", `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","parameters":{}}`, true},
		{"export", `{"template":{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[]}}`, true},
		{"deployment show", `{"type":"Microsoft.Resources/deployments","properties":{"parameters":{}}}`, true},
		{"deployment body", `{"properties":{"mode":"Incremental","template":{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[]}}}`, true},
		{"az vnet", `{"type":"Microsoft.Network/virtualNetworks","name":"v","properties":{}}`, false},
		{"terraform", `{"format_version":"1.0","values":{"root_module":{}}}`, false},
		{"design", `{"apiVersion":"aksnet.dev/v1alpha1","kind":"Design"}`, false},
		{"array", `[{"$schema":"deploymentTemplate.json"}]`, false},
		{"export of something else", `{"template":{"resources":[]}}`, false},
	} {
		doc, err := importer.Parse("x.json", []byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(doc); got != tc.want {
			t.Errorf("%s: Detect = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, f := range []string{"aks-overlay.json", "aks-overlay.parameters.json", "deployment.json", "export.json", "invalid-no-resources.json"} {
		if !Detect(load(t, f)[0]) {
			t.Errorf("Detect(%s) = false, want true", f)
		}
	}
}

func TestImportValid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		check func(t *testing.T, d *design.Design, warns []importer.Problem)
	}{
		{"overlay with parameters file", []string{"aks-overlay.json", "aks-overlay.parameters.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			const tf, pf = "aks-overlay.json", "aks-overlay.parameters.json"
			if len(warns) != 0 {
				t.Errorf("warnings: got %v, want none", warns)
			}
			if len(d.Spec.VNets) != 1 || len(d.Spec.Clusters) != 1 || len(d.Spec.RouteTables) != 1 || len(d.Spec.NSGs) != 1 {
				t.Fatalf("got %d VNets, %d clusters, %d route tables, %d NSGs; want 1 each",
					len(d.Spec.VNets), len(d.Spec.Clusters), len(d.Spec.RouteTables), len(d.Spec.NSGs))
			}
			v := d.Spec.VNets[0]
			eq(t, "vnet", v.Name, "vnet-payments-weu")
			eq(t, "vnet region", v.Region, "westeurope")
			if !slices.Equal(v.AddressSpace, prefixes("10.42.0.0/16")) {
				t.Errorf("address space: got %v", v.AddressSpace)
			}
			if len(v.Subnets) != 2 {
				t.Fatalf("got %d subnets, want 2", len(v.Subnets))
			}
			nodes := v.Subnets[0]
			eq(t, "subnet", nodes.Name, "snet-aks-nodes")
			eq(t, "purpose", nodes.Purpose, design.PurposeNodes)
			eq(t, "route table", nodes.RouteTable, "rt-aks-payments-prod-weu")
			eq(t, "nsg", nodes.NSG, "nsg-aks-payments-prod-weu-nodes")
			if !slices.Equal(v.Subnets[1].AddressPrefixes, prefixes("10.42.8.0/24")) {
				t.Errorf("ingress prefixes: got %v", v.Subnets[1].AddressPrefixes)
			}
			rt := d.Spec.RouteTables[0]
			eq(t, "bgp", rt.DisableBGPPropagation, true)
			if len(rt.Routes) != 1 || rt.Routes[0].NextHopIPAddress != netip.MustParseAddr("10.40.1.4") || rt.Routes[0].NextHopType != design.NextHopVirtualAppliance {
				t.Errorf("routes: got %+v", rt.Routes)
			}
			rule := d.Spec.NSGs[0].Rules
			if len(rule) != 1 || rule[0].Priority != 200 || !slices.Equal(rule[0].DestinationPorts, []string{"443", "8443"}) || !slices.Equal(rule[0].Sources, []string{"10.40.0.0/16"}) {
				t.Errorf("NSG rules: got %+v", rule)
			}
			c := d.Spec.Clusters[0]
			eq(t, "cluster", c.Name, "aks-payments-prod-weu")
			eq(t, "version", c.KubernetesVersion, "1.33")
			eq(t, "vnet", c.VNet, "vnet-payments-weu")
			eq(t, "plugin", c.Network.Plugin, design.PluginAzure)
			eq(t, "mode", c.Network.PluginMode, design.ModeOverlay)
			eq(t, "dataplane", c.Network.Dataplane, design.DataplaneCilium)
			eq(t, "policy", c.Network.Policy, design.PolicyCilium)
			eq(t, "ipam", c.IPAM(), design.IPAMOverlay)
			if !slices.Equal(c.Network.PodCIDRs, prefixes("100.96.0.0/12")) || !slices.Equal(c.Network.ServiceCIDRs, prefixes("10.244.0.0/16")) {
				t.Errorf("pod/service CIDRs: got %v %v", c.Network.PodCIDRs, c.Network.ServiceCIDRs)
			}
			eq(t, "dns", c.Network.DNSServiceIP, netip.MustParseAddr("10.244.0.10"))
			eq(t, "outbound", c.Outbound.Type, design.OutboundUserDefinedRouting)
			eq(t, "private", c.APIServer.Private, true)
			eq(t, "zone", c.APIServer.PrivateDNSZone, "system")
			if c.APIServer.PublicFQDN == nil || *c.APIServer.PublicFQDN {
				t.Errorf("publicFQDN: got %v, want false", c.APIServer.PublicFQDN)
			}
			if len(c.NodePools) != 2 {
				t.Fatalf("got %d pools, want 2", len(c.NodePools))
			}
			sys, apps := c.NodePools[0], c.NodePools[1]
			eq(t, "system subnet", sys.Subnet, "vnet-payments-weu/snet-aks-nodes")
			intIs(t, "system count", sys.Count, 5)
			intIs(t, "system maxPods", sys.MaxPods, 110)
			eq(t, "system sku", sys.OSSKU, design.SKUAzureLinux)
			eq(t, "system surge", sys.MaxSurge, "10%")
			if apps.Count != nil {
				t.Errorf("autoscaled pool count: got %d, want unset", *apps.Count)
			}
			intIs(t, "apps min", apps.MinCount, 3)
			intIs(t, "apps max", apps.MaxCount, 30)
			checkLocs(t, d, map[string]at{
				// Overridden by the parameters file: located there.
				"spec.clusters[0].name":                       {pf, `"clusterName"`, `"value"`},
				"spec.clusters[0].region":                     {pf, `"location"`, `"value"`},
				"spec.clusters[0].nodePools[0].count":         {pf, `"systemNodeCount"`, `"value"`},
				"spec.clusters[0].network.podCidrs[0]":        {pf, `"podCidr"`, `"value"`},
				"spec.clusters[0].network.dnsServiceIP":       {pf, `"dnsServiceIP"`, `"value"`},
				"spec.routeTables[0].name":                    {tf, `"variables"`, `"routeTableName"`},
				"spec.networkSecurityGroups[0].rules[0].name": {tf, `"securityRules"`, `"allow-https-from-hub"`},
				// From the template's defaults and literals.
				"spec.vnets[0].addressSpace[0]":                  {tf, `"vnetAddressPrefix"`, `"defaultValue"`},
				"spec.vnets[0].subnets[1].addressPrefixes[0]":    {tf, `"10.42.8.0/24"`, `10.42.8.0/24`},
				"spec.clusters[0].nodePools[1].maxCount":         {tf, `"name": "apps"`, `"maxCount"`},
				"spec.clusters[0].nodePools[0].maxSurge":         {tf, `"name": "system"`, `"maxSurge"`},
				"spec.clusters[0].nodePools[0].subnet":           {tf, `"variables"`, `"nodeSubnetId"`},
				"spec.clusters[0].network.plugin":                {tf, `"networkProfile"`, `"networkPlugin"`},
				"spec.clusters[0].network.dataplane":             {tf, `"networkDataplane": {`, `"defaultValue"`},
				"spec.clusters[0].apiServer.private":             {tf, `"apiServerAccessProfile"`, `"enablePrivateCluster"`},
				"spec.vnets[0].subnets[0].routeTable":            {tf, `"name": "[variables('nodeSubnetName')]"`, `"id"`},
				"spec.routeTables[0].routes[0].nextHopIpAddress": {tf, `"firewallPrivateIP"`, `"defaultValue"`},
			})
		}},
		{"overlay without parameters file", []string{"aks-overlay.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			c := d.Spec.Clusters[0]
			eq(t, "cluster", c.Name, "aks-payments-weu")
			eq(t, "region", c.Region, UnknownRegion)
			intIs(t, "count", c.NodePools[0].Count, 3)
			if !slices.Equal(c.Network.PodCIDRs, prefixes("192.168.0.0/16")) {
				t.Errorf("pod CIDRs: got %v", c.Network.PodCIDRs)
			}
			// The VNet and the cluster take [parameters('location')], whose
			// default is [resourceGroup().location].
			var lines []int
			for _, w := range warns {
				if !strings.Contains(w.Msg, "resourceGroup() is known only at deployment") {
					t.Errorf("unexpected warning %v", w)
				}
				lines = append(lines, w.Line)
			}
			want := []int{
				lineOf(t, "aks-overlay.json", `"Microsoft.Network/virtualNetworks"`, `"location"`),
				lineOf(t, "aks-overlay.json", `"Microsoft.ContainerService/managedClusters"`, `"location"`),
			}
			if !slices.Equal(lines, want) {
				t.Errorf("warning lines: got %v, want %v", lines, want)
			}
		}},
		{"pod subnets, nested and top-level subnet resources, agent pool resource", []string{"aks-podsubnet.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			const f = "aks-podsubnet.json"
			if len(warns) != 0 {
				t.Errorf("warnings: got %v, want none", warns)
			}
			v := d.Spec.VNets[0]
			var names []string
			for _, s := range v.Subnets {
				names = append(names, s.Name+"="+string(s.Purpose))
			}
			if want := []string{"snet-nodes=nodes", "snet-apiserver=apiServer", "snet-pods=pods", "snet-pods-gpu=pods"}; !slices.Equal(names, want) {
				t.Errorf("subnets: got %v, want %v", names, want)
			}
			eq(t, "nat", v.Subnets[0].NATGateway, "ng-data-eus2")
			eq(t, "delegation", v.Subnets[2].Delegation, "Microsoft.ContainerService/managedClusters")
			if len(d.Spec.NATGateways) != 1 || d.Spec.NATGateways[0].PublicIPs != 1 || d.Spec.NATGateways[0].IdleTimeoutMinutes != 10 {
				t.Errorf("NAT gateways: got %+v", d.Spec.NATGateways)
			}
			c := d.Spec.Clusters[0]
			eq(t, "ipam", c.IPAM(), design.IPAMPodSubnetStatic)
			eq(t, "vnet integration", c.APIServer.VNetIntegrationSubnet, "vnet-data-eus2/snet-apiserver")
			eq(t, "outbound", c.Outbound.Type, design.OutboundUserAssignedNATGateway)
			if len(c.NodePools) != 2 {
				t.Fatalf("got %d pools, want 2", len(c.NodePools))
			}
			gpu := c.NodePools[1]
			eq(t, "gpu name", gpu.Name, "gpu")
			eq(t, "gpu pod subnet", gpu.PodSubnet, "vnet-data-eus2/snet-pods-gpu")
			eq(t, "gpu sku", gpu.OSSKU, design.SKUUbuntu)
			intIs(t, "gpu max", gpu.MaxCount, 8)
			intIs(t, "gpu min", gpu.MinCount, 0)
			checkLocs(t, d, map[string]at{
				"spec.vnets[0].subnets[0].addressPrefixes[0]":      {f, `"name": "snet-nodes"`, `"addressPrefix"`},
				"spec.vnets[0].subnets[2].name":                    {f, `"Microsoft.Network/virtualNetworks/subnets"`, `'snet-pods')]"`},
				"spec.vnets[0].subnets[3].addressPrefixes[0]":      {f, `/snet-pods-gpu`, `"addressPrefix"`},
				"spec.clusters[0].nodePools[1].name":               {f, `"Microsoft.ContainerService/managedClusters/agentPools"`, `"name"`},
				"spec.clusters[0].nodePools[1].maxPods":            {f, `"Microsoft.ContainerService/managedClusters/agentPools"`, `"maxPods"`},
				"spec.clusters[0].network.podIPAllocationMode":     {f, "", `"podIPAllocationMode"`},
				"spec.clusters[0].apiServer.vnetIntegrationSubnet": {f, `"enableVnetIntegration"`, `"subnetId"`},
			})
		}},
		{"private endpoints, DNS zone, link and peerings", []string{"private-endpoint.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			const f = "private-endpoint.json"
			if len(d.Spec.Peerings) != 1 || d.Spec.Peerings[0].From != "vnet-orders-neu" || d.Spec.Peerings[0].To != "vnet-hub-neu" {
				t.Errorf("peerings: got %+v, want one between the spoke and the hub", d.Spec.Peerings)
			}
			if len(d.Spec.PrivateDNSZones) != 1 || !slices.Equal(d.Spec.PrivateDNSZones[0].Links, []string{"vnet-hub-neu"}) {
				t.Errorf("zones: got %+v", d.Spec.PrivateDNSZones)
			}
			pes := d.Spec.PrivateEndpoints
			if len(pes) != 2 {
				t.Fatalf("got %d private endpoints, want 2", len(pes))
			}
			eq(t, "kv service", pes[0].Service, "keyVault")
			eq(t, "kv zone", pes[0].DNSZone, "privatelink.vaultcore.azure.net")
			eq(t, "kv subnet", pes[0].Subnet, "vnet-orders-neu/snet-private-endpoints")
			eq(t, "blob service", pes[1].Service, "storageBlob")
			eq(t, "blob zone", pes[1].DNSZone, "")
			eq(t, "pe subnet purpose", d.Spec.VNets[1].Subnets[0].Purpose, design.PurposePrivateEndpoints)
			eq(t, "firewall subnet purpose", d.Spec.VNets[0].Subnets[0].Purpose, design.PurposeFirewall)
			eq(t, "dns servers", len(d.Spec.VNets[1].DNSServers), 1)
			// The blob zone name needs environment(): one warning, at the variable.
			if len(warns) != 1 || warns[0].Line != lineOf(t, f, "", `"blobZone"`) || !strings.Contains(warns[0].Msg, "environment()") {
				t.Errorf("warnings: got %v, want one at the blobZone variable", warns)
			}
			checkLocs(t, d, map[string]at{
				"spec.privateEndpoints[0].service": {f, `"pe-kv-orders-neu"`, `"vault"`},
				"spec.privateEndpoints[0].dnsZone": {f, `"pe-kv-orders-neu/default"`, `"privateDnsZoneId"`},
				"spec.privateDnsZones[0].links[0]": {f, `'link-hub'`, `"id"`},
				"spec.peerings[0].to":              {f, `"orders-to-hub"`, `"id"`},
				"spec.vnets[1].dnsServers[0]":      {f, `"dnsServers"`, `10.0.1.4`},
			})
		}},
		{"deployment with its own parameters", []string{"deployment.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			if len(warns) != 0 {
				t.Errorf("warnings: got %v", warns)
			}
			v := d.Spec.VNets[0]
			eq(t, "region", v.Region, "westeurope")
			if !slices.Equal(v.AddressSpace, prefixes("10.71.0.0/16")) || !slices.Equal(v.Subnets[0].AddressPrefixes, prefixes("10.71.0.0/22")) ||
				!slices.Equal(v.Subnets[1].AddressPrefixes, prefixes("10.71.8.0/24")) {
				t.Errorf("prefixes: got %v %v %v", v.AddressSpace, v.Subnets[0].AddressPrefixes, v.Subnets[1].AddressPrefixes)
			}
			checkLocs(t, d, map[string]at{
				"spec.vnets[0].addressSpace[0]":               {"deployment.json", `"spokePrefix": {`, `"10.71.0.0/16"`},
				"spec.vnets[0].subnets[1].addressPrefixes[0]": {"deployment.json", `"snet-ingress"`, `"addressPrefix"`},
			})
		}},
		{"export declaring each subnet twice", []string{"export.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			if len(warns) != 0 {
				t.Errorf("warnings: got %v, want none for identical declarations", warns)
			}
			if len(d.Spec.VNets) != 1 || len(d.Spec.VNets[0].Subnets) != 1 {
				t.Fatalf("got %+v, want one VNet with one subnet", d.Spec.VNets)
			}
			eq(t, "name", d.Spec.VNets[0].Name, "vnet-shared-weu")
		}},
		{"deployment parameters applied to a template", []string{"aks-overlay.json", "deployment-show.json"}, func(t *testing.T, d *design.Design, warns []importer.Problem) {
			eq(t, "region", d.Spec.Clusters[0].Region, "francecentral")
			eq(t, "name", d.Spec.Clusters[0].Name, "aks-payments-frc")
			checkLocs(t, d, map[string]at{
				"spec.clusters[0].name": {"deployment-show.json", `"clusterName"`, `"value"`},
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, warns := importOK(t, tc.files...)
			if vp := design.Validate(d); len(vp) > 0 {
				t.Fatalf("imported design does not validate: %v", vp)
			}
			tc.check(t, d, warns)
		})
	}
}

func TestImportInvalid(t *testing.T) {
	type want struct {
		file, after, text string
		msg, hint         string
	}
	for _, tc := range []struct {
		name  string
		files []string
		want  []want
	}{
		{"bad CIDR", []string{"invalid-cidr.json"}, []want{
			{"invalid-cidr.json", "", `"10.20.300.0/24"`, `addressPrefix: 10.20.300.0/24 has an invalid address`, "dotted IPv4 address"}}},
		{"host bits set", []string{"invalid-hostbits.json"}, []want{
			{"invalid-hostbits.json", "", `"serviceCidr"`, "serviceCidr: 10.0.0.10/16 has host bits set", "did you mean 10.0.0.0/16?"}}},
		{"unknown parameter in parameters file", []string{"aks-overlay.json", "invalid-unknown-param.parameters.json"}, []want{
			{"invalid-unknown-param.parameters.json", "", `"podCidrr"`, `parameter "podCidrr" is not declared by the template`, `did you mean "podCidr"?`}}},
		{"parameter of the wrong type", []string{"aks-overlay.json", "invalid-type.parameters.json"}, []want{
			{"invalid-type.parameters.json", `"systemNodeCount"`, `"five"`, `parameter "systemNodeCount" is declared int but the value is the string "five"`, "without quotes"}}},
		{"property of the wrong type", []string{"invalid-type.json"}, []want{
			{"invalid-type.json", "", `"maxPods"`, `maxPods: want a whole number, got the string "30"`, "without quotes"}}},
		{"dangling subnet reference", []string{"invalid-dangling-subnet.json"}, []want{
			{"invalid-dangling-subnet.json", `"agentPoolProfiles"`, `"vnetSubnetID"`, "VNet vnet-shop-weu declares no subnet snet-workers", "declares snet-nodes"}}},
		{"template without resources", []string{"invalid-no-resources.json"}, []want{
			{"invalid-no-resources.json", "", `{`, "template has no resources", `"resources"`}}},
		{"undeclared parameter in an expression", []string{"invalid-undeclared.json"}, []want{
			{"invalid-undeclared.json", `"addressPrefixes"`, `vnetPrefx`, `parameter "vnetPrefx" is not declared`, `did you mean "vnetPrefix"?`}}},
		{"route table in another template", []string{"invalid-missing-routetable.json"}, []want{
			{"invalid-missing-routetable.json", `"routeTable"`, `"id"`, "subnet vnet-shop-weu/snet-nodes uses route table rt-egress-weu, which is not among the inputs", "add the template that declares it"}}},
		{"parameters file without template", []string{"aks-overlay.parameters.json"}, []want{
			{"aks-overlay.parameters.json", "", "{", "no ARM template among the inputs", "pass the template"}}},
		{"az output among templates", []string{"aks-overlay.json", "invalid-not-arm.json"}, []want{
			{"invalid-not-arm.json", "", "{", "not an ARM template, parameters file or deployment", "$schema"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Import(load(t, tc.files...))
			var e *importer.Error
			if !errors.As(err, &e) {
				t.Fatalf("Import: got %v, want an *importer.Error", err)
			}
			if len(e.Problems) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(e.Problems), len(tc.want), err)
			}
			for i, w := range tc.want {
				p := e.Problems[i]
				line := lineOf(t, w.file, w.after, w.text)
				if p.File != filepath.Join("testdata", w.file) || p.Line != line {
					t.Errorf("problem %d at %s:%d, want testdata/%s:%d (%v)", i, p.File, p.Line, w.file, line, p)
				}
				if !strings.Contains(p.Msg, w.msg) {
					t.Errorf("problem %d: %q does not say %q", i, p.Msg, w.msg)
				}
				if !strings.Contains(p.Hint, w.hint) {
					t.Errorf("problem %d: hint %q does not say %q", i, p.Hint, w.hint)
				}
			}
		})
	}
}

// TestParse checks that broken JSON is a problem at the line where it
// breaks, and that Parse reads what importer.Parse reads.
func TestParse(t *testing.T) {
	data, err := os.ReadFile("testdata/invalid-not-json.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("invalid-not-json.json", data)
	var e *importer.Error
	if !errors.As(err, &e) || len(e.Problems) != 1 {
		t.Fatalf("Parse: got %v, want one problem", err)
	}
	// The comma missing after "name" is noticed where the next key starts.
	p := e.Problems[0]
	if want := lineOf(t, "invalid-not-json.json", "", `"location"`); p.File != "invalid-not-json.json" || p.Line != want {
		t.Errorf("got %s:%d, want invalid-not-json.json:%d (%v)", p.File, p.Line, want, p)
	}
	if !strings.Contains(p.Msg, "not valid JSON") || !strings.Contains(p.Hint, "missing comma") {
		t.Errorf("got %v, want a JSON error with a fix hint", p)
	}
	for _, tc := range []struct {
		data string
		line int
	}{
		{"{\n  \"a\": [1, 2,\n", 2},
		{"// a comment with a \" quote\n{\n  /* block\n comment */ \"a\": 1,\n}\n", 5},
		{"{\n  \"a\": tru\n}", 2},
		{"", 1},
	} {
		_, err := Parse("x.json", []byte(tc.data))
		if !errors.As(err, &e) || len(e.Problems) != 1 || e.Problems[0].Line != tc.line {
			t.Errorf("Parse(%q): got %v, want one problem at line %d", tc.data, err, tc.line)
		}
	}
	doc, err := Parse("ok.json", []byte("// deployed by the platform team\n{\"a\": /* inline */ {\"b\": \"x//y/*z*/\"}}"))
	if err != nil || doc.Node("a.b") == nil || doc.Node("a.b").Line != 2 || doc.Node("a.b").Value != "x//y/*z*/" {
		t.Errorf("Parse of JSON with comments: got %v, %v", doc, err)
	}
}

// TestWarnings checks that expressions aksnet cannot evaluate are warnings
// at their place, that what depends on them is left out, and that nothing
// else is.
func TestWarnings(t *testing.T) {
	const f = "unresolved.json"
	d, warns := importOK(t, f)
	// Each warning is at a line found by text (after another text), moved
	// by delta lines: objects are reported at their opening brace.
	type want struct {
		after, text string
		delta       int
		msg         string
	}
	wants := []want{
		{`"variables"`, `"batchPrefix"`, 0, `[parameters('batchPrefix')]: parameter "batchPrefix" has no defaultValue`},
		{`"variables"`, `"firewallIP"`, 0, "reference() is known only at deployment"},
		{`"Microsoft.Network/virtualNetworks"`, `"location"`, 0, `location [resourceGroup().location]: resourceGroup() is known only at deployment`},
		{"", `"name": "snet-batch"`, -1, "subnet vnet-prod-cus/snet-batch is not checked: its address prefix is known only at deployment"},
		{"", `copyIndex())]"`, -3, "uses a copy loop; not checked"},
		{"", `"name": "batch"`, -1, "node pool batch of aks-prod-cus is not checked: its subnet vnet-prod-cus/snet-batch is not checked"},
		{"", `"name": "spot"`, -1, "node pool spot of aks-prod-cus is not checked: its node count is known only at deployment"},
		{`"name": "spot"`, `"count"`, 0, "aksnet does not evaluate int()"},
	}
	if len(warns) != len(wants) {
		t.Fatalf("got %d warnings, want %d:\n%v", len(warns), len(wants), (&importer.Error{Problems: warns}).Error())
	}
	for i, w := range wants {
		line := lineOf(t, f, w.after, w.text) + w.delta
		if warns[i].File != "testdata/"+f || warns[i].Line != line || !strings.Contains(warns[i].Msg, w.msg) {
			t.Errorf("warning %d: got %s:%d: %s\nwant testdata/%s:%d: ...%s...", i, warns[i].File, warns[i].Line, warns[i].Msg, f, line, w.msg)
		}
	}
	// The batch prefix warning names where the value was needed.
	if want := fmt.Sprintf("used by resources[0].properties.subnets[1].properties.addressPrefix at testdata/%s:%d", f, lineOf(t, f, `"snet-batch"`, `"addressPrefix"`)); !strings.Contains(warns[0].Msg, want) {
		t.Errorf("warning 0: %q does not say %q", warns[0].Msg, want)
	}
	// What remains is what the files say, and nothing guessed.
	v := d.Spec.VNets[0]
	if len(d.Spec.VNets) != 1 || len(v.Subnets) != 2 || v.Subnets[0].Name != "snet-nodes" || v.Subnets[1].Name != "snet-ingress" {
		t.Errorf("VNets: got %+v, want vnet-prod-cus with snet-nodes and snet-ingress", d.Spec.VNets)
	}
	if len(v.DNSServers) != 0 {
		t.Errorf("DNS servers: got %v, want none (the firewall IP is unknown)", v.DNSServers)
	}
	c := d.Spec.Clusters[0]
	if len(c.NodePools) != 1 || c.NodePools[0].Name != "system" {
		t.Errorf("pools: got %+v, want only system", c.NodePools)
	}
	eq(t, "outbound from if()", c.Outbound.Type, design.OutboundUserDefinedRouting)
	eq(t, "region", v.Region, UnknownRegion)
}

// TestSymbolicNames checks templates with languageVersion 2.0, whose
// resources are an object of symbolic names, and existing resources, which
// are references rather than deployments.
func TestSymbolicNames(t *testing.T) {
	const tmpl = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "hub": {
      "existing": true,
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2024-05-01",
      "name": "vnet-hub"
    },
    "spoke": {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2024-05-01",
      "name": "vnet-spoke",
      "location": "swedencentral",
      "properties": {
        "addressSpace": {"addressPrefixes": ["10.5.0.0/16"]},
        "subnets": [{"name": "snet-a", "properties": {"addressPrefix": "10.5.0.0/24"}}]
      }
    },
    "toHub": {
      "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
      "apiVersion": "2024-05-01",
      "name": "vnet-spoke/to-hub",
      "properties": {"remoteVirtualNetwork": {"id": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-hub')]"}}
    }
  }
}`
	doc, err := Parse("sym.json", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	d, warns, err := Import([]*importer.Doc{doc})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Spec.VNets) != 1 || d.Spec.VNets[0].Name != "vnet-spoke" || len(d.Spec.VNets[0].Subnets) != 1 {
		t.Errorf("VNets: got %+v, want only vnet-spoke (the hub is an existing resource)", d.Spec.VNets)
	}
	if loc := d.Locate("spec.vnets[0].subnets[0].addressPrefixes[0]"); loc.Line != 19 || loc.Path != "resources.spoke.properties.subnets[0].properties.addressPrefix" {
		t.Errorf("subnet prefix located at %d %s, want 19 resources.spoke.properties.subnets[0].properties.addressPrefix", loc.Line, loc.Path)
	}
	// The peering to the hub cannot be checked: the hub's ranges are not here.
	if len(d.Spec.Peerings) != 0 || len(warns) != 1 || warns[0].Line != 22 || !strings.Contains(warns[0].Msg, "VNet vnet-hub is not among the inputs") {
		t.Errorf("got peerings %+v and warnings %v, want one warning at line 22", d.Spec.Peerings, warns)
	}
}

// TestUnknownCascades checks that an object with a value known only at
// deployment is left out together with everything that depends on it,
// rather than checked as if the value were absent.
func TestUnknownCascades(t *testing.T) {
	const tmpl = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {"type": "Microsoft.Network/routeTables", "name": "rt-egress", "location": "westus3",
     "properties": {"routes": [{"name": "default", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
       "nextHopIpAddress": "[reference('afw').ipConfigurations[0].properties.privateIPAddress]"}}]}},
    {"type": "Microsoft.Network/routeTables", "name": "rt-other", "location": "westus3", "properties": {}},
    {"type": "Microsoft.Network/virtualNetworks", "name": "vnet-a", "location": "westus3",
     "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "subnets": [
       {"name": "snet-nodes", "properties": {"addressPrefix": "10.1.0.0/24", "routeTable": {"id": "[resourceId('Microsoft.Network/routeTables', 'rt-egress')]"}}},
       {"name": "snet-other", "properties": {"addressPrefix": "10.1.1.0/24", "routeTable": {"id": "[resourceId('Microsoft.Network/routeTables', 'rt-other')]"}}}]}},
    {"type": "Microsoft.ContainerService/managedClusters", "name": "aks-a", "location": "westus3",
     "properties": {"kubernetesVersion": "1.33", "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay", "outboundType": "userDefinedRouting"},
       "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3,
         "vnetSubnetID": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-a', 'snet-nodes')]"}]}},
    {"type": "Microsoft.ContainerService/managedClusters", "name": "aks-b", "location": "westus3",
     "properties": {"kubernetesVersion": "1.33", "networkProfile": {"networkPlugin": "[reference('x').plugin]"},
       "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3,
         "vnetSubnetID": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-a', 'snet-other')]"}]}}
  ]
}`
	doc, err := Parse("cascade.json", []byte(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	d, warns, err := Import([]*importer.Doc{doc})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range warns {
		got = append(got, fmt.Sprintf("%d: %s", w.Line, w.Msg))
	}
	want := []string{
		"5: route table rt-egress is not checked: its route default is known only at deployment",
		"6: [reference('afw').ipConfigurations[0].properties.privateIPAddress]: reference() is known only at deployment; the value is not checked",
		"10: subnet vnet-a/snet-nodes is not checked: its route table rt-egress is not checked",
		"12: managed cluster aks-a is not checked: none of its node pools can be checked",
		"14: node pool system of aks-a is not checked: its subnet vnet-a/snet-nodes is not checked",
		"16: managed cluster aks-b is not checked: part of its network or API server profile is known only at deployment",
		"17: [reference('x').plugin]: reference() is known only at deployment; the value is not checked",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(d.Spec.RouteTables) != 1 || d.Spec.RouteTables[0].Name != "rt-other" || d.Spec.RouteTables[0].Path != "spec.routeTables[0]" {
		t.Errorf("route tables: got %+v, want only rt-other, renumbered", d.Spec.RouteTables)
	}
	if loc := d.Locate("spec.routeTables[0].name"); loc.Line != 7 {
		t.Errorf("rt-other located at line %d, want 7", loc.Line)
	}
	if len(d.Spec.VNets[0].Subnets) != 1 || d.Spec.VNets[0].Subnets[0].Name != "snet-other" {
		t.Errorf("subnets: got %+v, want only snet-other", d.Spec.VNets[0].Subnets)
	}
	if len(d.Spec.Clusters) != 0 {
		t.Errorf("clusters: got %+v, want none", d.Spec.Clusters)
	}
}

func TestImportLocalDNS(t *testing.T) {
	const name = "aks-overlay.json"
	file := filepath.Join("testdata", name)
	base, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mode string
		want bool
	}{{"Required", true}, {"Preferred", false}, {"Disabled", false}} {
		data := strings.Replace(string(base), `"vmSize": "Standard_D8ds_v5",`, `"vmSize": "Standard_D8ds_v5", "localDNSProfile": {"mode": "`+tt.mode+`"},`, 1)
		if data == string(base) {
			t.Fatal("fixture has no second pool to give a LocalDNS profile")
		}
		doc, err := Parse(file, []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := Import([]*importer.Doc{doc})
		if err != nil {
			t.Fatal(err)
		}
		c := d.Spec.Clusters[0]
		if c.Network.LocalDNS != tt.want {
			t.Errorf("localDNSProfile mode %s: LocalDNS = %v, want %v", tt.mode, c.Network.LocalDNS, tt.want)
		}
		if tt.want {
			if loc, want := d.Locate(design.Field(design.Field(c.Path, "network"), "localDNS")), lineOf(t, name, "", `"vmSize": "Standard_D8ds_v5"`); loc.Line != want {
				t.Errorf("network.localDNS located at line %d, want %d", loc.Line, want)
			}
		}
	}
}
