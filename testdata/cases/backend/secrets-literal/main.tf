# Secrets written in connection strings and app settings, in each supported shape.
variable "legacy_password" {
  type    = string
  default = "Autumn2023!"
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
    "STORAGE" = "DefaultEndpointsProtocol=https;AccountName=storders;AccountKey=bm90LWEtcmVhbC1rZXk=;EndpointSuffix=core.windows.net" # expect: VNL402
    "EXPORTS_SAS" = "BlobEndpoint=https://storders.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=o&sp=r&sig=bm90LXJlYWw%3D" # expect: VNL402
    "BUS" = "Endpoint=sb://ns-orders.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=bm90LXJlYWw=" # expect: VNL402
    "CACHE" = "redis-orders.redis.cache.windows.net:6380,password=bm90LXJlYWw=,ssl=True,abortConnect=False" # expect: VNL402
    "REPORTS_URL" = "postgres://reports:Spring2024!@pg-orders.postgres.database.azure.com:5432/reports" # expect: VNL402
    "SMTP_PASSWORD" = "Summer2024!" # expect: VNL402
    # Names that point at a secret, and values that are not secrets: fine.
    "SMTP_PASSWORD_SECRET_NAME" = "smtp-password"
    "APPLICATIONINSIGHTS_CONNECTION_STRING" = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"
  }

  connection_string {
    name  = "orders-db"
    type  = "SQLAzure"
    value = "Server=tcp:sql-orders.database.windows.net,1433;Initial Catalog=orders;User ID=orders;Password=Winter2024!" # expect: VNL402
  }

  connection_string {
    name  = "legacy-db"
    type  = "MySql"
    # The variable's default is in the scanned files: the secret is written all the same.
    value = "Server=mysql-legacy.example.com;Database=legacy;Uid=legacy;Pwd=${var.legacy_password}" # expect: VNL402
  }
}
