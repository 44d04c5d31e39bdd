//! The routing engine has a per-packet twin (issue 15, item 5): random hub-and-spoke networks
//! (a hub with Azure Firewall and an NVA, two spokes, peerings in both, one or no direction with
//! random `allow_forwarded_traffic`, random route tables on the spoke subnets and the NVA's
//! subnet, random firewall rule collections, NSGs that deny one port) are followed one packet
//! at a time by a twin that looks routes up hop by hop from the generated description — system
//! routes, user routes, longest prefix, peerings, the firewall's first match, IP forwarding, the
//! return path of TCP — and compared with the set-based `Topology::evaluate_path`.
//!
//! The twin shares no routing code with the engine; the IR builder does (it is only the input).

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::{Spans, add_nic, add_nsg, add_rule, add_subnet, add_vnet, list, security_rule};
use proptest::prelude::*;
use vnetlint_engine::{PathVerdict, PortSet, Protocol, ProtocolSet, Topology, Traffic};
use vnetlint_ir::{
    Attr, Dialect, Firewall, FirewallIpConfiguration, FirewallRule, FirewallRuleCollection,
    FirewallRuleCollectionGroup, FirewallRuleKind, Meta, Network, Peering, Route, RouteTable,
    RuleCollectionOwner,
};

// ---------------------------------------------------------------------------------------------
// The generated description.

const VNETS: [&str; 3] = ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"];
/// Subnets: (vnet, prefix). 0 is `AzureFirewallSubnet`, 1 the NVA's, 2-5 workloads.
const SUBNETS: [(usize, &str); 6] = [
    (0, "10.0.1.0/26"),
    (0, "10.0.2.0/24"),
    (1, "10.1.1.0/24"),
    (1, "10.1.2.0/24"),
    (2, "10.2.1.0/24"),
    (2, "10.2.2.0/24"),
];
const FIREWALL_IP: &str = "10.0.1.4";
const NVA_IP: &str = "10.0.2.4";
const OUTSIDE_IP: &str = "10.50.0.4";
const ROUTE_PREFIXES: [&str; 6] = [
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.0.0/16",
    "10.2.0.0/16",
    "10.2.1.0/24",
    "10.1.1.0/24",
];
const FW_SOURCES: [&str; 4] = ["*", "10.1.0.0/16", "10.2.0.0/16", "10.1.1.0/24"];
const FW_DESTINATIONS: [&str; 4] = ["*", "10.1.0.0/16", "10.2.0.0/16", "10.2.2.0/24"];
const FW_PORTS: [&str; 4] = ["*", "443", "1433", "1000-2000"];
const FW_PROTOCOLS: [&str; 3] = ["TCP", "UDP", "Any"];
const PORTS: [u16; 4] = [22, 443, 1433, 1500];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    Firewall,
    Nva,
    Drop,
    VnetLocal,
    Internet,
    Outside,
}

const HOPS: [Hop; 6] = [
    Hop::Firewall,
    Hop::Nva,
    Hop::Drop,
    Hop::VnetLocal,
    Hop::Internet,
    Hop::Outside,
];

#[derive(Debug, Clone)]
struct GenFwRule {
    src: usize,
    dst: usize,
    ports: usize,
    protocol: usize,
}

#[derive(Debug, Clone)]
struct GenCollection {
    priority: u32,
    allow: bool,
    rules: Vec<GenFwRule>,
}

#[derive(Debug, Clone)]
struct GenNet {
    /// Per pair (hub-a, hub-b, a-b): 0 none, 1 one direction, 2 both.
    peering: [u8; 3],
    /// Per pair and direction (low→high, high→low): `allow_forwarded_traffic`.
    forwarded: [[bool; 2]; 3],
    nva_forwarding: bool,
    /// Per subnet 1..=5: the user routes (prefix index, hop), distinct prefixes.
    routes: Vec<Vec<(usize, Hop)>>,
    collections: Vec<GenCollection>,
    /// Per workload subnet: an NSG denying TCP to this port, if any.
    deny_port: [Option<u16>; 4],
}

fn gen_net() -> impl Strategy<Value = GenNet> {
    // Appliances are the interesting next hops: weight them up.
    let hop = prop::sample::select(vec![0usize, 0, 0, 1, 1, 2, 3, 4, 5]);
    let route = (0..ROUTE_PREFIXES.len(), hop).prop_map(|(p, h)| (p, HOPS[h]));
    let table = prop::collection::vec(route, 0..3).prop_map(|mut routes| {
        routes.sort_by_key(|r| r.0);
        routes.dedup_by_key(|r| r.0);
        routes
    });
    let fw_rule =
        (0..4usize, 0..4usize, 0..4usize, 0..3usize).prop_map(|(src, dst, ports, protocol)| {
            GenFwRule {
                src,
                dst,
                ports,
                protocol,
            }
        });
    let collection = (
        100u32..400,
        any::<bool>(),
        prop::collection::vec(fw_rule, 1..3),
    )
        .prop_map(|(priority, allow, rules)| GenCollection {
            priority,
            allow,
            rules,
        });
    let deny = prop::option::of(prop::sample::select(PORTS.to_vec()));
    (
        // Mostly connected peerings, so that forwarded traffic crosses them.
        prop::array::uniform3(prop::sample::select(vec![0u8, 1, 2, 2, 2])),
        prop::array::uniform3(prop::array::uniform2(any::<bool>())),
        any::<bool>(),
        prop::collection::vec(table, 5),
        prop::collection::vec(collection, 0..3),
        prop::array::uniform4(deny),
    )
        .prop_map(
            |(peering, forwarded, nva_forwarding, routes, mut collections, deny_port)| {
                // Azure rejects equal collection priorities in one group.
                collections.sort_by_key(|c| c.priority);
                collections.dedup_by_key(|c| c.priority);
                GenNet {
                    peering,
                    forwarded,
                    nva_forwarding,
                    routes,
                    collections,
                    deny_port,
                }
            },
        )
}

const PAIRS: [(usize, usize); 3] = [(0, 1), (0, 2), (1, 2)];

// ---------------------------------------------------------------------------------------------
// The IR.

#[allow(clippy::unnecessary_wraps)] // IR attributes are optional; every one here is written.
fn known<T>(value: T, spans: &mut Spans) -> Option<Attr<T>> {
    Some(Attr::known(value, spans.next()))
}

fn build_ir(g: &GenNet) -> Network {
    let mut net = Network::default();
    let spans = &mut Spans::default();
    let vnets: Vec<_> = VNETS
        .iter()
        .enumerate()
        .map(|(i, space)| {
            add_vnet(
                &mut net,
                spans,
                &format!("azurerm_virtual_network.v{i}"),
                space,
            )
        })
        .collect();
    let mut subnets = Vec::new();
    for (i, (v, prefix)) in SUBNETS.iter().enumerate() {
        let nsg = (i >= 2).then(|| {
            let nsg = add_nsg(
                &mut net,
                spans,
                &format!("azurerm_network_security_group.s{i}"),
            );
            nsg_rules(&mut net, spans, nsg, g.deny_port[i - 2]);
            nsg
        });
        subnets.push(add_subnet(
            &mut net,
            spans,
            &format!("azurerm_subnet.s{i}"),
            vnets[*v],
            prefix,
            nsg,
        ));
    }
    for (i, &subnet) in subnets.iter().enumerate().skip(2) {
        let ip = host(i);
        let span = spans.next();
        add_nic(
            &mut net,
            span,
            &format!("azurerm_network_interface.n{i}"),
            (subnet, ip),
            None,
            None,
        );
    }
    let span = spans.next();
    let nva = add_nic(
        &mut net,
        span,
        "azurerm_network_interface.nva",
        (subnets[1], NVA_IP.parse().expect("literal")),
        None,
        None,
    );
    net.nics[nva.index()].ip_forwarding = known(g.nva_forwarding, spans);
    for (p, &(a, b)) in PAIRS.iter().enumerate() {
        let links: &[(usize, usize, bool)] = match g.peering[p] {
            0 => &[],
            1 => &[(a, b, g.forwarded[p][0])],
            _ => &[(a, b, g.forwarded[p][0]), (b, a, g.forwarded[p][1])],
        };
        for &(from, to, forwarded) in links {
            net.peerings.push(Peering {
                meta: Meta::new(
                    format!("azurerm_virtual_network_peering.p{from}{to}"),
                    spans.next(),
                ),
                vnet: known(vnets[from], spans),
                remote_vnet: known(vnets[to], spans),
                allow_virtual_network_access: None,
                allow_forwarded_traffic: known(forwarded, spans),
                allow_gateway_transit: None,
                use_remote_gateways: None,
            });
        }
    }
    for (k, routes) in g.routes.iter().enumerate() {
        let subnet = subnets[k + 1];
        if routes.is_empty() {
            continue;
        }
        let table = RouteTable {
            meta: Meta::new(format!("azurerm_route_table.t{k}"), spans.next()),
            routes: routes
                .iter()
                .enumerate()
                .map(|(r, &(prefix, hop))| route(spans, k, r, ROUTE_PREFIXES[prefix], hop))
                .collect(),
            gateway_propagation: None,
        };
        net.route_tables.push(table);
        let id = vnetlint_ir::RouteTableId(u32::try_from(net.route_tables.len() - 1).expect("few"));
        net.subnets[subnet.index()].route_table = known(id, spans);
    }
    net.firewalls.push(Firewall {
        meta: Meta::new("azurerm_firewall.hub", spans.next()),
        sku_tier: None,
        ip_configurations: vec![FirewallIpConfiguration {
            span: spans.next(),
            name: None,
            subnet: known(subnets[0], spans),
            public_ip: None,
            private_ip: None,
        }],
        management: None,
        policy: None,
        private_ip_ranges: None,
    });
    let fw = vnetlint_ir::FirewallId(0);
    let collections = g
        .collections
        .iter()
        .enumerate()
        .map(|(c, generated)| FirewallRuleCollection {
            span: spans.next(),
            address: format!("c{c}"),
            name: None,
            kind: FirewallRuleKind::Network,
            priority: known(generated.priority.to_string(), spans),
            action: known(
                if generated.allow { "Allow" } else { "Deny" }.to_owned(),
                spans,
            ),
            rules: generated
                .rules
                .iter()
                .enumerate()
                .map(|(r, rule)| fw_rule(spans, c, r, rule))
                .collect(),
        })
        .collect();
    net.firewall_rule_collection_groups
        .push(FirewallRuleCollectionGroup {
            meta: Meta::new("azurerm_firewall_network_rule_collection.all", spans.next()),
            owner: RuleCollectionOwner::Firewall(Attr::known(fw, spans.next())),
            priority: None,
            collections,
        });
    net
}

/// Deny TCP to `port` (if any), then allow everything both ways: the default rules never
/// decide, so the twin's NSG is that one deny.
fn nsg_rules(net: &mut Network, spans: &mut Spans, nsg: vnetlint_ir::NsgId, port: Option<u16>) {
    let mut rows: Vec<(&str, &str, &str, &str, &str, String)> = vec![
        ("allow-in", "4000", "Inbound", "Allow", "*", "*".to_owned()),
        (
            "allow-out",
            "4000",
            "Outbound",
            "Allow",
            "*",
            "*".to_owned(),
        ),
    ];
    if let Some(port) = port {
        rows.push((
            "deny-port",
            "100",
            "Inbound",
            "Deny",
            "Tcp",
            port.to_string(),
        ));
    }
    for (name, priority, direction, access, protocol, dport) in rows {
        let mut rule = security_rule(
            spans,
            nsg,
            &format!("rule.{name}"),
            name,
            Dialect::Terraform,
        );
        rule.priority = known(priority.to_owned(), spans);
        rule.direction = known(direction.to_owned(), spans);
        rule.access = known(access.to_owned(), spans);
        rule.protocol = known(protocol.to_owned(), spans);
        rule.source_port_range = known("*".to_owned(), spans);
        rule.destination_port_range = known(dport, spans);
        rule.source_address_prefix = known("*".to_owned(), spans);
        rule.destination_address_prefix = known("*".to_owned(), spans);
        add_rule(net, rule);
    }
}

fn route(spans: &mut Spans, table: usize, index: usize, prefix: &str, hop: Hop) -> Route {
    let (kind, ip) = match hop {
        Hop::Firewall => ("VirtualAppliance", Some(FIREWALL_IP)),
        Hop::Nva => ("VirtualAppliance", Some(NVA_IP)),
        Hop::Outside => ("VirtualAppliance", Some(OUTSIDE_IP)),
        Hop::Drop => ("None", None),
        Hop::VnetLocal => ("VnetLocal", None),
        Hop::Internet => ("Internet", None),
    };
    Route {
        span: spans.next(),
        address: format!("t{table}.r{index}"),
        name: None,
        address_prefix: known(prefix.to_owned(), spans),
        next_hop_type: known(kind.to_owned(), spans),
        next_hop_ip: ip.and_then(|ip| known(ip.to_owned(), spans)),
    }
}

fn fw_rule(spans: &mut Spans, c: usize, r: usize, rule: &GenFwRule) -> FirewallRule {
    let one = |spans: &mut Spans, text: &str| Some(list(spans, &[text]));
    FirewallRule {
        span: spans.next(),
        address: format!("c{c}.r{r}"),
        name: None,
        protocols: one(spans, FW_PROTOCOLS[rule.protocol]),
        source_addresses: one(spans, FW_SOURCES[rule.src]),
        source_ip_groups: Vec::new(),
        destination_addresses: one(spans, FW_DESTINATIONS[rule.dst]),
        destination_ip_groups: Vec::new(),
        destination_fqdns: None,
        destination_ports: one(spans, FW_PORTS[rule.ports]),
        translated_address: None,
        translated_port: None,
        application_protocols: None,
        target_fqdns: None,
    }
}

/// The workload NIC's address in subnet `i` (the fifth address: Azure's first host).
fn host(i: usize) -> IpAddr {
    let (_, prefix) = SUBNETS[i];
    let base: Ipv4Addr = prefix.split('/').next().expect("cidr").parse().expect("v4");
    IpAddr::V4(Ipv4Addr::from(u32::from(base) + 4))
}

// ---------------------------------------------------------------------------------------------
// The twin.

fn in_cidr(ip: IpAddr, cidr: &str) -> bool {
    if cidr == "*" {
        return true;
    }
    let (base, len) = cidr.split_once('/').expect("cidr");
    let (IpAddr::V4(ip), Ok(base), Ok(len)) = (ip, base.parse::<Ipv4Addr>(), len.parse::<u32>())
    else {
        return false;
    };
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(ip) & mask == u32::from(base) & mask
}

fn prefix_len(cidr: &str) -> u32 {
    cidr.split_once('/')
        .map_or(32, |(_, l)| l.parse().expect("len"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Device {
    Firewall,
    Nva,
    Outside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Local(usize),
    Peer(usize),
    Internet,
    Drop,
    Appliance(Device),
}

struct Twin<'g> {
    g: &'g GenNet,
}

impl Twin<'_> {
    fn vnet_of_subnet(i: usize) -> usize {
        SUBNETS[i].0
    }

    fn link(&self, from: usize, to: usize) -> Option<bool> {
        PAIRS.iter().enumerate().find_map(|(p, &(a, b))| {
            let state = self.g.peering[p];
            if (a, b) == (from, to) && state >= 1 {
                Some(self.g.forwarded[p][0])
            } else if (b, a) == (from, to) && state == 2 {
                Some(self.g.forwarded[p][1])
            } else {
                None
            }
        })
    }

    fn connected(&self, a: usize, b: usize) -> bool {
        self.link(a, b).is_some() && self.link(b, a).is_some()
    }

    /// Longest prefix among the system routes and the subnet's user routes; user routes win
    /// ties.
    fn lookup(&self, subnet: usize, dst: IpAddr) -> Next {
        let v = Self::vnet_of_subnet(subnet);
        let user: &[(usize, Hop)] = if subnet >= 1 {
            &self.g.routes[subnet - 1]
        } else {
            &[]
        };
        let mut best: Option<(u32, u8, Next)> = None;
        let mut consider = |cidr: &str, rank: u8, next: Next| {
            if !in_cidr(dst, cidr) {
                return;
            }
            let len = prefix_len(cidr);
            let better = match best {
                None => true,
                Some((l, r, _)) => len > l || (len == l && rank < r),
            };
            if better {
                best = Some((len, rank, next));
            }
        };
        let default_udr = user.iter().any(|&(p, _)| ROUTE_PREFIXES[p] == "0.0.0.0/0");
        for &(p, hop) in user {
            let next = match hop {
                Hop::Firewall => Next::Appliance(Device::Firewall),
                Hop::Nva => Next::Appliance(Device::Nva),
                Hop::Outside => Next::Appliance(Device::Outside),
                Hop::Drop => Next::Drop,
                Hop::VnetLocal => Next::Local(v),
                Hop::Internet => Next::Internet,
            };
            consider(ROUTE_PREFIXES[p], 0, next);
        }
        consider(VNETS[v], 1, Next::Local(v));
        for (other, space) in VNETS.iter().enumerate() {
            if other != v && self.connected(v, other) {
                consider(space, 1, Next::Peer(other));
            }
        }
        consider("0.0.0.0/0", 1, Next::Internet);
        if !default_udr {
            for cidr in [
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "100.64.0.0/10",
            ] {
                consider(cidr, 1, Next::Drop);
            }
        }
        best.map_or(Next::Drop, |(_, _, next)| next)
    }

    /// Whether `here` may hand the packet to `to` (same VNet, or a connected peering whose
    /// receiving side accepts forwarded traffic when the packet was forwarded).
    fn cross(&self, here: usize, to: usize, origin: Option<usize>) -> bool {
        if here == to {
            return true;
        }
        if !self.connected(here, to) {
            return false;
        }
        origin == Some(here) || self.link(to, here) == Some(true)
    }

    fn firewall_allows(&self, p: &Packet) -> bool {
        for collection in &self.g.collections {
            for rule in &collection.rules {
                let protocol_ok = match FW_PROTOCOLS[rule.protocol] {
                    "TCP" => p.tcp,
                    "UDP" => !p.tcp,
                    _ => true,
                };
                let port_ok = match FW_PORTS[rule.ports] {
                    "*" => true,
                    "1000-2000" => (1000..=2000).contains(&p.port),
                    port => port.parse::<u16>().ok() == Some(p.port),
                };
                if protocol_ok
                    && port_ok
                    && in_cidr(p.src, FW_SOURCES[rule.src])
                    && in_cidr(p.dst, FW_DESTINATIONS[rule.dst])
                {
                    return collection.allow;
                }
            }
        }
        false
    }

    fn nsg_allows(&self, subnet: usize, p: &Packet) -> bool {
        subnet < 2 || !(p.tcp && self.g.deny_port[subnet - 2] == Some(p.port))
    }

    /// The devices a delivered packet crossed, or `None` when it is dropped.
    fn forward(&self, p: &Packet, src: usize, dst: usize) -> Option<Vec<Device>> {
        let mut subnet = src;
        let mut origin = Some(Self::vnet_of_subnet(src));
        let mut devices = Vec::new();
        loop {
            let here = Self::vnet_of_subnet(subnet);
            match self.lookup(subnet, p.dst) {
                Next::Local(v) | Next::Peer(v) => {
                    if !self.cross(here, v, origin) || Self::vnet_of_subnet(dst) != v {
                        return None;
                    }
                    return self.nsg_allows(dst, p).then_some(devices);
                }
                Next::Internet | Next::Drop => return None,
                Next::Appliance(device) => {
                    if devices.contains(&device) || devices.len() >= 8 {
                        return None;
                    }
                    devices.push(device);
                    let next = match device {
                        Device::Firewall => 0,
                        Device::Nva => 1,
                        Device::Outside => {
                            return self.nsg_allows(dst, p).then_some(devices);
                        }
                    };
                    if !self.cross(here, 0, origin) {
                        return None;
                    }
                    match device {
                        Device::Firewall if !self.firewall_allows(p) => return None,
                        Device::Nva if !self.g.nva_forwarding => return None,
                        _ => {}
                    }
                    origin = if origin == Some(0) { origin } else { None };
                    subnet = next;
                }
            }
        }
    }

    /// The devices the replies cross back to `src`, or `None` when they are lost.
    fn back(&self, p: &Packet, src: usize, dst: usize) -> Option<Vec<Device>> {
        let mut subnet = dst;
        let mut devices = Vec::new();
        loop {
            match self.lookup(subnet, p.src) {
                Next::Local(v) | Next::Peer(v) => {
                    return (Self::vnet_of_subnet(src) == v).then_some(devices);
                }
                Next::Internet | Next::Drop => return None,
                Next::Appliance(device) => {
                    if devices.contains(&device) || devices.len() >= 8 {
                        return None;
                    }
                    devices.push(device);
                    match device {
                        Device::Firewall => subnet = 0,
                        Device::Nva => subnet = 1,
                        Device::Outside => return Some(devices),
                    }
                }
            }
        }
    }

    fn delivered(&self, p: &Packet, src: usize, dst: usize) -> bool {
        let Some(mut forward) = self.forward(p, src, dst) else {
            return false;
        };
        if !p.tcp {
            return true;
        }
        let Some(mut back) = self.back(p, src, dst) else {
            return false;
        };
        if forward.contains(&Device::Outside) || back.contains(&Device::Outside) {
            return true;
        }
        forward.sort();
        forward.dedup();
        back.sort();
        back.dedup();
        forward == back
    }
}

#[derive(Debug, Clone, Copy)]
struct Packet {
    tcp: bool,
    src: IpAddr,
    dst: IpAddr,
    port: u16,
}

// ---------------------------------------------------------------------------------------------
// The property.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// For random networks and packets between workload NICs, the engine's verdict is the
    /// twin's, and the witness's traced path stops exactly when the packet is denied.
    #[test]
    fn routed_verdicts_agree_with_the_twin(
        g in gen_net(),
        probes in prop::collection::vec((2usize..6, 2usize..6, any::<bool>(), 0..PORTS.len()), 12),
    ) {
        let net = build_ir(&g);
        let topology = Topology::build(&net);
        prop_assert!(topology.routing_active(), "a firewall makes routing modelled");
        let twin = Twin { g: &g };
        for (src, dst, tcp, port) in probes {
            let packet = Packet { tcp, src: host(src), dst: host(dst), port: PORTS[port] };
            let expected = twin.delivered(&packet, src, dst);
            let from = topology
                .resolve(&format!("azurerm_network_interface.n{src}"))
                .expect("source");
            let to = topology
                .resolve(&format!("azurerm_network_interface.n{dst}"))
                .expect("destination");
            let traffic = Traffic {
                protocols: ProtocolSet::single(if tcp { Protocol::Tcp } else { Protocol::Udp }),
                dst_ports: PortSet::single(packet.port),
            };
            let result = topology.evaluate_path(&from, &to, &traffic);
            let got = match result.verdict {
                PathVerdict::Allowed => true,
                PathVerdict::Denied => false,
                PathVerdict::Partial => {
                    prop_assert!(false, "a single packet is never partial: {result:?}");
                    false
                }
            };
            prop_assert_eq!(got, expected, "{:?} from subnet {} to {}: {:?}\n{:#?}", packet, src, dst, result.notes, g);
            // Routed networks explain the witness; its last step stops exactly when denied.
            if topology.routing_active() && !result.steps.is_empty() {
                let stops = result.steps.iter().any(|s| s.stops);
                prop_assert_eq!(stops, !got, "steps {:#?}", result.steps);
            }
        }
    }
}
