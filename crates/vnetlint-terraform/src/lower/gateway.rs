//! Virtual network gateways (VPN and ExpressRoute), local network gateways (on-premises
//! sites), the connections between them, and ExpressRoute circuits.

use vnetlint_ir::{ExpressRouteCircuit, GatewayConnection, LocalGateway, VnetGateway};

use super::read::Block;

/// `azurerm_virtual_network_gateway`: its type and the subnet of its first IP configuration
/// that names one.
pub(super) fn vnet_gateway(block: &Block<'_, '_, '_>, gateway: &mut VnetGateway) {
    gateway.gateway_type = block.string("type");
    gateway.subnet = block.first_of("ip_configuration", |config| config.link("subnet_id"));
}

/// `azurerm_local_network_gateway`.
pub(super) fn local_gateway(block: &Block<'_, '_, '_>, gateway: &mut LocalGateway) {
    gateway.address_space = block.strings("address_space");
    gateway.gateway_address = block.string("gateway_address");
}

/// `azurerm_virtual_network_gateway_connection`: from a gateway to a local gateway (site to
/// site, ExpressRoute) or to another VNet's gateway.
pub(super) fn connection(block: &Block<'_, '_, '_>, connection: &mut GatewayConnection) {
    connection.connection_type = block.string("type");
    connection.gateway = block.link("virtual_network_gateway_id");
    connection.local_gateway = block.link("local_network_gateway_id");
    connection.peer_gateway = block.link("peer_virtual_network_gateway_id");
}

/// `azurerm_express_route_circuit`.
pub(super) fn circuit(block: &Block<'_, '_, '_>, circuit: &mut ExpressRouteCircuit) {
    circuit.service_provider = block.string("service_provider_name");
    circuit.peering_location = block.string("peering_location");
}
