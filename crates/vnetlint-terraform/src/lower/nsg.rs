//! Network security groups with their inline `security_rule` blocks, and standalone
//! `azurerm_network_security_rule` resources. (ASGs have nothing to fill beyond their name.)
//!
//! A standalone rule whose `network_security_group_name` names no NSG of the scanned modules
//! (a literal name, or a reference to a data source or another module) adds to an NSG defined
//! elsewhere: it goes into a stand-in for that NSG (`NsgOrigin::Missing`), one per name and
//! resource group, so that it is evaluated rather than dropped.

use vnetlint_ir::{Attr, Dialect, Meta, Network, NsgId, NsgOrigin, RuleStyle, SecurityRule, Val};

use super::Resource;
use super::read::{Block, block_key};

/// `azurerm_network_security_group`: its inline rules.
pub(super) fn nsg(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    network: &mut Network,
    id: NsgId,
) {
    for (index, inline) in block.blocks("security_rule").into_iter().enumerate() {
        let mut meta = inline.meta(String::new());
        meta.address = format!(
            "{}.security_rule{}",
            resource.address,
            block_key(meta.name.as_ref(), index)
        );
        let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Inline);
        rule.nsg = Some(Attr::known(id, block.span()));
        fill_rule(&inline, &mut rule);
        network.add_rule_to_nsg(rule);
    }
}

/// `azurerm_network_security_rule`, which names its NSG.
pub(super) fn standalone_rule(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    network: &mut Network,
) {
    let meta = block.meta(resource.address.clone());
    let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Standalone);
    fill_rule(block, &mut rule);
    rule.nsg = block.name_link("network_security_group_name");
    if let Some(link) = &mut rule.nsg
        && let Val::Unknown(_) = link.value
        && let Some(meta) = outside_nsg(block)
    {
        link.value = Val::Known(network.stand_in_nsg(meta, NsgOrigin::Missing));
    }
    network.add_rule_to_nsg(rule);
}

/// The NSG outside the scanned modules that a standalone rule names: its name as written (a
/// literal, or the reference it is read from), keyed by resource group and name when both are
/// known. `None` when the name is an unresolved value of this module (a variable without a
/// value), which may still name an NSG of the scan.
fn outside_nsg(block: &Block<'_, '_, '_>) -> Option<Meta> {
    let name = block.string("network_security_group_name")?;
    let text = match &name.value {
        Val::Known(text) => text.clone(),
        Val::Unknown(unknown) => unknown.reference.as_ref()?.to_string(),
    };
    let group = block
        .string("resource_group_name")
        .and_then(|group| group.get().cloned());
    let key = group.map_or_else(|| text.clone(), |group| format!("{group}/{text}"));
    Some(Meta {
        address: format!("azurerm_network_security_group[{key:?}]"),
        span: name.span,
        name: Some(Attr::known(text, name.span)),
    })
}

/// The attributes inline and standalone security rules share.
fn fill_rule(block: &Block<'_, '_, '_>, rule: &mut SecurityRule) {
    rule.priority = block.string("priority");
    rule.direction = block.string("direction");
    rule.access = block.string("access");
    rule.protocol = block.string("protocol");
    rule.source_port_range = block.string("source_port_range");
    rule.source_port_ranges = block.strings("source_port_ranges");
    rule.destination_port_range = block.string("destination_port_range");
    rule.destination_port_ranges = block.strings("destination_port_ranges");
    rule.source_address_prefix = block.string("source_address_prefix");
    rule.source_address_prefixes = block.strings("source_address_prefixes");
    rule.destination_address_prefix = block.string("destination_address_prefix");
    rule.destination_address_prefixes = block.strings("destination_address_prefixes");
    rule.source_asgs = block.link_list("source_application_security_group_ids");
    rule.destination_asgs = block.link_list("destination_application_security_group_ids");
}
