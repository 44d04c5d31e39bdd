//! Azure Firewall: firewalls with their IP configurations, firewall policies, policy rule
//! collection groups and the classic (firewall-level) rule collections with their rules, and IP
//! groups with their standalone CIDRs.

use vnetlint_ir::{
    Attr, AttrList, Element, Firewall, FirewallIpConfiguration, FirewallPolicy, FirewallRule,
    FirewallRuleCollection, FirewallRuleCollectionGroup, FirewallRuleKind, IpGroup, IpGroupId,
    Meta, Network, RuleCollectionOwner, push_item,
};

use super::Resource;
use super::read::{Block, block_key};

/// `azurerm_firewall`.
pub(super) fn firewall(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    firewall: &mut Firewall,
) {
    firewall.sku_tier = block.string("sku_tier");
    firewall.ip_configurations = block
        .blocks("ip_configuration")
        .iter()
        .enumerate()
        .map(|(index, config)| {
            // Azure assigns the address; a plan may know it.
            let private_ip = config.string("private_ip_address").unwrap_or_else(|| {
                let attribute = format!("ip_configuration[{index}].private_ip_address");
                FirewallIpConfiguration::assigned_private_ip(
                    &resource.address,
                    &attribute,
                    config.span(),
                )
            });
            FirewallIpConfiguration {
                span: config.span(),
                name: config.string("name"),
                subnet: config.link("subnet_id"),
                public_ip: config.link("public_ip_address_id"),
                private_ip: Some(private_ip),
            }
        })
        .collect();
    firewall.management = block
        .first_block("management_ip_configuration")
        .map(|management| Attr::known(true, management.span()));
    firewall.policy = block.link("firewall_policy_id");
    firewall.private_ip_ranges = block.strings("private_ip_ranges");
}

/// `azurerm_firewall_policy`.
pub(super) fn policy(block: &Block<'_, '_, '_>, policy: &mut FirewallPolicy) {
    policy.base_policy = block.link("base_policy_id");
    policy.private_ip_ranges = block.strings("private_ip_ranges");
}

/// `azurerm_ip_group`.
pub(super) fn ip_group(block: &Block<'_, '_, '_>, group: &mut IpGroup) {
    group.cidrs = block.strings("cidrs");
}

/// `azurerm_ip_group_cidr`: one more CIDR of an IP group.
pub(super) fn ip_group_cidr(block: &Block<'_, '_, '_>, network: &mut Network) {
    let group = block.link::<IpGroupId>("ip_group_id");
    let cidr = block.string("cidr");
    if let (Some(&group), Some(cidr)) = (group.as_ref().and_then(Attr::get), cidr) {
        push_item(&mut network[group].cidrs, cidr);
    }
}

/// The collection blocks of a policy rule collection group, by kind.
const POLICY_COLLECTIONS: [(&str, FirewallRuleKind); 3] = [
    ("nat_rule_collection", FirewallRuleKind::Nat),
    ("network_rule_collection", FirewallRuleKind::Network),
    ("application_rule_collection", FirewallRuleKind::Application),
];

/// `azurerm_firewall_policy_rule_collection_group`: a group of a policy, with its collections.
pub(super) fn policy_rule_collection_group(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    network: &mut Network,
) {
    let policy = "firewall_policy_id";
    let (meta, owner) = owned(
        resource,
        block,
        block.link(policy),
        RuleCollectionOwner::Policy,
        policy,
    );
    let mut collections = Vec::new();
    for (name, kind) in POLICY_COLLECTIONS {
        for (index, inline) in block.blocks(name).iter().enumerate() {
            let key = block_key(inline.string("name").as_ref(), index);
            let address = format!("{}.{name}{key}", resource.address);
            collections.push(collection(inline, address, kind));
        }
    }
    FirewallRuleCollectionGroup {
        meta,
        owner,
        priority: block.string("priority"),
        collections,
    }
    .push_into(network);
}

/// A classic collection resource (`azurerm_firewall_network_rule_collection`, `…_nat_…`,
/// `…_application_…`): one group, owned by the firewall it names, holding that one collection.
pub(super) fn classic_rule_collection(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    network: &mut Network,
) {
    let kind = match resource.decl.rtype {
        "azurerm_firewall_nat_rule_collection" => FirewallRuleKind::Nat,
        "azurerm_firewall_application_rule_collection" => FirewallRuleKind::Application,
        _ => FirewallRuleKind::Network,
    };
    let firewall = "azure_firewall_name";
    let link = block.name_link(firewall);
    let (meta, owner) = owned(
        resource,
        block,
        link,
        RuleCollectionOwner::Firewall,
        firewall,
    );
    let collections = vec![collection(block, resource.address.clone(), kind)];
    FirewallRuleCollectionGroup {
        meta,
        owner,
        priority: None,
        collections,
    }
    .push_into(network);
}

/// The metadata of a rule collection group resource and its owner, the element its `attribute`
/// links to (`link`, made an owner by `wrap`).
fn owned<I>(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    link: Option<Attr<I>>,
    wrap: fn(Attr<I>) -> RuleCollectionOwner,
    attribute: &str,
) -> (Meta, RuleCollectionOwner) {
    let meta = block.meta(resource.address.clone());
    let owner = RuleCollectionOwner::from_link(link, wrap, attribute, meta.span);
    (meta, owner)
}

/// One rule collection (an inline collection block or a classic collection resource).
fn collection(
    block: &Block<'_, '_, '_>,
    address: String,
    kind: FirewallRuleKind,
) -> FirewallRuleCollection {
    let rules = block
        .blocks("rule")
        .iter()
        .enumerate()
        .map(|(index, inline)| {
            let key = block_key(inline.string("name").as_ref(), index);
            rule(inline, format!("{address}.rule{key}"), kind)
        })
        .collect();
    FirewallRuleCollection {
        span: block.span(),
        address,
        name: block.string("name"),
        kind,
        priority: block.string("priority"),
        action: block.string("action"),
        rules,
    }
}

/// One `rule` block, in the spelling of either a policy or a classic collection.
fn rule(block: &Block<'_, '_, '_>, address: String, kind: FirewallRuleKind) -> FirewallRule {
    let application = kind == FirewallRuleKind::Application;
    // A policy NAT rule listens on one `destination_address`.
    let destination_addresses =
        block.strings_or_single("destination_addresses", "destination_address");
    let (destination_fqdns, application_protocols, target_fqdns) = if application {
        let targets = AttrList::concat([
            block.strings("destination_fqdns"),
            block.strings("destination_fqdn_tags"),
            block.strings("destination_urls"),
            block.strings("target_fqdns"),
            block.strings("fqdn_tags"),
        ]);
        (None, application_protocols(block), targets)
    } else {
        (block.strings("destination_fqdns"), None, None)
    };
    FirewallRule {
        span: block.span(),
        address,
        name: block.string("name"),
        protocols: if application {
            None
        } else {
            block.strings("protocols")
        },
        source_addresses: block.strings("source_addresses"),
        source_ip_groups: block.link_items("source_ip_groups"),
        destination_addresses,
        destination_ip_groups: block.link_items("destination_ip_groups"),
        destination_fqdns,
        destination_ports: block.strings("destination_ports"),
        translated_address: block.string("translated_address"),
        translated_port: block.string("translated_port"),
        application_protocols,
        target_fqdns,
    }
}

/// The `protocols { type, port }` blocks of an application rule (`protocol` in classic
/// collections) as `Type:port`; unknown when either side is.
fn application_protocols(block: &Block<'_, '_, '_>) -> Option<AttrList<String>> {
    let mut protocols = block.blocks("protocols");
    if protocols.is_empty() {
        protocols = block.blocks("protocol");
    }
    let first = protocols.first()?.span();
    let items = protocols
        .iter()
        .map(|protocol| {
            let (kind, port) = (protocol.string("type"), protocol.string("port"));
            FirewallRule::application_protocol(kind, port, protocol.span())
        })
        .collect();
    Some(Attr::known(items, first))
}
