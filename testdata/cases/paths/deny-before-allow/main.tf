# Spec edge case 1 on a path: a deny at a lower priority number beats a later allow.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "a" {
  name                 = "snet-a"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "b" {
  name                 = "snet-b"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "a" {
  name                = "nsg-a"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-sql-to-db"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "*"
    destination_address_prefix = "10.0.1.4"
  }

  security_rule {
    name                       = "allow-sql-from-vnet"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "a" {
  subnet_id                 = azurerm_subnet.a.id
  network_security_group_id = azurerm_network_security_group.a.id
}

resource "azurerm_network_interface" "db" {
  name                = "nic-db"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.a.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.4"
  }
}

resource "azurerm_network_interface" "app" {
  name                = "nic-app"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.a.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.5"
  }
}
