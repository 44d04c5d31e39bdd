//! Azure Firewall DNAT as an entry point (routing spec §4, §5, §10 case 9): Internet packets to
//! a firewall's public IP are matched against its NAT rules (first match), translated to the
//! rule's address and port with a source in `AzureFirewallSubnet`, and followed from the
//! firewall to that address like any other path.
//!
//! Why the source matters: the translated packets come from the firewall's subnet, so an NSG
//! that admits only `VirtualNetwork` still admits them — the exposure is real.

use vnetlint_ir::{FirewallId, FirewallRuleKind};

use crate::addr::AddrSet;
use crate::firewall::{CompiledFirewall, CompiledFirewallRule};
use crate::legs::{Step, StepKind};
use crate::packet::{Cube, Packet, PacketSet, PortSet, ProtocolSet};
use crate::path::{
    PairResult, PathResult, ResolvedEndpoint, Segment, Traffic, outcome, pick_witness,
    preferred_witnesses,
};
use crate::routes::Appliance;
use crate::topology::Topology;

/// What one NAT rule of a firewall takes and lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnatEntry {
    pub rule: CompiledFirewallRule,
    /// The packets this rule takes (first match).
    pub matched: PacketSet,
    /// Those that certainly / possibly reach the translated destination.
    pub allowed: PacketSet,
    pub may_allow: PacketSet,
    /// Which protocols get through (certainly, possibly); `None` when the translated address
    /// or the firewall's subnet is not known.
    pub reach: Option<(ProtocolSet, ProtocolSet)>,
}

/// The packets of `set` for any destination address: NAT rules listen on the firewall's
/// public addresses, which the query names already.
fn any_destination(set: &PacketSet) -> PacketSet {
    set.cubes().iter().fold(PacketSet::empty(), |acc, cube| {
        acc.union(&PacketSet::from_cube(Cube {
            dst: AddrSet::all(),
            ..cube.clone()
        }))
    })
}

impl Topology<'_> {
    /// The segment packets leave a firewall from after address translation.
    fn firewall_segment(&self, fw: FirewallId) -> Option<Segment> {
        let subnet = self.appliance_subnet(&Appliance::Firewall(fw))?;
        Some(Segment {
            label: self.net.firewalls[fw.index()].meta.address.clone(),
            ..self.subnet_segment(subnet)?
        })
    }

    /// Whether the translated packets (`protocols` to `translated`) get from the firewall to
    /// their destination: (certainly, possibly) per protocol set.
    fn translated_reach(
        &self,
        from: &Segment,
        rule: &CompiledFirewallRule,
        protocols: ProtocolSet,
    ) -> Option<(ProtocolSet, ProtocolSet)> {
        let (ip, port) = rule.translated?;
        let target = self.resolve(&ip.to_string()).ok()?;
        let mut must = ProtocolSet::empty();
        let mut may = ProtocolSet::empty();
        for dst in &target.segments {
            let query = PacketSet::from_cube(Cube {
                src: from.addresses.clone(),
                dst: AddrSet::from_ip(ip),
                protocols,
                src_ports: PortSet::all(),
                dst_ports: PortSet::single(port),
            });
            let walked = self.walk(from, dst, &query);
            for (flow, _) in &walked.delivered {
                for cube in flow.must.cubes() {
                    must = must.union(cube.protocols);
                }
                for cube in flow.may.cubes() {
                    may = may.union(cube.protocols);
                }
            }
        }
        Some((must, may))
    }

    /// The packets of `query` (toward the firewall's public addresses) each NAT rule takes, in
    /// processing order (first match), and which of them reach the translated destination.
    pub fn dnat_entries(&self, compiled: &CompiledFirewall, query: &PacketSet) -> Vec<DnatEntry> {
        let inside = self.firewall_segment(compiled.id);
        let mut remaining = query.clone();
        let mut out = Vec::new();
        for rule in compiled
            .rules
            .iter()
            .filter(|r| r.kind == FirewallRuleKind::Nat)
        {
            let hit = remaining.intersect(&any_destination(&rule.upper));
            if hit.is_empty() {
                continue;
            }
            let certain = remaining.intersect(&any_destination(&rule.lower));
            remaining = remaining.subtract(&hit);
            let protocols = hit
                .cubes()
                .iter()
                .fold(ProtocolSet::empty(), |p, c| p.union(c.protocols));
            let reach = inside
                .as_ref()
                .and_then(|inside| self.translated_reach(inside, rule, protocols));
            let of = |set: &PacketSet, protocols: ProtocolSet| {
                set.intersect(&PacketSet::from_cube(Cube {
                    protocols,
                    ..Cube::all()
                }))
            };
            let (allowed, may_allow) = match reach {
                Some((must, may)) => (of(&certain, must), of(&hit, may)),
                None => (PacketSet::empty(), PacketSet::empty()),
            };
            out.push(DnatEntry {
                rule: rule.clone(),
                matched: hit,
                allowed,
                may_allow,
                reach,
            });
        }
        out
    }

    /// Internet (or any source) to a firewall's public IP, through its DNAT rules.
    pub(crate) fn evaluate_dnat(
        &self,
        from: &ResolvedEndpoint,
        to: &ResolvedEndpoint,
        fw: FirewallId,
        traffic: &Traffic,
    ) -> PathResult {
        let compiled = match self.compiled_firewall(fw) {
            Some(compiled) => compiled.clone(),
            None => CompiledFirewall::compile(self.net, fw),
        };
        let mut notes = from.notes.clone();
        notes.extend(compiled.notes.iter().cloned());
        let inside = self.firewall_segment(fw);
        if inside.is_none() {
            notes.push("the firewall's subnet or its prefixes are not known".to_owned());
        }
        let pip_addresses = to
            .segments
            .iter()
            .fold(AddrSet::empty(), |a, s| a.union(&s.addresses));
        let mut pairs = Vec::new();
        for (si, src) in from.segments.iter().enumerate() {
            let query = PacketSet::from_cube(Cube {
                src: src.addresses.clone(),
                dst: pip_addresses.clone(),
                protocols: traffic.protocols,
                src_ports: PortSet::all(),
                dst_ports: traffic.dst_ports.clone(),
            });
            let mut allowed = PacketSet::empty();
            let mut may_allow = PacketSet::empty();
            for entry in self.dnat_entries(&compiled, &query) {
                match entry.reach {
                    Some(_) => {
                        allowed = allowed.union(&entry.allowed);
                        may_allow = may_allow.union(&entry.may_allow);
                    }
                    None => notes.push(format!(
                        "where `{}` sends the packets is not known statically",
                        entry.rule.address
                    )),
                }
            }
            pairs.push(PairResult {
                source: si,
                destination: 0,
                hops: Vec::new(),
                no_route: None,
                query,
                allowed,
                may_allow: may_allow.clone(),
                egress: Vec::new(),
                egress_query: PacketSet::empty(),
                routed: None,
                devices: vec![(may_allow.clone(), vec![Appliance::Firewall(fw)])],
                arrivals: None,
            });
        }
        let (allowed, denied, uncertain, verdict) = outcome(&pairs);
        let target = if allowed.is_empty() {
            &denied
        } else {
            &allowed
        };
        let (witness, _) = pick_witness(&pairs, target, &preferred_witnesses(traffic));
        let (steps, trace) = match &witness {
            Some(packet) => self.trace_dnat(&compiled, packet),
            None => (Vec::new(), Vec::new()),
        };
        notes.push("a DNAT rule makes Internet traffic arrive from the firewall's subnet, which NSGs count as VirtualNetwork (routing spec §5)".to_owned());
        notes.sort();
        notes.dedup();
        PathResult {
            verdict,
            pairs,
            allowed,
            denied,
            uncertain,
            witness,
            trace,
            steps,
            notes,
        }
    }

    /// One packet through the NAT rules and on to the translated destination: the NAT step,
    /// then the translated packet's path (routes, NSG rules, return).
    pub fn trace_dnat(
        &self,
        compiled: &CompiledFirewall,
        packet: &Packet,
    ) -> (Vec<Step>, Vec<crate::path::HopTrace>) {
        let Some(inside) = self.firewall_segment(compiled.id) else {
            return (Vec::new(), Vec::new());
        };
        let inside = &inside;
        let probe = Packet {
            dst: "0.0.0.0".parse().expect("literal address"),
            ..*packet
        };
        let rule = compiled.rules.iter().find(|r| {
            r.kind == FirewallRuleKind::Nat && any_destination(&r.upper).contains(&probe)
        });
        let Some(rule) = rule else {
            let step = Step {
                kind: StepKind::Nat,
                text: format!(
                    "`{}`: no DNAT rule matches; the firewall drops it",
                    compiled_label(self, compiled)
                ),
                element: Some(vnetlint_ir::ElementId::Firewall(compiled.id)),
                span: None,
                assumed: false,
                stops: true,
            };
            return (vec![step], Vec::new());
        };
        let Some((ip, port)) = rule.translated else {
            return (Vec::new(), Vec::new());
        };
        let translated = Packet {
            src: crate::path::first_host(&inside.addresses).unwrap_or(packet.src),
            src_port: packet.src_port,
            dst: ip,
            dst_port: port,
            protocol: packet.protocol,
        };
        let mut steps = vec![Step {
            kind: StepKind::Nat,
            text: format!(
                "DNAT by `{}`: to {ip}:{port}, from {} (an address of the firewall's subnet)",
                rule.address, translated.src
            ),
            element: Some(vnetlint_ir::ElementId::Firewall(compiled.id)),
            span: Some(rule.span),
            assumed: false,
            stops: false,
        }];
        let Ok(target) = self.resolve(&ip.to_string()) else {
            return (steps, Vec::new());
        };
        let Some(dst) = target.segments.iter().find(|s| s.addresses.contains(ip)) else {
            return (steps, Vec::new());
        };
        let (more, trace) = self.trace_packet(inside, dst, &translated);
        steps.extend(more);
        (steps, trace)
    }
}

fn compiled_label(topo: &Topology<'_>, compiled: &CompiledFirewall) -> String {
    topo.net.firewalls[compiled.id.index()].meta.address.clone()
}
