# VNL302: inbound requirements per version on the environment subnet's NSG.
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# v2 behind a deny-everything rule: management, keep-alive and intra-subnet traffic are cut
# (spec edge case 30); one finding at the deciding rule names all three.
resource "azurerm_subnet" "v2lockdown" {
  name                 = "snet-v2lockdown"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.0.0/24"]
}

resource "azurerm_network_security_group" "v2lockdown" {
  name                = "nsg-v2lockdown"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-all-inbound" # expect: VNL302
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
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

# v3 whose health ping from AzureLoadBalancer is denied (spec edge case 31).
resource "azurerm_subnet" "v3probe" {
  name                 = "snet-v3probe"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "v3probe" {
  name                = "nsg-v3probe"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-load-balancer" # expect: VNL302
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "v3probe" {
  subnet_id                 = azurerm_subnet.v3probe.id
  network_security_group_id = azurerm_network_security_group.v3probe.id
}

resource "azurerm_app_service_environment_v3" "v3probe" {
  name                = "ase-v3probe"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v3probe.id
}

# v2 with the default rules only: AppServiceManagement is public space, so DenyAllInBound
# decides; reported at the NSG.
resource "azurerm_subnet" "v2defaults" {
  name                 = "snet-v2defaults"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "v2defaults" {
  name                = "nsg-v2defaults" # expect: VNL302
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "v2defaults" {
  subnet_id                 = azurerm_subnet.v2defaults.id
  network_security_group_id = azurerm_network_security_group.v2defaults.id
}

resource "azurerm_app_service_environment" "v2defaults" {
  name                = "ase-v2defaults"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2defaults.id
}

# v3 with the default rules only: AllowAzureLoadBalancerInBound admits the health ping.
resource "azurerm_subnet" "v3defaults" {
  name                 = "snet-v3defaults"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.3.0/24"]
}

resource "azurerm_network_security_group" "v3defaults" {
  name                = "nsg-v3defaults"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "v3defaults" {
  subnet_id                 = azurerm_subnet.v3defaults.id
  network_security_group_id = azurerm_network_security_group.v3defaults.id
}

resource "azurerm_app_service_environment_v3" "v3defaults" {
  name                = "ase-v3defaults"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v3defaults.id
}

# v2 done right: management allowed by its tag in front of a deny of the Internet; the
# load balancer and the subnet itself are not Internet and pass the defaults.
resource "azurerm_subnet" "v2open" {
  name                 = "snet-v2open"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.4.0/24"]
}

resource "azurerm_network_security_group" "v2open" {
  name                = "nsg-v2open"
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
    name                       = "deny-internet-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2open" {
  subnet_id                 = azurerm_subnet.v2open.id
  network_security_group_id = azurerm_network_security_group.v2open.id
}

resource "azurerm_app_service_environment" "v2open" {
  name                = "ase-v2open"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2open.id
}

# A deny of a public range in front of the management rule blocks the management traffic
# only if AppServiceManagement overlaps 52.0.0.0/8, which is not known offline: no finding.
resource "azurerm_subnet" "v2maybe" {
  name                 = "snet-v2maybe"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.5.0/24"]
}

resource "azurerm_network_security_group" "v2maybe" {
  name                = "nsg-v2maybe"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-range"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "52.0.0.0/8"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "allow-management"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "454-455"
    source_address_prefix      = "AppServiceManagement"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "v2maybe" {
  subnet_id                 = azurerm_subnet.v2maybe.id
  network_security_group_id = azurerm_network_security_group.v2maybe.id
}

resource "azurerm_app_service_environment" "v2maybe" {
  name                = "ase-v2maybe"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.v2maybe.id
}
