# Spec routing §9 and §10 case 13: a public IP on a NIC with no NSG on the path, neither on the
# NIC nor on its subnet. A Standard public IP is closed to inbound traffic until an NSG allows
# it (secure by default); a Basic one is open to whatever listens. Both subnets hold a workload
# without any NSG (VNL104).

resource "azurerm_virtual_network" "main" {
  name          = "vnet-main"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "standard" {
  name                 = "snet-standard" # expect: VNL104
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "basic" {
  name                 = "snet-basic" # expect: VNL104
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_public_ip" "standard" {
  name              = "pip-standard"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_public_ip" "basic" {
  name              = "pip-basic"
  allocation_method = "Dynamic"
  sku               = "Basic"
}

resource "azurerm_network_interface" "standard" {
  name = "nic-standard"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.standard.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.4"
    public_ip_address_id          = azurerm_public_ip.standard.id
  }
}

resource "azurerm_network_interface" "basic" {
  name = "nic-basic"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.basic.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.4"
    public_ip_address_id          = azurerm_public_ip.basic.id
  }
}
