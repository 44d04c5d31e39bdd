locals {
  digits = ["3", "3", "8", "9"]
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "%{ for d in local.digits }${d}%{ endfor }" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
