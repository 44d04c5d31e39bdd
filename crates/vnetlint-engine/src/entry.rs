//! The ways in from the Internet (routing spec §5, §9): an instance public IP, a public load
//! balancer's load-balancing rules and inbound NAT rules, an Application Gateway listener, an
//! Azure Firewall DNAT rule. Outside traffic reaches an address inside a virtual network only
//! through one of them (or through a gateway from on-premises, or from the platform's host
//! address): `reach` from the Internet to an element no entry point leads to is denied.
//!
//! Where the packets come from after the entry matters: a load balancer keeps the client's
//! address, so the destination's NSGs see the Internet; an Application Gateway (a reverse
//! proxy) and a DNAT rule make them come from the gateway's or firewall's subnet, which NSGs
//! count as `VirtualNetwork`.

use std::net::IpAddr;

use vnetlint_ir::{
    Attr, ElementId, LbRule, LbRuleId, LoadBalancer, NicId, PublicIpId, Span, SubnetId,
};

use crate::addr::AddrSet;
use crate::firewall::CompiledFirewall;
use crate::legs::{Step, StepKind};
use crate::packet::{Cube, Packet, PacketSet, PortSet, Protocol, ProtocolSet};
use crate::path::{PairResult, Segment, Traffic};
use crate::tags::{host_ip_set, internet_set};
use crate::topology::Topology;

/// How packets travel after an entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryVia {
    /// The destination sees the client's address (instance public IP, load balancer).
    Direct,
    /// A reverse proxy in `subnet` (Application Gateway): the client reaches the proxy on
    /// `listener_port`, the proxy opens its own connection to the destination.
    Proxy {
        subnet: SubnetId,
        listener_port: u16,
    },
}

/// One way in from the Internet to a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    /// `inbound NAT rule `ssh` of load balancer `lb-web` (frontend port 50022 → 22)`.
    pub description: String,
    /// The public IP the Internet sends to, when the templates name one.
    pub public_ip: Option<PublicIpId>,
    /// The element that makes the entry (the rule, listener's gateway or public IP).
    pub element: ElementId,
    pub span: Span,
    /// What the entry forwards, at the destination (after any port translation).
    pub protocols: ProtocolSet,
    pub ports: PortSet,
    /// A Basic SKU load balancer or public IP is open where no NSG is on the path; a Standard
    /// one admits nothing until an NSG allows it (spec §9, edge case 13).
    pub open_without_nsg: bool,
    pub via: EntryVia,
}

/// What arrived through one entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub entry: EntryPoint,
    /// The query's packets that certainly / possibly arrive through it.
    pub must: PacketSet,
    pub may: PacketSet,
    /// DNAT: the translated destination and the source subnet the packets arrive from.
    pub dnat: Option<DnatArrival>,
}

/// The translation of a DNAT arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnatArrival {
    pub firewall_subnet: SubnetId,
    pub rule: String,
}

/// The part of a pair's query that needed an entry point, and what each entry let through.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Arrivals {
    /// Packets from outside that only an entry point can bring in.
    pub gated: PacketSet,
    pub list: Vec<Arrival>,
}

fn port(attr: Option<&Attr<String>>) -> Option<u16> {
    attr.and_then(Attr::get)?.trim().parse().ok()
}

/// `Tcp`, `Udp`, `All` (a load balancer rule) as a protocol set; `All` forwards TCP and UDP.
fn lb_protocols(attr: Option<&Attr<String>>) -> ProtocolSet {
    match attr.and_then(Attr::get).map(|p| p.to_ascii_lowercase()) {
        Some(p) if p == "udp" => ProtocolSet::of(&[Protocol::Udp]),
        Some(p) if p == "tcp" => ProtocolSet::of(&[Protocol::Tcp]),
        _ => ProtocolSet::of(&[Protocol::Tcp, Protocol::Udp]),
    }
}

/// Whether a SKU is written as `Basic` (open without an NSG). An absent SKU is taken as
/// Standard: azurerm 4 defaults to it and Basic public IPs and load balancers were retired in
/// September 2025, so a new deployment cannot be Basic.
fn basic(sku: Option<&Attr<String>>) -> bool {
    sku.and_then(Attr::get)
        .is_some_and(|s| s.eq_ignore_ascii_case("basic"))
}

/// The public IP of the frontend a rule names (by name, or the only frontend).
fn frontend_ip(lb: &LoadBalancer, name: Option<&Attr<String>>) -> Option<PublicIpId> {
    let frontend = match name.and_then(Attr::get) {
        Some(wanted) => lb
            .frontends
            .iter()
            .find(|f| f.name.as_ref().and_then(Attr::get) == Some(wanted))?,
        None if lb.frontends.len() == 1 => &lb.frontends[0],
        None => return None,
    };
    frontend.public_ip.as_ref().and_then(Attr::get).copied()
}

fn named(name: Option<&Attr<String>>) -> Option<&String> {
    name.and_then(Attr::get)
}

fn tcp() -> ProtocolSet {
    ProtocolSet::of(&[Protocol::Tcp])
}

impl Topology<'_> {
    /// The ways in that lead to `nic`: its instance public IPs, then the public load balancer
    /// rules and inbound NAT rules whose backend it is.
    pub fn nic_entries(&self, nic: NicId) -> Vec<EntryPoint> {
        let net = self.net;
        let mut out = Vec::new();
        let configs = &net[nic].ip_configurations;
        for config in configs {
            if let Some(&pip) = config.public_ip.as_ref().and_then(Attr::get) {
                out.push(EntryPoint {
                    description: format!("public IP `{}`", net[pip].meta.address),
                    public_ip: Some(pip),
                    element: ElementId::PublicIp(pip),
                    span: net[pip].meta.span,
                    protocols: ProtocolSet::all(),
                    ports: PortSet::all(),
                    open_without_nsg: basic(net[pip].sku.as_ref()),
                    via: EntryVia::Direct,
                });
            }
        }
        let pools: Vec<_> = configs
            .iter()
            .flat_map(|c| c.lb_backend_pools.iter().filter_map(Attr::get).copied())
            .collect();
        let nat_rules: Vec<_> = configs
            .iter()
            .flat_map(|c| c.lb_nat_rules.iter().filter_map(Attr::get).copied())
            .collect();
        for (id, rule) in net.iter_lb_rules() {
            let member = rule
                .backend_pools
                .iter()
                .filter_map(Attr::get)
                .any(|p| pools.contains(p));
            if member {
                out.extend(self.lb_rule_entry(id, rule));
            }
        }
        for (id, rule) in net.iter_lb_nat_rules() {
            let by_pool = rule
                .backend_pool
                .as_ref()
                .and_then(Attr::get)
                .is_some_and(|p| pools.contains(p));
            if !nat_rules.contains(&id) && !by_pool {
                continue;
            }
            let Some(&lb) = rule.load_balancer.as_ref().and_then(Attr::get) else {
                continue;
            };
            let lb = &net[lb];
            let (Some(pip), Some(backend)) = (
                frontend_ip(lb, rule.frontend.as_ref()),
                port(rule.backend_port.as_ref()),
            ) else {
                continue;
            };
            let frontend = port(rule.frontend_port.as_ref()).map_or_else(
                || {
                    format!(
                        "{}-{}",
                        port(rule.frontend_port_start.as_ref()).unwrap_or(0),
                        port(rule.frontend_port_end.as_ref()).unwrap_or(0)
                    )
                },
                |p| p.to_string(),
            );
            out.push(EntryPoint {
                description: format!(
                    "inbound NAT rule `{}` of load balancer `{}` (frontend port {frontend} → {backend})",
                    rule.meta.display_name(),
                    lb.meta.display_name()
                ),
                public_ip: Some(pip),
                element: ElementId::LbNatRule(id),
                span: rule.meta.span,
                protocols: lb_protocols(rule.protocol.as_ref()),
                ports: PortSet::single(backend),
                open_without_nsg: basic(lb.sku.as_ref()),
                via: EntryVia::Direct,
            });
        }
        out
    }

    /// A public load-balancing rule as a way in to its backends' port.
    fn lb_rule_entry(&self, id: LbRuleId, rule: &LbRule) -> Option<EntryPoint> {
        let lb = &self.net[*rule.load_balancer.as_ref()?.get()?];
        let pip = frontend_ip(lb, rule.frontend.as_ref())?;
        let backend = port(rule.backend_port.as_ref())?;
        let frontend = port(rule.frontend_port.as_ref()).unwrap_or(backend);
        Some(EntryPoint {
            description: format!(
                "load-balancing rule `{}` of load balancer `{}` (frontend port {frontend} → {backend})",
                rule.meta.display_name(),
                lb.meta.display_name()
            ),
            public_ip: Some(pip),
            element: ElementId::LbRule(id),
            span: rule.meta.span,
            protocols: lb_protocols(rule.protocol.as_ref()),
            ports: PortSet::single(backend),
            open_without_nsg: basic(lb.sku.as_ref()),
            via: EntryVia::Direct,
        })
    }

    /// The ways in that lead to addresses in `addresses`: public load balancer rules whose
    /// IP-based pools hold them, and public Application Gateway listeners whose backend pools
    /// do.
    pub fn address_entries(&self, addresses: &AddrSet) -> Vec<EntryPoint> {
        let net = self.net;
        let mut out = Vec::new();
        let holds = |list: Option<&vnetlint_ir::AttrList<String>>| {
            list.and_then(Attr::get).is_some_and(|items| {
                items.iter().filter_map(Attr::get).any(|text| {
                    text.trim()
                        .parse::<IpAddr>()
                        .is_ok_and(|ip| addresses.contains(ip))
                })
            })
        };
        for (id, rule) in net.iter_lb_rules() {
            let in_pool = rule
                .backend_pools
                .iter()
                .filter_map(Attr::get)
                .any(|&p| holds(net[p].addresses.as_ref()));
            if in_pool {
                out.extend(self.lb_rule_entry(id, rule));
            }
        }
        for (id, gateway) in net.iter_application_gateways() {
            let Some(&subnet) = gateway.subnet.as_ref().and_then(Attr::get) else {
                continue;
            };
            for routing in &gateway.routing_rules {
                let Some(listener) = gateway.listeners.iter().find(|l| {
                    named(l.name.as_ref()).is_some()
                        && named(l.name.as_ref()) == named(routing.listener.as_ref())
                }) else {
                    continue;
                };
                // A listener on the private frontend only is no way in from the Internet.
                if listener.public.as_ref().and_then(Attr::get) == Some(&false) {
                    continue;
                }
                let pool = gateway.backend_pools.iter().find(|p| {
                    named(p.name.as_ref()).is_some()
                        && named(p.name.as_ref()) == named(routing.backend_pool.as_ref())
                });
                let settings = gateway.backend_settings.iter().find(|s| {
                    named(s.name.as_ref()).is_some()
                        && named(s.name.as_ref()) == named(routing.backend_settings.as_ref())
                });
                let (Some(pool), Some(settings), Some(listener_port)) =
                    (pool, settings, port(listener.port.as_ref()))
                else {
                    continue;
                };
                let Some(backend) = port(settings.port.as_ref()) else {
                    continue;
                };
                if !holds(pool.ip_addresses.as_ref()) {
                    continue;
                }
                out.push(EntryPoint {
                    description: format!(
                        "listener `{}` of Application Gateway `{}` (port {listener_port} → backend port {backend}, from the gateway's subnet)",
                        named(listener.name.as_ref()).map_or("", String::as_str),
                        gateway.meta.display_name()
                    ),
                    public_ip: gateway.public_ips.iter().find_map(Attr::get).copied(),
                    element: ElementId::ApplicationGateway(id),
                    span: listener.span,
                    protocols: tcp(),
                    ports: PortSet::single(backend),
                    open_without_nsg: true,
                    via: EntryVia::Proxy {
                        subnet,
                        listener_port,
                    },
                });
            }
        }
        out
    }

    /// Internet traffic through the public IP `pip` to `dst` is dropped: a Standard public IP
    /// with no NSG (and no admin rule) on the path admits nothing (spec §9, edge case 13).
    pub(crate) fn secured_by_default(&self, pip: PublicIpId, dst: &Segment) -> bool {
        dst.vnet.is_some()
            && !basic(self.net[pip].sku.as_ref())
            && self.arrival_hops(dst).is_empty()
            && !self.admin.in_force(dst.vnet)
    }

    /// Every entry point that leads to `dst`.
    pub fn entries_to(&self, dst: &Segment) -> Vec<EntryPoint> {
        let mut out = dst.nic.map(|nic| self.nic_entries(nic)).unwrap_or_default();
        out.extend(self.address_entries(&dst.addresses));
        out.sort_by(|a, b| a.description.cmp(&b.description));
        out.dedup();
        out
    }

    /// Outside sources that reach a VNet without an entry point: on-premises ranges through
    /// its gateways, and the platform's host address (probes, DNS).
    fn arrive_directly(&self, dst: &Segment) -> AddrSet {
        let host = host_ip_set();
        dst.vnet
            .map_or(host.clone(), |v| self.gateway_ranges(v).union(&host))
    }

    /// A pair from outside every VNet to `dst` inside one: on-premises and host sources as any
    /// pair, the rest only through the entry points that lead to `dst` (spec §9).
    pub(crate) fn evaluate_arrival(
        &self,
        si: usize,
        src: &Segment,
        di: usize,
        dst: &Segment,
        traffic: &Traffic,
        notes: &mut Vec<String>,
    ) -> PairResult {
        let direct_space = self.arrive_directly(dst);
        let direct = Segment {
            addresses: src.addresses.intersect(&direct_space),
            ..src.clone()
        };
        let gated_src = Segment {
            addresses: src.addresses.subtract(&direct_space),
            ..src.clone()
        };
        let mut pair = self.evaluate_pair(si, &direct, di, dst, traffic, notes);
        if gated_src.addresses.is_empty() {
            return pair;
        }
        let mut gated = query(&gated_src.addresses, &dst.addresses, traffic);
        if self.routing_active() {
            // As the routed walk asks it: one address family per packet.
            gated = gated.intersect(&crate::path::same_family());
        }
        pair.query = pair.query.union(&gated);
        // The Internet's entry points bring public sources only: a private address outside
        // every VNet and every on-premises range has no way in at all.
        let gated_src = Segment {
            addresses: gated_src.addresses.intersect(&internet_set()),
            ..gated_src
        };
        let mut list = Vec::new();
        let entries = self.entries_to(dst);
        for entry in entries {
            let narrowed = Traffic {
                protocols: traffic.protocols.intersect(entry.protocols),
                dst_ports: traffic.dst_ports.intersect(&entry.ports),
            };
            if narrowed.protocols.is_empty() || narrowed.dst_ports.is_empty() {
                list.push(Arrival {
                    entry,
                    must: PacketSet::empty(),
                    may: PacketSet::empty(),
                    dnat: None,
                });
                continue;
            }
            let (must, may) = match &entry.via {
                EntryVia::Direct => {
                    let inner = self.evaluate_pair(si, &gated_src, di, dst, &narrowed, notes);
                    let guarded =
                        !self.arrival_hops(dst).is_empty() || self.admin.in_force(dst.vnet);
                    if guarded || entry.open_without_nsg {
                        (inner.allowed, inner.may_allow)
                    } else {
                        notes.push(format!(
                            "no NSG guards `{}`: {} is Standard, closed to inbound traffic until an NSG allows it (secure by default)",
                            dst.label, entry.description
                        ));
                        (PacketSet::empty(), PacketSet::empty())
                    }
                }
                EntryVia::Proxy {
                    subnet,
                    listener_port,
                } => self.through_proxy(&gated_src, *subnet, *listener_port, dst, &narrowed, notes),
            };
            list.push(Arrival {
                entry,
                must,
                may,
                dnat: None,
            });
        }
        list.extend(self.dnat_arrivals(&gated_src, dst, traffic, notes));
        if list.is_empty() {
            notes.push(format!(
                "no entry point leads from `{}` to `{}`: outside traffic arrives only through a public IP, a public load balancer rule or NAT rule, an Application Gateway listener or a firewall DNAT rule, or from on-premises through a gateway (routing spec §9)",
                src.label, dst.label
            ));
        }
        for arrival in &list {
            pair.allowed = pair.allowed.union(&arrival.must);
            pair.may_allow = pair.may_allow.union(&arrival.may);
        }
        pair.arrivals = Some(Arrivals { gated, list });
        pair
    }

    /// Through a reverse proxy: what reaches its listener from `src`, provided the proxy's own
    /// connection reaches `dst` on the backend port.
    fn through_proxy(
        &self,
        src: &Segment,
        subnet: SubnetId,
        listener_port: u16,
        dst: &Segment,
        traffic: &Traffic,
        notes: &mut Vec<String>,
    ) -> (PacketSet, PacketSet) {
        let Some(proxy) = self.subnet_segment(subnet) else {
            notes.push("the Application Gateway's subnet prefixes are not known".to_owned());
            return (PacketSet::empty(), PacketSet::empty());
        };
        let listener = Traffic {
            protocols: tcp(),
            dst_ports: PortSet::single(listener_port),
        };
        let first = self.evaluate_pair(0, src, 0, &proxy, &listener, notes);
        let second = self.evaluate_pair(0, &proxy, 0, dst, traffic, notes);
        let sources = |set: &PacketSet| {
            set.cubes()
                .iter()
                .fold(AddrSet::empty(), |a, c| a.union(&c.src))
        };
        let arrive = |first: &PacketSet, second: &PacketSet| {
            if second.is_empty() {
                return PacketSet::empty();
            }
            let services = crate::path::project_service(second);
            query(&sources(first), &dst.addresses, traffic).intersect(&services)
        };
        (
            arrive(&first.allowed, &second.allowed),
            arrive(&first.may_allow, &second.may_allow),
        )
    }

    /// The whole of a subnet as one segment (the source of a proxy or a firewall).
    pub(crate) fn subnet_segment(&self, subnet: SubnetId) -> Option<Segment> {
        Some(Segment {
            label: self.net[subnet].meta.address.clone(),
            addresses: self.subnet_prefixes(subnet)?.clone(),
            vnet: self.subnet_vnet(subnet),
            subnet: Some(subnet),
            nic: None,
            private_endpoint: None,
        })
    }

    /// Firewall DNAT rules that translate to an address of `dst` on a port of the query.
    fn dnat_arrivals(
        &self,
        src: &Segment,
        dst: &Segment,
        traffic: &Traffic,
        notes: &mut Vec<String>,
    ) -> Vec<Arrival> {
        let mut out = Vec::new();
        for (fw, firewall) in self.net.iter_firewalls() {
            let compiled = match self.compiled_firewall(fw) {
                Some(compiled) => compiled.clone(),
                None => CompiledFirewall::compile(self.net, fw),
            };
            let Some(subnet) = self.appliance_subnet(&crate::routes::Appliance::Firewall(fw))
            else {
                continue;
            };
            let toward = PacketSet::from_cube(Cube {
                src: src.addresses.clone(),
                dst: AddrSet::all(),
                protocols: traffic.protocols,
                src_ports: PortSet::all(),
                dst_ports: PortSet::all(),
            });
            for entry in self.dnat_entries(&compiled, &toward) {
                let Some((ip, translated)) = entry.rule.translated else {
                    continue;
                };
                if !dst.addresses.contains(ip) || !traffic.dst_ports.contains(translated) {
                    continue;
                }
                if entry.reach.is_none() {
                    notes.push(format!(
                        "where `{}` sends the packets is not known statically",
                        entry.rule.address
                    ));
                }
                let at_destination = |set: &PacketSet| {
                    set.cubes().iter().fold(PacketSet::empty(), |acc, c| {
                        acc.union(&PacketSet::from_cube(Cube {
                            src: c.src.clone(),
                            dst: AddrSet::from_ip(ip),
                            protocols: c.protocols,
                            src_ports: PortSet::all(),
                            dst_ports: PortSet::single(translated),
                        }))
                    })
                };
                let protocols = entry
                    .matched
                    .cubes()
                    .iter()
                    .fold(ProtocolSet::empty(), |p, c| p.union(c.protocols));
                let frontend = entry
                    .matched
                    .cubes()
                    .iter()
                    .fold(PortSet::empty(), |p, c| p.union(&c.dst_ports));
                out.push(Arrival {
                    entry: EntryPoint {
                        description: format!(
                            "DNAT rule `{}` of firewall `{}` (port {frontend} → {ip}:{translated}, from the firewall's subnet)",
                            entry.rule.address,
                            firewall.meta.display_name()
                        ),
                        public_ip: None,
                        element: ElementId::Firewall(fw),
                        span: entry.rule.span,
                        protocols,
                        ports: PortSet::single(translated),
                        open_without_nsg: true,
                        via: EntryVia::Direct,
                    },
                    must: at_destination(&entry.allowed),
                    may: at_destination(&entry.may_allow),
                    dnat: Some(DnatArrival {
                        firewall_subnet: subnet,
                        rule: entry.rule.address.clone(),
                    }),
                });
            }
        }
        out
    }

    /// The witness's journey through the arrival that brings it (or, when none does, through
    /// the first entry point that could): the entry step, then the packet's path from where the
    /// entry makes it come from. `None` when the witness needed no entry point.
    pub(crate) fn trace_arrival(
        &self,
        pair: &PairResult,
        source: &Segment,
        destination: &Segment,
        packet: &Packet,
    ) -> Option<(Vec<Step>, Vec<crate::path::HopTrace>)> {
        let arrivals = pair.arrivals.as_ref()?;
        if !arrivals.gated.contains(packet) {
            return None;
        }
        if !internet_set().contains(packet.src) {
            let step = Step {
                kind: StepKind::Entry,
                text: format!(
                    "{} is a private address outside every scanned virtual network and on-premises range: no way in leads from it to `{}`",
                    packet.src, destination.label
                ),
                element: None,
                span: None,
                assumed: false,
                stops: true,
            };
            return Some((vec![step], Vec::new()));
        }
        let fits = |a: &&Arrival| {
            a.entry.protocols.contains(packet.protocol) && a.entry.ports.contains(packet.dst_port)
        };
        let chosen = arrivals
            .list
            .iter()
            .find(|a| a.may.contains(packet))
            .or_else(|| arrivals.list.iter().find(fits));
        let Some(arrival) = chosen else {
            let text = if arrivals.list.is_empty() {
                format!(
                    "no entry point leads from `{}` to `{}` (no public IP, public load balancer rule or NAT rule, Application Gateway listener or firewall DNAT rule)",
                    source.label, destination.label
                )
            } else {
                format!(
                    "no entry point leads to {} port {} of `{}`; those that exist: {}",
                    packet.protocol,
                    packet.dst_port,
                    destination.label,
                    arrivals
                        .list
                        .iter()
                        .map(|a| a.entry.description.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            };
            let step = Step {
                kind: StepKind::Entry,
                text,
                element: None,
                span: None,
                assumed: false,
                stops: true,
            };
            return Some((vec![step], Vec::new()));
        };
        let entry = &arrival.entry;
        let mut steps = vec![Step {
            kind: StepKind::Entry,
            text: format!("enters through {}", entry.description),
            element: Some(entry.element),
            span: Some(entry.span),
            assumed: false,
            stops: false,
        }];
        let (from, inner) = match (&arrival.dnat, &entry.via) {
            (Some(dnat), _) => {
                let Some(from) = self.subnet_segment(dnat.firewall_subnet) else {
                    return Some((steps, Vec::new()));
                };
                let inner = Packet {
                    src: crate::path::first_host(&from.addresses).unwrap_or(packet.src),
                    ..*packet
                };
                (from, inner)
            }
            (None, EntryVia::Proxy { subnet, .. }) => {
                let Some(from) = self.subnet_segment(*subnet) else {
                    return Some((steps, Vec::new()));
                };
                let inner = Packet {
                    src: crate::path::first_host(&from.addresses).unwrap_or(packet.src),
                    ..*packet
                };
                (from, inner)
            }
            (None, EntryVia::Direct) => (source.clone(), *packet),
        };
        let (more, trace) = self.packet_journey(&from, destination, &inner);
        steps.extend(more);
        if !entry.open_without_nsg
            && arrival.dnat.is_none()
            && self.arrival_hops(destination).is_empty()
            && !self.admin.in_force(destination.vnet)
        {
            steps.push(Step {
                kind: StepKind::Entry,
                text: "no NSG on the path allows it: a Standard SKU entry admits nothing until one does (secure by default)".to_owned(),
                element: Some(entry.element),
                span: Some(entry.span),
                assumed: false,
                stops: true,
            });
        }
        Some((steps, trace))
    }
}

/// The packets from `src` to `dst` of `traffic`.
fn query(src: &AddrSet, dst: &AddrSet, traffic: &Traffic) -> PacketSet {
    PacketSet::from_cube(Cube {
        src: src.clone(),
        dst: dst.clone(),
        protocols: traffic.protocols,
        src_ports: PortSet::all(),
        dst_ports: traffic.dst_ports.clone(),
    })
}

/// A load-balancing rule or inbound NAT rule on one public frontend, with where it leads.
struct FrontendRule {
    description: String,
    element: ElementId,
    span: Span,
    protocols: ProtocolSet,
    frontend_ports: PortSet,
    backend_port: u16,
    members: Vec<Segment>,
    open_without_nsg: bool,
}

impl Topology<'_> {
    /// Whether `pip` is the public IP of a load balancer frontend.
    pub(crate) fn is_lb_frontend(&self, pip: PublicIpId) -> bool {
        self.net.load_balancers.iter().any(|lb| {
            lb.frontends
                .iter()
                .any(|f| f.public_ip.as_ref().and_then(Attr::get) == Some(&pip))
        })
    }

    /// A public IP's address when the templates hold it, else any Internet address.
    pub(crate) fn public_address(&self, pip: PublicIpId) -> AddrSet {
        self.net[pip]
            .ip_address
            .as_ref()
            .and_then(Attr::get)
            .and_then(|t| AddrSet::parse(t))
            .unwrap_or_else(|| crate::tags::TagContext::stand_in().internet())
    }

    /// The rules of the load balancer frontends on `pip` and the backends they lead to.
    fn frontend_rules(&self, pip: PublicIpId) -> Vec<FrontendRule> {
        let net = self.net;
        let mut out = Vec::new();
        let members_of = |pools: &[vnetlint_ir::LbBackendPoolId],
                          nat: Option<vnetlint_ir::LbNatRuleId>| {
            let mut endpoint = crate::path::ResolvedEndpoint {
                label: String::new(),
                segments: Vec::new(),
                external: false,
                via_public_ip: None,
                dnat: None,
                lb_frontend: None,
                service: None,
                notes: Vec::new(),
            };
            for (nic, n) in net.iter_nics() {
                let member = n.ip_configurations.iter().any(|c| {
                    c.lb_backend_pools
                        .iter()
                        .filter_map(Attr::get)
                        .any(|p| pools.contains(p))
                        || nat.is_some_and(|r| {
                            c.lb_nat_rules.iter().filter_map(Attr::get).any(|x| *x == r)
                        })
                });
                if member {
                    self.nic_segments(nic, &mut endpoint);
                }
            }
            for &pool in pools {
                let listed = net[pool].addresses.as_ref().and_then(Attr::get);
                for text in listed.into_iter().flatten().filter_map(Attr::get) {
                    if let Ok(found) = self.resolve(text) {
                        endpoint
                            .segments
                            .extend(found.segments.into_iter().filter(|s| s.vnet.is_some()));
                    }
                }
            }
            endpoint.segments
        };
        for (id, rule) in net.iter_lb_rules() {
            let Some(&lb_id) = rule.load_balancer.as_ref().and_then(Attr::get) else {
                continue;
            };
            let lb = &net[lb_id];
            if frontend_ip(lb, rule.frontend.as_ref()) != Some(pip) {
                continue;
            }
            let Some(backend) = port(rule.backend_port.as_ref()) else {
                continue;
            };
            let frontend = port(rule.frontend_port.as_ref()).unwrap_or(backend);
            let pools: Vec<_> = rule
                .backend_pools
                .iter()
                .filter_map(Attr::get)
                .copied()
                .collect();
            out.push(FrontendRule {
                description: format!(
                    "load-balancing rule `{}` of load balancer `{}` (frontend port {frontend} → {backend})",
                    rule.meta.display_name(),
                    lb.meta.display_name()
                ),
                element: ElementId::LbRule(id),
                span: rule.meta.span,
                protocols: lb_protocols(rule.protocol.as_ref()),
                frontend_ports: PortSet::single(frontend),
                backend_port: backend,
                members: members_of(&pools, None),
                open_without_nsg: basic(lb.sku.as_ref()),
            });
        }
        for (id, rule) in net.iter_lb_nat_rules() {
            let Some(&lb_id) = rule.load_balancer.as_ref().and_then(Attr::get) else {
                continue;
            };
            let lb = &net[lb_id];
            if frontend_ip(lb, rule.frontend.as_ref()) != Some(pip) {
                continue;
            }
            let Some(backend) = port(rule.backend_port.as_ref()) else {
                continue;
            };
            // A range rule gives each pool member one port of the range; which one is Azure's
            // choice, so every member is taken as reachable on the whole range.
            let frontend_ports = match port(rule.frontend_port.as_ref()) {
                Some(p) => PortSet::single(p),
                None => match (
                    port(rule.frontend_port_start.as_ref()),
                    port(rule.frontend_port_end.as_ref()),
                ) {
                    (Some(a), Some(b)) if a <= b => PortSet::range(a, b),
                    _ => continue,
                },
            };
            let pools: Vec<_> = rule
                .backend_pool
                .as_ref()
                .and_then(Attr::get)
                .copied()
                .into_iter()
                .collect();
            out.push(FrontendRule {
                description: format!(
                    "inbound NAT rule `{}` of load balancer `{}` (frontend port {frontend_ports} → {backend})",
                    rule.meta.display_name(),
                    lb.meta.display_name()
                ),
                element: ElementId::LbNatRule(id),
                span: rule.meta.span,
                protocols: lb_protocols(rule.protocol.as_ref()),
                frontend_ports,
                backend_port: backend,
                members: members_of(&pools, Some(id)),
                open_without_nsg: basic(lb.sku.as_ref()),
            });
        }
        out
    }

    /// Internet (or any source) to a load balancer's public frontend: each rule on the
    /// frontend's ports forwards to its backends' port, where their NSGs decide (the client's
    /// address is kept, spec §5).
    pub(crate) fn evaluate_lb_frontend(
        &self,
        from: &crate::path::ResolvedEndpoint,
        to: &crate::path::ResolvedEndpoint,
        pip: PublicIpId,
        traffic: &Traffic,
    ) -> crate::path::PathResult {
        use crate::path::{outcome, pick_witness, preferred_witnesses};
        let mut notes: Vec<String> = from.notes.iter().chain(&to.notes).cloned().collect();
        let address = self.public_address(pip);
        let rules = self.frontend_rules(pip);
        if rules.is_empty() {
            notes.push(format!(
                "no load-balancing rule or inbound NAT rule listens on `{}`",
                self.net[pip].meta.address
            ));
        }
        let mut pairs = Vec::new();
        // (rule, member) of the allowed packets, to trace the witness.
        let mut routes: Vec<(PacketSet, usize, usize)> = Vec::new();
        for (si, src) in from.segments.iter().enumerate() {
            let query = query(&src.addresses, &address, traffic);
            let (mut must, mut may) = (PacketSet::empty(), PacketSet::empty());
            for (ri, rule) in rules.iter().enumerate() {
                let ports = traffic.dst_ports.intersect(&rule.frontend_ports);
                let protocols = traffic.protocols.intersect(rule.protocols);
                if ports.is_empty() || protocols.is_empty() {
                    continue;
                }
                let inner = Traffic {
                    protocols,
                    dst_ports: PortSet::single(rule.backend_port),
                };
                for (mi, member) in rule.members.iter().enumerate() {
                    let client = Segment {
                        addresses: member.vnet.map_or(src.addresses.clone(), |v| {
                            src.addresses.intersect(&self.vnet_tag(v).internet_hosts())
                        }),
                        ..src.clone()
                    };
                    let pair = self.evaluate_pair(si, &client, 0, member, &inner, &mut notes);
                    let guarded =
                        !self.arrival_hops(member).is_empty() || self.admin.in_force(member.vnet);
                    if !guarded && !rule.open_without_nsg {
                        notes.push(format!(
                            "no NSG guards `{}`: the Standard load balancer admits nothing until an NSG allows it (secure by default)",
                            member.label
                        ));
                        continue;
                    }
                    let at_frontend = |set: &PacketSet| {
                        set.cubes().iter().fold(PacketSet::empty(), |acc, c| {
                            acc.union(&PacketSet::from_cube(Cube {
                                src: c.src.clone(),
                                dst: address.clone(),
                                protocols: c.protocols,
                                src_ports: PortSet::all(),
                                dst_ports: ports.clone(),
                            }))
                        })
                    };
                    let (m, y) = (at_frontend(&pair.allowed), at_frontend(&pair.may_allow));
                    routes.push((y.clone(), ri, mi));
                    must = must.union(&m);
                    may = may.union(&y);
                }
            }
            pairs.push(PairResult {
                source: si,
                destination: 0,
                hops: Vec::new(),
                no_route: None,
                query,
                allowed: must,
                may_allow: may,
                egress: Vec::new(),
                egress_query: PacketSet::empty(),
                routed: None,
                devices: Vec::new(),
                arrivals: None,
            });
        }
        let (allowed, denied, uncertain, verdict) = outcome(&pairs);
        let target = if allowed.is_empty() {
            &denied
        } else {
            &allowed
        };
        let (witness, pair) = pick_witness(&pairs, target, &preferred_witnesses(traffic));
        let mut steps = Vec::new();
        let mut trace = Vec::new();
        if let (Some(packet), Some(pair)) = (&witness, pair) {
            let through = routes
                .iter()
                .find(|(set, _, _)| set.contains(packet))
                .map(|&(_, r, m)| (r, Some(m)))
                .or_else(|| {
                    rules
                        .iter()
                        .position(|r| {
                            r.protocols.contains(packet.protocol)
                                && r.frontend_ports.contains(packet.dst_port)
                        })
                        .map(|r| {
                            (
                                r,
                                if rules[r].members.is_empty() {
                                    None
                                } else {
                                    Some(0)
                                },
                            )
                        })
                });
            match through {
                Some((r, member)) => {
                    let rule = &rules[r];
                    steps.push(Step {
                        kind: StepKind::Entry,
                        text: format!("enters through {}", rule.description),
                        element: Some(rule.element),
                        span: Some(rule.span),
                        assumed: false,
                        stops: member.is_none(),
                    });
                    if let Some(member) = member.map(|m| &rule.members[m]) {
                        let inner = Packet {
                            dst: crate::path::first_host(&member.addresses).unwrap_or(packet.dst),
                            dst_port: rule.backend_port,
                            ..*packet
                        };
                        let source = Segment {
                            vnet: None,
                            subnet: None,
                            nic: None,
                            ..from.segments[pairs[pair].source].clone()
                        };
                        let (more, hops) = self.packet_journey(&source, member, &inner);
                        steps.extend(more);
                        trace = hops;
                    }
                }
                None => steps.push(Step {
                    kind: StepKind::Entry,
                    text: format!(
                        "no load-balancing rule or inbound NAT rule of `{}` listens on {} port {}",
                        self.net[pip].meta.address, packet.protocol, packet.dst_port
                    ),
                    element: Some(ElementId::PublicIp(pip)),
                    span: Some(self.net[pip].meta.span),
                    assumed: false,
                    stops: true,
                }),
            }
        }
        notes.push("a load balancer keeps the client's address: the backends' NSGs see the Internet source (routing spec §5)".to_owned());
        notes.sort();
        notes.dedup();
        crate::path::PathResult {
            verdict,
            pairs,
            allowed,
            denied,
            uncertain,
            witness,
            trace,
            steps,
            notes,
        }
    }
}
