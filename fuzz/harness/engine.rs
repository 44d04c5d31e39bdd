//! The engine harness: a random NSG (rules drawn from pools of realistic values, plus arbitrary
//! text that the validator must reject gracefully) is compiled with `compile_nsg`, and its set
//! evaluator `decide` is checked against the per-packet first-match `evaluate`: the parts of a
//! decision partition the query (non-empty, disjoint, covering it), and for an NSG whose every
//! rule is known exactly, a packet in a part is decided by that part's rule packet by packet.
//!
//! Shared by the `engine` fuzz target and `crates/vnetlint-engine/tests/fuzz_replay.rs`
//! (through `#[path]`); it needs `crate::common` (`crates/vnetlint-engine/tests/common/mod.rs`).
//! The input is structured with `arbitrary`, so that most fuzz inputs are well-formed NSGs.

#![allow(dead_code, unreachable_pub)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::{Arbitrary, Unstructured};
use vnetlint_engine::{Direction, Mode, Packet, PacketSet, Protocol, TagContext, compile_nsg};
use vnetlint_ir::Dialect;

use crate::common::{Fixture, Row};

/// More rules or packets add run time, not new behaviour: the evaluator is per rule.
const MAX_RULES: usize = 24;
const MAX_PACKETS: usize = 32;

const ADDRS: &[&str] = &[
    "*",
    "Internet",
    "VirtualNetwork",
    "AzureLoadBalancer",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "10.0.1.4/30",
    "10.0.2.5",
    "10.0.2.5/32",
    "203.0.113.0/29",
    "203.0.113.2/31",
    "192.168.0.0/16",
    "::/0",
    "2001:db8::/32",
    "2001:db8::1",
    "Storage",
    "Sql.WestEurope",
    "AzureCloud",
];
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "*", "Esp", "Ah", "tcp", "Gre", ""];
const IPS: &[&str] = &[
    "10.0.1.4",
    "10.0.1.5",
    "10.0.2.5",
    "10.9.9.9",
    "168.63.129.16",
    "203.0.113.1",
    "203.0.113.3",
    "192.168.1.1",
    "8.8.8.8",
    "2001:db8::1",
    "::1",
];

#[derive(Debug, Arbitrary)]
pub enum Addr {
    Pool(u8),
    List(Vec<u8>),
    Text(String),
}

#[derive(Debug, Arbitrary)]
pub enum Ports {
    Star,
    One(u16),
    Range(u16, u16),
    List(Vec<(u16, u16)>),
    Text(String),
}

#[derive(Debug, Arbitrary)]
pub struct Rule {
    /// 100 + this modulo 16: a narrow range makes duplicate priorities (declaration order) common.
    pub priority: u8,
    pub inbound: bool,
    pub allow: bool,
    pub protocol: u8,
    pub src: Addr,
    pub sport: Ports,
    pub dst: Addr,
    pub dport: Ports,
}

#[derive(Debug, Arbitrary)]
pub enum Ip {
    Pool(u8),
    V4(u32),
    V6(u128),
}

#[derive(Debug, Arbitrary)]
pub struct Probe {
    pub protocol: u8,
    pub src: Ip,
    pub src_port: u16,
    pub dst: Ip,
    pub dst_port: u16,
}

#[derive(Debug, Arbitrary)]
pub struct Case {
    pub rules: Vec<Rule>,
    pub probes: Vec<Probe>,
}

/// Decodes `bytes` into a [`Case`] (as the fuzzer does) and checks it; inputs too short to
/// decode are a valid, empty case.
pub fn check_bytes(bytes: &[u8]) {
    if let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(bytes)) {
        check(&case);
    }
}

fn pick<'a>(pool: &[&'a str], index: u8) -> &'a str {
    pool[usize::from(index) % pool.len()]
}

/// A single value for the singular attribute, or a list for the plural one.
fn addr_text(addr: &Addr) -> (String, Option<Vec<String>>) {
    match addr {
        Addr::Pool(index) => (pick(ADDRS, *index).to_owned(), None),
        Addr::List(items) => (
            String::new(),
            Some(
                items
                    .iter()
                    .take(4)
                    .map(|i| pick(ADDRS, *i).to_owned())
                    .collect(),
            ),
        ),
        Addr::Text(text) => (text.chars().take(64).collect(), None),
    }
}

fn range_text(a: u16, b: u16) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{}-{}", a.min(b), a.max(b))
    }
}

fn port_text(ports: &Ports) -> (String, Option<Vec<String>>) {
    match ports {
        Ports::Star => ("*".to_owned(), None),
        Ports::One(port) => (port.to_string(), None),
        Ports::Range(a, b) => (range_text(*a, *b), None),
        Ports::List(items) => (
            String::new(),
            Some(
                items
                    .iter()
                    .take(4)
                    .map(|(a, b)| range_text(*a, *b))
                    .collect(),
            ),
        ),
        Ports::Text(text) => (text.chars().take(32).collect(), None),
    }
}

/// Builds the NSG through the IR, as a frontend would.
pub fn build(rules: &[Rule]) -> Fixture {
    let mut fixture = Fixture::new();
    for (index, rule) in rules.iter().take(MAX_RULES).enumerate() {
        let name = format!("r{index}");
        let priority = (100 + u32::from(rule.priority % 16)).to_string();
        let (src, src_list) = addr_text(&rule.src);
        let (dst, dst_list) = addr_text(&rule.dst);
        let (sport, sport_list) = port_text(&rule.sport);
        let (dport, dport_list) = port_text(&rule.dport);
        let id = fixture.add(
            Row {
                name: &name,
                priority: &priority,
                direction: if rule.inbound { "Inbound" } else { "Outbound" },
                access: if rule.allow { "Allow" } else { "Deny" },
                protocol: pick(PROTOCOLS, rule.protocol),
                src: &src,
                sport: &sport,
                dst: &dst,
                dport: &dport,
            },
            Dialect::Terraform,
        );
        let mut list = |items: Option<Vec<String>>| {
            items.map(|items| {
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                fixture.list(&items)
            })
        };
        let lists = [
            list(src_list),
            list(sport_list),
            list(dst_list),
            list(dport_list),
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

fn ip(ip: &Ip) -> IpAddr {
    match ip {
        Ip::Pool(index) => pick(IPS, *index).parse().expect("pool address"),
        Ip::V4(bits) => IpAddr::V4(Ipv4Addr::from(*bits)),
        Ip::V6(bits) => IpAddr::V6(Ipv6Addr::from(*bits)),
    }
}

fn packet(probe: &Probe) -> Packet {
    let protocol = Protocol::ALL[usize::from(probe.protocol) % Protocol::ALL.len()];
    let (src_port, dst_port) = if protocol.has_ports() {
        (probe.src_port, probe.dst_port)
    } else {
        (0, 0)
    };
    Packet::new(protocol, ip(&probe.src), src_port, ip(&probe.dst), dst_port)
}

/// Compiles the case's NSG and checks `decide` against `evaluate` in both directions.
pub fn check(case: &Case) {
    let fixture = build(&case.rules);
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    let nsg = compile_nsg(&fixture.net, fixture.nsg, &tags);
    let probes: Vec<Packet> = case.probes.iter().take(MAX_PACKETS).map(packet).collect();
    let query = PacketSet::all();
    for dir in [Direction::Inbound, Direction::Outbound] {
        let exact = nsg
            .rules(dir)
            .iter()
            .all(|rule| rule.matches.lower.same_packets(&rule.matches.upper));
        for mode in [Mode::May, Mode::Must] {
            let parts = nsg.decide(dir, &query, mode);
            let mut union = PacketSet::empty();
            for (index, part) in parts.iter().enumerate() {
                assert!(
                    !part.packets.is_empty(),
                    "{dir:?} {mode:?}: part {index} is empty"
                );
                for later in &parts[index + 1..] {
                    assert!(
                        part.packets.intersect(&later.packets).is_empty(),
                        "{dir:?} {mode:?}: rules {} and {} decide the same packet",
                        part.rule_index,
                        later.rule_index
                    );
                }
                union = union.union(&part.packets);
                // Packet by packet, a member of the part goes to the part's rule.
                if exact && let Some(member) = part.packets.witness(&probes) {
                    let verdict = nsg.evaluate(dir, &member);
                    assert_eq!(
                        verdict.rule_index, part.rule_index,
                        "{dir:?} {mode:?}: {member} is in rule {}'s part but evaluates to rule {}",
                        part.rule_index, verdict.rule_index
                    );
                    assert!(
                        !verdict.uncertain,
                        "{dir:?}: {member} is uncertain in an exact NSG"
                    );
                }
            }
            assert!(
                union.same_packets(&query),
                "{dir:?} {mode:?}: the parts do not cover every packet"
            );
            for probe in &probes {
                let holders: Vec<_> = parts.iter().filter(|d| d.packets.contains(probe)).collect();
                assert_eq!(
                    holders.len(),
                    1,
                    "{dir:?} {mode:?}: {probe} is in {} parts",
                    holders.len()
                );
                if exact {
                    let verdict = nsg.evaluate(dir, probe);
                    assert_eq!(
                        verdict.rule_index, holders[0].rule_index,
                        "{dir:?} {mode:?}: {probe} is decided by rule {} as a set, by rule {} alone",
                        holders[0].rule_index, verdict.rule_index
                    );
                }
            }
        }
    }
}
