//! VNL503: connected networks whose address ranges overlap: peered virtual networks, virtual
//! networks joined by a VNet-to-VNet connection, or a virtual network and an on-premises range
//! behind its gateway.

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, LocalGatewayId, Meta, Network, VnetGatewayId, VnetId};

use super::{later, show};
use crate::Context;
use crate::analysis::addresses::{Prefix, overlaps, prefixes};
use crate::declare::declare_check;
use crate::finding::{label, name_label};

declare_check! {
    /// Connected networks overlap: peered virtual networks, or a virtual network and an on-premises range behind its gateway, share addresses.
    ///
    /// ## What it does
    /// Compares the address spaces of every two virtual networks joined by a peering (declared
    /// in either direction, complete or not) or by a VNet-to-VNet gateway connection, and the
    /// address space of every virtual network with the `address_space` of each local network
    /// gateway that a connection ties to the network's gateway. Each pair of overlapping
    /// elements is reported once: between two virtual networks at the range declared later,
    /// between a virtual network and an on-premises site at the local network gateway's range;
    /// the other range and the peering or connection are secondary locations.
    ///
    /// Unknown ranges are skipped (an unknown value is not assumed to overlap). On-premises
    /// ranges reached through a peered hub's gateway (gateway transit) and prefixes learned
    /// over BGP are not known to the templates and are not compared.
    ///
    /// ## Why is this bad?
    /// Azure refuses to peer virtual networks whose address spaces overlap. Across a gateway,
    /// an address that is both in the virtual network and on-premises is always routed inside
    /// the virtual network, so the on-premises hosts (or the other network's hosts) in the
    /// shared range cannot be reached.
    ///
    /// ## Example
    /// ```hcl,expect=VNL503
    /// resource "azurerm_virtual_network" "hub" {
    ///   name                = "vnet-hub"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_virtual_network" "spoke" {
    ///   name                = "vnet-spoke"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.128.0/17"]
    /// }
    ///
    /// resource "azurerm_virtual_network_peering" "hub_to_spoke" {
    ///   name                      = "hub-to-spoke"
    ///   resource_group_name       = "rg"
    ///   virtual_network_name      = azurerm_virtual_network.hub.name
    ///   remote_virtual_network_id = azurerm_virtual_network.spoke.id
    /// }
    ///
    /// resource "azurerm_virtual_network_peering" "spoke_to_hub" {
    ///   name                      = "spoke-to-hub"
    ///   resource_group_name       = "rg"
    ///   virtual_network_name      = azurerm_virtual_network.spoke.name
    ///   remote_virtual_network_id = azurerm_virtual_network.hub.id
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL503
    /// [
    ///   {
    ///     "type": "Microsoft.Network/virtualNetworks",
    ///     "apiVersion": "2023-09-01",
    ///     "name": "vnet-hub",
    ///     "properties": {
    ///       "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
    ///       "virtualNetworkPeerings": [
    ///         {
    ///           "name": "hub-to-spoke",
    ///           "properties": {
    ///             "remoteVirtualNetwork": { "id": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-spoke')]" }
    ///           }
    ///         }
    ///       ]
    ///     }
    ///   },
    ///   {
    ///     "type": "Microsoft.Network/virtualNetworks",
    ///     "apiVersion": "2023-09-01",
    ///     "name": "vnet-spoke",
    ///     "properties": {
    ///       "addressSpace": { "addressPrefixes": ["10.0.128.0/17"] },
    ///       "virtualNetworkPeerings": [
    ///         {
    ///           "name": "spoke-to-hub",
    ///           "properties": {
    ///             "remoteVirtualNetwork": { "id": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-hub')]" }
    ///           }
    ///         }
    ///       ]
    ///     }
    ///   }
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_virtual_network" "hub" {
    ///   name                = "vnet-hub"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_virtual_network" "spoke" {
    ///   name                = "vnet-spoke"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.1.0.0/16"]
    /// }
    ///
    /// resource "azurerm_virtual_network_peering" "hub_to_spoke" {
    ///   name                      = "hub-to-spoke"
    ///   resource_group_name       = "rg"
    ///   virtual_network_name      = azurerm_virtual_network.hub.name
    ///   remote_virtual_network_id = azurerm_virtual_network.spoke.id
    /// }
    ///
    /// resource "azurerm_virtual_network_peering" "spoke_to_hub" {
    ///   name                      = "spoke-to-hub"
    ///   resource_group_name       = "rg"
    ///   virtual_network_name      = azurerm_virtual_network.spoke.name
    ///   remote_virtual_network_id = azurerm_virtual_network.hub.id
    /// }
    /// ```
    ///
    /// ```arm
    /// [
    ///   {
    ///     "type": "Microsoft.Network/virtualNetworks",
    ///     "apiVersion": "2023-09-01",
    ///     "name": "vnet-hub",
    ///     "properties": {
    ///       "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
    ///       "virtualNetworkPeerings": [
    ///         {
    ///           "name": "hub-to-spoke",
    ///           "properties": {
    ///             "remoteVirtualNetwork": { "id": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-spoke')]" }
    ///           }
    ///         }
    ///       ]
    ///     }
    ///   },
    ///   {
    ///     "type": "Microsoft.Network/virtualNetworks",
    ///     "apiVersion": "2023-09-01",
    ///     "name": "vnet-spoke",
    ///     "properties": {
    ///       "addressSpace": { "addressPrefixes": ["10.1.0.0/16"] },
    ///       "virtualNetworkPeerings": [
    ///         {
    ///           "name": "spoke-to-hub",
    ///           "properties": {
    ///             "remoteVirtualNetwork": { "id": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-hub')]" }
    ///           }
    ///         }
    ///       ]
    ///     }
    ///   }
    /// ]
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Virtual network peering: requirements and constraints](https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#requirements-and-constraints)
    /// - [Create a site-to-site VPN connection](https://learn.microsoft.com/azure/vpn-gateway/tutorial-site-to-site-portal)
    pub static OVERLAPPING_CONNECTED_ADDRESS_SPACE = {
        code: "VNL503",
        name: "overlapping-connected-address-space",
        level: Error,
        tags: ["correctness", "network"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

/// What joins two networks, for the message and the secondary label.
#[derive(Clone, Copy)]
enum Link<'a> {
    Peering(&'a Meta),
    Vnet2Vnet(&'a Meta),
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    // One entry per unordered pair of virtual networks, with the first link declared.
    let mut pairs: Vec<(VnetId, VnetId, Link<'_>)> = Vec::new();
    for peering in &net.peerings {
        if let (Some(&a), Some(&b)) = (
            known(peering.vnet.as_ref()),
            known(peering.remote_vnet.as_ref()),
        ) {
            add_pair(&mut pairs, a, b, Link::Peering(&peering.meta));
        }
    }
    for connection in &net.gateway_connections {
        let a = known(connection.gateway.as_ref()).and_then(|&g| gateway_vnet(net, g));
        let b = known(connection.peer_gateway.as_ref()).and_then(|&g| gateway_vnet(net, g));
        if let (Some(a), Some(b)) = (a, b) {
            add_pair(&mut pairs, a, b, Link::Vnet2Vnet(&connection.meta));
        }
    }
    for (a, b, link) in pairs {
        vnet_pair(net, a, b, link, out);
    }

    let mut sites: Vec<(VnetId, LocalGatewayId, &Meta)> = Vec::new();
    for connection in &net.gateway_connections {
        let vnet = known(connection.gateway.as_ref()).and_then(|&g| gateway_vnet(net, g));
        let site = known(connection.local_gateway.as_ref()).copied();
        if let (Some(vnet), Some(site)) = (vnet, site)
            && !sites.iter().any(|&(v, s, _)| (v, s) == (vnet, site))
        {
            sites.push((vnet, site, &connection.meta));
        }
    }
    for (vnet, site, connection) in sites {
        on_premises(net, vnet, site, connection, out);
    }
}

/// Adds the unordered pair `{a, b}` unless it is already there or a network with itself.
fn add_pair<'a>(pairs: &mut Vec<(VnetId, VnetId, Link<'a>)>, a: VnetId, b: VnetId, link: Link<'a>) {
    let key = (a.min(b), a.max(b));
    if a != b && !pairs.iter().any(|&(x, y, _)| (x, y) == key) {
        pairs.push((key.0, key.1, link));
    }
}

fn known<T>(attr: Option<&Attr<T>>) -> Option<&T> {
    attr.and_then(Attr::get)
}

/// The virtual network a gateway lives in, through its `GatewaySubnet`.
fn gateway_vnet(net: &Network, gateway: VnetGatewayId) -> Option<VnetId> {
    let subnet = *known(net.vnet_gateways.get(gateway.index())?.subnet.as_ref())?;
    known(net.subnets.get(subnet.index())?.vnet.as_ref()).copied()
}

fn vnet_pair(net: &Network, a: VnetId, b: VnetId, link: Link<'_>, out: &mut Vec<Finding>) {
    let (va, vb) = (&net[a], &net[b]);
    let ranges_a = prefixes(va.address_space.as_ref()).0;
    let ranges_b = prefixes(vb.address_space.as_ref()).0;
    let (how, why, link) = match link {
        Link::Peering(meta) => (
            "which it is peered with",
            "Azure refuses to peer virtual networks whose address spaces overlap",
            (meta, "peered here"),
        ),
        Link::Vnet2Vnet(meta) => (
            "which it is connected to through a VNet-to-VNet gateway connection",
            "addresses in the shared range are routed inside each network and never cross the connection",
            (meta, "connected here"),
        ),
    };
    for (pa, pb, shared) in overlaps(&ranges_a, &ranges_b) {
        let ((vnet, prefix), (other, other_prefix)) = if later(pa.span, pb.span) {
            ((va, pa), (vb, pb))
        } else {
            ((vb, pb), (va, pa))
        };
        let message = format!(
            "address range `{}` of virtual network `{}` overlaps range `{}` of `{}`, {how} (shared: {}): {why}; renumber one of the networks so that their ranges are disjoint",
            prefix.text,
            vnet.meta.display_name(),
            other_prefix.text,
            other.meta.display_name(),
            show(&shared, 3),
        );
        let at = (&vnet.meta, prefix, "overlaps a connected network");
        out.push(finding(at, (&other.meta, other_prefix), link, message));
    }
}

fn on_premises(
    net: &Network,
    vnet_id: VnetId,
    site_id: LocalGatewayId,
    connection: &Meta,
    out: &mut Vec<Finding>,
) {
    let (vnet, site) = (&net[vnet_id], &net[site_id]);
    let space: Vec<Prefix<'_>> = prefixes(vnet.address_space.as_ref()).0;
    let remote_ranges = prefixes(site.address_space.as_ref()).0;
    for (remote, local, shared) in overlaps(&remote_ranges, &space) {
        let message = format!(
            "on-premises range `{}` of local network gateway `{}` overlaps address range `{}` of virtual network `{}`, whose gateway connects to it (shared: {}): addresses in the shared range are routed inside the virtual network, so the on-premises hosts there cannot be reached; narrow the on-premises range or renumber the virtual network",
            remote.text,
            site.meta.display_name(),
            local.text,
            vnet.meta.display_name(),
            show(&shared, 3),
        );
        let at = (&site.meta, remote, "overlaps the connected virtual network");
        let link = (connection, "connected here");
        out.push(finding(at, (&vnet.meta, local), link, message));
    }
}

/// The finding at the range `prefix` of `owner`, which overlaps the range of `other`, with
/// the peering or connection that joins them.
fn finding(
    (owner, prefix, label_text): (&Meta, &Prefix<'_>, &str),
    (other, other_prefix): (&Meta, &Prefix<'_>),
    (link, link_label): (&Meta, &str),
    message: String,
) -> Finding {
    let other_range = format!("address range of `{}`", other.display_name());
    OVERLAPPING_CONNECTED_ADDRESS_SPACE
        .finding_at(owner, prefix.span, label_text, message)
        .with_secondary(label(other, other_prefix.span, other_range))
        .with_secondary(name_label(link, link_label))
        .with_fingerprint_key(format!("{} {}", prefix.text, other.address))
}
