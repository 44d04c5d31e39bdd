locals {
  subnets = {
    ase = ["Microsoft.Web/hostingEnvironments"]
  }
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.8.0.0/16"]

  dynamic "subnet" {
    for_each = local.subnets
    content {
      name             = "snet-${subnet.key}"
      address_prefixes = [cidrsubnet("10.8.0.0/16", 8, 1)]
      security_group   = azurerm_network_security_group.ase.id

      dynamic "delegation" {
        for_each = subnet.value
        iterator = service
        content {
          name = "delegation-${service.key}"
          service_delegation {
            name = service.value
          }
        }
      }
    }
  }
}

resource "azurerm_network_security_group" "ase" {
  name                = "nsg-ase"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
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
