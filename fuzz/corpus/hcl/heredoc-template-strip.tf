locals {
  port = <<-EOT
    %{~ if true ~}
    22
    %{~ endif ~}
  EOT
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
    destination_port_range     = trimspace(local.port) # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
