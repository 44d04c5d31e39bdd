# Firewall rules whose bounds are unresolved: VNL002 when the rule could be wide, silence when it
# cannot (a single address, or a known bound that keeps it narrow).
variable "allowed_start" {
  type = string
}

variable "allowed_end" {
  type = string
}

resource "azurerm_mssql_server" "orders" {
  name                = "sql-orders"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}

resource "azurerm_public_ip" "nat" {
  name                = "pip-nat"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_mssql_firewall_rule" "from_variables" {
  name             = "from-variables"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = var.allowed_start # expect: VNL002
  end_ip_address   = var.allowed_end
}

resource "azurerm_mssql_firewall_rule" "open_ended" {
  name             = "open-ended"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = "1.0.0.0"
  end_ip_address   = var.allowed_end # expect: VNL002
}

resource "azurerm_mssql_firewall_rule" "bounded" {
  name             = "bounded"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = var.allowed_start
  end_ip_address   = "0.255.255.255"
}

resource "azurerm_mssql_firewall_rule" "nat" {
  name             = "nat-gateway"
  server_id        = azurerm_mssql_server.orders.id
  start_ip_address = azurerm_public_ip.nat.ip_address
  end_ip_address   = azurerm_public_ip.nat.ip_address
}
