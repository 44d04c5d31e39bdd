# Spec routing §10 case 14: an inbound NAT rule 50022 -> 22 of a public load balancer leads to a
# VM without a public IP whose NSG allows SSH from anywhere: SSH is exposed through the load
# balancer's frontend (an error naming both ports). The same NSG on a VM no entry point leads to
# is a latent exposure (a warning). A load-balancing rule 443 -> 443 does not lead to SSH.

resource "azurerm_virtual_network" "main" {
  name          = "vnet-main"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "batch" {
  name                 = "snet-batch"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_network_security_group" "web" {
  name = "nsg-web"

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

resource "azurerm_network_security_group" "batch" {
  name = "nsg-batch"

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

resource "azurerm_subnet_network_security_group_association" "web" {
  subnet_id                 = azurerm_subnet.web.id
  network_security_group_id = azurerm_network_security_group.web.id
}

resource "azurerm_subnet_network_security_group_association" "batch" {
  subnet_id                 = azurerm_subnet.batch.id
  network_security_group_id = azurerm_network_security_group.batch.id
}

resource "azurerm_public_ip" "lb" {
  name              = "pip-lb"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_lb" "web" {
  name = "lb-web"
  sku  = "Standard"

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.lb.id
  }
}

resource "azurerm_lb_backend_address_pool" "web" {
  name            = "pool-web"
  loadbalancer_id = azurerm_lb.web.id
}

resource "azurerm_lb_rule" "https" {
  name                           = "https"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port                  = 443
  backend_port                   = 443
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.web.id]
}

resource "azurerm_lb_nat_rule" "ssh" {
  name                           = "ssh"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port                  = 50022
  backend_port                   = 22
}

resource "azurerm_network_interface" "web" {
  name = "nic-web"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.4"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "web" {
  network_interface_id    = azurerm_network_interface.web.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
}

resource "azurerm_network_interface_nat_rule_association" "web" {
  network_interface_id  = azurerm_network_interface.web.id
  ip_configuration_name = "primary"
  nat_rule_id           = azurerm_lb_nat_rule.ssh.id
}

resource "azurerm_network_interface" "batch" {
  name = "nic-batch"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.batch.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.4"
  }
}
