# A function vnetlint does not evaluate: the value is unresolved, never guessed.
resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "from-file"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = file("${path.module}/port.txt") # expect: VNL002
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
