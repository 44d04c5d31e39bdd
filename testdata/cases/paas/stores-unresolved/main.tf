# Settings fed at deployment where they decide the verdict: VNL002, never "safe". An IP filter
# that may be empty, a default action, an IP rule under `Deny`, the public switch of a service
# with no firewall, a firewall rule's bound; and silence where the value cannot matter (an IP rule
# that is a public IP's address, a rule of a server whose public access is off).
variable "cosmos_ips" {
  type = list(string)
}

variable "vault_action" {
  type = string
}

variable "office" {
  type = string
}

variable "public" {
  type = string
}

variable "rule_end" {
  type = string
}

resource "azurerm_cosmosdb_account" "orders" {
  name                = "cosmos-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  ip_range_filter     = var.cosmos_ips # expect: VNL002

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_key_vault" "action" {
  name                = "kv-action"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"

  network_acls {
    default_action = var.vault_action # expect: VNL002
    bypass         = "AzureServices"
  }
}

resource "azurerm_public_ip" "nat" {
  name                = "pip-nat"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_key_vault" "office" {
  name                = "kv-office"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
    ip_rules       = [var.office, azurerm_public_ip.nat.ip_address] # expect: VNL002
  }
}

resource "azurerm_app_configuration" "orders" {
  name                  = "appcs-orders"
  location              = "westeurope"
  resource_group_name   = "rg"
  sku                   = "standard"
  public_network_access = var.public # expect: VNL002
}

resource "azurerm_postgresql_flexible_server" "billing" {
  name                = "psqlflex-billing"
  location            = "westeurope"
  resource_group_name = "rg"
  version             = "16"
  sku_name            = "B_Standard_B1ms"
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "open_ended" {
  name             = "open-ended"
  server_id        = azurerm_postgresql_flexible_server.billing.id
  start_ip_address = "1.0.0.0"
  end_ip_address   = var.rule_end # expect: VNL002
}

resource "azurerm_postgresql_flexible_server" "private" {
  name                          = "psqlflex-private"
  location                      = "westeurope"
  resource_group_name           = "rg"
  version                       = "16"
  sku_name                      = "B_Standard_B1ms"
  public_network_access_enabled = false
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "ignored" {
  name             = "ignored"
  server_id        = azurerm_postgresql_flexible_server.private.id
  start_ip_address = "1.0.0.0"
  end_ip_address   = var.rule_end
}
