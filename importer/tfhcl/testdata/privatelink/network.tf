resource "azurerm_resource_group" "app" {
  name     = "rg-payments-prod"
  location = "swedencentral"
}

resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub-sdc"
  location            = azurerm_resource_group.app.location
  resource_group_name = azurerm_resource_group.app.name
  address_space       = ["10.0.0.0/22"]

  subnet {
    name             = "AzureFirewallSubnet"
    address_prefixes = ["10.0.0.0/26"]
  }

  subnet {
    name             = "snet-dns-inbound"
    address_prefixes = ["10.0.1.0/28"]
  }
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-payments-sdc"
  location            = azurerm_resource_group.app.location
  resource_group_name = azurerm_resource_group.app.name
  address_space       = ["10.70.0.0/20"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-aks-nodes"
  resource_group_name  = azurerm_resource_group.app.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.70.0.0/22"]
}

resource "azurerm_subnet" "endpoints" {
  name                              = "snet-private-endpoints"
  resource_group_name               = azurerm_resource_group.app.name
  virtual_network_name              = azurerm_virtual_network.spoke.name
  address_prefixes                  = ["10.70.8.0/27"]
  private_endpoint_network_policies = "Enabled"
}
