package tfhcl

// The attributes aksnet reads from each azurerm resource type, with the
// type the provider's schema gives them (provider 3.x and 4.x spellings
// both). Values are converted to these types as Terraform converts them
// (a number where a string is expected becomes a string); a value that
// does not convert is an error at its place. Other attributes are not
// evaluated, so what aksnet does not read cannot fail the import.

type kind uint8

const (
	kString kind = iota
	kInt
	kBool
	kStrings
	// kCIDR and kCIDRs are address prefixes, checked strictly: no host
	// bits, a length, no zone.
	kCIDR
	kCIDRs
	// kAddrOrCIDRs are CIDRs or single addresses (authorized IP ranges).
	kAddrOrCIDRs
	kIP
	kIPs
	// kRef is an Azure resource ID: a literal ID, or a reference to a
	// resource of the configuration, joined by its address.
	kRef
	kRefs
)

// target is what a resource ID attribute may refer to.
type target uint8

const (
	tNone target = iota
	tSubnet
	tVNet
	tRouteTable
	tNATGateway
	tCluster
	tZone
	// tZoneOrKeyword is private_dns_zone_id of a cluster: System, None,
	// or a private DNS zone.
	tZoneOrKeyword
	// tService is the target of a private endpoint: any private link
	// resource.
	tService
)

type attrSpec struct {
	kind   kind
	target target
}

type blockSpec struct {
	attrs  map[string]attrSpec
	blocks map[string]*blockSpec
}

var (
	str      = attrSpec{kind: kString}
	integer  = attrSpec{kind: kInt}
	boolean  = attrSpec{kind: kBool}
	strs     = attrSpec{kind: kStrings}
	cidrOne  = attrSpec{kind: kCIDR}
	cidrList = attrSpec{kind: kCIDRs}
	ipOne    = attrSpec{kind: kIP}
	ipList   = attrSpec{kind: kIPs}
	subnetID = attrSpec{kind: kRef, target: tSubnet}
)

var poolSpec = map[string]attrSpec{
	"name": str, "mode": str, "os_type": str, "os_sku": str, "vm_size": str,
	"node_count": integer, "min_count": integer, "max_count": integer, "max_pods": integer,
	"auto_scaling_enabled": boolean, "enable_auto_scaling": boolean,
	"vnet_subnet_id": subnetID, "pod_subnet_id": subnetID,
}

var upgradeSpec = &blockSpec{attrs: map[string]attrSpec{"max_surge": str, "max_unavailable": str}}

func withAttrs(base map[string]attrSpec, extra map[string]attrSpec) map[string]attrSpec {
	out := map[string]attrSpec{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// schemas maps the resource types aksnet reads to what it reads of them.
var schemas = map[string]*blockSpec{
	"azurerm_virtual_network": {
		attrs: map[string]attrSpec{"name": str, "location": str, "resource_group_name": str, "address_space": cidrList, "dns_servers": ipList},
		blocks: map[string]*blockSpec{"subnet": {attrs: map[string]attrSpec{
			"name": str, "address_prefix": cidrOne, "address_prefixes": cidrList,
			"route_table_id": {kind: kRef, target: tRouteTable},
		}}},
	},
	"azurerm_subnet": {
		attrs: map[string]attrSpec{"name": str, "virtual_network_name": str, "address_prefixes": cidrList},
		blocks: map[string]*blockSpec{"delegation": {
			attrs:  map[string]attrSpec{"name": str},
			blocks: map[string]*blockSpec{"service_delegation": {attrs: map[string]attrSpec{"name": str}}},
		}},
	},
	"azurerm_route_table": {
		attrs: map[string]attrSpec{"name": str, "bgp_route_propagation_enabled": boolean, "disable_bgp_route_propagation": boolean},
		blocks: map[string]*blockSpec{"route": {attrs: map[string]attrSpec{
			"name": str, "address_prefix": str, "next_hop_type": str, "next_hop_in_ip_address": ipOne,
		}}},
	},
	"azurerm_nat_gateway": {attrs: map[string]attrSpec{"name": str, "sku_name": str, "idle_timeout_in_minutes": integer}},
	"azurerm_nat_gateway_public_ip_association": {attrs: map[string]attrSpec{
		"nat_gateway_id": {kind: kRef, target: tNATGateway},
	}},
	"azurerm_subnet_route_table_association": {attrs: map[string]attrSpec{
		"subnet_id": subnetID, "route_table_id": {kind: kRef, target: tRouteTable},
	}},
	"azurerm_subnet_nat_gateway_association": {attrs: map[string]attrSpec{
		"subnet_id": subnetID, "nat_gateway_id": {kind: kRef, target: tNATGateway},
	}},
	"azurerm_kubernetes_cluster": {
		attrs: map[string]attrSpec{
			"name": str, "location": str, "kubernetes_version": str,
			"private_cluster_enabled": boolean, "private_cluster_public_fqdn_enabled": boolean,
			"private_dns_zone_id": {kind: kRef, target: tZoneOrKeyword},
		},
		blocks: map[string]*blockSpec{
			"default_node_pool": {attrs: poolSpec, blocks: map[string]*blockSpec{"upgrade_settings": upgradeSpec}},
			"network_profile": {
				attrs: map[string]attrSpec{
					"network_plugin": str, "network_plugin_mode": str, "network_data_plane": str, "ebpf_data_plane": str,
					"network_policy": str, "pod_cidr": cidrOne, "pod_cidrs": cidrList, "service_cidr": cidrOne,
					"service_cidrs": cidrList, "dns_service_ip": ipOne, "ip_versions": strs, "outbound_type": str,
				},
				blocks: map[string]*blockSpec{
					"load_balancer_profile": {attrs: map[string]attrSpec{
						"managed_outbound_ip_count": integer, "managed_outbound_ipv6_count": integer,
						"outbound_ports_allocated": integer, "idle_timeout_in_minutes": integer,
					}},
					"nat_gateway_profile": {attrs: map[string]attrSpec{"managed_outbound_ip_count": integer, "idle_timeout_in_minutes": integer}},
				},
			},
			"api_server_access_profile": {attrs: map[string]attrSpec{
				"authorized_ip_ranges": {kind: kAddrOrCIDRs}, "subnet_id": subnetID,
				"vnet_integration_enabled": boolean, "virtual_network_integration_enabled": boolean,
			}},
		},
	},
	"azurerm_kubernetes_cluster_node_pool": {
		attrs:  withAttrs(poolSpec, map[string]attrSpec{"kubernetes_cluster_id": {kind: kRef, target: tCluster}}),
		blocks: map[string]*blockSpec{"upgrade_settings": upgradeSpec},
	},
	"azurerm_private_endpoint": {
		attrs: map[string]attrSpec{"name": str, "location": str, "subnet_id": subnetID},
		blocks: map[string]*blockSpec{
			"private_service_connection": {attrs: map[string]attrSpec{
				"name": str, "private_connection_resource_id": {kind: kRef, target: tService}, "subresource_names": strs,
			}},
			"private_dns_zone_group": {attrs: map[string]attrSpec{
				"name": str, "private_dns_zone_ids": {kind: kRefs, target: tZone},
			}},
		},
	},
	"azurerm_private_dns_zone": {attrs: map[string]attrSpec{"name": str}},
	"azurerm_private_dns_zone_virtual_network_link": {attrs: map[string]attrSpec{
		"name": str, "private_dns_zone_name": str, "virtual_network_id": {kind: kRef, target: tVNet},
	}},
}

func supported(typ string) bool { return schemas[typ] != nil }

// armTypes maps the Terraform types a resource ID may be joined to onto
// their Azure provider and resource type. Besides the network and AKS
// types it lists the private link services aksnet models.
var armTypes = map[string]string{
	"azurerm_subnet":                                     "Microsoft.Network/virtualNetworks/subnets",
	"azurerm_virtual_network":                            "Microsoft.Network/virtualNetworks",
	"azurerm_route_table":                                "Microsoft.Network/routeTables",
	"azurerm_nat_gateway":                                "Microsoft.Network/natGateways",
	"azurerm_kubernetes_cluster":                         "Microsoft.ContainerService/managedClusters",
	"azurerm_private_dns_zone":                           "Microsoft.Network/privateDnsZones",
	"azurerm_key_vault":                                  "Microsoft.KeyVault/vaults",
	"azurerm_storage_account":                            "Microsoft.Storage/storageAccounts",
	"azurerm_mssql_server":                               "Microsoft.Sql/servers",
	"azurerm_sql_server":                                 "Microsoft.Sql/servers",
	"azurerm_container_registry":                         "Microsoft.ContainerRegistry/registries",
	"azurerm_servicebus_namespace":                       "Microsoft.ServiceBus/namespaces",
	"azurerm_eventhub_namespace":                         "Microsoft.EventHub/namespaces",
	"azurerm_relay_namespace":                            "Microsoft.Relay/namespaces",
	"azurerm_cosmosdb_account":                           "Microsoft.DocumentDB/databaseAccounts",
	"azurerm_monitor_workspace":                          "Microsoft.Monitor/accounts",
	"azurerm_redis_cache":                                "Microsoft.Cache/Redis",
	"azurerm_redis_enterprise_cluster":                   "Microsoft.Cache/redisEnterprise",
	"azurerm_postgresql_flexible_server":                 "Microsoft.DBforPostgreSQL/flexibleServers",
	"azurerm_monitor_private_link_scope":                 "Microsoft.Insights/privateLinkScopes",
	"azurerm_key_vault_managed_hardware_security_module": "Microsoft.KeyVault/managedHSMs",
}

// allows reports whether a join to a resource of type typ (with a nested
// block path sub) fits the attribute's target.
func (t target) allows(typ, sub string) bool {
	if sub != "" {
		// The only nested block with an ID aksnet joins: an inline
		// subnet of a VNet.
		return t == tSubnet && typ == "azurerm_virtual_network" && isSubnetBlock(sub)
	}
	switch t {
	case tSubnet:
		return typ == "azurerm_subnet"
	case tVNet:
		return typ == "azurerm_virtual_network"
	case tRouteTable:
		return typ == "azurerm_route_table"
	case tNATGateway:
		return typ == "azurerm_nat_gateway"
	case tCluster:
		return typ == "azurerm_kubernetes_cluster"
	case tZone, tZoneOrKeyword:
		return typ == "azurerm_private_dns_zone"
	case tService:
		return armTypes[typ] != ""
	}
	return false
}

func isSubnetBlock(sub string) bool {
	return len(sub) > len("subnet[") && sub[:len("subnet[")] == "subnet[" && sub[len(sub)-1] == ']'
}

// example shows how to refer to a target.
func (t target) example() string {
	switch t {
	case tSubnet:
		return "refer to a subnet, e.g. azurerm_subnet.NAME.id"
	case tVNet:
		return "refer to a VNet, e.g. azurerm_virtual_network.NAME.id"
	case tRouteTable:
		return "refer to a route table, e.g. azurerm_route_table.NAME.id"
	case tNATGateway:
		return "refer to a NAT gateway, e.g. azurerm_nat_gateway.NAME.id"
	case tCluster:
		return "refer to a cluster, e.g. azurerm_kubernetes_cluster.NAME.id"
	case tZone, tZoneOrKeyword:
		return "refer to a zone, e.g. azurerm_private_dns_zone.NAME.id"
	}
	return "refer to the target resource's id"
}

// what names a target for messages.
func (t target) what() string {
	switch t {
	case tSubnet:
		return "a subnet (azurerm_subnet)"
	case tVNet:
		return "a virtual network (azurerm_virtual_network)"
	case tRouteTable:
		return "a route table (azurerm_route_table)"
	case tNATGateway:
		return "a NAT gateway (azurerm_nat_gateway)"
	case tCluster:
		return "an AKS cluster (azurerm_kubernetes_cluster)"
	case tZone, tZoneOrKeyword:
		return "a private DNS zone (azurerm_private_dns_zone)"
	case tService:
		return "a private link service aksnet models (Key Vault, Storage, SQL, ACR, ...)"
	}
	return "a resource"
}
