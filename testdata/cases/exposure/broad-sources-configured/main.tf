# With `broad_sources = 255` in vnetlint.toml, a /24 (256 addresses) is broad.
resource "azurerm_network_security_group" "partner" {
  name                = "nsg-partner"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-ssh-from-partner-net"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "198.51.100.0/24"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-rdp-from-partner-half"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "203.0.113.0/25"
    destination_address_prefix = "*"
  }
}
