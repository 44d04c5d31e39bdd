# Two spokes peered with each other and with a hub firewall that has no rule for SQL.
# Base: no route tables; app reaches SQL on data over the spokes' peering.

resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "app" {
  name                = "vnet-app"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_virtual_network" "data" {
  name                = "vnet-data"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.2.0.0/16"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/26"]
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
  virtual_network_name = azurerm_virtual_network.app.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet" "data" {
  name                 = "snet-data"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.data.name
  address_prefixes     = ["10.2.1.0/24"]
}

# Peerings: each spoke with the hub, both directions; the spokes use the hub's gateway and
# accept what the firewall forwards.
resource "azurerm_virtual_network_peering" "hub_to_app" {
  name                      = "hub-to-app"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.app.id
  allow_forwarded_traffic   = true
  allow_gateway_transit     = true
}

resource "azurerm_virtual_network_peering" "app_to_hub" {
  name                      = "app-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.app.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
  use_remote_gateways       = true
}

resource "azurerm_virtual_network_peering" "hub_to_data" {
  name                      = "hub-to-data"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.data.id
  allow_forwarded_traffic   = true
  allow_gateway_transit     = true
}

resource "azurerm_virtual_network_peering" "data_to_hub" {
  name                      = "data-to-hub"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.data.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
  use_remote_gateways       = true
}

resource "azurerm_public_ip" "firewall" {
  name                = "pip-fw"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_firewall_policy" "hub" {
  name                = "fwp-hub"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_firewall" "hub" {
  name                = "fw-hub"
  location            = "westeurope"
  resource_group_name = "rg"
  sku_name            = "AZFW_VNet"
  sku_tier            = "Standard"
  firewall_policy_id  = azurerm_firewall_policy.hub.id

  ip_configuration {
    name                 = "default"
    subnet_id            = azurerm_subnet.firewall.id
    public_ip_address_id = azurerm_public_ip.firewall.id
  }
}

resource "azurerm_firewall_policy_rule_collection_group" "hub" {
  name               = "rcg-hub"
  firewall_policy_id = azurerm_firewall_policy.hub.id
  priority           = 200

  nat_rule_collection {
    name     = "inbound"
    priority = 100
    action   = "Dnat"

    rule {
      name                = "ssh-to-data"
      protocols           = ["TCP"]
      source_addresses    = ["203.0.113.10/32"]
      destination_address = azurerm_public_ip.firewall.ip_address
      destination_ports   = ["50022"]
      translated_address  = "10.2.1.4"
      translated_port     = "22"
    }
  }

  network_rule_collection {
    name     = "spokes"
    priority = 300
    action   = "Allow"

    rule {
      name                  = "app-to-web"
      protocols             = ["TCP"]
      source_addresses      = ["10.1.1.0/24"]
      destination_addresses = ["*"]
      destination_ports     = ["443"]
    }
  }
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

resource "azurerm_network_interface" "app" {
  name                = "nic-app"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.1.4"
  }
}

resource "azurerm_network_interface" "data" {
  name                = "nic-data"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.data.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.2.1.4"
  }
}

# The app subnet admits HTTPS from the Internet (it is published through the firewall).
resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-https-from-internet"
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

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}

# The data subnet admits SQL from VirtualNetwork only: the app's address is in it because the
# subnet's 0.0.0.0/0 route adds its prefix to the tag.
resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
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
}

resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.data.id
  network_security_group_id = azurerm_network_security_group.data.id
}

# The two spokes are also peered with each other, so without routes app reaches data directly.
resource "azurerm_virtual_network_peering" "app_to_data" {
  name                      = "app-to-data"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.app.name
  remote_virtual_network_id = azurerm_virtual_network.data.id
}

resource "azurerm_virtual_network_peering" "data_to_app" {
  name                      = "data-to-app"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.data.name
  remote_virtual_network_id = azurerm_virtual_network.app.id
}
