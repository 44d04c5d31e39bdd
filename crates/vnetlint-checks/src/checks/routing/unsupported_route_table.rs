//! VNL703: route configurations Azure documents as breaking a service or rejects: a default
//! route or no gateway propagation on `GatewaySubnet`, a default route away from the Internet on
//! `AzureFirewallSubnet` without forced tunnelling, two routes for one prefix in a table, and a
//! `VirtualNetworkGateway` next hop where no VPN gateway serves the subnet.

use std::collections::{BTreeMap, BTreeSet};

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, Firewall, Network, Route, RouteTable, Subnet, Val, VnetId};

use super::{is, route_in_table, route_name};
use crate::Context;
use crate::declare::declare_check;
use crate::finding::{label, name_label};

declare_check! {
    /// A route table holds a route configuration Azure rejects or documents as breaking a service.
    ///
    /// ## What it does
    /// Reports, at the offending route (or the table's setting):
    /// - on `GatewaySubnet`, a route table with a `0.0.0.0/0` route, or with gateway route
    ///   propagation off (`bgp_route_propagation_enabled = false`, azurerm 3
    ///   `disable_bgp_route_propagation = true`, ARM `disableBgpRoutePropagation: true`);
    /// - on `AzureFirewallSubnet`, a `0.0.0.0/0` route whose next hop is not `Internet` while the
    ///   firewall in that subnet has no management IP configuration (forced tunnelling);
    /// - two routes with the same address prefix in one table;
    /// - a `VirtualNetworkGateway` next hop in a table associated with a subnet of a virtual
    ///   network that has no VPN gateway and no peering that uses a remote gateway
    ///   (`use_remote_gateways`).
    ///
    /// Values that are unresolved decide nothing: a case is reported only when what it needs
    /// is known.
    ///
    /// ## Why is this bad?
    /// Azure rejects a route table with two routes for one prefix. A default route or disabled
    /// propagation on the gateway subnet is unsupported and stops the VPN or ExpressRoute gateway
    /// from working; Azure Firewall needs direct Internet connectivity unless it is deployed for
    /// forced tunnelling; and a `VirtualNetworkGateway` next hop with no VPN gateway to reach
    /// drops the traffic.
    ///
    /// ## Example
    /// ```hcl,expect=VNL703
    /// resource "azurerm_route_table" "spoke" {
    ///   name = "rt-spoke"
    ///   route {
    ///     name                   = "to-firewall"
    ///     address_prefix         = "10.0.0.0/8"
    ///     next_hop_type          = "VirtualAppliance"
    ///     next_hop_in_ip_address = "10.0.1.4"
    ///   }
    ///   route {
    ///     name           = "blackhole"
    ///     address_prefix = "10.0.0.0/8"
    ///     next_hop_type  = "None"
    ///   }
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL703
    /// { "type": "Microsoft.Network/routeTables", "apiVersion": "2023-09-01", "name": "rt-spoke",
    ///   "properties": { "routes": [
    ///     { "name": "to-firewall", "properties": { "addressPrefix": "10.0.0.0/8",
    ///       "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.4" } },
    ///     { "name": "blackhole", "properties": { "addressPrefix": "10.0.0.0/8",
    ///       "nextHopType": "None" } } ] } }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_route_table" "spoke" {
    ///   name = "rt-spoke"
    ///   route {
    ///     name                   = "to-firewall"
    ///     address_prefix         = "10.0.0.0/8"
    ///     next_hop_type          = "VirtualAppliance"
    ///     next_hop_in_ip_address = "10.0.1.4"
    ///   }
    /// }
    /// ```
    ///
    /// ```arm
    /// { "type": "Microsoft.Network/routeTables", "apiVersion": "2023-09-01", "name": "rt-spoke",
    ///   "properties": { "routes": [
    ///     { "name": "to-firewall", "properties": { "addressPrefix": "10.0.0.0/8",
    ///       "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.4" } } ] } }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Virtual network traffic routing](https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview)
    /// - [About VPN Gateway configuration settings: gateway subnet](https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub)
    /// - [Azure Firewall forced tunneling](https://learn.microsoft.com/azure/firewall/forced-tunneling)
    pub static UNSUPPORTED_ROUTE_TABLE = {
        code: "VNL703",
        name: "unsupported-route-table",
        level: Error,
        tags: ["correctness", "routing"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

const DEFAULT_ROUTE: &str = "0.0.0.0/0";

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for table in &net.route_tables {
        duplicate_prefixes(table, out);
    }
    let mut reported = BTreeSet::new();
    for (subnet_id, subnet) in net.iter_subnets() {
        let Some(&table_id) = subnet.route_table.as_ref().and_then(Attr::get) else {
            continue;
        };
        let table = &net[table_id];
        let name = subnet.meta.name.as_ref();
        if is(name, "GatewaySubnet") {
            gateway_subnet(subnet, table, out);
        } else if is(name, "AzureFirewallSubnet") {
            let firewalls = net.firewalls.iter().filter(|firewall| {
                firewall
                    .ip_configurations
                    .iter()
                    .any(|config| config.subnet.as_ref().and_then(Attr::get) == Some(&subnet_id))
            });
            for firewall in firewalls {
                firewall_subnet(subnet, table, firewall, out);
            }
        }
        if let Some(&vnet) = subnet.vnet.as_ref().and_then(Attr::get)
            && reported.insert((table_id, vnet))
        {
            gateway_next_hops(net, subnet, table, vnet, out);
        }
    }
}

/// A finding at `span` of `route` (or of the table) in `table`.
fn at_route(
    table: &RouteTable,
    route: &Route,
    span: vnetlint_ir::Span,
    text: &str,
    message: String,
) -> Finding {
    UNSUPPORTED_ROUTE_TABLE
        .finding_at(&table.meta, span, text, message)
        .with_fingerprint_key(format!("{}:{text}", route.address))
}

fn is_default_route(route: &Route) -> bool {
    is(route.address_prefix.as_ref(), DEFAULT_ROUTE)
}

/// Two routes of one table with the same (known) prefix: the later one is reported.
fn duplicate_prefixes(table: &RouteTable, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<String, &Route> = BTreeMap::new();
    for route in &table.routes {
        let Some(prefix) = route.address_prefix.as_ref() else {
            continue;
        };
        let Some(text) = prefix.get() else {
            continue;
        };
        let key = text.trim().to_ascii_lowercase();
        let Some(first) = seen.get(&key) else {
            seen.insert(key, route);
            continue;
        };
        let message = format!(
            "{} has the same prefix `{text}` as route `{}`: Azure rejects a route table with two routes for one prefix; remove one of them or merge them",
            route_in_table(route, table),
            route_name(first)
        );
        let first_span = first.address_prefix.as_ref().map_or(first.span, |p| p.span);
        out.push(
            at_route(table, route, prefix.span, "duplicate prefix", message).with_secondary(label(
                &table.meta,
                first_span,
                "first route with this prefix",
            )),
        );
    }
}

/// A default route, or gateway propagation off, in the table of `GatewaySubnet`.
fn gateway_subnet(subnet: &Subnet, table: &RouteTable, out: &mut Vec<Finding>) {
    let on_subnet = name_label(&subnet.meta, "the gateway subnet");
    let table_name = table.meta.display_name();
    for route in table.routes.iter().filter(|route| is_default_route(route)) {
        let span = route.address_prefix.as_ref().map_or(route.span, |p| p.span);
        let message = format!(
            "{} is a `0.0.0.0/0` route on `GatewaySubnet`: Azure does not support a default route on the gateway subnet, and the virtual network gateway stops working; remove the route, or associate a table without it",
            route_in_table(route, table)
        );
        out.push(
            at_route(
                table,
                route,
                span,
                "default route on the gateway subnet",
                message,
            )
            .with_secondary(on_subnet.clone()),
        );
    }
    if let Some(Attr {
        value: Val::Known(false),
        span,
        ..
    }) = &table.gateway_propagation
    {
        let message = format!(
            "route table `{table_name}` on `GatewaySubnet` turns gateway route propagation off: Azure does not support this on the gateway subnet, and the gateway loses the routes it needs; leave propagation on (`bgp_route_propagation_enabled = true`, ARM `disableBgpRoutePropagation: false`)"
        );
        out.push(
            UNSUPPORTED_ROUTE_TABLE
                .finding_at(&table.meta, *span, "gateway propagation off", message)
                .with_secondary(on_subnet)
                .with_fingerprint_key(format!("{}:propagation", table.meta.address)),
        );
    }
}

/// A default route away from the Internet in the table of `AzureFirewallSubnet`, for a firewall
/// without a management IP configuration.
fn firewall_subnet(
    subnet: &Subnet,
    table: &RouteTable,
    firewall: &Firewall,
    out: &mut Vec<Finding>,
) {
    if firewall.management.is_some() {
        return;
    }
    for route in table.routes.iter().filter(|route| is_default_route(route)) {
        let Some(next_hop) = route.next_hop_type.as_ref() else {
            continue;
        };
        let Some(kind) = next_hop.get() else {
            continue;
        };
        if kind.trim().eq_ignore_ascii_case("Internet") {
            continue;
        }
        let message = format!(
            "{} on `AzureFirewallSubnet` sends `0.0.0.0/0` to `{kind}` while firewall `{}` has no management IP configuration: the firewall needs direct Internet connectivity, and Azure fails it; set the next hop to `Internet`, or give the firewall a management IP configuration (forced tunnelling)",
            route_in_table(route, table),
            firewall.meta.display_name()
        );
        out.push(
            at_route(
                table,
                route,
                next_hop.span,
                "default route away from the Internet",
                message,
            )
            .with_secondary(name_label(&subnet.meta, "the firewall subnet"))
            .with_secondary(name_label(&firewall.meta, "no management IP configuration")),
        );
    }
}

/// `VirtualNetworkGateway` next hops in a table used by a subnet of `vnet`, which has no VPN
/// gateway and no peering that uses a remote gateway.
fn gateway_next_hops(
    net: &Network,
    subnet: &Subnet,
    table: &RouteTable,
    vnet: VnetId,
    out: &mut Vec<Finding>,
) {
    let routes: Vec<&Route> = table
        .routes
        .iter()
        .filter(|route| is(route.next_hop_type.as_ref(), "VirtualNetworkGateway"))
        .collect();
    if routes.is_empty() || has_gateway(net, vnet) != Some(false) {
        return;
    }
    let vnet_name = net[vnet].meta.display_name();
    for route in routes {
        let span = route.next_hop_type.as_ref().map_or(route.span, |t| t.span);
        let message = format!(
            "{} sends traffic to `VirtualNetworkGateway`, but virtual network `{vnet_name}` of subnet `{}` has no VPN gateway and no peering that uses a remote gateway: Azure drops the traffic; deploy a VPN gateway in the virtual network, set `use_remote_gateways` on its peering to a hub that has one, or change the next hop",
            route_in_table(route, table),
            subnet.meta.display_name()
        );
        out.push(
            at_route(table, route, span, "no VPN gateway to send to", message)
                .with_secondary(name_label(&subnet.meta, "subnet using the table")),
        );
    }
}

/// Whether a VPN gateway serves `vnet`: its own, or a remote one through a peering; `None` when
/// an unresolved value could decide it.
fn has_gateway(net: &Network, vnet: VnetId) -> Option<bool> {
    // Each gateway and peering of the VNet says whether it serves it; `None`: it may.
    let gateways = net.vnet_gateways.iter().filter_map(|gateway| {
        let subnet = gateway.subnet.as_ref()?;
        let Some(&subnet) = subnet.get() else {
            return Some(None);
        };
        let serves = match gateway.gateway_type.as_ref().map(|t| &t.value) {
            Some(Val::Known(kind)) => Some(kind.eq_ignore_ascii_case("Vpn")),
            _ => None,
        };
        in_vnet(net[subnet].vnet.as_ref(), vnet, serves)
    });
    let peerings = net.peerings.iter().filter_map(|peering| {
        let serves = match peering.use_remote_gateways.as_ref().map(|u| &u.value) {
            Some(Val::Known(on)) => Some(*on),
            Some(Val::Unknown(_)) => None,
            None => Some(false),
        };
        in_vnet(peering.vnet.as_ref(), vnet, serves)
    });
    let mut unknown = false;
    for serves in gateways.chain(peerings) {
        match serves {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(false)
}

/// What an element of the VNet at `link` says (`serves`), when that VNet is `vnet`: nothing
/// (`None`) for another VNet, unknown (`Some(None)`) when the VNet is unresolved.
#[allow(clippy::option_option)]
fn in_vnet(
    link: Option<&Attr<VnetId>>,
    vnet: VnetId,
    serves: Option<bool>,
) -> Option<Option<bool>> {
    match link.map(|v| &v.value) {
        Some(Val::Known(owner)) => (*owner == vnet).then_some(serves),
        _ => Some(None),
    }
}
