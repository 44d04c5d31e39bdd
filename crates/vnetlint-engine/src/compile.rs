//! Compilation of an NSG's rules into ordered packet-set matches, and first-match evaluation
//! over packet sets and single packets (spec §2.1).

use vnetlint_ir::{AsgId, Network, NsgId, RuleId, Val};

use crate::addr::AddrSet;
use crate::fold::{PacketUnion, Remainder};
use crate::model::{
    Access, Bounds, CompiledNsg, CompiledRule, Decision, DefaultRule, Direction, Mode, RuleRef,
    Uncertainty, Verdict,
};
use crate::packet::{Cube, PacketSet, PortSet, ProtocolSet};
use crate::tags::{StructuralTag, TagContext};
use crate::validate::{
    AddrItem, ParsedRule, PortItem, Slot, duplicates_among, nsg_limits, parse_rule,
};

/// Compiles every rule of the NSG: problems are collected (the NSG's own limits among them),
/// rules with a value Azure rejects are compiled under its evident meaning (without the values
/// that have none), rules with no evident meaning are left out, and each direction lists the
/// remaining custom rules by integer priority (declaration order on ties, which only
/// duplicates produce) followed by the three defaults.
pub fn compile_nsg(net: &Network, nsg: NsgId, tags: &TagContext) -> CompiledNsg {
    let mut compiled = CompiledNsg {
        nsg,
        inbound: Vec::new(),
        outbound: Vec::new(),
        problems: Vec::new(),
        nsg_problems: Vec::new(),
        excluded: Vec::new(),
        unplaced: Vec::new(),
    };
    let Some(group) = net.nsgs.get(nsg.index()) else {
        compiled.inbound = default_rules(Direction::Inbound, tags);
        compiled.outbound = default_rules(Direction::Outbound, tags);
        return compiled;
    };
    // Each rule is parsed once, for the duplicate-priority check and for compilation.
    let parsed_rules: Vec<(usize, RuleId, ParsedRule)> = group
        .rules
        .iter()
        .enumerate()
        .filter_map(|(position, &id)| {
            Some((
                position,
                id,
                parse_rule(id, net.security_rules.get(id.index())?),
            ))
        })
        .collect();
    let duplicates = duplicates_among(net, parsed_rules.iter().map(|(_, id, p)| (*id, p)));
    let prefixes = parsed_rules
        .iter()
        .fold((0, 0), |(sources, destinations), (_, _, parsed)| {
            let (s, d) = parsed.literal_addresses;
            (sources + s, destinations + d)
        });
    compiled.nsg_problems = nsg_limits(nsg, group.rules.len(), prefixes);
    // (priority, declaration index, rule) per direction, sorted below.
    let mut inbound = Vec::new();
    let mut outbound = Vec::new();
    for (position, id, parsed) in parsed_rules {
        compiled.problems.extend(parsed.problems.iter().cloned());
        compiled
            .problems
            .extend(duplicates.iter().filter(|p| p.rule == id).cloned());
        if parsed.excluded() {
            compiled.excluded.push(id);
            continue;
        }
        let Some(direction) = compiled.place(id, &parsed.direction) else {
            continue;
        };
        let Some(access) = compiled.place(id, &parsed.access) else {
            continue;
        };
        let mut uncertain = Vec::new();
        // An unknown priority could put the rule anywhere; first is the conservative place,
        // because its `lower` is empty (it may not match at all) while its `upper` then
        // shadows everything after it in the modes that use `upper`.
        let priority = match &parsed.priority {
            Slot::Known(priority) => *priority,
            Slot::Unresolved(uncertainty) => {
                uncertain.push(uncertainty.clone());
                0
            }
            Slot::Bad => {
                compiled.excluded.push(id);
                continue;
            }
        };
        let matches = rule_bounds(net, &parsed, tags, &mut uncertain);
        let compiled_rule = CompiledRule {
            rule: RuleRef::Custom(id),
            priority,
            direction,
            access,
            matches,
            uncertain,
        };
        match direction {
            Direction::Inbound => inbound.push((priority, position, compiled_rule)),
            Direction::Outbound => outbound.push((priority, position, compiled_rule)),
        }
    }
    for (list, direction, target) in [
        (inbound, Direction::Inbound, &mut compiled.inbound),
        (outbound, Direction::Outbound, &mut compiled.outbound),
    ] {
        let mut list = list;
        list.sort_by_key(|(priority, position, _)| (*priority, *position));
        target.extend(list.into_iter().map(|(_, _, rule)| rule));
        target.extend(default_rules(direction, tags));
    }
    compiled
}

impl CompiledNsg {
    /// The value of a slot that says where rule `id` goes (its direction or access); the rule
    /// is left unplaced when the value is unresolved and excluded when it is invalid.
    fn place<T: Copy>(&mut self, id: RuleId, slot: &Slot<T>) -> Option<T> {
        match slot {
            Slot::Known(value) => Some(*value),
            Slot::Unresolved(uncertainty) => {
                self.unplaced.push((id, uncertainty.clone()));
                None
            }
            Slot::Bad => {
                self.excluded.push(id);
                None
            }
        }
    }
}

/// The three default rules of a direction (spec §1.7), with `*` as every address.
pub fn default_rules(direction: Direction, tags: &TagContext) -> Vec<CompiledRule> {
    DefaultRule::for_direction(direction)
        .into_iter()
        .map(|rule| {
            let (src, dst) = match rule {
                DefaultRule::AllowVnetInBound | DefaultRule::AllowVnetOutBound => {
                    (tags.virtual_network.clone(), tags.virtual_network.clone())
                }
                DefaultRule::AllowAzureLoadBalancerInBound => {
                    (tags.azure_load_balancer(), AddrSet::all())
                }
                DefaultRule::AllowInternetOutBound => (AddrSet::all(), tags.internet()),
                DefaultRule::DenyAllInBound | DefaultRule::DenyAllOutBound => {
                    (AddrSet::all(), AddrSet::all())
                }
            };
            let set = PacketSet::from_cube(Cube::new(
                ProtocolSet::all(),
                src,
                PortSet::all(),
                dst,
                PortSet::all(),
            ));
            CompiledRule {
                rule: RuleRef::Default(rule),
                priority: rule.priority(),
                direction,
                access: rule.access(),
                matches: Bounds::exact(set),
                uncertain: Vec::new(),
            }
        })
        .collect()
}

/// The lower and upper match sets of a valid rule.
fn rule_bounds(
    net: &Network,
    parsed: &ParsedRule,
    tags: &TagContext,
    uncertain: &mut Vec<Uncertainty>,
) -> Bounds {
    let (protocols_lower, protocols_upper) = protocol_bounds(&parsed.protocols, uncertain);
    let (src_lower, src_upper) = address_bounds(net, &parsed.src_addrs, tags, uncertain);
    let (dst_lower, dst_upper) = address_bounds(net, &parsed.dst_addrs, tags, uncertain);
    let (sport_lower, sport_upper) = port_bounds(&parsed.src_ports, uncertain);
    let (dport_lower, dport_upper) = port_bounds(&parsed.dst_ports, uncertain);
    let upper = PacketSet::from_cube(Cube::new(
        protocols_upper,
        src_upper,
        sport_upper,
        dst_upper,
        dport_upper,
    ));
    // An unknown value might be one Azure rejects, in which case the rule matches nothing.
    let lower = if parsed.has_unknown_value() {
        PacketSet::empty()
    } else {
        PacketSet::from_cube(Cube::new(
            protocols_lower,
            src_lower,
            sport_lower,
            dst_lower,
            dport_lower,
        ))
    };
    Bounds { lower, upper }
}

/// What the protocol of a valid rule certainly and possibly is; an unresolved protocol is
/// recorded in `uncertain`.
pub(crate) fn protocol_bounds(
    protocols: &Slot<ProtocolSet>,
    uncertain: &mut Vec<Uncertainty>,
) -> (ProtocolSet, ProtocolSet) {
    match protocols {
        Slot::Known(set) => (*set, *set),
        Slot::Unresolved(uncertainty) => {
            uncertain.push(uncertainty.clone());
            (ProtocolSet::empty(), ProtocolSet::all())
        }
        Slot::Bad => (ProtocolSet::empty(), ProtocolSet::empty()),
    }
}

/// What the ports of a side of a valid rule certainly and possibly are; unresolved values are
/// recorded in `uncertain`.
pub(crate) fn port_bounds(
    items: &[PortItem],
    uncertain: &mut Vec<Uncertainty>,
) -> (PortSet, PortSet) {
    let mut lower = PortSet::empty();
    let mut upper = PortSet::empty();
    for item in items {
        match item {
            PortItem::Set(set) => {
                lower = lower.union(set);
                upper = upper.union(set);
            }
            PortItem::Unresolved(uncertainty) => {
                uncertain.push(uncertainty.clone());
                upper = PortSet::all();
            }
        }
    }
    (lower, upper)
}

fn address_bounds(
    net: &Network,
    items: &[AddrItem],
    tags: &TagContext,
    uncertain: &mut Vec<Uncertainty>,
) -> (AddrSet, AddrSet) {
    let mut lower = AddrSet::empty();
    let mut upper = AddrSet::empty();
    for item in items {
        let (item_lower, item_upper) = match item {
            AddrItem::Set(set) => (set.clone(), set.clone()),
            AddrItem::Tag(tag) => {
                let set = tag.expand(tags);
                (set.clone(), set)
            }
            AddrItem::Opaque { tag, span } => {
                uncertain.push(Uncertainty::TagContents {
                    tag: tag.clone(),
                    span: *span,
                });
                (AddrSet::empty(), tags.internet())
            }
            AddrItem::Asg { asg, span } => {
                let (members, complete) = asg_members(net, *asg);
                if complete {
                    (members.clone(), members)
                } else {
                    let name = net
                        .asgs
                        .get(asg.index())
                        .map_or("?", |a| a.meta.display_name());
                    uncertain.push(Uncertainty::Unresolved {
                        span: *span,
                        reason: format!(
                            "membership of application security group `{name}` is not known statically"
                        ),
                    });
                    let upper = members.union(&StructuralTag::VirtualNetwork.expand(tags));
                    (members, upper)
                }
            }
            AddrItem::Unresolved(uncertainty) => {
                uncertain.push(uncertainty.clone());
                (AddrSet::empty(), AddrSet::all())
            }
        };
        lower = lower.union(&item_lower);
        upper = upper.union(&item_upper);
    }
    (lower, upper)
}

/// The private IPs of the IP configurations in the ASG, and whether that is all of them: every
/// member has a known static address and there is at least one member.
fn asg_members(net: &Network, asg: AsgId) -> (AddrSet, bool) {
    let mut members = AddrSet::empty();
    let mut complete = true;
    let mut any = false;
    for (_, nic) in net.iter_nics() {
        for config in &nic.ip_configurations {
            let in_asg = config
                .asgs
                .iter()
                .any(|a| matches!(&a.value, Val::Known(id) if *id == asg));
            if !in_asg {
                continue;
            }
            any = true;
            let is_static = config
                .allocation
                .as_ref()
                .and_then(|a| a.get())
                .is_some_and(|a| a.eq_ignore_ascii_case("Static"));
            let address = config
                .private_ip
                .as_ref()
                .and_then(|a| a.get())
                .and_then(|text| text.parse().ok());
            match address {
                Some(ip) if is_static => members = members.union(&AddrSet::from_ip(ip)),
                _ => complete = false,
            }
        }
    }
    (members, complete && any)
}

impl Decision {
    /// The packets of `remaining` that `matched` holds, as the decision of `rule` (at `index` in
    /// its direction); `remaining` keeps the rest.
    pub(crate) fn split_off(
        remaining: &mut PacketSet,
        matched: &PacketSet,
        index: usize,
        rule: &CompiledRule,
    ) -> Option<Decision> {
        if !remaining.overlaps(matched) {
            return None;
        }
        let (part, rest) = std::mem::take(remaining).split(matched);
        if part.is_empty() {
            return None;
        }
        *remaining = rest;
        Some(Decision {
            rule_index: index,
            rule: rule.rule,
            access: rule.access,
            packets: part,
        })
    }
}

impl CompiledNsg {
    /// The rules of a direction in evaluation order (custom rules, then defaults).
    pub fn rules(&self, dir: Direction) -> &[CompiledRule] {
        match dir {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }

    /// Partitions `query` by the first rule that decides each packet, in priority order; only
    /// non-empty parts are returned, and the default deny guarantees they cover `query`.
    pub fn decide(&self, dir: Direction, query: &PacketSet, mode: Mode) -> Vec<Decision> {
        // The remainder is indexed once it is long, so that each rule cuts only the cubes it
        // meets (see `fold.rs`); the parts are those of the plain walk, cube for cube.
        let mut remaining = Remainder::new(query.clone());
        let mut decisions = Vec::new();
        for (index, rule) in self.rules(dir).iter().enumerate() {
            if remaining.is_empty() {
                break;
            }
            let matched = match (mode, rule.access) {
                (Mode::May, Access::Allow) | (Mode::Must, Access::Deny) => &rule.matches.upper,
                (Mode::May, Access::Deny) | (Mode::Must, Access::Allow) => &rule.matches.lower,
            };
            if let Some(packets) = remaining.split_off(matched) {
                decisions.push(Decision {
                    rule_index: index,
                    rule: rule.rule,
                    access: rule.access,
                    packets,
                });
            }
        }
        decisions
    }

    /// Whether every rule of the direction matches exactly what it certainly matches (no
    /// unresolved value, no opaque tag), so that `Mode::Must` and `Mode::May` agree.
    pub fn is_exact(&self, dir: Direction) -> bool {
        self.rules(dir)
            .iter()
            .all(|rule| rule.matches.lower == rule.matches.upper)
    }

    /// The allowed part of `query`: the union of the allow decisions.
    pub fn allowed(&self, dir: Direction, query: &PacketSet, mode: Mode) -> PacketSet {
        // The parts are disjoint, so each adds to the union without a subtraction.
        let mut allowed = PacketUnion::new();
        for decision in self.decide(dir, query, mode) {
            if decision.access == Access::Allow {
                allowed.add_disjoint(decision.packets);
            }
        }
        allowed.finish()
    }

    /// The first rule whose `lower` holds the packet; `uncertain` when an earlier rule's
    /// `upper` also holds it, so the verdict could change once unknown values are resolved.
    pub fn evaluate(&self, dir: Direction, packet: &crate::packet::Packet) -> Verdict {
        let rules = self.rules(dir);
        let mut uncertain = false;
        for (index, rule) in rules.iter().enumerate() {
            if rule.matches.lower.contains(packet) {
                return Verdict {
                    rule_index: index,
                    rule: rule.rule,
                    access: rule.access,
                    uncertain,
                };
            }
            uncertain |= rule.matches.upper.contains(packet);
        }
        // Unreachable while the defaults are present (DenyAll matches everything); answer with
        // the direction's deny-all rather than panic.
        let fallback = match dir {
            Direction::Inbound => DefaultRule::DenyAllInBound,
            Direction::Outbound => DefaultRule::DenyAllOutBound,
        };
        Verdict {
            rule_index: rules.len().saturating_sub(1),
            rule: RuleRef::Default(fallback),
            access: Access::Deny,
            uncertain: true,
        }
    }
}
