resource "azurerm_network_security_rule" "x" {
  name = "é€"
  priority = 1${
