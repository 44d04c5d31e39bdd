# Decoded values point at the jsondecode call that produced them.
locals {
  policy = jsondecode("{\"open\": [\"3389\"]}")  # expect: VNL101
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "from-json"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = local.policy.open
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
