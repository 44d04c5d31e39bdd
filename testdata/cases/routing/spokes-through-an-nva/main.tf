# Spec routing §10 cases 1 and 2: spokes a, b and c are peered with the hub only. Peering is
# not transitive, so a reaches b only where a route sends b's space to the NVA in the hub, which
# forwards it (IP forwarding on; its own filtering is not in the templates). c's peering to the
# hub does not accept forwarded traffic, so what the NVA forwards to c is dropped there.

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

resource "azurerm_virtual_network" "c" {
  name          = "vnet-c"
  address_space = ["10.3.0.0/16"]
}

resource "azurerm_subnet" "nva" {
  name                 = "snet-nva" # expect: VNL104
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_subnet" "a_routed" {
  name                 = "snet-routed"
  virtual_network_name = azurerm_virtual_network.a.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet" "a_plain" {
  name                 = "snet-plain"
  virtual_network_name = azurerm_virtual_network.a.name
  address_prefixes     = ["10.1.2.0/24"]
}

resource "azurerm_subnet" "b" {
  name                 = "snet-b"
  virtual_network_name = azurerm_virtual_network.b.name
  address_prefixes     = ["10.2.1.0/24"]
}

resource "azurerm_subnet" "c" {
  name                 = "snet-c"
  virtual_network_name = azurerm_virtual_network.c.name
  address_prefixes     = ["10.3.1.0/24"]
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

resource "azurerm_virtual_network_peering" "hub_c" {
  name                      = "hub-c"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.c.id
}

resource "azurerm_virtual_network_peering" "c_hub" {
  name                      = "c-hub"
  virtual_network_name      = azurerm_virtual_network.c.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = false
}

resource "azurerm_network_interface" "nva" {
  name                  = "nic-nva"
  ip_forwarding_enabled = true

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.nva.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.4"
  }
}

resource "azurerm_route_table" "spokes" {
  name = "rt-spokes"

  route {
    name                   = "spokes-via-nva"
    address_prefix         = "10.0.0.0/8"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.2.4"
  }
}

resource "azurerm_subnet_route_table_association" "a_routed" {
  subnet_id      = azurerm_subnet.a_routed.id
  route_table_id = azurerm_route_table.spokes.id
}

resource "azurerm_subnet_route_table_association" "b" {
  subnet_id      = azurerm_subnet.b.id
  route_table_id = azurerm_route_table.spokes.id
}

resource "azurerm_subnet_route_table_association" "c" {
  subnet_id      = azurerm_subnet.c.id
  route_table_id = azurerm_route_table.spokes.id
}
