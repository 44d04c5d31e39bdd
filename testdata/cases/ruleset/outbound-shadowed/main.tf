# Outbound rules are analysed on their own list: the inbound allow for 443 is unaffected by the
# outbound deny, while the outbound allow after it never takes effect.
resource "azurerm_network_security_group" "egress" {
  name                = "nsg-egress"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "deny-internet-out"
    priority                   = 100
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "Internet"
  }

  security_rule {
    name                       = "allow-https-in"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-updates-out" # expect: VNL201
    priority                   = 120
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "203.0.113.0/24"
  }
}
