# Module b: the same network in every module of this case; each module's vnetlint.toml
# decides how its findings are reported.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-b"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.2.0.0/16"]
}

resource "azurerm_subnet" "app_b" {
  name                 = "snet-app-b"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.2.1.0/24"]
}

resource "azurerm_subnet" "bare" {
  name                 = "snet-bare-b"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.2.2.0/24"]
}

resource "azurerm_network_security_group" "app" {
  name                = "nsg-b"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-alt-ssh"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "2222"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app_b.id
  network_security_group_id = azurerm_network_security_group.app.id
}

resource "azurerm_network_interface" "bare" {
  name                = "nic-bare-b"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.bare.id
    private_ip_address_allocation = "Dynamic"
  }
}
