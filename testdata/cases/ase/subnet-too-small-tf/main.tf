# VNL305: subnet sizes per version (v1 needs ARM, see subnet-too-small-arm).
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# Below the v3 minimum of /27.
resource "azurerm_subnet" "v3tiny" {
  name                 = "snet-v3tiny"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/28"] # expect: VNL305
}

resource "azurerm_network_security_group" "v3tiny" {
  name                = "nsg-v3tiny"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "v3tiny" {
  subnet_id                 = azurerm_subnet.v3tiny.id
  network_security_group_id = azurerm_network_security_group.v3tiny.id
}

resource "azurerm_app_service_environment_v3" "v3tiny" {
  name                = "ase-v3tiny"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v3tiny.id
}

# Above the v3 minimum, below the recommended /24.
resource "azurerm_subnet" "v3small" {
  name                 = "snet-v3small"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/25"] # expect: VNL305
}

resource "azurerm_network_security_group" "v3small" {
  name                = "nsg-v3small"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "v3small" {
  subnet_id                 = azurerm_subnet.v3small.id
  network_security_group_id = azurerm_network_security_group.v3small.id
}

resource "azurerm_app_service_environment_v3" "v3small" {
  name                = "ase-v3small"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v3small.id
}

# A /24: fine.
resource "azurerm_subnet" "v3ok" {
  name                 = "snet-v3ok"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "v3ok" {
  name                = "nsg-v3ok"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "v3ok" {
  subnet_id                 = azurerm_subnet.v3ok.id
  network_security_group_id = azurerm_network_security_group.v3ok.id
}

resource "azurerm_app_service_environment_v3" "v3ok" {
  name                = "ase-v3ok"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v3ok.id
}

# v2: /24 recommended (the hard minimum is not documented).
resource "azurerm_subnet" "v2small" {
  name                 = "snet-v2small"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.4.0/25"] # expect: VNL305
}

resource "azurerm_network_security_group" "v2small" {
  name                = "nsg-v2small"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-management"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "454-455"
    source_address_prefix      = "AppServiceManagement"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2small" {
  subnet_id                 = azurerm_subnet.v2small.id
  network_security_group_id = azurerm_network_security_group.v2small.id
}

resource "azurerm_app_service_environment" "v2small" {
  name                = "ase-v2small"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2small.id
}

# Larger than /24: fine.
resource "azurerm_subnet" "v2big" {
  name                 = "snet-v2big"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.8.0/22"]
}

resource "azurerm_network_security_group" "v2big" {
  name                = "nsg-v2big"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-management"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "454-455"
    source_address_prefix      = "AppServiceManagement"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2big" {
  subnet_id                 = azurerm_subnet.v2big.id
  network_security_group_id = azurerm_network_security_group.v2big.id
}

resource "azurerm_app_service_environment" "v2big" {
  name                = "ase-v2big"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2big.id
}
