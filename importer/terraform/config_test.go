package terraform

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/importer"
	"github.com/aksnet/aksnet/rules"
)

// The plan attaches a route table and a pod subnet created in the same
// plan; once they resolve, the check must not report them missing.
func TestCheckPlanResolvesUnknownIDs(t *testing.T) {
	doc, _ := load(t, "plan.json")
	d, _, err := Import([]*importer.Doc{doc})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	for _, f := range rules.Run(d, rules.Options{}).Findings {
		if f.Rule == "udr-missing-default-route" || f.Rule == "legacy-network-plugin" {
			t.Errorf("got finding %s: %s, want none", f.Rule, f.Message)
		}
	}
}

// planWith builds a plan with a VNet, subnet, route table and association
// whose route_table_id is unknown, and the given configuration.
func planWith(config string) string {
	return `{
  "format_version": "1.2",
  "planned_values": {"root_module": {"child_modules": [{"address": "module.net", "resources": [
    {"address": "module.net.azurerm_virtual_network.v", "mode": "managed", "type": "azurerm_virtual_network", "name": "v",
     "values": {"name": "vnet-a", "location": "westeurope", "address_space": ["10.0.0.0/16"]}},
    {"address": "module.net.azurerm_subnet.s", "mode": "managed", "type": "azurerm_subnet", "name": "s",
     "values": {"name": "snet-a", "virtual_network_name": "vnet-a", "address_prefixes": ["10.0.0.0/24"]}},
    {"address": "module.net.azurerm_subnet_route_table_association.s", "mode": "managed", "type": "azurerm_subnet_route_table_association", "name": "s",
     "values": {"subnet_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/snet-a"}}
  ]}], "resources": [
    {"address": "azurerm_route_table.a", "mode": "managed", "type": "azurerm_route_table", "name": "a", "values": {"name": "rt-a"}},
    {"address": "azurerm_route_table.b", "mode": "managed", "type": "azurerm_route_table", "name": "b", "values": {"name": "rt-b"}}
  ]}},
  "resource_changes": [
    {"address": "module.net.azurerm_subnet_route_table_association.s", "change": {"actions": ["create"],
     "after_unknown": {"id": true, "route_table_id": true}}}
  ],
  "configuration": ` + config + `
}`
}

func TestImportPlanConfigReferences(t *testing.T) {
	// The association in module net reads var.rt_id, which the root sets.
	module := func(rootExpr string) string {
		return `{"root_module": {"module_calls": {"net": {"source": "./net",
      "expressions": {"rt_id": ` + rootExpr + `},
      "module": {"resources": [
        {"address": "azurerm_subnet_route_table_association.s", "mode": "managed", "type": "azurerm_subnet_route_table_association", "name": "s",
         "expressions": {"route_table_id": {"references": ["var.rt_id"]}, "subnet_id": {"references": ["azurerm_subnet.s.id", "azurerm_subnet.s"]}}}
      ]}}}}}`
	}
	for _, tc := range []struct {
		name, config, want string
	}{
		{"through a module variable", module(`{"references": ["azurerm_route_table.a.id", "azurerm_route_table.a"]}`), "rt-a"},
		{"no configuration", `{}`, ""},
		{"data source", module(`{"references": ["data.azurerm_route_table.hub.id", "data.azurerm_route_table.hub"]}`), ""},
		{"conditional between two", module(`{"references": ["var.hub", "azurerm_route_table.a.id", "azurerm_route_table.a", "azurerm_route_table.b.id", "azurerm_route_table.b"]}`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := importer.Parse("plan.json", []byte(planWith(tc.config)))
			if err != nil {
				t.Fatal(err)
			}
			d, warns, err := Import([]*importer.Doc{doc})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got := d.Spec.VNets[0].Subnets[0].RouteTable; got != tc.want {
				t.Errorf("route table = %q, want %q", got, tc.want)
			}
			if tc.want != "" {
				if len(warns) != 0 {
					t.Errorf("warnings = %v, want none", warns)
				}
				if got := d.Locate("spec.vnets[0].subnets[0].routeTable").Path; !strings.HasPrefix(got, "configuration.root_module.module_calls.net.module.resources[0].expressions.route_table_id.references[0]") {
					t.Errorf("route table located at %s, want the reference in the module", got)
				}
				return
			}
			if len(warns) != 1 || !strings.Contains(warns[0].Msg, "route_table_id is known only after apply; not checked") {
				t.Errorf("warnings = %v, want one about route_table_id", warns)
			}
		})
	}
}

func TestSplitAddr(t *testing.T) {
	got := strings.Join(splitAddr(`module.a["x.y"].azurerm_subnet.s[0].id`), "|")
	if want := `module|a["x.y"]|azurerm_subnet|s[0]|id`; got != want {
		t.Errorf("splitAddr = %s, want %s", got, want)
	}
	sc, local := scopeOf(`module.a[1].module.b.azurerm_subnet.s["k"]`)
	if sc.inst != "module.a[1].module.b." || sc.mod != "module.a.module.b" || local != "azurerm_subnet.s" {
		t.Errorf("scopeOf = %+v %s", sc, local)
	}
	p, call, ok := parentScope(sc)
	if !ok || p.inst != "module.a[1]." || p.mod != "module.a" || call != "b" {
		t.Errorf("parentScope = %+v %s %v", p, call, ok)
	}
}
