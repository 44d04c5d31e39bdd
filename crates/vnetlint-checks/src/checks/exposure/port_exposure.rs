//! The query VNL101 and VNL102 share: which custom rules let Internet hosts reach a class of
//! ports of a real destination, through every NSG on the path, and which verdicts hinge on
//! unresolved values.
//!
//! A destination is a NIC (its address), the rest of a subnet, or, for an NSG attached
//! nowhere, whatever that NSG would guard. Inbound traffic crosses the subnet NSG and then the
//! NIC NSG; both must allow. The finding is reported at the rule that lets the traffic through
//! the first NSG on the path, with the rules of the later NSGs as related locations.
//!
//! The query is evaluated twice: `Mode::Must` (unresolved allows match nothing, unresolved denies
//! match everything) gives the exposure that certainly exists and becomes the check's finding;
//! `Mode::May` (the reverse) gives what might exist. Their difference depends on values vnetlint
//! could not resolve and is reported as VNL002 at those values, never assumed safe.
//!
//! The level says how real the exposure is: `error` when a public IP leads to the destination,
//! `warning` when the NSGs admit Internet traffic but no public entry point is declared in the
//! scanned templates (latent: it opens as soon as one is attached).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::IpAddr;

use vnetlint_diagnostics::{Finding, Label, Level};
use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, Cube, Direction, Mode, Packet, PacketSet, PortSet, Protocol,
    ProtocolSet, RuleRef, Uncertainty,
};
use vnetlint_ir::{Attr, Network, NsgId, PublicIpId, RuleId, SecurityRule, Span};

use crate::checks::frontend::unresolved_value::UNRESOLVED_VALUE;
use crate::context::Context;
use crate::declare::Check;

/// A named set of ports, such as SSH on TCP 22.
pub(crate) struct PortClass<'p> {
    pub label: &'p str,
    pub ports: &'p [(u16, u16)],
}

impl PortClass<'_> {
    fn describe(&self) -> String {
        format!("{} ({})", self.label, self.port_set())
    }

    fn port_set(&self) -> PortSet {
        self.ports.iter().fold(PortSet::empty(), |set, &(lo, hi)| {
            set.union(&PortSet::range(lo, hi))
        })
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
    pub public_ip: Option<PublicIpId>,
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
            };
            let hops: Vec<(NsgId, &CompiledNsg)> = topo
                .hops(&outside, &segment)
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
                public_ip: segment.nic.and_then(|nic| topo.public_ip_of(nic)),
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
            public_ip: None,
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
struct Exposure<'c> {
    classes: Vec<(&'c PortClass<'c>, PortSet)>,
    witness: Option<Packet>,
    destinations: BTreeSet<String>,
    public: BTreeSet<PublicIpId>,
    /// The rules of later NSGs on the path that let the same traffic through.
    later: BTreeSet<RuleId>,
    nsg: Option<NsgId>,
    stand_in: bool,
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
            None => self.classes.push((class, ports)),
        }
        // A witness through a public entry point says the most; take one as soon as it exists.
        let public_first = unit.public_ip.is_some() && self.public.is_empty();
        if self.witness.is_none() || public_first {
            self.witness = packets.witness(hints).or(self.witness);
        }
        self.destinations.insert(unit.label.clone());
        self.public.extend(unit.public_ip);
        self.stand_in |= unit.stand_in;
    }

    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .classes
            .iter()
            .map(|(class, ports)| format!("{} ({ports})", class.label))
            .collect();
        parts.join(", ")
    }
}

/// Reports, per custom rule, the port classes it lets Internet hosts reach.
pub(crate) fn report_port_exposure(
    ctx: &Context<'_>,
    check: &Check,
    classes: &[PortClass<'_>],
    why: &str,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    let mut exposed: BTreeMap<RuleId, Exposure<'_>> = BTreeMap::new();
    let mut uncertain: BTreeMap<Span, (String, Vec<&PortClass<'_>>, RuleId, NsgId)> =
        BTreeMap::new();
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
        let must_all = unit.allowed(&query, Mode::Must);
        // Without unresolved values or opaque tags on the path both modes agree.
        let exact = unit
            .hops
            .iter()
            .all(|(_, compiled)| compiled.is_exact(Direction::Inbound));
        let may_all = (!exact).then(|| unit.allowed(&query, Mode::May));
        let decisions = attribute(&unit, &must_all);
        for (class, only_class) in classes.iter().zip(&class_filters) {
            let hints = witness_hints(class, unit.sample_destination());
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
                    &mut uncertain,
                );
            }
        }
    }
    for (rule_id, exposure) in exposed {
        out.push(exposure_finding(net, check, rule_id, &exposure, why));
    }
    for (span, (reason, classes, rule_id, nsg)) in uncertain {
        let rule = &net[rule_id];
        let what: Vec<String> = classes.iter().map(|c| c.describe()).collect();
        let message = format!(
            "whether the Internet can reach {} through rule `{}` of NSG `{}` depends on a value vnetlint cannot resolve ({reason}); give it a value in the scanned files so the exposure can be judged",
            what.join(" and "),
            rule.meta.display_name(),
            net[nsg].meta.display_name(),
        );
        out.push(
            Finding::new(
                UNRESOLVED_VALUE.code,
                UNRESOLVED_VALUE.name,
                UNRESOLVED_VALUE.default_level,
                message,
                Label::new(span, "this value is unresolved"),
            )
            .with_secondary(rule_label(rule, "the rule whose verdict depends on it"))
            .with_note(format!("raised while checking {}", check.code))
            .with_address(rule.meta.address.clone())
            .with_fingerprint_key(format!("{}:{}", check.code, rule.meta.address)),
        );
    }
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
    uncertain: &mut BTreeMap<Span, (String, Vec<&'c PortClass<'c>>, RuleId, NsgId)>,
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
                            let entry = uncertain
                                .entry(*span)
                                .or_insert_with(|| (reason.clone(), Vec::new(), rule, *nsg));
                            if !entry.1.iter().any(|c| c.label == class.label) {
                                entry.1.push(class);
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

fn exposure_finding(
    net: &Network,
    check: &Check,
    rule_id: RuleId,
    exposure: &Exposure<'_>,
    why: &str,
) -> Finding {
    let rule = &net[rule_id];
    let nsg = exposure.nsg.map(|n| &net[n]);
    let nsg_name = nsg.map_or("?", |n| n.meta.display_name());
    let destinations: Vec<String> = exposure
        .destinations
        .iter()
        .map(|d| format!("`{d}`"))
        .collect();
    let (level, entry) = if exposure.public.is_empty() {
        (
            Level::Warning,
            "no public IP leads there in the scanned templates, so the exposure is latent and opens as soon as one is attached".to_owned(),
        )
    } else {
        let ips: Vec<String> = exposure
            .public
            .iter()
            .map(|&p| format!("`{}`", net[p].meta.display_name()))
            .collect();
        (
            Level::Error,
            format!("public IP {} leads there", ips.join(", ")),
        )
    };
    let message = format!(
        "rule `{}` of NSG `{nsg_name}` lets the Internet reach {} on {} ({entry}): {why}; narrow the source to known addresses or `VirtualNetwork`, or put a deny with a lower priority number in front of it",
        rule.meta.display_name(),
        exposure.describe(),
        destinations.join(", "),
    );
    let port = exposure.witness.as_ref().map(|p| p.dst_port);
    let primary = port.and_then(|p| port_attribute(rule, p)).map_or_else(
        || rule_label(rule, "this rule allows it"),
        |span| Label::new(span, "this rule allows it").with_address(rule.meta.address.clone()),
    );
    let flow_step = rule_label(
        rule,
        &format!("the Internet packet passes NSG `{nsg_name}` by this rule"),
    );
    let mut finding = Finding::new(check.code, check.name, level, message, primary)
        .with_flow_step(flow_step)
        .with_address(rule.meta.address.clone())
        .with_fingerprint_key(
            exposure
                .classes
                .iter()
                .map(|(c, _)| c.label)
                .collect::<Vec<_>>()
                .join("+"),
        );
    if let Some(src) = rule.source_address_prefix.as_ref() {
        finding = finding.with_secondary(
            Label::new(src.span, "Internet sources match here")
                .with_address(rule.meta.address.clone()),
        );
    }
    if let Some(name) = nsg.and_then(|n| n.meta.name.as_ref()) {
        finding = finding.with_secondary(
            Label::new(name.span, "in this network security group")
                .with_address(nsg.map(|n| n.meta.address.clone()).unwrap_or_default()),
        );
    }
    for &later in &exposure.later {
        let other = &net[later];
        finding = finding
            .with_secondary(rule_label(
                other,
                "and this rule lets it through the next NSG",
            ))
            .with_flow_step(rule_label(other, "then passes the next NSG by this rule"));
    }
    for &pip in &exposure.public {
        let meta = &net[pip].meta;
        let span = meta.name.as_ref().map_or(meta.span, |n| n.span);
        finding = finding.with_secondary(
            Label::new(span, "the public entry point").with_address(meta.address.clone()),
        );
    }
    if let Some(packet) = &exposure.witness {
        let priority = rule
            .priority
            .as_ref()
            .and_then(Attr::get)
            .map_or_else(String::new, |p| format!(" (priority {p})"));
        let mut note = format!(
            "packet Internet {packet} is allowed by rule \"{}\"{priority} of NSG `{nsg_name}`",
            rule.meta.display_name()
        );
        for &later in &exposure.later {
            let other = &net[later];
            let priority = other
                .priority
                .as_ref()
                .and_then(Attr::get)
                .map_or_else(String::new, |p| format!(" (priority {p})"));
            let _ = write!(
                note,
                ", then by rule \"{}\"{priority}",
                other.meta.display_name()
            );
        }
        finding = finding.with_note(note);
    }
    if exposure.stand_in {
        finding = finding.with_note(
            "the NSG is attached nowhere in the scanned files, so it is judged on its own rules with `VirtualNetwork` taken as the private address ranges",
        );
    }
    finding
}

fn rule_label(rule: &SecurityRule, message: &str) -> Label {
    let span = rule
        .meta
        .name
        .as_ref()
        .map_or(rule.meta.span, |name| name.span);
    Label::new(span, message).with_address(rule.meta.address.clone())
}

/// The destination port attribute (or list element) whose value contains `port`.
fn port_attribute(rule: &SecurityRule, port: u16) -> Option<Span> {
    if let Some(attr) = &rule.destination_port_range
        && attr
            .get()
            .is_some_and(|text| port_text_contains(text, port))
    {
        return Some(attr.span);
    }
    if let Some(list) = &rule.destination_port_ranges {
        if let Some(items) = list.get() {
            for item in items {
                if item
                    .get()
                    .is_some_and(|text| port_text_contains(text, port))
                {
                    return Some(item.span);
                }
            }
        }
        return Some(list.span);
    }
    rule.destination_port_range.as_ref().map(|a| a.span)
}

fn port_text_contains(text: &str, port: u16) -> bool {
    let text = text.trim();
    if text == "*" {
        return true;
    }
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
        (Ok(lo), Ok(hi)) => lo <= port && port <= hi,
        _ => false,
    }
}
