# VNL504: ranges Azure refuses in a VNet (spec §7, §8 edge case 35), prefixes that are not CIDR
# blocks, and subnet sizes Azure does not accept.
resource "azurerm_virtual_network" "link_local" {
  name                = "vnet-link-local"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["169.254.0.0/16"] # expect: VNL504
}

# 168.0.0.0/8 contains Azure's host address 168.63.129.16 (and is public: VNL505 too).
resource "azurerm_virtual_network" "host_ip" {
  name                = "vnet-host-ip"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["168.0.0.0/8"] # expect: VNL504, VNL505
}

resource "azurerm_virtual_network" "mixed" {
  name                = "vnet-mixed"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space = [
    "10.0.0.0/16",
    "127.0.0.0/8",   # expect: VNL504
    "10.1.0.0",      # expect: VNL504
    "224.0.0.0/3",   # expect: VNL504
    "10.2.0.0/16",
  ]
}

resource "azurerm_subnet" "tiny" {
  name                 = "snet-tiny"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.mixed.name
  address_prefixes     = ["10.0.1.0/30"] # expect: VNL504
}

# The smallest subnet Azure accepts: fine.
resource "azurerm_subnet" "smallest" {
  name                 = "snet-smallest"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.mixed.name
  address_prefixes     = ["10.0.2.0/29"]
}

resource "azurerm_subnet" "garbled" {
  name                 = "snet-garbled"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.mixed.name
  address_prefixes     = ["10.0.3.0/33"] # expect: VNL504
}

# Dual stack: the IPv6 subnet must be a /64.
resource "azurerm_virtual_network" "dual" {
  name                = "vnet-dual"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.10.0.0/16", "fd00:db8::/48"]
}

resource "azurerm_subnet" "dual_ok" {
  name                 = "snet-dual-ok"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.dual.name
  address_prefixes     = ["10.10.1.0/24", "fd00:db8:0:1::/64"]
}

resource "azurerm_subnet" "dual_bad" {
  name                 = "snet-dual-bad"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.dual.name
  address_prefixes = [
    "10.10.2.0/24",
    "fd00:db8:0:2::/80", # expect: VNL504
  ]
}
