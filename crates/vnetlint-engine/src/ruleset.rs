//! Rule-set analysis within one NSG and direction: which custom rules can never take effect
//! because earlier rules decide every packet they match, and which earlier rules do it. VNL201
//! (shadowed-rule) and VNL202 (redundant-rule) are thin wrappers around [`covered_rules`].
//!
//! # Design note: the cover walk
//!
//! A rule `r` takes effect for a packet when `r` matches it and no earlier rule does. So `r`
//! never takes effect exactly when its match set `M` lies inside the union of the earlier
//! rules' match sets, and the union is what matters: other scanners compare rules pairwise and
//! miss a rule that two earlier rules cover together. For each custom rule, the walk starts with
//! `remaining = M` and goes through the earlier rules in evaluation order; each earlier rule `e`
//! takes `part = remaining ∩ e` (the packets `e` decides *among those `r` matches*) and leaves
//! `remaining − e`. If `remaining` ends empty the rule is dead, and the parts name the deciders:
//!
//! ```text
//! 100 deny  tcp 10.0.0.0/24 -> * : 22-23
//! 110 deny  tcp 10.0.1.0/24 -> * : 22
//! 120 allow tcp 10.0.0.0/23 -> * : 22          M = tcp × 10.0.0.0/23 × * × * × 22
//!
//! after 100: part = tcp × 10.0.0.0/24 × 22, remaining = tcp × 10.0.1.0/24 × 22
//! after 110: part = tcp × 10.0.1.0/24 × 22, remaining = ∅   → dead
//! ```
//!
//! Every part is decided by a deny and rule 120 allows, so it is *shadowed* (the author's intent
//! is contradicted); had every part been decided with the rule's own access it would be
//! *redundant* (harmless, but misleading to the next reader). One opposite part is enough for
//! shadowed.
//!
//! Uncertainty. Only exact rules are judged (an unresolved or opaque value makes `M` itself
//! unknown). Earlier rules cover with their `lower` bound: what they certainly match. A rule is
//! therefore reported only when the packets it matches are certainly decided before it, and
//! inserting or resolving other rules can never revive it (adding rules only takes packets
//! away). What an unresolved earlier rule may change is *who* decides: when its `upper` reaches
//! packets of `remaining` beyond its `lower`, it is listed in [`CoveredRule::may_decide_first`]
//! so that messages can say the verdict for some packets may differ.
//!
//! Cost. Most rules are live, and a broad live rule is the expensive case: every earlier rule
//! overlaps it and each subtraction fragments its remainder. So before walking, two opposite
//! corners of each cube of `M` (lowest and highest protocol, addresses and ports) are tested
//! against the earlier rules one packet at a time; if one gets past all of them the rule is
//! live and the walk is skipped. During the walk, each time the remainder doubles in cubes
//! (from 4), the corners of its cubes are tested against the rules still to come, with the same
//! early exit. Both the probes and the choice of earlier rules to walk ask an index of the
//! rules' cubes (`index.rs`) for the rules that may hold the packet or meet `M`, rule most of
//! those out by their bounding boxes ([`Hull`]), and test exactly only the rest; before the
//! index they scanned the boxes of every earlier rule, O(n) per rule. Each step splits the
//! remainder by the earlier rule (one or two cubes) in one pass ([`PacketSet::split`]) and
//! merges only the new pieces, the whole remainder being merged again when it doubles. On the
//! 1,000-rule benchmark (`benches/ruleset.rs`) the probes took the analysis from about 500 ms to
//! about 13 ms, and the boxes and one-pass splits to about 6 ms; the figures for 100 to 4,000
//! rules are in `docs/performance.md`.
//!
//! Alternatives rejected: pairwise containment (misses covers by a union, the case that matters
//! in long rule lists); one running union of all earlier rules with a subset test per rule (the
//! same O(n²), but the union fragments into thousands of cubes over a long list, and it forgets
//! which rules decide, which the findings must name); sampling packets (cannot prove "never",
//! and narrow rules slip between samples; it is the brute-force twin in the tests and the
//! benchmark, not the analysis).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::addr::AddrSet;
use crate::index::{CubeIndex, id_of};
use crate::model::{Access, CompiledNsg, CompiledRule, Decision, Direction, RuleRef};
use crate::packet::{Cube, Hull, Packet, PacketSet};

/// Why a rule never takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CoverKind {
    /// Some of its packets are decided earlier with the opposite access (VNL201).
    Shadowed,
    /// All of its packets are decided earlier with its own access (VNL202).
    Redundant,
}

/// A custom rule that never takes effect, with the earlier rules that decide its packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveredRule {
    pub direction: Direction,
    /// Index into [`CompiledNsg::rules`] for the direction.
    pub rule_index: usize,
    pub rule: vnetlint_ir::RuleId,
    pub priority: u32,
    pub access: Access,
    pub kind: CoverKind,
    /// The earlier rules that decide the rule's packets, in evaluation order; their `packets`
    /// are disjoint and together are exactly what the rule matches.
    pub deciders: Vec<Decision>,
    /// Earlier rules with unknown values that may decide some of these packets before the
    /// listed deciders (indices into [`CompiledNsg::rules`]); empty when the deciders are sure.
    pub may_decide_first: Vec<usize>,
    /// A packet the rule matches, decided by a rule of the opposite access when shadowed.
    pub witness: Packet,
}

impl CoveredRule {
    /// The deciders whose access differs from the rule's.
    pub fn opposite(&self) -> impl Iterator<Item = &Decision> {
        self.deciders.iter().filter(|d| d.access != self.access)
    }
}

/// The custom rules of one direction that never take effect, in evaluation order (see the
/// module note). Default rules, rules with uncertain matches and rules that match nothing are
/// never reported.
pub fn covered_rules(nsg: &CompiledNsg, direction: Direction) -> Vec<CoveredRule> {
    let rules = nsg.rules(direction);
    let mut index = RuleIndex::new(rules);
    rules
        .iter()
        .enumerate()
        .filter_map(|(position, rule)| cover(rules, &mut index, position, rule, direction))
        .collect()
}

/// [`covered_rules`] for inbound, then outbound.
pub fn covered_rules_all(nsg: &CompiledNsg) -> Vec<CoveredRule> {
    let mut out = covered_rules(nsg, Direction::Inbound);
    out.extend(covered_rules(nsg, Direction::Outbound));
    out
}

/// The cover walk for `rules[position]`; `None` when some packet reaches it (or it is not
/// judged).
fn cover(
    rules: &[CompiledRule],
    index: &mut RuleIndex,
    position: usize,
    rule: &CompiledRule,
    direction: Direction,
) -> Option<CoveredRule> {
    let RuleRef::Custom(id) = rule.rule else {
        return None;
    };
    if !rule.uncertain.is_empty() || rule.matches.lower.is_empty() {
        return None;
    }
    // Most rules are live, and a corner of their match usually proves it at once; the walk
    // below would fragment the remainder of a broad live rule over hundreds of earlier rules.
    let mut probes = rule.matches.lower.cubes().iter().flat_map(corners);
    if probes.any(|p| index.reaches(rules, 0..position, &p)) {
        return None;
    }
    let mut remaining = rule.matches.lower.clone();
    let mut deciders = Vec::new();
    let mut may_decide_first = Vec::new();
    let mut probe_at = PROBE_FIRST;
    // `upper` contains `lower`, and the remainder only shrinks inside the rule's own match:
    // an earlier rule that misses the match never matters.
    for earlier_index in index.candidates(rules, position, &rule.matches.lower) {
        let earlier = &rules[earlier_index];
        if !remaining.overlaps(&earlier.matches.upper) {
            continue;
        }
        if !earlier.uncertain.is_empty()
            && !remaining
                .intersect(&earlier.matches.upper)
                .is_subset(&earlier.matches.lower)
        {
            may_decide_first.push(earlier_index);
        }
        let Some(decision) = Decision::split_off(
            &mut remaining,
            &earlier.matches.lower,
            earlier_index,
            earlier,
        ) else {
            continue;
        };
        deciders.push(decision);
        if remaining.is_empty() {
            break;
        }
        // A fragmented remainder is expensive to carry on; check whether a corner of it already
        // gets past every rule still to come, and stop if so.
        if remaining.cubes().len() >= probe_at {
            // Splits merge only their own pieces; merge the whole remainder before judging it.
            remaining = remaining.coalesced();
        }
        if remaining.cubes().len() >= probe_at {
            probe_at *= 2;
            if remaining
                .cubes()
                .iter()
                .flat_map(corners)
                .any(|p| index.reaches(rules, earlier_index + 1..position, &p))
            {
                return None;
            }
        }
    }
    if !remaining.is_empty() {
        return None;
    }
    let shadowing = deciders.iter().find(|d| d.access != rule.access);
    let kind = if shadowing.is_some() {
        CoverKind::Shadowed
    } else {
        CoverKind::Redundant
    };
    // The walk only ends with an empty remainder after at least one non-empty part.
    let witness = shadowing
        .or(deciders.first())
        .and_then(|d| d.packets.witness(&[]))?;
    Some(CoveredRule {
        direction,
        rule_index: position,
        rule: id,
        priority: rule.priority,
        access: rule.access,
        kind,
        deciders,
        may_decide_first,
        witness,
    })
}

/// The rules of one direction indexed for the walk: their bounding boxes ([`Hull`]) rule most
/// rules out at a few comparisons each, and only the rest are tested exactly. On a long list a
/// [`CubeIndex`] of the rules' `upper` cubes first offers the rules that may hold a probe's
/// packet or meet the judged rule; before it, every probe and every walk scanned the boxes of
/// all earlier rules, O(n) each, O(n²) over the list, which on a short list stays the cheaper
/// way (building the index costs more than the scans it saves).
struct RuleIndex {
    upper: Vec<Hull>,
    index: Option<CubeIndex>,
    scratch: Vec<u32>,
}

/// From this many rules in a direction, the walk asks a [`CubeIndex`].
const RULE_INDEX_FROM: usize = 128;

impl RuleIndex {
    fn new(rules: &[CompiledRule]) -> RuleIndex {
        let index = (rules.len() >= RULE_INDEX_FROM).then(|| {
            let mut index = CubeIndex::default();
            for (position, rule) in rules.iter().enumerate() {
                for cube in rule.matches.upper.cubes() {
                    index.insert(id_of(position), cube);
                }
            }
            index
        });
        RuleIndex {
            upper: rules.iter().map(|r| r.matches.upper.hull()).collect(),
            index,
            scratch: Vec::new(),
        }
    }

    /// Whether no rule in `range` certainly matches the packet, so it gets past all of them.
    fn reaches(
        &mut self,
        rules: &[CompiledRule],
        range: std::ops::Range<usize>,
        packet: &Packet,
    ) -> bool {
        // `upper` holds `lower`, so a box that cannot hold the packet rules the rule out.
        let stops =
            |r: usize| self.upper[r].may_contain(packet) && rules[r].matches.lower.contains(packet);
        let Some(index) = &mut self.index else {
            return !range.into_iter().any(stops);
        };
        let mut ids = std::mem::take(&mut self.scratch);
        ids.clear();
        index.query_packet(packet, &mut ids);
        let stopped = ids
            .iter()
            .map(|&id| id as usize)
            .any(|r| range.contains(&r) && stops(r));
        self.scratch = ids;
        !stopped
    }

    /// The rules before `position` whose `upper` match meets `set`, ascending.
    fn candidates(
        &mut self,
        rules: &[CompiledRule],
        position: usize,
        set: &PacketSet,
    ) -> Vec<usize> {
        let hull = set.hull();
        let meets =
            |r: usize| self.upper[r].may_overlap(&hull) && set.overlaps(&rules[r].matches.upper);
        let Some(index) = &mut self.index else {
            return (0..position).filter(|&r| meets(r)).collect();
        };
        let mut ids = std::mem::take(&mut self.scratch);
        ids.clear();
        for cube in set.cubes() {
            index.query(cube, &mut ids);
        }
        let mut before: Vec<usize> = ids
            .iter()
            .map(|&id| id as usize)
            .filter(|&r| r < position)
            .collect();
        self.scratch = ids;
        before.sort_unstable();
        before.dedup();
        before.retain(|&r| meets(r));
        before
    }
}

/// The remainder size (in cubes) at which the walk first probes for a packet that gets through.
const PROBE_FIRST: usize = 4;

/// Two opposite corners of a cube: its lowest and highest protocol, addresses and ports.
fn corners(cube: &Cube) -> impl Iterator<Item = Packet> {
    let low = (|| {
        let protocol = cube.protocols.iter().next()?;
        let src = cube.src.min()?;
        let dst = cube.dst.min()?;
        let ports = protocol.has_ports();
        Some(Packet::new(
            protocol,
            src,
            if ports { cube.src_ports.min()? } else { 0 },
            dst,
            if ports { cube.dst_ports.min()? } else { 0 },
        ))
    })();
    let high = (|| {
        let protocol = cube.protocols.iter().last()?;
        let max = |set: &AddrSet| {
            set.v6
                .max()
                .map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
                .or_else(|| set.v4.max().map(|v4| IpAddr::V4(Ipv4Addr::from(v4))))
        };
        let ports = protocol.has_ports();
        Some(Packet::new(
            protocol,
            max(&cube.src)?,
            if ports { cube.src_ports.max()? } else { 0 },
            max(&cube.dst)?,
            if ports { cube.dst_ports.max()? } else { 0 },
        ))
    })();
    low.into_iter().chain(high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::v4_span;
    use crate::model::Bounds;
    use crate::packet::{PortSet, Protocol, ProtocolSet};
    use proptest::prelude::*;

    /// A rule over a small universe: mostly narrow, sometimes `*` in one dimension, so that
    /// long lists both cover and miss each other.
    fn rule() -> impl Strategy<Value = (Cube, bool)> {
        let addr = prop_oneof![
            5 => (0u32..24, 0u32..4).prop_map(|(lo, len)| v4_span(lo, len)),
            1 => Just(AddrSet::all()),
        ];
        let ports = prop_oneof![
            4 => (0u16..12, 0u16..3).prop_map(|(lo, len)| PortSet::range(lo, lo + len)),
            1 => Just(PortSet::all()),
        ];
        let protocols = prop::sample::select(vec![
            ProtocolSet::single(Protocol::Tcp),
            ProtocolSet::single(Protocol::Udp),
            ProtocolSet::ported(),
        ]);
        (protocols, addr.clone(), addr, ports, any::<bool>()).prop_map(
            |(protocols, src, dst, dst_ports, allow)| {
                (
                    Cube::new(protocols, src, PortSet::all(), dst, dst_ports),
                    allow,
                )
            },
        )
    }

    fn compiled(rules: &[(Cube, bool)]) -> Vec<CompiledRule> {
        rules
            .iter()
            .enumerate()
            .map(|(i, (cube, allow))| CompiledRule {
                rule: RuleRef::Custom(vnetlint_ir::RuleId(id_of(i))),
                priority: 100 + u32::try_from(i).unwrap_or(0),
                direction: Direction::Inbound,
                access: if *allow { Access::Allow } else { Access::Deny },
                matches: Bounds::exact(PacketSet::from_cube(cube.clone())),
                uncertain: Vec::new(),
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        // On a list long enough to be indexed, the walk offered by the index is the one the
        // flat scans give: the same candidates, the same probe answers, the same covered rules.
        #[test]
        fn the_indexed_walk_is_the_flat_walk(rules in prop::collection::vec(rule(), RULE_INDEX_FROM..RULE_INDEX_FROM + 40)) {
            let rules = compiled(&rules);
            let mut indexed = RuleIndex::new(&rules);
            prop_assert!(indexed.index.is_some());
            let mut flat = RuleIndex { index: None, ..RuleIndex::new(&rules[..1]) };
            flat.upper = indexed.upper.clone();
            for (position, rule) in rules.iter().enumerate() {
                let set = &rule.matches.lower;
                prop_assert_eq!(
                    indexed.candidates(&rules, position, set),
                    flat.candidates(&rules, position, set)
                );
                for packet in set.cubes().iter().flat_map(corners) {
                    prop_assert_eq!(
                        indexed.reaches(&rules, 0..position, &packet),
                        flat.reaches(&rules, 0..position, &packet)
                    );
                }
                prop_assert_eq!(
                    cover(&rules, &mut indexed, position, rule, Direction::Inbound),
                    cover(&rules, &mut flat, position, rule, Direction::Inbound)
                );
            }
        }
    }
}
