//! App Service Environments and App Service plans.

use vnetlint_ir::{Ase, AseVersion, Attr, ServicePlan};

use super::Resource;
use super::read::Block;

/// `azurerm_app_service_environment` (v2) and `azurerm_app_service_environment_v3`.
pub(super) fn ase(resource: &Resource<'_>, block: &Block<'_, '_, '_>, ase: &mut Ase) {
    let version = if resource.decl.rtype == "azurerm_app_service_environment_v3" {
        AseVersion::V3
    } else {
        AseVersion::V2
    };
    // The resource type decides the version, so the type label is what to point at.
    ase.version = Some(Attr::known(version, block.type_span()));
    ase.subnet = block.link("subnet_id");
    ase.internal_load_balancing_mode = block.string("internal_load_balancing_mode");
}

/// `azurerm_service_plan` and `azurerm_app_service_plan`.
pub(super) fn service_plan(block: &Block<'_, '_, '_>, plan: &mut ServicePlan) {
    plan.ase = block.link("app_service_environment_id");
    // `azurerm_app_service_plan` writes the SKU as `sku { tier, size }`.
    plan.sku = block
        .string("sku_name")
        .or_else(|| block.first_of("sku", |sku| sku.string("size")));
}
