# A narrow allow inside a broader allow that decides first: the NSG behaves the same without it.
# The standalone rule is redundant with the inline one (both count, whatever their style).
resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-web-from-vnet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["80", "443"]
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "https_from_app" {
  name                        = "allow-https-from-app" # expect: VNL202
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "443"
  source_address_prefixes     = ["10.0.1.0/24", "10.0.2.0/24"]
  destination_address_prefix  = "10.0.3.4"
  resource_group_name         = "rg-net"
  network_security_group_name = azurerm_network_security_group.web.name
}
