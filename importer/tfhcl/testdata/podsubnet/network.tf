resource "azurerm_resource_group" "net" {
  name     = "rg-aks-shared-neu"
  location = "northeurope"
}

resource "azurerm_virtual_network" "aks" {
  name                = "vnet-aks-shared-neu"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  address_space       = ["10.60.0.0/16"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.aks.name
  address_prefixes     = ["10.60.0.0/24"]
}

resource "azurerm_subnet" "pods_system" {
  name                 = "snet-pods-system"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.aks.name
  address_prefixes     = ["10.60.16.0/22"]

  delegation {
    name = "aks-delegation"

    service_delegation {
      name    = "Microsoft.ContainerService/managedClusters"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "pods_apps" {
  name                 = "snet-pods-apps"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.aks.name
  address_prefixes     = ["10.60.32.0/20"]

  delegation {
    name = "aks-delegation"

    service_delegation {
      name    = "Microsoft.ContainerService/managedClusters"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_public_ip" "egress" {
  count               = 2
  name                = "pip-natgw-aks-${count.index + 1}"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_nat_gateway" "egress" {
  name                    = "ng-aks-shared-neu"
  location                = azurerm_resource_group.net.location
  resource_group_name     = azurerm_resource_group.net.name
  sku_name                = "Standard"
  idle_timeout_in_minutes = 10
}

resource "azurerm_nat_gateway_public_ip_association" "egress" {
  count                = length(azurerm_public_ip.egress)
  nat_gateway_id       = azurerm_nat_gateway.egress.id
  public_ip_address_id = azurerm_public_ip.egress[count.index].id
}

resource "azurerm_subnet_nat_gateway_association" "nodes" {
  subnet_id      = azurerm_subnet.nodes.id
  nat_gateway_id = azurerm_nat_gateway.egress.id
}
