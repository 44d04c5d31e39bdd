# Values Azure or Terraform rejects, each reported at its attribute.
resource "azurerm_network_security_group" "bad" {
  name                = "nsg-bad"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "priority-too-low"
    priority                   = 50 # expect: VNL204
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "comma-ports"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "80,443" # expect: VNL204
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "reversed-range"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "2000-1000" # expect: VNL204
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "upper-case-protocol"
    priority                   = 130
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "TCP" # expect: VNL204
    source_port_range          = "*"
    destination_port_range     = "8080"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "tag-in-plural"
    priority                   = 140
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "8443"
    source_address_prefixes    = ["VirtualNetwork", "10.5.0.0/16"] # expect: VNL204
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "bad-cidr"
    priority                   = 150
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "8444"
    source_address_prefix      = "10.0.0.0/33" # expect: VNL204
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "port-out-of-range"
    priority                   = 160
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "70000" # expect: VNL204
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "bad-direction"
    priority                   = 170
    direction                  = "Ingress" # expect: VNL204
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "8445"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "singular-and-plural"
    priority                   = 180
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    destination_port_ranges    = ["80"] # expect: VNL204
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  # An invalid rule is not evaluated as if it worked: its priority is out of range, so it
  # exposes nothing, and only VNL204 is reported.
  security_rule {
    name                       = "invalid-but-open"
    priority                   = 5000 # expect: VNL204
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
