//! Virtual networks and their inline subnets, standalone subnets, peerings, and the
//! `azurerm_virtual_network_dns_servers` resource.

use vnetlint_ir::{Attr, Empty, Network, Peering, Subnet, Val, VnetId, first_wins};

use super::Resource;
use super::read::{Block, block_key};

/// `azurerm_virtual_network`, with its inline `subnet` blocks.
pub(super) fn vnet(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    network: &mut Network,
    id: VnetId,
) {
    let vnet = &mut network[id];
    vnet.address_space = block.strings("address_space");
    vnet.dns_servers = block.strings("dns_servers");
    let mut subnets = Vec::new();
    for (index, inline) in block.blocks("subnet").into_iter().enumerate() {
        let mut subnet = Subnet::empty(inline.meta(String::new()));
        subnet.meta.address = format!(
            "{}.subnet{}",
            resource.address,
            block_key(subnet.meta.name.as_ref(), index)
        );
        subnet.vnet = Some(Attr::known(id, block.span()));
        fill_subnet(&inline, &mut subnet);
        subnet.nsg = inline.link("security_group");
        subnet.route_table = inline.link("route_table_id");
        subnets.push(subnet);
    }
    for subnet in subnets {
        network.add_subnet(subnet);
    }
}

/// `azurerm_subnet`.
pub(super) fn subnet(block: &Block<'_, '_, '_>, subnet: &mut Subnet) {
    subnet.vnet = block.name_link("virtual_network_name");
    fill_subnet(block, subnet);
    // Legacy (provider 1.x) association written on the subnet itself.
    subnet.nsg = block.link("network_security_group_id");
}

/// The attributes inline and standalone subnets share.
fn fill_subnet(block: &Block<'_, '_, '_>, subnet: &mut Subnet) {
    subnet.address_prefixes = block.strings_or_single("address_prefixes", "address_prefix");
    subnet.service_endpoints = block
        .strings("service_endpoints")
        .or_else(|| block.strings("service_endpoint"));
    for delegation in block.blocks("delegation") {
        for service in delegation.blocks("service_delegation") {
            if let Some(name) = service.string("name") {
                subnet.delegations.push(name);
            }
        }
    }
    subnet.private_endpoint_network_policies = private_endpoint_policies(block);
}

/// Which network policies apply to private endpoints in a subnet, as azurerm 4 writes it
/// (`Disabled`, `Enabled`, `NetworkSecurityGroupEnabled`, `RouteTableEnabled`); azurerm 3's
/// `private_endpoint_network_policies_enabled` and azurerm 2's inverted
/// `enforce_private_link_endpoint_network_policies` (`true` turns the policies off) become
/// `Enabled` or `Disabled`.
fn private_endpoint_policies(block: &Block<'_, '_, '_>) -> Option<Attr<String>> {
    let named = |on: bool| if on { "Enabled" } else { "Disabled" }.to_owned();
    if let Some(policies) = block.string("private_endpoint_network_policies") {
        return Some(policies);
    }
    let (enabled, inverted) = match block.bool("private_endpoint_network_policies_enabled") {
        Some(enabled) => (enabled, false),
        None => (
            block.bool("enforce_private_link_endpoint_network_policies")?,
            true,
        ),
    };
    let value = match enabled.value {
        Val::Known(on) => Val::Known(named(on != inverted)),
        Val::Unknown(unknown) => Val::Unknown(unknown),
    };
    Some(Attr::new(value, enabled.span, enabled.origin))
}

/// `azurerm_virtual_network_peering`: one direction of a peering.
pub(super) fn peering(block: &Block<'_, '_, '_>, peering: &mut Peering) {
    peering.vnet = block.name_link("virtual_network_name");
    peering.remote_vnet = block.link("remote_virtual_network_id");
    peering.allow_virtual_network_access = block.bool("allow_virtual_network_access");
    peering.allow_forwarded_traffic = block.bool("allow_forwarded_traffic");
    peering.allow_gateway_transit = block.bool("allow_gateway_transit");
    peering.use_remote_gateways = block.bool("use_remote_gateways");
}

/// `azurerm_virtual_network_dns_servers`: the DNS servers of a virtual network that does not
/// write its own (the first setting wins, as for associations).
pub(super) fn vnet_dns_servers(block: &Block<'_, '_, '_>, network: &mut Network) {
    let vnet = block.link::<VnetId>("virtual_network_id");
    let servers = block.strings("dns_servers");
    if let (Some(&vnet), Some(servers)) = (vnet.as_ref().and_then(Attr::get), servers) {
        first_wins(&mut network[vnet].dns_servers, servers);
    }
}
