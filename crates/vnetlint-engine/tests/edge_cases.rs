//! The single-NSG edge cases of the spec (§8), numbered as there, plus validation and
//! uncertainty cases; each builds its `Network` directly.

mod common;

use common::{Fixture, Row, ip, portless, tcp};
use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, Cube, DefaultRule, Direction, Mode, NsgLimit, Packet, PacketSet,
    PortSet, ProblemKind, Protocol, ProtocolSet, Reading, RuleRef, TagContext, Uncertainty,
    compile_nsg, validate_rule,
};
use vnetlint_ir::{Attr, Dialect, IpConfiguration, Meta, Nic, RuleId, Val};

fn compile(fixture: &Fixture) -> CompiledNsg {
    compile_nsg(
        &fixture.net,
        fixture.nsg,
        &TagContext::for_nsg(&fixture.net, fixture.nsg),
    )
}

fn verdict(nsg: &CompiledNsg, dir: Direction, packet: &Packet) -> (RuleRef, Access) {
    let verdict = nsg.evaluate(dir, packet);
    // The set evaluator must agree with the packet evaluator on exact rules.
    let decisions = nsg.decide(dir, &PacketSet::from_packet(packet), Mode::May);
    assert_eq!(decisions.len(), 1, "one part for one packet");
    assert_eq!(decisions[0].rule, verdict.rule);
    (verdict.rule, verdict.access)
}

/// The verdict on TCP from `source` to 10.0.1.4 (in subnet A) on `port`, inbound.
fn inbound_from(nsg: &CompiledNsg, source: &str, port: u16) -> (RuleRef, Access) {
    verdict(nsg, Direction::Inbound, &tcp(source, 1, "10.0.1.4", port))
}

/// Asserts that the fixture's first rule allows TCP from `source` to 10.0.1.4 on `port`.
fn assert_first_rule_allows(nsg: &CompiledNsg, fixture: &Fixture, source: &str, port: u16) {
    let allow = (RuleRef::Custom(fixture.rules[0]), Access::Allow);
    assert_eq!(inbound_from(nsg, source, port), allow, "{source} to {port}");
}

fn kinds(problems: &[vnetlint_engine::RuleProblem]) -> Vec<ProblemKind> {
    problems.iter().map(|p| p.kind).collect()
}

/// The Internet-to-port query exposure checks ask: every Internet host, any source port.
fn internet_tcp_to(tags: &TagContext, port: u16) -> PacketSet {
    PacketSet::from_cube(Cube::new(
        ProtocolSet::single(Protocol::Tcp),
        tags.internet_hosts(),
        PortSet::all(),
        AddrSet::parse("10.0.1.0/24").unwrap(),
        PortSet::single(port),
    ))
}

#[test]
fn case_01_deny_before_allow() {
    let fixture = Fixture::with(&[
        "deny-sql 100 Inbound Deny Tcp * * 10.0.1.4 1433",
        "allow-vnet-sql 200 Inbound Allow Tcp VirtualNetwork * * 1433",
    ]);
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty(), "{:?}", nsg.problems);
    let packet = tcp("10.0.2.5", 50000, "10.0.1.4", 1433);
    assert_eq!(
        verdict(&nsg, Direction::Inbound, &packet),
        (RuleRef::Custom(fixture.rules[0]), Access::Deny)
    );
    // Another destination in the subnet falls through to the allow.
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("10.0.2.5", 50000, "10.0.1.5", 1433)
        ),
        (RuleRef::Custom(fixture.rules[1]), Access::Allow)
    );
}

#[test]
fn case_02_numeric_not_lexical_priority() {
    let fixture = Fixture::with(&[
        "allow-ssh 1000 Inbound Allow * * * * 22",
        "deny-ssh 200 Inbound Deny * * * * 22",
    ]);
    let nsg = compile(&fixture);
    let order: Vec<u32> = nsg.inbound.iter().map(|r| r.priority).collect();
    assert_eq!(order, [200, 1000, 65000, 65001, 65500]);
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("203.0.113.1", 49152, "10.0.1.4", 22)
        ),
        (RuleRef::Custom(fixture.rules[1]), Access::Deny)
    );
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    assert!(
        nsg.allowed(Direction::Inbound, &internet_tcp_to(&tags, 22), Mode::May)
            .is_empty()
    );
}

#[test]
fn case_03_same_priority_across_directions_is_valid() {
    let fixture = Fixture::with(&[
        "in 100 Inbound Allow * * * * *",
        "out 100 Outbound Deny * * * * *",
    ]);
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty());
    assert_eq!(nsg.inbound.len(), 4);
    assert_eq!(nsg.outbound.len(), 4);
    let packet = tcp("203.0.113.1", 1, "10.0.1.4", 80);
    assert_eq!(verdict(&nsg, Direction::Inbound, &packet).1, Access::Allow);
    assert_eq!(verdict(&nsg, Direction::Outbound, &packet).1, Access::Deny);
}

#[test]
fn case_03_duplicate_priority_same_direction_is_reported_but_still_evaluated() {
    let fixture = Fixture::with(&[
        "first 100 Inbound Deny Tcp * * * 22",
        "second 100 Inbound Allow Tcp * * * *",
    ]);
    let nsg = compile(&fixture);
    assert_eq!(
        kinds(&nsg.problems),
        [ProblemKind::DuplicatePriority {
            other: fixture.rules[0]
        }]
    );
    let problem = &nsg.problems[0];
    assert_eq!(problem.rule, fixture.rules[1]);
    assert_eq!(problem.field, "priority");
    assert_eq!(
        Some(problem.span),
        fixture.net[fixture.rules[1]]
            .priority
            .as_ref()
            .map(|a| a.span)
    );
    assert_eq!(
        problem.message,
        "priority `100` is already used by inbound rule `first`; Azure rejects two rules with the same priority and direction"
    );
    // Both are evaluated, in declaration order, so the allow behind the conflict stays visible
    // (the brief's choice over the spec's "don't evaluate").
    assert_eq!(nsg.inbound.len(), 5);
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("203.0.113.1", 1, "10.0.1.4", 80)
        ),
        (RuleRef::Custom(fixture.rules[1]), Access::Allow)
    );
    assert_eq!(
        kinds(&validate_rule(&fixture.net, fixture.rules[1])),
        [ProblemKind::DuplicatePriority {
            other: fixture.rules[0]
        }]
    );
    assert!(validate_rule(&fixture.net, fixture.rules[0]).is_empty());
}

#[test]
fn case_10_custom_vnet_deny_kills_probes() {
    let fixture = Fixture::with(&["deny-vnet 4000 Inbound Deny * VirtualNetwork * * *"]);
    let nsg = compile(&fixture);
    let probe = tcp("168.63.129.16", 1, "10.0.1.4", 80);
    assert_eq!(
        verdict(&nsg, Direction::Inbound, &probe),
        (RuleRef::Custom(fixture.rules[0]), Access::Deny)
    );
    let defaults_only = compile(&Fixture::new());
    assert_eq!(
        verdict(&defaults_only, Direction::Inbound, &probe).1,
        Access::Allow
    );
}

#[test]
fn case_19_internet_excludes_private_space() {
    let fixture = Fixture::with(&["rdp 100 Inbound Allow * Internet * * 3389"]);
    // On-premises 192.168.5.0/24 is in VirtualNetwork through the VPN (§2.6 item 3).
    let tags = TagContext::new(
        &AddrSet::parse("10.0.0.0/16")
            .unwrap()
            .union(&AddrSet::parse("192.168.5.0/24").unwrap()),
    );
    let nsg = compile_nsg(&fixture.net, fixture.nsg, &tags);
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("192.168.5.5", 1, "10.0.1.4", 3389)
        ),
        (
            RuleRef::Default(DefaultRule::AllowVnetInBound),
            Access::Allow
        )
    );
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("172.20.0.1", 1, "10.0.1.4", 3389)
        ),
        (RuleRef::Default(DefaultRule::DenyAllInBound), Access::Deny)
    );
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("198.51.100.7", 1, "10.0.1.4", 3389)
        ),
        (RuleRef::Custom(fixture.rules[0]), Access::Allow)
    );
}

#[test]
fn case_21_star_versus_zero_slash_zero_versus_internet() {
    let probe = tcp("168.63.129.16", 1, "10.0.1.4", 80);
    let peer = tcp("10.0.2.5", 1, "10.0.1.4", 80);
    let v6 = tcp("2001:db8::1", 1, "10.0.1.4", 80);
    let with_source = |source: &str| {
        let fixture = Fixture::with(&[format!("deny 100 Inbound Deny * {source} * * *")]);
        compile(&fixture)
    };
    let star = with_source("*");
    assert_eq!(verdict(&star, Direction::Inbound, &probe).1, Access::Deny);
    assert_eq!(verdict(&star, Direction::Inbound, &peer).1, Access::Deny);
    let internet = with_source("Internet");
    assert_eq!(
        verdict(&internet, Direction::Inbound, &probe).0,
        RuleRef::Default(DefaultRule::AllowVnetInBound)
    );
    assert_eq!(
        verdict(&internet, Direction::Inbound, &peer).1,
        Access::Allow
    );
    let all_v4 = with_source("0.0.0.0/0");
    assert_eq!(verdict(&all_v4, Direction::Inbound, &probe).1, Access::Deny);
    assert_eq!(verdict(&all_v4, Direction::Inbound, &peer).1, Access::Deny);
    // Same as `*` for IPv4, but an IPv6 source is not matched by `0.0.0.0/0`.
    assert!(matches!(
        verdict(&star, Direction::Inbound, &v6).0,
        RuleRef::Custom(_)
    ));
    assert_eq!(
        verdict(&all_v4, Direction::Inbound, &v6).0,
        RuleRef::Default(DefaultRule::DenyAllInBound)
    );
    let v4_query = PacketSet::from_cube(Cube {
        src: AddrSet::all_v4(),
        dst: AddrSet::all_v4(),
        ..Cube::all()
    });
    for mode in [Mode::May, Mode::Must] {
        let a = star.decide(Direction::Inbound, &v4_query, mode);
        let b = all_v4.decide(Direction::Inbound, &v4_query, mode);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!(x.packets.same_packets(&y.packets));
        }
    }
}

#[test]
fn case_22_port_list_and_inclusive_ranges() {
    let mut fixture = Fixture::with(&["web 100 Inbound Allow Tcp * * * -"]);
    let ports = fixture.list(&["80", "443", "8000-8100"]);
    fixture.rule_mut(fixture.rules[0]).destination_port_ranges = Some(ports);
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty(), "{:?}", nsg.problems);
    let allow = (RuleRef::Custom(fixture.rules[0]), Access::Allow);
    let deny = (RuleRef::Default(DefaultRule::DenyAllInBound), Access::Deny);
    for (port, expected) in [
        (80, allow),
        (443, allow),
        (8000, allow),
        (8100, allow),
        (8101, deny),
        (81, deny),
    ] {
        assert_eq!(
            verdict(
                &nsg,
                Direction::Inbound,
                &tcp("203.0.113.1", 1, "10.0.1.4", port)
            ),
            expected,
            "port {port}"
        );
    }
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    let query = PacketSet::from_cube(Cube::new(
        ProtocolSet::single(Protocol::Tcp),
        tags.internet_hosts(),
        PortSet::all(),
        AddrSet::parse("10.0.1.4").unwrap(),
        PortSet::all(),
    ));
    let allowed = nsg.allowed(Direction::Inbound, &query, Mode::Must);
    let ports: Vec<_> = allowed
        .cubes()
        .iter()
        .map(|c| c.dst_ports.to_string())
        .collect();
    assert_eq!(ports, ["80, 443, 8000-8100"]);
}

/// Edge case 23 (spec §8) said "do not evaluate as {80, 443}"; issue 14 changed the policy:
/// the rule is still reported, and evaluated under its evident meaning, the list.
#[test]
fn case_23_comma_string_is_invalid_and_read_as_the_list() {
    let fixture = Fixture::with(&["web 100 Inbound Allow Tcp * * * 80,443"]);
    let nsg = compile(&fixture);
    assert_eq!(kinds(&nsg.problems), [ProblemKind::CommaSeparatedPorts]);
    assert_eq!(nsg.problems[0].field, "destination_port_range");
    assert_eq!(
        nsg.problems[0].reading,
        Reading::Evident(
            "reading `destination_port_range` `80,443` as the list `80` and `443`".into()
        )
    );
    assert!(nsg.excluded.is_empty());
    for port in [80, 443] {
        assert_first_rule_allows(&nsg, &fixture, "203.0.113.1", port);
    }
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("203.0.113.1", 1, "10.0.1.4", 81)
        ),
        (RuleRef::Default(DefaultRule::DenyAllInBound), Access::Deny)
    );
}

/// Edge case 24: reported, and the tag reads as it would in the singular field (issue 14).
#[test]
fn case_24_tag_in_plural_field() {
    let mut fixture = Fixture::with(&["x 100 Inbound Allow Tcp - * * 22"]);
    let sources = fixture.list(&["VirtualNetwork", "10.5.0.0/16"]);
    let element_span = sources.get().unwrap()[0].span;
    fixture.rule_mut(fixture.rules[0]).source_address_prefixes = Some(sources);
    let problems = validate_rule(&fixture.net, fixture.rules[0]);
    assert_eq!(kinds(&problems), [ProblemKind::TagInPluralField]);
    assert_eq!(problems[0].field, "source_address_prefixes");
    assert_eq!(problems[0].span, element_span);
    assert_eq!(
        problems[0].reading,
        Reading::Evident(
            "reading `VirtualNetwork` in `source_address_prefixes` as the tag `VirtualNetwork`"
                .into()
        )
    );
    let nsg = compile(&fixture);
    assert!(nsg.excluded.is_empty());
    assert_eq!(nsg.inbound.len(), 4);
    for source in ["10.0.2.5", "10.5.0.1"] {
        assert_first_rule_allows(&nsg, &fixture, source, 22);
    }
}

#[test]
fn case_25_protocol_mismatch_falls_through() {
    let fixture = Fixture::with(&[
        "deny-tcp 100 Inbound Deny Tcp * * * *",
        "allow-b 200 Inbound Allow * 10.0.2.0/24 * * *",
    ]);
    let nsg = compile(&fixture);
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &portless(Protocol::Icmp, "10.0.2.5", "10.0.1.4")
        ),
        (RuleRef::Custom(fixture.rules[1]), Access::Allow)
    );
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("10.0.2.5", 1, "10.0.1.4", 80)
        ),
        (RuleRef::Custom(fixture.rules[0]), Access::Deny)
    );
}

#[test]
fn case_26_star_protocol_covers_icmp_and_esp() {
    let fixture = Fixture::with(&["deny 100 Inbound Deny * Internet * * *"]);
    let nsg = compile(&fixture);
    let deny = (RuleRef::Custom(fixture.rules[0]), Access::Deny);
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &portless(Protocol::Icmp, "203.0.113.1", "10.0.1.4")
        ),
        deny
    );
    // ESP membership of `*` is UNSURE in the spec; the engine models `*` as all protocols.
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &portless(Protocol::Esp, "203.0.113.1", "10.0.1.4")
        ),
        deny
    );
}

/// Edge case 41: an error, and (issue 14) both fields are read together, the union the spec
/// names for when a rule must be evaluated anyway (§1.5).
#[test]
fn case_41_singular_and_plural_both_set() {
    let mut fixture = Fixture::with(&["x 100 Inbound Allow Tcp * * * 22"]);
    let ports = fixture.list(&["80"]);
    fixture.rule_mut(fixture.rules[0]).destination_port_ranges = Some(ports);
    let nsg = compile(&fixture);
    assert_eq!(kinds(&nsg.problems), [ProblemKind::SingularAndPlural]);
    assert_eq!(nsg.problems[0].field, "destination_port_ranges");
    assert_eq!(
        nsg.problems[0].message,
        "both `destination_port_range` and `destination_port_ranges` are set; only one may be used"
    );
    assert!(nsg.excluded.is_empty());
    for port in [22, 80] {
        assert_first_rule_allows(&nsg, &fixture, "203.0.113.1", port);
    }
}

/// Edge case 42: `TCP` is a plan error in Terraform and fine in ARM; either way the rule is
/// evaluated as `Tcp` (issue 14), so the exposure shows at once.
#[test]
fn case_42_protocol_casing_depends_on_dialect() {
    let row = Row::parse("x 100 Inbound Allow TCP * * * 22");
    let mut terraform = Fixture::new();
    let id = terraform.add(row, Dialect::Terraform);
    let nsg = compile(&terraform);
    assert_eq!(kinds(&nsg.problems), [ProblemKind::InvalidCase]);
    assert_eq!(nsg.problems[0].field, "protocol");
    assert!(
        nsg.problems[0].message.contains("`Tcp`"),
        "{}",
        nsg.problems[0].message
    );
    assert_eq!(
        nsg.problems[0].reading,
        Reading::Evident("reading protocol `TCP` as `Tcp`".into())
    );
    assert_eq!(
        inbound_from(&nsg, "203.0.113.1", 22),
        (RuleRef::Custom(id), Access::Allow)
    );

    let mut arm = Fixture::new();
    let id = arm.add(row, Dialect::Arm);
    let nsg = compile(&arm);
    assert!(nsg.problems.is_empty());
    assert_eq!(
        inbound_from(&nsg, "203.0.113.1", 22),
        (RuleRef::Custom(id), Access::Allow)
    );
}

#[test]
fn case_43_priority_range() {
    for (priority, ok) in [
        ("50", false),
        ("5000", false),
        ("99", false),
        ("100", true),
        ("4096", true),
        ("4097", false),
    ] {
        let fixture = Fixture::with(&[format!("x {priority} Inbound Allow Tcp * * * 22")]);
        let problems = validate_rule(&fixture.net, fixture.rules[0]);
        if ok {
            assert!(problems.is_empty(), "{priority}");
        } else {
            assert_eq!(
                kinds(&problems),
                [ProblemKind::PriorityOutOfRange],
                "{priority}"
            );
            assert_eq!(
                problems[0].message,
                format!("priority `{priority}` is outside 100-4096")
            );
        }
    }
    let fixture = Fixture::with(&["x abc Inbound Allow Tcp * * * 22"]);
    assert_eq!(
        kinds(&validate_rule(&fixture.net, fixture.rules[0])),
        [ProblemKind::PriorityOutOfRange]
    );
}

#[test]
fn case_45_unresolved_source_is_never_safe() {
    let mut fixture = Fixture::with(&["ssh 100 Inbound Allow Tcp - * * 22"]);
    let unknown = fixture.unknown("variable \"allowed\" has no value");
    let span = unknown.span;
    fixture.rule_mut(fixture.rules[0]).source_address_prefix = Some(unknown);
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty());
    let rule = &nsg.inbound[0];
    assert!(rule.matches.lower.is_empty());
    assert_eq!(
        rule.uncertain,
        [Uncertainty::Unresolved {
            span,
            reason: "variable \"allowed\" has no value".into()
        }]
    );
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    let query = internet_tcp_to(&tags, 22);
    // May: the unknown allow might admit the Internet; Must: nothing is certainly allowed.
    assert!(
        nsg.allowed(Direction::Inbound, &query, Mode::May)
            .same_packets(&query)
    );
    assert!(
        nsg.allowed(Direction::Inbound, &query, Mode::Must)
            .is_empty()
    );
    let verdict = nsg.evaluate(
        Direction::Inbound,
        &tcp("203.0.113.1", 49152, "10.0.1.4", 22),
    );
    assert_eq!(verdict.rule, RuleRef::Default(DefaultRule::DenyAllInBound));
    assert!(verdict.uncertain);
    let elsewhere = nsg.evaluate(
        Direction::Inbound,
        &tcp("203.0.113.1", 49152, "10.0.1.4", 80),
    );
    assert!(!elsewhere.uncertain);
}

#[test]
fn unknown_direction_leaves_the_rule_unplaced() {
    let mut fixture = Fixture::with(&["x 100 - Allow Tcp * * * 22"]);
    let unknown = fixture.unknown("local.direction is computed");
    fixture.rule_mut(fixture.rules[0]).direction = Some(unknown);
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty());
    assert_eq!(nsg.unplaced.len(), 1);
    assert_eq!(nsg.unplaced[0].0, fixture.rules[0]);
    assert_eq!(nsg.inbound.len(), 3);
}

#[test]
fn unknown_priority_is_placed_first_with_empty_lower() {
    let mut fixture = Fixture::with(&[
        "allow 200 Inbound Allow Tcp * * * 22",
        "deny - Inbound Deny Tcp * * * 22",
    ]);
    let unknown = fixture.unknown("var.priority has no value");
    fixture.rule_mut(fixture.rules[1]).priority = Some(unknown);
    let nsg = compile(&fixture);
    assert_eq!(nsg.inbound[0].rule, RuleRef::Custom(fixture.rules[1]));
    let query = PacketSet::from_packet(&tcp("203.0.113.1", 1, "10.0.1.4", 22));
    assert!(
        !nsg.allowed(Direction::Inbound, &query, Mode::May)
            .is_empty()
    );
    assert!(
        nsg.allowed(Direction::Inbound, &query, Mode::Must)
            .is_empty()
    );
}

#[test]
fn opaque_service_tag_is_an_uncertain_subset_of_internet() {
    let fixture = Fixture::with(&["storage 100 Outbound Allow Tcp * * Storage.WestEurope 443"]);
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty());
    let rule = &nsg.outbound[0];
    assert!(
        matches!(&rule.uncertain[..], [Uncertainty::TagContents { tag, .. }] if tag == "Storage.WestEurope")
    );
    assert!(rule.matches.lower.is_empty());
    assert!(
        rule.matches
            .upper
            .contains(&tcp("10.0.1.4", 1, "52.1.2.3", 443))
    );
    assert!(
        !rule
            .matches
            .upper
            .contains(&tcp("10.0.1.4", 1, "10.9.0.1", 443))
    );
}

#[test]
fn address_validation_problems() {
    let cases: &[(&str, ProblemKind)] = &[
        ("VIRTUAL_NETWORK", ProblemKind::MalformedAddress),
        ("10.0.0.300", ProblemKind::MalformedAddress),
        ("10.0.0.0/33", ProblemKind::MalformedAddress),
        ("NotATag", ProblemKind::UnknownServiceTag),
    ];
    for (source, kind) in cases {
        let fixture = Fixture::with(&[format!("x 100 Inbound Allow Tcp {source} * * 22")]);
        assert_eq!(
            kinds(&validate_rule(&fixture.net, fixture.rules[0])),
            [*kind],
            "{source}"
        );
    }
    let fixture = Fixture::with(&["x 100 Inbound Allow Tcp 10.0.0.0/8 * 2001:db8::/32 22"]);
    let problems = validate_rule(&fixture.net, fixture.rules[0]);
    assert_eq!(kinds(&problems), [ProblemKind::MixedAddressFamilies]);
    assert_eq!(problems[0].field, "destination_address_prefix");
    // Case-insensitive tags and masked host bits are accepted.
    let fixture = Fixture::with(&["x 100 Inbound Allow Tcp internet * 10.0.1.5/24 22"]);
    assert!(validate_rule(&fixture.net, fixture.rules[0]).is_empty());
}

#[test]
fn port_and_enum_validation_problems() {
    let cases: &[(&str, ProblemKind, &str)] = &[
        (
            "any",
            ProblemKind::MalformedPort,
            "port `any` is not an integer, a range `a-b` or `*`",
        ),
        (
            "70000",
            ProblemKind::PortOutOfRange,
            "port `70000` is outside 0-65535",
        ),
        (
            "2000-1000",
            ProblemKind::ReversedPortRange,
            "port range `2000-1000` is reversed; write `1000-2000`",
        ),
    ];
    for (port, kind, message) in cases {
        let fixture = Fixture::with(&[format!("x 100 Inbound Allow Tcp * * * {port}")]);
        let problems = validate_rule(&fixture.net, fixture.rules[0]);
        assert_eq!(kinds(&problems), [*kind], "{port}");
        assert_eq!(problems[0].message, *message);
    }
    let fixture = Fixture::with(&["x - Sideways Maybe Gre * - - 22"]);
    let problems = validate_rule(&fixture.net, fixture.rules[0]);
    assert_eq!(
        kinds(&problems),
        [
            ProblemKind::MissingRequired,
            ProblemKind::UnknownDirection,
            ProblemKind::UnknownAccess,
            ProblemKind::UnknownProtocol,
            ProblemKind::MissingRequired,
            ProblemKind::MissingRequired,
        ]
    );
    assert_eq!(problems[0].span, fixture.net[fixture.rules[0]].meta.span);
    let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "priority",
            "direction",
            "access",
            "protocol",
            "source_port_range",
            "destination_address_prefix"
        ]
    );
    for problem in &problems {
        let first = problem.message.chars().next().unwrap();
        assert!(
            !first.is_uppercase() && !problem.message.ends_with('.'),
            "{}",
            problem.message
        );
    }
}

#[test]
fn ports_on_icmp_warn_but_still_evaluate() {
    let fixture = Fixture::with(&["ping 100 Inbound Allow Icmp * * * 22"]);
    let nsg = compile(&fixture);
    assert_eq!(kinds(&nsg.problems), [ProblemKind::PortsOnPortlessProtocol]);
    assert!(nsg.excluded.is_empty());
    // The port is ignored: every ICMP packet matches.
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &portless(Protocol::Icmp, "203.0.113.1", "10.0.1.4")
        ),
        (RuleRef::Custom(fixture.rules[0]), Access::Allow)
    );
}

#[test]
fn asg_destination_uses_member_addresses_when_known() {
    let mut fixture = Fixture::with(&["web 100 Inbound Allow Tcp Internet * - 80"]);
    let span = fixture.spans.next();
    let asg = fixture.net.add_asg(vnetlint_ir::Asg {
        meta: Meta::new("azurerm_application_security_group.web", span),
    });
    fixture.rule_mut(fixture.rules[0]).destination_asgs =
        Some(Attr::known(vec![Attr::known(asg, span)], span));
    fixture.net.add_nic(Nic {
        meta: Meta::new("azurerm_network_interface.web", span),
        ip_configurations: vec![IpConfiguration {
            span,
            name: None,
            subnet: None,
            allocation: Some(Attr::known("Static".into(), span)),
            private_ip: Some(Attr::known("10.0.1.4".into(), span)),
            public_ip: None,
            asgs: vec![Attr::known(asg, span)],
            lb_backend_pools: Vec::new(),
            lb_nat_rules: Vec::new(),
        }],
        nsg: None,
        dns_servers: None,
        ip_forwarding: None,
    });
    let nsg = compile(&fixture);
    assert!(nsg.inbound[0].uncertain.is_empty());
    // Edge case 27: a NIC outside the ASG is not matched.
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("203.0.113.1", 1, "10.0.1.4", 80)
        )
        .1,
        Access::Allow
    );
    assert_eq!(
        verdict(
            &nsg,
            Direction::Inbound,
            &tcp("203.0.113.1", 1, "10.0.1.5", 80)
        )
        .1,
        Access::Deny
    );

    // A dynamic member makes the membership uncertain: up to the whole VirtualNetwork.
    fixture.net.nics[0].ip_configurations[0].allocation = Some(Attr::known("Dynamic".into(), span));
    let nsg = compile(&fixture);
    assert!(
        matches!(&nsg.inbound[0].uncertain[..], [Uncertainty::Unresolved { reason, .. }] if reason.contains("application security group"))
    );
    assert!(
        nsg.inbound[0]
            .matches
            .upper
            .contains(&tcp("203.0.113.1", 1, "10.0.1.5", 80))
    );
    assert!(nsg.inbound[0].matches.lower.is_empty());
}

#[test]
fn tag_context_from_the_network() {
    let fixture = Fixture::new();
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    assert!(!tags.stand_in);
    assert_eq!(
        tags.virtual_network.to_string(),
        "10.0.0.0/16, 168.63.129.16/32"
    );
    assert!(!tags.internet_hosts().contains(ip("168.63.129.16")));
    assert!(tags.internet_hosts().contains(ip("203.0.113.1")));
    let mut unattached = Fixture::new();
    let span = unattached.spans.next();
    let lonely = unattached.net.add_nsg(vnetlint_ir::Nsg {
        meta: Meta::new("azurerm_network_security_group.z", span),
        rules: Vec::new(),
        origin: vnetlint_ir::NsgOrigin::Declared,
    });
    let stand_in = TagContext::for_nsg(&unattached.net, lonely);
    assert!(stand_in.stand_in);
    assert!(stand_in.virtual_network.contains(ip("172.16.0.1")));
    // Unknown address space also falls back to the stand-in.
    unattached.net.vnets[0].address_space =
        Some(Attr::unknown(vnetlint_ir::Unknown::new("computed"), span));
    assert!(TagContext::for_nsg(&unattached.net, unattached.nsg).stand_in);
}

#[test]
fn rule_descriptions() {
    let fixture = Fixture::with(&["allow-ssh 100 Inbound Allow Tcp * * * 22"]);
    assert_eq!(
        RuleRef::Custom(fixture.rules[0]).describe(&fixture.net),
        "rule \"allow-ssh\" (priority 100)"
    );
    assert_eq!(
        RuleRef::Default(DefaultRule::DenyAllInBound).describe(&fixture.net),
        "default rule \"DenyAllInBound\" (priority 65500)"
    );
    assert_eq!(
        RuleRef::Custom(fixture.rules[0]).api_name(&fixture.net),
        "securityRules/allow-ssh"
    );
    assert_eq!(
        RuleRef::Custom(RuleId(99)).describe(&fixture.net),
        "rule #99"
    );
    let nsg = compile(&fixture);
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    let exposed = nsg.allowed(Direction::Inbound, &internet_tcp_to(&tags, 22), Mode::Must);
    assert_eq!(
        exposed.witness(&[]).map(|p| p.to_string()).as_deref(),
        Some("203.0.113.1:49152 -> 10.0.1.0:22 tcp")
    );
    let _ = Val::Known(());
}

// ---------------------------------------------------------------------------------------------
// Rules Azure rejects, evaluated under their evident meaning (issue 14), and the NSG's limits.

/// The fixture of the rules `rows` and its NSG compiled.
fn compiled(rows: &[&str]) -> (Fixture, CompiledNsg) {
    let fixture = Fixture::with(rows);
    let nsg = compile(&fixture);
    (fixture, nsg)
}

/// The readings of a rule's problems, in order.
fn readings(problems: &[vnetlint_engine::RuleProblem]) -> Vec<Option<String>> {
    problems
        .iter()
        .map(|p| p.reading.phrase().map(str::to_owned))
        .collect()
}

#[test]
fn a_missing_port_side_reads_as_every_port() {
    let (fixture, nsg) = compiled(&["ssh 100 Inbound Allow Tcp * - * 22"]);
    assert_eq!(kinds(&nsg.problems), [ProblemKind::MissingRequired]);
    assert_eq!(nsg.problems[0].field, "source_port_range");
    assert_eq!(
        readings(&nsg.problems),
        [Some(
            "reading the missing `source_port_range` as `*`".to_owned()
        )]
    );
    assert_first_rule_allows(&nsg, &fixture, "203.0.113.1", 22);
}

#[test]
fn spaces_around_values_are_trimmed_and_reported() {
    let mut fixture = Fixture::with(&["web 100 Inbound Allow Tcp * * * 80"]);
    let span = fixture.spans.next();
    let rule = fixture.rule_mut(fixture.rules[0]);
    rule.protocol = Some(Attr::known(" Tcp".to_owned(), span));
    rule.source_address_prefix = Some(Attr::known("203.0.113.0/24 ".to_owned(), span));
    rule.destination_port_range = Some(Attr::known("80, 443".to_owned(), span));
    let nsg = compile(&fixture);
    let spaced = nsg
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::SurroundingSpace)
        .count();
    assert_eq!((spaced, nsg.problems.len()), (2, 3), "{:?}", nsg.problems);
    assert!(nsg.excluded.is_empty());
    assert_first_rule_allows(&nsg, &fixture, "203.0.113.9", 443);
}

#[test]
fn values_without_an_evident_meaning_are_left_out() {
    let mut fixture = Fixture::with(&["x 100 Inbound Allow Tcp - * * 22,abc"]);
    let sources = fixture.list(&["something", "203.0.113.10"]);
    fixture.rule_mut(fixture.rules[0]).source_address_prefixes = Some(sources);
    let nsg = compile(&fixture);
    assert_eq!(
        kinds(&nsg.problems),
        [
            ProblemKind::CommaSeparatedPorts,
            ProblemKind::MalformedPort,
            ProblemKind::MalformedAddress,
        ]
    );
    assert_eq!(
        readings(&nsg.problems)[1..],
        [
            Some("without `abc` in `destination_port_range`".to_owned()),
            Some("without `something` in `source_address_prefixes`".to_owned()),
        ]
    );
    assert!(nsg.excluded.is_empty());
    let deny = (RuleRef::Default(DefaultRule::DenyAllInBound), Access::Deny);
    assert_first_rule_allows(&nsg, &fixture, "203.0.113.10", 22);
    assert_eq!(inbound_from(&nsg, "203.0.113.11", 22), deny);
    // A single value with no evident meaning leaves the side empty: the rule matches nothing.
    let (_, nsg) = compiled(&["x 100 Inbound Allow Tcp something * * 22"]);
    assert_eq!(kinds(&nsg.problems), [ProblemKind::UnknownServiceTag]);
    assert_eq!(inbound_from(&nsg, "203.0.113.10", 22), deny);
}

#[test]
fn reversed_ranges_classic_tags_and_mixed_families_read_as_meant() {
    let (fixture, nsg) = compiled(&[
        "a 100 Inbound Allow Tcp VIRTUAL_NETWORK * * 2000-1000",
        "b 110 Inbound Allow Tcp 203.0.113.0/24,2001:db8::/32 * * 22",
    ]);
    assert_eq!(
        kinds(&nsg.problems),
        [
            ProblemKind::ReversedPortRange,
            ProblemKind::MalformedAddress,
            ProblemKind::CommaSeparatedAddresses,
            ProblemKind::MixedAddressFamilies,
        ]
    );
    assert_eq!(
        readings(&nsg.problems),
        [
            Some("reading `destination_port_range` `2000-1000` as `1000-2000`".into()),
            Some("reading `VIRTUAL_NETWORK` in `source_address_prefix` as `VirtualNetwork`".into()),
            Some(
                "reading `source_address_prefix` `203.0.113.0/24,2001:db8::/32` as the list `203.0.113.0/24` and `2001:db8::/32`"
                    .into()
            ),
            Some("reading its IPv4 and IPv6 addresses together".into()),
        ]
    );
    assert!(nsg.excluded.is_empty());
    assert_first_rule_allows(&nsg, &fixture, "10.0.2.5", 1500);
    for source in ["203.0.113.7", "2001:db8::7"] {
        assert_eq!(
            inbound_from(&nsg, source, 22).0,
            RuleRef::Custom(fixture.rules[1]),
            "{source}"
        );
    }
}

#[test]
fn rules_without_an_evident_meaning_stay_excluded() {
    let (fixture, nsg) = compiled(&[
        "no-priority - Inbound Allow Tcp * * * 22",
        "no-access 100 Inbound - Tcp * * * 22",
        "bad-protocol 110 Inbound Allow Http * * * 22",
        "no-source 120 Inbound Allow Tcp - * * 22",
    ]);
    assert!(nsg.problems.iter().all(|p| p.reading == Reading::Excluded));
    assert_eq!(nsg.excluded, fixture.rules);
    assert_eq!(nsg.inbound.len(), 3);
}

#[test]
fn an_nsg_over_azure_limits_is_reported_and_still_evaluated() {
    let mut fixture = Fixture::new();
    // 1,001 rules of four source prefixes each: 4,004 source addresses and ranges, over the
    // rule limit and the source limit (the destination `*` counts for nothing).
    for index in 0..1001_u32 {
        let row = format!(
            "r{index} {} Inbound Deny Tcp - * * {}",
            100 + index,
            index % 65536
        );
        let id = fixture.add(Row::parse(&row), Dialect::Terraform);
        let octet = |i: u32| (index >> (8 * i)) & 255;
        let sources: Vec<String> = (0..4)
            .map(|k| format!("198.{}.{}.{k}", octet(1), octet(0)))
            .collect();
        let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
        let list = fixture.list(&sources);
        fixture.rule_mut(id).source_address_prefixes = Some(list);
    }
    let nsg = compile(&fixture);
    assert!(nsg.problems.is_empty(), "{:?}", nsg.problems[0]);
    let limits: Vec<(NsgLimit, usize)> = nsg
        .nsg_problems
        .iter()
        .map(|p| (p.limit, p.count))
        .collect();
    assert_eq!(
        limits,
        [(NsgLimit::Rules, 1001), (NsgLimit::SourceAddresses, 4004)]
    );
    assert_eq!(
        nsg.nsg_problems[0].message,
        "it holds 1001 custom rules, and Azure allows at most 1000 custom rules per NSG"
    );
    assert_eq!(nsg.inbound.len(), 1004);
    // Destinations count apart from sources.
    let mut fixture = Fixture::with(&["wide 100 Inbound Allow Tcp * * - 22"]);
    let destinations: Vec<String> = (0..4001_u32)
        .map(|i| format!("10.{}.{}.1", i / 250, i % 250))
        .collect();
    let destinations: Vec<&str> = destinations.iter().map(String::as_str).collect();
    let list = fixture.list(&destinations);
    fixture
        .rule_mut(fixture.rules[0])
        .destination_address_prefixes = Some(list);
    let limits: Vec<(NsgLimit, usize)> = compile(&fixture)
        .nsg_problems
        .iter()
        .map(|p| (p.limit, p.count))
        .collect();
    assert_eq!(limits, [(NsgLimit::DestinationAddresses, 4001)]);
    // At the limits exactly, nothing is reported.
    let mut fixture = Fixture::new();
    for index in 0..1000_u32 {
        let row = format!("r{index} {} Inbound Deny Tcp * * * 22", 100 + index);
        fixture.add(Row::parse(&row), Dialect::Terraform);
    }
    assert!(compile(&fixture).nsg_problems.is_empty());
}
