resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-tfvars"
  location            = "westeurope"
  resource_group_name = "rg-tfvars"
  address_space       = var.address_space
}
