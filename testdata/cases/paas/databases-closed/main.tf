# The twins of databases-open, closed: public network access off (the rules then have no
# effect), a flexible server in a delegated subnet (no public endpoint unless one is turned on),
# narrow rules, a server without rules (which admits no one), and Redis caches with a narrow rule,
# a `0.0.0.0`–`0.0.0.0` rule (an address, not a switch, for Redis) or a subnet.
resource "azurerm_postgresql_server" "orders" {
  name                          = "psql-orders"
  location                      = "westeurope"
  resource_group_name           = "rg"
  sku_name                      = "GP_Gen5_2"
  version                       = "11"
  ssl_enforcement_enabled       = true
  public_network_access_enabled = false
}

resource "azurerm_postgresql_firewall_rule" "everyone" {
  name                = "AllowAll"
  resource_group_name = "rg"
  server_name         = azurerm_postgresql_server.orders.name
  start_ip_address    = "0.0.0.0"
  end_ip_address      = "255.255.255.255"
}

resource "azurerm_postgresql_flexible_server" "billing" {
  name                = "psqlflex-billing"
  location            = "westeurope"
  resource_group_name = "rg"
  version             = "16"
  sku_name            = "B_Standard_B1ms"
  delegated_subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/snet-postgres"
  private_dns_zone_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/billing.postgres.database.azure.com"
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "azure" {
  name             = "AllowAzureServices"
  server_id        = azurerm_postgresql_flexible_server.billing.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}

resource "azurerm_mysql_flexible_server" "catalog" {
  name                  = "mysql-catalog"
  location              = "westeurope"
  resource_group_name   = "rg"
  sku_name              = "B_Standard_B1s"
  public_network_access = "Enabled"
}

resource "azurerm_mysql_flexible_server_firewall_rule" "office" {
  name                = "office"
  resource_group_name = "rg"
  server_name         = "mysql-catalog"
  start_ip_address    = "203.0.113.0"
  end_ip_address      = "203.0.113.255"
}

resource "azurerm_mysql_server" "legacy" {
  name                          = "mysql-legacy"
  location                      = "westeurope"
  resource_group_name           = "rg"
  sku_name                      = "GP_Gen5_2"
  version                       = "8.0"
  public_network_access_enabled = false
}

resource "azurerm_mariadb_server" "wiki" {
  name                = "mariadb-wiki"
  location            = "westeurope"
  resource_group_name = "rg"
  sku_name            = "B_Gen5_2"
  version             = "10.3"
}

resource "azurerm_synapse_workspace" "analytics" {
  name                = "synw-analytics"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_synapse_firewall_rule" "office" {
  name                 = "office"
  synapse_workspace_id = azurerm_synapse_workspace.analytics.id
  start_ip_address     = "203.0.113.0"
  end_ip_address       = "203.0.113.255"
}

resource "azurerm_redis_cache" "sessions" {
  name                = "redis-sessions"
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
}

resource "azurerm_redis_firewall_rule" "office" {
  name                = "office"
  redis_cache_name    = azurerm_redis_cache.sessions.name
  resource_group_name = "rg"
  start_ip            = "203.0.113.0"
  end_ip              = "203.0.113.255"
}

resource "azurerm_redis_cache" "cart" {
  name                = "redis-cart"
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
}

resource "azurerm_redis_firewall_rule" "zero" {
  name                = "zero"
  redis_cache_name    = azurerm_redis_cache.cart.name
  resource_group_name = "rg"
  start_ip            = "0.0.0.0"
  end_ip              = "0.0.0.0"
}

resource "azurerm_redis_cache" "injected" {
  name                = "redis-injected"
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
  subnet_id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/snet-redis"
}
