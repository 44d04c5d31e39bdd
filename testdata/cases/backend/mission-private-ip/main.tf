# The mission scenario done right: the app on the ASE connects by the SQL VM's private IP.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "sql" {
  name                 = "snet-sql"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "ase" {
  name                 = "snet-ase"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]

  delegation {
    name = "ase"
    service_delegation {
      name = "Microsoft.Web/hostingEnvironments"
    }
  }
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

resource "azurerm_network_security_group" "ase" {
  name                = "nsg-ase"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "ase" {
  subnet_id                 = azurerm_subnet.ase.id
  network_security_group_id = azurerm_network_security_group.ase.id
}

resource "azurerm_public_ip" "sql" {
  name                = "pip-sql"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
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
    public_ip_address_id          = azurerm_public_ip.sql.id
  }
}

resource "azurerm_app_service_environment_v3" "ase" {
  name                = "ase-orders"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id
}

resource "azurerm_service_plan" "orders" {
  name                       = "plan-orders"
  location                   = "westeurope"
  resource_group_name        = "rg"
  os_type                    = "Windows"
  sku_name                   = "I1v2"
  app_service_environment_id = azurerm_app_service_environment_v3.ase.id
}

resource "azurerm_windows_web_app" "orders" {
  name                = "app-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = azurerm_service_plan.orders.id

  site_config {}

  connection_string {
    name  = "orders-db"
    type  = "SQLServer"
    value = "Server=tcp:10.0.1.6,1433;Initial Catalog=orders;Authentication=Active Directory Managed Identity"
  }
}
