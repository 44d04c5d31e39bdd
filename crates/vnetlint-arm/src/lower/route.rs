//! Route tables with their inline routes, `routes` child resources, and NAT gateways.

use vnetlint_ir::{Attr, ElementId, NatGateway, Network, Route, RouteTable};

use super::read::{boolean, shape_string, string};
use super::{Resource, props};
use crate::value::Value;

/// `Microsoft.Network/routeTables`: its inline routes come before the child resources'
/// (which may be filled first, in declaration order).
pub(super) fn route_table(resource: &Resource<'_>, table: &mut RouteTable) {
    let routes = resource.get(&["routes"]).map_or(&[][..], Value::elements);
    let inline: Vec<Route> = routes
        .iter()
        .map(|r| {
            let name = r.get("name").and_then(|n| n.as_str()).unwrap_or("");
            route(r, format!("{}/routes/{name}", resource.instance.address))
        })
        .collect();
    table.routes.splice(0..0, inline);
    table.gateway_propagation =
        boolean(resource.get(&["disableBgpRoutePropagation"])).map(Attr::negated);
}

/// `Microsoft.Network/natGateways`: its public IPs (`publicIpAddresses`, `[{ "id": ... }]`).
pub(super) fn nat_gateway(resource: &Resource<'_>, gateway: &mut NatGateway) {
    gateway.public_ips = resource
        .get(&["publicIpAddresses"])
        .map(|list| resource.targets.link_items(list))
        .unwrap_or_default();
}

/// A `routes` child resource, added to its parent table when that is in the template.
pub(super) fn child_route(resource: &Resource<'_>, network: &mut Network) {
    if let Some(ElementId::RouteTable(table)) = resource.parent_element() {
        network[table].routes.push(route(
            &resource.instance.body,
            resource.instance.address.clone(),
        ));
    }
}

/// One route, inline or a child resource.
fn route(route: &Value, address: String) -> Route {
    let properties = props(route, route.span);
    Route {
        span: route.span,
        address,
        name: route.get("name").and_then(shape_string),
        address_prefix: string(properties.get("addressPrefix")),
        next_hop_type: string(properties.get("nextHopType")),
        next_hop_ip: string(properties.get("nextHopIpAddress")),
    }
}
