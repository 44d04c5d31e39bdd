# Plural port lists and plural source prefixes are read element by element.
resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-web-and-winrm"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = [
      "80",
      "443",
      "5985-5986", # expect: VNL101
    ]
    source_address_prefixes    = ["198.51.100.0/24", "0.0.0.0/0"]
    destination_address_prefix = "*"
  }

  # Private sources are not the Internet.
  security_rule {
    name                       = "allow-ssh-private"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["22", "3389"]
    source_address_prefixes    = ["10.0.0.0/8", "192.168.0.0/16"]
    destination_address_prefix = "*"
  }
}
