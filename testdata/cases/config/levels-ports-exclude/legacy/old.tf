# Excluded by vnetlint.toml: never analyzed, so this broken file raises nothing.
resource "azurerm_network_security_group" "old" {
