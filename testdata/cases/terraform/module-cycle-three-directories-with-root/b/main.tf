module "c" {
  source = "../c"
}

resource "azurerm_network_security_group" "b" {
  name                = "nsg-b"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-admin"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
