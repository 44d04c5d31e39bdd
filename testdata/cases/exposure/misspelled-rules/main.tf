# Rules Azure rejects (VNL204) are still evaluated where their meaning is evident, so their
# exposure is reported at once, with a note that it holds once the rule is accepted.
resource "azurerm_network_security_group" "jump" {
  name                = "nsg-jump"
  location            = "westeurope"
  resource_group_name = "rg-net"

  # No source port: read as `*`.
  security_rule { # expect: VNL204
    name                       = "ssh-without-source-port"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  # A comma list in the singular field: read as the list.
  security_rule {
    name                       = "rdp-and-winrm"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389,5986" # expect: VNL101, VNL204
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  # A tag in the plural field: read as the tag.
  security_rule {
    name                       = "sql-from-internet"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433" # expect: VNL102
    source_address_prefixes    = ["Internet", "10.0.0.0/8"] # expect: VNL204
    destination_address_prefix = "*"
  }

  # No evident meaning: `something` is left out, the rest is evaluated.
  security_rule {
    name                       = "redis-from-anywhere"
    priority                   = 130
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "6379" # expect: VNL102
    source_address_prefixes    = ["something", "0.0.0.0/0"] # expect: VNL204
    destination_address_prefix = "*"
  }
}
