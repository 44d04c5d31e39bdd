//! Route tables and their inline routes.

use vnetlint_ir::{Route, RouteTable};

use super::read::Block;

/// `azurerm_route_table`.
pub(super) fn route_table(block: &Block<'_, '_, '_>, table: &mut RouteTable) {
    table.routes = block.blocks("route").iter().map(route).collect();
}

/// One `route` block.
fn route(route: &Block<'_, '_, '_>) -> Route {
    Route {
        span: route.span(),
        name: route.string("name"),
        address_prefix: route.string("address_prefix"),
        next_hop_type: route.string("next_hop_type"),
        next_hop_ip: route.string("next_hop_in_ip_address"),
    }
}
