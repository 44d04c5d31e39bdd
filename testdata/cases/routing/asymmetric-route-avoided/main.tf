# VNL702 passing twin of asymmetric-routes: the subnet sends only private destinations to the
# firewall, so the replies to Internet clients of the VM's own public IP leave directly.

resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.1.0.0/26"]
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

resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet_route_table_association" "web" {
  subnet_id      = azurerm_subnet.web.id
  route_table_id = azurerm_route_table.web.id
}

resource "azurerm_network_security_group" "web" {
  name = "nsg-web"
  security_rule {
    name                       = "allow-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "web" {
  subnet_id                 = azurerm_subnet.web.id
  network_security_group_id = azurerm_network_security_group.web.id
}

resource "azurerm_public_ip" "web" {
  name              = "pip-web"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_network_interface" "web" {
  name = "nic-web"
  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.1.4"
    public_ip_address_id          = azurerm_public_ip.web.id
  }
}

resource "azurerm_route_table" "web" {
  name = "rt-web"
  route {
    name                   = "private-to-firewall"
    address_prefix         = "10.0.0.0/8"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.1.0.4"
  }
}
