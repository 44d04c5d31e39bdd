//! Data and secret stores other than SQL servers and storage accounts (those are `paas`'s):
//! `Microsoft.DBforPostgreSQL`, `DBforMySQL` and `DBforMariaDB` servers, Synapse workspaces,
//! Redis caches, Cosmos DB accounts, key vaults, container registries, Event Hubs and Service Bus
//! namespaces (with their `networkRuleSets` children), search services, Cognitive Services
//! accounts and App Configuration stores, and the `firewallRules` children of those that have
//! them, nested or written as `server/rule`.
//!
//! One table says where each type writes what, as the Terraform frontend's does for azurerm;
//! what a setting means and what it is when not written are `vnetlint_ir::ServiceKind`'s and
//! `Network::fill_service_defaults`'.

use vnetlint_ir::{Allocate, DataService, ElementId, Network, ServiceFirewallRule, ServiceKind};

use super::Resource;
use super::read::{Targets, boolean, comma_list, enabled, items, string};
use crate::value::Value;

/// A resource type (lowercase) that lowers to a `DataService`, and where its properties hold
/// its network settings.
struct ServiceType {
    resource_type: &'static str,
    kind: ServiceKind,
    /// The path of `publicNetworkAccess`.
    public_access: &'static [&'static str],
    /// The path of the id of the subnet the service is deployed into; empty when it has none.
    delegated_subnet: &'static [&'static str],
    rules: Rules,
    /// The array of admitted addresses and where each item holds its address.
    ip_rules: Items,
    /// The array of virtual network rules and where each item holds its subnet's id.
    subnets: Items,
    /// The start and end properties of its `firewallRules` children, if it has them.
    firewall_rules: Option<(&'static str, &'static str)>,
}

/// Where a service's network rules are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rules {
    /// Nowhere (the database servers, Redis, App Configuration).
    None,
    /// In the object at a path of the properties (`networkAcls`); an empty path: the
    /// properties themselves.
    At(&'static [&'static str]),
    /// In the properties of a `networkRuleSets` child resource (Event Hubs, Service Bus).
    Child,
}

/// An array property and the path of the value in each of its items.
type Items = Option<(&'static str, &'static [&'static str])>;

const VALUE: &[&str] = &["value"];
const ID: &[&str] = &["id"];

/// A database server with `firewallRules` children; each entry sets its own type and kind.
const DATABASE: ServiceType = ServiceType {
    resource_type: "",
    kind: ServiceKind::PostgresSingle,
    public_access: &["publicNetworkAccess"],
    delegated_subnet: &[],
    rules: Rules::None,
    ip_rules: None,
    subnets: None,
    firewall_rules: Some(("startIpAddress", "endIpAddress")),
};

/// A flexible server: its network settings are under `network`.
const FLEXIBLE: ServiceType = ServiceType {
    public_access: &["network", "publicNetworkAccess"],
    delegated_subnet: &["network", "delegatedSubnetResourceId"],
    ..DATABASE
};

/// A store whose network rules are an object with a default action, IP rules (`value`) and
/// virtual network rules (`id`), at the path each entry sets.
const ACL: ServiceType = ServiceType {
    rules: Rules::At(&[]),
    ip_rules: Some(("ipRules", VALUE)),
    subnets: Some(("virtualNetworkRules", ID)),
    firewall_rules: None,
    ..DATABASE
};

/// An Event Hubs or Service Bus namespace: its network rules are a `networkRuleSets` child.
const NAMESPACE: ServiceType = ServiceType {
    rules: Rules::Child,
    ip_rules: Some(("ipRules", &["ipMask"])),
    subnets: Some(("virtualNetworkRules", &["subnet", "id"])),
    ..ACL
};

const SERVICES: &[ServiceType] = &[
    ServiceType {
        resource_type: "microsoft.dbforpostgresql/servers",
        kind: ServiceKind::PostgresSingle,
        ..DATABASE
    },
    ServiceType {
        resource_type: "microsoft.dbforpostgresql/flexibleservers",
        kind: ServiceKind::PostgresFlexible,
        ..FLEXIBLE
    },
    ServiceType {
        resource_type: "microsoft.dbformysql/servers",
        kind: ServiceKind::MySqlSingle,
        ..DATABASE
    },
    ServiceType {
        resource_type: "microsoft.dbformysql/flexibleservers",
        kind: ServiceKind::MySqlFlexible,
        ..FLEXIBLE
    },
    ServiceType {
        resource_type: "microsoft.dbformariadb/servers",
        kind: ServiceKind::MariaDb,
        ..DATABASE
    },
    ServiceType {
        resource_type: "microsoft.synapse/workspaces",
        kind: ServiceKind::Synapse,
        ..DATABASE
    },
    ServiceType {
        resource_type: "microsoft.cache/redis",
        kind: ServiceKind::Redis,
        delegated_subnet: &["subnetId"],
        firewall_rules: Some(("startIP", "endIP")),
        ..DATABASE
    },
    ServiceType {
        resource_type: "microsoft.appconfiguration/configurationstores",
        kind: ServiceKind::AppConfiguration,
        firewall_rules: None,
        ..DATABASE
    },
    ServiceType {
        resource_type: "microsoft.documentdb/databaseaccounts",
        kind: ServiceKind::CosmosDb,
        ip_rules: Some(("ipRules", &["ipAddressOrRange"])),
        ..ACL
    },
    ServiceType {
        resource_type: "microsoft.search/searchservices",
        kind: ServiceKind::Search,
        rules: Rules::At(&["networkRuleSet"]),
        subnets: None,
        ..ACL
    },
    ServiceType {
        resource_type: "microsoft.keyvault/vaults",
        kind: ServiceKind::KeyVault,
        rules: Rules::At(&["networkAcls"]),
        ..ACL
    },
    ServiceType {
        resource_type: "microsoft.cognitiveservices/accounts",
        kind: ServiceKind::CognitiveServices,
        rules: Rules::At(&["networkAcls"]),
        ..ACL
    },
    ServiceType {
        resource_type: "microsoft.containerregistry/registries",
        kind: ServiceKind::ContainerRegistry,
        rules: Rules::At(&["networkRuleSet"]),
        ..ACL
    },
    ServiceType {
        resource_type: "microsoft.eventhub/namespaces",
        kind: ServiceKind::EventHubs,
        ..NAMESPACE
    },
    ServiceType {
        resource_type: "microsoft.servicebus/namespaces",
        kind: ServiceKind::ServiceBus,
        ..NAMESPACE
    },
];

/// The service type a child resource type (lowercase) belongs to, with the child's last type
/// segment (`firewallrules`, `networkrulesets`).
fn child_of(rtype: &str) -> Option<(&'static ServiceType, &str)> {
    let (parent, child) = rtype.rsplit_once('/')?;
    let ty = SERVICES.iter().find(|ty| ty.resource_type == parent)?;
    Some((ty, child))
}

/// The element a data service or firewall rule resource type (lowercase) lowers to.
pub(super) fn allocator(rtype: &str) -> Option<Allocate> {
    if let Some(ty) = SERVICES.iter().find(|ty| ty.resource_type == rtype) {
        return Some(ty.kind.allocate_service());
    }
    match child_of(rtype)? {
        (ty, "firewallrules") if ty.firewall_rules.is_some() => Some(ty.kind.allocate_rule()),
        _ => None,
    }
}

/// Whether a resource type (lowercase) is a `networkRuleSets` child of a namespace.
pub(super) fn is_rule_set(rtype: &str) -> bool {
    child_of(rtype)
        .is_some_and(|(ty, child)| ty.rules == Rules::Child && child == "networkrulesets")
}

/// A data service: its public network switch, the subnet it is deployed into and its network
/// rules.
pub(super) fn data_service(resource: &Resource<'_>, service: &mut DataService) {
    let Some(ty) = SERVICES.iter().find(|ty| ty.kind == service.kind) else {
        return;
    };
    service.public_network_access = enabled(resource.get(ty.public_access));
    if !ty.delegated_subnet.is_empty() {
        service.delegated_subnet = resource.link(ty.delegated_subnet);
    }
    service.virtual_network_filter = boolean(resource.get(&["isVirtualNetworkFilterEnabled"]));
    if let Rules::At(path) = ty.rules
        && let Some(rules) = resource.get(path)
    {
        fill_rules(ty, resource.targets, rules, service);
    }
}

/// A `networkRuleSets` child of an Event Hubs or Service Bus namespace: the network rules of
/// its parent.
pub(super) fn network_rule_set(resource: &Resource<'_>, network: &mut Network) {
    let Some(ElementId::DataService(id)) = resource.parent_element() else {
        return;
    };
    let service = &mut network[id];
    if let Some(ty) = SERVICES.iter().find(|ty| ty.kind == service.kind) {
        fill_rules(ty, resource.targets, &resource.properties, service);
    }
}

/// The network rules of a service from the object that holds them.
fn fill_rules(ty: &ServiceType, targets: &Targets, rules: &Value, service: &mut DataService) {
    service.default_action = string(rules.get("defaultAction"));
    service.bypass = rules.get("bypass").and_then(comma_list);
    service.ip_rules = ty
        .ip_rules
        .and_then(|(key, path)| items(rules, key, |item| string(item.path(path))))
        // API versions before 2021 wrote Cosmos DB's filter as one comma-separated string.
        .or_else(|| rules.get("ipRangeFilter").and_then(comma_list));
    service.subnets = ty
        .subnets
        .and_then(|(key, path)| items(rules, key, |item| targets.link(item.path(path))));
}

/// A `firewallRules` child of a data service, whose service is its parent.
pub(super) fn firewall_rule(resource: &Resource<'_>, rule: &mut ServiceFirewallRule) {
    let Some((start, end)) = SERVICES
        .iter()
        .find(|ty| ty.kind == rule.kind)
        .and_then(|ty| ty.firewall_rules)
    else {
        return;
    };
    rule.service = Some(resource.parent());
    rule.start_ip = string(resource.get(&[start]));
    rule.end_ip = string(resource.get(&[end]));
}
