# NSG rules on private endpoints' subnets that take effect, or that are not about the
# endpoints (no VNL107).

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# Network policies for NSGs on: the rule filters the endpoint's traffic.
resource "azurerm_subnet" "data" {
  name                              = "snet-data"
  resource_group_name               = "rg"
  virtual_network_name              = azurerm_virtual_network.main.name
  address_prefixes                  = ["10.0.2.0/24"]
  private_endpoint_network_policies = "NetworkSecurityGroupEnabled"
}

resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-sql-from-app"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "10.0.1.0/24"
    destination_address_prefix = "10.0.2.10"
  }

  security_rule {
    name                       = "deny-all-inbound"
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

resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.data.id
  network_security_group_id = azurerm_network_security_group.data.id
}

resource "azurerm_private_endpoint" "sql" {
  name                = "pe-sql"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.data.id

  private_service_connection {
    name                           = "sql"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-main"
    subresource_names              = ["sqlServer"]
    is_manual_connection           = false
  }

  ip_configuration {
    name               = "sql"
    private_ip_address = "10.0.2.10"
    subresource_name   = "sqlServer"
  }
}

# azurerm 3's boolean, true: Enabled.
resource "azurerm_subnet" "blob" {
  name                                      = "snet-blob"
  resource_group_name                       = "rg"
  virtual_network_name                      = azurerm_virtual_network.main.name
  address_prefixes                          = ["10.0.3.0/24"]
  private_endpoint_network_policies_enabled = true
}

resource "azurerm_network_security_group" "blob" {
  name                = "nsg-blob"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-https-from-vnet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "blob" {
  subnet_id                 = azurerm_subnet.blob.id
  network_security_group_id = azurerm_network_security_group.blob.id
}

resource "azurerm_private_endpoint" "blob" {
  name                = "pe-blob"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.blob.id

  private_service_connection {
    name                           = "blob"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stmain"
    subresource_names              = ["blob"]
    is_manual_connection           = false
  }
}

# Policies off (not written), but no rule is about the endpoint: SSH, another host's HTTPS,
# and HTTPS where the PostgreSQL endpoint listens on 5432.
resource "azurerm_subnet" "pg" {
  name                 = "snet-pg"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.4.0/24"]
}

resource "azurerm_network_security_group" "pg" {
  name                = "nsg-pg"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-ssh-from-app"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "10.0.1.0/24"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-postgres-to-other-host"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5432"
    source_address_prefix      = "10.0.1.0/24"
    destination_address_prefix = "10.0.4.20"
  }

  security_rule {
    name                       = "deny-https-from-vnet"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "pg" {
  subnet_id                 = azurerm_subnet.pg.id
  network_security_group_id = azurerm_network_security_group.pg.id
}

resource "azurerm_private_endpoint" "pg" {
  name                = "pe-pg"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.pg.id

  private_service_connection {
    name                           = "pg"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-main"
    subresource_names              = ["postgresqlServer"]
    is_manual_connection           = false
  }

  ip_configuration {
    name               = "pg"
    private_ip_address = "10.0.4.10"
    subresource_name   = "postgresqlServer"
  }
}
