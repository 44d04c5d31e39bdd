# The same network as base/, rewritten: values moved into locals, tags and descriptions added,
# attributes reordered. Nothing it allows or denies changes.
locals {
  location = "westeurope"
  https    = "443"
}

resource "azurerm_virtual_network" "main" {
  address_space       = ["10.1.0.0/16"]
  name                = "vnet-main"
  resource_group_name = "rg"
  location            = local.location
  tags                = { owner = "network-team" }
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  virtual_network_name = azurerm_virtual_network.main.name
  resource_group_name  = "rg"
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_public_ip" "jump" {
  name                = "pip-jump"
  sku                 = "Standard"
  allocation_method   = "Static"
  location            = local.location
  resource_group_name = "rg"
}

resource "azurerm_network_interface" "jump" {
  name                = "nic-jump"
  location            = local.location
  resource_group_name = "rg"

  ip_configuration {
    public_ip_address_id          = azurerm_public_ip.jump.id
    private_ip_address            = "10.1.1.10"
    private_ip_address_allocation = "Static"
    subnet_id                     = azurerm_subnet.app.id
    name                          = "primary"
  }
}

resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = local.location
  resource_group_name = "rg"
  tags                = { owner = "network-team" }

  security_rule {
    description                = "public website"
    name                       = "allow-https"
    access                     = "Allow"
    priority                   = 110
    direction                  = "Inbound"
    protocol                   = "Tcp"
    destination_port_range     = local.https
    source_port_range          = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}
