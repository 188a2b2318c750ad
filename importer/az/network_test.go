package az

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

type importFunc func(doc *importer.Doc, base string, d *design.Design) []importer.Problem

// loadFixture parses testdata/name and returns the document and its lines.
func loadFixture(t *testing.T, name string) (*importer.Doc, []string) {
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
	return doc, strings.Split(string(data), "\n")
}

// lineOf returns the 1-based line of the nth (0-based) line containing sub.
func lineOf(t *testing.T, lines []string, sub string, nth int) int {
	t.Helper()
	for i, l := range lines {
		if strings.Contains(l, sub) {
			if nth == 0 {
				return i + 1
			}
			nth--
		}
	}
	t.Fatalf("fixture has no line containing %q", sub)
	return 0
}

// lineExact returns the 1-based line of the nth (0-based) line equal to text.
func lineExact(t *testing.T, lines []string, text string, nth int) int {
	t.Helper()
	for i, l := range lines {
		if l == text {
			if nth == 0 {
				return i + 1
			}
			nth--
		}
	}
	t.Fatalf("fixture has no line %q", text)
	return 0
}

// importOK runs f on a fixture and fails on any problem.
func importOK(t *testing.T, d *design.Design, name, base string, f importFunc) []string {
	t.Helper()
	doc, lines := loadFixture(t, name)
	if ps := f(doc, base, d); len(ps) > 0 {
		t.Fatalf("%s: unexpected problems: %v", name, ps)
	}
	return lines
}

// wantLine checks that designPath is located at the given line of file.
func wantLine(t *testing.T, d *design.Design, designPath, file string, line int) {
	t.Helper()
	loc := d.Locate(designPath)
	if got, want := loc.File, filepath.Join("testdata", file); got != want {
		t.Errorf("Locate(%s).File: got %q, want %q", designPath, got, want)
	}
	if loc.Line != line {
		t.Errorf("Locate(%s).Line: got %d, want %d", designPath, loc.Line, line)
	}
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func TestImportVNetSpoke(t *testing.T) {
	const file = "vnet-spoke.json"
	d := &design.Design{}
	lines := importOK(t, d, file, "", importVNet)
	if len(d.Spec.VNets) != 1 {
		t.Fatalf("vnets: got %d, want 1", len(d.Spec.VNets))
	}
	v := d.Spec.VNets[0]
	if v.Name != "vnet-spoke-weu" || v.Region != "westeurope" || v.ResourceGroup != "rg-net-spoke-weu" || v.Path != "spec.vnets[0]" {
		t.Errorf("vnet header: got %q %q %q %q", v.Name, v.Region, v.ResourceGroup, v.Path)
	}
	if !slices.Equal(v.AddressSpace, prefixes("10.80.0.0/16")) {
		t.Errorf("addressSpace: got %v", v.AddressSpace)
	}
	wantDNS := []netip.Addr{netip.MustParseAddr("10.0.4.4"), netip.MustParseAddr("10.0.4.5")}
	if !slices.Equal(v.DNSServers, wantDNS) {
		t.Errorf("dnsServers: got %v, want %v", v.DNSServers, wantDNS)
	}

	type sub struct {
		name, purpose, delegation, rt, nsg, nat string
		prefixes                                []netip.Prefix
		used                                    int
	}
	want := []sub{
		{"snet-aks-nodes", "other", "", "rt-spoke-egress", "nsg-aks-nodes", "ng-spoke-weu", prefixes("10.80.0.0/22"), 3},
		// AKS delegates dynamic pod subnets to managedClusters too: the
		// importer cannot tell them from API server subnets (the join can).
		{"snet-aks-pods", "apiServer", "Microsoft.ContainerService/managedClusters", "rt-spoke-egress", "", "", prefixes("10.80.16.0/20"), 2},
		{"snet-ingress", "other", "", "", "nsg-ingress", "", prefixes("10.80.4.0/26", "10.80.4.64/26"), 1},
		{"snet-private-endpoints", "privateEndpoints", "", "", "", "", prefixes("10.80.5.0/27"), 3},
	}
	if len(v.Subnets) != len(want) {
		t.Fatalf("subnets: got %d, want %d", len(v.Subnets), len(want))
	}
	for i, w := range want {
		s := v.Subnets[i]
		got := sub{s.Name, string(s.Purpose), s.Delegation, s.RouteTable, s.NSG, s.NATGateway, s.AddressPrefixes, s.UsedAddresses}
		if got.name != w.name || got.purpose != w.purpose || got.delegation != w.delegation || got.rt != w.rt ||
			got.nsg != w.nsg || got.nat != w.nat || got.used != w.used || !slices.Equal(got.prefixes, w.prefixes) {
			t.Errorf("subnet %d:\n got %+v\nwant %+v", i, got, w)
		}
		if want := design.Index("spec.vnets[0].subnets", i); s.Path != want {
			t.Errorf("subnet %d path: got %q, want %q", i, s.Path, want)
		}
	}

	if len(d.Spec.Peerings) != 1 {
		t.Fatalf("peerings: got %d, want 1", len(d.Spec.Peerings))
	}
	if p := d.Spec.Peerings[0]; p.Name != "spoke-to-hub" || p.From != "vnet-spoke-weu" || p.To != "vnet-hub-weu" || p.Path != "spec.peerings[0]" {
		t.Errorf("peering: got %+v", p)
	}

	for _, c := range []struct {
		path, sub string
		nth       int
	}{
		{"spec.vnets[0]", "{", 0},
		{"spec.vnets[0].name", `"name": "vnet-spoke-weu"`, 0},
		{"spec.vnets[0].region", `"location"`, 0},
		{"spec.vnets[0].addressSpace[0]", `"10.80.0.0/16"`, 0},
		{"spec.vnets[0].dnsServers[1]", `"10.0.4.5"`, 0},
		{"spec.vnets[0].subnets[1].addressPrefixes[0]", `"addressPrefix": "10.80.16.0/20"`, 0},
		{"spec.vnets[0].subnets[1].delegation", `"delegations": [`, 1},
		{"spec.vnets[0].subnets[2].addressPrefixes[1]", `"10.80.4.64/26"`, 0},
		{"spec.vnets[0].subnets[0].routeTable", `routeTables/rt-spoke-egress"`, 0},
		{"spec.vnets[0].subnets[0].natGateway", `natGateways/ng-spoke-weu"`, 0},
		{"spec.vnets[0].subnets[0].usedAddresses", `"ipConfigurations": [`, 0},
		{"spec.vnets[0].subnets[3].usedAddresses", `"privateEndpoints": [`, 0},
		{"spec.peerings[0].to", `virtualNetworks/vnet-hub-weu"`, 0},
	} {
		wantLine(t, d, c.path, file, lineOf(t, lines, c.sub, c.nth))
	}
	// An object is located at its opening brace.
	wantLine(t, d, "spec.vnets[0].subnets[1]", file, lineOf(t, lines, `"addressPrefix": "10.80.16.0/20"`, 0)-1)
	wantLine(t, d, "spec.peerings[0]", file, lineOf(t, lines, `"allowForwardedTraffic"`, 0)-1)
}

func TestImportVNetList(t *testing.T) {
	const file = "vnet-list-hub.json"
	d := &design.Design{}
	importOK(t, d, file, "[0]", importVNet)
	lines := importOK(t, d, file, "[1]", importVNet)
	if len(d.Spec.VNets) != 2 {
		t.Fatalf("vnets: got %d, want 2", len(d.Spec.VNets))
	}
	got := map[string]design.SubnetPurpose{}
	for _, v := range d.Spec.VNets {
		for _, s := range v.Subnets {
			got[s.Name] = s.Purpose
		}
	}
	want := map[string]design.SubnetPurpose{
		"AzureFirewallSubnet":           design.PurposeFirewall,
		"AzureFirewallManagementSubnet": design.PurposeFirewallManagement,
		"GatewaySubnet":                 design.PurposeGateway,
		"AzureBastionSubnet":            design.PurposeBastion,
		"snet-appgw":                    design.PurposeAppGateway,
		"snet-agc":                      design.PurposeAppGatewayForContainers,
		"snet-apiserver":                design.PurposeAPIServer,
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("purpose of %s: got %q, want %q", name, got[name], w)
		}
	}
	if p := d.Spec.Peerings; len(p) != 1 || p[0].From != "vnet-hub-weu" || p[0].To != "vnet-spoke-weu" {
		t.Errorf("peerings: got %+v", p)
	}
	if v := d.Spec.VNets[1]; len(v.DNSServers) != 0 || v.Path != "spec.vnets[1]" {
		t.Errorf("edge vnet: got dns %v path %q", v.DNSServers, v.Path)
	}
	wantLine(t, d, "spec.vnets[1]", file, lineExact(t, lines, "  {", 1))
	wantLine(t, d, "spec.vnets[1].subnets[2].delegation", file, lineOf(t, lines, `"delegations": [`, 6))
	wantLine(t, d, "spec.vnets[0].subnets[2].name", file, lineOf(t, lines, `"name": "GatewaySubnet"`, 0))
}

func TestImportSubnet(t *testing.T) {
	d := &design.Design{}
	importOK(t, d, "vnet-spoke.json", "", importVNet)
	lines := importOK(t, d, "vnet-subnet-show.json", "", importSubnet)
	v := d.Spec.VNets[0]
	if len(v.Subnets) != 5 {
		t.Fatalf("subnets: got %d, want 5", len(v.Subnets))
	}
	s := v.Subnets[4]
	// One VMSS NIC plus one private endpoint whose NIC configuration is
	// already listed: 2, not 3.
	if s.Name != "snet-aks-user" || s.UsedAddresses != 2 || s.NATGateway != "ng-spoke-weu" ||
		s.Purpose != design.PurposePrivateEndpoints || s.Path != "spec.vnets[0].subnets[4]" {
		t.Errorf("subnet: got %+v", s)
	}
	wantLine(t, d, "spec.vnets[0].subnets[4].addressPrefixes[0]", "vnet-subnet-show.json", lineOf(t, lines, `"addressPrefix"`, 0))

	// Importing the same subnet again replaces it in place.
	importOK(t, d, "vnet-subnet-show.json", "", importSubnet)
	if n := len(d.Spec.VNets[0].Subnets); n != 5 {
		t.Errorf("subnets after re-import: got %d, want 5", n)
	}
}

func TestImportRouteTable(t *testing.T) {
	const file = "routetable-egress.json"
	d := &design.Design{}
	lines := importOK(t, d, file, "", importRouteTable)
	if len(d.Spec.RouteTables) != 1 {
		t.Fatalf("route tables: got %d, want 1", len(d.Spec.RouteTables))
	}
	rt := d.Spec.RouteTables[0]
	if rt.Name != "rt-spoke-egress" || !rt.DisableBGPPropagation || len(rt.Routes) != 2 {
		t.Fatalf("route table: got %+v", rt)
	}
	want := []design.Route{
		{Name: "default-to-firewall", AddressPrefix: "0.0.0.0/0", NextHopType: design.NextHopVirtualAppliance,
			NextHopIPAddress: netip.MustParseAddr("10.0.0.4"), Path: "spec.routeTables[0].routes[0]"},
		{Name: "azure-direct", AddressPrefix: "AzureCloud.westeurope", NextHopType: design.NextHopInternet,
			Path: "spec.routeTables[0].routes[1]"},
	}
	for i, w := range want {
		if rt.Routes[i] != w {
			t.Errorf("route %d: got %+v, want %+v", i, rt.Routes[i], w)
		}
	}
	wantLine(t, d, "spec.routeTables[0].disableBgpRoutePropagation", file, lineOf(t, lines, `"disableBgpRoutePropagation"`, 0))
	wantLine(t, d, "spec.routeTables[0].routes[0].nextHopIpAddress", file, lineOf(t, lines, `"nextHopIpAddress"`, 0))
	wantLine(t, d, "spec.routeTables[0].routes[1].nextHopType", file, lineOf(t, lines, `"nextHopType"`, 1))
}

func TestImportNATGateway(t *testing.T) {
	const file = "natgw-spoke.json"
	d := &design.Design{}
	lines := importOK(t, d, file, "", importNATGateway)
	if len(d.Spec.NATGateways) != 1 {
		t.Fatalf("NAT gateways: got %d, want 1", len(d.Spec.NATGateways))
	}
	// Two addresses plus one prefix counted as one address.
	want := design.NATGateway{Name: "ng-spoke-weu", SKU: design.NATStandardV2, PublicIPs: 3, IdleTimeoutMinutes: 10,
		Path: "spec.natGateways[0]"}
	if got := d.Spec.NATGateways[0]; got != want {
		t.Errorf("NAT gateway: got %+v, want %+v", got, want)
	}
	wantLine(t, d, "spec.natGateways[0].sku", file, lineOf(t, lines, `"name": "StandardV2"`, 0))
	wantLine(t, d, "spec.natGateways[0].idleTimeoutMinutes", file, lineOf(t, lines, `"idleTimeoutInMinutes"`, 0))
	wantLine(t, d, "spec.natGateways[0].publicIPs", file, lineOf(t, lines, `"publicIpAddresses"`, 0))
}

func TestImportNetworkInvalid(t *testing.T) {
	for _, c := range []struct {
		name, file string
		f          importFunc
		// each problem: a substring of the message and the fixture text
		// on its line
		want [][2]string
	}{
		{"bad prefixes", "vnet-invalid-prefix.json", importVNet, [][2]string{
			{"host bits", `"10.80.0.1/16"`},
			{"bad subnet prefix", `"10.80.16.0/19x"`},
		}},
		{"address space of wrong type", "vnet-invalid-addressspace-type.json", importVNet, [][2]string{
			{"unexpected shape", `"addressSpace": "10.80.0.0/16"`},
		}},
		{"not a vnet", "routetable-egress.json", importVNet, [][2]string{
			{"expected a Microsoft.Network/virtualNetworks", `"type": "Microsoft.Network/routeTables"`},
		}},
		{"subnet of a missing vnet", "vnet-subnet-unknown-vnet.json", importSubnet, [][2]string{
			{"vnet-other, which is not among the inputs", `"id":`},
		}},
		{"bad routes", "routetable-invalid.json", importRouteTable, [][2]string{
			{"is a prefix, not an address", `"nextHopIpAddress": "10.0.0.4/32"`},
			{`unknown nextHopType "ExpressRouteGateway"`, `"nextHopType": "ExpressRouteGateway"`},
		}},
		{"bad NAT SKU", "natgw-invalid-sku.json", importNATGateway, [][2]string{
			{`unknown NAT gateway SKU "Premium"`, `"name": "Premium"`},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, lines := loadFixture(t, c.file)
			ps := c.f(doc, "", &design.Design{})
			if len(ps) != len(c.want) {
				t.Fatalf("problems: got %d (%v), want %d", len(ps), ps, len(c.want))
			}
			for i, w := range c.want {
				t.Log(ps[i])
				if !strings.Contains(ps[i].Msg, w[0]) {
					t.Errorf("problem %d: got %q, want it to contain %q", i, ps[i].Msg, w[0])
				}
				if want := lineOf(t, lines, w[1], 0); ps[i].Line != want {
					t.Errorf("problem %d (%s) line: got %d, want %d", i, ps[i].Msg, ps[i].Line, want)
				}
				if ps[i].File != filepath.Join("testdata", c.file) {
					t.Errorf("problem %d file: got %q", i, ps[i].File)
				}
			}
		})
	}
}

func TestInferPurpose(t *testing.T) {
	for _, c := range []struct {
		name        string
		delegations []string
		appGw, pe   bool
		want        design.SubnetPurpose
	}{
		{"AzureFirewallSubnet", nil, false, false, design.PurposeFirewall},
		{"azurebastionsubnet", nil, false, false, design.PurposeBastion},
		{"GatewaySubnet", []string{"Microsoft.ContainerService/managedClusters"}, false, false, design.PurposeGateway},
		{"snet-x", []string{"Microsoft.Web/serverFarms", "Microsoft.ServiceNetworking/trafficControllers"}, false, false, design.PurposeAppGatewayForContainers},
		{"snet-x", []string{"Microsoft.Web/serverFarms"}, false, false, design.PurposeOther},
		{"snet-x", nil, true, true, design.PurposeAppGateway},
		{"snet-x", nil, false, true, design.PurposePrivateEndpoints},
		{"snet-nodes", nil, false, false, design.PurposeOther},
	} {
		if got := inferPurpose(c.name, c.delegations, c.appGw, c.pe); got != c.want {
			t.Errorf("inferPurpose(%q, %v, %v, %v): got %q, want %q", c.name, c.delegations, c.appGw, c.pe, got, c.want)
		}
	}
}
