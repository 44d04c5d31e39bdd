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

use common::{Spans, list};
use vnetlint_engine::{Packet, PathVerdict, PortSet, Protocol, ProtocolSet, Topology, Traffic};
use vnetlint_ir::{
    Attr, Dialect, IpConfiguration, Meta, Network, Nic, Nsg, NsgId, RuleStyle, SecurityRule,
    Subnet, Vnet,
};

const SUBNETS: usize = 100;
const NICS_PER_SUBNET: usize = 2;
const SUBNET_RULES: usize = 20;
const NIC_RULES: usize = 10;
const QUERIES: usize = 10_000;
const HOST_IP: [u8; 4] = [168, 63, 129, 16];
const RULE_PROTOCOLS: [&str; 4] = ["Tcp", "Udp", "Icmp", "*"];

/// A fixed-seed xorshift64 generator: the same network and queries on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small bound")
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One rule as text, the way the twin reads it. Source ports are always `*`, so one
/// (source, destination, protocol, port) decides.
#[derive(Debug, Clone)]
struct TextRule {
    name: String,
    priority: u32,
    inbound: bool,
    allow: bool,
    protocol: &'static str,
    src: String,
    dst: String,
    dport: String,
}

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

fn random_rules(rng: &mut Rng, count: usize) -> Vec<TextRule> {
    (0..count)
        .map(|i| TextRule {
            name: format!("r{i}"),
            // Distinct priorities in a shuffled-looking order: 100 + 10 * a permutation-ish index.
            priority: 100 + 10 * u32::try_from((i * 7) % count).unwrap(),
            inbound: rng.below(2) == 0,
            allow: rng.below(3) != 0,
            protocol: RULE_PROTOCOLS[rng.below(RULE_PROTOCOLS.len())],
            src: random_addr(rng),
            dst: random_addr(rng),
            dport: random_ports(rng),
        })
        .collect()
}

/// The generated network: the rules of every NSG, which NSG guards each subnet and NIC.
struct Generated {
    nsgs: Vec<Vec<TextRule>>,
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
    let vnet = net.add_vnet(Vnet {
        meta: Meta::new("azurerm_virtual_network.main", spans.next()),
        address_space: Some(list(&mut spans, &["10.0.0.0/16"])),
        dns_servers: None,
    });
    let mut nsg_ids: Vec<NsgId> = Vec::new();
    for (n, rules) in g.nsgs.iter().enumerate() {
        let nsg = net.add_nsg(Nsg {
            meta: Meta::new(format!("azurerm_network_security_group.g{n}"), spans.next()),
            rules: Vec::new(),
        });
        nsg_ids.push(nsg);
        for rule in rules {
            let span = spans.next();
            let mut meta = Meta::new(
                format!(
                    "azurerm_network_security_group.g{n}.security_rule[{}]",
                    rule.name
                ),
                span,
            );
            meta.name = Some(Attr::known(rule.name.clone(), span));
            let mut ir = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Inline);
            ir.nsg = Some(Attr::known(nsg, span));
            let mut text = |t: &str| Some(Attr::known(t.to_owned(), spans.next()));
            ir.priority = text(&rule.priority.to_string());
            ir.direction = text(if rule.inbound { "Inbound" } else { "Outbound" });
            ir.access = text(if rule.allow { "Allow" } else { "Deny" });
            ir.protocol = text(rule.protocol);
            ir.source_port_range = text("*");
            ir.source_address_prefix = text(&rule.src);
            ir.destination_address_prefix = text(&rule.dst);
            ir.destination_port_range = text(&rule.dport);
            let id = net.add_rule(ir);
            net.nsgs[nsg.index()].rules.push(id);
        }
    }
    for s in 0..SUBNETS {
        let span = spans.next();
        let prefix = format!("10.0.{s}.0/24");
        let subnet = net.add_subnet(Subnet {
            meta: Meta::new(format!("azurerm_subnet.s{s}"), span),
            vnet: Some(Attr::known(vnet, span)),
            address_prefixes: Some(list(&mut spans, &[&prefix])),
            nsg: Some(Attr::known(nsg_ids[g.subnet_nsg[s]], span)),
            route_table: None,
            delegations: Vec::new(),
            service_endpoints: None,
        });
        for k in 0..NICS_PER_SUBNET {
            net.add_nic(Nic {
                meta: Meta::new(format!("azurerm_network_interface.s{s}n{k}"), span),
                ip_configurations: vec![IpConfiguration {
                    span,
                    name: None,
                    subnet: Some(Attr::known(subnet, span)),
                    allocation: Some(Attr::known("Static".to_owned(), span)),
                    private_ip: Some(Attr::known(nic_ip(s, k).to_string(), span)),
                    public_ip: None,
                    asgs: Vec::new(),
                }],
                nsg: g.nic_nsg[s][k].map(|n| Attr::known(nsg_ids[n], span)),
                dns_servers: None,
            });
        }
    }
    net
}

// ---------------------------------------------------------------------------------------------
// The brute-force path twin: one packet, every rule's text parsed as it is walked.

fn v4(ip: IpAddr) -> [u8; 4] {
    match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(_) => unreachable!("the network is IPv4"),
    }
}

fn in_cidr(text: &str, ip: IpAddr) -> bool {
    let (base, bits) = text.split_once('/').unwrap_or((text, "32"));
    let base: Ipv4Addr = base.parse().unwrap();
    let bits: u32 = bits.parse().unwrap();
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    u32::from(base) & mask == u32::from(Ipv4Addr::from(v4(ip))) & mask
}

fn internet(ip: IpAddr) -> bool {
    let o = v4(ip);
    !(o[0] == 0
        || o[0] == 10
        || o[0] == 127
        || o[0] >= 224
        || (o[0] == 100 && (64..128).contains(&o[1]))
        || (o[0] == 169 && o[1] == 254)
        || (o[0] == 172 && (16..32).contains(&o[1]))
        || (o[0] == 192 && o[1] == 168)
        || o == HOST_IP)
}

fn in_vnet(ip: IpAddr) -> bool {
    in_cidr("10.0.0.0/16", ip) || v4(ip) == HOST_IP
}

fn addr_matches(text: &str, ip: IpAddr) -> bool {
    match text {
        "*" => true,
        "Internet" => internet(ip),
        "VirtualNetwork" => in_vnet(ip),
        "AzureLoadBalancer" => v4(ip) == HOST_IP,
        cidr => in_cidr(cidr, ip),
    }
}

fn port_matches(text: &str, port: u16) -> bool {
    if text == "*" {
        return true;
    }
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    (lo.parse::<u16>().unwrap()..=hi.parse::<u16>().unwrap()).contains(&port)
}

fn rule_matches(rule: &TextRule, p: &Packet) -> bool {
    let protocol = match rule.protocol {
        "*" => true,
        "Tcp" => p.protocol == Protocol::Tcp,
        "Udp" => p.protocol == Protocol::Udp,
        _ => p.protocol == Protocol::Icmp,
    };
    protocol
        && addr_matches(&rule.src, p.src)
        && addr_matches(&rule.dst, p.dst)
        && (!p.protocol.has_ports() || port_matches(&rule.dport, p.dst_port))
}

/// First match by priority, then the default rules.
fn nsg_allows(rules: &[TextRule], inbound: bool, p: &Packet) -> bool {
    let mut order: Vec<&TextRule> = rules.iter().filter(|r| r.inbound == inbound).collect();
    order.sort_by_key(|r| r.priority);
    if let Some(rule) = order.into_iter().find(|r| rule_matches(r, p)) {
        return rule.allow;
    }
    (in_vnet(p.src) && in_vnet(p.dst))
        || (inbound && v4(p.src) == HOST_IP)
        || (!inbound && internet(p.dst))
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
