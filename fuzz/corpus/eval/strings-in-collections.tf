locals {
  s    = format("%04000d", 0)
  many = [for i in range(1000) : local.s]
  all  = join(",", local.many)
  tpl  = "%{for s in local.many}${s}%{endfor}"
  json = jsonencode(local.many)
  rows = formatlist("%04000d", range(1000))
}
resource "azurerm_network_security_group" "n" {
  name = "${local.all}${local.tpl}${local.json}${length(local.rows)}"
}
