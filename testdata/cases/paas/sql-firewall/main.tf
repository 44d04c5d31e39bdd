# SQL server firewall rules: the whole Internet (VNL601), the "allow Azure services" switch
# (VNL602), an office range (fine), and rules of a server whose public access is off (no effect).
resource "azurerm_mssql_server" "orders" {
  name                = "sql-orders"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_mssql_firewall_rule" "everyone" {
  name             = "AllowAll"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = "0.0.0.0" # expect: VNL601
  end_ip_address   = "255.255.255.255"
}

resource "azurerm_mssql_firewall_rule" "azure" {
  name             = "AllowAllWindowsAzureIps"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = "0.0.0.0" # expect: VNL602
  end_ip_address   = "0.0.0.0"
}

resource "azurerm_mssql_firewall_rule" "office" {
  name             = "office"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = "203.0.113.0"
  end_ip_address   = "203.0.113.255"
}

# Private ranges hold no Internet address, however wide.
resource "azurerm_mssql_firewall_rule" "private" {
  name             = "private"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = "10.0.0.0"
  end_ip_address   = "10.255.255.255"
}

resource "azurerm_mssql_server" "private" {
  name                          = "sql-private"
  resource_group_name           = "rg"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = false
}

resource "azurerm_mssql_firewall_rule" "ignored" {
  name             = "AllowAll"
  server_id        = azurerm_mssql_server.private.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}

# Two rules that each stay within a /8 but together admit far more: VNL603 at the server.
resource "azurerm_mssql_server" "reports" {
  name                          = "sql-reports"
  resource_group_name           = "rg"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = true # expect: VNL603
}

resource "azurerm_mssql_firewall_rule" "low" {
  name             = "low"
  server_id        = azurerm_mssql_server.reports.id
  start_ip_address = "1.0.0.0"
  end_ip_address   = "1.255.255.255"
}

resource "azurerm_mssql_firewall_rule" "high" {
  name             = "high"
  server_id        = azurerm_mssql_server.reports.id
  start_ip_address = "2.0.0.0"
  end_ip_address   = "2.255.255.255"
}
