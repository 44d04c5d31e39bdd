resource "azurerm_network_security_group" "n" {
  for_each = toset([for i in range(1000000) : tostring(i)])
  name = each.key
  location = "westeurope"
  resource_group_name = "rg"
}
