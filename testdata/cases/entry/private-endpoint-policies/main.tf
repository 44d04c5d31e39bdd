# Private endpoints on paths (routing spec §8, edge cases 7 and 8). Two endpoints behind the
# same NSG (SQL from the VNet allowed, everything else denied): `pe-off` in a subnet whose
# network policies are not written (Disabled), `pe-on` in one with them Enabled. Two client
# subnets: `app` has a route table sending 0.0.0.0/0 and the whole VNet space to None, `app2`
# has none.

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "app2" {
  name                 = "snet-app2" # expect: VNL104
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.5.0/24"]
}

resource "azurerm_subnet" "data_off" {
  name                 = "snet-data-off"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_subnet" "data_on" {
  name                              = "snet-data-on"
  resource_group_name               = "rg"
  virtual_network_name              = azurerm_virtual_network.main.name
  address_prefixes                  = ["10.0.3.0/24"]
  private_endpoint_network_policies = "Enabled"
}

resource "azurerm_route_table" "app" {
  name                = "rt-app"
  location            = "westeurope"
  resource_group_name = "rg"

  route {
    name           = "default-none"
    address_prefix = "0.0.0.0/0"
    next_hop_type  = "None"
  }

  route {
    name           = "vnet-none"
    address_prefix = "10.0.0.0/16"
    next_hop_type  = "None"
  }
}

resource "azurerm_subnet_route_table_association" "app" {
  subnet_id      = azurerm_subnet.app.id
  route_table_id = azurerm_route_table.app.id
}

resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-sql-from-vnet" # expect: VNL107
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
    name                       = "deny-all-inbound" # expect: VNL107
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "data_off" {
  subnet_id                 = azurerm_subnet.data_off.id
  network_security_group_id = azurerm_network_security_group.data.id
}

resource "azurerm_subnet_network_security_group_association" "data_on" {
  subnet_id                 = azurerm_subnet.data_on.id
  network_security_group_id = azurerm_network_security_group.data.id
}

resource "azurerm_private_endpoint" "off" {
  name                = "pe-off"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.data_off.id

  private_service_connection {
    name                           = "sql"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-off"
    subresource_names              = ["sqlServer"]
    is_manual_connection           = false
  }

  ip_configuration {
    name               = "static"
    private_ip_address = "10.0.2.10"
    subresource_name   = "sqlServer"
    member_name        = "sqlServer"
  }
}

resource "azurerm_private_endpoint" "on" {
  name                = "pe-on"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.data_on.id

  private_service_connection {
    name                           = "sql"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-on"
    subresource_names              = ["sqlServer"]
    is_manual_connection           = false
  }

  ip_configuration {
    name               = "static"
    private_ip_address = "10.0.3.10"
    subresource_name   = "sqlServer"
    member_name        = "sqlServer"
  }
}

# A VM in snet-app2, the client of both endpoints.
resource "azurerm_network_interface" "vm" {
  name                = "nic-vm"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.app2.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.5.4"
  }
}
