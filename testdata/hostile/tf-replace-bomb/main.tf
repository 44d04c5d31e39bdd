# Each replace() multiplies the length by ten: five lines would build a 10 GB string. The length
# is projected before anything is built, so the limit fires at the third.
locals {
  a = "xxxxxxxxxx"
  b = replace(local.a, "x", local.a)
  c = replace(local.b, "x", local.b)
  d = replace(local.c, "x", local.c)
  e = replace(local.d, "x", local.d)
}

resource "azurerm_network_security_group" "n" {
  name                = local.e
  location            = "westeurope"
  resource_group_name = "rg"
}
