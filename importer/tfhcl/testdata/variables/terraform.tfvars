location    = "West Europe"
environment = "prod"
vnet_cidr   = "10.20.0.0/16"

user_pools = {
  apps = {
    vm_size   = "Standard_D8ds_v5"
    min_count = 2
    max_count = 10
  }
  batch = {
    vm_size   = "Standard_F16s_v2"
    min_count = 0
    max_count = 5
    max_pods  = 110
  }
}
