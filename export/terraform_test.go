package export

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/aksnet/aksnet/design"
)

func renderTerraform(t *testing.T, d *design.Design) []byte {
	t.Helper()
	return render(t, d, func(w *bytes.Buffer, d *design.Design) error { return Terraform(w, d) })
}

func TestTerraformGolden(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			golden(t, sc.name+".tf", renderTerraform(t, sc.load(t)))
		})
	}
}

// parseTF parses generated Terraform and fails on any diagnostic.
func parseTF(t *testing.T, src []byte) *hclsyntax.Body {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCL(src, "main.tf")
	if len(diags) > 0 {
		t.Fatalf("generated Terraform does not parse: %s\n%s", diags.Error(), src)
	}
	return f.Body.(*hclsyntax.Body)
}

// resources returns the resource blocks of a type, in file order.
func resources(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == typ {
			out = append(out, b)
		}
	}
	return out
}

func child(b *hclsyntax.Block, typ string) *hclsyntax.Block {
	for _, c := range b.Body.Blocks {
		if c.Type == typ {
			return c
		}
	}
	return nil
}

// literal evaluates an attribute that holds a constant (no references).
func literal(t *testing.T, b *hclsyntax.Block, name string) cty.Value {
	t.Helper()
	a, ok := b.Body.Attributes[name]
	if !ok {
		t.Fatalf("%s %v has no attribute %s", b.Type, b.Labels, name)
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s %v attribute %s is not a constant: %s", b.Type, b.Labels, name, diags.Error())
	}
	return v
}

func literalStrings(t *testing.T, b *hclsyntax.Block, name string) []string {
	t.Helper()
	var out []string
	for it := literal(t, b, name).ElementIterator(); it.Next(); {
		_, v := it.Element()
		out = append(out, v.AsString())
	}
	return out
}

// refs returns the traversals an attribute refers to, as strings such as
// "azurerm_subnet.spoke_nodes.id".
func refs(b *hclsyntax.Block, name string) []string {
	a, ok := b.Body.Attributes[name]
	if !ok {
		return nil
	}
	var out []string
	for _, tr := range a.Expr.Variables() {
		out = append(out, traversalString(tr))
	}
	return out
}

func traversalString(tr hcl.Traversal) string {
	var parts []string
	for _, s := range tr {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, s.Name)
		}
	}
	return strings.Join(parts, ".")
}

func TestTerraformStructure(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			d := sc.load(t)
			body := parseTF(t, renderTerraform(t, d))

			declared := map[string]bool{}
			for _, b := range body.Blocks {
				switch b.Type {
				case "resource":
					key := b.Labels[0] + "." + b.Labels[1]
					if declared[key] {
						t.Errorf("resource %s is declared twice", key)
					}
					declared[key] = true
					for _, l := range b.Labels[1] {
						if !(l >= 'a' && l <= 'z' || l >= '0' && l <= '9' || l == '_') {
							t.Errorf("resource name %q has %q outside [a-z0-9_]", b.Labels[1], l)
						}
					}
				case "variable":
					declared["var."+b.Labels[0]] = true
				}
			}
			// Every reference points at something declared in the file.
			checkRefs(t, body, declared)

			subnets := 0
			for _, v := range d.Spec.VNets {
				subnets += len(v.Subnets)
			}
			for _, c := range []struct {
				typ  string
				want int
			}{
				{"azurerm_virtual_network", len(d.Spec.VNets)},
				{"azurerm_subnet", subnets},
				{"azurerm_route_table", len(d.Spec.RouteTables)},
				{"azurerm_network_security_group", len(d.Spec.NSGs)},
				{"azurerm_nat_gateway", len(d.Spec.NATGateways)},
				{"azurerm_private_dns_zone", len(d.Spec.PrivateDNSZones)},
				{"azurerm_private_endpoint", len(d.Spec.PrivateEndpoints)},
				{"azurerm_kubernetes_cluster", len(d.Spec.Clusters)},
			} {
				if got := len(resources(body, c.typ)); got != c.want {
					t.Errorf("%s blocks: got %d, want %d", c.typ, got, c.want)
				}
			}

			clusters := resources(body, "azurerm_kubernetes_cluster")
			pools := resources(body, "azurerm_kubernetes_cluster_node_pool")
			wantPools := 0
			for i := range d.Spec.Clusters {
				c := &d.Spec.Clusters[i]
				wantPools += len(c.NodePools) - 1
				if i >= len(clusters) {
					break
				}
				checkCluster(t, clusters[i], c)
			}
			if len(pools) != wantPools {
				t.Errorf("node pool resources: got %d, want %d", len(pools), wantPools)
			}
		})
	}
}

func checkRefs(t *testing.T, body *hclsyntax.Body, declared map[string]bool) {
	t.Helper()
	var walk func(b *hclsyntax.Body, where string)
	walk = func(b *hclsyntax.Body, where string) {
		for name, a := range b.Attributes {
			if strings.HasPrefix(where, "variable ") && name == "type" {
				continue // a type constraint, not a reference
			}
			for _, tr := range a.Expr.Variables() {
				s := traversalString(tr)
				parts := strings.Split(s, ".")
				if parts[0] == "count" {
					continue
				}
				if len(parts) < 2 || !declared[parts[0]+"."+parts[1]] {
					t.Errorf("%s: attribute %s refers to %s, which is not declared", where, name, s)
				}
			}
		}
		for _, blk := range b.Blocks {
			walk(blk.Body, where+"/"+blk.Type)
		}
	}
	for _, b := range body.Blocks {
		walk(b.Body, b.Type+" "+strings.Join(b.Labels, "."))
	}
}

func checkCluster(t *testing.T, b *hclsyntax.Block, c *design.Cluster) {
	t.Helper()
	if got := literal(t, b, "name").AsString(); got != c.Name {
		t.Errorf("cluster name: got %q, want %q", got, c.Name)
	}
	np := child(b, "network_profile")
	if np == nil {
		t.Fatalf("cluster %s has no network_profile", c.Name)
	}
	if got, want := literalStrings(t, np, "service_cidrs"), texts(c.ServiceCIDRs()); !slices.Equal(got, want) {
		t.Errorf("cluster %s service_cidrs: got %v, want %v", c.Name, got, want)
	}
	if len(c.Network.ServiceCIDRs) > 0 {
		if got, want := literalStrings(t, np, "service_cidrs"), texts(c.Network.ServiceCIDRs); !slices.Equal(got, want) {
			t.Errorf("cluster %s service_cidrs: got %v, want the design's %v", c.Name, got, want)
		}
	}
	if pods := c.PodCIDRs(); len(pods) > 0 {
		if got, want := literalStrings(t, np, "pod_cidrs"), texts(pods); !slices.Equal(got, want) {
			t.Errorf("cluster %s pod_cidrs: got %v, want %v", c.Name, got, want)
		}
	} else if _, ok := np.Body.Attributes["pod_cidrs"]; ok {
		t.Errorf("cluster %s (%s) has pod_cidrs, but pods take VNet addresses", c.Name, c.IPAM())
	}
	if got := literal(t, np, "dns_service_ip").AsString(); got != c.DNSServiceIP().String() {
		t.Errorf("cluster %s dns_service_ip: got %s, want %s", c.Name, got, c.DNSServiceIP())
	}
	if got := literal(t, np, "network_plugin").AsString(); got != plugin(c) {
		t.Errorf("cluster %s network_plugin: got %s, want %s", c.Name, got, plugin(c))
	}
	if got := literal(t, np, "outbound_type").AsString(); got != string(c.OutboundType()) {
		t.Errorf("cluster %s outbound_type: got %s, want %s", c.Name, got, c.OutboundType())
	}
	if c.DualStack() {
		if got := literalStrings(t, np, "ip_versions"); !slices.Equal(got, []string{"IPv4", "IPv6"}) {
			t.Errorf("cluster %s ip_versions: got %v", c.Name, got)
		}
	}
	dp := child(b, "default_node_pool")
	if dp == nil {
		t.Fatalf("cluster %s has no default_node_pool", c.Name)
	}
	sys := c.NodePools[systemPool(c)]
	if got := literal(t, dp, "name").AsString(); got != sys.Name {
		t.Errorf("cluster %s default pool: got %s, want %s", c.Name, got, sys.Name)
	}
	if sys.Subnet != "" {
		if r := refs(dp, "vnet_subnet_id"); len(r) != 1 || !strings.HasPrefix(r[0], "azurerm_subnet.") {
			t.Errorf("cluster %s default pool vnet_subnet_id refers to %v, want one azurerm_subnet", c.Name, r)
		}
	}
	if c.APIServer.Private {
		if !literal(t, b, "private_cluster_enabled").True() {
			t.Errorf("cluster %s: private_cluster_enabled is not true", c.Name)
		}
	}
}

func TestTerraformValues(t *testing.T) {
	body := parseTF(t, renderTerraform(t, branchesDesign()))
	find := func(typ, name string) *hclsyntax.Block {
		t.Helper()
		for _, b := range resources(body, typ) {
			if b.Labels[1] == name {
				return b
			}
		}
		t.Fatalf("no %s.%s", typ, name)
		return nil
	}

	// Delegation with the managed-cluster join action.
	pods := find("azurerm_subnet", "spoke_ds_pods")
	sd := child(child(pods, "delegation"), "service_delegation")
	if got := literal(t, sd, "name").AsString(); got != "Microsoft.ContainerService/managedClusters" {
		t.Errorf("pods delegation: got %s", got)
	}
	// The VNet with a space in its name gets a valid identifier and keeps
	// its Azure name.
	if got := literal(t, find("azurerm_virtual_network", "n_2nd_vnet"), "name").AsString(); got != "2nd vnet" {
		t.Errorf("VNet name: got %q", got)
	}
	// Peerings: the external one once, the explicit pair once each way.
	var names []string
	for _, b := range resources(body, "azurerm_virtual_network_peering") {
		names = append(names, literal(t, b, "name").AsString())
	}
	if want := []string{"spoke-ds-to-corp-hub", "ds-to-2nd", "2nd-to-ds"}; !slices.Equal(names, want) {
		t.Errorf("peerings: got %v, want %v", names, want)
	}
	if r := refs(find("azurerm_virtual_network_peering", "spoke_ds_to_corp_hub"), "remote_virtual_network_id"); !slices.Equal(r, []string{"var.corp_hub_vnet_id"}) {
		t.Errorf("external peering remote id refers to %v", r)
	}
	// NAT gateway: three public IPs, one of them IPv6, all associated.
	if got := len(resources(body, "azurerm_public_ip")); got != 3 {
		t.Errorf("public IPs: got %d, want 3", got)
	}
	if got := literal(t, find("azurerm_public_ip", "natgw_1_pip6_1"), "ip_version").AsString(); got != "IPv6" {
		t.Errorf("IPv6 public IP version: got %s", got)
	}
	if got := len(resources(body, "azurerm_nat_gateway_public_ip_association")); got != 3 {
		t.Errorf("NAT public IP associations: got %d, want 3", got)
	}
	// Private endpoint with count 2: a list variable and count.
	pe := find("azurerm_private_endpoint", "pe_sql")
	if got, _ := literal(t, pe, "count").AsBigFloat().Int64(); got != 2 {
		t.Errorf("pe-sql count: got %d", got)
	}
	psc := child(pe, "private_service_connection")
	if got := literalStrings(t, psc, "subresource_names"); !slices.Equal(got, []string{"sqlServer"}) {
		t.Errorf("pe-sql subresource: got %v", got)
	}
	if r := refs(child(pe, "private_dns_zone_group"), "private_dns_zone_ids"); !slices.Equal(r, []string{"azurerm_private_dns_zone.privatelink_database_windows_net.id"}) {
		t.Errorf("pe-sql zone group refers to %v", r)
	}
	// pe-redis: its zone is not in the design, so no zone group.
	if child(find("azurerm_private_endpoint", "pe_redis"), "private_dns_zone_group") != nil {
		t.Error("pe-redis has a DNS zone group for a zone the design does not have")
	}

	// Cluster aks-ds: dual-stack, VNet integration, NAT gateway dependency.
	ds := find("azurerm_kubernetes_cluster", "aks_ds")
	ap := child(ds, "api_server_access_profile")
	if got := literalStrings(t, ap, "authorized_ip_ranges"); !slices.Equal(got, []string{"203.0.113.0/24", "198.51.100.7/32"}) {
		t.Errorf("authorized ranges: got %v", got)
	}
	if r := refs(ap, "subnet_id"); !slices.Equal(r, []string{"azurerm_subnet.spoke_ds_apiserver.id"}) {
		t.Errorf("API server subnet refers to %v", r)
	}
	deps := refs(ds, "depends_on")
	for _, want := range []string{
		"azurerm_subnet_nat_gateway_association.spoke_ds_nodes",
		"azurerm_subnet_route_table_association.spoke_ds_nodes",
		"azurerm_subnet_network_security_group_association.spoke_ds_nodes",
	} {
		if !slices.Contains(deps, want) {
			t.Errorf("aks-ds depends_on %v lacks %s", deps, want)
		}
	}
	if child(ds, "windows_profile") == nil {
		t.Error("aks-ds has a Windows pool but no windows_profile")
	}
	win := find("azurerm_kubernetes_cluster_node_pool", "aks_ds_win1")
	if got := literal(t, win, "os_type").AsString(); got != "Windows" {
		t.Errorf("win1 os_type: got %s", got)
	}
	if got := literal(t, child(win, "upgrade_settings"), "max_surge").AsString(); got != "1" {
		t.Errorf("win1 max_surge: got %s", got)
	}

	// Cluster aks-podsub: the System pool is second in the design but is
	// the default pool; both pools have pod subnets; LB profile.
	ps := find("azurerm_kubernetes_cluster", "aks_podsub")
	dp := child(ps, "default_node_pool")
	if got := literal(t, dp, "name").AsString(); got != "sys" {
		t.Errorf("aks-podsub default pool: got %s, want sys", got)
	}
	if r := refs(dp, "pod_subnet_id"); !slices.Equal(r, []string{"azurerm_subnet.spoke_ds_pods.id"}) {
		t.Errorf("aks-podsub default pool pod subnet refers to %v", r)
	}
	if !literal(t, dp, "auto_scaling_enabled").True() {
		t.Error("aks-podsub default pool is not autoscaling")
	}
	lb := child(child(ps, "network_profile"), "load_balancer_profile")
	if got, _ := literal(t, lb, "managed_outbound_ip_count").AsBigFloat().Int64(); got != 2 {
		t.Errorf("LB outbound IPs: got %d", got)
	}
	if r := refs(ps, "private_dns_zone_id"); !slices.Equal(r, []string{"azurerm_private_dns_zone.privatelink_northeurope_azmk8s_io.id"}) {
		t.Errorf("custom private DNS zone refers to %v", r)
	}
	if literal(t, ps, "private_cluster_public_fqdn_enabled").True() {
		t.Error("aks-podsub public FQDN should be disabled")
	}
	user := find("azurerm_kubernetes_cluster_node_pool", "aks_podsub_user1")
	if got, _ := literal(t, user, "node_count").AsBigFloat().Int64(); got != 4 {
		t.Errorf("user1 node_count: got %d", got)
	}

	// Cluster aks-managed: AKS-managed VNet, managed NAT gateway profile.
	mg := find("azurerm_kubernetes_cluster", "aks_managed")
	ngp := child(child(mg, "network_profile"), "nat_gateway_profile")
	if got, _ := literal(t, ngp, "idle_timeout_in_minutes").AsBigFloat().Int64(); got != 8 {
		t.Errorf("managed NAT idle timeout: got %d", got)
	}
	if got := literal(t, mg, "private_dns_zone_id").AsString(); got != "None" {
		t.Errorf("aks-managed private_dns_zone_id: got %s", got)
	}
	if _, ok := child(mg, "default_node_pool").Body.Attributes["vnet_subnet_id"]; ok {
		t.Error("a cluster in an AKS-managed VNet got a vnet_subnet_id")
	}
	if got := literalStrings(t, child(mg, "network_profile"), "pod_cidrs"); !slices.Equal(got, []string{"10.244.0.0/16"}) {
		t.Errorf("kubenet default pod CIDR: got %v", got)
	}
}
