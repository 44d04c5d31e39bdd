# format() widths were capped at 256, so this count was 0 and the NSG below vanished. A width of
# 300 is honoured: the count is 1 and the open SSH rule is found.
resource "azurerm_network_security_group" "jump" {
  count               = length(format("%0300d", 1)) == 300 ? 1 : 0
  name                = "nsg-jump"
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
