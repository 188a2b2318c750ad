package tfhcl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// mem builds inputs from name, content pairs.
func mem(pairs ...string) []File {
	var out []File
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, File{Name: pairs[i], Data: []byte(pairs[i+1])})
	}
	return out
}

// evalLocals parses files and evaluates the named locals.
func evalLocals(t *testing.T, files []File, names ...string) (map[string]cty.Value, *evaluator) {
	t.Helper()
	cfg, probs := parse(files)
	if cfg == nil || len(probs) > 0 {
		t.Fatalf("parse: %v", probs)
	}
	e := newEvaluator(cfg)
	out := map[string]cty.Value{}
	for _, n := range names {
		v, _ := e.local(n, cfg.locals[n].NameRange)
		out[n] = v
	}
	return out, e
}

func TestFunctionsAndExpressions(t *testing.T) {
	src := `
variable "cidr" {
  type    = string
  default = "10.8.0.0/16"
}
variable "zones" {
  type    = list(number)
  default = [1, 2, 3]
}
variable "pools" {
  type    = map(string)
  default = { apps = "Standard_D8ds_v5" }
}
locals {
  subnets   = cidrsubnets(var.cidr, 6, 6, 10)
  nodes     = cidrsubnet(var.cidr, 6, 1)
  dns       = cidrhost("10.9.0.0/16", 10)
  mask      = cidrnetmask(local.nodes)
  all       = concat(local.subnets, [local.nodes])
  size      = lookup(var.pools, "apps", "Standard_D4ds_v5")
  fallback  = lookup(var.pools, "batch", "Standard_D4ds_v5")
  name      = format("vnet-%s-%03d", "aks", 7)
  zone_set  = toset([for z in var.zones : tostring(z)])
  zone_list = tolist(local.zone_set)
  regexname = replace("West Europe", "/\\s+/", "")
  plain     = replace("a.b.c", ".", "-")
  tried     = try(var.pools["missing"], "none")
  upper     = upper(join(",", keys(var.pools)))
  cond      = length(var.zones) > 2 ? "zonal" : "regional"
  splat     = [for k, v in var.pools : "${k}=${v}"]
  starts    = startswith(var.cidr, "10.")
  one       = one(["only"])
  sum       = sum(var.zones)
}
`
	vals, e := evalLocals(t, mem("main.tf", src), "subnets", "nodes", "dns", "mask", "all", "size", "fallback", "name",
		"zone_list", "regexname", "plain", "tried", "upper", "cond", "splat", "starts", "one", "sum")
	if len(e.probs) != 0 || len(e.warns) != 0 {
		t.Fatalf("problems %v, warnings %v", e.probs, e.warns)
	}
	want := map[string]string{
		"subnets":   `["10.8.0.0/22","10.8.4.0/22","10.8.8.0/26"]`,
		"nodes":     `"10.8.4.0/22"`,
		"dns":       `"10.9.0.10"`,
		"mask":      `"255.255.252.0"`,
		"all":       `["10.8.0.0/22","10.8.4.0/22","10.8.8.0/26","10.8.4.0/22"]`,
		"size":      `"Standard_D8ds_v5"`,
		"fallback":  `"Standard_D4ds_v5"`,
		"name":      `"vnet-aks-007"`,
		"zone_list": `["1","2","3"]`,
		"regexname": `"WestEurope"`,
		"plain":     `"a-b-c"`,
		"tried":     `"none"`,
		"upper":     `"APPS"`,
		"cond":      `"zonal"`,
		"splat":     `["apps=Standard_D8ds_v5"]`,
		"starts":    `true`,
		"one":       `"only"`,
		"sum":       `6`,
	}
	for n, w := range want {
		if got := jsonOf(t, vals[n]); got != w {
			t.Errorf("local.%s = %s, want %s", n, got, w)
		}
	}
}

func jsonOf(t *testing.T, v cty.Value) string {
	t.Helper()
	if !v.IsWhollyKnown() {
		return "(unknown)"
	}
	v, _ = v.UnmarkDeep()
	var parts []string
	switch {
	case v.Type() == cty.String:
		return fmt.Sprintf("%q", v.AsString())
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case v.Type() == cty.Bool:
		return fmt.Sprint(v.True())
	case v.CanIterateElements():
		for it := v.ElementIterator(); it.Next(); {
			_, el := it.Element()
			parts = append(parts, jsonOf(t, el))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return v.GoString()
}

func TestUnknownsCarryTheirCause(t *testing.T) {
	src := `
variable "no_value" {
  type = string
}
data "azurerm_subnet" "shared" {
  name = "x"
}
module "net" {
  source = "./net"
}
locals {
  from_var    = "prefix-${var.no_value}"
  from_data   = data.azurerm_subnet.shared.address_prefixes[0]
  from_module = module.net.vnet_id
  from_func   = timestamp()
  mixed       = "${local.from_data}-${local.from_func}"
  cond        = var.no_value == "a" ? "x" : "y"
  ephemeral   = ephemeral.azurerm_key_vault_secret.token.value
}
`
	vals, e := evalLocals(t, mem("main.tf", src), "from_var", "from_data", "from_module", "from_func", "mixed", "cond", "ephemeral")
	if len(e.probs) != 0 {
		t.Fatalf("problems %v", e.probs)
	}
	want := map[string][]string{
		"from_var":    {"var.no_value has no default and no value in the .tfvars files given (main.tf:2:1)"},
		"from_data":   {"data.azurerm_subnet.shared is a data source, read only when Terraform runs"},
		"from_module": {"module.net is a module, whose outputs aksnet does not evaluate"},
		"from_func":   {"function timestamp is not evaluated by aksnet"},
		"mixed":       {"data.azurerm_subnet.shared is a data source", "function timestamp is not evaluated by aksnet"},
		"cond":        {"var.no_value has no default"},
		"ephemeral":   {"ephemeral.azurerm_key_vault_secret.token is an ephemeral resource"},
	}
	for n, ws := range want {
		v := vals[n]
		if v.IsWhollyKnown() {
			t.Errorf("local.%s is known: %#v", n, v)
			continue
		}
		got := reasons(v, e.cfg.locals[n].Expr.Range())
		for _, w := range ws {
			if !strings.Contains(got, w) {
				t.Errorf("local.%s: reasons %q, want %q", n, got, w)
			}
		}
	}
}

func TestJoinsFollowTheChosenReference(t *testing.T) {
	files := mem("main.tf", `
variable "use_b" {
  type    = bool
  default = true
}
variable "unknown_choice" {
  type = bool
}
resource "azurerm_virtual_network" "v" {
  name                = "vnet-join"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}
resource "azurerm_subnet" "a" {
  name                 = "snet-a"
  virtual_network_name = azurerm_virtual_network.v.name
  resource_group_name  = "rg"
  address_prefixes     = ["10.0.1.0/24"]
}
resource "azurerm_subnet" "b" {
  name                 = "snet-b"
  virtual_network_name = azurerm_virtual_network.v.name
  resource_group_name  = "rg"
  address_prefixes     = ["10.0.2.0/24"]
}
locals {
  chosen = var.use_b ? azurerm_subnet.b.id : azurerm_subnet.a.id
}
resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-join"
  location            = "westeurope"
  resource_group_name = "rg"
  kubernetes_version  = "1.33"
  default_node_pool {
    name           = "system"
    node_count     = 2
    vnet_subnet_id = local.chosen
  }
  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
  }
}
resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
  node_count            = 1
  vnet_subnet_id        = var.unknown_choice ? azurerm_subnet.a.id : azurerm_subnet.b.id
}
`)
	d, warns, err := Import(files)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Spec.Clusters[0]
	if len(c.NodePools) != 1 || c.NodePools[0].Subnet != "vnet-join/snet-b" {
		t.Errorf("pools = %+v, want only system in vnet-join/snet-b", c.NodePools)
	}
	if len(warns) != 1 || warns[0].Path != "azurerm_kubernetes_cluster_node_pool.user.vnet_subnet_id" ||
		!strings.Contains(warns[0].Msg, "var.unknown_choice has no default") {
		t.Errorf("warnings = %v", warns)
	}
}

func TestConfigurationProblems(t *testing.T) {
	vnet := `resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}
`
	for _, tc := range []struct {
		name  string
		files []File
		want  []string // file:line: and message pieces, one per problem
	}{
		{"duplicate resource", mem("a.tf", vnet, "b.tf", vnet), []string{"b.tf:1:1: resource azurerm_virtual_network.v is declared twice (also at a.tf:1:1)"}},
		{"duplicate local", mem("a.tf", vnet+"locals {\n  x = 1\n}\n", "b.tf", "locals {\n  x = 2\n}\n"), []string{"b.tf:2:3: local.x: local value x is defined twice (also at a.tf:8:3)"}},
		{"unknown block", mem("a.tf", vnet+"resources \"x\" \"y\" {}\n"), []string{`a.tf:7:1: unsupported block type "resources"`}},
		{"top-level attribute", mem("a.tf", vnet+"region = \"westeurope\"\n"), []string{`a.tf:7:1: an argument named "region" is not expected`}},
		{"labels", mem("a.tf", vnet+"resource \"azurerm_subnet\" {}\n"), []string{"a.tf:7:1: a resource block takes 2 label(s), not 1"}},
		{"not terraform", mem("a.tf", vnet, "main.bicep", "param x string"), []string{"main.bicep:1:1: not a Terraform file"}},
		{"same file twice", mem("a.tf", vnet, "a.tf", vnet), []string{"a.tf:1:1: the file is given twice"}},
		{"only tfvars", mem("terraform.tfvars", "x = 1\n"), []string{"terraform.tfvars:1:1: no .tf file among the inputs"}},
		{"nothing to read", mem("a.tf", "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n}\n"), []string{"a.tf:1:1: the configuration declares none of the resources aksnet reads"}},
		{"local cycle", mem("a.tf", vnet+"locals {\n  a = local.b\n  b = local.a\n}\n", "b.tf", "resource \"azurerm_subnet\" \"s\" {\n  name = local.a\n}\n"),
			[]string{"a.tf:8:3: local.a: local.a depends on itself"}},
		{"count.index without count", mem("a.tf", strings.Replace(vnet, `"vnet"`, `"vnet-${count.index}"`, 1)),
			[]string{"a.tf:2:33: azurerm_virtual_network.v.name: count.index is used in a block that has no count"}},
		{"count and for_each", mem("a.tf", strings.Replace(vnet, `name `, "count = 1\n  for_each = {}\n  name ", 1)),
			[]string{"a.tf:3:3: azurerm_virtual_network.v: a resource takes count or for_each, not both"}},
		{"VNet outside the configuration", mem("a.tf", "resource \"azurerm_subnet\" \"s\" {\n  name                 = \"snet\"\n  virtual_network_name = \"vnet-hub\"\n  address_prefixes     = [\"10.0.0.0/24\"]\n}\n"),
			[]string{`a.tf:3:26: azurerm_subnet.s.virtual_network_name: azurerm_subnet.s: subnet snet is in VNet "vnet-hub", which is not among the inputs (include the azurerm_virtual_network in the same folder of .tf files)`}},
		{"literal IDs", mem("a.tf", vnet+`resource "azurerm_subnet_route_table_association" "a" {
  subnet_id      = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"
  route_table_id = "rt-egress"
}
`), []string{
			`a.tf:8:20: azurerm_subnet_route_table_association.a.subnet_id: azurerm_subnet_route_table_association.a: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet" is not a subnet resource ID`,
			`a.tf:9:20: azurerm_subnet_route_table_association.a.route_table_id: azurerm_subnet_route_table_association.a: "rt-egress" is not a Microsoft.Network/routeTables resource ID (refer to the resource by its id (TYPE.NAME.id)`,
		}},
		{"tfvars block", mem("a.tf", vnet, "x.tfvars", "block {}\n"), []string{"x.tfvars:1:1: a .tfvars file holds variable values, not blocks"}},
		{"tfvars expression", mem("a.tf", vnet+"variable \"x\" {}\n", "x.tfvars", "x = var.y\n"), []string{"x.tfvars:1:5: var.x: Variables not allowed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			probs := importErr(t, tc.files)
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
				if p.Hint == "" {
					t.Errorf("%s: no hint", p)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, got[i], w)
				}
			}
		})
	}
}

func TestVarFilesOrderAndUndeclared(t *testing.T) {
	files := mem(
		"main.tf", `variable "space" {
  type    = string
  default = "10.0.0.0/16"
}
resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = [var.space]
}
`,
		"z.tfvars", "space = \"10.3.0.0/16\"\n",
		"b.auto.tfvars", "space = \"10.2.0.0/16\"\n",
		"a.auto.tfvars", "space = \"10.9.0.0/16\"\nextra = 1\n",
		"terraform.tfvars", "space = \"10.1.0.0/16\"\n",
	)
	d, warns, err := Import(files)
	if err != nil {
		t.Fatal(err)
	}
	// terraform.tfvars, then *.auto.tfvars by name, then the others: the
	// last one given wins.
	if got := fmt.Sprint(d.Spec.VNets[0].AddressSpace); got != "[10.3.0.0/16]" {
		t.Errorf("address space = %s, want [10.3.0.0/16]", got)
	}
	if len(warns) != 1 || warns[0].File != "a.auto.tfvars" || warns[0].Line != 2 || !strings.Contains(warns[0].Msg, "sets extra, which no variable block declares") {
		t.Errorf("warnings = %v", warns)
	}
	d, _, err = Import(files[:4])
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.Spec.VNets[0].AddressSpace); got != "[10.3.0.0/16]" {
		t.Errorf("without terraform.tfvars: address space = %s", got)
	}
	d, _, err = Import(append(files[:1:1], files[2], files[3]))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.Spec.VNets[0].AddressSpace); got != "[10.2.0.0/16]" {
		t.Errorf("auto files only: address space = %s, want b.auto.tfvars's", got)
	}
}

func TestComputedBlockAttribute(t *testing.T) {
	files := mem("main.tf", `resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}
resource "azurerm_kubernetes_cluster" "k" {
  name               = "aks"
  location           = "westeurope"
  kubernetes_version = "1.33"
  default_node_pool {
    name       = "system"
    node_count = 1
  }
  network_profile {
    network_plugin = "azure"
  }
}
resource "azurerm_route_table" "r" {
  name = "rt"
  route {
    name                   = "to-dns"
    address_prefix         = "10.0.0.0/16"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = azurerm_kubernetes_cluster.k.network_profile[0].dns_service_ip
  }
}
`)
	d, warns, err := Import(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || warns[0].Path != "azurerm_route_table.r.route[0].next_hop_in_ip_address" || !strings.Contains(warns[0].Msg, "the provider computes") {
		t.Errorf("warnings = %v", warns)
	}
	if rt := d.Spec.RouteTables[0]; rt.Routes[0].NextHopIPAddress.IsValid() {
		t.Errorf("route = %+v", rt.Routes[0])
	}
}
