# A range 1000-3500 opens 1433, 1434 (SQL Server), 1521 (Oracle), 3306 (MySQL) and 3389 (RDP).
resource "azurerm_network_security_group" "legacy" {
  name                = "nsg-legacy"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-app-range"
    priority                   = 300
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1000-3500" # expect: VNL101, VNL102
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}
