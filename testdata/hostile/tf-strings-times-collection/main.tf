# 10,000 strings of 1 MB each: every string and the collection are within their own limits, but
# together they are 10 GB. The evaluation's memory budget stops it.
locals {
  big = [for i in range(10000) : format("%01000000d", i)]
}

resource "azurerm_network_security_group" "n" {
  name                = "nsg-${length(local.big)}"
  location            = "westeurope"
  resource_group_name = "rg"
}
