//! Azure Firewall: firewalls with their IP configurations and classic rule collections,
//! firewall policies, their `ruleCollectionGroups` (child or nested resources), and IP groups.

use vnetlint_ir::{
    Attr, AttrList, Element, Firewall, FirewallIpConfiguration, FirewallPolicy, FirewallRule,
    FirewallRuleCollection, FirewallRuleCollectionGroup, FirewallRuleKind, IpGroup, Network,
    RuleCollectionOwner,
};

use super::network::inline;
use super::read::{Targets, comma_list, shape_string, string, strings};
use super::{Resource, props};
use crate::template::name_text;
use crate::value::Value;

pub(super) const RULE_COLLECTION_GROUP: &str =
    "microsoft.network/firewallpolicies/rulecollectiongroups";

/// The classic collection arrays of a firewall, by kind.
const CLASSIC_COLLECTIONS: [(&str, FirewallRuleKind); 3] = [
    ("natRuleCollections", FirewallRuleKind::Nat),
    ("networkRuleCollections", FirewallRuleKind::Network),
    ("applicationRuleCollections", FirewallRuleKind::Application),
];

/// `Microsoft.Network/azureFirewalls`, and a group holding each of its classic collections.
pub(super) fn firewall(
    resource: &Resource<'_>,
    network: &mut Network,
    id: vnetlint_ir::FirewallId,
) {
    let targets = resource.targets;
    let instance = resource.instance;
    let properties = &resource.properties;
    let firewall: &mut Firewall = &mut network[id];
    firewall.sku_tier = string(resource.get(&["sku", "tier"]))
        .or_else(|| string(instance.body.path(&["sku", "tier"])));
    firewall.ip_configurations = inline(properties, "ipConfigurations")
        .iter()
        .enumerate()
        .map(|(index, config)| {
            let config_properties = props(config, config.span);
            let private_ip =
                string(config_properties.get("privateIPAddress")).unwrap_or_else(|| {
                    let attribute =
                        format!("ipConfigurations[{index}].properties.privateIPAddress");
                    FirewallIpConfiguration::assigned_private_ip(
                        &instance.address,
                        &attribute,
                        config.span,
                    )
                });
            FirewallIpConfiguration {
                span: config.span,
                name: config.get("name").and_then(shape_string),
                subnet: targets.link(config_properties.path(&["subnet", "id"])),
                public_ip: targets.link(config_properties.path(&["publicIPAddress", "id"])),
                private_ip: Some(private_ip),
            }
        })
        .collect();
    firewall.management = resource
        .get(&["managementIpConfiguration"])
        .map(|management| Attr::known(true, management.span));
    firewall.policy = resource.link(&["firewallPolicy", "id"]);
    firewall.private_ip_ranges = resource
        .get(&["additionalProperties", "Network.SNAT.PrivateRanges"])
        .and_then(comma_list);
    let owner = RuleCollectionOwner::Firewall(Attr::known(id, instance.span));
    for (key, kind) in CLASSIC_COLLECTIONS {
        for written in inline(properties, key) {
            let name = written.get("name").map(name_text).unwrap_or_default();
            let address = format!("{}/{key}/{name}", instance.address);
            FirewallRuleCollectionGroup {
                meta: super::network::inline_meta(instance, key, written),
                owner: owner.clone(),
                priority: None,
                collections: vec![collection(targets, written, address, Some(kind))],
            }
            .push_into(network);
        }
    }
}

/// `Microsoft.Network/firewallPolicies`.
pub(super) fn policy(resource: &Resource<'_>, policy: &mut FirewallPolicy) {
    policy.base_policy = resource.link(&["basePolicy", "id"]);
    policy.private_ip_ranges = strings(resource.get(&["snat", "privateRanges"]));
}

/// `Microsoft.Network/ipGroups`.
pub(super) fn ip_group(resource: &Resource<'_>, group: &mut IpGroup) {
    group.cidrs = strings(resource.get(&["ipAddresses"]));
}

/// `Microsoft.Network/firewallPolicies/ruleCollectionGroups`, owned by its parent policy.
pub(super) fn rule_collection_group(resource: &Resource<'_>, network: &mut Network) {
    let instance = resource.instance;
    let collections = inline(&resource.properties, "ruleCollections")
        .iter()
        .map(|written| {
            let name = written.get("name").map(name_text).unwrap_or_default();
            let address = format!("{}/ruleCollections/{name}", instance.address);
            collection(resource.targets, written, address, None)
        })
        .collect();
    FirewallRuleCollectionGroup {
        meta: super::meta(instance),
        owner: RuleCollectionOwner::Policy(resource.parent()),
        priority: string(resource.get(&["priority"])),
        collections,
    }
    .push_into(network);
}

/// One rule collection: classic (`kind` given by the array it is in, its fields under
/// `properties`) or of a policy (`ruleCollectionType`, its fields inline).
fn collection(
    targets: &Targets,
    written: &Value,
    address: String,
    kind: Option<FirewallRuleKind>,
) -> FirewallRuleCollection {
    let fields = if kind.is_some() {
        props(written, written.span)
    } else {
        std::borrow::Cow::Borrowed(written)
    };
    let rules = inline(&fields, "rules");
    let kind = kind.unwrap_or_else(|| policy_collection_kind(written, rules));
    let rules = rules
        .iter()
        .map(|rule_value| {
            let name = rule_value.get("name").map(name_text).unwrap_or_default();
            rule(targets, rule_value, format!("{address}/rules/{name}"), kind)
        })
        .collect();
    FirewallRuleCollection {
        span: written.span,
        address,
        name: written.get("name").and_then(shape_string),
        kind,
        priority: string(fields.get("priority")),
        action: string(fields.path(&["action", "type"])),
        rules,
    }
}

/// The kind of a policy collection: a NAT collection, or a filter collection whose rules say
/// whether it filters by network or application rules.
fn policy_collection_kind(collection: &Value, rules: &[Value]) -> FirewallRuleKind {
    let is = |value: Option<&Value>, expected: &str| {
        value
            .and_then(Value::as_str)
            .is_some_and(|text| text.eq_ignore_ascii_case(expected))
    };
    if is(
        collection.get("ruleCollectionType"),
        "FirewallPolicyNatRuleCollection",
    ) {
        FirewallRuleKind::Nat
    } else if rules
        .first()
        .is_some_and(|rule| is(rule.get("ruleType"), "ApplicationRule"))
    {
        FirewallRuleKind::Application
    } else {
        FirewallRuleKind::Network
    }
}

/// One rule of any kind, classic or of a policy (both write the fields inline).
fn rule(targets: &Targets, rule: &Value, address: String, kind: FirewallRuleKind) -> FirewallRule {
    let application = kind == FirewallRuleKind::Application;
    let ip_groups = |key| {
        rule.get(key)
            .map(|list| list_links(targets, list))
            .unwrap_or_default()
    };
    let protocols = strings(rule.get("ipProtocols")).or_else(|| strings(rule.get("protocols")));
    FirewallRule {
        span: rule.span,
        address,
        name: rule.get("name").and_then(shape_string),
        protocols: if application { None } else { protocols },
        source_addresses: strings(rule.get("sourceAddresses")),
        source_ip_groups: ip_groups("sourceIpGroups"),
        destination_addresses: strings(rule.get("destinationAddresses")),
        destination_ip_groups: ip_groups("destinationIpGroups"),
        destination_fqdns: if application {
            None
        } else {
            strings(rule.get("destinationFqdns"))
        },
        destination_ports: strings(rule.get("destinationPorts")),
        translated_address: string(rule.get("translatedAddress")),
        translated_port: string(rule.get("translatedPort")),
        application_protocols: application.then(|| application_protocols(rule)).flatten(),
        target_fqdns: if application {
            AttrList::concat([
                strings(rule.get("targetFqdns")),
                strings(rule.get("fqdnTags")),
                strings(rule.get("targetUrls")),
            ])
        } else {
            None
        },
    }
}

/// The `protocols` of an application rule (`[{ protocolType, port }]`) as `Type:port`.
fn application_protocols(rule: &Value) -> Option<AttrList<String>> {
    let written = rule.get("protocols")?;
    let items = written
        .elements()
        .iter()
        .map(|protocol| {
            let kind = string(protocol.get("protocolType"));
            let port = string(protocol.get("port"));
            FirewallRule::application_protocol(kind, port, protocol.span)
        })
        .collect();
    Some(Attr::known(items, written.span))
}

/// IP groups by id: ARM writes their ids as strings, not `{ "id": ... }` objects.
fn list_links(targets: &Targets, list: &Value) -> Vec<Attr<vnetlint_ir::IpGroupId>> {
    list.elements()
        .iter()
        .filter_map(|item| targets.link(Some(item)))
        .collect()
}
