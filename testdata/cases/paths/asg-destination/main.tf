# Spec edge case 27: a subnet NSG rule whose destination is an application security group
# applies only to the member NICs.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.6.0.0/16"]
}

resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.6.1.0/24"]
}

resource "azurerm_application_security_group" "web" {
  name                = "asg-web"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                                       = "allow-https-to-web"
    priority                                   = 100
    direction                                  = "Inbound"
    access                                     = "Allow"
    protocol                                   = "Tcp"
    source_port_range                          = "*"
    destination_port_range                     = "443"
    source_address_prefix                      = "Internet"
    destination_application_security_group_ids = [azurerm_application_security_group.web.id]
  }
}

resource "azurerm_subnet_network_security_group_association" "web" {
  subnet_id                 = azurerm_subnet.web.id
  network_security_group_id = azurerm_network_security_group.web.id
}

resource "azurerm_network_interface" "web1" {
  name                = "nic-web1"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.6.1.4"
    public_ip_address_id          = azurerm_public_ip.web1.id
  }
}

resource "azurerm_network_interface_application_security_group_association" "web1" {
  network_interface_id          = azurerm_network_interface.web1.id
  application_security_group_id = azurerm_application_security_group.web.id
}

resource "azurerm_network_interface" "other" {
  name                = "nic-other"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.6.1.5"
    public_ip_address_id          = azurerm_public_ip.other.id
  }
}

# The public IPs are the NICs' way in from the Internet (without one, nothing arrives).
resource "azurerm_public_ip" "web1" {
  name                = "pip-web1"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_public_ip" "other" {
  name                = "pip-other"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}
