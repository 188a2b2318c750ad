locals {
  name_prefix = "aks-${var.environment}-${lower(replace(var.location, " ", ""))}"

  # Subnets carved from the VNet: /22 for nodes, /24 for the API server
  # VNet integration (only /28 is needed), /26 for private endpoints.
  subnets = {
    nodes     = cidrsubnet(var.vnet_cidr, 6, 0)
    apiserver = cidrsubnet(var.vnet_cidr, 12, 64)
    endpoints = cidrsubnet(var.vnet_cidr, 10, 20)
  }

  dns_service_ip = cidrhost(var.service_cidr, 10)

  tags = merge({ environment = var.environment }, { managed_by = "terraform" })
}
