# Two rules together open every TCP port: no single rule says `*`.
resource "azurerm_network_security_group" "split" {
  name                = "nsg-split"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "low-ports" # expect: VNL103
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "0-30000" # expect: VNL101, VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "high-ports"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "30001-65535"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
