# The SQL Server VM in the backend subnet, with a public IP for "convenience".

resource "azurerm_public_ip" "sql" {
  name                = "pip-sql"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
}

resource "azurerm_network_interface" "sql" {
  name                = "nic-sql"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.backend.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.10.2.4"
    public_ip_address_id          = azurerm_public_ip.sql.id
  }
}

resource "azurerm_windows_virtual_machine" "sql" {
  name                  = "vm-sql"
  location              = azurerm_resource_group.main.location
  resource_group_name   = azurerm_resource_group.main.name
  size                  = "Standard_D4s_v5"
  admin_username        = "sqladmin"
  admin_password        = "ChangeMe-Use-KeyVault-1"
  network_interface_ids = [azurerm_network_interface.sql.id]

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "MicrosoftSQLServer"
    offer     = "sql2022-ws2022"
    sku       = "standard-gen2"
    version   = "latest"
  }
}
