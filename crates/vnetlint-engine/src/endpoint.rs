//! Private endpoints on paths (routing spec §8, edge cases 7 and 8): a private endpoint's
//! subnet's network policies decide whether NSGs apply to traffic to it (only under `Enabled`
//! or `NetworkSecurityGroupEnabled`; the default is `Disabled`), its /32 route is added to its
//! VNet and to peered VNets and wins over any user route by longest prefix unless route
//! policies are on (`Enabled`, `RouteTableEnabled`) and a user route's prefix is no longer than
//! the VNet's address space, and it accepts TCP only.

use std::net::IpAddr;

use vnetlint_ir::{Attr, Network, PrivateEndpointId, Subnet, Val, VnetId};

use crate::topology::Topology;

/// What a private endpoint subnet's network policies turn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointPolicies {
    /// NSGs apply to traffic to the endpoint.
    pub nsg: bool,
    /// User routes may invalidate the endpoint's /32 route.
    pub routes: bool,
    /// The setting is written but its value is not known statically (taken as the default,
    /// `Disabled`, and said in a note).
    pub unresolved: bool,
}

/// The network policies of a subnet for the private endpoints in it: azurerm 4's string,
/// azurerm 3's boolean (lowered to `Enabled`/`Disabled`), ARM's `privateEndpointNetworkPolicies`.
pub fn endpoint_policies(subnet: &Subnet) -> EndpointPolicies {
    let off = EndpointPolicies {
        nsg: false,
        routes: false,
        unresolved: false,
    };
    match subnet
        .private_endpoint_network_policies
        .as_ref()
        .map(|a| &a.value)
    {
        None => off,
        Some(Val::Unknown(_)) => EndpointPolicies {
            unresolved: true,
            ..off
        },
        Some(Val::Known(value)) => match value.to_ascii_lowercase().as_str() {
            "enabled" => EndpointPolicies {
                nsg: true,
                routes: true,
                ..off
            },
            "networksecuritygroupenabled" => EndpointPolicies { nsg: true, ..off },
            "routetableenabled" => EndpointPolicies {
                routes: true,
                ..off
            },
            _ => off,
        },
    }
}

/// A private endpoint's /32 system route, as the routes of a subnet see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndpointRoute {
    pub address: String,
    pub ip: IpAddr,
    pub vnet: VnetId,
    /// The prefix length of the VNet address space that holds the endpoint.
    pub space_len: u8,
    /// Route policies are on for the endpoint's subnet.
    pub routes_policy: bool,
}

/// The /32 routes of every private endpoint with a known address.
pub(crate) fn endpoint_routes(net: &Network) -> Vec<EndpointRoute> {
    let mut out = Vec::new();
    for endpoint in &net.private_endpoints {
        let Some(&subnet) = endpoint.subnet.as_ref().and_then(Attr::get) else {
            continue;
        };
        let Some(ip) = endpoint
            .private_ip
            .as_ref()
            .and_then(Attr::get)
            .and_then(|t| t.trim().parse::<IpAddr>().ok())
        else {
            continue;
        };
        let Some(&vnet) = net.subnets[subnet.index()]
            .vnet
            .as_ref()
            .and_then(Attr::get)
        else {
            continue;
        };
        let space_len = net.vnets[vnet.index()]
            .address_space
            .as_ref()
            .and_then(Attr::get)
            .into_iter()
            .flatten()
            .filter_map(Attr::get)
            .filter_map(|cidr| {
                let (_, len) = cidr.split_once('/')?;
                let set = crate::addr::AddrSet::parse(cidr)?;
                set.contains(ip).then(|| len.trim().parse::<u8>().ok())?
            })
            .min();
        out.push(EndpointRoute {
            address: endpoint.meta.address.clone(),
            ip,
            vnet,
            space_len: space_len.unwrap_or(if ip.is_ipv4() { 32 } else { 128 }),
            routes_policy: endpoint_policies(&net.subnets[subnet.index()]).routes,
        });
    }
    out
}

impl Topology<'_> {
    /// The policies of the subnet holding `pe` (off when its subnet is not known).
    pub fn endpoint_policies(&self, pe: PrivateEndpointId) -> EndpointPolicies {
        self.net[pe].subnet.as_ref().and_then(Attr::get).map_or(
            EndpointPolicies {
                nsg: false,
                routes: false,
                unresolved: false,
            },
            |&s| endpoint_policies(&self.net[s]),
        )
    }
}
