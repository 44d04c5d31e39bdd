variable "allow_admin" {
  default = true
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "admin"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = var.allow_admin ? "22" : "443" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
