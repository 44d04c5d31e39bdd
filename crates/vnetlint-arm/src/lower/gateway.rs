//! Virtual network gateways (VPN and ExpressRoute), local network gateways (on-premises
//! sites) and the connections between them.

use vnetlint_ir::{GatewayConnection, LocalGateway, VnetGateway};

use super::Resource;
use super::read::{string, strings};
use crate::value::Value;

/// `Microsoft.Network/virtualNetworkGateways`: its type and the subnet of its first IP
/// configuration that names one.
pub(super) fn vnet_gateway(resource: &Resource<'_>, gateway: &mut VnetGateway) {
    let configurations = resource.get(&["ipConfigurations"]);
    gateway.gateway_type = string(resource.get(&["gatewayType"]));
    gateway.subnet = configurations
        .map_or(&[][..], Value::elements)
        .iter()
        .find_map(|c| {
            resource
                .targets
                .link(c.path(&["properties", "subnet", "id"]))
        });
}

/// `Microsoft.Network/localNetworkGateways`.
pub(super) fn local_gateway(resource: &Resource<'_>, gateway: &mut LocalGateway) {
    let space = resource.get(&["localNetworkAddressSpace", "addressPrefixes"]);
    gateway.address_space = strings(space);
    gateway.gateway_address = string(resource.get(&["gatewayIpAddress"]));
}

/// `Microsoft.Network/connections`: gateway 1 is this side's; gateway 2 is a local gateway
/// (site to site) or another VNet's gateway (VNet to VNet).
pub(super) fn connection(resource: &Resource<'_>, connection: &mut GatewayConnection) {
    connection.connection_type = string(resource.get(&["connectionType"]));
    connection.gateway = resource.link(&["virtualNetworkGateway1", "id"]);
    connection.local_gateway = resource.link(&["localNetworkGateway2", "id"]);
    connection.peer_gateway = resource.link(&["virtualNetworkGateway2", "id"]);
}
