locals {
  low  = 1433
  high = 1434
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "sql"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = format("%d-%d", local.low, local.high) # expect: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
