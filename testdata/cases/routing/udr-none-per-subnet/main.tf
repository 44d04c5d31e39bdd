# Spec routing §10 case 5: a route `10.1.2.0/24 -> None` on subnet a makes subnet b unreachable
# from a only; routes are per source subnet.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_subnet" "a" {
  name                 = "a"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet" "b" {
  name                 = "b"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.1.2.0/24"]
}

resource "azurerm_subnet" "c" {
  name                 = "c"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.1.3.0/24"]
}

resource "azurerm_route_table" "a" {
  name                = "rt-a"
  location            = "westeurope"
  resource_group_name = "rg"

  route {
    name           = "blackhole-b"
    address_prefix = "10.1.2.0/24"
    next_hop_type  = "None"
  }
}

resource "azurerm_subnet_route_table_association" "a" {
  subnet_id      = azurerm_subnet.a.id
  route_table_id = azurerm_route_table.a.id
}
