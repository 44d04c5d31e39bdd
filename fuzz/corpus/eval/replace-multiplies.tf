locals {
  a = format("%0256d", 0)
  b = replace(local.a, "0", local.a)
  c = replace(local.b, "0", local.b)
}
resource "azurerm_network_security_group" "n" {
  name = local.c
}
