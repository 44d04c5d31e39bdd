locals {
  csv = " 8080, 3389 "
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "from-csv"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = split(",", replace(trimspace(local.csv), " ", "")) # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
