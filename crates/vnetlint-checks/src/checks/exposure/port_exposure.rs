//! The query VNL101 and VNL102 share: which custom rules of an NSG let Internet hosts reach a
//! class of ports, after priorities and denies, and which verdicts hinge on unresolved values.
//!
//! The query is evaluated twice: `Mode::Must` (unresolved allows match nothing, unresolved denies
//! match everything) gives the exposure that certainly exists and becomes the check's finding;
//! `Mode::May` (the reverse) gives what might exist. Their difference depends on values vnetlint
//! could not resolve and is reported as VNL002 at those values, never assumed safe.

use std::collections::BTreeMap;
use std::net::IpAddr;

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_engine::{
    Access, Cube, Direction, Mode, Packet, PacketSet, PortSet, Protocol, ProtocolSet, RuleRef,
    Uncertainty,
};
use vnetlint_ir::{Attr, Network, RuleId, SecurityRule, Span};

use crate::checks::frontend::unresolved_value::UNRESOLVED_VALUE;
use crate::context::{Context, NsgView};
use crate::declare::Check;

/// A named set of ports, such as SSH on TCP 22.
pub(crate) struct PortClass {
    pub label: &'static str,
    pub ports: &'static [(u16, u16)],
}

impl PortClass {
    fn describe(&self) -> String {
        let ports: Vec<String> = self
            .ports
            .iter()
            .map(|&(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect();
        format!("{} ({})", self.label, ports.join(", "))
    }

    fn port_set(&self) -> PortSet {
        let mut set = PortSet::empty();
        for &(lo, hi) in self.ports {
            set = set.union(&PortSet::range(lo, hi));
        }
        set
    }
}

/// What one rule exposes: the classes with the ports actually reachable, and a witness packet.
#[derive(Default)]
struct Exposure<'c> {
    classes: Vec<(&'c PortClass, PortSet)>,
    witness: Option<Packet>,
}

impl<'c> Exposure<'c> {
    fn add(&mut self, class: &'c PortClass, packets: &PacketSet, hints: &[Packet]) {
        let mut ports = PortSet::empty();
        for cube in packets.cubes() {
            ports = ports.union(&cube.dst_ports);
        }
        let ports = ports.intersect(&class.port_set());
        match self
            .classes
            .iter_mut()
            .find(|(c, _)| c.label == class.label)
        {
            Some((_, known)) => *known = known.union(&ports),
            None => self.classes.push((class, ports)),
        }
        if self.witness.is_none() {
            self.witness = packets.witness(hints);
        }
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
    classes: &[PortClass],
    why: &str,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    for view in &ctx.nsgs {
        let internet = view.tags.internet_hosts();
        let mut exposed: BTreeMap<RuleId, Exposure<'_>> = BTreeMap::new();
        let mut uncertain: BTreeMap<Span, (String, Vec<&PortClass>, RuleId)> = BTreeMap::new();
        for class in classes {
            let hints = witness_hints(class, view.sample_destination());
            let query = PacketSet::from_cube(Cube {
                src: internet.clone(),
                dst: view.guarded.clone(),
                protocols: ProtocolSet::of(&[Protocol::Tcp, Protocol::Udp]),
                src_ports: PortSet::all(),
                dst_ports: class.port_set(),
            });
            let must = view
                .compiled
                .allowed(Direction::Inbound, &query, Mode::Must);
            for decision in view.compiled.decide(Direction::Inbound, &query, Mode::Must) {
                if let (Access::Allow, RuleRef::Custom(rule)) = (decision.access, decision.rule) {
                    exposed
                        .entry(rule)
                        .or_default()
                        .add(class, &decision.packets, &hints);
                }
            }
            // What might be allowed but is not certainly allowed hinges on an unresolved value
            // or on the contents of a service tag.
            for decision in view.compiled.decide(Direction::Inbound, &query, Mode::May) {
                let (Access::Allow, RuleRef::Custom(rule)) = (decision.access, decision.rule)
                else {
                    continue;
                };
                let maybe = decision.packets.subtract(&must);
                if maybe.is_empty() {
                    continue;
                }
                let rules = view.compiled.rules(Direction::Inbound);
                for earlier in &rules[..=decision.rule_index] {
                    for u in &earlier.uncertain {
                        match u {
                            Uncertainty::Unresolved { span, reason } => {
                                let entry = uncertain
                                    .entry(*span)
                                    .or_insert_with(|| (reason.clone(), Vec::new(), rule));
                                if !entry.1.iter().any(|c| c.label == class.label) {
                                    entry.1.push(class);
                                }
                            }
                            // Any Azure customer can hold an address in AzureCloud, so an allow
                            // from it is exposure; other service tags hold Microsoft's own service
                            // addresses and are not reported (no false alarm).
                            Uncertainty::TagContents { tag, .. }
                                if earlier.access == Access::Allow
                                    && tag
                                        .split('.')
                                        .next()
                                        .is_some_and(|t| t.eq_ignore_ascii_case("AzureCloud")) =>
                            {
                                exposed.entry(rule).or_default().add(class, &maybe, &hints);
                            }
                            Uncertainty::TagContents { .. } => {}
                        }
                    }
                }
            }
        }
        for (rule_id, exposure) in exposed {
            out.push(exposure_finding(net, view, check, rule_id, &exposure, why));
        }
        for (span, (reason, classes, rule_id)) in uncertain {
            let rule = &net[rule_id];
            let what: Vec<String> = classes.iter().map(|c| c.describe()).collect();
            let message = format!(
                "whether the Internet can reach {} through rule `{}` of NSG `{}` depends on a value vnetlint cannot resolve ({reason}); give it a value in the scanned files so the exposure can be judged",
                what.join(" and "),
                rule.meta.display_name(),
                net[view.id].meta.display_name(),
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
                .with_fingerprint_key(format!(
                    "{}:{}",
                    check.code,
                    span_key(net, span)
                )),
            );
        }
    }
}

fn span_key(net: &Network, span: Span) -> String {
    // Stable across edits elsewhere: the element address plus the attribute, not offsets.
    net.iter_rules()
        .find(|(_, r)| {
            r.meta.span.file == span.file && r.meta.span.range.contains_range(span.range)
        })
        .map_or_else(String::new, |(_, r)| r.meta.address.clone())
}

/// Preferred witnesses: a documentation-range source, the NSG's first host, each port of the class.
fn witness_hints(class: &PortClass, dst: IpAddr) -> Vec<Packet> {
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
    view: &NsgView,
    check: &Check,
    rule_id: RuleId,
    exposure: &Exposure<'_>,
    why: &str,
) -> Finding {
    let rule = &net[rule_id];
    let nsg = &net[view.id];
    let message = format!(
        "rule `{}` of NSG `{}` lets the Internet reach {}: {why}; narrow the source to known addresses or `VirtualNetwork`, or put a deny with a lower priority number in front of it",
        rule.meta.display_name(),
        nsg.meta.display_name(),
        exposure.describe(),
    );
    let port = exposure.witness.as_ref().map(|p| p.dst_port);
    let primary = port.and_then(|p| port_attribute(rule, p)).map_or_else(
        || rule_label(rule, "this rule allows it"),
        |span| Label::new(span, "this rule allows it").with_address(rule.meta.address.clone()),
    );
    let mut finding = Finding::new(
        check.code,
        check.name,
        check.default_level,
        message,
        primary,
    )
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
    if let Some(name) = nsg.meta.name.as_ref() {
        finding = finding.with_secondary(
            Label::new(name.span, "in this network security group")
                .with_address(nsg.meta.address.clone()),
        );
    }
    if let Some(packet) = &exposure.witness {
        let priority = rule
            .priority
            .as_ref()
            .and_then(Attr::get)
            .map_or_else(String::new, |p| format!(" (priority {p})"));
        finding = finding.with_note(format!(
            "packet Internet {packet} is allowed by rule \"{}\"{priority}, the first rule that matches it",
            rule.meta.display_name()
        ));
    }
    if view.tags.stand_in {
        finding = finding.with_note(
            "the NSG is judged on its own rules; `VirtualNetwork` is taken as the private address ranges because no virtual network is attached",
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
