# a and b call each other and nothing else calls either: both are analyzed as roots, each
# reports the cycle at its call, and the exposures of both are found.
module "b" { # expect: VNL002
  source = "../b"
}

resource "azurerm_network_security_group" "a" {
  name                = "nsg-a"
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
