variable "node_count" {
  type    = number
  default = 3
}

variable "address_space" {
  type = list(string)
}
