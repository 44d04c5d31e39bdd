//! The public load balancer entry points of a network interface (routing spec §9): the
//! load-balancing rules and inbound NAT rules of load balancers whose frontend has a public IP
//! and whose backend is one of the interface's IP configurations, with the backend ports they
//! lead to. The exposure checks count them as public entry points, like an instance public IP.

use vnetlint_engine::PortSet;
use vnetlint_ir::{Attr, LoadBalancer, Network, NicId, PublicIpId};

/// One way in through a public load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LbEntry {
    pub public_ip: PublicIpId,
    /// `NAT rule `ssh` of load balancer `lb-web`: frontend port 50022 → 22`, for messages.
    pub description: String,
    /// The ports at the interface this rule delivers to.
    pub backend_ports: PortSet,
}

fn port(attr: Option<&Attr<String>>) -> Option<u16> {
    attr.and_then(Attr::get)?.trim().parse().ok()
}

/// The public IP of the frontend a rule names (by name, or the only frontend).
fn frontend_ip(lb: &LoadBalancer, name: Option<&Attr<String>>) -> Option<PublicIpId> {
    let wanted = name.and_then(Attr::get);
    let frontend = match wanted {
        Some(wanted) => lb
            .frontends
            .iter()
            .find(|f| f.name.as_ref().and_then(Attr::get) == Some(wanted))?,
        None if lb.frontends.len() == 1 => &lb.frontends[0],
        None => return None,
    };
    frontend.public_ip.as_ref().and_then(Attr::get).copied()
}

/// The public load balancer entry points that lead to `nic`.
pub(crate) fn lb_entries(net: &Network, nic: NicId) -> Vec<LbEntry> {
    let mut out = Vec::new();
    let configs = &net[nic].ip_configurations;
    let pools: Vec<_> = configs
        .iter()
        .flat_map(|c| c.lb_backend_pools.iter().filter_map(Attr::get).copied())
        .collect();
    let nat_rules: Vec<_> = configs
        .iter()
        .flat_map(|c| c.lb_nat_rules.iter().filter_map(Attr::get).copied())
        .collect();
    for rule in &net.lb_rules {
        if !rule
            .backend_pools
            .iter()
            .filter_map(Attr::get)
            .any(|p| pools.contains(p))
        {
            continue;
        }
        let Some(&lb) = rule.load_balancer.as_ref().and_then(Attr::get) else {
            continue;
        };
        let lb = &net[lb];
        let (Some(pip), Some(backend)) = (
            frontend_ip(lb, rule.frontend.as_ref()),
            port(rule.backend_port.as_ref()),
        ) else {
            continue;
        };
        let frontend = port(rule.frontend_port.as_ref()).unwrap_or(backend);
        out.push(LbEntry {
            public_ip: pip,
            description: format!(
                "load-balancing rule `{}` of load balancer `{}` (frontend port {frontend} → {backend})",
                rule.meta.display_name(),
                lb.meta.display_name()
            ),
            backend_ports: PortSet::single(backend),
        });
    }
    for (id, rule) in net.lb_nat_rules.iter().enumerate() {
        let id = vnetlint_ir::LbNatRuleId(u32::try_from(id).unwrap_or(u32::MAX));
        let by_pool = rule
            .backend_pool
            .as_ref()
            .and_then(Attr::get)
            .is_some_and(|p| pools.contains(p));
        if !nat_rules.contains(&id) && !by_pool {
            continue;
        }
        let Some(&lb) = rule.load_balancer.as_ref().and_then(Attr::get) else {
            continue;
        };
        let lb = &net[lb];
        let (Some(pip), Some(backend)) = (
            frontend_ip(lb, rule.frontend.as_ref()),
            port(rule.backend_port.as_ref()),
        ) else {
            continue;
        };
        let frontend = port(rule.frontend_port.as_ref()).map_or_else(
            || {
                format!(
                    "{}-{}",
                    port(rule.frontend_port_start.as_ref()).unwrap_or(0),
                    port(rule.frontend_port_end.as_ref()).unwrap_or(0)
                )
            },
            |p| p.to_string(),
        );
        out.push(LbEntry {
            public_ip: pip,
            description: format!(
                "inbound NAT rule `{}` of load balancer `{}` (frontend port {frontend} → {backend})",
                rule.meta.display_name(),
                lb.meta.display_name()
            ),
            backend_ports: PortSet::single(backend),
        });
    }
    out.sort_by(|a, b| a.description.cmp(&b.description));
    out.dedup();
    out
}
