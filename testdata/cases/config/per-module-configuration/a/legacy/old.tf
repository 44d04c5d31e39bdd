# Excluded by a/vnetlint.toml: never analyzed, so its open SSH is not reported.
resource "azurerm_network_security_group" "old" {
  name                = "nsg-old"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
