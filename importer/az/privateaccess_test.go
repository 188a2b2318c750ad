package az

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer"
	"github.com/aksnet/aksnet/rules"
)

// importList runs f on every element of the top-level array of a fixture
// and fails on any problem.
func importList(t *testing.T, d *design.Design, name string, f importFunc) []string {
	t.Helper()
	doc, lines := loadFixture(t, name)
	for i := range doc.Root.Content {
		if ps := f(doc, idx("", i), d); len(ps) > 0 {
			t.Fatalf("%s[%d]: unexpected problems: %v", name, i, ps)
		}
	}
	return lines
}

// spokeDesign returns a design holding the spoke and hub VNets.
func spokeDesign(t *testing.T) *design.Design {
	t.Helper()
	d := &design.Design{Sources: design.SourceMap{}}
	importOK(t, d, "vnet-spoke.json", "", importVNet)
	importList(t, d, "vnet-list-hub.json", importVNet)
	return d
}

func TestImportPrivateEndpoints(t *testing.T) {
	d := spokeDesign(t)
	const file = "pe-list-spoke.json"
	lines := importList(t, d, file, importPrivateEndpoint)

	// pe-batch-prod targets Azure Batch, which the design's closed service
	// list cannot express: it is skipped.
	want := []design.PrivateEndpoint{
		{Name: "pe-kv-app-prod", Service: "keyVault", Subnet: "vnet-spoke-weu/snet-private-endpoints"},
		{Name: "pe-acr-prod", Service: "containerRegistry", Subnet: "vnet-spoke-weu/snet-private-endpoints"},
		{Name: "pe-st-app-blob", Service: "storageBlob", Subnet: "vnet-spoke-weu/snet-private-endpoints"},
	}
	if got := len(d.Spec.PrivateEndpoints); got != len(want) {
		t.Fatalf("endpoints: got %d, want %d: %+v", got, len(want), d.Spec.PrivateEndpoints)
	}
	for i, w := range want {
		got := d.Spec.PrivateEndpoints[i]
		w.Path = design.Index("spec.privateEndpoints", i)
		if got != w {
			t.Errorf("endpoint %d: got %+v, want %+v", i, got, w)
		}
	}
	pe0 := "spec.privateEndpoints[0]"
	wantLine(t, d, pe0, file, 2)
	wantLine(t, d, design.Field(pe0, "name"), file, lineOf(t, lines, `"name": "pe-kv-app-prod"`, 0))
	wantLine(t, d, design.Field(pe0, "service"), file, lineExact(t, lines, `          "vault"`, 0))
	wantLine(t, d, design.Field(pe0, "subnet"), file, lineOf(t, lines, `/subnets/snet-private-endpoints"`, 0))
	// The blob endpoint's connection is a manual one.
	wantLine(t, d, "spec.privateEndpoints[2].service", file, lineExact(t, lines, `          "blob"`, 0))
}

func TestPrivateLinkServiceMapping(t *testing.T) {
	const rg = "/subscriptions/6f1c2a3e-4b5d-4e7f-9a0b-1c2d3e4f5a6b/resourceGroups/rg/providers/"
	tests := []struct {
		target, group string
		want          design.PrivateLinkService
	}{
		{"Microsoft.KeyVault/vaults/kv1", "vault", "keyVault"},
		{"Microsoft.Storage/storageAccounts/st1", "file", "storageFile"},
		{"Microsoft.Storage/storageAccounts/st1", "dfs", "storageDfs"},
		{"Microsoft.Sql/servers/sql1", "sqlServer", "sqlDatabase"},
		{"Microsoft.ContainerRegistry/registries/acr1", "registry", "containerRegistry"},
		{"Microsoft.ServiceBus/namespaces/sb1", "namespace", "serviceBus"},
		{"Microsoft.EventHub/namespaces/eh1", "namespace", "eventHubs"},
		{"Microsoft.DocumentDB/databaseAccounts/cosmos1", "Sql", "cosmosDbSql"},
		{"Microsoft.DocumentDB/databaseAccounts/cosmos1", "MongoDB", ""},
		{"Microsoft.Cache/Redis/redis1", "redisCache", "redisCache"},
		{"Microsoft.DBforPostgreSQL/flexibleServers/pg1", "postgresqlServer", "postgresqlFlexible"},
		{"Microsoft.Batch/batchAccounts/b1", "batchAccount", ""},
	}
	for _, tt := range tests {
		got := privateLinkService(azLinkConnection{GroupIDs: []string{tt.group}, PrivateLinkServiceID: rg + tt.target})
		if got != tt.want {
			t.Errorf("%s %s: got %q, want %q", tt.target, tt.group, got, tt.want)
		}
		if got != "" {
			if _, ok := design.ZonesFor(got, "westeurope"); !ok {
				t.Errorf("%s: %q has no zone in the design's table", tt.target, got)
			}
		}
	}
}

func TestImportPrivateDNSZonesAndLinks(t *testing.T) {
	d := spokeDesign(t)
	zlines := importList(t, d, "dnszone-list-hub.json", importPrivateDNSZone)
	llines := importList(t, d, "dnslink-list-vaultcore.json", importPrivateDNSLink)
	plines := importList(t, d, "dnslink-list-postgres.json", importPrivateDNSLink)
	// A second import of the same links adds nothing.
	importList(t, d, "dnslink-list-vaultcore.json", importPrivateDNSLink)

	var names []string
	for _, z := range d.Spec.PrivateDNSZones {
		names = append(names, z.Name)
	}
	wantNames := []string{"privatelink.vaultcore.azure.net", "privatelink.azurecr.io", "privatelink.blob.core.windows.net", "privatelink.postgres.database.azure.com"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("zones: got %v, want %v", names, wantNames)
	}
	kv := d.ZoneByName("privatelink.vaultcore.azure.net")
	// The link to vnet-dr-neu names a VNet that is not among the inputs: dropped.
	if got, want := kv.Links, []string{"vnet-hub-weu"}; !slices.Equal(got, want) {
		t.Errorf("vaultcore links: got %v, want %v", got, want)
	}
	if got := d.ZoneByName("privatelink.azurecr.io").Links; len(got) != 0 {
		t.Errorf("azurecr links: got %v, want none", got)
	}
	pg := d.ZoneByName("privatelink.postgres.database.azure.com")
	if got, want := pg.Links, []string{"vnet-spoke-weu", "vnet-hub-weu"}; !slices.Equal(got, want) {
		t.Errorf("postgres links: got %v, want %v", got, want)
	}

	wantLine(t, d, "spec.privateDnsZones[1]", "dnszone-list-hub.json", lineExact(t, zlines, "  {", 1))
	wantLine(t, d, "spec.privateDnsZones[1].name", "dnszone-list-hub.json", lineOf(t, zlines, `"name": "privatelink.azurecr.io"`, 0))
	wantLine(t, d, "spec.privateDnsZones[0].links", "dnslink-list-vaultcore.json", 2)
	wantLine(t, d, "spec.privateDnsZones[0].links[0]", "dnslink-list-vaultcore.json", lineOf(t, llines, `virtualNetworks/vnet-hub-weu"`, 0))
	// A zone known only from its links points at the first link's id.
	wantLine(t, d, "spec.privateDnsZones[3]", "dnslink-list-postgres.json", 2)
	wantLine(t, d, "spec.privateDnsZones[3].name", "dnslink-list-postgres.json", lineOf(t, plines, `virtualNetworkLinks/link-spoke"`, 0))
	wantLine(t, d, "spec.privateDnsZones[3].links[1]", "dnslink-list-postgres.json", lineOf(t, plines, `virtualNetworks/vnet-hub-weu"`, 0))
}

func TestImportNSGs(t *testing.T) {
	d := spokeDesign(t)
	const file = "nsg-list-spoke.json"
	lines := importList(t, d, file, importNSG)
	if got := len(d.Spec.NSGs); got != 2 {
		t.Fatalf("NSGs: got %d, want 2", got)
	}
	nodes := d.Spec.NSGs[0]
	if nodes.Name != "nsg-aks-nodes" || len(nodes.Rules) != 2 {
		t.Fatalf("nsg 0: got %s with %d rules, want nsg-aks-nodes with 2 (default rules are not imported)", nodes.Name, len(nodes.Rules))
	}
	dns := nodes.Rules[0]
	if dns.Name != "allow-hub-dns-out" || dns.Priority != 200 || dns.Direction != "Outbound" || dns.Access != "Allow" || dns.Protocol != "Udp" {
		t.Errorf("rule 0: got %+v", dns)
	}
	if !slices.Equal(dns.Sources, []string{"VirtualNetwork"}) || !slices.Equal(dns.Destinations, []string{"10.0.4.4", "10.0.4.5"}) ||
		!slices.Equal(dns.DestinationPorts, []string{"53"}) {
		t.Errorf("rule 0 addresses: got %v -> %v:%v", dns.Sources, dns.Destinations, dns.DestinationPorts)
	}
	https := d.Spec.NSGs[1].Rules[0]
	if !slices.Equal(https.Sources, []string{"203.0.113.0/24", "198.51.100.0/24"}) || !slices.Equal(https.DestinationPorts, []string{"443", "8443-8444"}) {
		t.Errorf("nsg-ingress rule: got %v -> %v", https.Sources, https.DestinationPorts)
	}
	r := "spec.networkSecurityGroups[0].rules[0]"
	wantLine(t, d, "spec.networkSecurityGroups[0].name", file, lineOf(t, lines, `"name": "nsg-aks-nodes"`, 0))
	wantLine(t, d, design.Field(r, "priority"), file, lineOf(t, lines, `"priority": 200`, 0))
	wantLine(t, d, design.Field(r, "destinations"), file, lineOf(t, lines, `"destinationAddressPrefixes": [`, 2)) // after two default rules
	wantLine(t, d, design.Field(r, "destinationPorts"), file, lineOf(t, lines, `"destinationPortRange": "53"`, 0))

	// The subnets' NSG references now resolve: no name-only NSG is added.
	if ps := missingAttachments(d); len(ps) != 2 { // route table and NAT gateway files are absent
		t.Errorf("missingAttachments: got %d problems, want 2: %v", len(ps), ps)
	}
	if got := len(d.Spec.NSGs); got != 2 {
		t.Errorf("NSGs after missingAttachments: got %d, want 2", got)
	}
}

func TestImportPeerings(t *testing.T) {
	d := &design.Design{Sources: design.SourceMap{}}
	const file = "peering-list-spoke.json"
	lines := importList(t, d, file, importPeering)
	want := []design.Peering{
		{Name: "spoke-to-hub", From: "vnet-spoke-weu", To: "vnet-hub-weu", Path: "spec.peerings[0]"},
		{Name: "spoke-to-dr", From: "vnet-spoke-weu", To: "vnet-dr-neu", Path: "spec.peerings[1]"},
	}
	if !slices.Equal(d.Spec.Peerings, want) {
		t.Fatalf("peerings: got %+v, want %+v", d.Spec.Peerings, want)
	}
	wantLine(t, d, "spec.peerings[1]", file, lineExact(t, lines, "  {", 1))
	wantLine(t, d, "spec.peerings[1].from", file, lineOf(t, lines, `virtualNetworkPeerings/spoke-to-dr"`, 0))
	wantLine(t, d, "spec.peerings[1].to", file, lineOf(t, lines, `virtualNetworks/vnet-dr-neu"`, 0))
}

func TestImportPrivateAccessInvalid(t *testing.T) {
	tests := []struct {
		file, base string
		f          importFunc
		// want are (line substring, nth occurrence, message substring, hint substring).
		want [][4]string
	}{
		{"pe-invalid-unknown-vnet.json", "", importPrivateEndpoint,
			[][4]string{{`/subnets/snet-pe"`, "0", "VNet vnet-other-weu, which is not among the inputs", "az network vnet show"}}},
		{"pe-invalid-unknown-subnet.json", "", importPrivateEndpoint,
			[][4]string{{`/subnets/snet-missing"`, "0", "which VNet vnet-spoke-weu does not have", "az network vnet subnet show"}}},
		{"dnszone-invalid-type.json", "", importPrivateDNSZone,
			[][4]string{{`"type": "Microsoft.Network/dnszones"`, "0", "expected a Microsoft.Network/privateDnsZones", ""}}},
		{"dnslink-invalid-vnet-id.json", "", importPrivateDNSLink,
			[][4]string{{`"id": "vnet-hub-weu"`, "0", "does not name a virtual network", ""}}},
		{"nsg-invalid-rule.json", "", importNSG, [][4]string{
			{`"priority": 50`, "0", "priority 50", "100 to 4096"},
			{`"direction": "Sideways"`, "0", `unknown direction "Sideways"`, "Inbound or Outbound"},
			{`"protocol": "Gre"`, "0", `unknown protocol "Gre"`, "Tcp"},
		}},
		{"peering-invalid-no-remote.json", "", importPeering,
			[][4]string{{"{", "0", "has no remoteVirtualNetwork.id", "vnet peering list"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := spokeDesign(t)
			doc, lines := loadFixture(t, tt.file)
			ps := tt.f(doc, tt.base, d)
			if len(ps) != len(tt.want) {
				t.Fatalf("problems: got %d, want %d: %v", len(ps), len(tt.want), ps)
			}
			for i, w := range tt.want {
				nth := int(w[1][0] - '0')
				if want := lineOf(t, lines, w[0], nth); ps[i].Line != want {
					t.Errorf("problem %d line: got %d, want %d (%v)", i, ps[i].Line, want, ps[i])
				}
				if !strings.Contains(ps[i].Msg, w[2]) {
					t.Errorf("problem %d message: got %q, want it to contain %q", i, ps[i].Msg, w[2])
				}
				if !strings.Contains(ps[i].Hint, w[3]) {
					t.Errorf("problem %d hint: got %q, want it to contain %q", i, ps[i].Hint, w[3])
				}
			}
			if len(d.Spec.PrivateEndpoints)+len(d.Spec.PrivateDNSZones)+len(d.Spec.NSGs) != 0 {
				t.Errorf("a rejected object landed in the design: %+v", d.Spec)
			}
		})
	}
}

// parseFile parses testdata/name, replacing old with new in its text first
// (when old is not empty).
func parseFile(t *testing.T, name, old, new string) *importer.Doc {
	t.Helper()
	file := filepath.Join("testdata", name)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if old != "" {
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s has no %q", name, old)
		}
		data = []byte(strings.Replace(string(data), old, new, 1))
	}
	doc, err := importer.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestImportPrivateAccessEndToEnd imports a spoke with a cluster, its
// private endpoints, the zones and the zone links (only to the hub), in an
// order that is not the import order, and checks that the rules see the
// missing link to the cluster VNet.
func TestImportPrivateAccessEndToEnd(t *testing.T) {
	const customDNS = "\"dnsServers\": [\n      \"10.0.4.4\",\n      \"10.0.4.5\"\n    ]"
	tests := []struct {
		name string
		// spokeDNS replaces the spoke's DNS servers when set.
		spokeDNS string
		check    func(t *testing.T, d *design.Design, fs []finding.Finding)
	}{
		{"custom DNS outside the inputs", "", func(t *testing.T, d *design.Design, fs []finding.Finding) {
			// The spoke's DNS servers 10.0.4.4-5 lie in no imported VNet, so
			// the rule says it cannot check the zones the endpoints need.
			if len(fs) != 1 || fs[0].Severity != finding.Info || !strings.Contains(fs[0].Message, "privatelink.vaultcore.azure.net") {
				t.Fatalf("findings: got %+v, want one info naming privatelink.vaultcore.azure.net", fs)
			}
			if got, want := fs[0].Location.File, filepath.Join("testdata", "vnet-spoke.json"); got != want {
				t.Errorf("finding file: got %s, want %s", got, want)
			}
		}},
		{"Azure-provided DNS", "\"dnsServers\": []", func(t *testing.T, d *design.Design, fs []finding.Finding) {
			// The nodes resolve through the spoke, which no zone links.
			byZone := map[string]finding.Finding{}
			for _, f := range fs {
				if f.Severity != finding.Error {
					t.Errorf("severity: got %v, want error: %+v", f.Severity, f)
				}
				byZone[f.Subject] = f
			}
			if len(fs) != 3 {
				t.Fatalf("findings: got %d, want 3 (vaultcore, azurecr, blob): %+v", len(fs), fs)
			}
			kv, ok := byZone[d.ZoneByName("privatelink.vaultcore.azure.net").Subject()]
			if !ok {
				t.Fatalf("no finding for the vaultcore zone: %+v", fs)
			}
			if !strings.Contains(kv.Message, `"vnet-spoke-weu"`) || !strings.Contains(kv.Message, "pe-kv-app-prod") {
				t.Errorf("vaultcore message: got %q", kv.Message)
			}
			// The zone has links, so the finding points at them in the link file.
			if got, want := kv.Location.File, filepath.Join("testdata", "dnslink-list-vaultcore.json"); got != want || kv.Location.Line != 2 {
				t.Errorf("vaultcore location: got %s:%d, want %s:2", got, kv.Location.Line, want)
			}
			acr := byZone[d.ZoneByName("privatelink.azurecr.io").Subject()]
			if got, want := acr.Location.File, filepath.Join("testdata", "dnszone-list-hub.json"); got != want {
				t.Errorf("azurecr location: got %s, want %s", got, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spoke := parseFile(t, "vnet-spoke.json", "", "")
			if tt.spokeDNS != "" {
				spoke = parseFile(t, "vnet-spoke.json", customDNS, tt.spokeDNS)
			}
			docs := []*importer.Doc{
				parseFile(t, "pe-list-spoke.json", "", ""),
				parseFile(t, "dnslink-list-vaultcore.json", "", ""),
				parseFile(t, "aks-overlay-cilium-private.json", "", ""),
				parseFile(t, "dnszone-list-hub.json", "", ""),
				parseFile(t, "nsg-list-spoke.json", "", ""),
				parseFile(t, "peering-list-spoke.json", "", ""),
				spoke,
				parseFile(t, "vnet-list-hub.json", "", ""),
				parseFile(t, "routetable-egress.json", "", ""),
				parseFile(t, "natgw-spoke.json", "", ""),
			}
			for _, doc := range docs {
				if !Detect(doc) {
					t.Fatalf("Detect(%s): got false, want true", doc.File)
				}
			}
			d, warns, err := Import(docs)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			// spoke-to-dr names a VNet that is not among the inputs.
			if len(warns) != 1 || !strings.Contains(warns[0].Msg, "vnet-dr-neu") {
				t.Errorf("warnings: got %v, want one about vnet-dr-neu", warns)
			}
			if got := len(d.Spec.PrivateEndpoints); got != 3 {
				t.Errorf("endpoints: got %d, want 3", got)
			}
			if got := len(d.Spec.NSGs); got != 2 || len(d.NSGByName("nsg-aks-nodes").Rules) != 2 {
				t.Errorf("NSGs: got %d, want 2 with rules", got)
			}
			var fs []finding.Finding
			for _, f := range rules.Run(d, rules.Options{}).Findings {
				if f.Rule == "private-dns-zone-not-linked" {
					fs = append(fs, f)
				}
			}
			tt.check(t, d, fs)
		})
	}
}
