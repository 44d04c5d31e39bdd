# A list element points at where it was computed: the lookup that produced "22".
locals {
  defaults  = { ssh = "2222", https = "443" }
  overrides = { ssh = "22" }
  merged    = merge(local.defaults, local.overrides)
  extra     = flatten([["8443"], [lookup(local.merged, "ssh", "none")]]) # expect: VNL101
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "mixed"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = distinct(concat(local.extra, values(local.merged)))
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
