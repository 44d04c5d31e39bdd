//! VNL701: a route's next hop is a network interface in the templates whose IP forwarding is
//! off, so Azure drops what the route sends to it.

use std::net::IpAddr;

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, Network, Nic, Reference, Route, RouteTable, Val};

use super::{is, route_in_table};
use crate::Context;
use crate::checks::frontend::unresolved_value::unresolved_at;
use crate::declare::declare_check;
use crate::finding::{label, name_label};

declare_check! {
    /// A route sends traffic to a network interface whose IP forwarding is off, so Azure drops it.
    ///
    /// ## What it does
    /// Reports each route with next hop `VirtualAppliance` whose `next_hop_in_ip_address` is the
    /// private IP of a network interface in the scanned templates (written as the address, or
    /// as a reference to the interface's `private_ip_address`) when that interface does not
    /// turn IP forwarding on (`ip_forwarding_enabled`, azurerm 3 `enable_ip_forwarding`, ARM
    /// `enableIPForwarding`; off when not written). The finding is at the next hop and names
    /// the interface. When the interface's setting is unresolved, VNL002 says so instead.
    ///
    /// ## Why is this bad?
    /// A virtual appliance forwards packets that are not addressed to it. Azure delivers such a
    /// packet to a network interface only when IP forwarding is on; otherwise it drops it, and
    /// everything the route covers is lost without a trace in the appliance.
    ///
    /// ## Example
    /// ```hcl,expect=VNL701
    /// resource "azurerm_network_interface" "nva" {
    ///   name = "nic-nva"
    ///   ip_configuration {
    ///     name                          = "ipconfig"
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.0.2.4"
    ///   }
    /// }
    ///
    /// resource "azurerm_route_table" "spoke" {
    ///   name = "rt-spoke"
    ///   route {
    ///     name                   = "default"
    ///     address_prefix         = "0.0.0.0/0"
    ///     next_hop_type          = "VirtualAppliance"
    ///     next_hop_in_ip_address = "10.0.2.4"
    ///   }
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL701
    /// { "type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01",
    ///   "name": "nic-nva",
    ///   "properties": { "ipConfigurations": [ { "name": "ipconfig", "properties": {
    ///     "privateIPAllocationMethod": "Static", "privateIPAddress": "10.0.2.4" } } ] } },
    /// { "type": "Microsoft.Network/routeTables", "apiVersion": "2023-09-01", "name": "rt-spoke",
    ///   "properties": { "routes": [ { "name": "default", "properties": {
    ///     "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
    ///     "nextHopIpAddress": "10.0.2.4" } } ] } }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_network_interface" "nva" {
    ///   name                  = "nic-nva"
    ///   ip_forwarding_enabled = true
    ///   ip_configuration {
    ///     name                          = "ipconfig"
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.0.2.4"
    ///   }
    /// }
    ///
    /// resource "azurerm_route_table" "spoke" {
    ///   name = "rt-spoke"
    ///   route {
    ///     name                   = "default"
    ///     address_prefix         = "0.0.0.0/0"
    ///     next_hop_type          = "VirtualAppliance"
    ///     next_hop_in_ip_address = "10.0.2.4"
    ///   }
    /// }
    /// ```
    ///
    /// ```arm
    /// { "type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01",
    ///   "name": "nic-nva",
    ///   "properties": { "enableIPForwarding": true, "ipConfigurations": [ { "name": "ipconfig",
    ///     "properties": { "privateIPAllocationMethod": "Static",
    ///       "privateIPAddress": "10.0.2.4" } } ] } }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Virtual network traffic routing: next hop types](https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#user-defined)
    /// - [Enable or disable IP forwarding](https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface?tabs=azure-portal#enable-or-disable-ip-forwarding-for-a-network-interface)
    pub static IP_FORWARDING_DISABLED = {
        code: "VNL701",
        name: "ip-forwarding-disabled",
        level: Error,
        tags: ["correctness", "routing"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for table in &net.route_tables {
        for route in &table.routes {
            if !is(route.next_hop_type.as_ref(), "VirtualAppliance") {
                continue;
            }
            let Some(next_hop) = &route.next_hop_ip else {
                continue;
            };
            for nic in nics_at(net, next_hop) {
                check_nic(table, route, next_hop, nic, out);
            }
        }
    }
}

/// The network interfaces a next hop names: those whose private IP is the address written, or
/// the one whose private IP the next hop refers to.
fn nics_at<'n>(net: &'n Network, next_hop: &Attr<String>) -> Vec<&'n Nic> {
    match &next_hop.value {
        Val::Known(text) => {
            let Ok(address) = text.trim().parse::<IpAddr>() else {
                return Vec::new();
            };
            net.nics
                .iter()
                .filter(|nic| {
                    nic.ip_configurations.iter().any(|config| {
                        config
                            .private_ip
                            .as_ref()
                            .and_then(Attr::get)
                            .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
                            == Some(address)
                    })
                })
                .collect()
        }
        Val::Unknown(unknown) => unknown
            .reference
            .as_ref()
            .filter(|reference| is_private_ip(reference))
            .and_then(|reference| {
                net.nics
                    .iter()
                    .find(|nic| nic.meta.address.eq_ignore_ascii_case(&reference.address))
            })
            .into_iter()
            .collect(),
    }
}

/// Whether a reference reads a private IP address (`ip_configuration[0].private_ip_address`,
/// `private_ip_address`, `ipConfigurations[0].properties.privateIPAddress`).
fn is_private_ip(reference: &Reference) -> bool {
    let last = reference
        .attribute
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    last == "private_ip_address" || last == "privateipaddress"
}

fn check_nic(
    table: &RouteTable,
    route: &Route,
    next_hop: &Attr<String>,
    nic: &Nic,
    out: &mut Vec<Finding>,
) {
    let nic_name = nic.meta.display_name();
    let secondary = match &nic.ip_forwarding {
        Some(Attr {
            value: Val::Known(true),
            ..
        }) => return,
        Some(Attr {
            value: Val::Unknown(_),
            span,
            ..
        }) => {
            let message = format!(
                "whether network interface `{nic_name}` forwards IP traffic is unresolved: {} sends traffic to it, which Azure drops unless IP forwarding is on",
                route_in_table(route, table)
            );
            out.push(unresolved_at(
                &IP_FORWARDING_DISABLED,
                &nic.meta,
                *span,
                message,
                &route.address,
            ));
            return;
        }
        Some(written) => label(&nic.meta, written.span, "IP forwarding is off here"),
        None => name_label(&nic.meta, "IP forwarding is off (not written)"),
    };
    let message = format!(
        "{} sends traffic to network interface `{nic_name}`, whose IP forwarding is off: Azure drops the packets it should forward; set `ip_forwarding_enabled = true` (azurerm 3: `enable_ip_forwarding`, ARM: `enableIPForwarding`) on the network interface",
        route_in_table(route, table)
    );
    out.push(
        IP_FORWARDING_DISABLED
            .finding_at(
                &table.meta,
                next_hop.span,
                "next hop without IP forwarding",
                message,
            )
            .with_secondary(secondary)
            .with_fingerprint_key(route.address.clone()),
    );
}
