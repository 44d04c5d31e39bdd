# `VirtualNetwork` on the hub covers its own space, the peered spoke (both links declared) and
# the on-premises range behind its VPN gateway; a VNet peered in one direction only gets nothing.
resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.3.0.0/16"]
}

resource "azurerm_virtual_network" "other" {
  name                = "vnet-other"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.4.0.0/16"]
}

resource "azurerm_subnet" "backend" {
  name                 = "snet-backend"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.255.0/27"]
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.3.1.0/24"]
}

resource "azurerm_subnet" "stray" {
  name                 = "snet-stray"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.other.name
  address_prefixes     = ["10.4.1.0/24"]
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

# Declared from one side only: the peering stays Initiated.
resource "azurerm_virtual_network_peering" "other_to_hub" {
  name                      = "other-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.other.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

resource "azurerm_virtual_network_gateway" "vpn" {
  name                = "vgw-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  type                = "Vpn"
  vpn_type            = "RouteBased"
  sku                 = "VpnGw1"

  ip_configuration {
    name                          = "default"
    public_ip_address_id          = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-vgw"
    private_ip_address_allocation = "Dynamic"
    subnet_id                     = azurerm_subnet.gateway.id
  }
}

resource "azurerm_local_network_gateway" "office" {
  name                = "lgw-office"
  location            = "westeurope"
  resource_group_name = "rg"
  gateway_address     = "198.51.100.7"
  address_space       = ["192.168.50.0/24"]
}

resource "azurerm_virtual_network_gateway_connection" "office" {
  name                       = "cn-office"
  location                   = "westeurope"
  resource_group_name        = "rg"
  type                       = "IPsec"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.vpn.id
  local_network_gateway_id   = azurerm_local_network_gateway.office.id
  shared_key                 = "not-a-real-key"
}

resource "azurerm_network_security_group" "backend" {
  name                = "nsg-backend"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-sql-from-vnet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-other-vnet-sources"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "backend" {
  subnet_id                 = azurerm_subnet.backend.id
  network_security_group_id = azurerm_network_security_group.backend.id
}
