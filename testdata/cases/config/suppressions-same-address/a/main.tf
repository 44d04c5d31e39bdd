# Two root modules declare an element at the same address. The directive above the rule in
# module b applies to b's finding only; a's finding stands. (The driver once looked the element
# up in the first network holding the address, so the directive in b was ignored.)
resource "azurerm_network_security_group" "web" {
  name                = "nsg-web-a"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-sql"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433" # expect: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
