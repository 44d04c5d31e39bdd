//! Effective routes of a subnet (routing spec §2): the system routes, the routes a virtual
//! network gateway propagates and the subnet's user-defined routes, resolved by longest prefix
//! (then user > gateway > system) into a partition of the address space in which each part has
//! exactly one next hop.
//!
//! Why a partition of address *sets*: one route table splits a destination range into parts
//! with different next hops, and the path engine must follow every part, never one sample
//! address (spec §2, last paragraph).

use std::collections::BTreeMap;
use std::net::IpAddr;

use vnetlint_ir::{Attr, ElementId, FirewallId, Network, NicId, RouteTableId, SubnetId, VnetId};

use crate::addr::AddrSet;
use crate::tags::{TagLookup, lookup_tag};

/// Where a route sends a packet (spec §3).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NextHop {
    /// Delivered inside this virtual network.
    VnetLocal(VnetId),
    /// Delivered in a connected peer.
    Peering(VnetId),
    /// Leaves Azure toward a public address.
    Internet,
    /// Toward on-premises through the gateway of this virtual network (its own, or the hub's
    /// through gateway transit).
    Gateway(VnetId),
    /// Handed to an appliance.
    Appliance(Appliance),
    /// Dropped (`None`).
    Drop,
}

/// A `VirtualAppliance` next hop, resolved to what holds its address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Appliance {
    Firewall(FirewallId),
    /// A VM's NIC (a network virtual appliance).
    Nva(NicId),
    /// An address no scanned element holds (the appliance is managed elsewhere), or a value
    /// vnetlint cannot resolve: assumed to forward, and marked so.
    Outside(String),
}

/// Where an effective route comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteOrigin {
    System,
    /// Learned by a gateway (from the templates' local network gateways).
    Gateway,
    /// The `index`th route of a route table.
    User(RouteTableId, usize),
}

/// One route of the effective table, with the destinations it decides after longest-prefix
/// resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveRoute {
    /// The prefix as written (`0.0.0.0/0`, `10.1.0.0/16`).
    pub prefix: String,
    /// The destinations this route decides (its prefix minus every more specific route).
    pub addresses: AddrSet,
    pub next_hop: NextHop,
    pub origin: RouteOrigin,
    /// A reading the spec marks UNSURE, shown with any hop through this route.
    pub note: Option<&'static str>,
}

/// A subnet's effective routes: disjoint parts covering every address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EffectiveRoutes {
    pub routes: Vec<EffectiveRoute>,
    /// Routes vnetlint could not place (an unresolved prefix, a service tag).
    pub notes: Vec<String>,
    /// Notes that concern only the packets to one address (a private endpoint whose /32 a user
    /// route invalidates).
    pub address_notes: Vec<(IpAddr, String)>,
}

impl EffectiveRoutes {
    /// The route deciding one address.
    pub fn lookup(&self, ip: IpAddr) -> Option<&EffectiveRoute> {
        self.routes.iter().find(|r| r.addresses.contains(ip))
    }
}

/// The private ranges Azure's system routes drop unless a more specific route exists.
pub(crate) const PRIVATE_NONE: [&str; 4] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
];

const IANA_NOTE: &str = "the subnet's route table has a 0.0.0.0/0 route, so the system routes that drop 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 100.64.0.0/10 are taken as invalid and private destinations follow it (routing spec §2, UNSURE)";

struct Candidate {
    prefix: String,
    set: AddrSet,
    len: u8,
    /// 0 user, 1 gateway, 2 system: the tie-break among equal prefixes.
    rank: u8,
    next_hop: NextHop,
    origin: RouteOrigin,
    note: Option<&'static str>,
}

/// The inputs of a subnet's routes that the topology has already computed.
pub(crate) struct RouteInputs<'a> {
    pub net: &'a Network,
    pub vnet: VnetId,
    pub vnet_space: Option<&'a AddrSet>,
    /// Address spaces of connected peers.
    pub peers: Vec<(VnetId, AddrSet)>,
    /// On-premises ranges and the VNet whose gateway carries them.
    pub gateway_ranges: Vec<(VnetId, AddrSet)>,
    /// What each `VirtualAppliance` route's next hop is, resolved once per route (a table is
    /// usually shared by many subnets, and resolving looks through the whole network).
    pub appliances: &'a BTreeMap<(RouteTableId, usize), Appliance>,
    /// Private endpoints' /32 routes (in this VNet and its peers count).
    pub endpoints: &'a [crate::endpoint::EndpointRoute],
}

/// Every `VirtualAppliance` route's next hop, resolved.
pub(crate) fn resolve_appliances(net: &Network) -> BTreeMap<(RouteTableId, usize), Appliance> {
    let mut out = BTreeMap::new();
    for (t, table) in net.route_tables.iter().enumerate() {
        let table_id = RouteTableId(u32::try_from(t).unwrap_or(u32::MAX));
        for (index, route) in table.routes.iter().enumerate() {
            let appliance = route
                .next_hop_type
                .as_ref()
                .and_then(Attr::get)
                .is_some_and(|t| t.eq_ignore_ascii_case("VirtualAppliance"));
            if appliance {
                out.insert((table_id, index), resolve_appliance(net, route));
            }
        }
    }
    out
}

/// The effective routes of `subnet`.
pub(crate) fn effective_routes(inputs: &RouteInputs<'_>, subnet: SubnetId) -> EffectiveRoutes {
    let net = inputs.net;
    let mut notes = Vec::new();
    let mut address_notes = Vec::new();
    let mut candidates = Vec::new();
    let table = net.subnets[subnet.index()]
        .route_table
        .as_ref()
        .and_then(Attr::get)
        .copied();
    let propagation = table
        .and_then(|t| net.route_tables[t.index()].gateway_propagation.as_ref())
        .is_none_or(|p| p.get().copied().unwrap_or(true));
    let mut default_udr = false;
    if let Some(table) = table {
        for (index, route) in net.route_tables[table.index()].routes.iter().enumerate() {
            match user_candidate(inputs, table, index, route) {
                Ok(candidate) => {
                    default_udr |= candidate.len == 0;
                    candidates.push(candidate);
                }
                Err(note) => notes.push(note),
            }
        }
    }
    // A private endpoint's /32, in its VNet and peered VNets: it wins by longest prefix, unless
    // route policies are on for its subnet and a user route no longer than the VNet's address
    // space covers it (routing spec §8, edge case 7).
    for endpoint in inputs.endpoints {
        let next_hop = if endpoint.vnet == inputs.vnet {
            NextHop::VnetLocal(endpoint.vnet)
        } else if inputs.peers.iter().any(|(p, _)| *p == endpoint.vnet) {
            NextHop::Peering(endpoint.vnet)
        } else {
            continue;
        };
        let invalidated = endpoint.routes_policy
            && candidates.iter().any(|c: &Candidate| {
                // "No longer than the VNet's space" but never 0.0.0.0/0 (edge case 7).
                matches!(c.origin, RouteOrigin::User(..))
                    && c.len > 0
                    && c.len <= endpoint.space_len
                    && c.set.contains(endpoint.ip)
            });
        if invalidated {
            address_notes.push((
                endpoint.ip,
                format!(
                    "the /32 route of private endpoint `{}` is invalidated by a user route no longer than its VNet's address space (network policies for routes are on)",
                    endpoint.address
                ),
            ));
            continue;
        }
        let len = if endpoint.ip.is_ipv4() { 32 } else { 128 };
        candidates.push(Candidate {
            prefix: format!("{}/{len}", endpoint.ip),
            set: AddrSet::from_ip(endpoint.ip),
            len,
            rank: 2,
            next_hop,
            origin: RouteOrigin::System,
            note: None,
        });
    }
    // System routes: the VNet's own space, connected peers, the Internet and the private
    // ranges dropped unless something more specific exists.
    let mut kept = AddrSet::empty();
    if let Some(space) = inputs.vnet_space {
        kept = kept.union(space);
        for cidr in space.to_cidrs() {
            candidates.push(system(&cidr, NextHop::VnetLocal(inputs.vnet), None));
        }
    }
    for (peer, space) in &inputs.peers {
        kept = kept.union(space);
        for cidr in space.to_cidrs() {
            candidates.push(system(&cidr, NextHop::Peering(*peer), None));
        }
    }
    candidates.push(system("0.0.0.0/0", NextHop::Internet, None));
    candidates.push(system("::/0", NextHop::Internet, None));
    if !default_udr {
        for cidr in PRIVATE_NONE {
            candidates.push(system(cidr, NextHop::Drop, None));
        }
    }
    if propagation {
        for (via, ranges) in &inputs.gateway_ranges {
            // The VNet's own space and its peers stay system routes even when a gateway
            // route is more specific (spec §2).
            let ranges = ranges.subtract(&kept);
            for cidr in ranges.to_cidrs() {
                if let Some(mut candidate) = cidr_candidate(&cidr, NextHop::Gateway(*via)) {
                    candidate.rank = 1;
                    candidate.origin = RouteOrigin::Gateway;
                    candidates.push(candidate);
                }
            }
        }
    }
    candidates.sort_by(|a, b| b.len.cmp(&a.len).then(a.rank.cmp(&b.rank)));
    let mut remaining = AddrSet::all();
    let mut routes = Vec::new();
    for candidate in candidates {
        let part = candidate.set.intersect(&remaining);
        if part.is_empty() {
            continue;
        }
        remaining = remaining.subtract(&part);
        let note = if default_udr
            && candidate.len == 0
            && matches!(candidate.origin, RouteOrigin::User(..))
        {
            Some(IANA_NOTE)
        } else {
            candidate.note
        };
        routes.push(EffectiveRoute {
            prefix: candidate.prefix,
            addresses: part,
            next_hop: candidate.next_hop,
            origin: candidate.origin,
            note,
        });
    }
    EffectiveRoutes {
        routes,
        notes,
        address_notes,
    }
}

fn system(prefix: &str, next_hop: NextHop, note: Option<&'static str>) -> Candidate {
    let mut candidate = cidr_candidate(prefix, next_hop).expect("system prefixes parse");
    candidate.note = note;
    candidate
}

fn cidr_candidate(prefix: &str, next_hop: NextHop) -> Option<Candidate> {
    let (set, len) = parse_prefix(prefix)?;
    Some(Candidate {
        prefix: prefix.to_owned(),
        set,
        len,
        rank: 2,
        next_hop,
        origin: RouteOrigin::System,
        note: None,
    })
}

/// A CIDR or a single address, with its prefix length.
fn parse_prefix(text: &str) -> Option<(AddrSet, u8)> {
    let text = text.trim();
    let set = AddrSet::parse(text)?;
    let len = match text.split_once('/') {
        Some((_, len)) => len.parse().ok()?,
        None if text.contains(':') => 128,
        None => 32,
    };
    Some((set, len))
}

fn user_candidate(
    inputs: &RouteInputs<'_>,
    table: RouteTableId,
    index: usize,
    route: &vnetlint_ir::Route,
) -> Result<Candidate, String> {
    let vnet = inputs.vnet;
    let prefix_attr = route.address_prefix.as_ref();
    let Some(prefix) = prefix_attr.and_then(Attr::get) else {
        let why = prefix_attr.and_then(|a| a.value.unknown()).map_or_else(
            || "it has no address prefix".to_owned(),
            |u| u.reason.clone(),
        );
        return Err(format!(
            "route `{}` is left out of the effective routes: {why}",
            route.address
        ));
    };
    let Some((set, len)) = parse_prefix(prefix) else {
        let what = match lookup_tag(prefix) {
            TagLookup::Structural(_) | TagLookup::Opaque(_) => {
                "its prefix is a service tag, whose addresses are not known offline"
            }
            _ => "its prefix is not an address range",
        };
        return Err(format!(
            "route `{}` (`{prefix}`) is left out of the effective routes: {what}",
            route.address
        ));
    };
    let hop_type = route
        .next_hop_type
        .as_ref()
        .and_then(Attr::get)
        .map(|t| t.to_ascii_lowercase());
    let next_hop = match hop_type.as_deref() {
        Some("vnetlocal") => NextHop::VnetLocal(vnet),
        Some("internet") => NextHop::Internet,
        Some("none") => NextHop::Drop,
        Some("virtualnetworkgateway") => NextHop::Gateway(vnet),
        Some("virtualappliance") => NextHop::Appliance(
            inputs
                .appliances
                .get(&(table, index))
                .cloned()
                .unwrap_or_else(|| resolve_appliance(inputs.net, route)),
        ),
        _ => {
            return Err(format!(
                "route `{}` is left out of the effective routes: its next hop type is not known",
                route.address
            ));
        }
    };
    Ok(Candidate {
        prefix: prefix.clone(),
        set,
        len,
        rank: 0,
        next_hop,
        origin: RouteOrigin::User(table, index),
        note: None,
    })
}

/// What holds a route's next-hop address: a firewall, a NIC, or nothing scanned.
pub fn resolve_appliance(net: &Network, route: &vnetlint_ir::Route) -> Appliance {
    let Some(attr) = route.next_hop_ip.as_ref() else {
        return Appliance::Outside("no next hop address is written".to_owned());
    };
    if let Some(text) = attr.get() {
        let Ok(ip) = text.trim().parse::<IpAddr>() else {
            return Appliance::Outside(format!("`{text}` is not an address"));
        };
        return appliance_at(net, ip).unwrap_or_else(|| Appliance::Outside(ip.to_string()));
    }
    let unknown = attr.value.unknown();
    // A reference to a computed address names the element that holds it.
    if let Some(reference) = unknown.and_then(|u| u.reference.as_ref())
        && let Some(id) = net.find(&reference.address)
    {
        match id {
            ElementId::Firewall(fw) => return Appliance::Firewall(fw),
            ElementId::Nic(nic) => return Appliance::Nva(nic),
            _ => {}
        }
    }
    Appliance::Outside(unknown.map_or_else(String::new, |u| u.reason.clone()))
}

/// The firewall or NIC whose private address is `ip`.
pub fn appliance_at(net: &Network, ip: IpAddr) -> Option<Appliance> {
    let same = |attr: Option<&Attr<String>>| {
        attr.and_then(Attr::get)
            .and_then(|t| t.trim().parse::<IpAddr>().ok())
            == Some(ip)
    };
    // Azure assigns a firewall's address in `AzureFirewallSubnet`, where nothing else may sit:
    // an address there is the firewall's even when the templates leave it to Azure.
    let in_subnet = |config: &vnetlint_ir::FirewallIpConfiguration| {
        config.private_ip.as_ref().is_none_or(|a| a.get().is_none())
            && config
                .subnet
                .as_ref()
                .and_then(Attr::get)
                .and_then(|s| net.subnets[s.index()].address_prefixes.as_ref()?.get())
                .is_some_and(|prefixes| {
                    prefixes
                        .iter()
                        .filter_map(|p| AddrSet::parse(p.get()?))
                        .any(|p| p.contains(ip))
                })
    };
    for (i, fw) in net.firewalls.iter().enumerate() {
        if fw
            .ip_configurations
            .iter()
            .any(|c| same(c.private_ip.as_ref()) || in_subnet(c))
        {
            return Some(Appliance::Firewall(FirewallId(u32::try_from(i).ok()?)));
        }
    }
    for (i, nic) in net.nics.iter().enumerate() {
        if nic
            .ip_configurations
            .iter()
            .any(|c| same(c.private_ip.as_ref()))
        {
            return Some(Appliance::Nva(NicId(u32::try_from(i).ok()?)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_parse_with_their_length() {
        assert_eq!(parse_prefix("10.0.0.0/8").map(|p| p.1), Some(8));
        assert_eq!(parse_prefix("10.0.0.4").map(|p| p.1), Some(32));
        assert_eq!(parse_prefix("::/0").map(|p| p.1), Some(0));
        assert!(parse_prefix("Storage").is_none());
    }
}
