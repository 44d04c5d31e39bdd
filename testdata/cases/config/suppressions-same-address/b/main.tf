# The twin of a/main.tf; the suppression applies to the whole rule block below it.
resource "azurerm_network_security_group" "web" {
  name                = "nsg-web-b"
  location            = "westeurope"
  resource_group_name = "rg"

  # vnetlint:ignore VNL102 read replica behind a firewall appliance, SEC-9
  security_rule {
    name                       = "allow-sql"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433" # expect-suppressed: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
