locals {
  ports = [22, 443, 8080]
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "filtered"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = [for p in local.ports : tostring(p) if p != 8080] # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
