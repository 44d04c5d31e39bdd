# A for_each over a 10,000-element setproduct, each instance searching the keys: linear work in
# each of 10,000 instances.
locals {
  pairs = { for p in setproduct(range(100), range(100)) : "${p[0]}-${p[1]}" => p }
}

resource "azurerm_network_security_group" "n" {
  for_each            = local.pairs
  name                = "nsg-${index(keys(local.pairs), each.key)}"
  location            = "westeurope"
  resource_group_name = "rg"
}
