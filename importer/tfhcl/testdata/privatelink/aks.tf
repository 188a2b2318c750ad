resource "azurerm_kubernetes_cluster" "payments" {
  name                    = "aks-payments-prod-sdc"
  location                = azurerm_resource_group.app.location
  resource_group_name     = azurerm_resource_group.app.name
  dns_prefix              = "aks-payments-prod"
  kubernetes_version      = "1.33"
  private_cluster_enabled = true
  private_dns_zone_id     = "System"

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
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    pod_cidr            = "100.64.0.0/16"
    service_cidr        = "10.71.0.0/16"
    dns_service_ip      = "10.71.0.10"
  }
}
