variable "p" {
  default = 22
}
locals {
  ports = [for i in range(3) : var.p + i]
  s = "${join(",", local.ports)}"
}
resource "azurerm_subnet" "a" {
  count = length(local.ports)
  name = "s${count.index}"
  address_prefixes = [cidrsubnet("10.0.0.0/16", 8, count.index)]
}
