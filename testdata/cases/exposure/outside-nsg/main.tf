# Rules added to an NSG that another module defines: evaluated on a stand-in for it (Azure's
# default rules and every rule here that names it), reported as latent.
resource "azurerm_network_security_rule" "ssh" {
  name                        = "allow-ssh"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22" # expect: VNL101
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-shared"
  network_security_group_name = "nsg-shared"
}

resource "azurerm_network_security_rule" "deny_rdp" {
  name                        = "deny-rdp"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-shared"
  network_security_group_name = "nsg-shared"
}

# Shadowed by the deny above, which names the same NSG.
resource "azurerm_network_security_rule" "rdp" {
  name                        = "allow-rdp" # expect: VNL201
  priority                    = 120
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg-shared"
  network_security_group_name = "nsg-shared"
}
