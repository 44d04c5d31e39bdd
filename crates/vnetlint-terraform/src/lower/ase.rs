//! App Service Environments and App Service plans.

use vnetlint_ir::{AseId, AseVersion, Attr, ServicePlanId};

use super::{Lowerer, Resource};

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_app_service_environment` (v2) and `azurerm_app_service_environment_v3`.
    pub(super) fn ase(&mut self, resource: &Resource<'a>, id: AseId) {
        let env = &resource.env;
        let block = &resource.decl.block;
        let version = if resource.decl.rtype == "azurerm_app_service_environment_v3" {
            AseVersion::V3
        } else {
            AseVersion::V2
        };
        // The resource type decides the version, so the type label is what to point at.
        let type_span = block
            .labels
            .first()
            .map_or(self.block_span(resource), |(_, range)| {
                self.span(env, range.clone())
            });
        let subnet = self.link(env, block.body, "subnet_id");
        let mode = self.string(env, block.body, "internal_load_balancing_mode");
        let ase = &mut self.network[id];
        ase.version = Some(Attr::known(version, type_span));
        ase.subnet = subnet;
        ase.internal_load_balancing_mode = mode;
    }

    /// `azurerm_service_plan` and `azurerm_app_service_plan`.
    pub(super) fn service_plan(&mut self, resource: &Resource<'a>, id: ServicePlanId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let ase = self.link(env, body, "app_service_environment_id");
        // `azurerm_app_service_plan` writes the SKU as `sku { tier, size }`.
        let sku = self.string(env, body, "sku_name").or_else(|| {
            self.blocks(env, body, "sku")
                .into_iter()
                .find_map(|(inner, sku)| self.string(&inner, sku.body, "size"))
        });
        let plan = &mut self.network[id];
        plan.ase = ase;
        plan.sku = sku;
    }
}
