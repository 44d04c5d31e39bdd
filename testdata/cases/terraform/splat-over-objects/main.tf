locals {
  services = [
    { port = "443" },
    { port = "1433" }, # expect: VNL102
  ]
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "services"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = local.services[*].port
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
