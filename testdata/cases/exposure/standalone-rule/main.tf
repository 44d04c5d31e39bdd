# A standalone rule attached by reference to the NSG's name.
resource "azurerm_network_security_group" "db" {
  name                = "nsg-db"
  location            = "westeurope"
  resource_group_name = "rg-net"
}

resource "azurerm_network_security_rule" "smb" {
  name                        = "allow-smb"
  priority                    = 150
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "445" # expect: VNL102
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-net"
  network_security_group_name = azurerm_network_security_group.db.name
}

# A standalone rule attached by literal name, blocked by a deny in front of it.
resource "azurerm_network_security_rule" "deny_pg" {
  name                        = "deny-postgres"
  priority                    = 160
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5432"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-net"
  network_security_group_name = "nsg-db"
}

resource "azurerm_network_security_rule" "pg" {
  name                        = "allow-postgres" # expect: VNL201
  priority                    = 170
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5432"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-net"
  network_security_group_name = "nsg-db"
}
