data "azurerm_public_ip" "office" {
  name                = "pip-office"
  resource_group_name = "rg"
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh-office"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = data.azurerm_public_ip.office.ip_address # expect: VNL002
    destination_address_prefix = "*"
  }
}
