//! Virtual Network Manager: `networkManagers` and their children, network groups with their
//! `staticMembers`, security admin configurations, rule collections with the groups they apply
//! to, and the collections' `rules` of kind `Custom`. A group's members may also come from
//! Azure Policy (a definition in mode `Microsoft.Network.Data`): such a definition in the
//! template marks every network group's membership as dynamic, as in the Terraform frontend.
//!
//! ARM has no resource that commits a configuration (a commit is an action on the manager), so
//! no `NetworkManagerDeployment` is lowered from ARM: a configuration in a template is taken as
//! committed (spec §7, UNSURE), which the engine notes where it matters.

use vnetlint_ir::{
    AdminRule, AdminRuleCollection, Attr, Element, ElementId, Empty, Network, NetworkGroup,
    SecurityAdminConfiguration, first_wins,
};

use super::read::{items, non_empty, string, strings};
use super::{Resource, meta};

/// Child types (lowercase) that are not link targets and are lowered when filled.
pub(super) const STATIC_MEMBER: &str =
    "microsoft.network/networkmanagers/networkgroups/staticmembers";
pub(super) const ADMIN_RULE: &str =
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules";
pub(super) const POLICY_DEFINITION: &str = "microsoft.authorization/policydefinitions";

/// The policy mode of definitions that add virtual networks to network groups.
const NETWORK_DATA_MODE: &str = "Microsoft.Network.Data";

/// A `networkGroups` child of a manager.
pub(super) fn network_group(resource: &Resource<'_>, group: &mut NetworkGroup) {
    group.manager = Some(resource.parent());
}

/// A `staticMembers` child of a network group: one virtual network, added to its group when
/// that is in the template.
pub(super) fn static_member(resource: &Resource<'_>, network: &mut Network) {
    let Some(ElementId::NetworkGroup(group)) = resource.parent_element() else {
        return;
    };
    if let Some(member) = resource.link(&["resourceId"]) {
        network[group].static_members.push(member);
    }
}

/// `Microsoft.Authorization/policyDefinitions`: in mode `Microsoft.Network.Data`, it may add
/// members to any network group.
pub(super) fn policy_definition(resource: &Resource<'_>, network: &mut Network) {
    let Some(mode) = string(resource.get(&["mode"])) else {
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

/// A `securityAdminConfigurations` child of a manager.
pub(super) fn security_admin_configuration(
    resource: &Resource<'_>,
    configuration: &mut SecurityAdminConfiguration,
) {
    configuration.manager = Some(resource.parent());
}

/// A `ruleCollections` child of a configuration, with the groups it applies to.
pub(super) fn admin_rule_collection(resource: &Resource<'_>, collection: &mut AdminRuleCollection) {
    collection.configuration = Some(resource.parent());
    collection.network_groups = resource
        .get(&["appliesToGroups"])
        .map_or(&[][..], crate::value::Value::elements)
        .iter()
        .filter_map(|group| resource.targets.link(group.get("networkGroupId")))
        .collect();
}

/// A `rules` child of a rule collection. Only rules of kind `Custom` (the kind when none is
/// written) say what they match; a `Default` rule names a predefined rule by its `flag`, whose
/// contents the templates do not hold, and is not lowered.
pub(super) fn admin_rule(resource: &Resource<'_>, network: &mut Network) {
    let kind = resource.instance.body.get("kind").and_then(|k| k.as_str());
    if kind.is_some_and(|kind| !kind.eq_ignore_ascii_case("Custom")) {
        return;
    }
    let side = |key: &str| {
        non_empty(items(&resource.properties, key, |side| {
            string(side.get("addressPrefix"))
        }))
    };
    let rule = AdminRule {
        collection: Some(resource.parent()),
        priority: string(resource.get(&["priority"])),
        direction: string(resource.get(&["direction"])),
        action: string(resource.get(&["access"])),
        protocol: string(resource.get(&["protocol"])),
        sources: side("sources"),
        destinations: side("destinations"),
        source_ports: non_empty(strings(resource.get(&["sourcePortRanges"]))),
        destination_ports: non_empty(strings(resource.get(&["destinationPortRanges"]))),
        ..AdminRule::empty(meta(resource.instance))
    };
    rule.push_into(network);
}
