# VNL505: a VNet that uses public (non-RFC 1918, non-100.64/10) IPv4 ranges.
resource "azurerm_virtual_network" "public" {
  name                = "vnet-public"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["20.50.0.0/16"] # expect: VNL505
}

# 172.0.0.0/10 is only partly in 172.16.0.0/12; the rest is public.
resource "azurerm_virtual_network" "almost" {
  name                = "vnet-almost"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space = [
    "10.0.0.0/16",
    "172.0.0.0/10", # expect: VNL505
  ]
}

# RFC 1918 and RFC 6598 (shared address space, treated as private) and IPv6: fine.
resource "azurerm_virtual_network" "private" {
  name                = "vnet-private"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "2001:db8::/48"]
}

# Unknown: no verdict.
variable "space" {
  type = string
}

resource "azurerm_virtual_network" "unknown" {
  name                = "vnet-unknown"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = [var.space]
}
