# Custom catch-all rules at the last priority decide every packet before the default rules, so
# the defaults never take effect; they are Azure's, not the author's, and are never reported.
# Nor is a custom rule that repeats a default: the defaults come after every custom rule.
resource "azurerm_network_security_group" "locked" {
  name                = "nsg-locked"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-vnet-in"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "VirtualNetwork"
  }

  security_rule {
    name                       = "deny-all-in"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-all-out"
    priority                   = 4096
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
