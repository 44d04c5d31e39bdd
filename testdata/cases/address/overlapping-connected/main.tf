# VNL503: peered VNets, VNets joined by a VNet-to-VNet connection, and a VNet and the
# on-premises ranges behind its gateway must not overlap.
resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.255.0/27"]
}

# Overlaps the hub; peered in both directions.
resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space = [
    "10.1.0.0/16",
    "10.0.128.0/17", # expect: VNL503
  ]
}

resource "azurerm_virtual_network_peering" "hub_to_spoke" {
  name                      = "hub-to-spoke"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.spoke.id
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  name                      = "spoke-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

# Overlaps the hub, peered from one side only: Azure refuses that link as well.
resource "azurerm_virtual_network" "lab" {
  name                = "vnet-lab"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.7.0/24"] # expect: VNL503
}

resource "azurerm_virtual_network_peering" "lab_to_hub" {
  name                      = "lab-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.lab.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

# Overlaps the hub but is not connected to it: fine.
resource "azurerm_virtual_network" "isolated" {
  name                = "vnet-isolated"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# Peered with the hub, disjoint: fine.
resource "azurerm_virtual_network" "shared" {
  name                = "vnet-shared"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.2.0.0/16"]
}

resource "azurerm_virtual_network_peering" "hub_to_shared" {
  name                      = "hub-to-shared"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.shared.id
}

resource "azurerm_virtual_network_peering" "shared_to_hub" {
  name                      = "shared-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.shared.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

resource "azurerm_public_ip" "gateway" {
  name                = "pip-gateway"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_virtual_network_gateway" "hub" {
  name                = "vgw-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  type                = "Vpn"
  vpn_type            = "RouteBased"
  sku                 = "VpnGw1"

  ip_configuration {
    subnet_id            = azurerm_subnet.gateway.id
    public_ip_address_id = azurerm_public_ip.gateway.id
  }
}

# The office's 10.0.0.0/8 swallows the hub; its 192.168.0.0/16 is fine.
resource "azurerm_local_network_gateway" "office" {
  name                = "lgw-office"
  location            = "westeurope"
  resource_group_name = "rg"
  gateway_address     = "203.0.113.10"
  address_space = [
    "192.168.0.0/16",
    "10.0.0.0/8", # expect: VNL503
  ]
}

resource "azurerm_virtual_network_gateway_connection" "office" {
  name                       = "cn-office"
  location                   = "westeurope"
  resource_group_name        = "rg"
  type                       = "IPsec"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.hub.id
  local_network_gateway_id   = azurerm_local_network_gateway.office.id
}

# Overlaps the hub but no connection uses it: fine.
resource "azurerm_local_network_gateway" "unused" {
  name                = "lgw-unused"
  location            = "westeurope"
  resource_group_name = "rg"
  gateway_address     = "203.0.113.20"
  address_space       = ["10.0.0.0/16"]
}
