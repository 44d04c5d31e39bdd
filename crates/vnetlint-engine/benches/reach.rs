//! Benchmark of `reach` path queries (issue 5, item 9): a network of one VNet 10.0.0.0/16 with
//! 100 subnets (/24), each guarded by an NSG of 20 random rules and holding 2 NICs (one NIC in
//! four has its own NSG of 10 rules), and 10,000 random queries between NICs, subnets, NIC
//! addresses and the Internet for one random protocol and destination port. The set-based
//! engine (`resolve` both endpoints + `evaluate_path`) is timed per query against a
//! brute-force path twin that decides one concrete packet per query by walking every NSG on the
//! path and reading each rule's text. Run with `cargo bench -p vnetlint-engine --bench reach`.
//!
//! The comparison is not like for like, which is the point of the engine: one engine answer
//! covers every source port and every source and destination address of the endpoints (a
//! subnet query is 2 NICs plus the rest of a /24, times 65,536 source ports), while one twin
//! answer is one packet. The run also checks that both agree on each query's packet.
//!
//! The network comes from a fixed-seed xorshift generator, so every run measures the same input.
//!
//! Measured on the 2-core development machine (release profile; three runs, the middle one
//! shown; medians varied by under 10% and totals by about 25% between runs, the machine being
//! shared):
//!
//! ```text
//! network: 1 VNet, 100 subnets, 200 NICs, 150 NSGs, 2500 rules
//! verdicts: 7203 allowed, 2685 denied, 112 partial; 9976 packets agree with the twin
//! topology build:                       17.5 ms
//! engine (resolve + evaluate):          50.2 us median,    635.3 ms total
//!   of which evaluate_path:             33.0 us median
//! twin (one packet per query):           0.8 us median,      9.0 ms total
//! ratio engine / twin:                  62.6x (median), 70.9x (total)
//! twin x 65,536 source ports:           52.6 ms, the packets one NIC-to-NIC answer covers
//! ```
//!
//! So one engine query costs about 60 twin packets, and answers for at least 65,536 of them
//! (about 1,000 times the twin's cost for the same coverage, far more for subnet endpoints).
//! A third of the engine's time is `resolve`, which looks names up linearly among all elements.

#![allow(
    clippy::print_stdout,
    reason = "a benchmark main reports on stdout, like the binary"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use common::generated::{Field, GenRule, add_generated};
use common::rng::Rng;
use common::twin::{HOST_IP, default_rule, first_match, in_cidr, rule_matches, v4};
use common::{Spans, add_nic, add_nsg, add_subnet, add_vnet};
use vnetlint_engine::{Packet, PathVerdict, PortSet, Protocol, ProtocolSet, Topology, Traffic};
use vnetlint_ir::{Network, NsgId};

const SUBNETS: usize = 100;
const NICS_PER_SUBNET: usize = 2;
const SUBNET_RULES: usize = 20;
const NIC_RULES: usize = 10;
const QUERIES: usize = 10_000;
const RULE_PROTOCOLS: [&str; 4] = ["Tcp", "Udp", "Icmp", "*"];

fn nic_ip(subnet: usize, k: usize) -> Ipv4Addr {
    Ipv4Addr::new(
        10,
        0,
        u8::try_from(subnet).unwrap(),
        4 + u8::try_from(k).unwrap(),
    )
}

fn random_addr(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => (*rng.pick(&["*", "Internet", "VirtualNetwork", "AzureLoadBalancer"])).to_owned(),
        1 | 2 => format!("10.0.{}.0/24", rng.below(SUBNETS)),
        3 => nic_ip(rng.below(SUBNETS), rng.below(NICS_PER_SUBNET)).to_string(),
        4 => format!("10.0.{}.0/22", rng.below(SUBNETS / 4) * 4),
        _ => (*rng.pick(&["203.0.113.0/24", "198.51.100.0/29", "8.8.8.8", "0.0.0.0/0"])).to_owned(),
    }
}

fn random_ports(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => "*".to_owned(),
        1 => (*rng.pick(&["22", "80", "443", "1433", "3389"])).to_owned(),
        _ => {
            let lo = rng.below(2000);
            format!("{lo}-{}", lo + rng.below(3000))
        }
    }
}

/// Rules as text, the way the twin reads them. Source ports are always `*`, so one (source,
/// destination, protocol, port) decides.
fn random_rules(rng: &mut Rng, count: usize) -> Vec<GenRule> {
    (0..count)
        .map(|i| {
            // Distinct priorities in a shuffled-looking order: 100 + 10 * a permutation-ish index.
            let priority = 100 + 10 * u32::try_from((i * 7) % count).unwrap();
            let head = (priority, rng.below(2) == 0, rng.below(3) != 0);
            let protocol = RULE_PROTOCOLS[rng.below(RULE_PROTOCOLS.len())];
            let src = Field::Single(random_addr(rng));
            let dst = Field::Single(random_addr(rng));
            let dport = Field::Single(random_ports(rng));
            GenRule::new(
                head,
                protocol,
                [src, Field::Single("*".to_owned()), dst, dport],
            )
        })
        .collect()
}

/// The generated network: the rules of every NSG, which NSG guards each subnet and NIC.
struct Generated {
    nsgs: Vec<Vec<GenRule>>,
    subnet_nsg: Vec<usize>,
    /// By subnet, then NIC index in the subnet.
    nic_nsg: Vec<[Option<usize>; NICS_PER_SUBNET]>,
}

fn generate(rng: &mut Rng) -> Generated {
    let mut nsgs = Vec::new();
    let mut subnet_nsg = Vec::new();
    let mut nic_nsg = Vec::new();
    for _ in 0..SUBNETS {
        subnet_nsg.push(nsgs.len());
        nsgs.push(random_rules(rng, SUBNET_RULES));
        let mut own = [None; NICS_PER_SUBNET];
        for slot in &mut own {
            if rng.below(4) == 0 {
                *slot = Some(nsgs.len());
                nsgs.push(random_rules(rng, NIC_RULES));
            }
        }
        nic_nsg.push(own);
    }
    Generated {
        nsgs,
        subnet_nsg,
        nic_nsg,
    }
}

fn build_ir(g: &Generated) -> Network {
    let mut spans = Spans::default();
    let mut net = Network::default();
    let main = "azurerm_virtual_network.main";
    let vnet = add_vnet(&mut net, &mut spans, main, "10.0.0.0/16");
    let mut nsg_ids: Vec<NsgId> = Vec::new();
    for (n, rules) in g.nsgs.iter().enumerate() {
        let nsg = add_nsg(
            &mut net,
            &mut spans,
            &format!("azurerm_network_security_group.g{n}"),
        );
        nsg_ids.push(nsg);
        for (r, rule) in rules.iter().enumerate() {
            let name = format!("r{r}");
            let address = format!("azurerm_network_security_group.g{n}.security_rule[{name}]");
            add_generated(&mut net, &mut spans, nsg, &address, &name, rule);
        }
    }
    for s in 0..SUBNETS {
        let (address, prefix) = (format!("azurerm_subnet.s{s}"), format!("10.0.{s}.0/24"));
        let nsg = Some(nsg_ids[g.subnet_nsg[s]]);
        let subnet = add_subnet(&mut net, &mut spans, &address, vnet, &prefix, nsg);
        // The NICs share their subnet's span.
        let span = net[subnet].meta.span;
        for k in 0..NICS_PER_SUBNET {
            let address = format!("azurerm_network_interface.s{s}n{k}");
            let place = (subnet, IpAddr::V4(nic_ip(s, k)));
            let nsg = g.nic_nsg[s][k].map(|n| nsg_ids[n]);
            add_nic(&mut net, span, &address, place, nsg, None);
        }
    }
    net
}

// ---------------------------------------------------------------------------------------------
// The brute-force path twin: one packet, every rule's text parsed as it is walked.

fn in_vnet(ip: IpAddr) -> bool {
    in_cidr("10.0.0.0/16", ip) || v4(ip) == HOST_IP
}

/// First match by priority, then the default rules.
fn nsg_allows(rules: &[GenRule], inbound: bool, p: &Packet) -> bool {
    match first_match(rules, inbound, |rule| rule_matches(rule, p, in_vnet)) {
        Some(i) => rules[i].allow,
        None => default_rule(inbound, in_vnet(p.src) && in_vnet(p.dst), p).2,
    }
}

/// The NSGs of an address, egress order (NIC, then subnet).
fn nsgs_of(g: &Generated, ip: IpAddr) -> Vec<usize> {
    if !in_cidr("10.0.0.0/16", ip) {
        return Vec::new();
    }
    let o = v4(ip);
    let subnet = usize::from(o[2]);
    let mut out = Vec::new();
    if (4..4 + NICS_PER_SUBNET).contains(&usize::from(o[3]))
        && let Some(n) = g.nic_nsg[subnet][usize::from(o[3]) - 4]
    {
        out.push(n);
    }
    out.push(g.subnet_nsg[subnet]);
    out
}

fn twin_allows(g: &Generated, p: &Packet) -> bool {
    let egress = nsgs_of(g, p.src);
    let mut ingress = nsgs_of(g, p.dst);
    ingress.reverse();
    egress.iter().all(|&n| nsg_allows(&g.nsgs[n], false, p))
        && ingress.iter().all(|&n| nsg_allows(&g.nsgs[n], true, p))
}

// ---------------------------------------------------------------------------------------------

/// An endpoint name and the concrete address the twin's packet uses for it.
fn random_endpoint(rng: &mut Rng, source: bool) -> (String, IpAddr) {
    let s = rng.below(SUBNETS);
    let k = rng.below(NICS_PER_SUBNET);
    match rng.below(if source { 4 } else { 3 }) {
        0 => (
            format!("azurerm_network_interface.s{s}n{k}"),
            IpAddr::V4(nic_ip(s, k)),
        ),
        1 => {
            // Any address of the subnet: a NIC's or one of the rest.
            let host = *rng.pick(&[4u8, 5, 9, 77, 200]);
            (
                format!("azurerm_subnet.s{s}"),
                IpAddr::V4(Ipv4Addr::new(10, 0, u8::try_from(s).unwrap(), host)),
            )
        }
        2 => (nic_ip(s, k).to_string(), IpAddr::V4(nic_ip(s, k))),
        _ => ("Internet".to_owned(), "203.0.113.7".parse().unwrap()),
    }
}

struct Query {
    from: String,
    to: String,
    traffic: Traffic,
    packet: Packet,
}

fn queries(rng: &mut Rng) -> Vec<Query> {
    (0..QUERIES)
        .map(|_| {
            let (from, src) = random_endpoint(rng, true);
            let (to, dst) = random_endpoint(rng, false);
            let protocol = *rng.pick(&[Protocol::Tcp, Protocol::Udp, Protocol::Icmp]);
            let port = *rng.pick(&[22u16, 80, 443, 1433, 3389, 8080, 53]);
            let port = if protocol.has_ports() { port } else { 0 };
            Query {
                from,
                to,
                traffic: Traffic {
                    protocols: ProtocolSet::single(protocol),
                    dst_ports: PortSet::single(port),
                },
                packet: Packet::new(protocol, src, 49152, dst, port),
            }
        })
        .collect()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let generated = generate(&mut rng);
    let net = build_ir(&generated);
    let queries = queries(&mut rng);

    let start = Instant::now();
    let topology = Topology::build(&net);
    let build = start.elapsed();

    let mut engine_times = Vec::with_capacity(QUERIES);
    let mut evaluate_times = Vec::with_capacity(QUERIES);
    let mut results = Vec::with_capacity(QUERIES);
    let engine_start = Instant::now();
    for q in &queries {
        let start = Instant::now();
        let from = topology.resolve(&q.from).expect("generated endpoint");
        let to = topology.resolve(&q.to).expect("generated endpoint");
        let resolved = Instant::now();
        let result = topology.evaluate_path(&from, &to, &q.traffic);
        let end = Instant::now();
        engine_times.push(end - start);
        evaluate_times.push(end - resolved);
        results.push(result);
    }
    let engine_total = engine_start.elapsed();

    let mut twin_times = Vec::with_capacity(QUERIES);
    let mut twin_verdicts = Vec::with_capacity(QUERIES);
    let twin_start = Instant::now();
    for q in &queries {
        let start = Instant::now();
        twin_verdicts.push(twin_allows(&generated, &q.packet));
        twin_times.push(start.elapsed());
    }
    let twin_total = twin_start.elapsed();

    // Both must say the same about each query's packet (a packet to itself never crosses an
    // NSG in Azure, so those are left out).
    let mut checked = 0;
    for ((q, result), &twin) in queries.iter().zip(&results).zip(&twin_verdicts) {
        if q.packet.src == q.packet.dst {
            continue;
        }
        assert_eq!(
            result.allowed.contains(&q.packet),
            twin,
            "{} -> {}: {}",
            q.from,
            q.to,
            q.packet
        );
        checked += 1;
    }
    let count = |v: PathVerdict| results.iter().filter(|r| r.verdict == v).count();

    let rules: usize = generated.nsgs.iter().map(Vec::len).sum();
    println!(
        "network: 1 VNet, {SUBNETS} subnets, {} NICs, {} NSGs, {rules} rules",
        SUBNETS * NICS_PER_SUBNET,
        generated.nsgs.len()
    );
    println!(
        "verdicts: {} allowed, {} denied, {} partial; {checked} packets agree with the twin",
        count(PathVerdict::Allowed),
        count(PathVerdict::Denied),
        count(PathVerdict::Partial)
    );
    println!(
        "topology build:                 {:>10.1} ms",
        build.as_secs_f64() * 1e3
    );
    println!(
        "engine (resolve + evaluate):    {:>10.1} us median, {:>8.1} ms total",
        micros(median(&mut engine_times)),
        engine_total.as_secs_f64() * 1e3
    );
    println!(
        "  of which evaluate_path:       {:>10.1} us median",
        micros(median(&mut evaluate_times))
    );
    println!(
        "twin (one packet per query):    {:>10.1} us median, {:>8.1} ms total",
        micros(median(&mut twin_times)),
        twin_total.as_secs_f64() * 1e3
    );
    println!(
        "ratio engine / twin:            {:>10.1}x (median), {:.1}x (total)",
        micros(median(&mut engine_times)) / micros(median(&mut twin_times)),
        engine_total.as_secs_f64() / twin_total.as_secs_f64()
    );
    // What one engine answer covers for the smallest endpoints (NIC to NIC): every source port.
    println!(
        "twin x 65,536 source ports:     {:>10.1} ms, the packets one NIC-to-NIC answer covers",
        micros(median(&mut twin_times)) * 65_536.0 / 1e3
    );
}
