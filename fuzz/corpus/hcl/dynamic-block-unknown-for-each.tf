variable "rules" {
  type = list(object({ port = string }))
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  dynamic "security_rule" {
    for_each = var.rules
    content {
      name                       = "dynamic"
      priority                   = 100
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = security_rule.value.port # expect: VNL002
      source_address_prefix      = "*"
      destination_address_prefix = "*"
    }
  }
}
