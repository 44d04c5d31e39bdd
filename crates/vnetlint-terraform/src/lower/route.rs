//! Route tables with their inline routes, standalone routes, and NAT gateways.

use vnetlint_ir::{Attr, NatGateway, Network, Route, RouteTable, RouteTableId};

use super::Resource;
use super::read::{Block, block_key};

/// `azurerm_route_table`.
pub(super) fn route_table(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    table: &mut RouteTable,
) {
    table.routes = block
        .blocks("route")
        .iter()
        .enumerate()
        .map(|(index, inline)| {
            let name = inline.string("name");
            let address = format!(
                "{}.route{}",
                resource.address,
                block_key(name.as_ref(), index)
            );
            route(inline, address)
        })
        .collect();
    // azurerm 3 wrote the negation.
    table.gateway_propagation = block.bool("bgp_route_propagation_enabled").or_else(|| {
        block
            .bool("disable_bgp_route_propagation")
            .map(Attr::negated)
    });
}

/// `azurerm_route`: a route added to the table its `route_table_name` names (after the
/// tables' inline routes, so it is read once every table is filled). A route whose table is not
/// in the scanned files changes nothing vnetlint sees.
pub(super) fn standalone_route(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    network: &mut Network,
) {
    let table = block.name_link::<RouteTableId>("route_table_name");
    if let Some(&table) = table.as_ref().and_then(Attr::get) {
        network[table]
            .routes
            .push(route(block, resource.address.clone()));
    }
}

/// One `route` block or `azurerm_route` resource.
fn route(route: &Block<'_, '_, '_>, address: String) -> Route {
    Route {
        span: route.span(),
        address,
        name: route.string("name"),
        address_prefix: route.string("address_prefix"),
        next_hop_type: route.string("next_hop_type"),
        next_hop_ip: route.string("next_hop_in_ip_address"),
    }
}

/// `azurerm_nat_gateway`: azurerm 2 listed its public IPs; later ones are associations.
pub(super) fn nat_gateway(block: &Block<'_, '_, '_>, gateway: &mut NatGateway) {
    gateway.public_ips = block.link_items("public_ip_address_ids");
}
