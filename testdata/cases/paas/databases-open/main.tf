# Database servers and caches whose firewall admits the Internet: a whole-Internet rule
# (VNL601), the "allow Azure services" switch (VNL602), rules that together admit more than a /8
# (VNL603), and a Redis cache without any firewall rule, which admits every address (VNL603).
resource "azurerm_postgresql_server" "orders" {
  name                    = "psql-orders"
  location                = "westeurope"
  resource_group_name     = "rg"
  sku_name                = "GP_Gen5_2"
  version                 = "11"
  ssl_enforcement_enabled = true
}

resource "azurerm_postgresql_firewall_rule" "everyone" {
  name                = "AllowAll"
  resource_group_name = "rg"
  server_name         = azurerm_postgresql_server.orders.name
  start_ip_address    = "0.0.0.0" # expect: VNL601
  end_ip_address      = "255.255.255.255"
}

resource "azurerm_postgresql_flexible_server" "billing" {
  name                = "psqlflex-billing"
  location            = "westeurope"
  resource_group_name = "rg"
  version             = "16"
  sku_name            = "B_Standard_B1ms"
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "azure" {
  name             = "AllowAzureServices"
  server_id        = azurerm_postgresql_flexible_server.billing.id
  start_ip_address = "0.0.0.0" # expect: VNL602
  end_ip_address   = "0.0.0.0"
}

# Two rules that each stay within a /8 but together admit far more, named by the server's name.
resource "azurerm_mysql_flexible_server" "catalog" {
  name                  = "mysql-catalog"
  location              = "westeurope"
  resource_group_name   = "rg"
  sku_name              = "B_Standard_B1s"
  public_network_access = "Enabled" # expect: VNL603
}

resource "azurerm_mysql_flexible_server_firewall_rule" "low" {
  name                = "low"
  resource_group_name = "rg"
  server_name         = "mysql-catalog"
  start_ip_address    = "1.0.0.0"
  end_ip_address      = "1.255.255.255"
}

resource "azurerm_mysql_flexible_server_firewall_rule" "high" {
  name                = "high"
  resource_group_name = "rg"
  server_name         = "mysql-catalog"
  start_ip_address    = "2.0.0.0"
  end_ip_address      = "2.255.255.255"
}

resource "azurerm_mysql_server" "legacy" {
  name                = "mysql-legacy"
  location            = "westeurope"
  resource_group_name = "rg"
  sku_name            = "GP_Gen5_2"
  version             = "8.0"
}

resource "azurerm_mysql_firewall_rule" "everyone" {
  name                = "AllowAll"
  resource_group_name = "rg"
  server_name         = azurerm_mysql_server.legacy.name
  start_ip_address    = "0.0.0.0" # expect: VNL601
  end_ip_address      = "255.255.255.255"
}

resource "azurerm_mariadb_server" "wiki" {
  name                = "mariadb-wiki"
  location            = "westeurope"
  resource_group_name = "rg"
  sku_name            = "B_Gen5_2"
  version             = "10.3"
}

resource "azurerm_mariadb_firewall_rule" "azure" {
  name                = "AllowAllWindowsAzureIps"
  resource_group_name = "rg"
  server_name         = azurerm_mariadb_server.wiki.name
  start_ip_address    = "0.0.0.0" # expect: VNL602
  end_ip_address      = "0.0.0.0"
}

resource "azurerm_synapse_workspace" "analytics" {
  name                = "synw-analytics"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_synapse_firewall_rule" "everyone" {
  name                 = "AllowAll"
  synapse_workspace_id = azurerm_synapse_workspace.analytics.id
  start_ip_address     = "0.0.0.0" # expect: VNL601
  end_ip_address       = "255.255.255.255"
}

resource "azurerm_redis_cache" "sessions" {
  name                = "redis-sessions" # expect: VNL603
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
}

resource "azurerm_redis_cache" "cart" {
  name                = "redis-cart"
  location            = "westeurope"
  resource_group_name = "rg"
  capacity            = 1
  family              = "P"
  sku_name            = "Premium"
}

resource "azurerm_redis_firewall_rule" "everyone" {
  name                = "AllowAll"
  redis_cache_name    = azurerm_redis_cache.cart.name
  resource_group_name = "rg"
  start_ip            = "0.0.0.0" # expect: VNL601
  end_ip              = "255.255.255.255"
}
