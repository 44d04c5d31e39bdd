# The twins of stores-open, closed: an IP firewall that lists addresses, the virtual network
# filter, a `Deny` default action with narrow rules, public network access off, and an App
# Configuration store that leaves its switch unset with a private endpoint connected to it
# (Azure's `Automatic`: no public access once a private endpoint exists).
resource "azurerm_cosmosdb_account" "orders" {
  name                = "cosmos-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  ip_range_filter     = ["203.0.113.0/24"]

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_account" "legacy" {
  name                              = "cosmos-legacy"
  location                          = "westeurope"
  resource_group_name               = "rg"
  offer_type                        = "Standard"
  is_virtual_network_filter_enabled = true

  virtual_network_rule {
    id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/snet-app"
  }

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
  public_network_access_enabled = false

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_key_vault" "open" {
  name                          = "kv-open"
  location                      = "westeurope"
  resource_group_name           = "rg"
  tenant_id                     = "00000000-0000-0000-0000-000000000000"
  sku_name                      = "standard"
  public_network_access_enabled = false
}

resource "azurerm_key_vault" "allow" {
  name                = "kv-allow"
  location            = "westeurope"
  resource_group_name = "rg"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
    ip_rules       = ["203.0.113.0/24"]
  }
}

resource "azurerm_container_registry" "orders" {
  name                = "acrorders"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Premium"

  network_rule_set {
    default_action = "Deny"

    ip_rule {
      action   = "Allow"
      ip_range = "203.0.113.0/24"
    }
  }
}

resource "azurerm_eventhub_namespace" "orders" {
  name                = "evhns-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Standard"

  network_rulesets {
    default_action = "Deny"

    ip_rule {
      ip_mask = "203.0.113.0/24"
      action  = "Allow"
    }
  }
}

resource "azurerm_servicebus_namespace" "orders" {
  name                = "sb-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Premium"
  capacity            = 1

  network_rule_set {
    default_action = "Deny"
    ip_rules       = ["203.0.113.7"]
  }
}

resource "azurerm_search_service" "orders" {
  name                = "srch-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "standard"
  allowed_ips         = ["203.0.113.7"]
}

resource "azurerm_cognitive_account" "orders" {
  name                  = "cog-orders"
  location              = "westeurope"
  resource_group_name   = "rg"
  kind                  = "OpenAI"
  sku_name              = "S0"
  custom_subdomain_name = "cog-orders"

  network_acls {
    default_action = "Deny"
    ip_rules       = ["203.0.113.0/24"]
  }
}

resource "azurerm_app_configuration" "orders" {
  name                = "appcs-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "standard"
}

resource "azurerm_private_endpoint" "appcs" {
  name                = "pe-appcs-orders"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/snet-endpoints"

  private_service_connection {
    name                           = "appcs-orders"
    private_connection_resource_id = azurerm_app_configuration.orders.id
    subresource_names              = ["configurationStores"]
    is_manual_connection           = false
  }
}

resource "azurerm_app_configuration" "disabled" {
  name                  = "appcs-disabled"
  location              = "westeurope"
  resource_group_name   = "rg"
  sku                   = "standard"
  public_network_access = "Disabled"
}
