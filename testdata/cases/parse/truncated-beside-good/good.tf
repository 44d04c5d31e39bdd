# The good file beside a broken one is still analyzed.
resource "azurerm_network_security_group" "good" {
  name                = "nsg-good"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-rdp"
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
