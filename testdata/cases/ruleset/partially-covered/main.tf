# Earlier rules decide only part of what a later rule matches: some packets still reach it, so
# nothing is reported. The deny covers Internet sources only; the allow also takes private ones.
resource "azurerm_network_security_group" "sql" {
  name                = "nsg-sql"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "deny-sql-from-internet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  # Covers 1433 from the VNet but not 1434: still takes effect for 1434.
  security_rule {
    name                       = "allow-sql-vnet"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-sql-browser"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_ranges    = ["1433", "1434"]
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
