# Unresolved values: an earlier rule whose source is unknown never makes a later rule look dead,
# and a rule whose own match is unknown is never judged. No VNL002 either: not knowing these
# values cannot hide a shadowed rule, it only keeps the analysis from reporting one.
variable "ops_source" {
  type = string
}

variable "ops_target" {
  type = string
}

resource "azurerm_network_security_group" "ops" {
  name                = "nsg-ops"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "deny-ops-var"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "9000"
    source_address_prefix      = var.ops_source
    destination_address_prefix = "*"
  }

  # Not reported: the unknown source might not cover it.
  security_rule {
    name                       = "allow-ops"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "9000"
    source_address_prefix      = "10.0.0.0/16"
    destination_address_prefix = "*"
  }

  # Not judged: its destination is unknown, so what it matches is not known.
  security_rule {
    name                       = "allow-ops-target"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "9000"
    source_address_prefix      = "10.0.0.0/16"
    destination_address_prefix = var.ops_target
  }
}
