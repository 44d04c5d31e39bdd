locals {
  p = setproduct(range(100), range(100), range(100))
  s = format("%01000d", 0)
  q = setproduct([local.s, local.s, local.s, local.s], range(900))
}
resource "azurerm_network_security_group" "n" {
  for_each = toset([for x in local.p : join("-", x)])
  name     = "n${length(local.q)}"
}
