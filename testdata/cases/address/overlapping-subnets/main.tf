# VNL502: subnets of one VNet whose prefixes overlap. Reported at the subnet declared later.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]

  subnet {
    name             = "snet-inline"
    address_prefixes = ["10.0.0.0/24"]
  }
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

# Contained in snet-app.
resource "azurerm_subnet" "data" {
  name                 = "snet-data"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.128/25"] # expect: VNL502
}

# Overlaps the inline subnet with its second prefix only.
resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes = [
    "10.0.2.0/24",
    "10.0.0.128/25", # expect: VNL502
  ]
}

# Disjoint from every other subnet: fine.
resource "azurerm_subnet" "ok" {
  name                 = "snet-ok"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.3.0/24"]
}

# The same prefix in another, unconnected VNet: not a VNL502 matter. Inside it, `snet-app` is
# written both inline and as a resource: one subnet declared twice, not two overlapping ones.
resource "azurerm_virtual_network" "other" {
  name                = "vnet-other"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]

  subnet {
    name             = "snet-app"
    address_prefixes = ["10.0.1.0/24"]
  }
}

resource "azurerm_subnet" "other" {
  name                 = "snet-app"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.other.name
  address_prefixes     = ["10.0.1.0/24"]
}

# An unknown prefix is not assumed to overlap.
variable "dynamic_prefix" {
  type = string
}

resource "azurerm_subnet" "unknown" {
  name                 = "snet-unknown"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [var.dynamic_prefix]
}
