locals {
  a = local.b
  b = local.a
}
resource "azurerm_network_security_group" "n" {
  name = local.a
  location = "westeurope"
  resource_group_name = "rg"
}
