# Secrets supplied at deployment, Key Vault references, placeholders and managed identity: no VNL402.
variable "orders_db_password" {
  type      = string
  sensitive = true
}

resource "azurerm_storage_account" "orders" {
  name                     = "storders"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  public_network_access_enabled = false
}

resource "azurerm_service_plan" "orders" {
  name                = "plan-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  os_type             = "Linux"
  sku_name            = "P1v3"
}

resource "azurerm_linux_web_app" "orders" {
  name                = "app-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = azurerm_service_plan.orders.id

  site_config {}

  app_settings = {
    "STORAGE" = azurerm_storage_account.orders.primary_connection_string
    "STORAGE_KEY" = azurerm_storage_account.orders.primary_access_key
    "SMTP_PASSWORD" = "@Microsoft.KeyVault(SecretUri=https://kv-orders.vault.azure.net/secrets/smtp/)"
    "TEMPLATE_DB" = "Server=tcp:sql-orders.database.windows.net;Initial Catalog=orders;User ID=orders;Password={your_password}"
    "EMPTY_DB" = "Server=tcp:sql-orders.database.windows.net;Initial Catalog=orders;User ID=orders;Password="
  }

  connection_string {
    name  = "orders-db"
    type  = "SQLAzure"
    value = "Server=tcp:sql-orders.database.windows.net,1433;Initial Catalog=orders;User ID=orders;Password=${var.orders_db_password}"
  }

  connection_string {
    name  = "identity-db"
    type  = "SQLAzure"
    value = "Server=tcp:sql-orders.database.windows.net,1433;Initial Catalog=orders;Authentication=Active Directory Managed Identity"
  }
}
