//! Benchmark of the per-NSG analyses (issue 5, item 9; issue 13, item 4): one NSG with 1,000
//! rules (mixed single prefixes, prefix lists, service tags, port ranges and port lists), the
//! set-based `covered_rules_all` behind VNL201/VNL202 against a brute-force twin that does the
//! same analysis packet by packet over a sampled universe, and the exposure folds of VNL101 to
//! VNL103 over every destination (`exposure_of`, `all_ports_of`). Run with `cargo bench -p
//! vnetlint-engine --bench ruleset`; it prints the medians and the ratio.
//! `VNETLINT_BENCH_RUNS=N` sets the runs per median, `VNETLINT_BENCH_TWIN=0` leaves the twin
//! out, and `VNETLINT_BENCH_GROWTH=1` measures instead every analysis on NSGs of prefix lists
//! at 1x, 2x and 4x 1,000 rules of 10 source and 10 destination prefixes and at Azure's limits,
//! with the growth as ratios of the 1x input's time in the same run (see `growth`).
//!
//! The NSG comes from a fixed-seed xorshift generator, so every run measures the same input.
//! `VNETLINT_BENCH_RULES=N` sets the number of rules (default 1,000) for the scale figures of
//! issue 8, item 6 (100, 1,000 and 4,000 rules, in `docs/performance.md`); above 1,000 rules the
//! priorities are counted per direction, one apart, to stay within Azure's 100-4096, and the
//! rules fall into segments of about 1,000 with their own destinations (see `main`);
//! `VNETLINT_BENCH_DENSE=1` piles them all onto the pools of 1,000 rules instead, and
//! `VNETLINT_BENCH_COPIES=1` draws every segment of 1,000 rules from the same seed. The twin
//! samples 8 packets inside each rule's match plus 2,000 packets drawn from the generator's
//! address and port pools, walks every rule for every packet, and calls a rule dead when it
//! matches some sampled packet and is the first match of none. It is only as good as its
//! sample (it can call a live rule dead, never the reverse), which is why the analysis itself
//! is set-based; the run asserts that every rule the analysis reports is dead for the twin too.
//!
//! Measured on the 2-core development machine, quiet (bench profile, median of 7 runs each):
//!
//! ```text
//! input: one NSG, 1000 custom rules (830 inbound, 170 outbound), 1263 cubes in the rules' matches
//! compile_nsg:                          2.82ms
//! covered_rules_all (set-based):        5.78ms: 133 shadowed, 61 redundant
//! brute-force twin, 10000 packets:     60.94ms: 126 shadowed, 79 redundant
//!                                      (11 more than the set-based analysis: live rules the
//!                                      sample missed)
//! ratio twin / set-based:                  10.6x
//! ```
//!
//! The set-based analysis is exact and the faster of the two; the twin's time grows with its
//! sample, and its 11 false "dead" rules show why sampling cannot be the analysis. Before the
//! corner probes in `ruleset.rs` (a live rule is usually proven live by a corner of its match),
//! the set-based walk took about 516 ms here; before the bounding boxes and one-pass splits,
//! about 12.9 ms.

#![allow(
    clippy::print_stdout,
    reason = "a benchmark main reports on stdout, like the binary"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use common::Fixture;
use common::generated::{Field, GenRule};
use common::rng::Rng;
use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, CoverKind, Cube, Direction, Mode, Packet, PacketSet, PortSet,
    Protocol, ProtocolSet, RuleRef, TagContext, compile_nsg, covered_rules_all, open_pairs,
};

/// The default number of rules; `VNETLINT_BENCH_RULES` overrides it.
const RULES: usize = 1_000;
const SAMPLES_PER_RULE: usize = 8;
const RANDOM_SAMPLES: usize = 2_000;
const RUNS: usize = 7;
/// Runs per input in the growth mode, whose largest input takes seconds a run.
const GROWTH_RUNS: usize = 3;

fn main() {
    if flag("VNETLINT_BENCH_GROWTH") {
        growth(env_number("VNETLINT_BENCH_RUNS").unwrap_or(GROWTH_RUNS));
        return;
    }
    let runs = env_number("VNETLINT_BENCH_RUNS").unwrap_or(RUNS);
    let rules = env_number("VNETLINT_BENCH_RULES").unwrap_or(RULES);
    // Realistic growth: above 1,000 rules (Azure's cap for one NSG) the rules are in
    // `spread` consecutive segments of about 1,000, each guarding its own destinations
    // (10.{4k}.0.0/14 and 198.18.{4k}.0/24, which stand in for `*`, `VirtualNetwork` and `Internet`
    // there), as the NSGs of several
    // segments merged into one would be; sources stay shared. `VNETLINT_BENCH_DENSE=1` keeps
    // the pools of 1,000 rules at every size instead: the stress case where thousands of broad
    // rules pile onto the same addresses and most rules end up covered by a dozen others.
    //
    // `VNETLINT_BENCH_COPIES=1` takes out the luck of the draw: every segment (also the only
    // one of a 1,000-rule NSG) is drawn from the same seed, so each holds the same rules in law
    // and in fact, guarding its own destinations (`AzureLoadBalancer` too); 4,000 rules are four
    // such segments, and the growth from 1,000 is the analysis's own, not the generator's.
    let dense = flag("VNETLINT_BENCH_DENSE");
    let copies = flag("VNETLINT_BENCH_COPIES");
    let spread = if dense {
        1
    } else {
        rules.div_ceil(RULES).max(1)
    };
    let layout = if copies {
        Layout::Copies
    } else if spread > 1 {
        Layout::Segments
    } else {
        Layout::Shared
    };
    let fixture = build_nsg(0x5eed_2024_0005, rules, spread, layout);
    let tags = TagContext::for_nsg(&fixture.net, fixture.nsg);
    let (compile_median, nsg) = median_of(runs, || compile_nsg(&fixture.net, fixture.nsg, &tags));
    let (set_median, covered) = median_of(runs, || covered_rules_all(&nsg));
    let count = |kind: CoverKind| covered.iter().filter(|c| c.kind == kind).count();
    let rules = nsg.inbound.len() + nsg.outbound.len() - 6;
    println!(
        "input: one NSG, {rules} custom rules ({} inbound, {} outbound), {} cubes in the rules' matches",
        nsg.inbound.len() - 3,
        nsg.outbound.len() - 3,
        nsg.inbound
            .iter()
            .chain(&nsg.outbound)
            .map(|r| r.matches.lower.cubes().len())
            .sum::<usize>(),
    );
    println!("compile_nsg:                      {compile_median:>10.2?} (median of {runs})");
    println!(
        "covered_rules_all (set-based):    {set_median:>10.2?} (median of {runs}): {} shadowed, {} redundant",
        count(CoverKind::Shadowed),
        count(CoverKind::Redundant)
    );
    // The exposure folds, for every destination (as for an NSG attached nowhere).
    let stand_in = TagContext::stand_in();
    let (exposure_median, _) = median_of(runs, || {
        [MANAGEMENT_PORTS, DATA_PORTS].map(|ports| exposure_of(&nsg, &stand_in, ports))
    });
    let (all_ports_median, open) = median_of(runs, || all_ports_of(&nsg, &stand_in));
    println!("exposure (VNL101/VNL102):         {exposure_median:>10.2?} (median of {runs})");
    println!(
        "all ports (VNL103):               {all_ports_median:>10.2?} (median of {runs}): {} cubes wholly open",
        open.cubes().len()
    );
    // `VNETLINT_BENCH_TWIN=0` leaves the twin out (for profiling the analysis alone).
    if std::env::var_os("VNETLINT_BENCH_TWIN").is_some_and(|v| v == "0") {
        return;
    }
    let packets = sample_universe(&nsg, 0xbad_5eed, spread);
    let (twin_median, twin) = median_of(runs, || twin_analysis(&nsg, &packets));

    // The twin sees real packets, so a rule it sees reach is never dead.
    for rule in &covered {
        assert!(
            twin.contains_key(&(rule.direction, rule.rule_index)),
            "the analysis reports rule {} dead, but a sampled packet reaches it",
            rule.rule_index
        );
        // And a packet it saw decided against the rule's access makes the rule shadowed.
        assert!(
            rule.kind == CoverKind::Shadowed
                || twin[&(rule.direction, rule.rule_index)] == CoverKind::Redundant,
            "rule {} is shadowed for the twin but redundant for the analysis",
            rule.rule_index
        );
    }
    let twin_count = |kind: CoverKind| twin.values().filter(|k| **k == kind).count();
    println!(
        "brute-force twin, {} packets: {twin_median:>10.2?} (median of {runs}): {} shadowed, {} redundant ({} more than the set-based analysis: live rules the sample missed)",
        packets.len(),
        twin_count(CoverKind::Shadowed),
        twin_count(CoverKind::Redundant),
        twin.len() - covered.len(),
    );
    println!(
        "ratio twin / set-based:           {:>10.1}x",
        twin_median.as_secs_f64() / set_median.as_secs_f64()
    );
}

/// Whether the environment variable is `1`.
fn flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| v == "1")
}

fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|n| n.parse().ok())
}

/// Runs `f` `runs` times and returns the median duration and the last result.
fn median_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = std::hint::black_box(f());
        times.push(start.elapsed());
        last = Some(value);
    }
    times.sort();
    (times[runs / 2], last.expect("at least one run"))
}

// ---------------------------------------------------------------------------------------------
// The input.

const TAGS: &[&str] = &["*", "Internet", "VirtualNetwork", "AzureLoadBalancer"];
const PORTS: &[u16] = &[
    22, 25, 53, 80, 123, 389, 443, 445, 1433, 1521, 3306, 3389, 5432, 5985, 6379, 8080, 8443, 9200,
];

/// An address: 10.{base + 0-3}.{0-15}.x as /16, /24 or /32, or a documentation-range public
/// prefix.
fn prefix(rng: &mut Rng, base: usize) -> String {
    prefix_in(rng, base, None)
}

/// [`prefix`], with the public prefixes of a segment (`198.18.{segment}.x`, the benchmarking
/// range) in place of the shared documentation ranges.
fn prefix_in(rng: &mut Rng, base: usize, segment: Option<usize>) -> String {
    let (b, c, d) = (base + rng.below(4), rng.below(16), 4 + rng.below(60));
    match (rng.below(10), segment) {
        (0, _) => format!("10.{b}.0.0/16"),
        (1..=4, _) => format!("10.{b}.{c}.0/24"),
        (5..=7, _) => format!("10.{b}.{c}.{d}"),
        (8, None) => format!("203.0.113.{}/28", 16 * rng.below(16)),
        (8, Some(segment)) => format!("198.18.{segment}.{}/28", 16 * rng.below(16)),
        (_, None) => format!("198.51.100.{d}"),
        (_, Some(segment)) => format!("198.18.{segment}.{d}"),
    }
}

fn port_text(rng: &mut Rng) -> String {
    let port = PORTS[rng.below(PORTS.len())];
    if rng.chance(30) {
        let width = [10u16, 100, 1000][rng.below(3)];
        format!("{port}-{}", port.saturating_add(width))
    } else {
        port.to_string()
    }
}

/// How the rules' destinations are laid out (see `main`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One pool for every rule (up to 1,000 rules, and the dense input).
    Shared,
    /// Segments of about 1,000 rules with their own destinations, each drawn on.
    Segments,
    /// Segments of 1,000 rules drawn from the same seed, with their own destinations.
    Copies,
}

/// An address field: a single value or a list. Prefixes come from the
/// second octets `base..base + 4`; with `segment` (a destination in an NSG that guards several
/// segments), the segment `10.{base}.0.0/14` stands in for `*` and `VirtualNetwork`, and its
/// own public range `198.18.{base}.0/24` for `Internet` and the public prefixes.
fn address_field(rng: &mut Rng, base: usize, layout: Layout) -> Field {
    let segment = layout != Layout::Shared;
    match rng.below(100) {
        0..=24 => {
            let tag = *rng.pick(TAGS);
            let text = match (layout, tag) {
                (Layout::Segments | Layout::Copies, "*" | "VirtualNetwork") => {
                    format!("10.{base}.0.0/14")
                }
                (Layout::Segments | Layout::Copies, "Internet") => format!("198.18.{base}.0/24"),
                (Layout::Copies, "AzureLoadBalancer") => format!("198.18.{base}.1"),
                _ => tag.to_owned(),
            };
            Field::Single(text)
        }
        25..=69 => Field::Single(prefix_in(rng, base, segment.then_some(base))),
        _ => Field::Plural(
            (0..2 + rng.below(3))
                .map(|_| prefix_in(rng, base, segment.then_some(base)))
                .collect(),
        ),
    }
}

fn port_field(rng: &mut Rng, star_percent: usize) -> Field {
    let roll = rng.below(100);
    if roll < star_percent {
        Field::Single("*".to_owned())
    } else if roll < star_percent + (100 - star_percent) * 2 / 3 {
        Field::Single(port_text(rng))
    } else {
        Field::Plural((0..2 + rng.below(3)).map(|_| port_text(rng)).collect())
    }
}

/// The NSG of `rules` rules (1,000 by default), built through the IR as a frontend would.
fn build_nsg(seed: u64, rules: usize, spread: usize, layout: Layout) -> Fixture {
    let mut rng = Rng(seed);
    let mut current_segment = 0;
    let mut fixture = Fixture::new();
    let mut per_direction = [0usize; 2];
    for index in 0..rules {
        let name = format!("rule-{index:04}");
        // Above 1,000 rules, rule i guards segment i * spread / rules (see `main`).
        let segment = index * spread / rules;
        if layout == Layout::Copies && segment != current_segment {
            current_segment = segment;
            rng = Rng(seed);
        }
        let inbound = rng.chance(85);
        // Distinct priorities 100..=4096 in declaration order, 85% inbound: four apart up to
        // 1,000 rules (the input of the figures above), else one apart within each direction.
        let counter = &mut per_direction[usize::from(!inbound)];
        let priority = if rules <= 1_000 {
            100 + index * 4
        } else {
            100 + *counter
        };
        *counter += 1;
        let allow = rng.chance(60);
        let protocol = match rng.below(20) {
            0..=7 => "Tcp",
            8..=11 => "Udp",
            12..=16 => "*",
            _ => "Icmp",
        };
        let src = address_field(&mut rng, 0, Layout::Shared);
        let dst = address_field(&mut rng, 4 * segment, layout);
        let sport = port_field(&mut rng, 90);
        let dport = port_field(&mut rng, 15);
        let priority = u32::try_from(priority).expect("a priority");
        let rule = GenRule::new(
            (priority, inbound, allow),
            protocol,
            [src, sport, dst, dport],
        );
        fixture.add_generated(&name, &rule);
    }
    fixture
}

// ---------------------------------------------------------------------------------------------
// The growth mode (issue 13, item 4).

/// The inputs of the growth mode: (label, rules, source and destination prefixes per rule,
/// whether every 97th rule comes from `0.0.0.0/0`). The first is the baseline of the ratios; the
/// last shows what the Internet-wide rules cost (each cuts every cube of the remainder).
const GROWTH: [(&str, usize, usize, bool); 5] = [
    ("1x: 1,000 rules x 10 x 10 prefixes", 1_000, 10, true),
    ("2x: 2,000 rules x 10 x 10 prefixes", 2_000, 10, true),
    ("4x: 4,000 rules x 10 x 10 prefixes", 4_000, 10, true),
    ("at Azure's limits: 1,000 rules x 2 x 2", 1_000, 2, true),
    ("4x without the 0.0.0.0/0 rules", 4_000, 10, false),
];

/// The ports VNL101 (management) and VNL102 (data) ask about.
const MANAGEMENT_PORTS: &[(u16, u16)] = &[(22, 22), (3389, 3389), (5985, 5986)];
const DATA_PORTS: &[(u16, u16)] = &[
    (135, 135),
    (139, 139),
    (445, 445),
    (1433, 1434),
    (1521, 1521),
    (3306, 3306),
    (5432, 5432),
    (6379, 6380),
    (9200, 9200),
    (11211, 11211),
    (27017, 27017),
];

/// `VNETLINT_BENCH_GROWTH=1`: every per-NSG analysis on one NSG of prefix lists, at 1x, 2x and
/// 4x the rules and at Azure's limits, each timed (median of `runs`) and compared with the 1x
/// input of the same run.
fn growth(runs: usize) {
    // The NSG is attached nowhere, as in `bench/hostile.py`'s file: the checks judge it for
    // every destination with a stand-in `VirtualNetwork`.
    let tags = TagContext::stand_in();
    println!(
        "{:<40} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "input (median of each step)",
        "rules",
        "compile",
        "VNL201/2",
        "VNL101/2",
        "VNL103",
        "total"
    );
    let mut baseline: Option<f64> = None;
    let mut totals = Vec::new();
    for (label, rules, per_rule, wide) in GROWTH {
        let fixture = prefix_nsg(0x5eed_2024_0013, rules, per_rule, wide);
        let (compile, nsg) = median_of(runs, || compile_nsg(&fixture.net, fixture.nsg, &tags));
        let (covered, _) = median_of(runs, || covered_rules_all(&nsg));
        let (exposure, _) = median_of(runs, || {
            [MANAGEMENT_PORTS, DATA_PORTS].map(|ports| exposure_of(&nsg, &tags, ports))
        });
        let (all_ports, open) = median_of(runs, || all_ports_of(&nsg, &tags));
        let steps = [compile, covered, exposure, all_ports];
        let total: f64 = steps.iter().map(Duration::as_secs_f64).sum();
        let [compile, covered, exposure, all_ports] = steps.map(|d| format!("{d:.2?}"));
        println!(
            "{label:<40} {rules:>6} {compile:>10} {covered:>10} {exposure:>10} {all_ports:>10} {:>9.2}s  ({} cubes wholly open)",
            total,
            open.cubes().len()
        );
        let base = *baseline.get_or_insert(total);
        totals.push((label, rules, total / base));
    }
    println!("growth against the 1x input of this run (quadratic: 4x and 16x the time):");
    for (label, _, ratio) in totals {
        println!("  {label:<40} {ratio:>6.1}x the time");
    }
}

/// An NSG of `rules` inbound TCP rules, each with `per_rule` random /24 sources and `per_rule`
/// random /24 destinations in 10.0.0.0/8 (with `wide`, every 97th rule from `0.0.0.0/0`), 60%
/// allows, one destination port or range each, priorities 100 up: `nsg_file` of
/// `bench/hostile.py`, drawn by this file's generator.
fn prefix_nsg(seed: u64, rules: usize, per_rule: usize, wide: bool) -> Fixture {
    let mut rng = Rng(seed);
    let mut fixture = Fixture::new();
    for index in 0..rules {
        let mut sources: Vec<String> = (0..per_rule)
            .map(|_| {
                let (a, b, c) = (1 + rng.below(222), rng.below(256), rng.below(256));
                format!("{a}.{b}.{c}.0/24")
            })
            .collect();
        let destinations: Vec<String> = (0..per_rule)
            .map(|_| format!("10.{}.{}.0/24", rng.below(256), rng.below(256)))
            .collect();
        if wide && index % 97 == 0 {
            sources = vec!["0.0.0.0/0".to_owned()];
        }
        let allow = rng.chance(60);
        let port = *rng.pick(&["22", "3389", "443", "1433", "8000-9000", "*"]);
        let priority = u32::try_from(100 + index).expect("a priority");
        let rule = GenRule::new(
            (priority, true, allow),
            "Tcp",
            [
                Field::Plural(sources),
                Field::Single("*".to_owned()),
                Field::Plural(destinations),
                Field::Single(port.to_owned()),
            ],
        );
        fixture.add_generated(&format!("rule-{index:04}"), &rule);
    }
    fixture
}

/// The Internet to every address on `ports` over TCP and UDP (one query per destination of
/// VNL101/VNL102): what the NSG certainly allows, split by the rule that allows it.
fn exposure_of(nsg: &CompiledNsg, tags: &TagContext, ports: &[(u16, u16)]) -> usize {
    let query = PacketSet::from_cube(Cube::new(
        ProtocolSet::of(&[Protocol::Tcp, Protocol::Udp]),
        tags.internet_hosts(),
        PortSet::all(),
        AddrSet::all(),
        PortSet::from_ranges(ports.iter().copied()),
    ));
    let allowed = nsg.allowed(Direction::Inbound, &query, Mode::Must);
    nsg.decide(Direction::Inbound, &allowed, Mode::Must).len()
}

/// The Internet to every address on every TCP port (VNL103): what the NSG certainly allows, and
/// the address pairs it allows on every port.
fn all_ports_of(nsg: &CompiledNsg, tags: &TagContext) -> PacketSet {
    let tcp = ProtocolSet::single(Protocol::Tcp);
    let query = PacketSet::from_cube(Cube::new(
        tcp,
        tags.internet_hosts(),
        PortSet::all(),
        AddrSet::all(),
        PortSet::all(),
    ));
    let allowed = nsg.allowed(Direction::Inbound, &query, Mode::Must);
    open_pairs(&query, &allowed, tcp)
}

// ---------------------------------------------------------------------------------------------
// The brute-force twin.

/// Sample packets: some inside every rule's match (so that every rule is tried), the rest drawn
/// from the generator's pools.
fn sample_universe(nsg: &CompiledNsg, seed: u64, spread: usize) -> Vec<Packet> {
    let mut rng = Rng(seed);
    let mut packets = Vec::new();
    for rule in nsg.inbound.iter().chain(&nsg.outbound) {
        if matches!(rule.rule, RuleRef::Default(_)) {
            continue;
        }
        for _ in 0..SAMPLES_PER_RULE {
            packets.extend(sample_in(&rule.matches.lower, &mut rng));
        }
    }
    for _ in 0..RANDOM_SAMPLES {
        let protocol = Protocol::ALL[rng.below(Protocol::ALL.len())];
        let address = |rng: &mut Rng| -> IpAddr {
            let base = if spread > 1 { 4 * rng.below(spread) } else { 0 };
            let text = prefix(rng, base);
            let base: Ipv4Addr = text
                .split('/')
                .next()
                .and_then(|b| b.parse().ok())
                .expect("generated prefix");
            IpAddr::V4(Ipv4Addr::from(u32::from(base) + rng.below(16) as u32))
        };
        let (src, dst) = (address(&mut rng), address(&mut rng));
        let (src_port, dst_port) = if protocol.has_ports() {
            (
                49152 + rng.below(1000) as u16,
                PORTS[rng.below(PORTS.len())] + rng.below(3) as u16,
            )
        } else {
            (0, 0)
        };
        packets.push(Packet::new(protocol, src, src_port, dst, dst_port));
    }
    packets
}

/// A random member of the set (of a random cube of it).
fn sample_in(set: &PacketSet, rng: &mut Rng) -> Option<Packet> {
    let cube = set.cubes().get(rng.below(set.cubes().len().max(1)))?;
    let protocols: Vec<Protocol> = cube.protocols.iter().collect();
    let protocol = *protocols.get(rng.below(protocols.len().max(1)))?;
    let mut address = |set: &vnetlint_engine::AddrSet| -> Option<IpAddr> {
        if !set.v4.is_empty() && (set.v6.is_empty() || rng.chance(90)) {
            let ranges = set.v4.ranges();
            let (lo, hi) = ranges[rng.below(ranges.len())];
            let offset = rng.next() % (u64::from(hi - lo) + 1);
            Some(IpAddr::V4(Ipv4Addr::from(lo + offset as u32)))
        } else {
            let ranges = set.v6.ranges();
            let &(lo, hi) = ranges.get(rng.below(ranges.len().max(1)))?;
            let span = hi - lo;
            let offset = u128::from(rng.next()) % span.saturating_add(1).max(1);
            Some(IpAddr::V6(Ipv6Addr::from(lo + offset.min(span))))
        }
    };
    let src = address(&cube.src)?;
    let dst = address(&cube.dst)?;
    let mut port = |set: &vnetlint_engine::PortSet| -> u16 {
        let ranges = set.ranges();
        let (lo, hi) = ranges[rng.below(ranges.len())];
        lo + (rng.next() % (u64::from(hi - lo) + 1)) as u16
    };
    let (src_port, dst_port) = if protocol.has_ports() {
        (port(&cube.src_ports), port(&cube.dst_ports))
    } else {
        (0, 0)
    };
    Some(Packet::new(protocol, src, src_port, dst, dst_port))
}

/// The same analysis packet by packet: walk every rule for every packet; a custom rule is dead
/// when it matches some packet and is the first match of none, shadowed when one of those
/// packets is decided with the opposite access. Keys are (direction, rule index).
fn twin_analysis(nsg: &CompiledNsg, packets: &[Packet]) -> BTreeMap<(Direction, usize), CoverKind> {
    let mut out = BTreeMap::new();
    for direction in [Direction::Inbound, Direction::Outbound] {
        let rules = nsg.rules(direction);
        let mut first = vec![false; rules.len()];
        let mut matched = vec![false; rules.len()];
        let mut opposite = vec![false; rules.len()];
        for packet in packets {
            let mut decided: Option<Access> = None;
            for (index, rule) in rules.iter().enumerate() {
                if !rule.matches.lower.contains(packet) {
                    continue;
                }
                matched[index] = true;
                match decided {
                    None => {
                        first[index] = true;
                        decided = Some(rule.access);
                    }
                    Some(access) => opposite[index] |= access != rule.access,
                }
            }
        }
        for (index, rule) in rules.iter().enumerate() {
            let judged = matches!(rule.rule, RuleRef::Custom(_)) && rule.uncertain.is_empty();
            if judged && matched[index] && !first[index] {
                let kind = if opposite[index] {
                    CoverKind::Shadowed
                } else {
                    CoverKind::Redundant
                };
                out.insert((direction, index), kind);
            }
        }
    }
    out
}
