module "a" { # expect: VNL002
  source = "../a"
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
    destination_port_range     = "3389" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
