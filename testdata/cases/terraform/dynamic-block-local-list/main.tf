locals {
  rules = [
    { name = "ssh", priority = 100, port = "22" },
    { name = "https", priority = 110, port = "443" },
  ]
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  dynamic "security_rule" {
    for_each = local.rules
    content {
      name                       = security_rule.value.name
      priority                   = security_rule.value.priority
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = security_rule.value.port # expect: VNL101
      source_address_prefix      = "*"
      destination_address_prefix = "*"
    }
  }
}
