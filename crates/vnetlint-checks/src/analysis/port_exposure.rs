//! The exposure query VNL101 and VNL102 share: which custom rules let Internet hosts reach a
//! class of ports of a real destination, through every NSG on the path, and which verdicts
//! hinge on unresolved values. The checks turn its answer into findings
//! (`checks/exposure/mod.rs`); VNL103 walks the same destinations ([`units`]).
//!
//! A destination is a NIC (its address), the rest of a subnet, or, for an NSG attached
//! nowhere, whatever that NSG would guard. Inbound traffic crosses the subnet NSG and then the
//! NIC NSG; both must allow. Exposure is attributed to the rule that lets the traffic through
//! the first NSG on the path, with the rules of the later NSGs that let it through too.
//!
//! The query is evaluated twice: `Mode::Must` (unresolved allows match nothing, unresolved denies
//! match everything) gives the exposure that certainly exists and becomes the check's finding;
//! `Mode::May` (the reverse) gives what might exist. Their difference depends on values vnetlint
//! could not resolve and is reported as VNL002 at those values, never assumed safe.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, Cube, Direction, Mode, Packet, PacketSet, PortSet, Protocol,
    ProtocolSet, RuleRef, Uncertainty,
};
use vnetlint_ir::{AdminRuleId, NsgId, PublicIpId, RuleId, Span};

use super::entry_points::{LbEntry, lb_entries};
use super::{broad_sources, port_set};
use crate::context::Context;

/// A named set of ports, such as SSH on TCP 22.
#[derive(Clone, Copy)]
pub(crate) struct PortClass<'p> {
    pub label: &'p str,
    pub ports: &'p [(u16, u16)],
}

impl<'p> PortClass<'p> {
    pub(crate) const fn new(label: &'p str, ports: &'p [(u16, u16)]) -> Self {
        Self { label, ports }
    }

    /// `SSH (22)`.
    pub(crate) fn describe(&self) -> String {
        format!("{} ({})", self.label, self.port_set())
    }

    fn port_set(&self) -> PortSet {
        port_set(self.ports)
    }
}

/// One destination and the NSGs in front of it, inbound, in evaluation order.
pub(crate) struct Unit<'c> {
    /// What is reached, for messages (`nic-sql`, `snet-backend`).
    pub label: String,
    pub destination: AddrSet,
    /// Internet sources as this destination's NSGs see them.
    pub internet: AddrSet,
    pub hops: Vec<(NsgId, &'c CompiledNsg)>,
    /// The same NSGs as evaluated on the path, where the subnet's user routes widen
    /// `VirtualNetwork` (nsg-semantics §2.6 item 5); `None` where nothing is widened.
    pub widened: Option<Vec<(NsgId, &'c CompiledNsg)>>,
    pub public_ip: Option<PublicIpId>,
    /// Public load balancer rules and NAT rules that lead to this destination.
    pub lb_entries: Vec<LbEntry>,
    /// The destination's virtual network (its security admin rules come first).
    pub vnet: Option<vnetlint_ir::VnetId>,
    /// The NSG is judged on its own with a stand-in `VirtualNetwork`.
    pub stand_in: bool,
}

/// The destinations of a network: every NIC and the rest of every subnet behind at least one
/// NSG, plus every NSG attached nowhere on its own.
pub(crate) fn units<'c>(ctx: &'c Context<'_>) -> Vec<Unit<'c>> {
    let topo = &ctx.topology;
    let net = ctx.network;
    let mut units = Vec::new();
    for (subnet, _) in net.iter_subnets() {
        let Ok(endpoint) = topo.resolve(&net[subnet].meta.address) else {
            continue;
        };
        // Where the subnet holds NICs, they are the destinations; the rest of its addresses
        // counts only for a subnet without NICs (an ASE's, or one not yet populated), so that
        // a NIC NSG denying what the subnet NSG allows is no exposure.
        let has_nics = endpoint.segments.iter().any(|s| s.nic.is_some());
        for segment in endpoint.segments {
            if has_nics && segment.nic.is_none() {
                continue;
            }
            let outside = vnetlint_engine::Segment {
                label: String::new(),
                addresses: AddrSet::empty(),
                vnet: None,
                subnet: None,
                nic: None,
                private_endpoint: None,
            };
            let path_hops = topo.hops(&outside, &segment);
            let widened = path_hops.iter().any(|h| topo.hop_widened(h)).then(|| {
                path_hops
                    .iter()
                    .map(|hop| (hop.nsg, topo.hop_compiled(hop)))
                    .collect()
            });
            let hops: Vec<(NsgId, &CompiledNsg)> = path_hops
                .into_iter()
                .map(|hop| (hop.nsg, topo.compiled(hop.nsg, hop.vnet)))
                .collect();
            if hops.is_empty() {
                continue;
            }
            let internet = segment.vnet.map_or_else(
                || ctx.nsgs[hops[0].0.index()].tags.internet_hosts(),
                |vnet| topo.vnet_tag(vnet).internet_hosts(),
            );
            units.push(Unit {
                label: segment.nic.map_or_else(
                    || net[subnet].meta.display_name().to_owned(),
                    |nic| net[nic].meta.display_name().to_owned(),
                ),
                destination: segment.addresses,
                internet,
                hops,
                widened,
                public_ip: segment.nic.and_then(|nic| topo.public_ip_of(nic)),
                lb_entries: segment
                    .nic
                    .map(|nic| lb_entries(topo, nic))
                    .unwrap_or_default(),
                vnet: segment.vnet,
                stand_in: false,
            });
        }
    }
    for view in ctx.nsgs.iter().filter(|v| !v.attached) {
        units.push(Unit {
            label: ctx.network[view.id].meta.display_name().to_owned(),
            destination: view.guarded.clone(),
            internet: view.tags.internet_hosts(),
            hops: vec![(view.id, &view.compiled)],
            widened: None,
            public_ip: None,
            lb_entries: Vec::new(),
            vnet: None,
            stand_in: view.tags.stand_in,
        });
    }
    units
}

impl Unit<'_> {
    /// What Internet hosts certainly (`Must`) or possibly (`May`) get through every NSG.
    pub(crate) fn allowed(&self, query: &PacketSet, mode: Mode) -> PacketSet {
        self.hops
            .iter()
            .fold(query.clone(), |current, (_, compiled)| {
                compiled.allowed(Direction::Inbound, &current, mode)
            })
    }

    /// A destination address to show in witnesses: the first host Azure assigns in the range.
    pub(crate) fn sample_destination(&self) -> IpAddr {
        crate::context::sample_host(&self.destination)
    }
}

/// What one rule exposes, over all destinations.
#[derive(Default)]
pub(crate) struct Exposure<'c> {
    /// The classes of ports reached, with the ports of each.
    pub classes: Vec<(&'c PortClass<'c>, PortSet)>,
    pub witness: Option<Packet>,
    /// The destinations reached ([`Unit::label`]).
    pub destinations: BTreeSet<String>,
    pub public: BTreeSet<PublicIpId>,
    /// The load balancer rules through which the Internet gets there.
    pub lb_entries: BTreeSet<String>,
    /// The rules of later NSGs on the path that let the same traffic through.
    pub later: BTreeSet<RuleId>,
    /// The NSG of the rule.
    pub nsg: Option<NsgId>,
    /// Some destination is judged with a stand-in `VirtualNetwork` ([`Unit::stand_in`]).
    pub stand_in: bool,
    /// The public source addresses the rule lets through (see `analysis::broad_sources`).
    pub sources: AddrSet,
    /// The rule lets through `AzureCloud` sources, which any Azure tenant can hold.
    pub any_tenant: bool,
    /// The protocols of the exposed packets.
    pub protocols: ProtocolSet,
}

impl<'c> Exposure<'c> {
    fn add(
        &mut self,
        class: &'c PortClass<'c>,
        packets: &PacketSet,
        hints: &[Packet],
        unit: &Unit<'_>,
    ) {
        let ports = packets
            .cubes()
            .iter()
            .fold(PortSet::empty(), |set, cube| set.union(&cube.dst_ports))
            .intersect(&class.port_set());
        match self
            .classes
            .iter_mut()
            .find(|(c, _)| c.label == class.label)
        {
            Some((_, known)) => *known = known.union(&ports),
            None => self.classes.push((class, ports.clone())),
        }
        // A load balancer rule leads to its backend port only.
        let through_lb: Vec<&LbEntry> = unit
            .lb_entries
            .iter()
            .filter(|e| !e.backend_ports.intersect(&ports).is_empty())
            .collect();
        // A witness through a public entry point says the most; take one as soon as it exists.
        let entry = unit.public_ip.is_some() || !through_lb.is_empty();
        let public_first = entry && self.public.is_empty();
        if self.witness.is_none() || public_first {
            self.witness = packets.witness(hints).or(self.witness);
        }
        self.destinations.insert(unit.label.clone());
        self.public.extend(unit.public_ip);
        for lb in through_lb {
            self.public.insert(lb.public_ip);
            self.lb_entries.insert(lb.description.clone());
        }
        self.stand_in |= unit.stand_in;
        self.protocols = packets
            .cubes()
            .iter()
            .fold(self.protocols, |p, c| p.union(c.protocols));
        self.sources = self.sources.union(&broad_sources::sources(packets));
    }

    /// `SSH (22), RDP (3389)`.
    pub(crate) fn describe(&self) -> String {
        let parts: Vec<String> = self
            .classes
            .iter()
            .map(|(class, ports)| format!("{} ({ports})", class.label))
            .collect();
        parts.join(", ")
    }
}

/// An unresolved value some verdict of the query hinges on.
pub(crate) struct Unresolved<'c> {
    pub reason: String,
    /// The classes of ports whose exposure it decides.
    pub classes: Vec<&'c PortClass<'c>>,
    /// The rule that would let the traffic through, and its NSG.
    pub rule: RuleId,
    pub nsg: NsgId,
}

/// The answer of the query over a network.
pub(crate) struct PortExposure<'c> {
    /// What each rule that lets Internet traffic through the first NSG certainly exposes.
    pub exposed: BTreeMap<RuleId, Exposure<'c>>,
    /// What might be exposed, by the place of the unresolved value it hinges on.
    pub unresolved: BTreeMap<Span, Unresolved<'c>>,
    /// What each security admin `AlwaysAllow` rule lets Internet hosts reach whatever the NSGs
    /// say (routing spec §7, edge case 11).
    pub admin_exposed: BTreeMap<AdminRuleId, Exposure<'c>>,
    /// What the default rule `AllowVnetInBound` of each first NSG lets Internet hosts reach:
    /// only where user routes widen `VirtualNetwork` to Internet addresses.
    pub default_exposed: BTreeMap<NsgId, Exposure<'c>>,
}

/// Which rules let Internet hosts reach each class of ports of every destination of the network.
pub(crate) fn port_exposure<'c>(
    ctx: &Context<'_>,
    classes: &'c [PortClass<'c>],
) -> PortExposure<'c> {
    let mut exposed: BTreeMap<RuleId, Exposure<'c>> = BTreeMap::new();
    let mut unresolved: BTreeMap<Span, Unresolved<'c>> = BTreeMap::new();
    let mut admin_exposed: BTreeMap<AdminRuleId, Exposure<'c>> = BTreeMap::new();
    let mut default_exposed: BTreeMap<NsgId, Exposure<'c>> = BTreeMap::new();
    // One query per destination over the ports of every class, split by class afterwards:
    // evaluation is packet by packet, so the allowed set of a class is the allowed set of the
    // whole query restricted to its ports, and the NSGs are walked once instead of once per
    // class and mode.
    let all_ports = classes
        .iter()
        .fold(PortSet::empty(), |set, class| set.union(&class.port_set()));
    // Each class's ports as a packet set, built once for every destination.
    let class_filters: Vec<PacketSet> = classes
        .iter()
        .map(|class| {
            PacketSet::from_cube(Cube {
                dst_ports: class.port_set(),
                ..Cube::all()
            })
        })
        .collect();
    for unit in units(ctx) {
        let query = PacketSet::from_cube(Cube {
            src: unit.internet.clone(),
            dst: unit.destination.clone(),
            protocols: ProtocolSet::of(&[Protocol::Tcp, Protocol::Udp]),
            src_ports: PortSet::all(),
            dst_ports: all_ports.clone(),
        });
        // Security admin rules come before every NSG: what a `Deny` drops (or an
        // `AlwaysAllow` lets through whatever the NSGs say) is not the NSG rules' doing.
        if !ctx.topology.admin.is_empty() {
            let always = ctx
                .topology
                .admin
                .always_allowed(unit.vnet, Direction::Inbound, &query);
            for (class, only_class) in classes.iter().zip(&class_filters) {
                let hints = witness_hints(class, unit.sample_destination());
                for (rule, packets) in &always {
                    let part = packets.intersect(only_class);
                    if !part.is_empty() {
                        admin_exposed
                            .entry(*rule)
                            .or_default()
                            .add(class, &part, &hints, &unit);
                    }
                }
            }
        }
        let query = if ctx.topology.admin.is_empty() {
            query
        } else {
            ctx.topology
                .admin
                .apply(unit.vnet, Direction::Inbound, &query, Mode::May)
                .to_nsgs
        };
        let must_all = unit.allowed(&query, Mode::Must);
        // Without unresolved values or opaque tags on the path both modes agree.
        let exact = unit
            .hops
            .iter()
            .all(|(_, compiled)| compiled.is_exact(Direction::Inbound));
        let may_all = (!exact).then(|| unit.allowed(&query, Mode::May));
        let decisions = attribute(&unit, &must_all);
        let by_default = allowed_by_default(&unit, &query);
        for (class, only_class) in classes.iter().zip(&class_filters) {
            let hints = witness_hints(class, unit.sample_destination());
            let part = by_default.intersect(only_class);
            if !part.is_empty() {
                let entry = default_exposed.entry(unit.hops[0].0).or_default();
                entry.nsg = Some(unit.hops[0].0);
                entry.add(class, &part, &hints, &unit);
            }
            for (rule, packets, later) in &decisions {
                let part = packets.intersect(only_class);
                if part.is_empty() {
                    continue;
                }
                let entry = exposed.entry(*rule).or_default();
                entry.nsg = Some(unit.hops[0].0);
                entry.add(class, &part, &hints, &unit);
                entry.later.extend(later.iter().copied());
            }
            let Some(may_all) = &may_all else {
                continue;
            };
            let maybe = may_all
                .intersect(only_class)
                .subtract(&must_all.intersect(only_class));
            if !maybe.is_empty() {
                collect_uncertain(
                    &unit,
                    &query.intersect(only_class),
                    &maybe,
                    class,
                    &hints,
                    &mut exposed,
                    &mut unresolved,
                );
            }
        }
    }
    PortExposure {
        exposed,
        unresolved,
        admin_exposed,
        default_exposed,
    }
}

/// The certainly allowed packets a default rule admits at the first NSG (from the Internet,
/// only `AllowVnetInBound` of a `VirtualNetwork` widened by routes can).
fn allowed_by_default(unit: &Unit<'_>, query: &PacketSet) -> PacketSet {
    let Some(widened) = &unit.widened else {
        return PacketSet::empty();
    };
    let allowed = widened
        .iter()
        .fold(query.clone(), |current, (_, compiled)| {
            compiled.allowed(Direction::Inbound, &current, Mode::Must)
        });
    if allowed.is_empty() {
        return PacketSet::empty();
    }
    widened[0]
        .1
        .decide(Direction::Inbound, &allowed, Mode::Must)
        .into_iter()
        .filter(|d| d.access == Access::Allow && matches!(d.rule, RuleRef::Default(_)))
        .fold(PacketSet::empty(), |a, d| a.union(&d.packets))
}

/// Splits the certainly allowed packets by the custom rule that admits them at the first NSG,
/// each with the rules of the later NSGs that admit the same packets.
fn attribute(unit: &Unit<'_>, allowed: &PacketSet) -> Vec<(RuleId, PacketSet, BTreeSet<RuleId>)> {
    if allowed.is_empty() {
        return Vec::new();
    }
    let first = unit.hops[0].1;
    let mut out = Vec::new();
    for decision in first.decide(Direction::Inbound, allowed, Mode::Must) {
        let (Access::Allow, RuleRef::Custom(rule)) = (decision.access, decision.rule) else {
            continue;
        };
        let mut later = BTreeSet::new();
        for (_, compiled) in &unit.hops[1..] {
            for d in compiled.decide(Direction::Inbound, &decision.packets, Mode::Must) {
                if let RuleRef::Custom(id) = d.rule {
                    later.insert(id);
                }
            }
        }
        out.push((rule, decision.packets, later));
    }
    out
}

/// What might be allowed but is not certainly allowed hinges on an unresolved value or on the
/// contents of a service tag: name the values (VNL002) or, for `AzureCloud`, report exposure.
fn collect_uncertain<'c>(
    unit: &Unit<'_>,
    query: &PacketSet,
    maybe: &PacketSet,
    class: &'c PortClass<'c>,
    hints: &[Packet],
    exposed: &mut BTreeMap<RuleId, Exposure<'c>>,
    unresolved: &mut BTreeMap<Span, Unresolved<'c>>,
) {
    let mut current = query.clone();
    for (nsg, compiled) in &unit.hops {
        let rules = compiled.rules(Direction::Inbound);
        for decision in compiled.decide(Direction::Inbound, &current, Mode::May) {
            let (Access::Allow, RuleRef::Custom(rule)) = (decision.access, decision.rule) else {
                continue;
            };
            let part = decision.packets.intersect(maybe);
            if part.is_empty() {
                continue;
            }
            for earlier in &rules[..=decision.rule_index] {
                if earlier.matches.upper.intersect(&part).is_empty() {
                    continue;
                }
                for u in &earlier.uncertain {
                    match u {
                        Uncertainty::Unresolved { span, reason } => {
                            let entry = unresolved.entry(*span).or_insert_with(|| Unresolved {
                                reason: reason.clone(),
                                classes: Vec::new(),
                                rule,
                                nsg: *nsg,
                            });
                            if !entry.classes.iter().any(|c| c.label == class.label) {
                                entry.classes.push(class);
                            }
                        }
                        // Any Azure customer can hold an address in AzureCloud, so an allow from
                        // it is exposure; other service tags hold Microsoft's own service
                        // addresses and are not reported (no false alarm).
                        Uncertainty::TagContents { tag, .. }
                            if earlier.access == Access::Allow
                                && tag
                                    .split('.')
                                    .next()
                                    .is_some_and(|t| t.eq_ignore_ascii_case("AzureCloud")) =>
                        {
                            let entry = exposed.entry(rule).or_default();
                            entry.nsg = Some(*nsg);
                            entry.add(class, &part, hints, unit);
                            entry.any_tenant = true;
                        }
                        Uncertainty::TagContents { .. } => {}
                    }
                }
            }
        }
        current = compiled.allowed(Direction::Inbound, &current, Mode::May);
    }
}

/// Preferred witnesses: a documentation-range source, the destination's first host, each port.
fn witness_hints(class: &PortClass<'_>, dst: IpAddr) -> Vec<Packet> {
    let src = "203.0.113.1".parse().expect("literal address");
    class
        .ports
        .iter()
        .flat_map(|&(lo, hi)| lo..=hi.min(lo.saturating_add(7)))
        .map(|port| Packet {
            protocol: Protocol::Tcp,
            src,
            src_port: 49152,
            dst,
            dst_port: port,
        })
        .collect()
}
