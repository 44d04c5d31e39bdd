locals {
  s     = format("%060000d", 0)
  parts = [split("", local.s), split("0", local.s), split("", local.s)]
  deep  = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
  flat  = try(flatten(local.deep), ["caught"])
}
resource "azurerm_network_security_group" "n" {
  name = "n${length(local.parts)}-${local.flat[0]}"
}
