//! Lowering of the data services other than SQL and storage: their kind, the provider's
//! defaults marked as such (pointing at the block), the subnet that turns public access off by
//! default, network rules in their nested block or on the resource, azurerm 3's comma-separated
//! `ip_range_filter`, and firewall rules linked to their service by id or by name.

use vnetlint_ir::{Attr, AttrList, DataService, DataServiceId, Network, Origin, ServiceKind, Span};
use vnetlint_source::SourceMap;
use vnetlint_terraform::lower_module;

const MAIN: &str = r#"
resource "azurerm_postgresql_flexible_server" "vnet" {
  name                = "psql-vnet"
  delegated_subnet_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "office" {
  server_id        = azurerm_postgresql_flexible_server.vnet.id
  name             = "office"
  start_ip_address = "203.0.113.0"
  end_ip_address   = "203.0.113.255"
}

resource "azurerm_redis_cache" "cache" {
  name = "redis-cache"
}

resource "azurerm_redis_firewall_rule" "office" {
  name             = "office"
  redis_cache_name = "redis-cache"
  start_ip         = "203.0.113.0"
  end_ip           = "203.0.113.255"
}

resource "azurerm_cosmosdb_account" "legacy" {
  name            = "cosmos-legacy"
  ip_range_filter = "0.0.0.0, 203.0.113.0/24"
}

resource "azurerm_eventhub_namespace" "events" {
  name = "evhns-events"

  network_rulesets {
    default_action                = "Deny"
    public_network_access_enabled = false

    ip_rule {
      ip_mask = "203.0.113.0/24"
    }
  }
}

resource "azurerm_key_vault" "vault" {
  name = "kv-vault"
}
"#;

fn lower() -> (SourceMap, Network) {
    let mut sources = SourceMap::new();
    let file = sources.add("main.tf", MAIN);
    let network = lower_module(&sources, &[file], "").network;
    (sources, network)
}

fn service<'n>(network: &'n Network, name: &str) -> &'n DataService {
    network
        .data_services
        .iter()
        .find(|service| service.meta.display_name() == name)
        .unwrap_or_else(|| panic!("no service named {name}"))
}

fn value(attr: Option<&Attr<String>>) -> Option<&str> {
    attr.and_then(Attr::get).map(String::as_str)
}

fn strings(list: Option<&AttrList<String>>) -> Vec<&str> {
    list.and_then(Attr::get)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get().map(String::as_str))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn data_services_are_lowered_with_their_defaults_and_rules() {
    let (sources, network) = lower();
    let text = |span: Span| sources.get(span.file).slice(span.range).to_owned();

    // A flexible server in a delegated subnet: public access off by default, at the block.
    let psql = service(&network, "psql-vnet");
    assert_eq!(psql.kind, ServiceKind::PostgresFlexible);
    let access = psql.public_network_access.as_ref().expect("a default");
    assert_eq!(access.get(), Some(&false));
    assert_eq!(access.origin, Origin::Default);
    assert_eq!(access.span, psql.meta.span);

    // A Redis cache: on by default; no default action, as its firewall has none.
    let redis = service(&network, "redis-cache");
    assert_eq!(redis.kind, ServiceKind::Redis);
    assert_eq!(
        redis.public_network_access.as_ref().and_then(Attr::get),
        Some(&true)
    );
    assert!(redis.default_action.is_none());

    // Firewall rules link by id and by a literal name.
    let linked: Vec<(ServiceKind, Option<DataServiceId>)> = network
        .service_firewall_rules
        .iter()
        .map(|rule| {
            (
                rule.kind,
                rule.service.as_ref().and_then(Attr::get).copied(),
            )
        })
        .collect();
    let id_of = |name: &str| {
        network
            .iter_data_services()
            .find(|(_, service)| service.meta.display_name() == name)
            .map(|(id, _)| id)
    };
    assert_eq!(
        linked,
        [
            (ServiceKind::PostgresFlexible, id_of("psql-vnet")),
            (ServiceKind::Redis, id_of("redis-cache")),
        ]
    );
    let redis_rule = &network.service_firewall_rules[1];
    assert_eq!(
        text(redis_rule.start_ip.as_ref().unwrap().span),
        "\"203.0.113.0\""
    );

    // azurerm 3's comma-separated filter: one item per address, each at the whole string.
    let cosmos = service(&network, "cosmos-legacy");
    assert_eq!(
        strings(cosmos.ip_rules.as_ref()),
        ["0.0.0.0", "203.0.113.0/24"]
    );
    let first = &cosmos.ip_rules.as_ref().and_then(Attr::get).unwrap()[0];
    assert_eq!(text(first.span), "\"0.0.0.0, 203.0.113.0/24\"");

    // Event Hubs: the rules and the switch from the nested rule set.
    let events = service(&network, "evhns-events");
    assert_eq!(value(events.default_action.as_ref()), Some("Deny"));
    assert_eq!(strings(events.ip_rules.as_ref()), ["203.0.113.0/24"]);
    assert_eq!(
        events.public_network_access.as_ref().and_then(Attr::get),
        Some(&false)
    );

    // A key vault without network rules: default action `Allow`, marked as the default.
    let vault = service(&network, "kv-vault");
    assert_eq!(value(vault.default_action.as_ref()), Some("Allow"));
    assert_eq!(
        vault.default_action.as_ref().unwrap().origin,
        Origin::Default
    );
}
