resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-cidr"
  location            = "westeurope"
  resource_group_name = "rg-cidr"
  address_space       = ["10.40.1.0/16"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg-cidr"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.40.0.0/22", "10.40.4.0/33"]
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-cidr"
  location            = "westeurope"
  resource_group_name = "rg-cidr"
  dns_prefix          = "aks-cidr"
  kubernetes_version  = "1.33"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    node_count     = 3
    vnet_subnet_id = azurerm_subnet.nodes.id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
    service_cidr   = "10.41.0.0"
    dns_service_ip = "10.41.0.300"
  }
}
