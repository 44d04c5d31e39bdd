locals {
  environments = {
    dev  = "22"
    prod = "443"
  }
}

resource "azurerm_network_security_group" "env" {
  for_each            = local.environments
  name                = "nsg-${each.key}"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "port"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = each.value # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
