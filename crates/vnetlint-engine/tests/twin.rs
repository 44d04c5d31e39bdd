//! The NSG evaluator has a brute-force twin: random small rule sets over a small universe are
//! evaluated packet by packet with a naive first-match that reads each rule's text itself, and
//! compared with the interval evaluator's `decide` partition. The rules include text Azure
//! rejects but whose meaning is evident (`TCP`, a comma list in one value, a tag in a plural
//! list, spaces, a missing port side) and values with none (`nope`), which both read alike. Also: adding a deny never enlarges
//! `allowed`, declaration order of distinct priorities does not matter, and `decide` parts are
//! disjoint and cover the query.

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::Fixture;
use common::generated::{self, Field, GenRule, addr_field, build, port_field, port_text};
use common::rng::Rng;
use common::twin::{HOST_IP, default_rule, first_match, in_cidr, rule_matches, universe, v4};
use proptest::prelude::*;
use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, Cube, Direction, Mode, Packet, PacketSet, PortSet, ProtocolSet,
    RuleRef, TagContext, compile_nsg,
};

// ---------------------------------------------------------------------------------------------
// Generated rules.

const SINGLE_ADDRS: &[&str] = &[
    "*",
    "Internet",
    "VirtualNetwork",
    "AzureLoadBalancer",
    "0.0.0.0/0",
    "10.0.0.0/28",
    "10.0.0.0/29",
    "10.0.0.4/30",
    "10.0.0.5",
    "203.0.113.0/29",
    "203.0.113.2/31",
    "203.0.113.3",
    "internet",
    "10.0.0.5, 203.0.113.3",
    "nope",
];
const PLURAL_ADDRS: &[&str] = &[
    "10.0.0.0/30",
    "10.0.0.6/31",
    "10.0.0.12",
    "203.0.113.0/30",
    "203.0.113.5",
    "8.8.8.8",
    "VirtualNetwork",
    "10.0.0.4/30,8.8.8.8",
    "something",
];
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "*", "TCP", " udp"];

/// A port text, sometimes written as Azure rejects it but meaning what it evidently means:
/// with spaces around it, or as a comma list.
fn misspelled_port_text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => port_text(8),
        1 => port_text(8).prop_map(|text| format!(" {text}")),
        1 => (port_text(8), port_text(8)).prop_map(|(a, b)| format!("{a},{b}")),
    ]
}

fn gen_rule(priorities: std::ops::Range<u32>) -> impl Strategy<Value = GenRule> {
    let addr = || addr_field(SINGLE_ADDRS, PLURAL_ADDRS, 3);
    // An empty singular port side is a side not written, which reads as `*`.
    let port = || {
        prop_oneof![
            5 => port_field(misspelled_port_text(), [2, 2, 1]),
            1 => Just(Field::Single(String::new())),
        ]
    };
    let sides = (addr(), port(), addr(), port());
    generated::gen_rule(priorities, PROTOCOLS, sides, Just(false))
}

fn rules(max: usize) -> impl Strategy<Value = Vec<GenRule>> {
    // A narrow priority range makes duplicates (evaluated in declaration order) common.
    prop::collection::vec(gen_rule(100..112), 0..max)
}

fn compile(fixture: &Fixture) -> CompiledNsg {
    let nsg = compile_nsg(
        &fixture.net,
        fixture.nsg,
        &TagContext::for_nsg(&fixture.net, fixture.nsg),
    );
    // Generated rules deploy or have an evident meaning: duplicates, ports on ICMP and evident
    // misspellings are reported but still evaluated.
    assert!(
        nsg.excluded.is_empty() && nsg.problems.iter().all(|p| !p.excludes_rule()),
        "{:?}",
        nsg.problems
    );
    nsg
}

// ---------------------------------------------------------------------------------------------
// The twin: reads the rule text per packet, knows the tags of the fixture's topology (VNet
// 10.0.0.0/16) directly, and shares no code with the engine.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decider {
    Custom(usize),
    Default(&'static str),
}

fn twin_in_vnet(ip: IpAddr) -> bool {
    in_cidr("10.0.0.0/16", ip) || v4(ip) == HOST_IP
}

fn twin_decide(rules: &[GenRule], inbound: bool, p: &Packet) -> (Decider, bool) {
    if let Some(i) = first_match(rules, inbound, |rule| rule_matches(rule, p, twin_in_vnet)) {
        return (Decider::Custom(i), rules[i].allow);
    }
    let both_in_vnet = twin_in_vnet(p.src) && twin_in_vnet(p.dst);
    let (name, _, allow) = default_rule(inbound, both_in_vnet, p);
    (Decider::Default(name), allow)
}

// ---------------------------------------------------------------------------------------------
// The universe.

fn universe_addrs() -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = (0..=6)
        .map(|i| IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)))
        .collect();
    out.push(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 12)));
    out.extend((0..=5).map(|i| IpAddr::V4(Ipv4Addr::new(203, 0, 113, i))));
    out.extend(["168.63.129.16", "192.168.1.1", "8.8.8.8"].map(|s| s.parse::<IpAddr>().unwrap()));
    out
}

const SRC_PORTS: std::ops::Range<u16> = 0..3;
const DST_PORTS: std::ops::Range<u16> = 0..9;

fn universe_packets() -> Vec<Packet> {
    universe(&universe_addrs(), &SRC_PORTS, &DST_PORTS)
}

fn universe_query() -> PacketSet {
    let addrs = universe_addrs()
        .into_iter()
        .fold(AddrSet::empty(), |acc, ip| acc.union(&AddrSet::from_ip(ip)));
    PacketSet::from_cube(Cube::new(
        ProtocolSet::all(),
        addrs.clone(),
        PortSet::range(SRC_PORTS.start, SRC_PORTS.end - 1),
        addrs,
        PortSet::range(DST_PORTS.start, DST_PORTS.end - 1),
    ))
}

fn config(cases: u32) -> ProptestConfig {
    // Few cases keep the test to a few seconds; each case checks about 25,000 packets.
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn decide_agrees_with_the_brute_force_twin(rules in rules(8)) {
        let fixture = build(&rules);
        let nsg = compile(&fixture);
        let query = universe_query();
        let packets = universe_packets();
        for (dir, inbound) in [(Direction::Inbound, true), (Direction::Outbound, false)] {
            let decisions = nsg.decide(dir, &query, Mode::May);
            for packet in &packets {
                let holders: Vec<_> = decisions.iter().filter(|d| d.packets.contains(packet)).collect();
                prop_assert_eq!(holders.len(), 1, "{} in {} parts", packet, holders.len());
                let (expected, allow) = twin_decide(&rules, inbound, packet);
                let got = match holders[0].rule {
                    RuleRef::Custom(id) => Decider::Custom(fixture.rules.iter().position(|r| *r == id).unwrap()),
                    RuleRef::Default(rule) => Decider::Default(rule.name()),
                };
                prop_assert_eq!(got, expected, "{}", packet);
                prop_assert_eq!(holders[0].access == Access::Allow, allow);
                let verdict = nsg.evaluate(dir, packet);
                prop_assert_eq!(verdict.rule, holders[0].rule);
                prop_assert!(!verdict.uncertain);
            }
        }
    }

    #[test]
    fn decide_parts_are_disjoint_and_cover_the_query(rules in rules(8)) {
        let nsg = compile(&build(&rules));
        for dir in [Direction::Inbound, Direction::Outbound] {
            for query in [PacketSet::all(), universe_query()] {
                let parts = nsg.decide(dir, &query, Mode::May);
                let mut union = PacketSet::empty();
                for (i, a) in parts.iter().enumerate() {
                    prop_assert!(!a.packets.is_empty());
                    for b in &parts[i + 1..] {
                        prop_assert!(a.packets.intersect(&b.packets).is_empty());
                    }
                    union = union.union(&a.packets);
                }
                prop_assert!(union.same_packets(&query));
            }
        }
    }

    #[test]
    fn adding_a_deny_never_enlarges_allowed(rules in rules(6), mut extra in gen_rule(100..112)) {
        extra.allow = false;
        let before = compile(&build(&rules));
        let mut more = rules.clone();
        more.push(extra);
        let after = compile(&build(&more));
        for dir in [Direction::Inbound, Direction::Outbound] {
            for mode in [Mode::May, Mode::Must] {
                let a = before.allowed(dir, &PacketSet::all(), mode);
                let b = after.allowed(dir, &PacketSet::all(), mode);
                prop_assert!(b.is_subset(&a));
            }
        }
    }

    #[test]
    fn declaration_order_of_distinct_priorities_does_not_matter(
        rules in rules(7),
        seed in any::<u64>(),
    ) {
        // Give every rule its own priority, then declare the rules in a shuffled order.
        let mut rules = rules;
        for (i, rule) in rules.iter_mut().enumerate() {
            rule.priority = 100 + u32::try_from(i).unwrap() * 7;
        }
        let mut shuffled: Vec<(usize, GenRule)> = rules.iter().cloned().enumerate().collect();
        let mut rng = Rng(seed | 1);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, usize::try_from(rng.next() % (i as u64 + 1)).unwrap());
        }
        let original = build(&rules);
        let reordered = build(&shuffled.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>());
        let (a, b) = (compile(&original), compile(&reordered));
        for dir in [Direction::Inbound, Direction::Outbound] {
            let left = a.decide(dir, &PacketSet::all(), Mode::May);
            let right = b.decide(dir, &PacketSet::all(), Mode::May);
            prop_assert_eq!(left.len(), right.len());
            for (l, r) in left.iter().zip(&right) {
                // Map each side's custom rule back to the generated rule it came from.
                let origin = |d: &vnetlint_engine::Decision, fixture: &Fixture, map: &dyn Fn(usize) -> usize| match d.rule {
                    RuleRef::Custom(id) => Decider::Custom(map(fixture.rules.iter().position(|x| *x == id).unwrap())),
                    RuleRef::Default(rule) => Decider::Default(rule.name()),
                };
                prop_assert_eq!(origin(l, &original, &|i| i), origin(r, &reordered, &|i| shuffled[i].0));
                prop_assert!(l.packets.same_packets(&r.packets));
            }
        }
    }
}
