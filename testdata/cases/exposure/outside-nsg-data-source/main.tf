# The NSG is read through a data source: rules naming it are evaluated on a stand-in for it.
data "azurerm_network_security_group" "shared" {
  name                = "nsg-shared"
  resource_group_name = "rg-shared"
}

resource "azurerm_network_security_rule" "sql" {
  name                        = "allow-sql"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "1433" # expect: VNL102
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = data.azurerm_network_security_group.shared.resource_group_name
  network_security_group_name = data.azurerm_network_security_group.shared.name
}
