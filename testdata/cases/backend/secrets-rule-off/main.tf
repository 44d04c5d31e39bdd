# A literal secret with VNL402 turned off (vnetlint.toml): nothing is reported, and the secret
# is still masked in every output that shows this file.
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

  connection_string {
    name  = "orders-db"
    type  = "SQLAzure"
    value = "Server=tcp:sql-orders.database.windows.net,1433;Initial Catalog=orders;User ID=orders;Password=Harvest2025!"
  }
}

resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
