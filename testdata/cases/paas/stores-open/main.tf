# Data and secret stores that answer every network (VNL603): no network rules, a default action
# of `Allow`, an empty IP firewall, or no IP firewall at all; Cosmos DB's `0.0.0.0` switch
# (VNL602, written as azurerm 3's comma-separated string); an IP rule for the whole Internet
# under a `Deny` default action (VNL601); and IP rules that together admit more than a /8.
resource "azurerm_cosmosdb_account" "orders" {
  name                = "cosmos-orders" # expect: VNL603
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_account" "legacy" {
  name                = "cosmos-legacy"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  ip_range_filter     = "0.0.0.0,203.0.113.0/24" # expect: VNL602

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_account" "wide" {
  name                          = "cosmos-wide"
  location                      = "westeurope"
  resource_group_name           = "rg"
  offer_type                    = "Standard"
  public_network_access_enabled = true # expect: VNL603
  ip_range_filter               = ["1.0.0.0/8", "2.0.0.0/8"]

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_key_vault" "open" {
  name                = "kv-open" # expect: VNL603
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
}

resource "azurerm_key_vault" "allow" {
  name                = "kv-allow"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"

  network_acls {
    default_action = "Allow" # expect: VNL603
    bypass         = "AzureServices"
    ip_rules       = ["203.0.113.0/24"]
  }
}

resource "azurerm_key_vault" "wide" {
  name                = "kv-wide"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"

  network_acls {
    default_action = "Deny"
    bypass         = "None"
    ip_rules       = ["0.0.0.0/0"] # expect: VNL601
  }
}

resource "azurerm_container_registry" "orders" {
  name                = "acrorders" # expect: VNL603
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Premium"
}

resource "azurerm_eventhub_namespace" "orders" {
  name                = "evhns-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"

  network_rulesets {
    default_action = "Allow" # expect: VNL603
  }
}

resource "azurerm_servicebus_namespace" "orders" {
  name                = "sb-orders" # expect: VNL603
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Premium"
  capacity            = 1
}

resource "azurerm_search_service" "orders" {
  name                = "srch-orders" # expect: VNL603
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "standard"
}

resource "azurerm_cognitive_account" "orders" {
  name                  = "cog-orders"
  location              = "westeurope"
  resource_group_name   = "rg"
  kind                  = "OpenAI"
  sku_name              = "S0"
  custom_subdomain_name = "cog-orders"

  network_acls {
    default_action = "Allow" # expect: VNL603
  }
}

resource "azurerm_app_configuration" "orders" {
  name                  = "appcs-orders"
  location              = "westeurope"
  resource_group_name   = "rg"
  sku                   = "standard"
  public_network_access = "Enabled" # expect: VNL603
}
