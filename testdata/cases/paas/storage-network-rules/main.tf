# Storage accounts: open by default (VNL603), open with rules that have no effect (VNL603), and
# closed by a Deny default, by disabled public access, or by a separate network rules resource.
variable "public_access" {
  type = bool
}

resource "azurerm_storage_account" "open" {
  name                     = "stopen" # expect: VNL603
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_storage_account" "allow_with_rules" {
  name                     = "stallow"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  network_rules {
    default_action = "Allow" # expect: VNL603
    ip_rules       = ["203.0.113.0/24"]
  }
}

resource "azurerm_storage_account" "deny" {
  name                     = "stdeny"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  network_rules {
    default_action = "Deny"
    ip_rules       = ["203.0.113.0/24"]
  }
}

resource "azurerm_storage_account" "private" {
  name                          = "stprivate"
  resource_group_name           = "rg"
  location                      = "westeurope"
  account_tier                  = "Standard"
  account_replication_type      = "LRS"
  public_network_access_enabled = false
}

resource "azurerm_storage_account" "separate" {
  name                     = "stseparate"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_storage_account_network_rules" "separate" {
  storage_account_id = azurerm_storage_account.separate.id
  default_action     = "Deny"
  bypass             = ["AzureServices"]
}

resource "azurerm_storage_account" "unknown" {
  name                          = "stunknown"
  resource_group_name           = "rg"
  location                      = "westeurope"
  account_tier                  = "Standard"
  account_replication_type      = "LRS"
  public_network_access_enabled = var.public_access # expect: VNL002
}
