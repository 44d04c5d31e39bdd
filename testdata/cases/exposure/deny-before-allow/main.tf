# Spec edge case 1: a deny with a lower priority number suppresses a later allow.
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

  security_rule {
    name                       = "allow-sql"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
