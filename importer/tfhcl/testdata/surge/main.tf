# Azure CNI with pod IPs from the node subnet: every node reserves
# max_pods + 1 addresses. Two nodes of 100 pods fill most of a /24, and
# the surge node of the next upgrade has no room.
resource "azurerm_virtual_network" "legacy" {
  name                = "vnet-legacy-cni"
  location            = "eastus2"
  resource_group_name = "rg-legacy-cni"
  address_space       = ["10.30.0.0/16"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg-legacy-cni"
  virtual_network_name = azurerm_virtual_network.legacy.name
  address_prefixes     = ["10.30.1.0/24"]
}

resource "azurerm_kubernetes_cluster" "legacy" {
  name                = "aks-legacy-cni"
  location            = "eastus2"
  resource_group_name = "rg-legacy-cni"
  dns_prefix          = "aks-legacy-cni"
  kubernetes_version  = "1.31"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    node_count     = 2
    max_pods       = 100
    vnet_subnet_id = azurerm_subnet.nodes.id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin    = "azure"
    network_policy    = "calico"
    service_cidr      = "10.31.0.0/16"
    dns_service_ip    = "10.31.0.10"
    load_balancer_sku = "standard"
  }
}
