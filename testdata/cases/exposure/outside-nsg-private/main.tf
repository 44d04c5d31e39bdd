# A rule added to an NSG another module defines, letting in only the virtual network: the
# stand-in NSG holds nothing to report.
resource "azurerm_network_security_rule" "ssh" {
  name                        = "allow-ssh-from-vnet"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = "VirtualNetwork"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-shared"
  network_security_group_name = "nsg-shared"
}
