# Subnets without an NSG: reported only when they hold workloads no NSG guards.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.7.0.0/16"]
}

resource "azurerm_subnet" "bare" {
  name                 = "snet-bare" # expect: VNL104
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.7.1.0/24"]
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

# The NIC carries its own NSG: guarded.
resource "azurerm_subnet" "nic_guarded" {
  name                 = "snet-nic-guarded"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.7.2.0/24"]
}

resource "azurerm_network_security_group" "nic" {
  name                = "nsg-nic"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_network_interface" "guarded" {
  name                = "nic-guarded"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.nic_guarded.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_security_group_association" "guarded" {
  network_interface_id      = azurerm_network_interface.guarded.id
  network_security_group_id = azurerm_network_security_group.nic.id
}

# Reserved subnets are exempt even with workloads in them.
resource "azurerm_subnet" "bastion" {
  name                 = "AzureBastionSubnet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.7.3.0/26"]
}

resource "azurerm_network_interface" "in_bastion" {
  name                = "nic-bastion-host"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.bastion.id
    private_ip_address_allocation = "Dynamic"
  }
}

# An empty subnet holds nothing to protect yet.
resource "azurerm_subnet" "empty" {
  name                 = "snet-empty"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.7.4.0/24"]
}

# An ASE v3 in a subnet without NSG.
resource "azurerm_subnet" "ase" {
  name                 = "snet-ase" # expect: VNL104
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.7.5.0/24"]
}

resource "azurerm_app_service_environment_v3" "ase" {
  name                = "ase-main"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id
}
