package export

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// scenario is one design the exports are tested on.
type scenario struct {
	name string
	load func(t *testing.T) *design.Design
}

var scenarios = []scenario{
	{"seed-fixed", fromFile("../examples/seed-fixed.yaml")},
	{"seed-anti", fromFile("../examples/seed-anti.yaml")},
	{"branches", func(*testing.T) *design.Design { return branchesDesign() }},
}

func fromFile(path string) func(t *testing.T) *design.Design {
	return func(t *testing.T) *design.Design {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := designfile.Load(path, data)
		if err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
		return d
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./export/ -update and review the diff)\n--- got ---\n%s", path, got)
	}
}

// render runs one renderer twice and checks the output is the same both
// times.
func render(t *testing.T, d *design.Design, fn func(w *bytes.Buffer, d *design.Design) error) []byte {
	t.Helper()
	var a, b bytes.Buffer
	if err := fn(&a, d); err != nil {
		t.Fatal(err)
	}
	if err := fn(&b, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("output differs between two runs on the same design")
	}
	return a.Bytes()
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }
func pfx(s ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(s))
	for i, v := range s {
		out[i] = netip.MustParsePrefix(v)
	}
	return out
}
func n(v int) *int     { return &v }
func yes(v bool) *bool { return &v }

// branchesDesign covers what the seed examples do not: dual-stack, pod
// subnets with static block allocation, a user-assigned NAT gateway with
// IPv4 and IPv6 public IPs, a managed NAT gateway, load balancer outbound
// settings, authorized IP ranges, API server VNet integration, a custom
// private DNS zone, a Windows pool, a peering to a VNet outside the design
// and one listed in both directions, NSG rules, a DNS zone linked to an
// external VNet, a multi-endpoint entry, an AKS-managed VNet, and names
// that need sanitizing.
func branchesDesign() *design.Design {
	d := &design.Design{
		APIVersion: design.APIVersion,
		Kind:       design.Kind,
		Metadata:   design.Metadata{Name: "Branches & Edge-Cases"},
		Spec: design.Spec{
			ExternalRanges: []design.ExternalRange{
				{Name: "corp-hub", Kind: design.RangePeeredVNet, CIDRs: pfx("10.10.0.0/16")},
			},
			VNets: []design.VNet{
				{
					Name: "spoke-ds", Region: "northeurope", ResourceGroup: "rg-net",
					AddressSpace: pfx("10.20.0.0/16", "fd00:20::/48"),
					DNSServers:   []netip.Addr{ip("10.10.0.4"), ip("10.10.0.5")},
					Subnets: []design.Subnet{
						{Name: "nodes", Purpose: design.PurposeNodes, AddressPrefixes: pfx("10.20.0.0/22", "fd00:20::/64"),
							NSG: "nsg-nodes", NATGateway: "natgw-1", RouteTable: "rt-spoke"},
						{Name: "pods", Purpose: design.PurposePods, AddressPrefixes: pfx("10.20.16.0/20"),
							Delegation: "Microsoft.ContainerService/managedClusters"},
						{Name: "apiserver", Purpose: design.PurposeAPIServer, AddressPrefixes: pfx("10.20.4.0/28"),
							Delegation: "Microsoft.ContainerService/managedClusters"},
						{Name: "pe", Purpose: design.PurposePrivateEndpoints, AddressPrefixes: pfx("10.20.5.0/24")},
						{Name: "agc", Purpose: design.PurposeAppGatewayForContainers, AddressPrefixes: pfx("10.20.6.0/24"),
							Delegation: "Microsoft.ServiceNetworking/trafficControllers"},
					},
				},
				{
					Name: "2nd vnet", Region: "northeurope",
					AddressSpace: pfx("10.30.0.0/16"),
					Subnets: []design.Subnet{
						{Name: "nodes", Purpose: design.PurposeNodes, AddressPrefixes: pfx("10.30.0.0/22"), RouteTable: "rt-spoke"},
					},
				},
			},
			Peerings: []design.Peering{
				{From: "spoke-ds", To: "corp-hub"},
				{Name: "ds-to-2nd", From: "spoke-ds", To: "2nd vnet"},
				{Name: "2nd-to-ds", From: "2nd vnet", To: "spoke-ds"},
			},
			RouteTables: []design.RouteTable{
				{Name: "rt-spoke", Routes: []design.Route{
					{Name: "corp", AddressPrefix: "10.10.0.0/16", NextHopType: design.NextHopVirtualNetworkGateway},
					{Name: "blackhole", AddressPrefix: "192.0.2.0/24", NextHopType: design.NextHopNone},
				}},
				{Name: "rt-unused", DisableBGPPropagation: true},
			},
			NSGs: []design.NSG{
				{Name: "nsg-nodes", Rules: []design.NSGRule{
					{Name: "allow-apiserver", Priority: 100, Direction: "Outbound", Access: "Allow", Protocol: "Tcp",
						Sources: []string{"10.20.0.0/22"}, Destinations: []string{"10.20.4.0/28"}, DestinationPorts: []string{"443", "4443"}},
					{Name: "deny-all-in", Priority: 4096, Direction: "Inbound", Access: "Deny", Protocol: "*",
						Sources: []string{"Internet", "10.99.0.0/16"}},
				}},
			},
			NATGateways: []design.NATGateway{
				{Name: "natgw-1", PublicIPs: 2, PublicIPv6s: 1, IdleTimeoutMinutes: 10},
			},
			PrivateDNSZones: []design.PrivateDNSZone{
				{Name: "privatelink.northeurope.azmk8s.io", Links: []string{"spoke-ds"}},
				{Name: "privatelink.database.windows.net", Links: []string{"spoke-ds", "corp-hub"}},
			},
			PrivateEndpoints: []design.PrivateEndpoint{
				{Name: "pe-sql", Service: "sqlDatabase", Subnet: "spoke-ds/pe", Count: 2},
				{Name: "pe-redis", Service: "redisCache", Subnet: "spoke-ds/pe"},
			},
			Clusters: []design.Cluster{
				{
					Name: "aks-ds", Region: "northeurope", KubernetesVersion: "1.33", VNet: "spoke-ds",
					Network: design.ClusterNetwork{
						Plugin: design.PluginAzure, PluginMode: design.ModeOverlay,
						Dataplane: design.DataplaneCilium, Policy: design.PolicyCilium,
						IPFamilies:   []design.IPFamily{design.IPv4, design.IPv6},
						PodCIDRs:     pfx("100.64.0.0/16", "fd10:64::/64"),
						ServiceCIDRs: pfx("10.200.0.0/16", "fd10:200::/108"),
						DNSServiceIP: ip("10.200.0.10"),
					},
					Outbound: design.Outbound{Type: design.OutboundUserAssignedNATGateway},
					APIServer: design.APIServer{
						AuthorizedIPRanges:    pfx("203.0.113.0/24", "198.51.100.7/32"),
						VNetIntegrationSubnet: "apiserver",
					},
					NodePools: []design.NodePool{
						{Name: "system", Mode: design.ModeSystem, Subnet: "nodes", VMSize: "Standard_D4ds_v5", Count: n(3), MaxPods: n(110)},
						{Name: "win1", Mode: design.ModeUser, OS: design.OSWindows, OSSKU: design.SKUWindows2022, Subnet: "nodes",
							MinCount: n(0), MaxCount: n(10), MaxSurge: "1"},
					},
				},
				{
					Name: "aks-podsub", Region: "northeurope", KubernetesVersion: "1.32", VNet: "spoke-ds",
					Network: design.ClusterNetwork{
						Plugin: design.PluginAzure, Policy: design.PolicyAzure,
						PodIPAllocationMode: design.AllocStaticBlock,
					},
					Outbound: design.Outbound{Type: design.OutboundLoadBalancer, LoadBalancer: &design.LoadBalancerProfile{
						OutboundIPs: 2, AllocatedOutboundPorts: 8000, IdleTimeoutMinutes: 10,
					}},
					APIServer: design.APIServer{
						Private: true, PrivateDNSZone: "privatelink.northeurope.azmk8s.io", PublicFQDN: yes(false),
					},
					NodePools: []design.NodePool{
						{Name: "user1", Mode: design.ModeUser, OSSKU: design.SKUAzureLinux, Subnet: "nodes", PodSubnet: "pods",
							MinCount: n(2), MaxCount: n(20), Count: n(4), MaxPods: n(50), MaxSurge: "50%", MaxUnavailable: "1"},
						{Name: "sys", Mode: design.ModeSystem, Subnet: "spoke-ds/nodes", PodSubnet: "spoke-ds/pods",
							MinCount: n(1), MaxCount: n(3), MaxSurge: "33%"},
					},
				},
				{
					Name: "aks-managed", Region: "westeurope", KubernetesVersion: "1.34",
					Network: design.ClusterNetwork{Plugin: design.PluginKubenet},
					Outbound: design.Outbound{Type: design.OutboundManagedNATGateway, NATGateway: &design.ManagedNATProfile{
						OutboundIPs: 2, IdleTimeoutMinutes: 8,
					}},
					APIServer: design.APIServer{Private: true, PrivateDNSZone: "none", PublicFQDN: yes(true)},
					NodePools: []design.NodePool{
						{Name: "system", Mode: design.ModeSystem, Count: n(1)},
					},
				},
			},
		},
	}
	return d
}

func TestBranchesDesignIsValid(t *testing.T) {
	if probs := design.Validate(branchesDesign()); len(probs) > 0 {
		t.Fatalf("the in-memory test design does not validate: %v", probs)
	}
}

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"aks-prod", "aks_prod"},
		{"Spoke.Prod/Nodes", "spoke_prod_nodes"},
		{"2nd vnet", "n_2nd_vnet"},
		{"--", "unnamed"},
		{"privatelink.vaultcore.azure.net", "privatelink_vaultcore_azure_net"},
		{"a__b", "a_b"},
	} {
		if got := sanitize(tc.in); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	nm := newNamer()
	for _, want := range []string{"a_b", "a_b_2", "a_b_3"} {
		if got := nm.take("a-b"); got != want {
			t.Errorf("take = %q, want %q", got, want)
		}
	}
}

func TestDNSPrefix(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"aks-prod", "aks-prod"},
		{"AKS_Prod!", "aks-prod"},
		{"-x-", "x"},
		{"", "aks"},
	} {
		if got := dnsPrefix(tc.in); got != tc.want {
			t.Errorf("dnsPrefix(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNilDesign(t *testing.T) {
	var b bytes.Buffer
	for name, fn := range map[string]func(*bytes.Buffer, *design.Design) error{
		"Terraform":   func(w *bytes.Buffer, d *design.Design) error { return Terraform(w, d) },
		"BicepParams": func(w *bytes.Buffer, d *design.Design) error { return BicepParams(w, d) },
		"AzCLI":       func(w *bytes.Buffer, d *design.Design) error { return AzCLI(w, d) },
	} {
		if err := fn(&b, nil); err == nil {
			t.Errorf("%s(nil) returned no error", name)
		}
	}
}

// hostileDesign has names with quotes, template sequences, shell
// metacharacters and a newline, which every format must carry through
// unchanged.
func hostileDesign() (*design.Design, string) {
	name := "we\"ird ${x} %{y} $(id) `id` 'q' ; \\ end"
	d := &design.Design{
		Metadata: design.Metadata{Name: "hostile\nname"},
		Spec: design.Spec{
			VNets: []design.VNet{{
				Name: name, Region: "westeurope", ResourceGroup: "rg $x",
				AddressSpace: pfx("10.1.0.0/16"),
				Subnets:      []design.Subnet{{Name: name, Purpose: design.PurposeNodes, AddressPrefixes: pfx("10.1.0.0/22")}},
			}},
			Clusters: []design.Cluster{{
				Name: name, Region: "westeurope", KubernetesVersion: "1.33", VNet: name,
				Network:   design.ClusterNetwork{Plugin: design.PluginAzure, PluginMode: design.ModeOverlay},
				NodePools: []design.NodePool{{Name: name, Mode: design.ModeSystem, Subnet: name, Count: n(1), VMSize: name}},
			}},
		},
	}
	return d, name
}

func TestHostileNames(t *testing.T) {
	d, name := hostileDesign()

	body := parseTF(t, renderTerraform(t, d))
	for _, typ := range []string{"azurerm_virtual_network", "azurerm_subnet", "azurerm_kubernetes_cluster"} {
		rs := resources(body, typ)
		if len(rs) != 1 {
			t.Fatalf("%s: got %d blocks", typ, len(rs))
		}
		if got := literal(t, rs[0], "name").AsString(); got != name {
			t.Errorf("%s name: got %q, want %q", typ, got, name)
		}
	}
	if got := literal(t, resources(body, "azurerm_virtual_network")[0], "resource_group_name").AsString(); got != "rg $x" {
		t.Errorf("resource group: got %q", got)
	}

	pf := decodeParams(t, renderBicep(t, d))
	if got := pf.Parameters.VNets.Value[0].Name; got != name {
		t.Errorf("parameters VNet name: got %q", got)
	}
	if got := pf.Parameters.Clusters.Value[0].AgentPoolProfiles[0].VNetSubnetID; got != name+"/"+name {
		t.Errorf("parameters subnet reference: got %q", got)
	}

	calls := runScript(t, renderAzCLI(t, d))
	var seen int
	for _, c := range calls {
		if c.is("network", "vnet", "create") || c.is("aks", "create") {
			seen++
			if got, _ := c.value("--name"); got != name {
				t.Errorf("az %s --name: got %q, want %q", c[:2], got, name)
			}
			if got, _ := c.value("--resource-group"); c.is("network") && got != "rg $x" {
				t.Errorf("az vnet create --resource-group: got %q", got)
			}
		}
		if c.is("aks", "create") {
			if got, _ := c.value("--vnet-subnet-id"); !strings.Contains(got, "--name "+name) {
				t.Errorf("subnet lookup did not get the name intact: %q", got)
			}
		}
	}
	if seen != 2 {
		t.Errorf("got %d vnet/aks create calls, want 2", seen)
	}
}
