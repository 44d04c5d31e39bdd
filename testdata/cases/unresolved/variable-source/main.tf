# A source prefix from a variable without a value: never assumed safe.
variable "admin_source" {
  type = string
}

variable "office" {
  type    = string
  default = "10.20.0.0/24"
}

resource "azurerm_network_security_group" "jump" {
  name                = "nsg-jump"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-ssh-admin"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = var.admin_source # expect: VNL002
    destination_address_prefix = "*"
  }

  # Resolved from the variable's default: private, so not exposed.
  security_rule {
    name                       = "allow-rdp-office"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = var.office
    destination_address_prefix = "*"
  }
}
