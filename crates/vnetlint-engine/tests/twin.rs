//! The NSG evaluator has a brute-force twin: random small rule sets over a small universe are
//! evaluated packet by packet with a naive first-match that reads each rule's text itself, and
//! compared with the interval evaluator's `decide` partition. Also: adding a deny never enlarges
//! `allowed`, declaration order of distinct priorities does not matter, and `decide` parts are
//! disjoint and cover the query.

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::{Fixture, Row};
use proptest::prelude::*;
use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, Cube, Direction, Mode, Packet, PacketSet, PortSet, Protocol,
    ProtocolSet, RuleRef, TagContext, compile_nsg,
};
use vnetlint_ir::Dialect;

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
];
const PLURAL_ADDRS: &[&str] = &[
    "10.0.0.0/30",
    "10.0.0.6/31",
    "10.0.0.12",
    "203.0.113.0/30",
    "203.0.113.5",
    "8.8.8.8",
];
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "*"];

#[derive(Debug, Clone)]
enum Field {
    Single(String),
    Plural(Vec<String>),
}

#[derive(Debug, Clone)]
struct GenRule {
    priority: u32,
    inbound: bool,
    allow: bool,
    protocol: &'static str,
    src: Field,
    sport: Field,
    dst: Field,
    dport: Field,
}

fn port_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u16..8).prop_map(|p| p.to_string()),
        (0u16..8, 0u16..8).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b))),
    ]
}

fn port_field() -> impl Strategy<Value = Field> {
    prop_oneof![
        2 => Just(Field::Single("*".into())),
        2 => port_text().prop_map(Field::Single),
        1 => prop::collection::vec(port_text(), 1..3).prop_map(Field::Plural),
    ]
}

fn addr_field() -> impl Strategy<Value = Field> {
    prop_oneof![
        3 => prop::sample::select(SINGLE_ADDRS).prop_map(|a| Field::Single(a.to_string())),
        1 => prop::sample::subsequence(PLURAL_ADDRS, 1..3)
            .prop_map(|v| Field::Plural(v.into_iter().map(String::from).collect())),
    ]
}

fn gen_rule(priorities: std::ops::Range<u32>) -> impl Strategy<Value = GenRule> {
    (
        priorities,
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(PROTOCOLS),
        addr_field(),
        port_field(),
        addr_field(),
        port_field(),
    )
        .prop_map(
            |(priority, inbound, allow, protocol, src, sport, dst, dport)| GenRule {
                priority,
                inbound,
                allow,
                protocol,
                src,
                sport,
                dst,
                dport,
            },
        )
}

fn rules(max: usize) -> impl Strategy<Value = Vec<GenRule>> {
    // A narrow priority range makes duplicates (evaluated in declaration order) common.
    prop::collection::vec(gen_rule(100..112), 0..max)
}

/// Builds the NSG for the rules, in order, through the IR as a frontend would.
fn build(rules: &[GenRule]) -> Fixture {
    let mut fixture = Fixture::new();
    for (index, rule) in rules.iter().enumerate() {
        let name = format!("r{index}");
        let priority = rule.priority.to_string();
        let single = |field: &Field| match field {
            Field::Single(text) => text.clone(),
            Field::Plural(_) => String::new(),
        };
        let (src, sport, dst, dport) = (
            single(&rule.src),
            single(&rule.sport),
            single(&rule.dst),
            single(&rule.dport),
        );
        let id = fixture.add(
            Row {
                name: &name,
                priority: &priority,
                direction: if rule.inbound { "Inbound" } else { "Outbound" },
                access: if rule.allow { "Allow" } else { "Deny" },
                protocol: rule.protocol,
                src: &src,
                sport: &sport,
                dst: &dst,
                dport: &dport,
            },
            Dialect::Terraform,
        );
        let plural = |fixture: &mut Fixture, field: &Field| match field {
            Field::Plural(items) => {
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                Some(fixture.list(&items))
            }
            Field::Single(_) => None,
        };
        let lists = [
            plural(&mut fixture, &rule.src),
            plural(&mut fixture, &rule.sport),
            plural(&mut fixture, &rule.dst),
            plural(&mut fixture, &rule.dport),
        ];
        let [src_list, sport_list, dst_list, dport_list] = lists;
        let security_rule = fixture.rule_mut(id);
        security_rule.source_address_prefixes = src_list;
        security_rule.source_port_ranges = sport_list;
        security_rule.destination_address_prefixes = dst_list;
        security_rule.destination_port_ranges = dport_list;
    }
    fixture
}

fn compile(fixture: &Fixture) -> CompiledNsg {
    let nsg = compile_nsg(
        &fixture.net,
        fixture.nsg,
        &TagContext::for_nsg(&fixture.net, fixture.nsg),
    );
    // Generated rules are valid; duplicates and ports on ICMP are reported but still evaluated.
    assert!(
        nsg.excluded.is_empty() && nsg.problems.iter().all(|p| !p.kind.excludes_rule()),
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

fn v4(ip: IpAddr) -> [u8; 4] {
    match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(_) => unreachable!("the universe is IPv4"),
    }
}

fn twin_in_vnet(ip: IpAddr) -> bool {
    let o = v4(ip);
    (o[0] == 10 && o[1] == 0) || o == [168, 63, 129, 16]
}

fn twin_internet(ip: IpAddr) -> bool {
    let o = v4(ip);
    let private = o[0] == 0
        || o[0] == 10
        || o[0] == 127
        || o[0] >= 224
        || (o[0] == 100 && (64..128).contains(&o[1]))
        || (o[0] == 169 && o[1] == 254)
        || (o[0] == 172 && (16..32).contains(&o[1]))
        || (o[0] == 192 && o[1] == 168)
        || o == [168, 63, 129, 16];
    !private
}

fn twin_addr(text: &str, ip: IpAddr) -> bool {
    match text {
        "*" => true,
        "Internet" => twin_internet(ip),
        "VirtualNetwork" => twin_in_vnet(ip),
        "AzureLoadBalancer" => v4(ip) == [168, 63, 129, 16],
        cidr => {
            let (base, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
            let base: Ipv4Addr = base.parse().unwrap();
            let bits: u32 = bits.parse().unwrap();
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(base) & mask == u32::from(Ipv4Addr::from(v4(ip))) & mask
        }
    }
}

fn twin_port(text: &str, port: u16) -> bool {
    if text == "*" {
        return true;
    }
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    (lo.parse::<u16>().unwrap()..=hi.parse::<u16>().unwrap()).contains(&port)
}

fn field_matches(field: &Field, predicate: impl Fn(&str) -> bool) -> bool {
    match field {
        Field::Single(text) => predicate(text),
        Field::Plural(items) => items.iter().any(|t| predicate(t)),
    }
}

fn twin_matches(rule: &GenRule, p: &Packet) -> bool {
    let protocol = match rule.protocol {
        "*" => true,
        "Tcp" => p.protocol == Protocol::Tcp,
        "Udp" => p.protocol == Protocol::Udp,
        "Icmp" => p.protocol == Protocol::Icmp,
        _ => false,
    };
    let has_ports = matches!(p.protocol, Protocol::Tcp | Protocol::Udp);
    protocol
        && field_matches(&rule.src, |t| twin_addr(t, p.src))
        && field_matches(&rule.dst, |t| twin_addr(t, p.dst))
        && (!has_ports
            || (field_matches(&rule.sport, |t| twin_port(t, p.src_port))
                && field_matches(&rule.dport, |t| twin_port(t, p.dst_port))))
}

fn twin_decide(rules: &[GenRule], inbound: bool, p: &Packet) -> (Decider, bool) {
    let mut order: Vec<usize> = (0..rules.len())
        .filter(|&i| rules[i].inbound == inbound)
        .collect();
    order.sort_by_key(|&i| rules[i].priority); // stable: duplicates keep declaration order
    for i in order {
        if twin_matches(&rules[i], p) {
            return (Decider::Custom(i), rules[i].allow);
        }
    }
    if twin_in_vnet(p.src) && twin_in_vnet(p.dst) {
        return (
            Decider::Default(if inbound {
                "AllowVnetInBound"
            } else {
                "AllowVnetOutBound"
            }),
            true,
        );
    }
    if inbound && v4(p.src) == [168, 63, 129, 16] {
        return (Decider::Default("AllowAzureLoadBalancerInBound"), true);
    }
    if !inbound && twin_internet(p.dst) {
        return (Decider::Default("AllowInternetOutBound"), true);
    }
    (
        Decider::Default(if inbound {
            "DenyAllInBound"
        } else {
            "DenyAllOutBound"
        }),
        false,
    )
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
    let addrs = universe_addrs();
    let mut out = Vec::new();
    for &src in &addrs {
        for &dst in &addrs {
            for protocol in [Protocol::Tcp, Protocol::Udp] {
                for src_port in SRC_PORTS {
                    for dst_port in DST_PORTS {
                        out.push(Packet::new(protocol, src, src_port, dst, dst_port));
                    }
                }
            }
            for protocol in [Protocol::Icmp, Protocol::Esp] {
                out.push(Packet::new(protocol, src, 0, dst, 0));
            }
        }
    }
    out
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
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, usize::try_from(state % (i as u64 + 1)).unwrap());
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
