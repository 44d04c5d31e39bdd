# vnetlint.toml beside this file turns VNL104 off, lowers VNL102 to a note, adds port 2222 as
# a management port, and excludes legacy/.
resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-alt-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "2222" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-redis"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "6379" # expect: VNL102
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.9.0.0/16"]
}

resource "azurerm_subnet" "bare" {
  name                 = "snet-bare"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.9.1.0/24"]
}

resource "azurerm_network_interface" "bare" {
  name                = "nic-bare"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.bare.id
    private_ip_address_allocation = "Dynamic"
  }
}
