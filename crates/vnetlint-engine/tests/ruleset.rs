//! The rule-set analysis (`covered_rules`): worked cases, then a property test against
//! first-match evaluation of every packet of a small universe that is complete for the generated
//! rules (one packet per class of packets that no generated rule can tell apart), so that
//! "reported" must be exactly "decides no packet".

mod common;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use common::generated::{self, Field, GenRule, addr_field, build, port_field, port_text};
use common::twin::universe as universe_of;
use common::{Fixture, Row, tcp};
use proptest::prelude::*;
use vnetlint_engine::{
    Access, CompiledNsg, CoverKind, CoveredRule, Direction, Packet, RuleRef, TagContext,
    compile_nsg, covered_rules, covered_rules_all,
};
use vnetlint_ir::Dialect;

fn compile(fixture: &Fixture) -> CompiledNsg {
    compile_nsg(
        &fixture.net,
        fixture.nsg,
        &TagContext::for_nsg(&fixture.net, fixture.nsg),
    )
}

/// The analysis of both directions, as (rule name, kind, decider names) for readable asserts.
fn check(fixture: &Fixture) -> Vec<(String, CoverKind, Vec<String>)> {
    let nsg = compile(fixture);
    let name = |rule: RuleRef| match rule {
        RuleRef::Custom(id) => fixture.net[id].meta.display_name().to_owned(),
        RuleRef::Default(rule) => rule.name().to_owned(),
    };
    covered_rules_all(&nsg)
        .into_iter()
        .map(|c| {
            let deciders = c.deciders.iter().map(|d| name(d.rule)).collect();
            (name(RuleRef::Custom(c.rule)), c.kind, deciders)
        })
        .collect()
}

fn names(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Worked cases.

#[test]
fn a_broader_deny_shadows_a_later_allow() {
    let fixture = Fixture::with(&[
        "deny-web 100 Inbound Deny * * * * 80-443",
        "allow-http 200 Inbound Allow Tcp Internet * * 80",
    ]);
    assert_eq!(
        check(&fixture),
        [(
            "allow-http".into(),
            CoverKind::Shadowed,
            names(&["deny-web"])
        )]
    );
    let covered = &covered_rules(&compile(&fixture), Direction::Inbound)[0];
    assert_eq!(covered.priority, 200);
    assert_eq!(covered.access, Access::Allow);
    assert_eq!(
        covered.witness.to_string(),
        "203.0.113.1:49152 -> 0.0.0.0:80 tcp"
    );
    assert!(covered.may_decide_first.is_empty());
}

#[test]
fn the_union_of_two_earlier_rules_shadows() {
    // Neither deny covers the allow alone (the pairwise test other scanners run misses it).
    let fixture = Fixture::with(&[
        "deny-a 100 Inbound Deny Tcp 10.0.0.0/24 * * 22-23",
        "deny-b 110 Inbound Deny Tcp 10.0.1.0/24 * * 22",
        "allow-ssh 120 Inbound Allow Tcp 10.0.0.0/23 * * 22",
    ]);
    assert_eq!(
        check(&fixture),
        [(
            "allow-ssh".into(),
            CoverKind::Shadowed,
            names(&["deny-a", "deny-b"])
        )]
    );
    let covered = &covered_rules(&compile(&fixture), Direction::Inbound)[0];
    let union = covered.deciders[0]
        .packets
        .union(&covered.deciders[1].packets);
    let nsg = compile(&fixture);
    assert!(union.same_packets(&nsg.inbound[covered.rule_index].matches.lower));
}

#[test]
fn an_allow_inside_an_earlier_allow_is_redundant() {
    let fixture = Fixture::with(&[
        "allow-web 100 Inbound Allow Tcp VirtualNetwork * * 80-443",
        "allow-https 110 Inbound Allow Tcp 10.0.1.0/24 * 10.0.1.4 443",
    ]);
    assert_eq!(
        check(&fixture),
        [(
            "allow-https".into(),
            CoverKind::Redundant,
            names(&["allow-web"])
        )]
    );
}

#[test]
fn mixed_deciders_count_as_shadowed() {
    let fixture = Fixture::with(&[
        "allow-low 100 Inbound Allow Tcp * * * 0-99",
        "deny-high 110 Inbound Deny Tcp * * * 100-65535",
        "allow-tcp 120 Inbound Allow Tcp * * * *",
    ]);
    assert_eq!(
        check(&fixture),
        [(
            "allow-tcp".into(),
            CoverKind::Shadowed,
            names(&["allow-low", "deny-high"])
        )]
    );
    // The witness shows the contradiction: a packet the deny decides.
    let covered = &covered_rules(&compile(&fixture), Direction::Inbound)[0];
    assert_eq!(covered.witness.dst_port, 100);
    assert_eq!(covered.opposite().count(), 1);
}

#[test]
fn a_partly_covered_rule_is_not_reported() {
    let fixture = Fixture::with(&[
        "deny-sql-internet 100 Inbound Deny * Internet * * 1433",
        "allow-sql 200 Inbound Allow Tcp * * * 1433",
    ]);
    assert_eq!(check(&fixture), []);
}

#[test]
fn later_rules_and_other_directions_do_not_cover() {
    let fixture = Fixture::with(&[
        "allow-dns 100 Outbound Allow Udp * * * 53",
        "deny-all-in 110 Inbound Deny * * * * *",
        "deny-all-out 120 Outbound Deny * * * * *",
        "allow-dns-again 130 Outbound Allow Udp * * 8.8.8.8 53",
        "deny-smtp 140 Outbound Deny Tcp * * Internet 25",
    ]);
    // `allow-dns` is not covered by the later deny-all; the two rules after it are.
    assert_eq!(
        check(&fixture),
        [
            (
                "allow-dns-again".into(),
                CoverKind::Redundant,
                names(&["allow-dns"])
            ),
            (
                "deny-smtp".into(),
                CoverKind::Redundant,
                names(&["deny-all-out"])
            ),
        ]
    );
    let nsg = compile(&fixture);
    assert!(covered_rules(&nsg, Direction::Inbound).is_empty());
    assert!(
        covered_rules(&nsg, Direction::Outbound)
            .iter()
            .all(|c| c.direction == Direction::Outbound)
    );
}

#[test]
fn default_rules_are_never_reported() {
    // A custom deny-all decides everything, so the defaults after it never take effect; they
    // are Azure's, not the author's, and are not reported.
    let fixture = Fixture::with(&[
        "deny-all 4096 Inbound Deny * * * * *",
        "allow-all-out 4096 Outbound Allow * * * * *",
    ]);
    assert_eq!(check(&fixture), []);
}

#[test]
fn a_duplicate_priority_is_evaluated_in_declaration_order() {
    let fixture = Fixture::with(&[
        "allow-https 100 Inbound Allow Tcp VirtualNetwork * * 443",
        "allow-https-copy 100 Inbound Allow Tcp VirtualNetwork * * 443",
    ]);
    assert_eq!(
        check(&fixture),
        [(
            "allow-https-copy".into(),
            CoverKind::Redundant,
            names(&["allow-https"])
        )]
    );
}

#[test]
fn unresolved_rules_are_not_judged_and_do_not_cover() {
    let mut fixture = Fixture::new();
    let unknown_source = fixture.add(
        Row::parse("allow-var 100 Inbound Allow Tcp * * * 443"),
        Dialect::Terraform,
    );
    let unknown = fixture.unknown("var.source has no value");
    fixture.rule_mut(unknown_source).source_address_prefix = Some(unknown);
    for row in [
        "deny-https 110 Inbound Deny Tcp * * * 443",
        "deny-https-again 120 Inbound Deny Tcp * * * 443",
    ] {
        fixture.add(Row::parse(row), Dialect::Terraform);
    }
    let unresolved_target = fixture.add(
        Row::parse("deny-var 130 Inbound Deny Tcp * * * 443"),
        Dialect::Terraform,
    );
    let unknown = fixture.unknown("var.target has no value");
    fixture
        .rule_mut(unresolved_target)
        .destination_address_prefix = Some(unknown);
    // `deny-https` is not made dead by the unresolved allow before it; `deny-https-again` is
    // dead, but the unresolved allow may decide some of its packets first; `deny-var` is not
    // judged at all.
    assert_eq!(
        check(&fixture),
        [(
            "deny-https-again".into(),
            CoverKind::Redundant,
            names(&["deny-https"])
        )]
    );
    let covered = &covered_rules(&compile(&fixture), Direction::Inbound)[0];
    assert_eq!(covered.may_decide_first, [0]);
}

#[test]
fn an_opaque_service_tag_is_not_judged() {
    let fixture = Fixture::with(&[
        "deny-all 100 Inbound Deny * * * * *",
        "allow-storage 110 Inbound Allow Tcp Storage * * 443",
    ]);
    assert_eq!(check(&fixture), []);
}

#[test]
fn the_witness_is_in_the_rule_and_decided_by_the_named_rule() {
    let fixture = Fixture::with(&[
        "deny-a 100 Inbound Deny Tcp 10.0.0.0/24 * * 22-23",
        "deny-b 110 Inbound Deny Tcp 10.0.1.0/24 * * 22",
        "allow-ssh 120 Inbound Allow Tcp 10.0.0.0/23 * * 22",
    ]);
    let nsg = compile(&fixture);
    let covered = &covered_rules(&nsg, Direction::Inbound)[0];
    let verdict = nsg.evaluate(Direction::Inbound, &covered.witness);
    assert!(
        nsg.inbound[covered.rule_index]
            .matches
            .lower
            .contains(&covered.witness)
    );
    assert_eq!(verdict.rule, covered.deciders[0].rule);
    assert_eq!(verdict.access, Access::Deny);
    assert_eq!(
        nsg.evaluate(Direction::Inbound, &tcp("10.0.1.9", 1, "10.0.0.1", 22))
            .rule,
        covered.deciders[1].rule
    );
}

#[test]
fn a_fragmented_remainder_is_probed_and_the_walk_goes_on_when_covered() {
    // The first two denies cover both corners of the broad allow's match and cut its remainder
    // into more than four cubes, so the walk probes the remainder against the rules still to
    // come: without `deny-tcp` a corner gets through (live), with it none does (dead, and all
    // three denies decide a part).
    let corners = [
        "deny-low 100 Inbound Deny Tcp 0.0.0.0/8 * 0.0.0.0/8 0-10",
        "deny-high 110 Inbound Deny Tcp ffff::/16 * ffff::/16 65000-65535",
    ];
    let allow = "allow-tcp 130 Inbound Allow Tcp * * * *";
    let live = Fixture::with(&[corners[0], corners[1], allow]);
    assert_eq!(check(&live), []);
    let deny_all = "deny-tcp 120 Inbound Deny Tcp * * * *";
    let dead = Fixture::with(&[corners[0], corners[1], deny_all, allow]);
    assert_eq!(
        check(&dead),
        [(
            "allow-tcp".into(),
            CoverKind::Shadowed,
            names(&["deny-low", "deny-high", "deny-tcp"])
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Property: reported ⇔ decides no packet of a complete universe.
//
// Addresses come from a /28 (plus tags and one outside prefix); the universe holds one address
// per class of addresses that every generated value treats alike: inside the /28 the values'
// boundaries fall at .0, .4, .6, .7, .8 and .12, and outside it an address is told apart only
// by `VirtualNetwork` (10.0.0.0/16 and 168.63.129.16 in the fixture), `Internet` and `*`
// (`AzureLoadBalancer` is left out: 168.63.129.16 would differ from 10.0.1.1 only for the
// default rules, which come after every custom rule). Ports: destination values lie in 0..=4
// (every port there plus one above), source values split at 0, 1, 2 and 3+. Protocols: tcp,
// udp, icmp, and esp for the portless rest. All rules of a case share one direction, so that
// each case evaluates one list; the cases cover both. Because any two packets of one class are matched alike by every rule, a rule decides
// some packet iff it decides some universe packet.

const SINGLE_ADDRS: &[&str] = &[
    "*",
    "*",
    "VirtualNetwork",
    "Internet",
    "10.0.0.0/28",
    "10.0.0.0/29",
    "10.0.0.8/29",
    "10.0.0.4/30",
    "10.0.0.6",
];
const PLURAL_ADDRS: &[&str] = &["10.0.0.0/30", "10.0.0.6/31", "10.0.0.12/30", "10.0.0.6"];
const UNIVERSE_ADDRS: &[&str] = &[
    "10.0.0.0",
    "10.0.0.4",
    "10.0.0.6",
    "10.0.0.7",
    "10.0.0.8",
    "10.0.0.12",
    "10.0.1.1",
    "8.8.8.8",
    "192.168.1.1",
];
const UNIVERSE_SRC_PORTS: &[u16] = &[0, 1, 2, 3];
const UNIVERSE_DST_PORTS: std::ops::RangeInclusive<u16> = 0..=5;
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "*", "*"];

fn gen_rule() -> impl Strategy<Value = GenRule> {
    let addr = || addr_field(SINGLE_ADDRS, PLURAL_ADDRS, 4);
    let src_port = prop_oneof![
        6 => Just(Field::Single("*".into())),
        1 => Just(Field::Single("0-1".into())),
        1 => Just(Field::Single("2".into())),
        1 => Just(Field::Plural(vec!["0".into(), "2".into()])),
    ];
    let dst_port = port_field(port_text(5), [3, 3, 1]);
    generated::gen_rule(
        100u32..110,
        PROTOCOLS,
        (addr(), src_port, addr(), dst_port),
        prop::bool::weighted(0.08),
    )
}

fn universe() -> Vec<Packet> {
    let addrs: Vec<IpAddr> = UNIVERSE_ADDRS
        .iter()
        .map(|a| IpAddr::V4(a.parse::<Ipv4Addr>().unwrap()))
        .collect();
    universe_of(
        &addrs,
        &UNIVERSE_SRC_PORTS.iter().copied(),
        &UNIVERSE_DST_PORTS,
    )
}

fn cases() -> ProptestConfig {
    // The issue asks for at least 1,000 random configurations per property.
    ProptestConfig::with_cases(1000)
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn reported_exactly_when_no_packet_reaches_the_rule(
        rules in prop::collection::vec(gen_rule(), 1..7),
        inbound in any::<bool>(),
    ) {
        let rules: Vec<GenRule> = rules.into_iter().map(|r| GenRule { inbound, ..r }).collect();
        let fixture = build(&rules);
        let nsg = compile(&fixture);
        let packets = universe();
        let direction = if inbound { Direction::Inbound } else { Direction::Outbound };
        {
            let compiled = nsg.rules(direction);
            let covered: Vec<CoveredRule> = covered_rules(&nsg, direction);
            let reported: BTreeSet<usize> = covered.iter().map(|c| c.rule_index).collect();
            // Which rules decide some universe packet.
            let mut deciding = BTreeSet::new();
            for packet in &packets {
                let verdict = nsg.evaluate(direction, packet);
                deciding.insert(verdict.rule_index);
                // The named deciders are the real ones for the packets of a reported rule.
                for c in &covered {
                    if !compiled[c.rule_index].matches.lower.contains(packet) {
                        continue;
                    }
                    let holders: Vec<_> = c.deciders.iter().filter(|d| d.packets.contains(packet)).collect();
                    prop_assert_eq!(holders.len(), 1, "{} in {} parts", packet, holders.len());
                    prop_assert!(holders[0].rule_index < c.rule_index);
                    prop_assert_eq!(holders[0].rule_index, verdict.rule_index, "{}", packet);
                    prop_assert_eq!(holders[0].access, verdict.access);
                }
            }
            for (index, rule) in compiled.iter().enumerate() {
                // Checked only for rules that decide nothing, the rare ones.
                let judged = || matches!(rule.rule, RuleRef::Custom(_))
                    && rule.uncertain.is_empty()
                    && packets.iter().any(|p| rule.matches.lower.contains(p));
                // Soundness: a reported rule decides no packet.
                if reported.contains(&index) {
                    prop_assert!(judged(), "rule {} reported but not judged", index);
                    prop_assert!(!deciding.contains(&index), "rule {} reported but decides a packet", index);
                }
                // Completeness on the complete universe.
                if !deciding.contains(&index) && judged() {
                    prop_assert!(reported.contains(&index), "rule {} decides nothing but is not reported", index);
                }
            }
            for c in &covered {
                let opposite = c.deciders.iter().any(|d| d.access != c.access);
                prop_assert_eq!(c.kind == CoverKind::Shadowed, opposite);
                prop_assert!(compiled[c.rule_index].matches.lower.contains(&c.witness));
                if c.kind == CoverKind::Shadowed {
                    prop_assert_ne!(nsg.evaluate(direction, &c.witness).access, c.access);
                }
            }
        }
    }
}
