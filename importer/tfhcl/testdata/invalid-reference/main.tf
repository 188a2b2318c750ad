variable "vnet_cidr" {
  type    = string
  default = "10.60.0.0/16"
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-ref"
  location            = var.region
  resource_group_name = "rg-ref"
  address_space       = [var.vnet_cidr]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = "rg-ref"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = [cidrsubnet(var.vnet_cidr, 4, 16)]
}

resource "azurerm_subnet" "pods" {
  count                = -1
  name                 = "snet-pods-${count.index}"
  resource_group_name  = "rg-ref"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = [cidrsubnet(var.vnet_cidr, 8, count.index)]
}

resource "azurerm_subnet" "extra" {
  for_each             = ["a", "b"]
  name                 = "snet-${each.key}"
  resource_group_name  = "rg-ref"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.60.200.0/24"]
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-ref"
  location            = "westeurope"
  resource_group_name = "rg-ref"
  dns_prefix          = "aks-ref"
  kubernetes_version  = "1.33"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    node_count     = 3
    vnet_subnet_id = azurerm_virtual_network.spoke.id
    pod_subnet_id  = azurerm_subnet.pod.id
  }

  identity {
    type = "SystemAssigned"
  }
}
