# The subnet NSG allows SQL from anywhere, but the NIC NSG of the only VM in the subnet
# denies it by its default rule: no exposure (spec edge case 4 in reverse).
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "db" {
  name                 = "snet-db"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "subnet" {
  name                = "nsg-subnet"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-sql-anywhere"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "db" {
  subnet_id                 = azurerm_subnet.db.id
  network_security_group_id = azurerm_network_security_group.subnet.id
}

resource "azurerm_network_security_group" "nic" {
  name                = "nsg-nic"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_public_ip" "db" {
  name                = "pip-db"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_network_interface" "db" {
  name                = "nic-db"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.db.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.4"
    public_ip_address_id          = azurerm_public_ip.db.id
  }
}

resource "azurerm_network_interface_security_group_association" "db" {
  network_interface_id      = azurerm_network_interface.db.id
  network_security_group_id = azurerm_network_security_group.nic.id
}
