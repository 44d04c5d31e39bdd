module "app" {
  source   = "./modules/nsg"
  ssh_port = "443"
}

# A root rule attached to the module's NSG through its output.
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389" # expect: VNL101
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = module.app.nsg_name
}
