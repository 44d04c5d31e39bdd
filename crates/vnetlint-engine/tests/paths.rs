//! Path evaluation has a brute-force twin (issue 5, item 8): random small networks (one or two
//! virtual networks, subnets, NICs with static addresses and public IPs, NSGs with random rules on
//! subnets and NICs, peerings in both, one or no direction, mostly a private endpoint in a subnet
//! with random network policies) are evaluated one concrete packet at a time by a twin that
//! walks every NSG on the path, reads each rule's text and knows the `VirtualNetwork` tag of
//! each virtual network directly — and leaves a private endpoint's subnet NSG out of traffic to
//! it unless the policies apply NSGs, and lets only TCP reach it (routing spec §8) — and is
//! compared with the set-based `Topology::evaluate_path`: single-packet verdicts, witnesses and
//! their hop traces, the allowed/denied partition, and sampled packets of wide queries (subnets,
//! NICs, CIDRs, the Internet, public IPs, the private endpoint).
//!
//! The twin shares no code with the engine; the IR builder does (it is only the input).

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::generated::{self, Field, GenRule, addr_field, port_field};
use common::twin::{HOST_IP, default_rule, first_match, in_cidr, internet, rule_matches, v4};
use common::{Spans, add_nic, add_nsg, add_rule, add_subnet, add_vnet, ip, list, security_rule};
use proptest::prelude::*;
use vnetlint_engine::{
    Access, AddrSet, Association, Cube, Direction, HopTrace, Packet, PacketSet, PathResult,
    PathVerdict, PortSet, Protocol, ProtocolSet, RuleRef, Topology, Traffic,
};
use vnetlint_ir::{Attr, Dialect, Meta, Network, NsgId, Peering, PrivateEndpoint, PublicIp};

// ---------------------------------------------------------------------------------------------
// Generated networks.

/// Address texts a rule may name in its singular field (tags allowed).
const SINGLE_ADDRS: &[&str] = &[
    "*",
    "Internet",
    "VirtualNetwork",
    "AzureLoadBalancer",
    "0.0.0.0/0",
    "10.0.0.0/24",
    "10.1.0.0/24",
    "10.0.0.0/26",
    "10.0.0.64/26",
    "10.1.0.0/26",
    "10.0.0.4",
    "10.0.0.5",
    "10.0.0.68",
    "10.1.0.4",
    "203.0.113.0/29",
    "198.51.100.0/30",
];
/// Address texts for the plural field (no tags, no `*`: those cannot deploy there).
const PLURAL_ADDRS: &[&str] = &[
    "10.0.0.0/26",
    "10.0.0.64/27",
    "10.0.0.5",
    "10.1.0.4",
    "10.1.0.0/25",
    "203.0.113.5",
    "8.8.8.8",
    "198.51.100.1",
];
const PROTOCOLS: &[&str] = &["Tcp", "Udp", "Icmp", "*"];
/// Destination ports of the sampled packets.
const PORTS: &[u16] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 22, 443];
/// Sources outside every subnet: documentation and public addresses, the host IP, a private
/// address in no virtual network.
const EXTERNAL: &[&str] = &[
    "203.0.113.5",
    "203.0.113.9",
    "8.8.8.8",
    "168.63.129.16",
    "192.168.1.1",
];

#[derive(Debug, Clone)]
struct GenNic {
    subnet: usize,
    public: bool,
}

/// `private_endpoint_network_policies` values; `None` leaves the attribute out (`Disabled`).
const ENDPOINT_POLICIES: [Option<&str>; 5] = [
    None,
    Some("Disabled"),
    Some("Enabled"),
    Some("NetworkSecurityGroupEnabled"),
    Some("RouteTableEnabled"),
];

/// A private endpoint (`azurerm_private_endpoint.p0`) and its subnet's network policies.
#[derive(Debug, Clone, Copy)]
struct GenEndpoint {
    subnet: usize,
    policies: Option<&'static str>,
}

impl GenEndpoint {
    /// NSGs apply to traffic to the endpoint (routing spec §8).
    fn nsgs(self) -> bool {
        matches!(
            self.policies,
            Some("Enabled" | "NetworkSecurityGroupEnabled")
        )
    }
}

/// One declared peering link `from -> to` and its `allow_virtual_network_access`.
#[derive(Debug, Clone, Copy)]
struct Link {
    from: usize,
    to: usize,
    access: Option<bool>,
}

#[derive(Debug, Clone)]
struct GenNet {
    vnets: usize,
    /// The VNet of each subnet.
    subnets: Vec<usize>,
    nics: Vec<GenNic>,
    nsgs: Vec<Vec<GenRule>>,
    subnet_nsg: Vec<Option<usize>>,
    nic_nsg: Vec<Option<usize>>,
    links: Vec<Link>,
    endpoint: Option<GenEndpoint>,
}

fn port_text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        prop::sample::select(PORTS).prop_map(|p| p.to_string()),
        (0u16..12, 0u16..12).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b))),
        Just("20-443".to_owned()),
    ]
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    let addr = || addr_field(SINGLE_ADDRS, PLURAL_ADDRS, 4);
    let dport = port_field(port_text(), [2, 3, 1]);
    // Source ports are always `*`: one (source, destination, protocol, port) then decides.
    let sport = Just(Field::Single("*".to_owned()));
    let priorities = (0u32..8).prop_map(|slot| 100 + slot * 10);
    generated::gen_rule(
        priorities,
        PROTOCOLS,
        (addr(), sport, addr(), dport),
        Just(false),
    )
}

fn gen_net() -> impl Strategy<Value = GenNet> {
    (
        1usize..=2,
        prop::collection::vec(0usize..2, 2..=3),
        prop::collection::vec((0usize..3, prop::bool::weighted(0.4)), 2..=4),
        prop::collection::vec(prop::collection::vec(gen_rule(), 0..6), 0..=4),
        prop::collection::vec(prop::option::of(0usize..4), 3),
        prop::collection::vec(prop::option::weighted(0.4, 0usize..4), 4),
        0u8..4,
        (
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        ),
        prop::option::weighted(0.8, (0usize..3, 0..ENDPOINT_POLICIES.len())),
    )
        .prop_map(
            |(vnets, subnet_vnets, nics, nsgs, subnet_nsg, nic_nsg, peering, flags, endpoint)| {
                let mut g = normalize(
                    vnets,
                    &subnet_vnets,
                    &nics,
                    nsgs,
                    &subnet_nsg,
                    &nic_nsg,
                    peering,
                    flags,
                );
                g.endpoint = endpoint.map(|(subnet, policies)| GenEndpoint {
                    subnet: subnet % g.subnets.len(),
                    policies: ENDPOINT_POLICIES[policies],
                });
                g
            },
        )
}

/// Turns raw draws into a consistent network: indices in range, priorities unique per NSG and
/// direction (a duplicate cannot deploy, spec §1.2, so it would not test evaluation).
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per raw draw of the strategy tuple"
)]
fn normalize(
    vnets: usize,
    subnet_vnets: &[usize],
    nics: &[(usize, bool)],
    mut nsgs: Vec<Vec<GenRule>>,
    subnet_nsg: &[Option<usize>],
    nic_nsg: &[Option<usize>],
    peering: u8,
    flags: (Option<bool>, Option<bool>),
) -> GenNet {
    for rules in &mut nsgs {
        let mut taken: Vec<(bool, u32)> = Vec::new();
        for rule in rules.iter_mut() {
            while taken.contains(&(rule.inbound, rule.priority)) {
                rule.priority += 1;
            }
            taken.push((rule.inbound, rule.priority));
        }
    }
    let attach =
        |choice: &Option<usize>| choice.and_then(|i| (!nsgs.is_empty()).then(|| i % nsgs.len()));
    let subnets: Vec<usize> = subnet_vnets.iter().map(|v| v % vnets).collect();
    let links = if vnets == 2 {
        let ab = Link {
            from: 0,
            to: 1,
            access: flags.0,
        };
        let ba = Link {
            from: 1,
            to: 0,
            access: flags.1,
        };
        match peering {
            1 => vec![ab, ba],
            2 => vec![ab],
            3 => vec![ba],
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    };
    GenNet {
        vnets,
        nics: nics
            .iter()
            .map(|&(subnet, public)| GenNic {
                subnet: subnet % subnets.len(),
                public,
            })
            .collect(),
        subnet_nsg: subnet_nsg[..subnets.len()].iter().map(attach).collect(),
        nic_nsg: nic_nsg[..nics.len()].iter().map(attach).collect(),
        subnets,
        nsgs,
        links,
        endpoint: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses of the generated network (read by both the IR builder and the twin).

impl GenNet {
    fn vnet_space(v: usize) -> [u8; 4] {
        [10, u8::try_from(v).unwrap(), 0, 0]
    }

    /// Subnet `i` is the k-th /26 of its VNet's /24.
    fn subnet_base(&self, i: usize) -> [u8; 4] {
        let v = self.subnets[i];
        let k = self.subnets[..i].iter().filter(|&&w| w == v).count();
        [
            10,
            u8::try_from(v).unwrap(),
            0,
            u8::try_from(64 * k).unwrap(),
        ]
    }

    fn subnet_prefix(&self, i: usize) -> String {
        let b = self.subnet_base(i);
        format!("{}.{}.{}.{}/26", b[0], b[1], b[2], b[3])
    }

    /// NIC `i` has the (j+4)-th address of its subnet, j counting earlier NICs there (x.0-x.3 are
    /// reserved by Azure).
    fn nic_ip(&self, i: usize) -> Ipv4Addr {
        let s = self.nics[i].subnet;
        let j = self.nics[..i].iter().filter(|n| n.subnet == s).count();
        let b = self.subnet_base(s);
        Ipv4Addr::new(b[0], b[1], b[2], b[3] + 4 + u8::try_from(j).unwrap())
    }

    /// The index (among public IPs) of NIC `i`'s public IP.
    fn pip_of(&self, i: usize) -> Option<usize> {
        self.nics[i]
            .public
            .then(|| self.nics[..i].iter().filter(|n| n.public).count())
    }

    fn pip_ip(k: usize) -> Ipv4Addr {
        Ipv4Addr::new(198, 51, 100, 1 + u8::try_from(k).unwrap())
    }

    /// An address of subnet `i` that no NIC holds.
    fn spare_ip(&self, i: usize) -> Ipv4Addr {
        let b = self.subnet_base(i);
        Ipv4Addr::new(b[0], b[1], b[2], b[3] + 20)
    }

    /// The private endpoint's static address: one no NIC holds and not the spare one.
    fn endpoint_ip(&self) -> Option<Ipv4Addr> {
        self.endpoint.map(|e| {
            let b = self.subnet_base(e.subnet);
            Ipv4Addr::new(b[0], b[1], b[2], b[3] + 30)
        })
    }

    /// The addresses the tests sample packets from and to.
    fn pool(&self) -> Vec<IpAddr> {
        let mut out: Vec<IpAddr> = (0..self.nics.len())
            .map(|i| IpAddr::V4(self.nic_ip(i)))
            .collect();
        out.extend((0..self.subnets.len()).map(|i| IpAddr::V4(self.spare_ip(i))));
        out.extend(self.endpoint_ip().map(IpAddr::V4));
        out.extend(EXTERNAL.iter().map(|t| t.parse::<IpAddr>().unwrap()));
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The IR, built directly as a frontend would.

fn build_ir(g: &GenNet) -> Network {
    let mut spans = Spans::default();
    let mut net = Network::default();
    let vnets: Vec<_> = (0..g.vnets)
        .map(|v| {
            let s = GenNet::vnet_space(v);
            let space = format!("{}.{}.{}.{}/24", s[0], s[1], s[2], s[3]);
            let address = format!("azurerm_virtual_network.v{v}");
            add_vnet(&mut net, &mut spans, &address, &space)
        })
        .collect();
    let nsgs: Vec<NsgId> = (0..g.nsgs.len())
        .map(|n| {
            add_nsg(
                &mut net,
                &mut spans,
                &format!("azurerm_network_security_group.g{n}"),
            )
        })
        .collect();
    for (n, rules) in g.nsgs.iter().enumerate() {
        for (r, rule) in rules.iter().enumerate() {
            let address = format!("azurerm_network_security_group.g{n}.security_rule[{r}]");
            let name = format!("r{r}");
            let mut ir = security_rule(&mut spans, nsgs[n], &address, &name, Dialect::Terraform);
            let mut text = |t: &str| Some(Attr::known(t.to_owned(), spans.next()));
            ir.priority = text(&rule.priority.to_string());
            ir.direction = text(if rule.inbound { "Inbound" } else { "Outbound" });
            ir.access = text(if rule.allow { "Allow" } else { "Deny" });
            ir.protocol = text(rule.protocol);
            ir.source_port_range = text("*");
            let mut field = |f: &Field| match f {
                Field::Single(t) => (Some(Attr::known(t.clone(), spans.next())), None),
                Field::Plural(items) => {
                    let items: Vec<&str> = items.iter().map(String::as_str).collect();
                    (None, Some(list(&mut spans, &items)))
                }
            };
            (ir.source_address_prefix, ir.source_address_prefixes) = field(&rule.src);
            (
                ir.destination_address_prefix,
                ir.destination_address_prefixes,
            ) = field(&rule.dst);
            (ir.destination_port_range, ir.destination_port_ranges) = field(&rule.dport);
            add_rule(&mut net, ir);
        }
    }
    let subnets: Vec<_> = (0..g.subnets.len())
        .map(|i| {
            let address = format!("azurerm_subnet.s{i}");
            let (vnet, nsg) = (vnets[g.subnets[i]], g.subnet_nsg[i].map(|n| nsgs[n]));
            add_subnet(
                &mut net,
                &mut spans,
                &address,
                vnet,
                &g.subnet_prefix(i),
                nsg,
            )
        })
        .collect();
    for i in 0..g.nics.len() {
        let span = spans.next();
        let public_ip = g.pip_of(i).map(|k| {
            net.add_public_ip(PublicIp {
                meta: Meta::new(format!("azurerm_public_ip.p{k}"), span),
                sku: Some(Attr::known("Standard".to_owned(), span)),
                allocation: Some(Attr::known("Static".to_owned(), span)),
                ip_address: Some(Attr::known(GenNet::pip_ip(k).to_string(), span)),
            })
        });
        let address = format!("azurerm_network_interface.n{i}");
        let place = (subnets[g.nics[i].subnet], IpAddr::V4(g.nic_ip(i)));
        let nsg = g.nic_nsg[i].map(|n| nsgs[n]);
        add_nic(&mut net, span, &address, place, nsg, public_ip);
    }
    for link in &g.links {
        let span = spans.next();
        net.peerings.push(Peering {
            meta: Meta::new(
                format!("azurerm_virtual_network_peering.v{}v{}", link.from, link.to),
                span,
            ),
            vnet: Some(Attr::known(vnets[link.from], span)),
            remote_vnet: Some(Attr::known(vnets[link.to], span)),
            allow_virtual_network_access: link.access.map(|a| Attr::known(a, span)),
            allow_forwarded_traffic: None,
            allow_gateway_transit: None,
            use_remote_gateways: None,
        });
    }
    if let (Some(endpoint), Some(ip)) = (g.endpoint, g.endpoint_ip()) {
        let span = spans.next();
        let subnet = subnets[endpoint.subnet];
        net[subnet].private_endpoint_network_policies = endpoint
            .policies
            .map(|text| Attr::known(text.to_owned(), span));
        net.add_private_endpoint(PrivateEndpoint {
            meta: Meta::new("azurerm_private_endpoint.p0", span),
            subnet: Some(Attr::known(subnet, span)),
            target: None,
            group_ids: None,
            private_ip: Some(Attr::known(ip.to_string(), span)),
        });
    }
    net
}

// ---------------------------------------------------------------------------------------------
// The twin: one packet at a time, reading the rule text (spec §2.1, §2.3, §2.5, §2.6, §2.8).

/// Where an address sits in the generated network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Nic(usize),
    /// The private endpoint's address.
    Endpoint,
    Subnet(usize),
    External,
}

/// One NSG evaluation of the twin: (NSG, NIC or subnet association, inbound, rule name,
/// priority, allow).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TwinHop {
    nsg: usize,
    nic: Option<usize>,
    subnet: Option<usize>,
    inbound: bool,
    rule: String,
    priority: u32,
    allow: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TwinOutcome {
    allow: bool,
    /// The hops up to the first deny; empty when there is no route or no NSG.
    hops: Vec<TwinHop>,
}

struct Twin<'g> {
    g: &'g GenNet,
}

impl Twin<'_> {
    fn place(&self, ip: IpAddr) -> Place {
        if self.g.endpoint_ip().map(IpAddr::V4) == Some(ip) {
            return Place::Endpoint;
        }
        if let Some(i) = (0..self.g.nics.len()).find(|&i| IpAddr::V4(self.g.nic_ip(i)) == ip) {
            return Place::Nic(i);
        }
        (0..self.g.subnets.len())
            .find(|&i| in_cidr(&self.g.subnet_prefix(i), ip))
            .map_or(Place::External, Place::Subnet)
    }

    fn subnet_of(&self, place: Place) -> Option<usize> {
        match place {
            Place::Nic(i) => Some(self.g.nics[i].subnet),
            Place::Subnet(s) => Some(s),
            Place::Endpoint => self.g.endpoint.map(|e| e.subnet),
            Place::External => None,
        }
    }

    fn in_space(v: usize, ip: IpAddr) -> bool {
        let s = GenNet::vnet_space(v);
        in_cidr(&format!("{}.{}.{}.{}/24", s[0], s[1], s[2], s[3]), ip)
    }

    fn connected(&self, a: usize, b: usize) -> bool {
        let declared = |f: usize, t: usize| self.g.links.iter().any(|l| l.from == f && l.to == t);
        declared(a, b) && declared(b, a)
    }

    /// `VirtualNetwork` for NSGs evaluated in VNet `v`: its space, the space of each connected
    /// peer whose link from `v` allows virtual network access (default true), the host IP.
    fn in_vnet_tag(&self, v: usize, ip: IpAddr) -> bool {
        Self::in_space(v, ip)
            || v4(ip) == HOST_IP
            || self.g.links.iter().any(|l| {
                l.from == v
                    && l.access != Some(false)
                    && self.connected(l.from, l.to)
                    && Self::in_space(l.to, ip)
            })
    }

    /// First match by priority in NSG `nsg` evaluated in VNet `v`: (rule name, priority, allow).
    fn decide(&self, nsg: usize, v: usize, inbound: bool, p: &Packet) -> (String, u32, bool) {
        let rules = &self.g.nsgs[nsg];
        let in_vnet = |ip| self.in_vnet_tag(v, ip);
        if let Some(i) = first_match(rules, inbound, |rule| rule_matches(rule, p, in_vnet)) {
            return (format!("r{i}"), rules[i].priority, rules[i].allow);
        }
        let both_vnet = in_vnet(p.src) && in_vnet(p.dst);
        let (name, priority, allow) = default_rule(inbound, both_vnet, p);
        (name.to_owned(), priority, allow)
    }

    /// The NSGs on the egress side of `place` (NIC then subnet, outbound) or the ingress side
    /// (subnet then NIC, inbound): (NSG, NIC, subnet, VNet).
    fn side(
        &self,
        place: Place,
        inbound: bool,
    ) -> Vec<(usize, Option<usize>, Option<usize>, usize)> {
        let Some(subnet) = self.subnet_of(place) else {
            return Vec::new();
        };
        // Traffic to a private endpoint skips its subnet's NSG unless the subnet's network
        // policies apply NSGs (routing spec §8, edge case 8); the spec exempts only traffic to
        // it, so what it sends leaves through the NSG like any address of its subnet.
        if place == Place::Endpoint && inbound && !self.g.endpoint.is_some_and(GenEndpoint::nsgs) {
            return Vec::new();
        }
        let v = self.g.subnets[subnet];
        let mut out = Vec::new();
        if let Place::Nic(i) = place
            && let Some(n) = self.g.nic_nsg[i]
        {
            out.push((n, Some(i), None, v));
        }
        if let Some(n) = self.g.subnet_nsg[subnet] {
            out.push((n, None, Some(subnet), v));
        }
        if inbound {
            out.reverse();
        }
        out
    }

    /// Walks `hops` in order with `p`, stopping at the first deny.
    fn walk(
        &self,
        hops: &[(usize, Option<usize>, Option<usize>, usize)],
        inbound: bool,
        p: &Packet,
        trace: &mut Vec<TwinHop>,
    ) -> bool {
        for &(nsg, nic, subnet, v) in hops {
            let (rule, priority, allow) = self.decide(nsg, v, inbound, p);
            trace.push(TwinHop {
                nsg,
                nic,
                subnet,
                inbound,
                rule,
                priority,
                allow,
            });
            if !allow {
                return false;
            }
        }
        true
    }

    /// A packet sent to a private address: egress at the source, routing, ingress at the
    /// destination.
    fn path(&self, p: &Packet) -> TwinOutcome {
        let (src, dst) = (self.place(p.src), self.place(p.dst));
        if let (Some(a), Some(b)) = (self.subnet_of(src), self.subnet_of(dst)) {
            let (va, vb) = (self.g.subnets[a], self.g.subnets[b]);
            // Peering is needed in both directions and is not transitive (§2.8, edge case 15).
            if va != vb && !self.connected(va, vb) {
                return TwinOutcome {
                    allow: false,
                    hops: Vec::new(),
                };
            }
        }
        let egress = self.side(src, false);
        let ingress = self.side(dst, true);
        if src == Place::External && self.subnet_of(dst).is_some() && v4(p.src) != HOST_IP {
            // From outside (the platform's host address aside), only an entry point brings a
            // packet in (routing spec §9). Here the only ones are the NICs' Standard public
            // IPs, closed to inbound traffic until an NSG allows it (edge case 13).
            // The Internet's entry points bring public sources only.
            let public = matches!(dst, Place::Nic(i) if self.g.nics[i].public) && is_public(p.src);
            if !public || ingress.is_empty() {
                return TwinOutcome {
                    allow: false,
                    hops: Vec::new(),
                };
            }
        }
        let mut hops = Vec::new();
        let allow =
            self.walk(&egress, false, p, &mut hops) && self.walk(&ingress, true, p, &mut hops);
        // A private endpoint accepts TCP only (routing spec §8).
        let allow = allow && (dst != Place::Endpoint || p.protocol == Protocol::Tcp);
        TwinOutcome { allow, hops }
    }

    /// A packet from `src` to the public IP of NIC `nic`, leaving the source's network with the
    /// public egress address `egress` (§2.2): the source's NSGs see the public IP as
    /// destination, the destination's NSGs see `egress` as source and the NIC's private IP.
    fn via_public_ip(
        &self,
        src: IpAddr,
        egress: IpAddr,
        nic: usize,
        protocol: Protocol,
        port: u16,
    ) -> TwinOutcome {
        let pip = IpAddr::V4(GenNet::pip_ip(self.g.pip_of(nic).unwrap()));
        let out = Packet::new(protocol, src, 49152, pip, port);
        let mut hops = Vec::new();
        if !self.walk(&self.side(self.place(src), false), false, &out, &mut hops) {
            return TwinOutcome { allow: false, hops };
        }
        let ingress = self.side(Place::Nic(nic), true);
        if ingress.is_empty() {
            // A Standard public IP with no NSG at all on the NIC's path: secure by default.
            return TwinOutcome { allow: false, hops };
        }
        let inbound = Packet::new(
            protocol,
            egress,
            49152,
            IpAddr::V4(self.g.nic_ip(nic)),
            port,
        );
        let allow = self.walk(&ingress, true, &inbound, &mut hops);
        TwinOutcome { allow, hops }
    }
}

/// Whether an address is public Internet space (not private, shared, loopback, link-local,
/// multicast, reserved or the platform's host address).
fn is_public(ip: IpAddr) -> bool {
    let IpAddr::V4(v4) = ip else {
        return true;
    };
    let o = v4.octets();
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

// ---------------------------------------------------------------------------------------------
// Comparing with the engine.

/// The engine's hop trace in the twin's terms.
fn engine_hops(net: &Network, trace: &[HopTrace]) -> Vec<TwinHop> {
    trace
        .iter()
        .map(|t| {
            let (nic, subnet) = match t.hop.association {
                Association::Nic(n) => (Some(n.index()), None),
                Association::Subnet(s) => (None, Some(s.index())),
            };
            let rule = match t.rule {
                RuleRef::Custom(id) => net[id]
                    .meta
                    .name
                    .as_ref()
                    .and_then(Attr::get)
                    .unwrap()
                    .clone(),
                RuleRef::Default(d) => d.name().to_owned(),
            };
            TwinHop {
                nsg: t.hop.nsg.index(),
                nic,
                subnet,
                inbound: t.hop.direction == Direction::Inbound,
                rule,
                priority: t.priority,
                allow: t.access == Access::Allow,
            }
        })
        .collect()
}

/// Every generated rule is valid, so the twin's view (all rules evaluated) is the engine's.
fn assert_all_rules_live(topology: &Topology<'_>, net: &Network) {
    for (id, _) in net.iter_nsgs() {
        for vnet in [
            None,
            Some(vnetlint_ir::VnetId(0)),
            Some(vnetlint_ir::VnetId(1)),
        ] {
            if vnet.is_some_and(|v| v.index() >= net.vnets.len()) {
                continue;
            }
            let compiled = topology.compiled(id, vnet);
            assert!(
                compiled.excluded.is_empty() && compiled.unplaced.is_empty(),
                "{:?}",
                compiled.problems
            );
        }
    }
}

fn single(protocol: Protocol, port: u16) -> Traffic {
    Traffic {
        protocols: ProtocolSet::single(protocol),
        dst_ports: PortSet::single(port),
    }
}

fn packet(protocol: Protocol, src: IpAddr, src_port: u16, dst: IpAddr, port: u16) -> Packet {
    let port = if matches!(protocol, Protocol::Tcp | Protocol::Udp) {
        port
    } else {
        0
    };
    Packet::new(protocol, src, src_port, dst, port)
}

const SAMPLE_PROTOCOLS: [Protocol; 3] = [Protocol::Tcp, Protocol::Udp, Protocol::Icmp];

/// A sampled single-packet query: indices into the pool (source, destination), protocol, port.
fn probes(n: usize) -> impl Strategy<Value = Vec<(usize, usize, usize, usize)>> {
    prop::collection::vec((0usize..32, 0usize..32, 0usize..3, 0usize..PORTS.len()), n)
}

/// Checks the partition of a result: `allowed` and `denied` disjoint, together with
/// `uncertain` (empty: every rule is known) exactly the query of its pairs.
fn check_partition(result: &PathResult) -> Result<(), TestCaseError> {
    let query = result
        .pairs
        .iter()
        .fold(PacketSet::empty(), |acc, p| acc.union(&p.query));
    prop_assert!(result.uncertain.is_empty(), "{:?}", result.uncertain);
    prop_assert!(result.allowed.intersect(&result.denied).is_empty());
    prop_assert!(
        result
            .allowed
            .union(&result.denied)
            .union(&result.uncertain)
            .same_packets(&query)
    );
    Ok(())
}

/// The twin's verdict for an engine witness, by where its addresses sit.
fn check_witness(net: &Network, twin: &Twin<'_>, result: &PathResult) -> Result<(), TestCaseError> {
    let Some(witness) = result.witness else {
        prop_assert!(result.allowed.is_empty() && result.denied.is_empty());
        return Ok(());
    };
    let claimed = result.allowed.contains(&witness);
    prop_assert!(
        claimed || result.denied.contains(&witness),
        "{witness} is in neither part"
    );
    let expected = twin.path(&witness);
    prop_assert_eq!(claimed, expected.allow, "witness {}", witness);
    prop_assert_eq!(
        engine_hops(net, &result.trace),
        expected.hops,
        "witness {}",
        witness
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Property 1 and 2 on single packets: the engine's verdict for one (source IP, destination
    /// IP, protocol, port) is the twin's, for every source port; the witness is the packet and
    /// its hop trace names the twin's deciding rule at each NSG.
    #[test]
    fn single_packet_verdicts_agree_with_the_twin(g in gen_net(), probes in probes(12)) {
        let net = build_ir(&g);
        let topology = Topology::build(&net);
        assert_all_rules_live(&topology, &net);
        let twin = Twin { g: &g };
        let pool = g.pool();
        for (s, d, proto, port) in probes {
            let (src, dst) = (pool[s % pool.len()], pool[d % pool.len()]);
            // Destinations are private addresses; a packet to itself never crosses an NSG.
            if src == dst || twin.place(dst) == Place::External {
                continue;
            }
            let (protocol, port) = (SAMPLE_PROTOCOLS[proto], PORTS[port]);
            let from = topology.resolve(&src.to_string()).unwrap();
            let to = topology.resolve(&dst.to_string()).unwrap();
            let result = topology.evaluate_path(&from, &to, &single(protocol, port));
            let expected = twin.path(&packet(protocol, src, 0, dst, port));
            let verdict = if expected.allow { PathVerdict::Allowed } else { PathVerdict::Denied };
            prop_assert_eq!(result.verdict, verdict, "{} -> {} {} {}: {:?}", src, dst, protocol, port, expected);
            for src_port in [0, 1024, 49152, 65535] {
                let p = packet(protocol, src, src_port, dst, port);
                prop_assert_eq!(result.allowed.contains(&p), expected.allow, "{}", p);
            }
            let witness = result.witness.expect("a one-packet query has a witness");
            prop_assert_eq!((witness.src, witness.dst, witness.protocol), (src, dst, protocol));
            check_witness(&net, &twin, &result)?;
            check_partition(&result)?;
        }
    }

    /// Property 3 (and 2) on wide queries: elements with several segments, CIDRs, the Internet,
    /// several protocols and ports. `allowed`/`denied` partition the query, the witness gets the
    /// claimed verdict with the twin's trace.
    #[test]
    fn wide_queries_partition_and_witnesses_hold(
        g in gen_net(),
        queries in prop::collection::vec((0usize..64, 0usize..64, 0usize..4, 0usize..4), 6),
    ) {
        let net = build_ir(&g);
        let topology = Topology::build(&net);
        let twin = Twin { g: &g };
        let (froms, tos) = (wide_sources(&g), wide_destinations(&g));
        for (f, t, proto, ports) in queries {
            let (from_name, to_name) = (&froms[f % froms.len()], &tos[t % tos.len()]);
            let traffic = wide_traffic(proto, ports);
            let from = topology.resolve(from_name).unwrap();
            let to = topology.resolve(to_name).unwrap();
            let result = topology.evaluate_path(&from, &to, &traffic);
            check_partition(&result)?;
            check_witness(&net, &twin, &result)?;
            if from_name != "Internet" {
                // The query is exactly sources x destinations x traffic, every source port.
                let query = PacketSet::from_cube(Cube::new(
                    traffic.protocols,
                    endpoint_set(&g, from_name),
                    PortSet::all(),
                    endpoint_set(&g, to_name),
                    traffic.dst_ports.clone(),
                ));
                let got = result.allowed.union(&result.denied).union(&result.uncertain);
                prop_assert!(got.same_packets(&query), "{} -> {}", from_name, to_name);
            }
            let verdict = match (result.allowed.is_empty(), result.denied.is_empty()) {
                (false, true) => PathVerdict::Allowed,
                (true, _) => PathVerdict::Denied,
                (false, false) => PathVerdict::Partial,
            };
            prop_assert_eq!(result.verdict, verdict);
        }
    }

    /// Sampled packets of wide queries get the twin's verdict: a CIDR, a subnet or a VNet as
    /// source means each of its addresses with its own NSGs (a NIC's address is the NIC's).
    #[test]
    fn wide_query_packets_agree_with_the_twin(
        g in gen_net(),
        queries in prop::collection::vec((0usize..64, 0usize..64, 0usize..4, 0usize..4), 4),
    ) {
        let net = build_ir(&g);
        let topology = Topology::build(&net);
        let twin = Twin { g: &g };
        let (froms, tos) = (wide_sources(&g), wide_destinations(&g));
        let pool = g.pool();
        for (f, t, proto, ports) in queries {
            let (from_name, to_name) = (&froms[f % froms.len()], &tos[t % tos.len()]);
            let traffic = wide_traffic(proto, ports);
            let from = topology.resolve(from_name).unwrap();
            let to = topology.resolve(to_name).unwrap();
            let result = topology.evaluate_path(&from, &to, &traffic);
            // `Internet` stands for every public address outside the VNet tags.
            let src_set = (from_name != "Internet").then(|| endpoint_set(&g, from_name));
            let dst_set = endpoint_set(&g, to_name);
            for &src in &pool {
                let in_src = src_set.as_ref().map_or_else(|| internet(src), |s| s.contains(src));
                for &dst in pool.iter().filter(|&&d| in_src && d != src && dst_set.contains(d)) {
                    for protocol in traffic.protocols.iter().filter(|p| SAMPLE_PROTOCOLS.contains(p)) {
                        for &port in PORTS.iter().filter(|&&p| traffic.dst_ports.contains(p)).take(3) {
                            let p = packet(protocol, src, 49152, dst, port);
                            let expected = twin.path(&p);
                            prop_assert_eq!(
                                result.allowed.contains(&p), expected.allow,
                                "{} -> {} ({}): {:?}", from_name, to_name, p, expected
                            );
                        }
                    }
                }
            }
        }
    }

    /// Traffic to a public IP arrives from an Internet address (§2.2), after leaving the source
    /// through its own NSGs with the public IP as destination (§2.10 step 4). Every NIC has a
    /// public IP here and the sources are inside the network, so that both legs matter.
    #[test]
    fn public_ip_destinations_agree_with_the_twin(mut g in gen_net(), probes in probes(24)) {
        for nic in &mut g.nics {
            nic.public = true;
        }
        let net = build_ir(&g);
        let topology = Topology::build(&net);
        let twin = Twin { g: &g };
        let inside: Vec<IpAddr> = g.pool().into_iter().filter(|&ip| twin.place(ip) != Place::External).collect();
        for (s, d, proto, port) in probes {
            let src = inside[s % inside.len()];
            let nic = d % g.nics.len();
            // Sending to one's own public IP (hairpin) is not a path this model covers.
            if twin.place(src) == Place::Nic(nic) {
                continue;
            }
            let (protocol, port) = (SAMPLE_PROTOCOLS[proto], PORTS[port]);
            let to_name = format!("azurerm_public_ip.p{}", g.pip_of(nic).unwrap());
            let from = topology.resolve(&src.to_string()).unwrap();
            let to = topology.resolve(&to_name).unwrap();
            let result = topology.evaluate_path(&from, &to, &single(protocol, port));
            check_partition(&result)?;
            // The source leaves through a public egress address vnetlint does not know (its
            // own public IP, a NAT gateway, default outbound access): when its own NSGs stop
            // the packet, no egress address gets through; otherwise try two.
            let dst = IpAddr::V4(g.nic_ip(nic));
            for egress in ["203.0.113.5", "8.8.8.8"].map(|e| e.parse::<IpAddr>().unwrap()) {
                let expected = twin.via_public_ip(src, egress, nic, protocol, port);
                let leaves = expected.hops.iter().all(|h| h.allow || h.inbound);
                if !leaves {
                    prop_assert!(
                        result.allowed.is_empty(),
                        "{} -> {} ({}): the source's NSGs deny, yet {:?} is allowed: {:?}",
                        src, to_name, dst, result.witness, expected
                    );
                }
                let seen = packet(protocol, egress, 49152, dst, port);
                prop_assert_eq!(
                    result.allowed.contains(&seen), expected.allow,
                    "{} -> {} ({}) arriving as {}: {:?}", src, to_name, dst, seen, expected
                );
            }
        }
    }
}

/// Sources of wide queries: NIC addresses, elements, CIDRs (one spanning several subnets), the
/// Internet and outside addresses.
fn wide_sources(g: &GenNet) -> Vec<String> {
    let mut out = wide_destinations(g);
    out.extend(
        ["Internet", "203.0.113.0/29", "8.8.8.8", "10.0.0.0/24"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    out
}

fn wide_destinations(g: &GenNet) -> Vec<String> {
    let mut out: Vec<String> = (0..g.nics.len())
        .map(|i| format!("azurerm_network_interface.n{i}"))
        .collect();
    out.extend((0..g.subnets.len()).map(|i| format!("azurerm_subnet.s{i}")));
    // A VNet without subnets has no addresses to name.
    out.extend(
        (0..g.vnets)
            .filter(|v| g.subnets.contains(v))
            .map(|v| format!("azurerm_virtual_network.v{v}")),
    );
    out.extend((0..g.nics.len()).map(|i| g.nic_ip(i).to_string()));
    out.push("10.0.0.0/28".to_owned());
    if g.endpoint.is_some() {
        out.push("azurerm_private_endpoint.p0".to_owned());
    }
    out
}

/// The addresses an endpoint name stands for, as the generated network defines them.
fn endpoint_set(g: &GenNet, name: &str) -> AddrSet {
    let cidr = |text: &str| AddrSet::parse(text).unwrap();
    if name == "azurerm_private_endpoint.p0" {
        return AddrSet::from_ip(IpAddr::V4(g.endpoint_ip().unwrap()));
    }
    if let Some(i) = name.strip_prefix("azurerm_network_interface.n") {
        return AddrSet::from_ip(IpAddr::V4(g.nic_ip(i.parse().unwrap())));
    }
    if let Some(i) = name.strip_prefix("azurerm_subnet.s") {
        return cidr(&g.subnet_prefix(i.parse().unwrap()));
    }
    if let Some(v) = name.strip_prefix("azurerm_virtual_network.v") {
        let v: usize = v.parse().unwrap();
        return (0..g.subnets.len())
            .filter(|&i| g.subnets[i] == v)
            .fold(AddrSet::empty(), |acc, i| {
                acc.union(&cidr(&g.subnet_prefix(i)))
            });
    }
    cidr(name)
}

fn wide_traffic(proto: usize, ports: usize) -> Traffic {
    let protocols = match proto {
        0 => ProtocolSet::all(),
        1 => ProtocolSet::single(Protocol::Tcp),
        2 => ProtocolSet::single(Protocol::Udp),
        _ => ProtocolSet::single(Protocol::Icmp),
    };
    let dst_ports = match ports {
        0 => PortSet::all(),
        1 => PortSet::single(22),
        2 => PortSet::range(3, 8),
        _ => PortSet::single(5).union(&PortSet::single(443)),
    };
    Traffic {
        protocols,
        dst_ports,
    }
}

// ---------------------------------------------------------------------------------------------
// The smallest cases the properties found, kept as plain tests so they fail the same way every
// run (the property tests draw new networks each run).

fn rule(
    priority: u32,
    inbound: bool,
    allow: bool,
    protocol: &'static str,
    src: &str,
    dst: &str,
    dport: &str,
) -> GenRule {
    let sides = [src, "*", dst, dport].map(|text| Field::Single(text.to_owned()));
    GenRule::new((priority, inbound, allow), protocol, sides)
}

/// One VNet, subnets s0 = 10.0.0.0/26 and s1 = 10.0.0.64/26, NICs n0 = 10.0.0.4 and
/// n1 = 10.0.0.5 in s0 and n2 = 10.0.0.68 in s1.
fn small(
    nsgs: Vec<Vec<GenRule>>,
    subnet_nsg: Vec<Option<usize>>,
    nic_nsg: Vec<Option<usize>>,
) -> GenNet {
    GenNet {
        vnets: 1,
        subnets: vec![0, 0],
        nics: vec![
            GenNic {
                subnet: 0,
                public: true,
            },
            GenNic {
                subnet: 0,
                public: false,
            },
            GenNic {
                subnet: 1,
                public: false,
            },
        ],
        nsgs,
        subnet_nsg,
        nic_nsg,
        links: Vec::new(),
        endpoint: None,
    }
}

fn reach(g: &GenNet, from: &str, to: &str, p: &Packet) -> (bool, TwinOutcome) {
    let net = build_ir(g);
    let topology = Topology::build(&net);
    let result = topology.evaluate_path(
        &topology.resolve(from).unwrap(),
        &topology.resolve(to).unwrap(),
        &single(p.protocol, p.dst_port),
    );
    (result.allowed.contains(p), Twin { g }.path(p))
}

/// The twin denies `p`, and so does the engine whether the endpoints are named by their
/// addresses or (`by_cidr`) the `side` is named by a CIDR holding the address.
fn denied_when_named_by_cidr(
    g: &GenNet,
    p: &Packet,
    (by_name, by_cidr): ((&str, &str), (&str, &str)),
    side: &str,
) {
    let (named, _) = reach(g, by_name.0, by_name.1, p);
    let (cidr, twin) = reach(g, by_cidr.0, by_cidr.1, p);
    assert!(!twin.allow && !named, "{twin:?}");
    assert_eq!(
        cidr, named,
        "{p} is allowed when its {side} is named by a CIDR"
    );
}

#[test]
fn a_cidr_destination_applies_the_nsg_of_each_nic_inside_it() {
    // n0's NIC NSG denies all inbound; 10.0.0.0/28 holds n0.
    let g = small(
        vec![vec![rule(100, true, false, "*", "*", "*", "*")]],
        vec![None, None],
        vec![Some(0), None, None],
    );
    let p = packet(Protocol::Tcp, ip("10.0.0.5"), 49152, ip("10.0.0.4"), 22);
    let endpoints = (("10.0.0.5", "10.0.0.4"), ("10.0.0.5", "10.0.0.0/28"));
    denied_when_named_by_cidr(&g, &p, endpoints, "destination");
}

#[test]
fn a_cidr_source_across_subnets_leaves_through_their_nsgs() {
    // s0's NSG denies all outbound; s1 has an NSG with the defaults only; 10.0.0.0/24 spans both.
    let g = small(
        vec![
            vec![rule(100, false, false, "*", "*", "*", "*")],
            Vec::new(),
        ],
        vec![Some(0), Some(1)],
        vec![None, None, None],
    );
    let p = packet(Protocol::Tcp, ip("10.0.0.20"), 49152, ip("10.0.0.68"), 22);
    let endpoints = (("10.0.0.20", "10.0.0.68"), ("10.0.0.0/24", "10.0.0.68"));
    denied_when_named_by_cidr(&g, &p, endpoints, "source");
}

#[test]
fn a_path_to_a_public_ip_leaves_through_the_source_nsgs() {
    // n1's NIC NSG denies all outbound TCP; s0's NSG admits TCP 22 from the Internet to n0,
    // which has the public IP p0.
    let g = small(
        vec![
            vec![rule(100, false, false, "Tcp", "*", "*", "*")],
            vec![rule(100, true, true, "Tcp", "Internet", "*", "22")],
        ],
        vec![Some(1), None],
        vec![None, Some(0), None],
    );
    let net = build_ir(&g);
    let topology = Topology::build(&net);
    let result = topology.evaluate_path(
        &topology.resolve("azurerm_network_interface.n1").unwrap(),
        &topology.resolve("azurerm_public_ip.p0").unwrap(),
        &single(Protocol::Tcp, 22),
    );
    let twin =
        Twin { g: &g }.via_public_ip(ip("10.0.0.5"), ip("203.0.113.5"), 0, Protocol::Tcp, 22);
    assert!(!twin.allow, "{twin:?}");
    assert_eq!(
        result.verdict,
        PathVerdict::Denied,
        "n1's own NSG stops the packet before it leaves; witness {:?}",
        result.witness
    );
}
