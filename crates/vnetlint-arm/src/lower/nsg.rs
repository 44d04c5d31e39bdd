//! Network security groups with their inline `securityRules`, and `securityRules` child
//! resources. (ASGs have nothing to fill beyond their name.)
//!
//! A child rule whose parent NSG is not in the template (absent, or marked `existing`) adds to
//! an NSG defined elsewhere: it goes into a stand-in for that NSG, one per parent, so that it
//! is evaluated rather than dropped.

use vnetlint_ir::{Attr, Dialect, Meta, Network, NsgId, NsgOrigin, RuleStyle, SecurityRule, Val};

use super::read::{Targets, list_of, non_empty, shape_string, string, strings};
use super::{RULE, Resource, meta, parent_address, props};
use crate::template::{Instance, name_text};
use crate::value::Value;

/// `Microsoft.Network/networkSecurityGroups`: its inline rules.
pub(super) fn nsg(resource: &Resource<'_>, network: &mut Network, id: NsgId) {
    let instance = resource.instance;
    let rules = resource
        .get(&["securityRules"])
        .map_or(&[][..], Value::elements);
    for inline in rules {
        let name = inline.get("name").map(name_text).unwrap_or_default();
        let meta = Meta {
            address: format!("{}/securityRules/{name}", instance.address),
            span: inline.span,
            name: inline.get("name").and_then(shape_string),
        };
        let mut rule = SecurityRule::new(meta, Dialect::Arm, RuleStyle::Inline);
        rule.nsg = Some(Attr::known(id, instance.span));
        fill_rule(resource.targets, &props(inline, inline.span), &mut rule);
        network.add_rule_to_nsg(rule);
    }
}

/// A `securityRules` child resource, whose NSG is its parent.
pub(super) fn standalone_rule(resource: &Resource<'_>, network: &mut Network) {
    let meta = meta(resource.instance);
    let mut rule = SecurityRule::new(meta, Dialect::Arm, RuleStyle::Standalone);
    fill_rule(resource.targets, &resource.properties, &mut rule);
    let mut parent = resource.parent();
    if let (Val::Unknown(_), Some(stand_in)) = (&parent.value, resource.parent_stand_in()) {
        parent.value = Val::Known(stand_in);
    }
    rule.nsg = Some(parent);
    network.add_rule_to_nsg(rule);
}

/// Makes the stand-in NSG of every child rule whose parent is not in the template: the
/// `existing` resource when the template declares one (`NsgOrigin::Existing`), else an element
/// at the parent's address, named as the rule's name says (`NsgOrigin::Missing`).
pub(super) fn stand_ins(instances: &[Instance], targets: &mut Targets, network: &mut Network) {
    for rule in instances
        .iter()
        .filter(|i| !i.existing && i.rtype.eq_ignore_ascii_case(RULE))
    {
        let parent = parent_address(&rule.address);
        if targets.element_at(&parent).is_some() || targets.stand_in_at(&parent).is_some() {
            continue;
        }
        let existing = instances
            .iter()
            .find(|i| i.existing && i.address.eq_ignore_ascii_case(&parent));
        let (meta, origin) = if let Some(existing) = existing {
            (super::meta(existing), NsgOrigin::Existing)
        } else {
            let name = parent.rsplit('/').next().unwrap_or_default();
            let meta = Meta {
                address: parent.clone(),
                span: rule.name.span,
                name: Some(Attr::known(name.to_owned(), rule.name.span)),
            };
            (meta, NsgOrigin::Missing)
        };
        targets.register_stand_in(&parent, network.stand_in_nsg(meta, origin));
    }
}

/// The properties inline and standalone rules share.
fn fill_rule(targets: &Targets, properties: &Value, rule: &mut SecurityRule) {
    let asgs = |key: &str| {
        let list = properties.get(key)?;
        Some(list_of(list, |asg| targets.link(asg.get("id"))))
    };
    rule.priority = string(properties.get("priority"));
    rule.direction = string(properties.get("direction"));
    rule.access = string(properties.get("access"));
    rule.protocol = string(properties.get("protocol"));
    rule.source_port_range = string(properties.get("sourcePortRange"));
    rule.source_port_ranges = non_empty(strings(properties.get("sourcePortRanges")));
    rule.destination_port_range = string(properties.get("destinationPortRange"));
    rule.destination_port_ranges = non_empty(strings(properties.get("destinationPortRanges")));
    rule.source_address_prefix = string(properties.get("sourceAddressPrefix"));
    rule.source_address_prefixes = non_empty(strings(properties.get("sourceAddressPrefixes")));
    rule.destination_address_prefix = string(properties.get("destinationAddressPrefix"));
    rule.destination_address_prefixes =
        non_empty(strings(properties.get("destinationAddressPrefixes")));
    rule.source_asgs = non_empty(asgs("sourceApplicationSecurityGroups"));
    rule.destination_asgs = non_empty(asgs("destinationApplicationSecurityGroups"));
}
