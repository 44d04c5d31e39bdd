# The mission's scenario: an ASE v3 and a SQL Server VM in separate subnets of one VNet, SQL
# 1433 allowed only from the VNet (an explicit allow plus the default rules). None of the ASE
# checks fires.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-app"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "ase" {
  name                 = "snet-ase"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]

  delegation {
    name = "ase"
    service_delegation {
      name = "Microsoft.Web/hostingEnvironments"
    }
  }
}

resource "azurerm_network_security_group" "ase" {
  name                = "nsg-ase"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "ase" {
  subnet_id                 = azurerm_subnet.ase.id
  network_security_group_id = azurerm_network_security_group.ase.id
}

resource "azurerm_app_service_environment_v3" "ase" {
  name                = "ase-app"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id
}

resource "azurerm_service_plan" "app" {
  name                       = "plan-app"
  location                   = "westeurope"
  resource_group_name        = "rg"
  os_type                    = "Windows"
  sku_name                   = "I1v2"
  app_service_environment_id = azurerm_app_service_environment_v3.ase.id
}

resource "azurerm_windows_web_app" "app" {
  name                = "app-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = azurerm_service_plan.app.id
  site_config {}
}

resource "azurerm_subnet" "sql" {
  name                 = "snet-sql"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "sql" {
  name                = "nsg-sql"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-sql-from-vnet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "sql" {
  subnet_id                 = azurerm_subnet.sql.id
  network_security_group_id = azurerm_network_security_group.sql.id
}

resource "azurerm_network_interface" "sql" {
  name                = "nic-sql"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.sql.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.6"
  }
}

resource "azurerm_windows_virtual_machine" "sql" {
  name                  = "vm-sql"
  location              = "westeurope"
  resource_group_name   = "rg"
  size                  = "Standard_D2s_v5"
  admin_username        = "azureuser"
  admin_password        = "not-checked-here-1!"
  network_interface_ids = [azurerm_network_interface.sql.id]
}

resource "azurerm_mssql_virtual_machine" "sql" {
  virtual_machine_id    = azurerm_windows_virtual_machine.sql.id
  sql_connectivity_port = 1433
  sql_connectivity_type = "PRIVATE"
}
