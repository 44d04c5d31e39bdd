# Terraform checks enum values case-sensitively (`TCP` fails at plan time, ARM accepts it);
# the rule is still evaluated as `Tcp`, so its exposure shows at once, with a note.
resource "azurerm_network_security_group" "jump" {
  name                = "nsg-jump"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "ssh-upper-case"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "TCP" # expect: VNL204
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "rdp-lower-case"
    priority                   = 110
    direction                  = "inbound" # expect: VNL204
    access                     = "allow" # expect: VNL204
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389" # expect: VNL101
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  # The same spelling with a private source: only the spelling is reported.
  security_rule {
    name                       = "https-from-vnet"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "TCP" # expect: VNL204
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}
