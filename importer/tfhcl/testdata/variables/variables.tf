variable "location" {
  type        = string
  description = "Azure region of every resource."
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "vnet_cidr" {
  type        = string
  description = "Address space of the spoke VNet; subnets are carved from it."
  default     = "10.10.0.0/16"
}

variable "kubernetes_version" {
  type    = string
  default = "1.33"
}

variable "user_pools" {
  type = map(object({
    vm_size   = string
    min_count = number
    max_count = number
    max_pods  = optional(number, 30)
  }))
  default = {}
}

variable "service_cidr" {
  type    = string
  default = "10.250.0.0/16"
}
