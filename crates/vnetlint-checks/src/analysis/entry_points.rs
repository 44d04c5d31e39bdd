//! The public load balancer entry points of a network interface (routing spec §9), as the
//! exposure checks count them: the load-balancing rules and inbound NAT rules of load balancers
//! whose frontend has a public IP and whose backend is one of the interface's IP
//! configurations, with the backend ports they lead to. The engine finds them
//! (`Topology::nic_entries`); an instance public IP is counted apart, and Application Gateway
//! listeners and DNAT rules are not, since the packets they bring arrive from the gateway's or
//! firewall's subnet rather than from the Internet sources an NSG rule names.

use vnetlint_engine::{EntryVia, PortSet, Topology};
use vnetlint_ir::{ElementId, NicId, PublicIpId};

/// One way in through a public load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LbEntry {
    pub public_ip: PublicIpId,
    /// `NAT rule `ssh` of load balancer `lb-web`: frontend port 50022 → 22`, for messages.
    pub description: String,
    /// The ports at the interface this rule delivers to.
    pub backend_ports: PortSet,
}

/// The public load balancer entry points that lead to `nic`.
pub(crate) fn lb_entries(topo: &Topology<'_>, nic: NicId) -> Vec<LbEntry> {
    let mut out: Vec<LbEntry> = topo
        .nic_entries(nic)
        .into_iter()
        .filter(|e| {
            matches!(e.element, ElementId::LbRule(_) | ElementId::LbNatRule(_))
                && e.via == EntryVia::Direct
        })
        .filter_map(|e| {
            Some(LbEntry {
                public_ip: e.public_ip?,
                description: e.description,
                backend_ports: e.ports,
            })
        })
        .collect();
    out.sort_by(|a, b| a.description.cmp(&b.description));
    out.dedup();
    out
}
