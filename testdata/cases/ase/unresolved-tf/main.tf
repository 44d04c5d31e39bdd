# Unknown values: an ASE whose subnet prefix comes from a variable without a value is not
# judged for size (VNL305 stays silent); an NSG rule whose source is unknown, in front of the
# management rule, makes the verdict of VNL302 hang on it, so VNL002 is reported at the value
# instead of a guess either way.
variable "ase_prefix" {
  type = string
}

variable "blocked_source" {
  type = string
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-ase"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "ase" {
  name                 = "snet-ase"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]
}

resource "azurerm_network_security_group" "ase" {
  name                = "nsg-ase"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-partner"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = var.blocked_source # expect: VNL002
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-management"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "454-455"
    source_address_prefix      = "AppServiceManagement"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "ase" {
  subnet_id                 = azurerm_subnet.ase.id
  network_security_group_id = azurerm_network_security_group.ase.id
}

resource "azurerm_app_service_environment" "ase" {
  name                = "ase-main"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id
}

resource "azurerm_subnet" "unknown" {
  name                 = "snet-unknown"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [var.ase_prefix]
}

resource "azurerm_network_security_group" "unknown" {
  name                = "nsg-unknown"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "unknown" {
  subnet_id                 = azurerm_subnet.unknown.id
  network_security_group_id = azurerm_network_security_group.unknown.id
}

resource "azurerm_app_service_environment_v3" "unknown" {
  name                = "ase-unknown"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.unknown.id
}
