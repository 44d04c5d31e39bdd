variable "env" {
  default = "dev"
}

resource "azurerm_network_security_group" "web" {
  name                = "nsg-web"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "mgmt"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "%{ if var.env == "prod" }443%{ else }22%{ endif }" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
