resource "azurerm_virtual_network" "v" { name = "x"
