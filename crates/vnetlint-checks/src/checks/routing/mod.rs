//! Checks about where packets go once NSGs let them out (VNL701 and up): route tables, next
//! hops and appliances, read from the IR alone.

pub(crate) mod asymmetric_route;
pub(crate) mod ip_forwarding_disabled;
pub(crate) mod unsupported_route_table;

use vnetlint_ir::{Attr, Route, RouteTable};

/// Whether a string attribute is known and equal to `expected`, ignoring case (Azure's enums,
/// subnet names).
fn is(attr: Option<&Attr<String>>, expected: &str) -> bool {
    attr.and_then(Attr::get)
        .is_some_and(|text| text.trim().eq_ignore_ascii_case(expected))
}

/// How a message names a route: "route `default` of route table `rt-spoke`" (the route's
/// address when it has no known name).
fn route_in_table(route: &Route, table: &RouteTable) -> String {
    format!(
        "route `{}` of route table `{}`",
        route_name(route),
        table.meta.display_name()
    )
}

/// A route's name, else its address.
fn route_name(route: &Route) -> &str {
    route
        .name
        .as_ref()
        .and_then(Attr::get)
        .map_or(route.address.as_str(), String::as_str)
}
