# Named administrator and partner ranges (a /16 or narrower) are what the exposure findings
# recommend: none of these is reported. Rules do not add up: each /16 below is narrow on its own.
resource "azurerm_network_security_group" "admin" {
  name                = "nsg-admin"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-ssh-from-admin"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "203.0.113.10/32"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-rdp-from-partner"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "198.51.0.0/16"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-postgres-from-site-a"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5432"
    source_address_prefix      = "198.18.0.0/16"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-postgres-from-site-b"
    priority                   = 130
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5432"
    source_address_prefix      = "198.19.0.0/16"
    destination_address_prefix = "*"
  }

  # Every port, but for two administrators only: no VNL103 either.
  security_rule {
    name                       = "allow-all-from-admins"
    priority                   = 140
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefixes    = ["203.0.113.10", "203.0.113.11"]
    destination_address_prefix = "*"
  }
}
