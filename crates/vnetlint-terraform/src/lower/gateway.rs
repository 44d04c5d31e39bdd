//! Virtual network gateways (VPN and ExpressRoute), local network gateways (on-premises
//! sites), the connections between them, and ExpressRoute circuits.

use vnetlint_ir::{ExpressRouteCircuitId, GatewayConnectionId, LocalGatewayId, VnetGatewayId};

use super::{Lowerer, Resource};

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_virtual_network_gateway`: its type and the subnet of its first IP configuration.
    pub(super) fn vnet_gateway(&mut self, resource: &Resource<'a>, id: VnetGatewayId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let gateway_type = self.string(env, body, "type");
        let subnet = self
            .blocks(env, body, "ip_configuration")
            .into_iter()
            .find_map(|(inner, config)| self.link(&inner, config.body, "subnet_id"));
        let gateway = &mut self.network[id];
        gateway.gateway_type = gateway_type;
        gateway.subnet = subnet;
    }

    /// `azurerm_local_network_gateway`.
    pub(super) fn local_gateway(&mut self, resource: &Resource<'a>, id: LocalGatewayId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let address_space = self.strings(env, body, "address_space");
        let gateway_address = self.string(env, body, "gateway_address");
        let gateway = &mut self.network[id];
        gateway.address_space = address_space;
        gateway.gateway_address = gateway_address;
    }

    /// `azurerm_virtual_network_gateway_connection`.
    pub(super) fn gateway_connection(&mut self, resource: &Resource<'a>, id: GatewayConnectionId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let connection_type = self.string(env, body, "type");
        let gateway = self.link(env, body, "virtual_network_gateway_id");
        let local_gateway = self.link(env, body, "local_network_gateway_id");
        let peer_gateway = self.link(env, body, "peer_virtual_network_gateway_id");
        let connection = &mut self.network[id];
        connection.connection_type = connection_type;
        connection.gateway = gateway;
        connection.local_gateway = local_gateway;
        connection.peer_gateway = peer_gateway;
    }

    /// `azurerm_express_route_circuit`.
    pub(super) fn express_route_circuit(
        &mut self,
        resource: &Resource<'a>,
        id: ExpressRouteCircuitId,
    ) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let provider = self.string(env, body, "service_provider_name");
        let location = self.string(env, body, "peering_location");
        let circuit = &mut self.network[id];
        circuit.service_provider = provider;
        circuit.peering_location = location;
    }
}
