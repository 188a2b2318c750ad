package tfhcl

import (
	"errors"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/importer"
)

// wantProblem is one expected problem: its file, the line holding at
// (after the first line holding after), its column, Terraform path and a
// piece of its message.
type wantProblem struct {
	file, after, at string
	col             int
	path, msg       string
}

// importErr imports files that must fail and returns the problems.
func importErr(t *testing.T, files []File) []importer.Problem {
	t.Helper()
	d, _, err := Import(files)
	if err == nil {
		t.Fatalf("Import succeeded with %+v, want an error", d)
	}
	var ie *importer.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %T %v, want *importer.Error", err, err)
	}
	return ie.Problems
}

func checkProblems(t *testing.T, got []importer.Problem, wants []wantProblem) {
	t.Helper()
	if len(got) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(wants), (&importer.Error{Problems: got}).Error())
	}
	for _, w := range wants {
		line := lineOf(t, w.file, w.after, w.at)
		found := false
		for _, p := range got {
			if p.File == w.file && p.Line == line && p.Column == w.col && p.Path == w.path && strings.Contains(p.Msg, w.msg) {
				found = true
				if p.Hint == "" {
					t.Errorf("problem %s has no hint", p)
				}
			}
		}
		if !found {
			t.Errorf("no problem at %s:%d:%d %s %q in:\n%s", w.file, line, w.col, w.path, w.msg, (&importer.Error{Problems: got}).Error())
		}
	}
}

func TestImportInvalid(t *testing.T) {
	for _, tc := range []struct {
		dir   string
		wants []wantProblem
	}{
		{"invalid-syntax", []wantProblem{
			{"invalid-syntax/main.tf", "", "}", 1, "", "Missing item separator"},
			{"invalid-syntax/aks.tf", "", "kubernetes_version", 28, "", "Invalid block definition"},
		}},
		{"invalid-cidr", []wantProblem{
			{"invalid-cidr/main.tf", "", "address_space", 26, "azurerm_virtual_network.spoke.address_space[0]", "10.40.1.0/16 has host bits set"},
			{"invalid-cidr/main.tf", "", "10.40.4.0/33", 43, "azurerm_subnet.nodes.address_prefixes[1]", `invalid prefix length "33"`},
			{"invalid-cidr/main.tf", "", "service_cidr", 22, "azurerm_kubernetes_cluster.aks.network_profile[0].service_cidr", "has no prefix length"},
			{"invalid-cidr/main.tf", "", "dns_service_ip", 22, "azurerm_kubernetes_cluster.aks.network_profile[0].dns_service_ip", "10.41.0.300 is not an IP address"},
		}},
		{"invalid-type", []wantProblem{
			{"invalid-type/main.tf", "", "address_space", 25, "azurerm_virtual_network.spoke.address_space", `want a list of strings, got the string "10.50.0.0/16"`},
			{"invalid-type/main.tf", "", "private_cluster_enabled", 29, "azurerm_kubernetes_cluster.aks.private_cluster_enabled", `want true or false, got the string "yes"`},
			{"invalid-type/main.tf", "", "max_count", 28, "azurerm_kubernetes_cluster.aks.default_node_pool[0].max_count", "want a whole number, got 4.5"},
			{"invalid-type/main.tf", "", "max_pods", 28, "azurerm_kubernetes_cluster.aks.default_node_pool[0].max_pods", `want a whole number, got the string "many"`},
			{"invalid-type/main.tf", "", "network_plugin", 22, "azurerm_kubernetes_cluster.aks.network_profile[0].network_plugin", "want a string, got a list"},
		}},
		{"invalid-reference", []wantProblem{
			{"invalid-reference/main.tf", "", "var.region", 25, "azurerm_virtual_network.spoke.location", "reference to undeclared input variable var.region"},
			{"invalid-reference/main.tf", "", "cidrsubnet(var.vnet_cidr, 4, 16)", 27, "azurerm_subnet.nodes.address_prefixes", "prefix extension of 4 does not accommodate a subnet numbered 16"},
			{"invalid-reference/main.tf", "", "count ", 26, "azurerm_subnet.pods.count", "count must be a whole number from 0 to 3000, not -1"},
			{"invalid-reference/main.tf", "", "for_each", 26, "azurerm_subnet.extra.for_each", "for_each takes a map or a set of strings"},
			{"invalid-reference/main.tf", "", "vnet_subnet_id", 22, "azurerm_kubernetes_cluster.aks.default_node_pool[0].vnet_subnet_id",
				"refers to azurerm_virtual_network.spoke (azurerm_virtual_network), but needs a subnet"},
			{"invalid-reference/main.tf", "", "pod_subnet_id", 22, "azurerm_kubernetes_cluster.aks.default_node_pool[0].pod_subnet_id", "reference to undeclared resource azurerm_subnet.pod"},
		}},
		{"invalid-tfvars", []wantProblem{
			{"invalid-tfvars/terraform.tfvars", "", "node_count", 17, "var.node_count", "the value of var.node_count is not a number"},
		}},
		{"invalid-unknown-required", []wantProblem{
			{"invalid-unknown-required/main.tf", "", `resource "azurerm_virtual_network" "spoke"`, 1, "azurerm_virtual_network.spoke", `VNet "vnet-spoke" has no address space`},
			{"invalid-unknown-required/main.tf", "", "address_space", 25, "azurerm_virtual_network.spoke.address_space",
				"note: the value is not known before apply (data.azurerm_virtual_network.hub is a data source"},
		}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			checkProblems(t, importErr(t, loadDir(t, tc.dir)), tc.wants)
		})
	}
}
