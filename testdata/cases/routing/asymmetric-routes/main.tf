# Spec routing §10 cases 3, 15 and 16. a and b are peered with each other and with the hub.
# a's routed subnet sends b's space to the hub firewall with the same prefix as the peering
# route (the user route wins, case 16); b has no route back through the firewall, so the
# replies go directly over the peering and the firewall drops the TCP flow it half saw (case 3).
# a's tunnelled subnet sends everything to the firewall while its VM has its own public IP:
# inbound TCP from the Internet is broken, inbound UDP arrives (case 15).

resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "a" {
  name          = "vnet-a"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_virtual_network" "b" {
  name          = "vnet-b"
  address_space = ["10.2.0.0/16"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/26"]
}

resource "azurerm_subnet" "a_routed" {
  name                 = "snet-routed"
  virtual_network_name = azurerm_virtual_network.a.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet" "a_tunnel" {
  name                 = "snet-tunnel"
  virtual_network_name = azurerm_virtual_network.a.name
  address_prefixes     = ["10.1.2.0/24"]
}

resource "azurerm_subnet" "b" {
  name                 = "snet-b"
  virtual_network_name = azurerm_virtual_network.b.name
  address_prefixes     = ["10.2.1.0/24"]
}

resource "azurerm_virtual_network_peering" "hub_a" {
  name                      = "hub-a"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.a.id
}

resource "azurerm_virtual_network_peering" "a_hub" {
  name                      = "a-hub"
  virtual_network_name      = azurerm_virtual_network.a.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
}

resource "azurerm_virtual_network_peering" "hub_b" {
  name                      = "hub-b"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.b.id
}

resource "azurerm_virtual_network_peering" "b_hub" {
  name                      = "b-hub"
  virtual_network_name      = azurerm_virtual_network.b.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
}

resource "azurerm_virtual_network_peering" "a_b" {
  name                      = "a-b"
  virtual_network_name      = azurerm_virtual_network.a.name
  remote_virtual_network_id = azurerm_virtual_network.b.id
}

resource "azurerm_virtual_network_peering" "b_a" {
  name                      = "b-a"
  virtual_network_name      = azurerm_virtual_network.b.name
  remote_virtual_network_id = azurerm_virtual_network.a.id
}

resource "azurerm_public_ip" "firewall" {
  name              = "pip-fw"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_firewall" "hub" {
  name     = "fw-hub"
  sku_name = "AZFW_VNet"
  sku_tier = "Standard"

  ip_configuration {
    name                 = "default"
    subnet_id            = azurerm_subnet.firewall.id
    public_ip_address_id = azurerm_public_ip.firewall.id
  }
}

resource "azurerm_firewall_network_rule_collection" "spokes" {
  name                = "spokes"
  azure_firewall_name = azurerm_firewall.hub.name
  priority            = 100
  action              = "Allow"

  rule {
    name                  = "a-to-b"
    source_addresses      = ["10.1.0.0/16"]
    destination_addresses = ["10.2.0.0/16"]
    destination_ports     = ["*"]
    protocols             = ["Any"]
  }
}

resource "azurerm_route_table" "a_routed" {
  name = "rt-a-routed"

  route {
    name                   = "b-via-firewall"
    address_prefix         = "10.2.0.0/16"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4"
  }
}

resource "azurerm_route_table" "a_tunnel" {
  name = "rt-a-tunnel"

  route {
    name                   = "default-via-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.1.4" # expect: VNL702
  }
}

resource "azurerm_subnet_route_table_association" "a_routed" {
  subnet_id      = azurerm_subnet.a_routed.id
  route_table_id = azurerm_route_table.a_routed.id
}

resource "azurerm_subnet_route_table_association" "a_tunnel" {
  subnet_id      = azurerm_subnet.a_tunnel.id
  route_table_id = azurerm_route_table.a_tunnel.id
}

resource "azurerm_public_ip" "vm" {
  name              = "pip-vm"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_network_interface" "vm" {
  name = "nic-vm"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.a_tunnel.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.2.4"
    public_ip_address_id          = azurerm_public_ip.vm.id
  }
}

resource "azurerm_network_security_group" "vm" {
  name = "nsg-vm"

  security_rule {
    name                       = "allow-dns-and-web"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_ranges    = ["53", "443"]
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_interface_security_group_association" "vm" {
  network_interface_id      = azurerm_network_interface.vm.id
  network_security_group_id = azurerm_network_security_group.vm.id
}
