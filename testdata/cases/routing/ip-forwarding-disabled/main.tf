# Routes whose next hop is a network interface with IP forwarding off: Azure drops the traffic.
resource "azurerm_network_interface" "nva" {
  name = "nic-nva"
  ip_configuration {
    name                          = "ipconfig"
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.4"
  }
}

# azurerm 3 spelling, written off.
resource "azurerm_network_interface" "legacy" {
  name                 = "nic-legacy"
  enable_ip_forwarding = false
  ip_configuration {
    name                          = "ipconfig"
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.5"
  }
}

resource "azurerm_route_table" "spoke" {
  name = "rt-spoke"

  # The next hop is the address of `nic-nva`.
  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.0.2.4" # expect: VNL701
  }

  # The next hop is a reference to the private IP of `nic-legacy`.
  route {
    name                   = "onprem"
    address_prefix         = "192.168.0.0/16"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = azurerm_network_interface.legacy.ip_configuration[0].private_ip_address # expect: VNL701
  }

  # An appliance outside the scanned files: assumed to forward.
  route {
    name                   = "elsewhere"
    address_prefix         = "172.16.0.0/12"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.9.9.9"
  }
}
