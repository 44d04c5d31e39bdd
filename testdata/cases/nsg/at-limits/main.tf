# At Azure's limits exactly: 1,000 rules of four source addresses each (4,000 in all). Nothing
# to report (over-limits/ holds one rule more).
resource "azurerm_network_security_group" "big" {
  name                = "nsg-big"
  location            = "westeurope"
  resource_group_name = "rg-net"
}

resource "azurerm_network_security_rule" "r" {
  count                       = 1000
  name                        = "r${count.index}"
  priority                    = 100 + count.index
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = tostring(10000 + count.index)
  source_address_prefixes     = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]
  destination_address_prefix  = "*"
  resource_group_name         = "rg-net"
  network_security_group_name = azurerm_network_security_group.big.name
}
