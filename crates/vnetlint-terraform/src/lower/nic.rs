//! Network interfaces with their IP configurations, and the virtual machines that use them.

use vnetlint_ir::{AttrList, IpConfiguration, NicId, VmId};

use super::{Lowerer, Resource};

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_network_interface`.
    pub(super) fn nic(&mut self, resource: &Resource<'a>, id: NicId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let mut configurations = Vec::new();
        for (inner, config) in self.blocks(env, body, "ip_configuration") {
            let config_body = config.body;
            // Legacy (provider 1.x) ASG list written on the configuration.
            let asgs = self
                .link_list(&inner, config_body, "application_security_group_ids")
                .map(AttrList::into_items)
                .unwrap_or_default();
            configurations.push(IpConfiguration {
                span: self.span(&inner, config.span.clone()),
                name: self.string(&inner, config_body, "name"),
                subnet: self.link(&inner, config_body, "subnet_id"),
                allocation: self.string(&inner, config_body, "private_ip_address_allocation"),
                private_ip: self.string(&inner, config_body, "private_ip_address"),
                public_ip: self.link(&inner, config_body, "public_ip_address_id"),
                asgs,
            });
        }
        let dns_servers = self.strings(env, body, "dns_servers");
        // Legacy (provider 1.x) association written on the NIC itself.
        let nsg = self.link(env, body, "network_security_group_id");
        let nic = &mut self.network[id];
        nic.ip_configurations = configurations;
        nic.dns_servers = dns_servers;
        nic.nsg = nsg;
    }

    /// The azurerm virtual machine resources: the NICs they use.
    pub(super) fn vm(&mut self, resource: &Resource<'a>, id: VmId) {
        let nics = self
            .link_list(
                &resource.env,
                resource.decl.block.body,
                "network_interface_ids",
            )
            .map(AttrList::into_items)
            .unwrap_or_default();
        self.network[id].nics = nics;
    }
}
