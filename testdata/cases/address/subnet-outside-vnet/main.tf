# VNL501: subnet prefixes outside their VNet, and static IPs outside their subnet or on one of
# its reserved addresses (spec §8 edge case 34).
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16", "10.2.0.0/24"]
}

# Inside the address space: fine.
resource "azurerm_subnet" "inside" {
  name                 = "snet-inside"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.5.0/24"]
}

resource "azurerm_subnet" "outside" {
  name                 = "snet-outside"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes = [
    "10.0.3.0/24",
    "10.1.3.0/24", # expect: VNL501
  ]
}

# Straddles the end of 10.2.0.0/24: partly outside.
resource "azurerm_subnet" "straddle" {
  name                 = "snet-straddle"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.2.0.0/23"] # expect: VNL501
}

# A VNet whose address space is partly unknown: no verdict on its subnets.
variable "extra_range" {
  type = string
}

resource "azurerm_virtual_network" "partial" {
  name                = "vnet-partial"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.50.0.0/16", var.extra_range]
}

resource "azurerm_subnet" "maybe" {
  name                 = "snet-maybe"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.partial.name
  address_prefixes     = ["10.51.0.0/24"]
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "app" {
  name                = "nsg-app"
  location            = "westeurope"
  resource_group_name = "rg"
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}

resource "azurerm_network_interface" "vm" {
  name                = "nic-vm"
  location            = "westeurope"
  resource_group_name = "rg"

  # The first usable host: fine.
  ip_configuration {
    name                          = "first-usable"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.4"
  }

  # x.3 is an Azure DNS address.
  ip_configuration {
    name                          = "reserved-dns"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.3" # expect: VNL501
  }

  # The last address of the subnet.
  ip_configuration {
    name                          = "reserved-last"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.1.255" # expect: VNL501
  }

  ip_configuration {
    name                          = "outside"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.0.2.10" # expect: VNL501
  }

  # Dynamic: Azure ignores the written address and picks a free one.
  ip_configuration {
    name                          = "dynamic"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Dynamic"
    private_ip_address            = "10.0.1.1"
  }
}

# A private endpoint's fixed address follows the same rule.
resource "azurerm_private_endpoint" "sql" {
  name                = "pe-sql"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.app.id

  private_service_connection {
    name                           = "sql"
    private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-main"
    subresource_names              = ["sqlServer"]
    is_manual_connection           = false
  }

  ip_configuration {
    name               = "sql"
    private_ip_address = "10.0.1.2" # expect: VNL501
    subresource_name   = "sqlServer"
    member_name        = "sqlServer"
  }
}
