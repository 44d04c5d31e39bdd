# An editor buffer mid-typing: the middle block is broken, the blocks around it are analyzed.
resource "azurerm_network_security_group" "first" {
  name                = "nsg-first"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389" # expect: VNL101
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "typing" {
  name     = "nsg-typing"
  location = "westeurope"
  tags = {
    owner = ]
  }
}

resource "azurerm_network_security_group" "last" {
  name                = "nsg-last"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
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
