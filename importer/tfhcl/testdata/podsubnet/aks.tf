resource "azurerm_kubernetes_cluster" "shared" {
  name                = "aks-shared-neu"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  dns_prefix          = "aks-shared-neu"
  kubernetes_version  = "1.32.5"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    node_count     = 3
    max_pods       = 50
    vnet_subnet_id = azurerm_subnet.nodes.id
    pod_subnet_id  = azurerm_subnet.pods_system.id

    upgrade_settings {
      max_surge       = "1"
      max_unavailable = "0"
    }
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
    network_policy = "azure"
    service_cidr   = "172.16.0.0/16"
    dns_service_ip = "172.16.0.10"
    outbound_type  = "userAssignedNATGateway"
  }

  api_server_access_profile {
    authorized_ip_ranges = ["203.0.113.0/24", "198.51.100.7"]
  }

  depends_on = [azurerm_subnet_nat_gateway_association.nodes]
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                  = "apps"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.shared.id
  vm_size               = "Standard_D8ds_v5"
  mode                  = "User"
  os_type               = "Linux"
  auto_scaling_enabled  = true
  min_count             = 2
  max_count             = 20
  max_pods              = 60
  vnet_subnet_id        = azurerm_subnet.nodes.id
  pod_subnet_id         = azurerm_subnet.pods_apps.id

  upgrade_settings {
    max_surge = "33%"
  }
}
