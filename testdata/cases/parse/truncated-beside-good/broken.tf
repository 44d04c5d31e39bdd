resource "azurerm_network_security_group" "broken" {
  name                = "nsg-broken"
  location            = "westeurope"
  security_rule {
    name     = "half-written"
    priority = 
