# The configuration testdata/diff/plan-with-config/plan.json was planned from: the plan adds the
# rule allow-rdp, and the diff points at its block here rather than at the plan's JSON.
resource "azurerm_network_security_group" "admin" {
  name                = "nsg-admin"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-rdp"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "0.0.0.0/0"
    destination_address_prefix = "*"
  }
}
