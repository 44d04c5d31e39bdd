//! App Service Environments and App Service plans.

use vnetlint_ir::{Ase, AseVersion, Attr, ElementId, ServicePlan, SubnetId, Val};

use super::Resource;
use super::read::{attr, shape_string, string};
use crate::funcs::address_of_id;
use crate::value::Kind;

/// `Microsoft.Web/hostingEnvironments`.
pub(super) fn ase(resource: &Resource<'_>, ase: &mut Ase) {
    ase.version = ase_version(resource);
    ase.subnet = ase_subnet(resource);
    // The mode is a number in older API versions and a string (`Web, Publishing`) in newer.
    let mode = resource.get(&["internalLoadBalancingMode"]);
    ase.internal_load_balancing_mode = mode.and_then(|mode| match &mode.kind {
        Kind::Int(i) => Some(attr(mode, Val::Known(i.to_string()))),
        _ => shape_string(mode),
    });
}

/// `Microsoft.Web/serverfarms`.
pub(super) fn service_plan(resource: &Resource<'_>, plan: &mut ServicePlan) {
    plan.ase = resource.link(&["hostingEnvironmentProfile", "id"]);
    plan.sku = string(resource.instance.body.path(&["sku", "name"]));
}

/// The subnet of an ASE: `virtualNetwork.id` is the subnet's id, except in v1/v2 templates,
/// which name the VNet in `id` and the subnet in `subnet`.
fn ase_subnet(resource: &Resource<'_>) -> Option<Attr<SubnetId>> {
    let targets = resource.targets;
    let network_ref = resource.get(&["virtualNetwork"]);
    let id_value = network_ref.and_then(|v| v.get("id"));
    let subnet = targets.link(id_value);
    if let (Some(id_value), Some(subnet_name)) = (
        id_value,
        network_ref
            .and_then(|v| v.get("subnet"))
            .and_then(|s| s.as_str()),
    ) && let Some(vnet_id) = id_value.as_str()
    {
        let vnet_address = address_of_id(vnet_id);
        if matches!(targets.element_at(&vnet_address), Some(ElementId::Vnet(_))) {
            let address = format!("{vnet_address}/subnets/{subnet_name}");
            return Some(targets.link_address(&address, id_value.span));
        }
    }
    subnet
}

/// The version an ASE's `kind` names (`ASEV3`, `ASEV2`, anything else v1); without `kind`,
/// v1-only properties tell a v1 environment.
fn ase_version(resource: &Resource<'_>) -> Option<Attr<AseVersion>> {
    let instance = resource.instance;
    let kind = instance.body.get("kind");
    kind.and_then(|k| {
        let text = k.as_str()?.to_ascii_uppercase();
        let version = if text.contains("ASEV3") {
            AseVersion::V3
        } else if text.contains("ASEV2") {
            AseVersion::V2
        } else {
            AseVersion::V1
        };
        Some(attr(k, Val::Known(version)))
    })
    .or_else(|| {
        let v1 = ["workerPools", "multiRoleCount", "multiSize"]
            .iter()
            .any(|&p| resource.get(&[p]).is_some());
        v1.then(|| Attr::known(AseVersion::V1, instance.span))
    })
}
