resource "azurerm_flux_capacitor" "f" { name = "x" }
