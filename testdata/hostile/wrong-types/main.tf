resource "azurerm_network_security_group" "n" {
  name = 42
  location = ["westeurope"]
  resource_group_name = "rg"
  security_rule {
    name = "r"
    priority = "high"
    direction = 1
    access = true
    protocol = "Tcp"
    source_port_range = "*"
    destination_port_range = 22
    source_address_prefix = "*"
    destination_address_prefix = "*"
  }
}
