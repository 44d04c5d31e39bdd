resource "azurerm_public_ip" "bastion" {
  name                = "pip-bastion"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "Static"
}

# The destination is the public IP's address, known only at deployment: it stays a symbolic
# reference (`azurerm_public_ip.bastion.ip_address`), which the finding names.
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
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = azurerm_public_ip.bastion.ip_address # expect: VNL002
  }
}
