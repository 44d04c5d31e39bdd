//! Virtual networks and their inline subnets, standalone subnets, peerings, and the
//! `azurerm_virtual_network_dns_servers` resource.

use vnetlint_ir::{Attr, Empty, Peering, PeeringId, Subnet, SubnetId, VnetId, first_wins};

use super::read::block_key;
use super::{Lowerer, Resource};
use crate::eval::Env;
use crate::syntax::BodyRef;

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_virtual_network`, with its inline `subnet` blocks.
    pub(super) fn vnet(&mut self, resource: &Resource<'a>, id: VnetId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let block_span = self.block_span(resource);
        let address_space = self.strings(env, body, "address_space");
        let dns_servers = self.strings(env, body, "dns_servers");
        let mut subnets = Vec::new();
        for (index, (inner, subnet_block)) in
            self.blocks(env, body, "subnet").into_iter().enumerate()
        {
            let mut subnet = Subnet::empty(self.meta(&inner, String::new(), &subnet_block));
            subnet.meta.address = format!(
                "{}.subnet{}",
                resource.address,
                block_key(subnet.meta.name.as_ref(), index)
            );
            subnet.vnet = Some(Attr::known(id, block_span));
            self.fill_subnet_common(&inner, subnet_block.body, &mut subnet);
            subnet.nsg = self.link(&inner, subnet_block.body, "security_group");
            subnet.route_table = self.link(&inner, subnet_block.body, "route_table_id");
            subnets.push(subnet);
        }
        let vnet = &mut self.network[id];
        vnet.address_space = address_space;
        vnet.dns_servers = dns_servers;
        for subnet in subnets {
            self.network.add_subnet(subnet);
        }
    }

    /// `azurerm_subnet`.
    pub(super) fn subnet(&mut self, resource: &Resource<'a>, id: SubnetId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let mut subnet = Subnet::empty(self.network[id].meta.clone());
        subnet.vnet = self.name_link(env, body, "virtual_network_name");
        self.fill_subnet_common(env, body, &mut subnet);
        // Legacy (provider 1.x) association written on the subnet itself.
        subnet.nsg = self.link(env, body, "network_security_group_id");
        self.network[id] = subnet;
    }

    /// The attributes inline and standalone subnets share.
    fn fill_subnet_common(&self, env: &Env, body: BodyRef<'a>, subnet: &mut Subnet) {
        subnet.address_prefixes =
            self.strings_or_single(env, body, "address_prefixes", "address_prefix");
        subnet.service_endpoints = self
            .strings(env, body, "service_endpoints")
            .or_else(|| self.strings(env, body, "service_endpoint"));
        for (inner, delegation) in self.blocks(env, body, "delegation") {
            for (innermost, service) in self.blocks(&inner, delegation.body, "service_delegation") {
                if let Some(name) = self.string(&innermost, service.body, "name") {
                    subnet.delegations.push(name);
                }
            }
        }
    }

    /// `azurerm_virtual_network_peering`: one direction of a peering.
    pub(super) fn peering(&mut self, resource: &Resource<'a>, id: PeeringId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let peering = Peering {
            meta: self.network[id].meta.clone(),
            vnet: self.name_link(env, body, "virtual_network_name"),
            remote_vnet: self.link(env, body, "remote_virtual_network_id"),
            allow_virtual_network_access: self.bool(env, body, "allow_virtual_network_access"),
            allow_forwarded_traffic: self.bool(env, body, "allow_forwarded_traffic"),
            allow_gateway_transit: self.bool(env, body, "allow_gateway_transit"),
            use_remote_gateways: self.bool(env, body, "use_remote_gateways"),
        };
        self.network[id] = peering;
    }

    /// `azurerm_virtual_network_dns_servers`: the DNS servers of a virtual network that does not
    /// write its own (the first setting wins, as for associations).
    pub(super) fn vnet_dns_servers(&mut self, resource: &Resource<'a>) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let vnet = self.link::<VnetId>(env, body, "virtual_network_id");
        let servers = self.strings(env, body, "dns_servers");
        if let (Some(&vnet), Some(servers)) = (vnet.as_ref().and_then(Attr::get), servers) {
            first_wins(&mut self.network[vnet].dns_servers, servers);
        }
    }
}
