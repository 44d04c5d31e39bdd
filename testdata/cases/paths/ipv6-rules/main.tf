# A dual-stack subnet: the rule admits SSH from any IPv6 address only.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-dual"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.5.0.0/16", "fd00:db8::/48"]
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.5.1.0/24", "fd00:db8:0:1::/64"]
}

resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-ssh-v6"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "::/0"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}
