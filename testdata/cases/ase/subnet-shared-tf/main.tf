# VNL301: the subnet of an App Service Environment is exclusive. A VM's NIC, an app's VNet
# integration and a second environment in it are reported at their subnet reference; an app
# hosted on the environment through its plan is not.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-ase"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "ase" {
  name                 = "snet-ase"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]
}

resource "azurerm_network_security_group" "ase" {
  name                = "nsg-ase"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-management"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "454-455"
    source_address_prefix      = "AppServiceManagement"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "ase" {
  subnet_id                 = azurerm_subnet.ase.id
  network_security_group_id = azurerm_network_security_group.ase.id
}

resource "azurerm_app_service_environment" "ase" {
  name                = "ase-main"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id
}

resource "azurerm_network_interface" "sql" {
  name                = "nic-sql"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.ase.id # expect: VNL301
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.0.10"
  }
}

resource "azurerm_windows_virtual_machine" "sql" {
  name                  = "vm-sql"
  location              = "westeurope"
  resource_group_name   = "rg"
  size                  = "Standard_D2s_v5"
  admin_username        = "azureuser"
  admin_password        = var.admin_password
  network_interface_ids = [azurerm_network_interface.sql.id]
}

variable "admin_password" {
  type      = string
  sensitive = true
}

resource "azurerm_app_service_environment" "second" {
  name                = "ase-second"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.ase.id # expect: VNL301
}

resource "azurerm_service_plan" "hosted" {
  name                       = "plan-hosted"
  location                   = "westeurope"
  resource_group_name        = "rg"
  os_type                    = "Windows"
  sku_name                   = "I1"
  app_service_environment_id = azurerm_app_service_environment.ase.id
}

# Hosted on the environment: belongs there.
resource "azurerm_windows_web_app" "hosted" {
  name                = "app-hosted"
  location            = "westeurope"
  resource_group_name = "rg"
  service_plan_id     = azurerm_service_plan.hosted.id
  site_config {}
}

resource "azurerm_service_plan" "shared" {
  name                = "plan-shared"
  location            = "westeurope"
  resource_group_name = "rg"
  os_type             = "Linux"
  sku_name            = "P1v3"
}

# Regional VNet integration into the environment's subnet: an intruder.
resource "azurerm_linux_web_app" "integrated" {
  name                      = "app-integrated"
  location                  = "westeurope"
  resource_group_name       = "rg"
  service_plan_id           = azurerm_service_plan.shared.id
  virtual_network_subnet_id = azurerm_subnet.ase.id # expect: VNL301
  site_config {}
}

# A backend in a subnet of its own is fine.
resource "azurerm_subnet" "data" {
  name                 = "snet-data"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "data" {
  name                = "nsg-data"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.data.id
  network_security_group_id = azurerm_network_security_group.data.id
}

resource "azurerm_network_interface" "app" {
  name                = "nic-app"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.data.id
    private_ip_address_allocation = "Dynamic"
  }
}
