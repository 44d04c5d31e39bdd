//! Path evaluation between two endpoints: the NSGs a packet crosses (source NIC then subnet
//! outbound, destination subnet then NIC inbound, spec §2.3), evaluated over exact packet sets,
//! with a concrete witness packet traced hop by hop.
//!
//! An endpoint resolves to segments: address sets that share the same NSGs. A subnet with two
//! NICs is three segments (each NIC, and the rest of the subnet), so that a NIC NSG applies only
//! to that NIC's address. The verdict is the union over all (source, destination) segment pairs.

use std::net::IpAddr;

use vnetlint_ir::{
    Attr, ElementId, FirewallId, NicId, NsgId, PrivateEndpointId, PublicIpId, SubnetId, VnetId,
};

use crate::addr::AddrSet;
use crate::legs::Step;
use crate::model::{Access, Direction, Mode, RuleRef};
use crate::packet::{Cube, Packet, PacketSet, PortSet, Protocol, ProtocolSet};
use crate::routes::Appliance;
use crate::tags::{StructuralTag, TagContext, TagLookup, lookup_tag};
use crate::topology::Topology;

/// Addresses that share the same NSGs on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub label: String,
    pub addresses: AddrSet,
    pub vnet: Option<VnetId>,
    pub subnet: Option<SubnetId>,
    pub nic: Option<NicId>,
    /// A private endpoint's address: NSGs apply to traffic to it only under the subnet's
    /// network policies, and it accepts TCP only (routing spec §8).
    pub private_endpoint: Option<PrivateEndpointId>,
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    pub label: String,
    pub segments: Vec<Segment>,
    /// Outside every scanned virtual network (the Internet, a tag, an outside address).
    pub external: bool,
    /// The destination was named by its public IP: traffic arrives as Internet traffic.
    pub via_public_ip: Option<PublicIpId>,
    /// The destination was named by a public IP of this firewall: packets reach what its DNAT
    /// rules translate them to (routing spec §5).
    pub dnat: Option<FirewallId>,
    /// The destination was named by the public IP of a load balancer frontend: packets reach
    /// the backends its rules and NAT rules lead to (routing spec §9).
    pub lb_frontend: Option<PublicIpId>,
    /// The destination is a platform service without a private endpoint: its public endpoint.
    pub service: Option<crate::paas::ServiceRef>,
    /// Caveats to show with any verdict involving this endpoint.
    pub notes: Vec<String>,
}

/// Where an NSG sits on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Association {
    Subnet(SubnetId),
    Nic(NicId),
}

/// One NSG evaluation on the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub nsg: NsgId,
    pub vnet: Option<VnetId>,
    pub association: Association,
    pub direction: Direction,
}

/// A hop of the witness packet: which rule decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopTrace {
    pub hop: Hop,
    pub rule: RuleRef,
    pub priority: u32,
    pub access: Access,
}

/// The overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathVerdict {
    Allowed,
    Denied,
    Partial,
}

impl PathVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            PathVerdict::Allowed => "allowed",
            PathVerdict::Denied => "denied",
            PathVerdict::Partial => "partial",
        }
    }
}

/// The evaluation of one (source segment, destination segment) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairResult {
    pub source: usize,
    pub destination: usize,
    pub hops: Vec<Hop>,
    /// Set when no route exists; the NSGs are not consulted then.
    pub no_route: Option<String>,
    pub query: PacketSet,
    /// Allowed for certain (unresolved allows match nothing, unresolved denies everything).
    pub allowed: PacketSet,
    /// Possibly allowed (the reverse); differs from `allowed` only through unresolved values.
    pub may_allow: PacketSet,
    /// Toward a public IP: the source's own outbound NSGs, crossed before the address
    /// translation, and the pre-translation packets they were asked about.
    pub egress: Vec<Hop>,
    pub egress_query: PacketSet,
    /// With routing: the segments the walk went between (the witness is traced between them).
    pub routed: Option<(Segment, Segment)>,
    /// With routing: the possibly allowed packets, by the stateful devices they cross.
    pub devices: Vec<(PacketSet, Vec<Appliance>)>,
    /// From outside to inside a VNet: the part of the query only an entry point brings in, and
    /// what each entry point let through (routing spec §9).
    pub arrivals: Option<crate::entry::Arrivals>,
}

/// The result of a path query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathResult {
    pub verdict: PathVerdict,
    pub pairs: Vec<PairResult>,
    pub allowed: PacketSet,
    pub denied: PacketSet,
    /// Packets whose verdict depends on unresolved values.
    pub uncertain: PacketSet,
    pub witness: Option<Packet>,
    /// The witness's hops, in evaluation order, up to the first deny.
    pub trace: Vec<HopTrace>,
    /// With routing: the witness's whole journey (routes, peerings, appliances, NSGs, the
    /// return path); empty where NSGs alone decide (then `trace` says it all).
    pub steps: Vec<Step>,
    pub notes: Vec<String>,
}

/// The traffic a query asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traffic {
    pub protocols: ProtocolSet,
    pub dst_ports: PortSet,
}

impl PathResult {
    /// The possibly allowed packets that do not cross `device` (everything allowed, where
    /// routes are not modelled: no appliance is on any path then).
    pub fn bypassing(&self, device: &Appliance) -> PacketSet {
        let mut out = PacketSet::empty();
        for pair in &self.pairs {
            if pair.routed.is_none() && pair.devices.is_empty() {
                out = out.union(&pair.may_allow);
                continue;
            }
            for (packets, devices) in &pair.devices {
                if !devices.contains(device) {
                    out = out.union(packets);
                }
            }
        }
        out
    }
}

impl Traffic {
    pub fn all() -> Traffic {
        Traffic {
            protocols: ProtocolSet::all(),
            dst_ports: PortSet::all(),
        }
    }
}

impl Topology<'_> {
    /// Resolves an endpoint: `Internet`, a service tag, an IP or CIDR, or an element address.
    pub fn resolve(&self, name: &str) -> Result<ResolvedEndpoint, String> {
        let name = name.trim();
        if name == "*" {
            return Ok(self.address_endpoint(name, &AddrSet::all()));
        }
        if let Some(set) = AddrSet::parse(name) {
            return Ok(self.address_endpoint(name, &set));
        }
        if let Some(id) = self.net.find(name) {
            return self.element_endpoint(id);
        }
        match lookup_tag(name) {
            TagLookup::Structural(tag) => Ok(self.tag_endpoint(name, tag)),
            TagLookup::Opaque(_) => Ok(ResolvedEndpoint {
                label: name.to_owned(),
                segments: vec![external_segment(name, TagContext::stand_in().internet())],
                external: true,
                via_public_ip: None,
                dnat: None,
                lb_frontend: None,
                service: None,
                notes: vec![format!(
                    "the contents of service tag `{name}` are published by Microsoft and not known offline; it is taken as any Internet address"
                )],
            }),
            _ => Err(self.unknown_endpoint(name)),
        }
    }

    fn unknown_endpoint(&self, name: &str) -> String {
        let mut candidates: Vec<(usize, String)> = self
            .net
            .elements()
            .into_iter()
            .map(|id| self.net.meta(id).address.clone())
            .map(|address| (edit_distance(name, &address), address))
            .collect();
        candidates.sort();
        let close: Vec<String> = candidates
            .into_iter()
            .take(3)
            .map(|(_, a)| format!("`{a}`"))
            .collect();
        if close.is_empty() {
            format!("no endpoint `{name}`: the scanned files define no elements")
        } else {
            format!(
                "no endpoint `{name}`; the closest names are {}",
                close.join(", ")
            )
        }
    }

    fn tag_endpoint(&self, name: &str, tag: StructuralTag) -> ResolvedEndpoint {
        let stand_in = TagContext::stand_in();
        let set = match tag {
            StructuralTag::Internet => stand_in.internet(),
            StructuralTag::AzureLoadBalancer => stand_in.azure_load_balancer(),
            // The scanned VNets' own tags, or the private stand-in when there are none.
            StructuralTag::VirtualNetwork => {
                let mut set = AddrSet::empty();
                for i in 0..self.net.vnets.len() {
                    let id = VnetId(u32::try_from(i).unwrap_or(u32::MAX));
                    set = set.union(&self.vnet_tag(id).virtual_network);
                }
                if set.is_empty() {
                    stand_in.virtual_network
                } else {
                    set
                }
            }
        };
        self.address_endpoint(name, &set)
    }

    /// An address set as an endpoint: the part inside each scanned subnet is that subnet's
    /// traffic (split by NIC, so each NIC's NSG applies to its own address), and only the part
    /// inside no subnet is outside the network.
    fn address_endpoint(&self, name: &str, set: &AddrSet) -> ResolvedEndpoint {
        let mut endpoint = ResolvedEndpoint {
            label: name.to_owned(),
            segments: Vec::new(),
            external: false,
            via_public_ip: None,
            dnat: None,
            lb_frontend: None,
            service: None,
            notes: Vec::new(),
        };
        let mut outside = set.clone();
        for i in 0..self.net.subnets.len() {
            let subnet = SubnetId(u32::try_from(i).unwrap_or(u32::MAX));
            let Some(prefixes) = self.subnet_prefixes(subnet) else {
                continue;
            };
            let part = set.intersect(prefixes);
            if part.is_empty() {
                continue;
            }
            outside = outside.subtract(&part);
            self.subnet_segments_within(subnet, &part, &mut endpoint);
        }
        if !outside.is_empty() {
            endpoint.external = endpoint.segments.is_empty();
            endpoint.segments.push(external_segment(name, outside));
        }
        // A lone address keeps the name the user gave it.
        if endpoint.segments.len() == 1 {
            name.clone_into(&mut endpoint.segments[0].label);
        }
        endpoint
    }

    fn element_endpoint(&self, id: ElementId) -> Result<ResolvedEndpoint, String> {
        let net = self.net;
        let label = net.meta(id).address.clone();
        let mut endpoint = ResolvedEndpoint {
            label: label.clone(),
            segments: Vec::new(),
            external: false,
            via_public_ip: None,
            dnat: None,
            lb_frontend: None,
            service: None,
            notes: Vec::new(),
        };
        match id {
            ElementId::Subnet(subnet) => self.subnet_segments(subnet, &mut endpoint),
            ElementId::Nic(nic) => self.nic_segments(nic, &mut endpoint),
            ElementId::Vm(vm) => {
                for nic in net[vm].nics.iter().filter_map(Attr::get) {
                    self.nic_segments(*nic, &mut endpoint);
                }
            }
            ElementId::PublicIp(pip) => {
                endpoint.via_public_ip = Some(pip);
                for (nic, n) in net.iter_nics() {
                    if n.ip_configurations
                        .iter()
                        .any(|c| c.public_ip.as_ref().and_then(Attr::get) == Some(&pip))
                    {
                        self.nic_segments(nic, &mut endpoint);
                    }
                }
                let firewall = net.firewalls.iter().position(|fw| {
                    fw.ip_configurations
                        .iter()
                        .any(|c| c.public_ip.as_ref().and_then(Attr::get) == Some(&pip))
                });
                if endpoint.segments.is_empty() && firewall.is_none() && self.is_lb_frontend(pip) {
                    endpoint.via_public_ip = None;
                    endpoint.lb_frontend = Some(pip);
                    endpoint.external = true;
                    endpoint
                        .segments
                        .push(external_segment(&label, self.public_address(pip)));
                }
                if let Some(fw) = firewall.and_then(|i| u32::try_from(i).ok()) {
                    endpoint.via_public_ip = None;
                    endpoint.dnat = Some(FirewallId(fw));
                    endpoint.external = true;
                    let address = net[pip]
                        .ip_address
                        .as_ref()
                        .and_then(Attr::get)
                        .and_then(|t| AddrSet::parse(t))
                        .unwrap_or_else(|| TagContext::stand_in().internet());
                    endpoint.segments.push(external_segment(&label, address));
                }
            }
            ElementId::PrivateEndpoint(pe) => {
                let endpoint_subnet = net[pe].subnet.as_ref().and_then(Attr::get).copied();
                let address = net[pe]
                    .private_ip
                    .as_ref()
                    .and_then(Attr::get)
                    .and_then(|t| t.parse::<IpAddr>().ok());
                match (endpoint_subnet, address) {
                    (Some(subnet), Some(ip)) => endpoint.segments.push(Segment {
                        label: label.clone(),
                        addresses: AddrSet::from_ip(ip),
                        vnet: self.subnet_vnet(subnet),
                        subnet: Some(subnet),
                        nic: None,
                        private_endpoint: Some(pe),
                    }),
                    (Some(subnet), None) => {
                        endpoint.notes.push(
                            "the private endpoint's address is assigned by Azure: somewhere in its subnet".to_owned(),
                        );
                        self.whole_subnet_segment(subnet, &mut endpoint);
                        if let Some(segment) = endpoint.segments.last_mut() {
                            segment.private_endpoint = Some(pe);
                            segment.label.clone_from(&label);
                        }
                    }
                    _ => {}
                }
            }
            ElementId::VnetGateway(gw) => {
                if let Some(&subnet) = net[gw].subnet.as_ref().and_then(Attr::get) {
                    self.whole_subnet_segment(subnet, &mut endpoint);
                }
            }
            // An on-premises network, by its local network gateway's address space.
            ElementId::LocalGateway(lgw) => {
                let space = net[lgw]
                    .address_space
                    .as_ref()
                    .and_then(Attr::get)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| AddrSet::parse(i.get()?))
                            .fold(AddrSet::empty(), |a, b| a.union(&b))
                    })
                    .unwrap_or_default();
                if !space.is_empty() {
                    endpoint.external = true;
                    endpoint.segments.push(external_segment(&label, space));
                }
            }
            ElementId::Firewall(fw) => {
                let subnet = net.firewalls[fw.index()]
                    .ip_configurations
                    .iter()
                    .find_map(|c| c.subnet.as_ref().and_then(Attr::get).copied());
                if let Some(subnet) = subnet {
                    self.whole_subnet_segment(subnet, &mut endpoint);
                }
            }
            ElementId::Ase(ase) => match net[ase].subnet.as_ref().and_then(Attr::get) {
                Some(&subnet) => self.whole_subnet_segment(subnet, &mut endpoint),
                None => endpoint
                    .notes
                    .push("the App Service Environment's subnet is not known".to_owned()),
            },
            ElementId::WebApp(app) => {
                let subnet = net[app]
                    .vnet_integration_subnet
                    .as_ref()
                    .and_then(Attr::get)
                    .copied()
                    .or_else(|| {
                        let plan = *net[app].plan.as_ref()?.get()?;
                        let ase = *net[plan].ase.as_ref()?.get()?;
                        net[ase].subnet.as_ref()?.get().copied()
                    });
                match subnet {
                    Some(subnet) => self.whole_subnet_segment(subnet, &mut endpoint),
                    None => endpoint.notes.push(
                        "the app is in no App Service Environment or integrated subnet vnetlint can see".to_owned(),
                    ),
                }
            }
            ElementId::Vnet(vnet) => {
                for (subnet, s) in net.iter_subnets() {
                    if s.vnet.as_ref().and_then(Attr::get) == Some(&vnet) {
                        self.subnet_segments(subnet, &mut endpoint);
                    }
                }
            }
            ElementId::StorageAccount(_) | ElementId::SqlServer(_) | ElementId::DataService(_) => {
                let service = match id {
                    ElementId::StorageAccount(s) => crate::paas::ServiceRef::Storage(s),
                    ElementId::SqlServer(s) => crate::paas::ServiceRef::Sql(s),
                    ElementId::DataService(s) => crate::paas::ServiceRef::Data(s),
                    _ => unreachable!("matched above"),
                };
                let delegated = match service {
                    crate::paas::ServiceRef::Data(s) => net[s]
                        .delegated_subnet
                        .as_ref()
                        .and_then(Attr::get)
                        .copied(),
                    _ => None,
                };
                let endpoints = self.service_endpoints_of(service);
                if let Some(subnet) = delegated {
                    endpoint.notes.push(format!(
                        "`{label}` is deployed into its subnet: it is reached there"
                    ));
                    self.whole_subnet_segment(subnet, &mut endpoint);
                } else if endpoints.is_empty() {
                    endpoint.service = Some(service);
                    endpoint.external = true;
                    endpoint
                        .segments
                        .push(external_segment(&label, TagContext::stand_in().internet()));
                } else {
                    endpoint.notes.push(format!(
                        "`{label}` is reached through its private endpoints (its name resolves to them through private DNS)"
                    ));
                    for pe in endpoints {
                        let inner = self.element_endpoint(ElementId::PrivateEndpoint(pe))?;
                        endpoint.segments.extend(inner.segments);
                        endpoint.notes.extend(inner.notes);
                    }
                }
            }
            other => {
                return Err(format!(
                    "`{label}` is a {}, which is not an endpoint; name a subnet, NIC, VM, public IP, App Service Environment, app, virtual network, private endpoint, storage account, SQL server or other data service, firewall, virtual network gateway, local network gateway (on-premises), an address or a service tag",
                    other.kind_name()
                ));
            }
        }
        if endpoint.segments.is_empty() {
            return Err(format!(
                "the addresses of `{label}` are not known statically{}",
                endpoint
                    .notes
                    .first()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default()
            ));
        }
        Ok(endpoint)
    }

    fn whole_subnet_segment(&self, subnet: SubnetId, endpoint: &mut ResolvedEndpoint) {
        if let Some(prefixes) = self.subnet_prefixes(subnet) {
            endpoint.segments.push(Segment {
                label: self.net[subnet].meta.address.clone(),
                addresses: prefixes.clone(),
                vnet: self.subnet_vnet(subnet),
                subnet: Some(subnet),
                nic: None,
                private_endpoint: None,
            });
        }
    }

    /// Each NIC in the subnet on its own, then the rest of the subnet's addresses.
    fn subnet_segments(&self, subnet: SubnetId, endpoint: &mut ResolvedEndpoint) {
        if let Some(prefixes) = self.subnet_prefixes(subnet).cloned() {
            self.subnet_segments_within(subnet, &prefixes, endpoint);
        }
    }

    /// [`Self::subnet_segments`] restricted to `within` (a part of the subnet's prefixes).
    fn subnet_segments_within(
        &self,
        subnet: SubnetId,
        within: &AddrSet,
        endpoint: &mut ResolvedEndpoint,
    ) {
        let Some(prefixes) = self.subnet_prefixes(subnet) else {
            return;
        };
        let mut rest = within.clone();
        for (nic, index) in self.nics_in_subnet(subnet) {
            if let Some(addresses) = self.nic_config_addresses(nic, index) {
                // A dynamic address is "somewhere in the subnet": that NIC's NSG may apply
                // anywhere, so it gets the whole subnet, and the rest keeps it too.
                if addresses != *prefixes {
                    rest = rest.subtract(&addresses);
                }
                let mine = addresses.intersect(within);
                if mine.is_empty() {
                    continue;
                }
                endpoint.segments.push(Segment {
                    label: self.net[nic].meta.address.clone(),
                    addresses: mine,
                    vnet: self.subnet_vnet(subnet),
                    subnet: Some(subnet),
                    nic: Some(nic),
                    private_endpoint: None,
                });
            }
        }
        // A private endpoint with a static address is a segment of its own: NSGs may not
        // apply to it (its subnet's network policies decide).
        for (pe, e) in self.net.iter_private_endpoints() {
            let ip = e
                .private_ip
                .as_ref()
                .and_then(Attr::get)
                .and_then(|t| t.trim().parse::<IpAddr>().ok());
            let Some(ip) = ip.filter(|ip| rest.contains(*ip)) else {
                continue;
            };
            if e.subnet.as_ref().and_then(Attr::get) != Some(&subnet) {
                continue;
            }
            rest = rest.subtract(&AddrSet::from_ip(ip));
            endpoint.segments.push(Segment {
                label: e.meta.address.clone(),
                addresses: AddrSet::from_ip(ip),
                vnet: self.subnet_vnet(subnet),
                subnet: Some(subnet),
                nic: None,
                private_endpoint: Some(pe),
            });
        }
        if !rest.is_empty() {
            endpoint.segments.push(Segment {
                label: self.net[subnet].meta.address.clone(),
                addresses: rest,
                vnet: self.subnet_vnet(subnet),
                subnet: Some(subnet),
                nic: None,
                private_endpoint: None,
            });
        }
    }

    pub(crate) fn nic_segments(&self, nic: NicId, endpoint: &mut ResolvedEndpoint) {
        for (index, config) in self.net[nic].ip_configurations.iter().enumerate() {
            let subnet = config.subnet.as_ref().and_then(Attr::get).copied();
            match self.nic_config_addresses(nic, index) {
                Some(addresses) => endpoint.segments.push(Segment {
                    label: self.net[nic].meta.address.clone(),
                    addresses,
                    vnet: subnet.and_then(|s| self.subnet_vnet(s)),
                    subnet,
                    nic: Some(nic),
                    private_endpoint: None,
                }),
                None => endpoint.notes.push(format!(
                    "the address of `{}` is not known statically",
                    self.net[nic].meta.address
                )),
            }
        }
    }

    /// The NSGs a packet from `src` to `dst` crosses, in Azure's order: the source's NIC and
    /// subnet outbound, then the destination's subnet and NIC inbound.
    pub fn hops(&self, src: &Segment, dst: &Segment) -> Vec<Hop> {
        let hop = |association: Association, vnet, direction| {
            let nsg = match association {
                Association::Nic(nic) => self.nic_nsg(nic),
                Association::Subnet(subnet) => self.subnet_nsg(subnet),
            }?;
            Some(Hop {
                nsg,
                vnet,
                association,
                direction,
            })
        };
        let egress = [
            src.nic.map(Association::Nic),
            src.subnet.map(Association::Subnet),
        ];
        let exempt = dst
            .private_endpoint
            .is_some_and(|pe| !self.endpoint_policies(pe).nsg);
        let ingress = [
            dst.subnet.map(Association::Subnet).filter(|_| !exempt),
            dst.nic.map(Association::Nic),
        ];
        let egress = egress
            .into_iter()
            .flatten()
            .filter_map(|association| hop(association, src.vnet, Direction::Outbound));
        let ingress = ingress
            .into_iter()
            .flatten()
            .filter_map(|association| hop(association, dst.vnet, Direction::Inbound));
        egress.chain(ingress).collect()
    }

    /// Evaluates all traffic of `traffic` from `from` to `to`.
    pub fn evaluate_path(
        &self,
        from: &ResolvedEndpoint,
        to: &ResolvedEndpoint,
        traffic: &Traffic,
    ) -> PathResult {
        if let Some(fw) = to.dnat {
            return self.evaluate_dnat(from, to, fw, traffic);
        }
        if let Some(pip) = to.lb_frontend {
            return self.evaluate_lb_frontend(from, to, pip, traffic);
        }
        if let Some(service) = to.service {
            return self.evaluate_public_service(from, to, service, traffic);
        }
        let mut pairs = Vec::new();
        let mut notes: Vec<String> = from.notes.iter().chain(&to.notes).cloned().collect();
        for (si, original) in from.segments.iter().enumerate() {
            // Toward a public IP the packet first leaves through the source's own NSGs, with
            // its private address, toward the public address (spec §2.10 step 4).
            let egress = to
                .via_public_ip
                .map(|pip| self.egress(original, pip, traffic));
            for (di, dst) in to.segments.iter().enumerate() {
                let mut src = original.clone();
                // Reaching a public IP, the packet arrives from the source's public egress
                // address: an Internet address, never its private one (spec §2.2).
                if to.via_public_ip.is_some() {
                    let tag = dst
                        .vnet
                        .map_or_else(TagContext::stand_in, |v| self.vnet_tag(v).clone());
                    src = Segment {
                        label: format!("{} (through its public egress address)", src.label),
                        addresses: tag.internet_hosts(),
                        vnet: None,
                        subnet: None,
                        nic: None,
                        private_endpoint: None,
                    };
                } else if from.external && src.label == "Internet" {
                    // "Internet" as seen from the destination: not its own VirtualNetwork.
                    if let Some(vnet) = dst.vnet {
                        src.addresses = self.vnet_tag(vnet).internet_hosts();
                    }
                }
                let mut pair =
                    if src.vnet.is_none() && dst.vnet.is_some() && to.via_public_ip.is_none() {
                        self.evaluate_arrival(si, &src, di, dst, traffic, &mut notes)
                    } else {
                        self.evaluate_pair(si, &src, di, dst, traffic, &mut notes)
                    };
                if let Some(pip) = to.via_public_ip
                    && self.secured_by_default(pip, dst)
                {
                    notes.push(format!(
                        "no NSG guards `{}`: a Standard public IP is closed to inbound traffic until an NSG allows it, so Internet traffic through one is denied (secure by default)",
                        dst.label
                    ));
                    pair.allowed = PacketSet::empty();
                    pair.may_allow = PacketSet::empty();
                }
                if let Some(pe) = dst.private_endpoint {
                    let policies = self.endpoint_policies(pe);
                    if !policies.nsg && dst.subnet.and_then(|s| self.subnet_nsg(s)).is_some() {
                        notes.push(format!(
                            "NSGs do not apply to traffic to private endpoint `{}`: its subnet's network policies for NSGs are {} (routing spec §8)",
                            self.net[pe].meta.address,
                            if policies.unresolved { "not known statically, taken as the default, Disabled" } else { "off" }
                        ));
                    }
                    // A private endpoint accepts TCP only (routing spec §8).
                    let tcp = PacketSet::from_cube(Cube {
                        protocols: ProtocolSet::of(&[Protocol::Tcp]),
                        ..Cube::all()
                    });
                    if !pair.may_allow.subtract(&tcp).is_empty() {
                        notes.push("a private endpoint accepts TCP only".to_owned());
                    }
                    pair.allowed = pair.allowed.intersect(&tcp);
                    pair.may_allow = pair.may_allow.intersect(&tcp);
                }
                if let Some(egress) = &egress {
                    // Only the protocols and ports that got out can arrive; the address and
                    // source port are translated, so nothing else carries over.
                    pair.allowed = pair.allowed.intersect(&egress.must);
                    pair.may_allow = pair.may_allow.intersect(&egress.may);
                    pair.egress.clone_from(&egress.hops);
                    pair.egress_query = egress.query.clone();
                }
                pairs.push(pair);
            }
        }
        let (allowed, denied, uncertain, verdict) = outcome(&pairs);
        if !uncertain.is_empty() {
            notes.push("part of the traffic depends on values vnetlint cannot resolve".to_owned());
        }
        let (witness, pair) = witness_of(&pairs, [&allowed, &denied, &uncertain], traffic);
        let mut steps = Vec::new();
        let arrival = match (&witness, pair) {
            (Some(packet), Some(pair)) => self.trace_arrival(
                &pairs[pair],
                &from.segments[pairs[pair].source],
                &to.segments[pairs[pair].destination],
                packet,
            ),
            _ => None,
        };
        let trace = match (&witness, pair) {
            _ if arrival.is_some() => {
                let (arrival_steps, trace) = arrival.expect("checked");
                steps = arrival_steps;
                trace
            }
            (Some(packet), Some(pair)) if pairs[pair].routed.is_some() => {
                let (source, destination) = pairs[pair].routed.as_ref().expect("checked");
                let (route_steps, trace) = self.trace_packet(source, destination, packet);
                steps = route_steps;
                trace
            }
            (Some(packet), Some(pair)) if pairs[pair].no_route.is_none() => {
                self.trace_pair(&pairs[pair], packet)
            }
            _ => Vec::new(),
        };
        if let (Some(packet), Some(pair)) = (&witness, pair)
            && packet.protocol != Protocol::Tcp
            && to.segments[pairs[pair].destination]
                .private_endpoint
                .is_some()
            && !steps.iter().any(|s| s.stops)
            && !trace.iter().any(|t| t.access == Access::Deny)
        {
            if steps.is_empty() {
                steps = trace
                    .iter()
                    .map(|t| crate::trace::nsg_step(self, t))
                    .collect();
            }
            steps.push(Step {
                kind: crate::legs::StepKind::Endpoint,
                text: format!(
                    "`{}` is a private endpoint, which accepts TCP only",
                    to.segments[pairs[pair].destination].label
                ),
                element: None,
                span: None,
                assumed: false,
                stops: true,
            });
        }
        if let Some(pair) = pair
            && let Some(reason) = &pairs[pair].no_route
        {
            notes.push(reason.clone());
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

    /// A witness among `target` (part of the result's query) with its hop trace; the trace is
    /// empty when no route exists for it, since no NSG is consulted then.
    pub fn witness_in(
        &self,
        result: &PathResult,
        target: &PacketSet,
        traffic: &Traffic,
    ) -> Option<(Packet, Vec<HopTrace>)> {
        let (witness, pair) = pick_witness(&result.pairs, target, &preferred_witnesses(traffic));
        let (witness, pair) = (witness?, &result.pairs[pair?]);
        let trace = if let Some((source, destination)) = &pair.routed {
            self.trace_packet(source, destination, &witness).1
        } else if pair.no_route.is_some() {
            Vec::new()
        } else {
            self.trace(&pair.hops, &witness)
        };
        Some((witness, trace))
    }

    pub(crate) fn evaluate_pair(
        &self,
        si: usize,
        src: &Segment,
        di: usize,
        dst: &Segment,
        traffic: &Traffic,
        notes: &mut Vec<String>,
    ) -> PairResult {
        let query = PacketSet::from_cube(Cube {
            src: src.addresses.clone(),
            dst: dst.addresses.clone(),
            protocols: traffic.protocols,
            src_ports: PortSet::all(),
            dst_ports: traffic.dst_ports.clone(),
        });
        if self.routing_active() {
            return self.evaluate_routed(si, src, di, dst, &query, notes);
        }
        let no_route = match (src.vnet, dst.vnet) {
            (Some(a), Some(b)) => self.route(a, b).err(),
            _ => None,
        };
        let hops = self.hops(src, dst);
        if no_route.is_some() {
            return PairResult {
                source: si,
                destination: di,
                hops,
                no_route,
                query,
                allowed: PacketSet::empty(),
                may_allow: PacketSet::empty(),
                egress: Vec::new(),
                egress_query: PacketSet::empty(),
                routed: None,
                devices: Vec::new(),
                arrivals: None,
            };
        }
        let (mut allowed, mut may_allow) = (query.clone(), query.clone());
        for hop in &hops {
            let compiled = self.compiled(hop.nsg, hop.vnet);
            allowed = compiled.allowed(hop.direction, &allowed, Mode::Must);
            may_allow = compiled.allowed(hop.direction, &may_allow, Mode::May);
        }
        PairResult {
            source: si,
            destination: di,
            hops,
            no_route: None,
            query,
            allowed,
            may_allow,
            egress: Vec::new(),
            egress_query: PacketSet::empty(),
            routed: None,
            devices: Vec::new(),
            arrivals: None,
        }
    }

    /// A pair followed through routes and appliances (routing spec §1).
    fn evaluate_routed(
        &self,
        si: usize,
        src: &Segment,
        di: usize,
        dst: &Segment,
        query: &PacketSet,
        notes: &mut Vec<String>,
    ) -> PairResult {
        let query = query.intersect(&same_family());
        let walked = self.walk(src, dst, &query);
        notes.extend(walked.notes.iter().cloned());
        notes.extend(self.admin.notes.iter().cloned());
        let (allowed, may_allow) = walked.delivered.iter().fold(
            (PacketSet::empty(), PacketSet::empty()),
            |(must, may), (flow, _)| (must.union(&flow.must), may.union(&flow.may)),
        );
        let no_route = if may_allow.is_empty() {
            walked.dropped.first().cloned()
        } else {
            notes.extend(
                walked
                    .dropped
                    .iter()
                    .map(|d| format!("part of the traffic: {d}")),
            );
            None
        };
        PairResult {
            source: si,
            destination: di,
            hops: walked.hops,
            no_route,
            query,
            allowed,
            may_allow,
            egress: Vec::new(),
            egress_query: PacketSet::empty(),
            routed: Some((src.clone(), dst.clone())),
            devices: walked
                .delivered
                .iter()
                .map(|(flow, devices)| (flow.may.clone(), devices.clone()))
                .collect(),
            arrivals: None,
        }
    }

    /// The source's outbound NSGs toward a public IP: what gets out, projected onto
    /// (protocol, destination port), which is all that survives the address translation.
    fn egress(&self, src: &Segment, pip: PublicIpId, traffic: &Traffic) -> Egress {
        let outside = external_segment("", AddrSet::empty());
        let hops = self.hops(src, &outside);
        let destination = self.net[pip]
            .ip_address
            .as_ref()
            .and_then(Attr::get)
            .and_then(|text| AddrSet::parse(text))
            .unwrap_or_else(|| TagContext::stand_in().internet());
        let query = PacketSet::from_cube(Cube {
            src: src.addresses.clone(),
            dst: destination,
            protocols: traffic.protocols,
            src_ports: PortSet::all(),
            dst_ports: traffic.dst_ports.clone(),
        });
        let mut must = query.clone();
        let mut may = query.clone();
        for hop in &hops {
            let compiled = self.compiled(hop.nsg, hop.vnet);
            must = compiled.allowed(hop.direction, &must, Mode::Must);
            may = compiled.allowed(hop.direction, &may, Mode::May);
        }
        Egress {
            hops,
            query,
            must: project_service(&must),
            may: project_service(&may),
        }
    }

    /// The witness's trace through one pair: the egress hops with a pre-translation packet of
    /// the same protocol and port, then the destination's hops.
    fn trace_pair(&self, pair: &PairResult, packet: &Packet) -> Vec<HopTrace> {
        let mut out = Vec::new();
        if !pair.egress.is_empty() {
            let same_service = PacketSet::from_cube(Cube {
                src: AddrSet::all(),
                dst: AddrSet::all(),
                protocols: ProtocolSet::of(&[packet.protocol]),
                src_ports: PortSet::all(),
                dst_ports: PortSet::single(packet.dst_port),
            });
            let candidates = pair.egress_query.intersect(&same_service);
            let hints: Vec<Packet> = candidates
                .cubes()
                .iter()
                .filter_map(|c| {
                    Some(Packet {
                        src: first_host(&c.src)?,
                        dst: c.dst.min()?,
                        ..*packet
                    })
                })
                .collect();
            if let Some(before) = candidates.witness(&hints) {
                out = self.trace(&pair.egress, &before);
                if out.iter().any(|h| h.access == Access::Deny) {
                    return out;
                }
            }
        }
        out.extend(self.trace(&pair.hops, packet));
        out
    }

    /// The rules that decide one concrete packet at each hop, up to the first deny.
    pub fn trace(&self, hops: &[Hop], packet: &Packet) -> Vec<HopTrace> {
        let mut out = Vec::new();
        for hop in hops {
            let compiled = self.hop_compiled(hop);
            let verdict = compiled.evaluate(hop.direction, packet);
            let priority = compiled.rules(hop.direction)[verdict.rule_index].priority;
            out.push(HopTrace {
                hop: hop.clone(),
                rule: verdict.rule,
                priority,
                access: verdict.access,
            });
            if verdict.access == Access::Deny {
                break;
            }
        }
        out
    }
}

/// What a query's pairs allow, deny and leave open, and the verdict.
pub(crate) fn outcome(pairs: &[PairResult]) -> (PacketSet, PacketSet, PacketSet, PathVerdict) {
    let allowed = pairs
        .iter()
        .fold(PacketSet::empty(), |a, p| a.union(&p.allowed));
    let may = pairs
        .iter()
        .fold(PacketSet::empty(), |a, p| a.union(&p.may_allow));
    let query = pairs
        .iter()
        .fold(PacketSet::empty(), |a, p| a.union(&p.query));
    let denied = query.subtract(&may);
    let uncertain = may.subtract(&allowed);
    let verdict = if denied.is_empty() && uncertain.is_empty() && !allowed.is_empty() {
        PathVerdict::Allowed
    } else if allowed.is_empty() && uncertain.is_empty() {
        PathVerdict::Denied
    } else {
        PathVerdict::Partial
    };
    (allowed, denied, uncertain, verdict)
}

/// The source side of a path toward a public IP.
struct Egress {
    hops: Vec<Hop>,
    query: PacketSet,
    /// (protocol, destination port) combinations that certainly / possibly get out.
    must: PacketSet,
    may: PacketSet,
}

/// The protocols and destination ports of a packet set, for any addresses and source ports.
pub(crate) fn project_service(set: &PacketSet) -> PacketSet {
    set.cubes().iter().fold(PacketSet::empty(), |acc, cube| {
        acc.union(&PacketSet::from_cube(Cube {
            src: AddrSet::all(),
            dst: AddrSet::all(),
            protocols: cube.protocols,
            src_ports: PortSet::all(),
            dst_ports: cube.dst_ports.clone(),
        }))
    })
}

/// The packets whose source and destination share an address family: an IPv4 source never
/// reaches an IPv6 destination.
pub(crate) fn same_family() -> PacketSet {
    [
        (AddrSet::all_v4(), AddrSet::all_v4()),
        (AddrSet::all_v6(), AddrSet::all_v6()),
    ]
    .into_iter()
    .fold(PacketSet::empty(), |set, (s, d)| {
        set.union(&PacketSet::from_cube(Cube {
            src: s,
            dst: d,
            protocols: ProtocolSet::all(),
            src_ports: PortSet::all(),
            dst_ports: PortSet::all(),
        }))
    })
}

pub(crate) fn external_segment(name: &str, addresses: AddrSet) -> Segment {
    Segment {
        label: name.to_owned(),
        addresses,
        vnet: None,
        subnet: None,
        nic: None,
        private_endpoint: None,
    }
}

/// Preferred witnesses: documentation-range sources, the first ports of the query.
pub(crate) fn preferred_witnesses(traffic: &Traffic) -> Vec<Packet> {
    let src: IpAddr = "203.0.113.1".parse().expect("literal address");
    let mut out = Vec::new();
    for protocol in traffic.protocols.iter() {
        let port = traffic.dst_ports.min().unwrap_or(0);
        out.push(Packet {
            protocol,
            src,
            src_port: 49152,
            dst: src,
            dst_port: port,
        });
    }
    out
}

/// The witness of a result and the pair it belongs to: what gets through, else what does not,
/// else an open question (`[allowed, denied, uncertain]`).
pub(crate) fn witness_of(
    pairs: &[PairResult],
    [allowed, denied, uncertain]: [&PacketSet; 3],
    traffic: &Traffic,
) -> (Option<Packet>, Option<usize>) {
    let target = if !allowed.is_empty() {
        allowed
    } else if !denied.is_empty() {
        denied
    } else {
        uncertain
    };
    pick_witness(pairs, target, &preferred_witnesses(traffic))
}

/// A witness among `target`, and the pair it belongs to.
pub(crate) fn pick_witness(
    pairs: &[PairResult],
    target: &PacketSet,
    hints: &[Packet],
) -> (Option<Packet>, Option<usize>) {
    for (i, pair) in pairs.iter().enumerate() {
        let part = pair.query.intersect(target);
        if part.is_empty() {
            continue;
        }
        // Prefer TCP and the query's first port, from a documentation address when possible.
        let mut tailored: Vec<Packet> = Vec::new();
        for hint in hints {
            for cube in part.cubes() {
                let dst = first_host(&cube.dst);
                let src = if cube.src.contains(hint.src) {
                    Some(hint.src)
                } else {
                    first_host(&cube.src)
                };
                if let (Some(src), Some(dst)) = (src, dst) {
                    tailored.push(Packet { src, dst, ..*hint });
                }
            }
        }
        let witness = part.witness(&tailored);
        if witness.is_some() {
            return (witness, Some(i));
        }
    }
    (None, None)
}

/// The first address Azure would assign in a range (the fifth; the first four are reserved),
/// or the lowest address when the range is smaller.
pub(crate) fn first_host(set: &AddrSet) -> Option<IpAddr> {
    let min = set.min()?;
    let host = match min {
        IpAddr::V4(v4) => IpAddr::V4(std::net::Ipv4Addr::from(u32::from(v4).saturating_add(4))),
        IpAddr::V6(v6) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6).saturating_add(4))),
    };
    Some(if set.contains(host) { host } else { min })
}

/// Levenshtein distance, for suggesting endpoint names.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// The protocol set of a CLI-style protocol name.
pub fn parse_protocols(text: &str) -> Option<ProtocolSet> {
    match text.to_ascii_lowercase().as_str() {
        "tcp" => Some(ProtocolSet::of(&[Protocol::Tcp])),
        "udp" => Some(ProtocolSet::of(&[Protocol::Udp])),
        "icmp" => Some(ProtocolSet::of(&[Protocol::Icmp])),
        "esp" => Some(ProtocolSet::of(&[Protocol::Esp])),
        "ah" => Some(ProtocolSet::of(&[Protocol::Ah])),
        "*" | "any" | "all" => Some(ProtocolSet::all()),
        _ => None,
    }
}

/// A CLI-style port set: `*`, `N`, `A-B`, or a comma list of those.
pub fn parse_ports(text: &str) -> Option<PortSet> {
    let mut set = PortSet::empty();
    for part in text.split(',').map(str::trim) {
        if part == "*" {
            return Some(PortSet::all());
        }
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        let (lo, hi): (u16, u16) = (lo.trim().parse().ok()?, hi.trim().parse().ok()?);
        if lo > hi {
            return None;
        }
        set = set.union(&PortSet::range(lo, hi));
    }
    Some(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_protocols_parse() {
        assert_eq!(parse_ports("22"), Some(PortSet::single(22)));
        assert_eq!(parse_ports("*"), Some(PortSet::all()));
        assert_eq!(
            parse_ports("80, 443-444"),
            Some(PortSet::single(80).union(&PortSet::range(443, 444)))
        );
        assert_eq!(parse_ports("9-1"), None);
        assert_eq!(
            parse_protocols("TCP"),
            Some(ProtocolSet::of(&[Protocol::Tcp]))
        );
        assert_eq!(parse_protocols("gre"), None);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
