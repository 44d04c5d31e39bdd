//! Route tables and their inline routes.

use vnetlint_ir::{Route, RouteTableId};

use super::{Lowerer, Resource};

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_route_table`.
    pub(super) fn route_table(&mut self, resource: &Resource<'a>, id: RouteTableId) {
        let routes = self
            .blocks(&resource.env, resource.decl.block.body, "route")
            .into_iter()
            .map(|(inner, route)| Route {
                span: self.span(&inner, route.span.clone()),
                name: self.string(&inner, route.body, "name"),
                address_prefix: self.string(&inner, route.body, "address_prefix"),
                next_hop_type: self.string(&inner, route.body, "next_hop_type"),
                next_hop_ip: self.string(&inner, route.body, "next_hop_in_ip_address"),
            })
            .collect();
        self.network[id].routes = routes;
    }
}
