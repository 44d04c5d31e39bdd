//! Public IP addresses.

use vnetlint_ir::{PublicIp, PublicIpId};

use super::{Lowerer, Resource};

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_public_ip`; an address the configuration does not write is Azure's to assign.
    pub(super) fn public_ip(&mut self, resource: &Resource<'a>, id: PublicIpId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let sku = self.string(env, body, "sku");
        let allocation = self.string(env, body, "allocation_method");
        let ip_address = self.string(env, body, "ip_address").unwrap_or_else(|| {
            PublicIp::assigned_address(&resource.address, "ip_address", self.block_span(resource))
        });
        let public_ip = &mut self.network[id];
        public_ip.sku = sku;
        public_ip.allocation = allocation;
        public_ip.ip_address = Some(ip_address);
    }
}
