resource "azurerm_network_security_group" "n" {
  count = 10000000
  name = "n${count.index}"
  location = "westeurope"
  resource_group_name = "rg"
}
