module "a" {
  source = "./modules/echo"
  input  = module.a.output
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "echo"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = module.a.output # expect: VNL002
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
