# The file is cut short inside its last block: VNL001 where the text stops, and the complete
# blocks before it are still lowered and checked.
resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "half" {
  name                        = "rdp"
  network_security_group_name = azurerm_network_security_group.web.name
  priority                    = 110
  destination_port_range      = cidrsubnet("10.0.0.0/16", 8
