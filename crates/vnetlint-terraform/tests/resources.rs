//! Lowering of the resources the later checks read: SQL virtual machines, private endpoints,
//! storage network rules (inline and as their own resource), ExpressRoute circuits and
//! `azurerm_virtual_network_dns_servers`, each with the span of the value it came from.

use vnetlint_ir::{Attr, ElementId, Origin};
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::lower_module;

const MAIN: &str = r#"
resource "azurerm_virtual_network" "main" {
  name                = "vnet-main"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network_dns_servers" "main" {
  virtual_network_id = azurerm_virtual_network.main.id
  dns_servers        = ["10.0.3.4", "10.0.3.5"]
}

resource "azurerm_subnet" "data" {
  name                 = "snet-data"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.4.0/24"]
}

resource "azurerm_windows_virtual_machine" "sql" {
  name                  = "vm-sql"
  location              = "westeurope"
  resource_group_name   = "rg"
  size                  = "Standard_D4s_v5"
  admin_username        = "sqladmin"
  network_interface_ids = []
}

resource "azurerm_mssql_virtual_machine" "sql" {
  virtual_machine_id    = azurerm_windows_virtual_machine.sql.id
  sql_connectivity_port = 1533
  sql_connectivity_type = "PUBLIC"
}

resource "azurerm_mssql_virtual_machine" "defaults" {
  virtual_machine_id = azurerm_windows_virtual_machine.sql.id
}

resource "azurerm_storage_account" "logs" {
  name                          = "stlogs"
  resource_group_name           = "rg"
  location                      = "westeurope"
  account_tier                  = "Standard"
  account_replication_type      = "LRS"
  public_network_access_enabled = false

  network_rules {
    default_action             = "Deny"
    bypass                     = ["AzureServices"]
    ip_rules                   = ["198.51.100.0/24"]
    virtual_network_subnet_ids = [azurerm_subnet.data.id]
  }
}

resource "azurerm_storage_account" "open" {
  name                     = "stopen"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_storage_account_network_rules" "open" {
  storage_account_id = azurerm_storage_account.open.id
  default_action     = "Deny"
  ip_rules           = ["203.0.113.7"]
}

resource "azurerm_private_endpoint" "sql" {
  name                = "pe-sql"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = azurerm_subnet.data.id

  private_service_connection {
    name                           = "sql"
    private_connection_resource_id = azurerm_windows_virtual_machine.sql.id
    subresource_names              = ["sqlServer"]
    is_manual_connection           = false
  }

  ip_configuration {
    name               = "static"
    private_ip_address = "10.0.4.10"
    subresource_name   = "sqlServer"
  }
}

resource "azurerm_express_route_circuit" "er" {
  name                  = "er-main"
  resource_group_name   = "rg"
  location              = "westeurope"
  service_provider_name = "Equinix"
  peering_location      = "Amsterdam"
  bandwidth_in_mbps     = 50

  sku {
    tier   = "Standard"
    family = "MeteredData"
  }
}
"#;

fn strings(attr: Option<&vnetlint_ir::AttrList<String>>) -> Vec<String> {
    attr.and_then(Attr::get)
        .map(|items| items.iter().filter_map(|i| i.get().cloned()).collect())
        .unwrap_or_default()
}

#[test]
fn resources_the_checks_read_are_lowered_with_spans() {
    let mut sources = SourceMap::new();
    let file: FileId = sources.add("main.tf", MAIN);
    let lowered = lower_module(&sources, &[file], "");
    let net = &lowered.network;
    let text = |span: vnetlint_ir::Span| sources.get(span.file).slice(span.range).to_owned();

    // azurerm_virtual_network_dns_servers sets the VNet's servers.
    let vnet = &net.vnets[0];
    assert_eq!(strings(vnet.dns_servers.as_ref()), ["10.0.3.4", "10.0.3.5"]);
    assert_eq!(
        text(vnet.dns_servers.as_ref().unwrap().span),
        r#"["10.0.3.4", "10.0.3.5"]"#
    );

    // SQL VM settings, with the provider's defaults marked as such.
    assert_eq!(net.sql_virtual_machines.len(), 2);
    let sql = &net.sql_virtual_machines[0];
    assert_eq!(
        sql.port.as_ref().and_then(Attr::get).map(String::as_str),
        Some("1533")
    );
    assert_eq!(text(sql.port.as_ref().unwrap().span), "1533");
    assert_eq!(
        sql.connectivity_type
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str),
        Some("PUBLIC")
    );
    assert!(
        sql.vm.as_ref().and_then(Attr::get).is_some(),
        "linked to the VM"
    );
    let defaults = &net.sql_virtual_machines[1];
    let port = defaults
        .port
        .as_ref()
        .expect("the default port is recorded");
    assert_eq!(port.get().map(String::as_str), Some("1433"));
    assert_eq!(port.origin, Origin::Default);

    // Storage: inline network rules, and the separate network-rules resource.
    let logs = net
        .storage_accounts
        .iter()
        .find(|s| s.meta.display_name() == "stlogs")
        .unwrap();
    assert_eq!(
        logs.public_network_access.as_ref().and_then(Attr::get),
        Some(&false)
    );
    assert_eq!(
        logs.default_action
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str),
        Some("Deny")
    );
    assert_eq!(strings(logs.ip_rules.as_ref()), ["198.51.100.0/24"]);
    assert_eq!(strings(logs.bypass.as_ref()), ["AzureServices"]);
    assert_eq!(
        logs.subnets.as_ref().and_then(Attr::get).map(Vec::len),
        Some(1)
    );
    let open = net
        .storage_accounts
        .iter()
        .find(|s| s.meta.display_name() == "stopen")
        .unwrap();
    assert_eq!(
        open.default_action
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str),
        Some("Deny")
    );
    assert_eq!(strings(open.ip_rules.as_ref()), ["203.0.113.7"]);
    assert_eq!(
        text(open.ip_rules.as_ref().unwrap().span),
        r#"["203.0.113.7"]"#
    );

    // Private endpoint: subnet, symbolic target, sub-resources, static address.
    let pe = &net.private_endpoints[0];
    assert!(matches!(
        net.find("azurerm_subnet.data"),
        Some(ElementId::Subnet(_))
    ));
    assert!(
        pe.subnet.as_ref().and_then(Attr::get).is_some(),
        "linked to its subnet"
    );
    assert!(
        pe.target.is_some(),
        "the connected resource is kept, symbolically"
    );
    assert_eq!(strings(pe.group_ids.as_ref()), ["sqlServer"]);
    assert_eq!(
        pe.private_ip
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str),
        Some("10.0.4.10")
    );

    // ExpressRoute circuit.
    let er = &net.express_route_circuits[0];
    assert_eq!(
        er.service_provider
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str),
        Some("Equinix")
    );
    assert_eq!(
        er.peering_location
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str),
        Some("Amsterdam")
    );
    assert_eq!(
        text(er.peering_location.as_ref().unwrap().span),
        "\"Amsterdam\""
    );
}
