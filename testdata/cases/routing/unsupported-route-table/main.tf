# Route configurations Azure rejects or documents as breaking a service.
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

resource "azurerm_firewall" "hub" {
  name     = "fw-hub"
  sku_name = "AZFW_VNet"
  sku_tier = "Standard"
  ip_configuration {
    name      = "config"
    subnet_id = azurerm_subnet.firewall.id
  }
}

# On GatewaySubnet: a default route, and propagation off.
resource "azurerm_route_table" "gateway" {
  name                          = "rt-gateway"
  bgp_route_propagation_enabled = false # expect: VNL703

  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0" # expect: VNL703
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4"
  }
}

resource "azurerm_subnet_route_table_association" "gateway" {
  subnet_id      = azurerm_subnet.gateway.id
  route_table_id = azurerm_route_table.gateway.id
}

# On AzureFirewallSubnet, without a management IP configuration: the default route must go to
# the Internet.
resource "azurerm_route_table" "firewall" {
  name = "rt-firewall"

  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance" # expect: VNL703
    next_hop_in_ip_address = "10.0.5.4"
  }
}

resource "azurerm_subnet_route_table_association" "firewall" {
  subnet_id      = azurerm_subnet.firewall.id
  route_table_id = azurerm_route_table.firewall.id
}

# A spoke with no VPN gateway and no peering that uses a remote gateway, and a table with two
# routes for one prefix (azurerm_route adds the second).
resource "azurerm_virtual_network" "spoke" {
  name          = "vnet-spoke"
  address_space = ["10.1.0.0/16"]
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
    next_hop_type  = "VirtualNetworkGateway" # expect: VNL703
  }

  route {
    name                   = "to-firewall"
    address_prefix         = "10.0.0.0/8"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4"
  }
}

resource "azurerm_route" "again" {
  name                   = "to-firewall-again"
  route_table_name       = azurerm_route_table.spoke.name
  address_prefix         = "10.0.0.0/8" # expect: VNL703
  next_hop_type          = "VirtualAppliance"
  next_hop_in_ip_address = "10.0.1.5"
}

resource "azurerm_subnet_route_table_association" "workload" {
  subnet_id      = azurerm_subnet.workload.id
  route_table_id = azurerm_route_table.spoke.id
}
