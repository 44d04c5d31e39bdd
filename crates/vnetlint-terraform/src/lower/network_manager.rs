//! Virtual Network Manager: managers, network groups and their static members, security admin
//! configurations, admin rule collections with the groups they apply to, admin rules, and the
//! deployments that commit configurations. A group's members may also come from Azure Policy
//! (a definition in mode `Microsoft.Network.Data`), which the templates do not tie to members:
//! such a definition in the scanned files marks every network group's membership as dynamic.

use vnetlint_ir::{
    AdminRule, AdminRuleCollection, Attr, Network, NetworkGroup, NetworkGroupId,
    NetworkManagerDeployment, SecurityAdminConfiguration, first_wins,
};

use super::read::Block;

/// The policy mode of definitions that add virtual networks to network groups.
const NETWORK_DATA_MODE: &str = "Microsoft.Network.Data";

/// `azurerm_network_manager_network_group`.
pub(super) fn network_group(block: &Block<'_, '_, '_>, group: &mut NetworkGroup) {
    group.manager = block.link("network_manager_id");
}

/// `azurerm_network_manager_static_member`: one virtual network of a group.
pub(super) fn static_member(block: &Block<'_, '_, '_>, network: &mut Network) {
    let group = block.link::<NetworkGroupId>("network_group_id");
    let member = block.link("target_virtual_network_id");
    if let (Some(&group), Some(member)) = (group.as_ref().and_then(Attr::get), member) {
        network[group].static_members.push(member);
    }
}

/// `azurerm_policy_definition`: in mode `Microsoft.Network.Data`, it may add members to any
/// network group (the group it names is inside its policy rule, usually unresolved).
pub(super) fn policy_definition(block: &Block<'_, '_, '_>, network: &mut Network) {
    let Some(mode) = block.string("mode") else {
        return;
    };
    if mode
        .get()
        .is_some_and(|mode| mode.eq_ignore_ascii_case(NETWORK_DATA_MODE))
    {
        for group in &mut network.network_groups {
            first_wins(&mut group.dynamic_membership, Attr::known(true, mode.span));
        }
    }
}

/// `azurerm_network_manager_security_admin_configuration`.
pub(super) fn security_admin_configuration(
    block: &Block<'_, '_, '_>,
    configuration: &mut SecurityAdminConfiguration,
) {
    configuration.manager = block.link("network_manager_id");
}

/// `azurerm_network_manager_admin_rule_collection`.
pub(super) fn admin_rule_collection(
    block: &Block<'_, '_, '_>,
    collection: &mut AdminRuleCollection,
) {
    collection.configuration = block.link("security_admin_configuration_id");
    collection.network_groups = block.link_items("network_group_ids");
}

/// `azurerm_network_manager_admin_rule`: its `source` and `destination` blocks each hold one
/// prefix or service tag (`address_prefix_type` says which; a tag is read by its name).
pub(super) fn admin_rule(block: &Block<'_, '_, '_>, rule: &mut AdminRule) {
    rule.collection = block.link("admin_rule_collection_id");
    rule.priority = block.string("priority");
    rule.direction = block.string("direction");
    rule.action = block.string("action");
    rule.protocol = block.string("protocol");
    rule.sources = block.nested("source", |side| side.string("address_prefix"));
    rule.destinations = block.nested("destination", |side| side.string("address_prefix"));
    rule.source_ports = block.strings("source_port_ranges");
    rule.destination_ports = block.strings("destination_port_ranges");
}

/// `azurerm_network_manager_deployment`: what it commits (`scope_access` says which kind of
/// configuration; the connectivity ones are not modelled and stay unknown links).
pub(super) fn deployment(block: &Block<'_, '_, '_>, deployment: &mut NetworkManagerDeployment) {
    deployment.manager = block.link("network_manager_id");
    deployment.scope_access = block.string("scope_access");
    deployment.configurations = block.link_items("configuration_ids");
}
