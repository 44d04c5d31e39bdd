locals {
  everything = range(1e9)
}

resource "azurerm_network_security_group" "n" {
  count               = length(local.everything)
  name                = "nsg-${count.index}"
  location            = "westeurope"
  resource_group_name = "rg"
}
