resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-syntax"
  location            = "westeurope"
  resource_group_name = "rg-syntax"
  address_space       = ["10.0.0.0/16"
}
