locals {
  m = { for p in setproduct(range(30), range(30)) : "${p[0]}-${p[1]}" => p }
  a = [for i in range(1000) : "x${i}"]
}
resource "azurerm_network_security_group" "n" {
  for_each = { for k, v in local.m : k => v if v[0] < 3 }
  name     = "n${index(keys(local.m), each.key)}-${length(setintersection(local.a, local.a))}-${length(distinct(concat(local.a, local.a)))}"
}
