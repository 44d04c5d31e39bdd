locals {
  rules = [
    { name = "ssh", port = "22" },
    { name = "https", port = "443" },
  ]
  by_name = { for r in local.rules : r.name => r.port }
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = local.by_name["ssh"] # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
