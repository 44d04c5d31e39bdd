variable "ssh_port" {
  type = string
}

variable "name" {
  type    = string
  default = "app"
}

resource "azurerm_network_security_group" "this" {
  name                = "nsg-${var.name}"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = var.ssh_port
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

output "nsg_name" {
  value = azurerm_network_security_group.this.name
}

output "nsg_id" {
  value = azurerm_network_security_group.this.id
}
