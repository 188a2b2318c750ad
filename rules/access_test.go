package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/finding"
)

// TestAccessFixtureMessages runs the access rules over their own fixtures
// and checks that every finding is complete; with -v it prints them.
func TestAccessFixtureMessages(t *testing.T) {
	for _, r := range accessRules {
		files, _ := filepath.Glob(filepath.Join("testdata", r.ID, "*.yaml"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := designfile.Load(f, data)
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			for _, fd := range RunRule(r, d) {
				t.Logf("%s %s %s [%s] %s", fd.Location, fd.Severity, fd.Rule, fd.Subject, fd.Message)
				if !strings.HasSuffix(fd.Remediation, ".") {
					t.Errorf("%s: remediation %q does not end with a period", f, fd.Remediation)
				}
			}
		}
	}
}

// accessLoad loads an inline design for a test.
func accessLoad(t *testing.T, doc string) *design.Design {
	t.Helper()
	d, err := designfile.Load("test.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("design does not load: %v", err)
	}
	return d
}

// accessCase is one design and the findings a rule must give for it, as
// "severity@line" strings in report order.
type accessCase struct {
	name string
	doc  string
	want []string
}

func accessRunCases(t *testing.T, r *Rule, cases []accessCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range RunRule(r, accessLoad(t, tc.doc)) {
				got = append(got, fmt.Sprintf("%s@%d", f.Severity, f.Location.Line))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
				for _, f := range RunRule(r, accessLoad(t, tc.doc)) {
					t.Logf("  %s:%d %s", f.Location.File, f.Location.Line, f.Message)
				}
			}
		})
	}
}

// accessDoc builds a one-VNet design: extraSubnets are subnet list items
// (indented for the subnets list), cluster is the rest of the first
// cluster after its node pools (ingress, apiServer), and extra is
// appended to spec. Line numbers: the VNet's extra subnets start on line 14.
func accessDoc(extraSubnets, network, cluster, extra string) string {
	if network == "" {
		network = "        plugin: azure\n        pluginMode: overlay\n        podCidrs: [100.64.0.0/16]\n"
	}
	return `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: t
spec:
  vnets:
    - name: spoke
      region: westeurope
      addressSpace: [10.1.0.0/16]
      subnets:
        - name: nodes
          purpose: nodes
          addressPrefixes: [10.1.0.0/22]
` + extraSubnets + `  clusters:
    - name: aks1
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke
      network:
` + network + `        serviceCidrs: [10.2.0.0/16]
        dnsServiceIP: 10.2.0.10
      nodePools:
        - name: system
          mode: System
          subnet: nodes
          count: 3
` + cluster + extra
}

func TestIngressSubnetSizeBoundaries(t *testing.T) {
	agw := func(prefix, maxInstances string) string {
		sub := "        - name: appgw\n          purpose: appGateway\n          addressPrefixes: [" + prefix + "]\n"
		ing := "      ingress:\n        - name: web\n          kind: appGateway\n          subnet: appgw\n"
		if maxInstances != "" {
			ing += "          maxInstances: " + maxInstances + "\n"
		}
		return accessDoc(sub, "", ing, "")
	}
	agc := func(prefix, delegation string, n int) string {
		sub := "        - name: agc\n          purpose: appGatewayForContainers\n"
		if delegation != "" {
			sub += "          delegation: " + delegation + "\n"
		}
		sub += "          addressPrefixes: [" + prefix + "]\n"
		ing := "      ingress:\n"
		for i := range n {
			ing += fmt.Sprintf("        - name: alb%d\n          kind: appGatewayForContainers\n          subnet: agc\n", i)
		}
		return accessDoc(sub, "", ing, "")
	}
	// Line 16 is the gateway subnet's addressPrefixes (or delegation).
	accessRunCases(t, ingressSubnetSize, []accessCase{
		{"v2 /24 at 125 instances fits", agw("10.1.4.0/24", "125"), nil},
		{"v2 /24 without maxInstances fits", agw("10.1.4.0/24", ""), nil},
		{"v2 /25 exactly fits 122 instances but is below /24", agw("10.1.4.0/25", "122"), []string{"warning@16"}},
		{"v2 /25 one over at 123 instances", agw("10.1.4.0/25", "123"), []string{"error@16"}},
		{"v2 /25 without maxInstances cannot reach 125", agw("10.1.4.0/25", ""), []string{"warning@16"}},
		{"AGC /24 one association", agc("10.1.4.0/24", accessAGCDelegation, 1), nil},
		{"AGC delegation is case-insensitive", agc("10.1.4.0/24", strings.ToLower(accessAGCDelegation), 1), nil},
		{"AGC /25 one association", agc("10.1.4.0/25", accessAGCDelegation, 1), []string{"error@17"}},
		{"AGC /23 two associations", agc("10.1.4.0/23", accessAGCDelegation, 2), nil},
		{"AGC /24 two associations", agc("10.1.4.0/24", accessAGCDelegation, 2), []string{"error@17"}},
		{"AGC undelegated", agc("10.1.4.0/24", "", 1), []string{"error@14"}},
		{"AGC delegated elsewhere", agc("10.1.4.0/24", "Microsoft.Web/serverFarms", 1), []string{"error@16"}},
	})
}

func TestAPIServerSubnetSizeBoundaries(t *testing.T) {
	doc := func(prefix string, clusters int) string {
		sub := "        - name: apiserver\n          purpose: apiServer\n          delegation: Microsoft.ContainerService/managedClusters\n          addressPrefixes: [" + prefix + "]\n"
		api := "      apiServer:\n        vnetIntegrationSubnet: apiserver\n"
		var extra string
		for i := 2; i <= clusters; i++ {
			extra += fmt.Sprintf(`    - name: aks%d
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke
      network:
        plugin: azure
        pluginMode: overlay
      apiServer:
        vnetIntegrationSubnet: apiserver
      nodePools:
        - name: system
          mode: System
          subnet: nodes
          count: 3
`, i)
		}
		return accessDoc(sub, "", api, extra)
	}
	// Line 17 is the API server subnet's addressPrefixes.
	accessRunCases(t, apiserverSubnetSize, []accessCase{
		{"/28 exactly", doc("10.1.9.0/28", 1), nil},
		{"/29 one under", doc("10.1.9.0/29", 1), []string{"error@17"}},
		{"/28 shared by two clusters", doc("10.1.9.0/28", 2), []string{"warning@17"}},
		{"/27 shared by three clusters", doc("10.1.9.0/27", 3), nil},
		{"/27 shared by four clusters", doc("10.1.9.0/27", 4), []string{"warning@17"}},
	})
}

func TestAPIZoneForm(t *testing.T) {
	sub32 := strings.Repeat("a", 32)
	tests := []struct {
		zone string
		want accessZoneForm
	}{
		{"privatelink.westeurope.azmk8s.io", accessZonePrivateLink},
		{"PrivateLink.WestEurope.azmk8s.io", accessZonePrivateLink},
		{"team-a.privatelink.westeurope.azmk8s.io", accessZonePrivateLink},
		{sub32 + ".privatelink.westeurope.azmk8s.io", accessZonePrivateLink},
		{sub32 + "a.privatelink.westeurope.azmk8s.io", accessZoneBad},
		{"a.b.privatelink.westeurope.azmk8s.io", accessZoneBad},
		{"-a.privatelink.westeurope.azmk8s.io", accessZoneBad},
		{".privatelink.westeurope.azmk8s.io", accessZoneBad},
		{"private.westeurope.azmk8s.io", accessZonePrivate},
		{"team.private.westeurope.azmk8s.io", accessZonePrivate},
		{"privatelink.northeurope.azmk8s.io", accessZoneBad},
		{"westeurope.azmk8s.io", accessZoneBad},
		{"privatelink.westeurope.azmk8s.io.evil", accessZoneBad},
		{"contoso.internal", accessZoneBad},
	}
	for _, tt := range tests {
		if got := accessAPIZoneForm(tt.zone, "West Europe"); got != tt.want {
			t.Errorf("accessAPIZoneForm(%q) = %d, want %d", tt.zone, got, tt.want)
		}
	}
	c := &design.Cluster{APIServer: design.APIServer{PrivateDNSZone: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/privateDnsZones/Team.privatelink.westeurope.azmk8s.io"}}
	if got, ok := accessAPIZone(c); !ok || got != "team.privatelink.westeurope.azmk8s.io" {
		t.Errorf("accessAPIZone(resource ID) = %q, %v; want the lower-cased zone name", got, ok)
	}
	for _, v := range []string{"", "system", "None"} {
		c.APIServer.PrivateDNSZone = v
		if _, ok := accessAPIZone(c); ok {
			t.Errorf("accessAPIZone(%q) reports a custom zone", v)
		}
	}
}

func TestPrivateDNSZoneMissingMultiZone(t *testing.T) {
	sub := "        - name: pe\n          purpose: privateEndpoints\n          addressPrefixes: [10.1.8.0/27]\n"
	zones := func(names ...string) string {
		s := "  privateDnsZones:\n"
		for _, n := range names {
			s += "    - name: " + n + "\n      links: [spoke]\n"
		}
		return s
	}
	pe := func(service, zone string) string {
		s := "  privateEndpoints:\n    - name: ep\n      service: " + service + "\n      subnet: spoke/pe\n"
		if zone != "" {
			s += "      dnsZone: " + zone + "\n"
		}
		return s
	}
	monitor := []string{"privatelink.monitor.azure.com", "privatelink.oms.opinsights.azure.com",
		"privatelink.ods.opinsights.azure.com", "privatelink.agentsvc.azure-automation.net", "privatelink.blob.core.windows.net"}
	// Counts, not lines: the documents differ in length.
	cases := []struct {
		name    string
		doc     string
		missing int
		warn    int
	}{
		{"monitor with all five zones", accessDoc(sub, "", "", zones(monitor...)+pe("azureMonitor", "")), 0, 0},
		{"monitor with four zones", accessDoc(sub, "", "", zones(monitor[:4]...)+pe("azureMonitor", "")), 1, 0},
		{"explicit recommended zone stands for all", accessDoc(sub, "", "", zones(monitor[0])+pe("azureMonitor", monitor[0])), 4, 0},
		{"prometheus zone carries the region", accessDoc(sub, "", "", zones("privatelink.westeurope.prometheus.monitor.azure.com")+pe("managedPrometheus", "")), 0, 0},
		{"prometheus zone of another region", accessDoc(sub, "", "", zones("privatelink.northeurope.prometheus.monitor.azure.com")+pe("managedPrometheus", "")), 1, 0},
		{"explicit non-recommended zone that exists", accessDoc(sub, "", "", zones("vault.contoso.internal")+pe("keyVault", "vault.contoso.internal")), 0, 1},
		{"zone names ignore case", accessDoc(sub, "", "", zones("PrivateLink.VaultCore.Azure.Net")+pe("keyVault", "")), 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var errs, warns int
			for _, f := range RunRule(privateDNSZoneMissing, accessLoad(t, tc.doc)) {
				switch f.Severity {
				case finding.Error:
					errs++
				case finding.Warning:
					warns++
				}
			}
			if errs != tc.missing || warns != tc.warn {
				t.Errorf("got %d errors and %d warnings, want %d and %d", errs, warns, tc.missing, tc.warn)
			}
		})
	}
}

func TestPrivateDNSZoneNotLinkedScope(t *testing.T) {
	base := func(vnets, peerings, links, externals string) string {
		return `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: t
spec:
` + externals + `  vnets:
    - name: hub
      region: westeurope
      addressSpace: [10.0.0.0/16]
      subnets:
        - name: pe
          purpose: privateEndpoints
          addressPrefixes: [10.0.1.0/24]
    - name: spoke
      region: westeurope
      addressSpace: [10.1.0.0/16]
` + vnets + `      subnets:
        - name: nodes
          purpose: nodes
          addressPrefixes: [10.1.0.0/22]
` + peerings + `  privateDnsZones:
    - name: privatelink.vaultcore.azure.net
      links: [` + links + `]
  privateEndpoints:
    - name: kv
      service: keyVault
      subnet: hub/pe
  clusters:
    - name: aks1
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke
      network:
        plugin: azure
        pluginMode: overlay
      nodePools:
        - name: system
          mode: System
          subnet: nodes
          count: 3
`
	}
	peered := "  peerings:\n    - from: spoke\n      to: hub\n"
	ext := "  externalRanges:\n    - name: dns-vnet\n      kind: peeredVNet\n      cidrs: [10.50.0.0/24]\n    - name: onprem\n      kind: onPrem\n      cidrs: [192.168.0.0/16]\n"
	cases := []struct {
		name string
		doc  string
		want []string // severities
	}{
		{"endpoint in an unpeered VNet is out of scope", base("", "", "hub", ""), nil},
		{"Azure DNS, zone linked to the cluster VNet", base("", peered, "spoke", ""), nil},
		{"Azure DNS, zone linked only to the hub", base("", peered, "hub", ""), []string{"error"}},
		{"hub resolver, zone linked to the hub", base("      dnsServers: [10.0.0.4]\n", peered, "hub", ""), nil},
		{"resolver in the cluster VNet", base("      dnsServers: [10.1.200.4]\n", peered, "spoke", ""), nil},
		{"two resolvers, one VNet unlinked", base("      dnsServers: [10.0.0.4, 10.1.200.4]\n", peered, "hub", ""), []string{"error"}},
		{"resolver in an external VNet range that the zone links", base("      dnsServers: [10.50.0.4]\n", peered, "dns-vnet", ext), nil},
		{"resolver in an external VNet range not linked", base("      dnsServers: [10.50.0.4]\n", peered, "hub", ext), []string{"error"}},
		{"resolver on premises", base("      dnsServers: [192.168.1.1]\n", peered, "hub", ext), []string{"info"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range RunRule(privateDNSZoneNotLinked, accessLoad(t, tc.doc)) {
				got = append(got, f.Severity.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAccessSmallCases(t *testing.T) {
	t.Run("endpoint in an ILB subnet is not in a node subnet", func(t *testing.T) {
		doc := accessDoc("        - name: ilb\n          purpose: ingress\n          addressPrefixes: [10.1.8.0/27]\n", "",
			"      internalLoadBalancers:\n        - subnet: ilb\n          count: 2\n",
			"  privateEndpoints:\n    - name: kv\n      service: keyVault\n      subnet: spoke/ilb\n")
		if got := RunRule(privateEndpointsInNodeSubnet, accessLoad(t, doc)); len(got) != 0 {
			t.Errorf("got %d findings, want none: %v", len(got), got)
		}
	})
	t.Run("reserved names ignore case", func(t *testing.T) {
		doc := accessDoc("        - name: gatewaysubnet\n          purpose: gateway\n          addressPrefixes: [10.1.8.0/27]\n", "", "", "")
		if got := RunRule(reservedSubnetName, accessLoad(t, doc)); len(got) != 0 {
			t.Errorf("got %d findings, want none: %v", len(got), got)
		}
	})
	t.Run("pod subnet delegated to AKS", func(t *testing.T) {
		doc := strings.Replace(accessDoc("        - name: pods\n          purpose: pods\n          delegation: Microsoft.ContainerService/managedClusters\n          addressPrefixes: [10.1.16.0/20]\n",
			"        plugin: azure\n", "", ""), "          subnet: nodes\n", "          subnet: nodes\n          podSubnet: pods\n", 1)
		if got := RunRule(nodeSubnetDelegated, accessLoad(t, doc)); len(got) != 0 {
			t.Errorf("got %d findings, want none: %v", len(got), got)
		}
	})
	t.Run("long names in a non-Overlay cluster", func(t *testing.T) {
		long := strings.Repeat("n", 64)
		doc := strings.ReplaceAll(accessDoc("", "        plugin: azure\n", "", ""), "nodes", long)
		doc = strings.Replace(doc, "purpose: "+long, "purpose: nodes", 1)
		if got := RunRule(subnetNameTooLong, accessLoad(t, doc)); len(got) != 0 {
			t.Errorf("got %d findings, want none: %v", len(got), got)
		}
		doc = strings.Replace(doc, "        plugin: azure\n", "        plugin: azure\n        pluginMode: overlay\n", 1)
		if got := RunRule(subnetNameTooLong, accessLoad(t, doc)); len(got) != 1 {
			t.Errorf("Overlay: got %d findings, want 1: %v", len(got), got)
		}
	})
}

// TestAccessRulesRegistered checks the group's registry: sorted, complete
// documentation, and every ID with a fixture folder.
func TestAccessRulesRegistered(t *testing.T) {
	for i, r := range accessRules {
		if i > 0 && accessRules[i-1].ID >= r.ID {
			t.Errorf("accessRules not sorted at %s", r.ID)
		}
		if !ValidID(r.ID) || r.Title == "" || r.Doc == "" || len(r.Sources) == 0 || r.Check == nil || r.Severity == 0 {
			t.Errorf("rule %s is incomplete", r.ID)
		}
		if !strings.HasSuffix(r.Remediation, ".") {
			t.Errorf("rule %s: remediation does not end with a period", r.ID)
		}
		if _, err := os.Stat(filepath.Join("testdata", r.ID)); err != nil {
			t.Errorf("rule %s has no fixtures: %v", r.ID, err)
		}
	}
}
