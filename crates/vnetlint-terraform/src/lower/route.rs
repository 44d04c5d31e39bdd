//! Route tables and their inline routes.

use vnetlint_ir::{Route, RouteTable};

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
}

/// One `route` block.
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
