# Spec routing §10 cases 11 and 12: security admin rules are evaluated before every NSG.
# - vnet-guarded is in a network group whose committed configuration denies SSH from the
#   Internet and always allows RDP: the NSG's allow of SSH from anywhere exposes nothing, and
#   RDP arrives although the NSG denies it (VNL106: the NSG's deny of RDP from the Internet never
#   decides anything; VNL101 at the admin rule: RDP is exposed through pip-guarded).
# - vnet-uncommitted is in a group whose configuration no deployment commits: its rules are not
#   in force, so the NSG's allow of SSH is an exposure again.

resource "azurerm_virtual_network" "guarded" {
  name          = "vnet-guarded"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_virtual_network" "uncommitted" {
  name          = "vnet-uncommitted"
  address_space = ["10.2.0.0/16"]
}

resource "azurerm_subnet" "guarded" {
  name                 = "snet-guarded"
  virtual_network_name = azurerm_virtual_network.guarded.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_subnet" "uncommitted" {
  name                 = "snet-uncommitted"
  virtual_network_name = azurerm_virtual_network.uncommitted.name
  address_prefixes     = ["10.2.1.0/24"]
}

resource "azurerm_network_security_group" "guarded" {
  name = "nsg-guarded"

  security_rule {
    name                       = "allow-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-rdp" # expect: VNL106
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "uncommitted" {
  name = "nsg-uncommitted"

  security_rule {
    name                       = "allow-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22" # expect: VNL101
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "guarded" {
  subnet_id                 = azurerm_subnet.guarded.id
  network_security_group_id = azurerm_network_security_group.guarded.id
}

resource "azurerm_subnet_network_security_group_association" "uncommitted" {
  subnet_id                 = azurerm_subnet.uncommitted.id
  network_security_group_id = azurerm_network_security_group.uncommitted.id
}

resource "azurerm_public_ip" "guarded" {
  name              = "pip-guarded"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_public_ip" "uncommitted" {
  name              = "pip-uncommitted"
  allocation_method = "Static"
  sku               = "Standard"
}

resource "azurerm_network_interface" "guarded" {
  name = "nic-guarded"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.guarded.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.1.4"
    public_ip_address_id          = azurerm_public_ip.guarded.id
  }
}

resource "azurerm_network_interface" "uncommitted" {
  name = "nic-uncommitted"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.uncommitted.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.2.1.4"
    public_ip_address_id          = azurerm_public_ip.uncommitted.id
  }
}

resource "azurerm_network_manager" "main" {
  name           = "avnm-main"
  scope_accesses = ["SecurityAdmin"]
}

resource "azurerm_network_manager_network_group" "guarded" {
  name               = "guarded"
  network_manager_id = azurerm_network_manager.main.id
}

resource "azurerm_network_manager_network_group" "uncommitted" {
  name               = "uncommitted"
  network_manager_id = azurerm_network_manager.main.id
}

resource "azurerm_network_manager_static_member" "guarded" {
  name                      = "guarded"
  network_group_id          = azurerm_network_manager_network_group.guarded.id
  target_virtual_network_id = azurerm_virtual_network.guarded.id
}

resource "azurerm_network_manager_static_member" "uncommitted" {
  name                      = "uncommitted"
  network_group_id          = azurerm_network_manager_network_group.uncommitted.id
  target_virtual_network_id = azurerm_virtual_network.uncommitted.id
}

resource "azurerm_network_manager_security_admin_configuration" "committed" {
  name               = "committed"
  network_manager_id = azurerm_network_manager.main.id
}

resource "azurerm_network_manager_security_admin_configuration" "draft" {
  name               = "draft"
  network_manager_id = azurerm_network_manager.main.id
}

resource "azurerm_network_manager_admin_rule_collection" "committed" {
  name                            = "guardrails"
  security_admin_configuration_id = azurerm_network_manager_security_admin_configuration.committed.id
  network_group_ids               = [azurerm_network_manager_network_group.guarded.id]
}

resource "azurerm_network_manager_admin_rule_collection" "draft" {
  name                            = "guardrails-draft"
  security_admin_configuration_id = azurerm_network_manager_security_admin_configuration.draft.id
  network_group_ids               = [azurerm_network_manager_network_group.uncommitted.id]
}

resource "azurerm_network_manager_admin_rule" "deny_ssh" {
  name                     = "deny-ssh-from-internet"
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.committed.id
  action                   = "Deny"
  direction                = "Inbound"
  priority                 = 10
  protocol                 = "Tcp"
  destination_port_ranges  = ["22"]

  source {
    address_prefix_type = "ServiceTag"
    address_prefix      = "Internet"
  }
}

resource "azurerm_network_manager_admin_rule" "always_rdp" {
  name                     = "always-allow-rdp" # expect: VNL101
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.committed.id
  action                   = "AlwaysAllow"
  direction                = "Inbound"
  priority                 = 20
  protocol                 = "Tcp"
  destination_port_ranges  = ["3389"]

  source {
    address_prefix_type = "ServiceTag"
    address_prefix      = "Internet"
  }
}

resource "azurerm_network_manager_admin_rule" "draft_deny_ssh" {
  name                     = "deny-ssh-draft"
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.draft.id
  action                   = "Deny"
  direction                = "Inbound"
  priority                 = 10
  protocol                 = "Tcp"
  destination_port_ranges  = ["22"]

  source {
    address_prefix_type = "ServiceTag"
    address_prefix      = "Internet"
  }
}

resource "azurerm_network_manager_deployment" "security" {
  network_manager_id = azurerm_network_manager.main.id
  location           = "westeurope"
  scope_access       = "SecurityAdmin"
  configuration_ids  = [azurerm_network_manager_security_admin_configuration.committed.id]
}
