package tfhcl

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/rules"
)

// TestRulesPointIntoTerraformFiles runs the rules on imported
// configurations: the findings that explain each configuration's problem
// point at the line of the .tf file that causes it.
func TestRulesPointIntoTerraformFiles(t *testing.T) {
	for _, tc := range []struct {
		dir, rule       string
		file, after, at string
		path            string
	}{
		// The upgrade that fails because a /24 node subnet has no room
		// for the surge node at max_pods 100 (Azure CNI, node subnet).
		{"surge", "node-subnet-too-small", "surge/main.tf", `"azurerm_subnet" "nodes"`, "address_prefixes", "azurerm_subnet.nodes.address_prefixes"},
		{"surge", "legacy-network-plugin", "surge/main.tf", "network_profile", "network_plugin", "azurerm_kubernetes_cluster.legacy.network_profile[0].network_plugin"},
		// A blob endpoint in the node subnet, whose zone is not linked to
		// the VNet the cluster resolves from.
		{"privatelink", "private-endpoints-in-node-subnet", "privatelink/services.tf", `"azurerm_private_endpoint" "blob"`, "subnet_id", "azurerm_private_endpoint.blob.subnet_id"},
		// The zone's links are located where the first one names its VNet.
		{"privatelink", "private-dns-zone-not-linked", "privatelink/services.tf", `"blob_hub"`, "virtual_network_id",
			"azurerm_private_dns_zone_virtual_network_link.blob_hub.virtual_network_id"},
		{"podsubnet", "network-policy-not-enforced", "podsubnet/aks.tf", "", "network_policy", "azurerm_kubernetes_cluster.shared.network_profile[0].network_policy"},
	} {
		d, _, err := Import(loadDir(t, tc.dir))
		if err != nil {
			t.Fatalf("%s: %v", tc.dir, err)
		}
		res := rules.Run(d, rules.Options{})
		want := finding.Location{File: tc.file, Line: lineOf(t, tc.file, tc.after, tc.at), Path: tc.path}
		var got []finding.Location
		for _, f := range res.Findings {
			if f.Rule == tc.rule {
				got = append(got, f.Location)
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s findings at %v, want one at %v (%s)", tc.dir, tc.rule, got, want, want.Path)
		}
	}
	// Every finding on every imported fixture is located in a .tf file.
	for _, dir := range []string{"overlay", "podsubnet", "variables", "privatelink", "unknowns", "surge"} {
		d, _, err := Import(loadDir(t, dir))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, f := range rules.Run(d, rules.Options{}).Findings {
			if !strings.HasPrefix(f.Location.File, dir+"/") || !strings.HasSuffix(f.Location.File, ".tf") || f.Location.Line < 1 {
				t.Errorf("%s: finding %s %s is located at %v", dir, f.Rule, f.Subject, f.Location)
			}
		}
	}
}
