# Spec routing §10 cases 6, 10, 17 and 18, in one spoke that uses the hub's VPN gateway.
# - snet-outside sends everything to 10.50.0.4, which no scanned element holds: the appliance
#   is managed elsewhere and assumed to forward (case 17), shown as an assumed hop.
# - snet-loop sends everything to nva-1, whose subnet sends it to nva-2, whose subnet sends it
#   back: a routing loop, reported and stopped (case 18).
# - snet-isolated turns gateway route propagation off: on-premises falls to the 10.0.0.0/8
#   None system route (case 6); snet-plain keeps it and reaches on-premises.
# - snet-fqdn sends everything to the hub firewall, whose only rule names an FQDN: the verdict
#   is partial (case 10).

resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "spoke" {
  name          = "vnet-spoke"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.255.0/27"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/26"]
}

resource "azurerm_subnet" "outside" {
  name                 = "snet-outside"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet" "loop" {
  name                 = "snet-loop"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.2.0/24"]
}

resource "azurerm_subnet" "nva1" {
  name                 = "snet-nva-1" # expect: VNL104
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.3.0/24"]
}

resource "azurerm_subnet" "nva2" {
  name                 = "snet-nva-2" # expect: VNL104
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.4.0/24"]
}

resource "azurerm_subnet" "isolated" {
  name                 = "snet-isolated"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.5.0/24"]
}

resource "azurerm_subnet" "plain" {
  name                 = "snet-plain"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.6.0/24"]
}

resource "azurerm_subnet" "fqdn" {
  name                 = "snet-fqdn"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.7.0/24"]
}

resource "azurerm_virtual_network_peering" "hub_spoke" {
  name                      = "hub-spoke"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.spoke.id
  allow_gateway_transit     = true
  allow_forwarded_traffic   = true
}

resource "azurerm_virtual_network_peering" "spoke_hub" {
  name                      = "spoke-hub"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  use_remote_gateways       = true
  allow_forwarded_traffic   = true
}

resource "azurerm_virtual_network_gateway" "vpn" {
  name     = "vgw-hub"
  type     = "Vpn"
  vpn_type = "RouteBased"
  sku      = "VpnGw1"

  ip_configuration {
    name                          = "default"
    public_ip_address_id          = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-vgw"
    private_ip_address_allocation = "Dynamic"
    subnet_id                     = azurerm_subnet.gateway.id
  }
}

resource "azurerm_local_network_gateway" "office" {
  name            = "lgw-office"
  gateway_address = "198.51.100.7"
  address_space   = ["10.100.0.0/16"]
}

resource "azurerm_virtual_network_gateway_connection" "office" {
  name                       = "cn-office"
  type                       = "IPsec"
  virtual_network_gateway_id = azurerm_virtual_network_gateway.vpn.id
  local_network_gateway_id   = azurerm_local_network_gateway.office.id
  shared_key                 = "not-a-real-key"
}

resource "azurerm_network_interface" "nva1" {
  name                  = "nic-nva-1"
  ip_forwarding_enabled = true

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.nva1.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.3.4"
  }
}

resource "azurerm_network_interface" "nva2" {
  name                  = "nic-nva-2"
  ip_forwarding_enabled = true

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.nva2.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.4.4"
  }
}

resource "azurerm_route_table" "outside" {
  name = "rt-outside"

  route {
    name                   = "default-elsewhere"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.50.0.4"
  }
}

resource "azurerm_route_table" "to_nva1" {
  name = "rt-to-nva-1"

  route {
    name                   = "default-nva-1"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.1.3.4"
  }
}

resource "azurerm_route_table" "to_nva2" {
  name = "rt-to-nva-2"

  route {
    name                   = "default-nva-2"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.1.4.4"
  }
}

resource "azurerm_route_table" "isolated" {
  name                          = "rt-isolated"
  bgp_route_propagation_enabled = false
}

resource "azurerm_route_table" "fqdn" {
  name = "rt-fqdn"

  route {
    name                   = "default-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = azurerm_firewall.hub.ip_configuration[0].private_ip_address
  }
}

resource "azurerm_subnet_route_table_association" "outside" {
  subnet_id      = azurerm_subnet.outside.id
  route_table_id = azurerm_route_table.outside.id
}

resource "azurerm_subnet_route_table_association" "loop" {
  subnet_id      = azurerm_subnet.loop.id
  route_table_id = azurerm_route_table.to_nva1.id
}

resource "azurerm_subnet_route_table_association" "nva1" {
  subnet_id      = azurerm_subnet.nva1.id
  route_table_id = azurerm_route_table.to_nva2.id
}

resource "azurerm_subnet_route_table_association" "nva2" {
  subnet_id      = azurerm_subnet.nva2.id
  route_table_id = azurerm_route_table.to_nva1.id
}

resource "azurerm_subnet_route_table_association" "isolated" {
  subnet_id      = azurerm_subnet.isolated.id
  route_table_id = azurerm_route_table.isolated.id
}

resource "azurerm_subnet_route_table_association" "fqdn" {
  subnet_id      = azurerm_subnet.fqdn.id
  route_table_id = azurerm_route_table.fqdn.id
}

resource "azurerm_firewall" "hub" {
  name     = "fw-hub"
  sku_name = "AZFW_VNet"
  sku_tier = "Standard"

  ip_configuration {
    name      = "default"
    subnet_id = azurerm_subnet.firewall.id
  }
}

resource "azurerm_firewall_network_rule_collection" "fqdn" {
  name                = "by-name"
  azure_firewall_name = azurerm_firewall.hub.name
  priority            = 100
  action              = "Allow"

  rule {
    name              = "api"
    source_addresses  = ["10.1.7.0/24"]
    destination_fqdns = ["api.example.com"]
    destination_ports = ["443"]
    protocols         = ["TCP"]
  }
}
