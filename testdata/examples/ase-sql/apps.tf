# The App Service Environment and the app that talks to the SQL VM.

resource "azurerm_app_service_environment_v3" "main" {
  name                         = "ase-orders"
  resource_group_name          = azurerm_resource_group.main.name
  subnet_id                    = azurerm_subnet.ase.id
  internal_load_balancing_mode = "Web, Publishing"
}

resource "azurerm_service_plan" "main" {
  name                       = "plan-orders"
  resource_group_name        = azurerm_resource_group.main.name
  location                   = azurerm_resource_group.main.location
  os_type                    = "Windows"
  sku_name                   = "I1v2"
  app_service_environment_id = azurerm_app_service_environment_v3.main.id
}

resource "azurerm_windows_web_app" "orders" {
  name                = "app-orders"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  service_plan_id     = azurerm_service_plan.main.id

  site_config {}

  # Connects through the VM's public IP: the backend's NSG admits only the virtual network.
  connection_string {
    name  = "Orders"
    type  = "SQLServer"
    value = "Server=tcp:${azurerm_public_ip.sql.ip_address},1433;Database=orders;Authentication=Active Directory Managed Identity;"
  }
}
