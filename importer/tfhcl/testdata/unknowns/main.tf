variable "location" {
  type = string
}

variable "outbound_type" {
  type        = string
  description = "loadBalancer, userDefinedRouting or userAssignedNATGateway; set per environment."
}

variable "node_subnet_cidr" {
  type    = string
  default = "10.90.0.0/22"
}

data "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  resource_group_name = "rg-hub"
}

data "azurerm_subnet" "shared_pe" {
  name                 = "snet-shared-endpoints"
  virtual_network_name = "vnet-hub"
  resource_group_name  = "rg-hub"
}

module "naming" {
  source = "./modules/naming"
  env    = "test"
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-unknowns"
  location            = "westeurope"
  resource_group_name = "rg-unknowns"
  address_space       = ["10.90.0.0/16"]
  dns_servers         = data.azurerm_virtual_network.hub.dns_servers
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg-unknowns"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = [var.node_subnet_cidr]
}

resource "azurerm_subnet" "extra" {
  count                = length(data.azurerm_virtual_network.hub.subnets)
  name                 = "snet-extra-${count.index}"
  resource_group_name  = "rg-unknowns"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = [cidrsubnet("10.90.128.0/17", 7, count.index)]
}

resource "azurerm_route_table" "named" {
  name                = module.naming.route_table_name
  location            = "westeurope"
  resource_group_name = "rg-unknowns"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-unknowns"
  location            = var.location
  resource_group_name = "rg-unknowns"
  dns_prefix          = "aks-unknowns"
  kubernetes_version  = "1.33"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    node_count     = 3
    max_pods       = tonumber(file("${path.module}/max_pods.txt"))
    vnet_subnet_id = azurerm_subnet.nodes.id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    pod_cidr            = "192.168.0.0/16"
    service_cidr        = "10.91.0.0/16"
    dns_service_ip      = "10.91.0.10"
    outbound_type       = var.outbound_type
  }
}

resource "azurerm_private_endpoint" "shared" {
  name                = "pe-shared"
  location            = "westeurope"
  resource_group_name = "rg-unknowns"
  subnet_id           = data.azurerm_subnet.shared_pe.id

  private_service_connection {
    name                           = "psc-shared"
    private_connection_resource_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kv-shared"
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }
}
