//! Data and secret stores other than SQL servers and storage accounts (those are `paas`'s):
//! PostgreSQL, MySQL and MariaDB servers, Synapse workspaces, Redis caches, Cosmos DB accounts,
//! key vaults, container registries, Event Hubs and Service Bus namespaces, search services,
//! Cognitive Services accounts and App Configuration stores, with their firewall rules.
//!
//! Two tables say which attributes hold what; what a setting means and what it is when not
//! written are `vnetlint_ir::ServiceKind`'s and `Network::fill_service_defaults`'. Adding a
//! service is one table entry here, one in the ARM frontend and one `ServiceKind`.

use vnetlint_ir::{
    Allocate, Attr, DataService, DataServiceId, Network, ServiceFirewallRule, ServiceKind,
};

use super::read::Block;

/// A resource type that lowers to a `DataService`, and where it writes its network rules.
struct ServiceType {
    resource_type: &'static str,
    kind: ServiceKind,
    /// The nested block holding the network rules (`network_acls`); `None` when they are
    /// attributes of the resource itself.
    rules_block: Option<&'static str>,
    ip_rules: Items,
    subnets: Items,
}

/// How a list of admitted addresses or subnets is written.
#[derive(Clone, Copy)]
enum Items {
    /// Not at all.
    None,
    /// A list attribute (for addresses, also a comma-separated string, as older providers
    /// wrote Cosmos DB's `ip_range_filter`).
    List(&'static str),
    /// An attribute of each nested block of a type (`ip_rule { ip_mask = ... }`).
    Blocks(&'static str, &'static str),
}

/// A service whose network settings are its public network switch (and, for some, firewall
/// rules, which are separate resources); each entry sets its own type and kind.
const SWITCH_ONLY: ServiceType = ServiceType {
    resource_type: "",
    kind: ServiceKind::AppConfiguration,
    rules_block: None,
    ip_rules: Items::None,
    subnets: Items::None,
};

const SERVICES: &[ServiceType] = &[
    ServiceType {
        resource_type: "azurerm_postgresql_server",
        kind: ServiceKind::PostgresSingle,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_postgresql_flexible_server",
        kind: ServiceKind::PostgresFlexible,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_mysql_server",
        kind: ServiceKind::MySqlSingle,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_mysql_flexible_server",
        kind: ServiceKind::MySqlFlexible,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_mariadb_server",
        kind: ServiceKind::MariaDb,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_synapse_workspace",
        kind: ServiceKind::Synapse,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_redis_cache",
        kind: ServiceKind::Redis,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_app_configuration",
        kind: ServiceKind::AppConfiguration,
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_cosmosdb_account",
        kind: ServiceKind::CosmosDb,
        ip_rules: Items::List("ip_range_filter"),
        subnets: Items::Blocks("virtual_network_rule", "id"),
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_search_service",
        kind: ServiceKind::Search,
        ip_rules: Items::List("allowed_ips"),
        ..SWITCH_ONLY
    },
    ServiceType {
        resource_type: "azurerm_key_vault",
        kind: ServiceKind::KeyVault,
        rules_block: Some("network_acls"),
        ip_rules: Items::List("ip_rules"),
        subnets: Items::List("virtual_network_subnet_ids"),
    },
    ServiceType {
        resource_type: "azurerm_cognitive_account",
        kind: ServiceKind::CognitiveServices,
        rules_block: Some("network_acls"),
        ip_rules: Items::List("ip_rules"),
        subnets: Items::Blocks("virtual_network_rules", "subnet_id"),
    },
    // azurerm 3 also wrote `virtual_network { subnet_id }` blocks; 4 dropped them.
    ServiceType {
        resource_type: "azurerm_container_registry",
        kind: ServiceKind::ContainerRegistry,
        rules_block: Some("network_rule_set"),
        ip_rules: Items::Blocks("ip_rule", "ip_range"),
        subnets: Items::Blocks("virtual_network", "subnet_id"),
    },
    ServiceType {
        resource_type: "azurerm_eventhub_namespace",
        kind: ServiceKind::EventHubs,
        rules_block: Some("network_rulesets"),
        ip_rules: Items::Blocks("ip_rule", "ip_mask"),
        subnets: Items::Blocks("virtual_network_rule", "subnet_id"),
    },
    ServiceType {
        resource_type: "azurerm_servicebus_namespace",
        kind: ServiceKind::ServiceBus,
        rules_block: Some("network_rule_set"),
        ip_rules: Items::List("ip_rules"),
        subnets: Items::Blocks("network_rules", "subnet_id"),
    },
];

/// A firewall rule resource type and the attributes that name its service and its range.
struct RuleType {
    resource_type: &'static str,
    kind: ServiceKind,
    /// The attribute naming the service, and whether it holds the service's id or its name.
    service: &'static str,
    by_name: bool,
    start: &'static str,
    end: &'static str,
}

/// A rule with the usual `start_ip_address` and `end_ip_address`, naming its server by name;
/// each entry sets its own type and kind.
const BY_SERVER_NAME: RuleType = RuleType {
    resource_type: "",
    kind: ServiceKind::PostgresSingle,
    service: "server_name",
    by_name: true,
    start: "start_ip_address",
    end: "end_ip_address",
};

const RULES: &[RuleType] = &[
    RuleType {
        resource_type: "azurerm_postgresql_firewall_rule",
        kind: ServiceKind::PostgresSingle,
        ..BY_SERVER_NAME
    },
    RuleType {
        resource_type: "azurerm_postgresql_flexible_server_firewall_rule",
        kind: ServiceKind::PostgresFlexible,
        service: "server_id",
        by_name: false,
        ..BY_SERVER_NAME
    },
    RuleType {
        resource_type: "azurerm_mysql_firewall_rule",
        kind: ServiceKind::MySqlSingle,
        ..BY_SERVER_NAME
    },
    RuleType {
        resource_type: "azurerm_mysql_flexible_server_firewall_rule",
        kind: ServiceKind::MySqlFlexible,
        ..BY_SERVER_NAME
    },
    RuleType {
        resource_type: "azurerm_mariadb_firewall_rule",
        kind: ServiceKind::MariaDb,
        ..BY_SERVER_NAME
    },
    RuleType {
        resource_type: "azurerm_synapse_firewall_rule",
        kind: ServiceKind::Synapse,
        service: "synapse_workspace_id",
        by_name: false,
        ..BY_SERVER_NAME
    },
    RuleType {
        resource_type: "azurerm_redis_firewall_rule",
        kind: ServiceKind::Redis,
        service: "redis_cache_name",
        start: "start_ip",
        end: "end_ip",
        ..BY_SERVER_NAME
    },
];

/// The element a data service or firewall rule resource type lowers to.
pub(super) fn allocator(rtype: &str) -> Option<Allocate> {
    let service = SERVICES.iter().find(|ty| ty.resource_type == rtype);
    let rule = || RULES.iter().find(|ty| ty.resource_type == rtype);
    service
        .map(|ty| ty.kind.allocate_service())
        .or_else(|| rule().map(|ty| ty.kind.allocate_rule()))
}

/// A data service: its public network switch, the subnet it is deployed into and its network
/// rules.
pub(super) fn data_service(block: &Block<'_, '_, '_>, service: &mut DataService) {
    let Some(ty) = SERVICES.iter().find(|ty| ty.kind == service.kind) else {
        return;
    };
    // A bool in most resources; `Enabled`/`Disabled` in App Configuration and, from azurerm 4,
    // MySQL flexible servers.
    service.public_network_access = block
        .bool("public_network_access_enabled")
        .or_else(|| block.enabled("public_network_access"));
    service.delegated_subnet = block
        .link("delegated_subnet_id")
        .or_else(|| block.link("subnet_id"));
    service.virtual_network_filter = block.bool("is_virtual_network_filter_enabled");
    let Some(name) = ty.rules_block else {
        return fill_rules(ty, block, service);
    };
    if let Some(rules) = block.first_block(name) {
        fill_rules(ty, &rules, service);
        // Event Hubs and Service Bus repeat the switch in their rule set.
        if service.public_network_access.is_none() {
            service.public_network_access = rules.bool("public_network_access_enabled");
        }
    }
}

/// `azurerm_servicebus_namespace_network_rule_set` (before azurerm 4): the network rules of a
/// namespace that does not write its own (the first setting wins, as for associations). Its
/// attributes are those of the namespace's `network_rule_set` block.
pub(super) fn namespace_network_rule_set(block: &Block<'_, '_, '_>, network: &mut Network) {
    let namespace = block.link::<DataServiceId>("namespace_id");
    let Some(&namespace) = namespace.as_ref().and_then(Attr::get) else {
        return;
    };
    let service = &mut network[namespace];
    let ty = SERVICES.iter().find(|ty| ty.kind == service.kind);
    if let Some(ty) = ty.filter(|ty| ty.kind == ServiceKind::ServiceBus)
        && service.default_action.is_none()
    {
        fill_rules(ty, block, service);
        if service.public_network_access.is_none() {
            service.public_network_access = block.bool("public_network_access_enabled");
        }
    }
}

/// The network rules of a service, in its own block or a nested one.
fn fill_rules(ty: &ServiceType, rules: &Block<'_, '_, '_>, service: &mut DataService) {
    service.default_action = rules.string("default_action");
    service.bypass = rules.string_list("bypass");
    service.ip_rules = match ty.ip_rules {
        Items::None => None,
        Items::List(key) => rules.string_list(key),
        Items::Blocks(name, key) => rules.nested(name, |item| item.string(key)),
    };
    service.subnets = match ty.subnets {
        Items::None => None,
        Items::List(key) => rules.link_list(key),
        Items::Blocks(name, key) => rules.nested(name, |item| item.link(key)),
    };
}

/// A firewall rule of a data service, linked to its service by id or by name.
pub(super) fn firewall_rule(block: &Block<'_, '_, '_>, rule: &mut ServiceFirewallRule) {
    let Some(ty) = RULES.iter().find(|ty| ty.kind == rule.kind) else {
        return;
    };
    rule.service = if ty.by_name {
        block.name_link(ty.service)
    } else {
        block.link(ty.service)
    };
    rule.start_ip = block.string(ty.start);
    rule.end_ip = block.string(ty.end);
}
