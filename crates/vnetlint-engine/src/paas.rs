//! The public endpoint of a platform service on a path (routing spec §8): a storage account, a SQL
//! server or another data service without a private endpoint is reached over its public
//! endpoint. From a subnet with the service's service endpoint the traffic arrives with the
//! subnet's identity and the service's virtual network rules decide; without one it arrives
//! from a public address of Azure the templates do not hold, and only the service's defaults
//! and its "allow Azure services" switch give a certain answer. From outside, the service's IP
//! rules decide over the source addresses exactly. The source's outbound NSGs see the
//! service's tag (`Storage`, `Sql`, …).

use std::net::IpAddr;

use vnetlint_ir::{
    Attr, DataServiceId, ElementId, Network, ServiceKind, Span, SqlServerId, StorageAccountId,
    SubnetId,
};

use crate::addr::AddrSet;
use crate::legs::{Step, StepKind};
use crate::model::Direction;
use crate::packet::{Cube, PacketSet, PortSet, Protocol, ProtocolSet};
use crate::path::{
    PairResult, PathResult, ResolvedEndpoint, Segment, Traffic, outcome, witness_of,
};
use crate::service_traffic::{ServicePeer, ServiceTraffic};
use crate::topology::Topology;

/// A platform service as an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRef {
    Storage(StorageAccountId),
    Sql(SqlServerId),
    Data(DataServiceId),
}

impl ServiceRef {
    pub fn element(self) -> ElementId {
        match self {
            ServiceRef::Storage(id) => ElementId::StorageAccount(id),
            ServiceRef::Sql(id) => ElementId::SqlServer(id),
            ServiceRef::Data(id) => ElementId::DataService(id),
        }
    }
}

/// What the service's firewall settings are, whatever the service.
struct Settings {
    kind: ServiceKind,
    span: Span,
    /// `None`: not known statically.
    public: Option<bool>,
    /// `Allow` / `Deny`; `None` when not known (or not a default-action service).
    default_allow: Option<bool>,
    ip_rules: Option<AddrSet>,
    /// Start–end rules; `allow_azure` when one is `0.0.0.0`–`0.0.0.0`.
    rules: Option<AddrSet>,
    allow_azure: bool,
    /// Subnets of the virtual network rules; `None` when not known.
    subnets: Option<Vec<SubnetId>>,
}

/// A service's verdict for one source.
enum Admission {
    Allowed(String),
    Denied(String),
    Uncertain(String),
    /// Exactly the addresses of this set are admitted (an outside source against IP rules).
    Addresses(AddrSet, String),
}

fn addresses(list: Option<&vnetlint_ir::AttrList<String>>) -> Option<AddrSet> {
    let items = list?.get()?;
    let mut set = AddrSet::empty();
    for item in items {
        set = set.union(&AddrSet::parse(item.get()?.trim())?);
    }
    Some(set)
}

fn range(start: Option<&Attr<String>>, end: Option<&Attr<String>>) -> Option<(IpAddr, IpAddr)> {
    let start = start?.get()?.trim().parse().ok()?;
    let end = end?.get()?.trim().parse().ok()?;
    Some((start, end))
}

fn settings(net: &Network, service: ServiceRef) -> Settings {
    let subnets = |list: Option<&vnetlint_ir::AttrList<SubnetId>>| {
        list.map_or(Some(Vec::new()), |l| {
            l.get()
                .map(|items| items.iter().filter_map(Attr::get).copied().collect())
        })
    };
    let rules = |ranges: Vec<Option<(IpAddr, IpAddr)>>| {
        let mut allow_azure = false;
        let mut set = Some(AddrSet::empty());
        for r in ranges {
            match r {
                Some((s, e)) if s.is_unspecified() && e.is_unspecified() => allow_azure = true,
                Some((s, e)) => {
                    set = set.map(|set| set.union(&AddrSet::from_range(s, e)));
                }
                None => set = None,
            }
        }
        (set, allow_azure)
    };
    match service {
        ServiceRef::Storage(id) => {
            let s = &net[id];
            Settings {
                kind: ServiceKind::Storage,
                span: s.meta.span,
                public: s
                    .public_network_access
                    .as_ref()
                    .map_or(Some(true), |a| a.get().copied()),
                default_allow: s.default_action.as_ref().map_or(Some(true), |a| {
                    a.get().map(|v| v.eq_ignore_ascii_case("allow"))
                }),
                ip_rules: s
                    .ip_rules
                    .as_ref()
                    .map_or(Some(AddrSet::empty()), |l| addresses(Some(l))),
                rules: None,
                allow_azure: false,
                subnets: subnets(s.subnets.as_ref()),
            }
        }
        ServiceRef::Sql(id) => {
            let s = &net[id];
            let ranges = net
                .sql_firewall_rules
                .iter()
                .filter(|r| r.server.as_ref().and_then(Attr::get) == Some(&id))
                .map(|r| range(r.start_ip.as_ref(), r.end_ip.as_ref()))
                .collect();
            let (rules, allow_azure) = rules(ranges);
            Settings {
                kind: ServiceKind::Sql,
                span: s.meta.span,
                public: s
                    .public_network_access
                    .as_ref()
                    .map_or(Some(true), |a| a.get().copied()),
                default_allow: None,
                ip_rules: None,
                rules,
                allow_azure,
                subnets: subnets(s.subnets.as_ref()),
            }
        }
        ServiceRef::Data(id) => {
            let s = &net[id];
            let ranges = net
                .service_firewall_rules
                .iter()
                .filter(|r| r.service.as_ref().and_then(Attr::get) == Some(&id))
                .map(|r| range(r.start_ip.as_ref(), r.end_ip.as_ref()))
                .collect();
            let (rules, allow_azure) = rules(ranges);
            Settings {
                kind: s.kind,
                span: s.meta.span,
                public: s
                    .public_network_access
                    .as_ref()
                    .map_or(Some(true), |a| a.get().copied()),
                default_allow: s.default_action.as_ref().map_or(Some(true), |a| {
                    a.get().map(|v| v.eq_ignore_ascii_case("allow"))
                }),
                ip_rules: s
                    .ip_rules
                    .as_ref()
                    .map_or(Some(AddrSet::empty()), |l| addresses(Some(l))),
                rules,
                allow_azure,
                subnets: subnets(s.subnets.as_ref()),
            }
        }
    }
}

impl Settings {
    /// The service's verdict for traffic from `src`: a subnet (with or without the service
    /// endpoint) or addresses outside every VNet.
    fn admit(&self, net: &Network, src: &Segment) -> Admission {
        use vnetlint_ir::FirewallModel as Model;
        match self.public {
            Some(false) => {
                return Admission::Denied("its public network access is disabled".to_owned());
            }
            None => {
                return Admission::Uncertain(
                    "whether its public network access is enabled is not known statically"
                        .to_owned(),
                );
            }
            Some(true) => {}
        }
        let model = self.kind.firewall();
        if model == Model::None {
            return Admission::Allowed(
                "it has no firewall: its public endpoint admits every address".to_owned(),
            );
        }
        let endpoint = self.kind.service_endpoint();
        let through_endpoint = src.subnet.zip(endpoint).is_some_and(|(s, name)| {
            net[s]
                .service_endpoints
                .as_ref()
                .and_then(Attr::get)
                .is_some_and(|items| {
                    items
                        .iter()
                        .filter_map(Attr::get)
                        .any(|e| e.trim().eq_ignore_ascii_case(name))
                })
        });
        if model == Model::DefaultAction {
            match self.default_allow {
                Some(true) => {
                    return Admission::Allowed(
                        "its network rules' default action is Allow".to_owned(),
                    );
                }
                None => {
                    return Admission::Uncertain(
                        "its network rules' default action is not known statically".to_owned(),
                    );
                }
                Some(false) => {}
            }
        }
        if through_endpoint {
            let name = endpoint.unwrap_or_default();
            let subnet = src.subnet.expect("checked");
            return match &self.subnets {
                Some(list) if list.contains(&subnet) => Admission::Allowed(format!(
                    "the subnet's service endpoint ({name}) brings its identity, and a virtual network rule admits `{}`",
                    net[subnet].meta.address
                )),
                Some(_) => Admission::Denied(format!(
                    "the subnet's service endpoint ({name}) brings its identity, but no virtual network rule admits `{}` (IP rules do not match service endpoint traffic)",
                    net[subnet].meta.address
                )),
                None => Admission::Uncertain(
                    "its virtual network rules are not known statically".to_owned(),
                ),
            };
        }
        let allowed_ips = match model {
            Model::Rules | Model::RulesOrAll => self.rules.clone(),
            _ => self.ip_rules.clone(),
        };
        let empty_opens = matches!(model, Model::RulesOrAll | Model::AllowList);
        if src.subnet.is_none() {
            // From outside: the source addresses are known, the rules decide exactly.
            return match allowed_ips {
                Some(set) if set.is_empty() && empty_opens => Admission::Allowed(
                    "its firewall has no rule, which admits every address".to_owned(),
                ),
                Some(set) => Admission::Addresses(
                    set,
                    "its firewall's IP rules admit these sources".to_owned(),
                ),
                None => Admission::Uncertain(
                    "its firewall's IP rules are not known statically".to_owned(),
                ),
            };
        }
        let hint = endpoint.map_or(String::new(), |name| {
            format!("; a service endpoint ({name}) on the subnet and a virtual network rule would admit it")
        });
        if self.allow_azure {
            return Admission::Allowed(
                "\"allow Azure services\" (a 0.0.0.0 rule) admits traffic from Azure's public addresses, which the subnet's traffic leaves from".to_owned(),
            );
        }
        match allowed_ips {
            Some(set) if set.is_empty() && empty_opens => Admission::Allowed(
                "its firewall has no rule, which admits every address".to_owned(),
            ),
            Some(set) if set.is_empty() => Admission::Denied(format!(
                "the subnet has no service endpoint for it and its firewall admits no address{hint}"
            )),
            _ => Admission::Uncertain(format!(
                "the subnet's traffic leaves from a public address of Azure the templates do not name (a NAT gateway, a public IP, default outbound access), so whether the firewall's IP rules admit it is not known statically{hint}"
            )),
        }
    }
}

impl Topology<'_> {
    /// The private endpoints that serve `service`.
    pub(crate) fn service_endpoints_of(
        &self,
        service: ServiceRef,
    ) -> Vec<vnetlint_ir::PrivateEndpointId> {
        let address = &self.net.meta(service.element()).address;
        self.net
            .iter_private_endpoints()
            .filter(|(_, e)| {
                e.target
                    .as_ref()
                    .and_then(Attr::get)
                    .is_some_and(|r| &r.address == address)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// From each source to the service's public endpoint: the source's outbound NSGs toward the
    /// service's tag, then the service's firewall.
    pub(crate) fn evaluate_public_service(
        &self,
        from: &ResolvedEndpoint,
        to: &ResolvedEndpoint,
        service: ServiceRef,
        traffic: &Traffic,
    ) -> PathResult {
        let settings = settings(self.net, service);
        let label = self.net.meta(service.element()).address.clone();
        let mut notes: Vec<String> = from.notes.iter().chain(&to.notes).cloned().collect();
        let ports = PortSet::from_ranges(settings.kind.ports().iter().copied());
        let tcp = ProtocolSet::of(&[Protocol::Tcp]);
        let public = to
            .segments
            .iter()
            .fold(AddrSet::empty(), |a, s| a.union(&s.addresses));
        let mut pairs = Vec::new();
        let mut reasons = Vec::new();
        for (si, src) in from.segments.iter().enumerate() {
            let query = PacketSet::from_cube(Cube {
                src: src.addresses.clone(),
                dst: public.clone(),
                protocols: traffic.protocols,
                src_ports: PortSet::all(),
                dst_ports: traffic.dst_ports.clone(),
            });
            // What the service listens on: TCP on its ports.
            let served = PacketSet::from_cube(Cube {
                protocols: tcp,
                dst_ports: ports.clone(),
                ..Cube::all()
            });
            let (mut must, mut may) = (query.intersect(&served), query.intersect(&served));
            // The source's outbound NSGs, toward the service's tag.
            let hops = self.egress_hops(src.subnet, src.nic);
            for hop in &hops {
                let result = self.evaluate_service(
                    hop.nsg,
                    hop.vnet,
                    &ServiceTraffic {
                        direction: Direction::Outbound,
                        peer: ServicePeer::Tag(settings.kind.service_tag().to_owned()),
                        local: src.addresses.clone(),
                        protocols: tcp,
                        ports: ports.intersect(&traffic.dst_ports),
                    },
                );
                must = must.intersect(&crate::path::project_service(&result.allowed));
                may = may.intersect(&crate::path::project_service(&result.may_allow));
            }
            let admission = settings.admit(self.net, src);
            let (m, y, reason) = match admission {
                Admission::Allowed(r) => (must, may, r),
                Admission::Denied(r) => (PacketSet::empty(), PacketSet::empty(), r),
                Admission::Uncertain(r) => (PacketSet::empty(), may, r),
                Admission::Addresses(set, r) => {
                    let only = PacketSet::from_cube(Cube {
                        src: set,
                        ..Cube::all()
                    });
                    (must.intersect(&only), may.intersect(&only), r)
                }
            };
            reasons.push(reason);
            pairs.push(PairResult {
                source: si,
                destination: 0,
                hops: hops.clone(),
                no_route: None,
                query,
                allowed: m,
                may_allow: y,
                egress: Vec::new(),
                egress_query: PacketSet::empty(),
                routed: None,
                devices: Vec::new(),
                arrivals: None,
            });
        }
        let (allowed, denied, uncertain, verdict) = outcome(&pairs);
        let (witness, pair) = witness_of(&pairs, [&allowed, &denied, &uncertain], traffic);
        let mut steps = Vec::new();
        let mut trace = Vec::new();
        if let (Some(packet), Some(pair)) = (&witness, pair) {
            trace = self.trace(&pairs[pair].hops, packet);
            steps.extend(trace.iter().map(|t| crate::trace::nsg_step(self, t)));
            let stopped = trace.iter().any(|t| t.access == crate::model::Access::Deny);
            if !stopped {
                let served = packet.protocol == Protocol::Tcp && ports.contains(packet.dst_port);
                let text = if served {
                    format!("`{label}`'s public endpoint: {}", reasons[pair])
                } else {
                    format!(
                        "`{label}` ({}) listens on TCP {} only",
                        settings.kind.name(),
                        ports
                    )
                };
                let admitted = pairs[pair].may_allow.contains(packet);
                steps.push(Step {
                    kind: StepKind::Service,
                    text,
                    element: Some(service.element()),
                    span: Some(settings.span),
                    assumed: admitted && !pairs[pair].allowed.contains(packet),
                    stops: !admitted,
                });
            }
        }
        notes.push(format!(
            "`{label}` has no private endpoint in the templates: traffic goes to its public endpoint, whose address Azure assigns (shown as an Internet address)"
        ));
        if self.routing_active() {
            notes.push("routes are not followed to a service's public endpoint: a service endpoint's route takes precedence over user routes, and traffic without one is taken to leave directly (routing spec §8, UNSURE)".to_owned());
        }
        if !uncertain.is_empty() {
            notes.push("part of the traffic depends on values vnetlint cannot resolve".to_owned());
        }
        notes.sort();
        notes.dedup();
        PathResult {
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
