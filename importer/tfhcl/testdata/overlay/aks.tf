resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-prod-weu"
  location            = azurerm_resource_group.aks.location
  resource_group_name = azurerm_resource_group.aks.name
  dns_prefix          = "aks-prod-weu"
  kubernetes_version  = "1.33"
  sku_tier            = "Standard"

  default_node_pool {
    name                 = "system"
    vm_size              = "Standard_D4ds_v5"
    vnet_subnet_id       = azurerm_subnet.nodes.id
    os_sku               = "AzureLinux"
    auto_scaling_enabled = true
    min_count            = 3
    max_count            = 6
    max_pods             = 110
    zones                = ["1", "2", "3"]

    upgrade_settings {
      max_surge = "10%"
    }
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    pod_cidr            = "192.168.0.0/16"
    service_cidr        = "10.41.0.0/16"
    dns_service_ip      = "10.41.0.10"
    outbound_type       = "userDefinedRouting"
  }

  depends_on = [azurerm_subnet_route_table_association.nodes]
}
