resource "azurerm_network_security_group" "tier" {
  count               = 2
  name                = "nsg-tier-${count.index}"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_network_security_rule" "ssh" {
  name                        = "ssh"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22" # expect: VNL101
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.tier[1].name
}
