resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-type"
  location            = "westeurope"
  resource_group_name = "rg-type"
  address_space       = "10.50.0.0/16"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                    = "aks-type"
  location                = "westeurope"
  resource_group_name     = "rg-type"
  dns_prefix              = "aks-type"
  kubernetes_version      = "1.33"
  private_cluster_enabled = "yes"

  default_node_pool {
    name                 = "system"
    vm_size              = "Standard_D4ds_v5"
    auto_scaling_enabled = true
    min_count            = 2
    max_count            = 4.5
    max_pods             = "many"
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = ["azure"]
  }
}
