# setintersection of two 10,000-element lists in each of 100 instances: quadratic set operations
# counted as one evaluation step each ran for minutes.
locals {
  a = [for i in range(10000) : "a${i}"]
  b = [for i in range(10000) : "a${i * 2}"]
}

resource "azurerm_network_security_group" "n" {
  count               = 100
  name                = "nsg-${count.index}-${length(setintersection(local.a, local.b))}"
  location            = "westeurope"
  resource_group_name = "rg"
}
