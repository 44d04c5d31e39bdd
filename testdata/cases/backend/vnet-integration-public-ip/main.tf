# A VNet-integrated app (not on an ASE) reaches PostgreSQL on a VM through its public IP, named in
# an app setting as a URI; the VM's NSG admits 5432 only from the VNet.
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
  name                 = "snet-integration"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]

  delegation {
    name = "web"
    service_delegation {
      name = "Microsoft.Web/serverFarms"
    }
  }
}

resource "azurerm_network_security_group" "sql" {
  name                = "nsg-sql"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-pg-from-vnet"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5432"
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

resource "azurerm_service_plan" "orders" {
  name                = "plan-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  os_type             = "Linux"
  sku_name            = "P1v3"
}

resource "azurerm_linux_web_app" "orders" {
  name                      = "app-orders"
  location                  = "westeurope"
  resource_group_name       = "rg"
  service_plan_id           = azurerm_service_plan.orders.id
  virtual_network_subnet_id = azurerm_subnet.ase.id

  site_config {}

  app_settings = {
    "DATABASE_URL" = "postgres://orders@${azurerm_public_ip.sql.ip_address}:5432/orders?sslmode=require" # expect: VNL401
    # By the private address: fine.
    "REPLICA_URL" = "postgres://orders@10.0.1.6:5432/orders?sslmode=require"
  }
}
