//! What every check receives: the network plus the engine's compiled view of each NSG,
//! computed once per run so that checks share one evaluation.

use std::net::IpAddr;
use std::sync::OnceLock;

use crate::analysis::addresses::known_union;
use crate::config::Config;
use vnetlint_engine::{
    AddrSet, CompiledNsg, CoveredRule, RuleProblem, TagContext, Topology, covered_rules_all,
    validate_rule,
};
use vnetlint_ir::{Attr, Network, NsgId, RuleId, SubnetId, Val};

pub struct Context<'a> {
    pub network: &'a Network,
    pub config: &'a Config,
    /// The topology with each NSG compiled per virtual network, for path questions.
    pub topology: Topology<'a>,
    /// One entry per NSG, in `Network::nsgs` order.
    pub nsgs: Vec<NsgView>,
    /// Problems of standalone rules whose NSG is not known (they are validated all the same).
    pub orphan_rule_problems: Vec<RuleProblem>,
}

pub struct NsgView {
    pub id: NsgId,
    /// Whether the NSG is attached to a subnet or a NIC (else it is judged on its own).
    pub attached: bool,
    pub tags: TagContext,
    /// The NSG compiled on its own (shared with the topology, which compiled it already).
    pub compiled: std::sync::Arc<CompiledNsg>,
    /// The addresses the NSG filters: the prefixes of the subnets it is attached to and the
    /// addresses of the network interfaces it is attached to; every address when that is not
    /// known (an NSG attached nowhere is judged for any destination).
    pub guarded: AddrSet,
    /// The custom rules that never take effect, walked on first use ([`NsgView::covered_rules`]).
    covered: OnceLock<Vec<CoveredRule>>,
}

impl NsgView {
    /// The custom rules of the NSG that never take effect ([`covered_rules_all`]): one cover walk
    /// per NSG, which VNL201 and VNL202 share (on an NSG of thousands of rules it is most of
    /// their time).
    pub fn covered_rules(&self) -> &[CoveredRule] {
        self.covered
            .get_or_init(|| covered_rules_all(&self.compiled))
    }

    /// A destination address to show in witness packets: the first host Azure assigns in the
    /// guarded range (the fifth address; the first four are reserved), or 10.0.1.4.
    pub fn sample_destination(&self) -> IpAddr {
        sample_host(&self.guarded)
    }
}

/// The first host Azure assigns in `set` (the fifth address; the first four are reserved), the
/// lowest address when the set is smaller, or 10.0.1.4 for "any address"; for witnesses.
pub(crate) fn sample_host(set: &AddrSet) -> IpAddr {
    let fallback: IpAddr = "10.0.1.4".parse().expect("literal address");
    if set.is_all() {
        return fallback;
    }
    match set.min() {
        Some(IpAddr::V4(first)) => {
            let host = IpAddr::V4(std::net::Ipv4Addr::from(u32::from(first).saturating_add(4)));
            if set.contains(host) {
                host
            } else {
                IpAddr::V4(first)
            }
        }
        Some(other) => other,
        None => fallback,
    }
}

impl<'a> Context<'a> {
    pub fn new(network: &'a Network, config: &'a Config) -> Self {
        let topology = Topology::build(network);
        let nsgs = network
            .iter_nsgs()
            .map(|(id, _)| {
                let tags = TagContext::for_nsg(network, id);
                let compiled = std::sync::Arc::clone(topology.compiled_shared(id, None));
                let guarded = guarded_addresses(network, id);
                let attached = network
                    .subnets
                    .iter()
                    .map(|s| s.nsg.as_ref())
                    .chain(network.nics.iter().map(|n| n.nsg.as_ref()))
                    .any(|a| a.and_then(Attr::get) == Some(&id));
                NsgView {
                    id,
                    attached,
                    tags,
                    compiled,
                    guarded,
                    covered: OnceLock::new(),
                }
            })
            .collect();
        let orphan_rule_problems = network
            .iter_rules()
            .filter(|(_, rule)| !matches!(rule.nsg.as_ref().map(|a| &a.value), Some(Val::Known(_))))
            .flat_map(|(id, _): (RuleId, _)| validate_rule(network, id))
            .collect();
        Self {
            network,
            config,
            topology,
            nsgs,
            orphan_rule_problems,
        }
    }

    /// Every rule problem the engine found, NSG by NSG, then those of unattached rules.
    pub fn rule_problems(&self) -> impl Iterator<Item = &RuleProblem> {
        self.nsgs
            .iter()
            .flat_map(|v| v.compiled.problems.iter())
            .chain(self.orphan_rule_problems.iter())
    }
}

/// Where an NSG is attached, as addresses; `AddrSet::all()` when any part is unknown.
fn guarded_addresses(network: &Network, nsg: NsgId) -> AddrSet {
    let mut guarded = AddrSet::empty();
    let mut attached = false;
    let subnet_prefixes = |subnet: SubnetId| known_union(network[subnet].address_prefixes.as_ref());
    for (id, subnet) in network.iter_subnets() {
        if subnet.nsg.as_ref().and_then(Attr::get) == Some(&nsg) {
            attached = true;
            match subnet_prefixes(id) {
                Some(set) => guarded = guarded.union(&set),
                None => return AddrSet::all(),
            }
        }
    }
    for (_, nic) in network.iter_nics() {
        if nic.nsg.as_ref().and_then(Attr::get) != Some(&nsg) {
            continue;
        }
        attached = true;
        for config in &nic.ip_configurations {
            let ip = config
                .private_ip
                .as_ref()
                .and_then(Attr::get)
                .and_then(|ip| ip.parse::<IpAddr>().ok());
            let set = match ip {
                Some(ip) => Some(AddrSet::from_ip(ip)),
                None => config
                    .subnet
                    .as_ref()
                    .and_then(Attr::get)
                    .and_then(|&s| subnet_prefixes(s)),
            };
            match set {
                Some(set) => guarded = guarded.union(&set),
                None => return AddrSet::all(),
            }
        }
    }
    if attached { guarded } else { AddrSet::all() }
}
