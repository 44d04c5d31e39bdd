# VNL303: outbound requirements per version on the environment subnet's NSG.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# "Deny Internet" also denies Sql and Storage, which are public Azure space (spec edge case 32).
resource "azurerm_subnet" "v2nointernet" {
  name                 = "snet-v2nointernet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]
}

resource "azurerm_network_security_group" "v2nointernet" {
  name                = "nsg-v2nointernet"
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

  security_rule {
    name                       = "deny-internet-outbound" # expect: VNL303
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "Internet"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2nointernet" {
  subnet_id                 = azurerm_subnet.v2nointernet.id
  network_security_group_id = azurerm_network_security_group.v2nointernet.id
}

resource "azurerm_app_service_environment" "v2nointernet" {
  name                = "ase-v2nointernet"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2nointernet.id
}

# Sql is allowed, but DNS, NTP, HTTP(S), monitoring and the subnet itself are cut.
resource "azurerm_subnet" "v2sqlonly" {
  name                 = "snet-v2sqlonly"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "v2sqlonly" {
  name                = "nsg-v2sqlonly"
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

  security_rule {
    name                       = "allow-sql"
    priority                   = 200
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "*"
    destination_address_prefix = "Sql"
  }

  security_rule {
    name                       = "deny-all-outbound" # expect: VNL303
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2sqlonly" {
  subnet_id                 = azurerm_subnet.v2sqlonly.id
  network_security_group_id = azurerm_network_security_group.v2sqlonly.id
}

resource "azurerm_app_service_environment" "v2sqlonly" {
  name                = "ase-v2sqlonly"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2sqlonly.id
}

# The usual lockdown: Sql, Storage, DNS/NTP and monitoring allowed before denying the Internet.
# HTTP(S) to other endpoints is allowed only as far as Storage covers them, which is not known
# offline: no finding (no false alarm).
resource "azurerm_subnet" "v2lockdown" {
  name                 = "snet-v2lockdown"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "v2lockdown" {
  name                = "nsg-v2lockdown"
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

  security_rule {
    name                       = "allow-sql"
    priority                   = 200
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "*"
    destination_address_prefix = "Sql"
  }

  security_rule {
    name                       = "allow-storage"
    priority                   = 210
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["80", "443"]
    source_address_prefix      = "*"
    destination_address_prefix = "Storage"
  }

  security_rule {
    name                       = "allow-dns-ntp"
    priority                   = 220
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Udp"
    source_port_range          = "*"
    destination_port_ranges    = ["53", "123"]
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-monitoring"
    priority                   = 230
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "12000"
    source_address_prefix      = "*"
    destination_address_prefix = "AzureCloud"
  }

  security_rule {
    name                       = "deny-internet-outbound"
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "Internet"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2lockdown" {
  subnet_id                 = azurerm_subnet.v2lockdown.id
  network_security_group_id = azurerm_network_security_group.v2lockdown.id
}

resource "azurerm_app_service_environment" "v2lockdown" {
  name                = "ase-v2lockdown"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2lockdown.id
}

# v3 needs nothing outbound beyond its apps' dependencies: no finding.
resource "azurerm_subnet" "v3nointernet" {
  name                 = "snet-v3nointernet"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.3.0/24"]
}

resource "azurerm_network_security_group" "v3nointernet" {
  name                = "nsg-v3nointernet"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-internet-outbound"
    priority                   = 4000
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "Internet"
  }
}

resource "azurerm_subnet_network_security_group_association" "v3nointernet" {
  subnet_id                 = azurerm_subnet.v3nointernet.id
  network_security_group_id = azurerm_network_security_group.v3nointernet.id
}

resource "azurerm_app_service_environment_v3" "v3nointernet" {
  name                = "ase-v3nointernet"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v3nointernet.id
}
