# Twin of unsupported-route-table: what Azure supports.
resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.0.0/27"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/26"]
}

resource "azurerm_subnet" "firewall_management" {
  name                 = "AzureFirewallManagementSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.64/26"]
}

resource "azurerm_virtual_network_gateway" "vpn" {
  name = "vgw-hub"
  type = "Vpn"
  ip_configuration {
    name      = "config"
    subnet_id = azurerm_subnet.gateway.id
  }
}

# Forced tunnelling: a management IP configuration allows a default route elsewhere.
resource "azurerm_firewall" "hub" {
  name     = "fw-hub"
  sku_name = "AZFW_VNet"
  sku_tier = "Standard"
  ip_configuration {
    name      = "config"
    subnet_id = azurerm_subnet.firewall.id
  }
  management_ip_configuration {
    name      = "management"
    subnet_id = azurerm_subnet.firewall_management.id
  }
}

# On GatewaySubnet: specific routes, propagation on.
resource "azurerm_route_table" "gateway" {
  name = "rt-gateway"

  route {
    name                   = "spokes"
    address_prefix         = "10.1.0.0/16"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4"
  }
}

resource "azurerm_subnet_route_table_association" "gateway" {
  subnet_id      = azurerm_subnet.gateway.id
  route_table_id = azurerm_route_table.gateway.id
}

resource "azurerm_route_table" "firewall" {
  name = "rt-firewall"

  route {
    name           = "default"
    address_prefix = "0.0.0.0/0"
    next_hop_type  = "VirtualNetworkGateway"
  }
}

resource "azurerm_subnet_route_table_association" "firewall" {
  subnet_id      = azurerm_subnet.firewall.id
  route_table_id = azurerm_route_table.firewall.id
}

# A spoke that uses the hub's VPN gateway through its peering.
resource "azurerm_virtual_network" "spoke" {
  name          = "vnet-spoke"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  name                      = "spoke-to-hub"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  use_remote_gateways       = true
}

resource "azurerm_network_security_group" "spoke" {
  name = "nsg-spoke"
}

resource "azurerm_subnet" "workload" {
  name                 = "snet-workload"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet_network_security_group_association" "workload" {
  subnet_id                 = azurerm_subnet.workload.id
  network_security_group_id = azurerm_network_security_group.spoke.id
}

resource "azurerm_route_table" "spoke" {
  name = "rt-spoke"

  route {
    name           = "onprem"
    address_prefix = "192.168.0.0/16"
    next_hop_type  = "VirtualNetworkGateway"
  }

  route {
    name                   = "to-firewall"
    address_prefix         = "10.0.0.0/8"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4"
  }
}

resource "azurerm_subnet_route_table_association" "workload" {
  subnet_id      = azurerm_subnet.workload.id
  route_table_id = azurerm_route_table.spoke.id
}
