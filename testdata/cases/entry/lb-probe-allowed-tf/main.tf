# Health probes the NSGs of the backends let through (no VNL105).

variable "probe_port" {
  type = number
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# The probe is allowed in front of the deny-everything rule.
resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-load-balancer-probe"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "8080"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-all-inbound"
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

resource "azurerm_subnet_network_security_group_association" "web" {
  subnet_id                 = azurerm_subnet.web.id
  network_security_group_id = azurerm_network_security_group.web.id
}

resource "azurerm_lb" "web" {
  name                = "lb-web"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"

  frontend_ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_lb_backend_address_pool" "web" {
  name            = "pool-web"
  loadbalancer_id = azurerm_lb.web.id
}

resource "azurerm_lb_probe" "web" {
  name            = "probe-http"
  loadbalancer_id = azurerm_lb.web.id
  protocol        = "Http"
  port            = 8080
  request_path    = "/health"
}

resource "azurerm_network_interface" "web1" {
  name                = "nic-web1"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "web1" {
  network_interface_id    = azurerm_network_interface.web1.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
}

# The NSG denies the load balancer on another port than the probe's.
resource "azurerm_subnet" "api" {
  name                 = "snet-api"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "api" {
  name                = "nsg-api"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-load-balancer-rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "api" {
  subnet_id                 = azurerm_subnet.api.id
  network_security_group_id = azurerm_network_security_group.api.id
}

# An NSG of Azure's defaults only, under which AllowAzureLoadBalancerInBound admits the probe
# on any port: a probe with an unresolved port is admitted whatever its port (no VNL002).
resource "azurerm_subnet" "jobs" {
  name                 = "snet-jobs"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.3.0/24"]
}

resource "azurerm_network_security_group" "jobs" {
  name                = "nsg-jobs"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "jobs" {
  subnet_id                 = azurerm_subnet.jobs.id
  network_security_group_id = azurerm_network_security_group.jobs.id
}

resource "azurerm_lb" "api" {
  name                = "lb-api"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Basic"

  frontend_ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.api.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_lb_backend_address_pool" "api" {
  name            = "pool-api"
  loadbalancer_id = azurerm_lb.api.id
}

resource "azurerm_lb_probe" "api" {
  name            = "probe-https"
  loadbalancer_id = azurerm_lb.api.id
  protocol        = "Tcp"
  port            = 443
}

resource "azurerm_network_interface" "api" {
  name                = "nic-api"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.api.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "api" {
  network_interface_id    = azurerm_network_interface.api.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.api.id
}

resource "azurerm_lb" "jobs" {
  name                = "lb-jobs"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"

  frontend_ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.jobs.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_lb_backend_address_pool" "jobs" {
  name            = "pool-jobs"
  loadbalancer_id = azurerm_lb.jobs.id
}

resource "azurerm_lb_probe" "jobs" {
  name            = "probe-jobs"
  loadbalancer_id = azurerm_lb.jobs.id
  protocol        = "Tcp"
  port            = var.probe_port
}

resource "azurerm_network_interface" "jobs" {
  name                = "nic-jobs"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.jobs.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "jobs" {
  network_interface_id    = azurerm_network_interface.jobs.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.jobs.id
}
