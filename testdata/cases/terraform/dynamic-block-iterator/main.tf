variable "rules" {
  default = {
    rdp   = "3389"
    https = "443"
  }
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  dynamic "security_rule" {
    for_each = var.rules
    iterator = r
    content {
      name                       = r.key
      priority                   = 100 + index(keys(var.rules), r.key)
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = r.value # expect: VNL101
      source_address_prefix      = "*"
      destination_address_prefix = "*"
    }
  }
}
