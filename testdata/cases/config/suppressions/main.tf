# Inline suppressions: with a reason they silence the finding; without one they are reported and
# silence nothing; one that matches no finding is reported as unused.
resource "azurerm_network_security_group" "jump" {
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
    destination_port_range     = "22" # vnetlint:ignore VNL101 jump host behind a VPN-only PIP, SEC-42 # expect-suppressed: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  # vnetlint:ignore VNL102 # expect: VNL003
  security_rule {
    name                       = "allow-sql"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433" # expect: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  # A suppression for another rule does not silence this one.
  security_rule {
    name                       = "allow-rdp"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389" # vnetlint:ignore VNL102 wrong rule on purpose # expect: VNL101, VNL005
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
