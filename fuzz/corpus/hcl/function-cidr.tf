locals {
  everything = cidrsubnet("0.0.0.0/0", 0, 0)
  office     = cidrsubnets("10.20.0.0/16", 8, 8)
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh-office"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = local.office[1]
    destination_address_prefix = "*"
  }
  security_rule {
    name                       = "rdp-any"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389" # expect: VNL101
    source_address_prefix      = local.everything
    destination_address_prefix = "*"
  }
}
