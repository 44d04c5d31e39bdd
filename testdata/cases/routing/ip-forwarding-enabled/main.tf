# Twin of ip-forwarding-disabled: the appliances forward (azurerm 4 and azurerm 3 spellings).
resource "azurerm_network_interface" "nva" {
  name                  = "nic-nva"
  ip_forwarding_enabled = true
  ip_configuration {
    name                          = "ipconfig"
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.4"
  }
}

resource "azurerm_network_interface" "legacy" {
  name                 = "nic-legacy"
  enable_ip_forwarding = true
  ip_configuration {
    name                          = "ipconfig"
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.5"
  }
}

resource "azurerm_route_table" "spoke" {
  name = "rt-spoke"

  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.2.4"
  }

  route {
    name                   = "onprem"
    address_prefix         = "192.168.0.0/16"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = azurerm_network_interface.legacy.ip_configuration[0].private_ip_address
  }
}
