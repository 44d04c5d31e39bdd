# Health probes of load balancers denied by the NSGs of their backends (VNL105).

variable "probe_port" {
  type = number
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

# A subnet NSG that denies everything before the default AllowAzureLoadBalancerInBound.
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
    name                       = "deny-all-inbound" # expect: VNL105
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

resource "azurerm_network_interface" "web2" {
  name                = "nic-web2"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.11"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "web1" {
  network_interface_id    = azurerm_network_interface.web1.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
}

resource "azurerm_network_interface_backend_address_pool_association" "web2" {
  network_interface_id    = azurerm_network_interface.web2.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
}

# A Basic load balancer whose members' own NSG denies the probe by its tag: the SKU does not
# matter. The subnet has no NSG, so a member without an NSG of its own is not reported here
# (nothing denies its probe; VNL104 reports the subnet).
resource "azurerm_subnet" "api" {
  name                 = "snet-api" # expect: VNL104
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "api" {
  name                = "nsg-api"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "deny-load-balancer" # expect: VNL105
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "*"
  }
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

resource "azurerm_network_interface_security_group_association" "api" {
  network_interface_id      = azurerm_network_interface.api.id
  network_security_group_id = azurerm_network_security_group.api.id
}

resource "azurerm_network_interface_backend_address_pool_association" "api" {
  network_interface_id    = azurerm_network_interface.api.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.api.id
}

resource "azurerm_network_interface" "open" {
  name                = "nic-open"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.api.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "open" {
  network_interface_id    = azurerm_network_interface.open.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.api.id
}

# A probe whose port is a variable without a value, behind an NSG that denies the probe on
# 443 only: whether it is blocked depends on the port (VNL002 at the port).
resource "azurerm_lb" "jobs" {
  name                = "lb-jobs"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"

  frontend_ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.api.id
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
  port            = var.probe_port # expect: VNL002
}

resource "azurerm_network_interface" "jobs" {
  name                = "nic-jobs"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.api.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_security_group_association" "jobs" {
  network_interface_id      = azurerm_network_interface.jobs.id
  network_security_group_id = azurerm_network_security_group.api.id
}

resource "azurerm_network_interface_backend_address_pool_association" "jobs" {
  network_interface_id    = azurerm_network_interface.jobs.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.jobs.id
}
