# Public sources are reported when they are broad: a range wider than a /16, or any Azure
# tenant (`AzureCloud` and its regional forms). Each rule's own sources count.
resource "azurerm_network_security_group" "edge" {
  name                = "nsg-edge"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-ssh-from-isp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "198.0.0.0/12"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-rdp-from-azure"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389" # expect: VNL101
    source_address_prefix      = "AzureCloud"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-winrm-from-westeurope"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5986" # expect: VNL101
    source_address_prefix      = "AzureCloud.WestEurope"
    destination_address_prefix = "*"
  }

  # Two /16 ranges in one rule: 131,072 addresses, wider than a /16.
  security_rule {
    name                       = "allow-sql-from-partners"
    priority                   = 130
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433" # expect: VNL102
    source_address_prefixes    = ["203.0.0.0/16", "198.51.0.0/16"]
    destination_address_prefix = "*"
  }
}
