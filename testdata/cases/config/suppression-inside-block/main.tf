# A suppression written inside a block (where other scanners put theirs) applies to the findings
# located in the innermost element block that holds it, and to no other.
resource "azurerm_network_security_group" "jump" {
  # vnetlint:ignore VNL101 jump hosts are reached through the VPN gateway only, SEC-42
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
    destination_port_range     = "22" # expect-suppressed: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    # vnetlint:ignore VNL102 replica for the reporting vendor, contract DP-7
    name                       = "allow-sql"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433" # expect-suppressed: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  # The comment in the rule above is inside that rule's block: it does not reach this one.
  security_rule {
    name                       = "allow-postgres"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5432" # expect: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
