# VNL304: custom DNS servers of the environment's virtual network, reached from its subnet on
# UDP and TCP 53. v3 environments, so that VNL303 (which v3 never raises) stays out of it.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
  dns_servers = [
    "168.63.129.16", # platform DNS: exempt from NSGs
    "10.0.3.4",      # expect: VNL304
    "10.50.0.4",     # expect: VNL304
    "10.60.0.4",     # expect: VNL304
    "10.70.0.4",     # in a connected peer, open path
    "192.168.10.4",  # on-premises behind the gateway
  ]
}

resource "azurerm_subnet" "ase" {
  name                 = "snet-ase"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]
}

# Outbound 53 is denied except toward the peer and on-premises (spec edge case 29: the custom
# server 10.0.3.4 is cut, platform DNS is not).
resource "azurerm_network_security_group" "ase" {
  name                = "nsg-ase"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-dns-to-hub-and-site"
    priority                   = 100
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "53"
    source_address_prefixes    = ["10.0.0.0/24"]
    destination_address_prefixes = ["10.70.0.0/16", "192.168.10.0/24"]
  }

  security_rule {
    name                       = "deny-dns-outbound"
    priority                   = 200
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "53"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "ase" {
  subnet_id                 = azurerm_subnet.ase.id
  network_security_group_id = azurerm_network_security_group.ase.id
}

resource "azurerm_app_service_environment_v3" "ase" {
  name                = "ase-main"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.255.0/27"]
}

resource "azurerm_virtual_network_gateway" "main" {
  name                = "vgw-main"
  location            = "westeurope"
  resource_group_name = "rg"
  type                = "Vpn"
  sku                 = "VpnGw1"

  ip_configuration {
    subnet_id            = azurerm_subnet.gateway.id
    public_ip_address_id = "pip-id"
  }
}

resource "azurerm_local_network_gateway" "site" {
  name                = "lgw-site"
  location            = "westeurope"
  resource_group_name = "rg"
  gateway_address     = "203.0.113.10"
  address_space       = ["192.168.10.0/24"]
}

resource "azurerm_virtual_network_gateway_connection" "site" {
  name                       = "cn-site"
  location                   = "westeurope"
  resource_group_name        = "rg"
  type                       = "IPsec"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.main.id
  local_network_gateway_id   = azurerm_local_network_gateway.site.id
}

# Peered both ways: 10.70.0.4 is reachable.
resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.70.0.0/16"]
}

resource "azurerm_virtual_network_peering" "main_to_hub" {
  name                      = "main-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.main.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

resource "azurerm_virtual_network_peering" "hub_to_main" {
  name                      = "hub-to-main"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.main.id
}

# Peered one way only: 10.60.0.4 has no route.
resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.60.0.0/16"]
}

resource "azurerm_virtual_network_peering" "main_to_spoke" {
  name                      = "main-to-spoke"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.main.name
  remote_virtual_network_id = azurerm_virtual_network.spoke.id
}
