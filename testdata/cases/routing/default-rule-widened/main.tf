# A subnet's user routes widen `VirtualNetwork` in its NSG (nsg-semantics §2.6 item 5): with a
# 0.0.0.0/0 route it is every address, so the default rule AllowVnetInBound admits the
# Internet. Here the route's next hop is the Internet itself, so the replies leave directly and
# the VM's public IP really brings SSH and the data ports in: VNL101 and VNL102 at the NSG.
# (Where 0.0.0.0/0 goes to a hub firewall, TCP replies are dropped on the way back and the same
# widening is no finding: see routing/hub-spoke-firewall.)

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_route_table" "web" {
  name                = "rt-web"
  location            = "westeurope"
  resource_group_name = "rg"

  route {
    name           = "default-internet"
    address_prefix = "0.0.0.0/0"
    next_hop_type  = "Internet"
  }
}

resource "azurerm_subnet_route_table_association" "web" {
  subnet_id      = azurerm_subnet.web.id
  route_table_id = azurerm_route_table.web.id
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web" # expect: VNL101, VNL102
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "allow-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "web" {
  subnet_id                 = azurerm_subnet.web.id
  network_security_group_id = azurerm_network_security_group.web.id
}

resource "azurerm_public_ip" "web" {
  name                = "pip-web"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_network_interface" "web" {
  name                = "nic-web"
  location            = "westeurope"
  resource_group_name = "rg"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.4"
    public_ip_address_id          = azurerm_public_ip.web.id
  }
}
