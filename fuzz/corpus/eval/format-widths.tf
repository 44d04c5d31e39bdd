locals {
  wide    = format("%0300d", 1)
  wider   = format("%099999999999999999999d", 1)
  precise = format("%.99999999f", 1)
  many    = format("%040000d%040000d", 1, 2)
}
resource "azurerm_network_security_group" "n" {
  count = length(local.wide) - 299
  name  = "${local.wider}${local.precise}${local.many}"
}
