//! Paths as Azure routes them (routing spec §1, §3, §4, §6): a packet set leaves its source
//! through its NSGs, is split by the source subnet's effective routes, and each part follows
//! its next hop — delivered in the VNet or a peer, handed to Azure Firewall or a network
//! virtual appliance (which starts a new leg from its own subnet), sent to the Internet or a
//! gateway, or dropped — up to eight legs. TCP flows are then kept only where the replies come
//! back through the same stateful devices.
//!
//! The same journey is followed twice: over packet sets (`walk`, which decides verdicts) and
//! for one packet (`trace_packet`, which explains a witness hop by hop). The property tests
//! compare the two on random topologies.

use std::net::IpAddr;

use vnetlint_ir::{Attr, ElementId, FirewallId, NicId, Span, SubnetId, VnetId};

use crate::addr::AddrSet;
use crate::firewall::CompiledFirewall;
use crate::model::{Direction, Mode};
use crate::packet::{Cube, PacketSet, PortSet, Protocol, ProtocolSet};
use crate::path::{Association, Hop, Segment};
use crate::routes::{Appliance, EffectiveRoute, EffectiveRoutes, NextHop, RouteOrigin};
use crate::topology::{PeeringState, Topology};

/// Azure's limit on legs is not documented; vnetlint stops a path after this many appliances
/// and reports a routing loop (spec §1).
pub const MAX_LEGS: usize = 8;

/// What a step of a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StepKind {
    Nsg,
    Route,
    Peering,
    Firewall,
    Appliance,
    Nat,
    Gateway,
    Return,
    /// A Virtual Network Manager security admin rule.
    Admin,
    /// The way in from the Internet (a public IP, a load balancer rule, a listener, DNAT).
    Entry,
    /// A private endpoint's own behaviour (TCP only).
    Endpoint,
    /// A platform service's public endpoint and its firewall.
    Service,
}

impl StepKind {
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Nsg => "nsg",
            StepKind::Route => "route",
            StepKind::Peering => "peering",
            StepKind::Firewall => "firewall",
            StepKind::Appliance => "appliance",
            StepKind::Nat => "nat",
            StepKind::Gateway => "gateway",
            StepKind::Return => "return",
            StepKind::Admin => "admin-rule",
            StepKind::Entry => "entry",
            StepKind::Endpoint => "private-endpoint",
            StepKind::Service => "service",
        }
    }
}

/// One step of a witness packet's journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// What happened, in words (`0.0.0.0/0 → VirtualAppliance 10.0.1.4`).
    pub text: String,
    /// The deciding element, when there is one.
    pub element: Option<ElementId>,
    /// Where it is written (a route, a firewall rule, an NSG rule).
    pub span: Option<Span>,
    /// The spec's reading where the templates cannot say (spec §3, §4).
    pub assumed: bool,
    /// The packet stops here.
    pub stops: bool,
}

/// Packets certainly and possibly still on their way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flow {
    pub must: PacketSet,
    pub may: PacketSet,
}

impl Flow {
    fn restrict(&self, to: &PacketSet) -> Flow {
        Flow {
            must: self.must.intersect(to),
            may: self.may.intersect(to),
        }
    }

    fn is_empty(&self) -> bool {
        self.must.is_empty() && self.may.is_empty()
    }

    fn subtract(&self, set: &PacketSet) -> Flow {
        Flow {
            must: self.must.subtract(set),
            may: self.may.subtract(set),
        }
    }
}

/// The outcome of a set walk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Walked {
    /// Delivered parts and the stateful devices each crossed.
    pub delivered: Vec<(Flow, Vec<Appliance>)>,
    /// Why parts were dropped (first reasons, in order).
    pub dropped: Vec<String>,
    pub notes: Vec<String>,
    /// NSGs crossed on the way (for callers that list a pair's hops).
    pub hops: Vec<Hop>,
}

/// Where a leg is, for the peering rules.
#[derive(Debug, Clone)]
pub(crate) struct Leg {
    pub count: usize,
    /// The VNet the packet was sent from (forwarded traffic across a peering needs the
    /// receiving side's consent, spec §3).
    pub origin: Option<VnetId>,
    pub devices: Vec<Appliance>,
}

fn dst_part(addresses: &AddrSet) -> PacketSet {
    PacketSet::from_cube(Cube {
        src: AddrSet::all(),
        dst: addresses.clone(),
        protocols: ProtocolSet::all(),
        src_ports: PortSet::all(),
        dst_ports: PortSet::all(),
    })
}

fn src_tcp(addresses: &AddrSet) -> PacketSet {
    PacketSet::from_cube(Cube {
        src: addresses.clone(),
        dst: AddrSet::all(),
        protocols: ProtocolSet::single(Protocol::Tcp),
        src_ports: PortSet::all(),
        dst_ports: PortSet::all(),
    })
}

/// The ranges Azure never sends to the Internet (an `Internet` next hop drops them).
pub(crate) fn private_ranges() -> AddrSet {
    crate::routes::PRIVATE_NONE
        .iter()
        .filter_map(|c| AddrSet::parse(c))
        .fold(AddrSet::empty(), |a, b| a.union(&b))
}

impl Topology<'_> {
    /// Whether any subnet has routes of its own: without, paths are decided as before (the
    /// system routes alone give the NSG-only answers).
    pub fn routing_active(&self) -> bool {
        self.routing.is_some()
    }

    /// A subnet's effective routes (when routing is active).
    pub fn effective_routes(&self, subnet: SubnetId) -> Option<&EffectiveRoutes> {
        self.routing.as_ref()?.routes.get(subnet.index())?.as_ref()
    }

    pub fn compiled_firewall(&self, id: FirewallId) -> Option<&CompiledFirewall> {
        self.routing.as_ref()?.firewalls.get(id.index())
    }

    /// The subnet an appliance sits in.
    pub fn appliance_subnet(&self, appliance: &Appliance) -> Option<SubnetId> {
        match appliance {
            Appliance::Firewall(fw) => self.net.firewalls[fw.index()]
                .ip_configurations
                .iter()
                .find_map(|c| c.subnet.as_ref().and_then(Attr::get).copied()),
            Appliance::Nva(nic) => self.net[*nic]
                .ip_configurations
                .iter()
                .find_map(|c| c.subnet.as_ref().and_then(Attr::get).copied()),
            Appliance::Outside(_) => None,
        }
    }

    /// How an appliance is named in messages.
    pub fn appliance_label(&self, appliance: &Appliance) -> String {
        match appliance {
            Appliance::Firewall(fw) => format!("`{}`", self.net.firewalls[fw.index()].meta.address),
            Appliance::Nva(nic) => format!("`{}`", self.net[*nic].meta.address),
            Appliance::Outside(what) if what.parse::<IpAddr>().is_ok() => {
                format!("the appliance at {what} (not in the scanned templates)")
            }
            Appliance::Outside(what) => format!("an appliance vnetlint cannot resolve ({what})"),
        }
    }

    /// Whether `from` may hand packets to `to` directly: the same VNet or a connected peering
    /// that allows access, and for forwarded packets the receiver allows forwarded traffic.
    pub(crate) fn crossing(&self, from: VnetId, to: VnetId, leg: &Leg) -> Result<bool, String> {
        if from == to {
            return Ok(false);
        }
        let link = self
            .peerings
            .iter()
            .find(|l| l.from == from && l.to == to && l.state == PeeringState::Connected);
        let Some(link) = link else {
            return Err(format!(
                "`{}` and `{}` are not peered (peering is not transitive)",
                self.net[from].meta.display_name(),
                self.net[to].meta.display_name()
            ));
        };
        if !link.in_tag {
            return Err(format!(
                "the peering from `{}` to `{}` does not allow virtual network access",
                self.net[from].meta.display_name(),
                self.net[to].meta.display_name()
            ));
        }
        if leg.origin != Some(from) && !self.peering_flag(to, from, |p| &p.allow_forwarded_traffic)
        {
            return Err(format!(
                "the peering from `{}` to `{}` does not allow forwarded traffic, and this packet was forwarded by an appliance",
                self.net[to].meta.display_name(),
                self.net[from].meta.display_name()
            ));
        }
        Ok(true)
    }

    /// A peering flag of the link `from` → `to` (false when absent or unknown).
    pub(crate) fn peering_flag(
        &self,
        from: VnetId,
        to: VnetId,
        flag: impl Fn(&vnetlint_ir::Peering) -> &Option<Attr<bool>>,
    ) -> bool {
        self.net.peerings.iter().any(|p| {
            p.vnet.as_ref().and_then(Attr::get) == Some(&from)
                && p.remote_vnet.as_ref().and_then(Attr::get) == Some(&to)
                && flag(p).as_ref().and_then(Attr::get) == Some(&true)
        })
    }

    /// The on-premises ranges a VNet's gateway next hop leads to: its own gateway's, or the
    /// hub's through gateway transit.
    pub fn gateway_ranges(&self, vnet: VnetId) -> AddrSet {
        self.transit_hubs(vnet)
            .into_iter()
            .fold(self.on_premises(vnet).clone(), |ranges, hub| {
                ranges.union(self.on_premises(hub))
            })
    }

    /// The peers whose gateway a VNet uses: `use_remote_gateways` on its side and
    /// `allow_gateway_transit` on the hub's (spec §2).
    pub(crate) fn transit_hubs(&self, vnet: VnetId) -> Vec<VnetId> {
        self.peerings
            .iter()
            .filter(|l| l.from == vnet && l.state == PeeringState::Connected)
            .filter(|l| {
                self.peering_flag(vnet, l.to, |p| &p.use_remote_gateways)
                    && self.peering_flag(l.to, vnet, |p| &p.allow_gateway_transit)
            })
            .map(|l| l.to)
            .collect()
    }

    fn nsg_hop(&self, association: Association, direction: Direction) -> Option<Hop> {
        let (nsg, vnet) = match association {
            Association::Nic(nic) => (self.nic_nsg(nic)?, self.nic_vnet(nic)),
            Association::Subnet(subnet) => (self.subnet_nsg(subnet)?, self.subnet_vnet(subnet)),
        };
        Some(Hop {
            nsg,
            vnet,
            association,
            direction,
        })
    }

    /// One side of a VNet crossing: its admin rules (`Deny` drops, `AlwaysAllow` skips the
    /// NSGs), then the NSG hops.
    fn apply_side(
        &self,
        vnet: Option<VnetId>,
        direction: Direction,
        hops: &[Hop],
        flow: &Flow,
    ) -> Flow {
        if self.admin.is_empty() {
            return self.apply_hops(hops, flow);
        }
        let must = self.admin.apply(vnet, direction, &flow.must, Mode::Must);
        let may = self.admin.apply(vnet, direction, &flow.may, Mode::May);
        let through = self.apply_hops(
            hops,
            &Flow {
                must: must.to_nsgs,
                may: may.to_nsgs,
            },
        );
        Flow {
            must: through.must.union(&must.always),
            may: through.may.union(&may.always),
        }
    }

    fn apply_hops(&self, hops: &[Hop], flow: &Flow) -> Flow {
        let mut flow = flow.clone();
        for hop in hops {
            let compiled = self.hop_compiled(hop);
            flow.must = compiled.allowed(hop.direction, &flow.must, Mode::Must);
            flow.may = compiled.allowed(hop.direction, &flow.may, Mode::May);
        }
        flow
    }

    pub(crate) fn ingress_hops(&self, subnet: Option<SubnetId>, nic: Option<NicId>) -> Vec<Hop> {
        [subnet.map(Association::Subnet), nic.map(Association::Nic)]
            .into_iter()
            .flatten()
            .filter_map(|a| self.nsg_hop(a, Direction::Inbound))
            .collect()
    }

    /// The inbound NSG hops in front of `dst`: none for a private endpoint unless its
    /// subnet's network policies apply NSGs to it (routing spec §8, edge case 8).
    pub(crate) fn arrival_hops(&self, dst: &Segment) -> Vec<Hop> {
        if let Some(pe) = dst.private_endpoint
            && !self.endpoint_policies(pe).nsg
        {
            return Vec::new();
        }
        self.ingress_hops(dst.subnet, dst.nic)
    }

    pub(crate) fn egress_hops(&self, subnet: Option<SubnetId>, nic: Option<NicId>) -> Vec<Hop> {
        [nic.map(Association::Nic), subnet.map(Association::Subnet)]
            .into_iter()
            .flatten()
            .filter_map(|a| self.nsg_hop(a, Direction::Outbound))
            .collect()
    }

    /// Follows `query` from `src` to `dst` over packet sets.
    pub(crate) fn walk(&self, src: &Segment, dst: &Segment, query: &PacketSet) -> Walked {
        let mut out = Walked::default();
        let flow = Flow {
            must: query.clone(),
            may: query.clone(),
        };
        match src.subnet {
            Some(subnet) => {
                let egress = self.egress_hops(Some(subnet), src.nic);
                out.hops.extend(egress.iter().cloned());
                let flow = self.apply_side(src.vnet, Direction::Outbound, &egress, &flow);
                let leg = Leg {
                    count: 0,
                    origin: src.vnet,
                    devices: Vec::new(),
                };
                self.leave(subnet, &flow, &leg, dst, &mut out);
            }
            // From outside (the Internet, on-premises): the packet arrives at the destination.
            None => self.deliver(
                &flow,
                &Leg {
                    count: 0,
                    origin: None,
                    devices: Vec::new(),
                },
                dst,
                &mut out,
            ),
        }
        self.check_returns(src, dst, &mut out);
        out.notes.sort();
        out.notes.dedup();
        out
    }

    fn deliver(&self, flow: &Flow, leg: &Leg, dst: &Segment, out: &mut Walked) {
        let ingress = self.arrival_hops(dst);
        for hop in &ingress {
            if !out.hops.contains(hop) {
                out.hops.push(hop.clone());
            }
            if self.hop_widened(hop) {
                out.notes.push(format!(
                    "at `{}`, `VirtualNetwork` includes the prefixes of the subnet's routes (a 0.0.0.0/0 route makes it every address; nsg-semantics §2.6 item 5)",
                    self.net[hop.nsg].meta.address
                ));
            }
        }
        let flow = self.apply_side(dst.vnet, Direction::Inbound, &ingress, flow);
        if !flow.is_empty() {
            out.delivered.push((flow, leg.devices.clone()));
        }
    }

    fn drop_part(out: &mut Walked, reason: String) {
        if !out.dropped.contains(&reason) {
            out.dropped.push(reason);
        }
    }

    /// One leg: the routes of `subnet` split the flow; each part follows its next hop.
    fn leave(&self, subnet: SubnetId, flow: &Flow, leg: &Leg, dst: &Segment, out: &mut Walked) {
        let Some(routes) = self.effective_routes(subnet) else {
            Self::drop_part(
                out,
                format!(
                    "the routes of `{}` are not known (its virtual network or prefixes are unresolved)",
                    self.net[subnet].meta.address
                ),
            );
            return;
        };
        out.notes.extend(routes.notes.iter().cloned());
        for (ip, note) in &routes.address_notes {
            if !flow.restrict(&dst_part(&AddrSet::from_ip(*ip))).is_empty() {
                out.notes.push(note.clone());
            }
        }
        let here = self.subnet_vnet(subnet);
        for route in &routes.routes {
            let part = flow.restrict(&dst_part(&route.addresses));
            if part.is_empty() {
                continue;
            }
            if let Some(note) = route.note {
                out.notes.push(note.to_owned());
            }
            self.follow(route, here, &part, leg, dst, out);
        }
    }

    fn follow(
        &self,
        route: &EffectiveRoute,
        here: Option<VnetId>,
        part: &Flow,
        leg: &Leg,
        dst: &Segment,
        out: &mut Walked,
    ) {
        match &route.next_hop {
            NextHop::VnetLocal(vnet) | NextHop::Peering(vnet) => {
                if let Some(here) = here
                    && let Err(reason) = self.crossing(here, *vnet, leg)
                {
                    Self::drop_part(out, reason);
                    return;
                }
                if dst.vnet == Some(*vnet) && dst.subnet.is_some() {
                    self.deliver(part, leg, dst, out);
                } else {
                    Self::drop_part(
                        out,
                        format!(
                            "the destination is inside `{}` but in none of its subnets",
                            self.net[*vnet].meta.display_name()
                        ),
                    );
                }
            }
            NextHop::Internet => {
                if dst.vnet.is_some() {
                    Self::drop_part(
                        out,
                        "a route sends it to the Internet, but the destination is inside Azure"
                            .to_owned(),
                    );
                    return;
                }
                let private = dst_part(&private_ranges());
                let public = part.subtract(&private);
                if !public.is_empty() {
                    out.delivered.push((public, leg.devices.clone()));
                }
                if !part.restrict(&private).is_empty() {
                    Self::drop_part(out, "a route sends private destinations to the Internet, where they are dropped".to_owned());
                }
            }
            NextHop::Gateway(vnet) => {
                let ranges = self.gateway_ranges(*vnet);
                let reached = part.restrict(&dst_part(&ranges));
                if dst.vnet.is_none() && !reached.is_empty() {
                    out.notes.push("on-premises networks beyond the gateway are outside the templates: delivery there is assumed".to_owned());
                    out.delivered.push((reached, leg.devices.clone()));
                }
                if !part.subtract(&dst_part(&ranges)).is_empty() || dst.vnet.is_some() {
                    Self::drop_part(
                        out,
                        format!(
                            "a route sends it to the virtual network gateway of `{}`, which knows no route to it",
                            self.net[*vnet].meta.display_name()
                        ),
                    );
                }
            }
            NextHop::Drop => Self::drop_part(
                out,
                format!("route {} drops it (next hop None)", self.route_label(route)),
            ),
            NextHop::Appliance(appliance) => {
                self.through_appliance(appliance, here, part, leg, dst, out);
            }
        }
    }

    fn through_appliance(
        &self,
        appliance: &Appliance,
        here: Option<VnetId>,
        part: &Flow,
        leg: &Leg,
        dst: &Segment,
        out: &mut Walked,
    ) {
        let mut next = leg.clone();
        next.count += 1;
        if next.count > MAX_LEGS || leg.devices.contains(appliance) {
            Self::drop_part(
                out,
                format!(
                    "routing loop: the path comes back to {} (at most {MAX_LEGS} appliances are followed)",
                    self.appliance_label(appliance)
                ),
            );
            return;
        }
        next.devices.push(appliance.clone());
        let Some(subnet) = self.appliance_subnet(appliance) else {
            // Managed elsewhere: assumed to forward to the destination.
            out.notes.push(format!(
                "{} is assumed to forward the traffic (routing spec §3)",
                self.appliance_label(appliance)
            ));
            if dst.subnet.is_some() {
                self.deliver(part, &next, dst, out);
            } else {
                out.delivered.push((part.clone(), next.devices.clone()));
            }
            return;
        };
        let there = self.subnet_vnet(subnet);
        if let (Some(here), Some(there)) = (here, there)
            && let Err(reason) = self.crossing(here, there, leg)
        {
            Self::drop_part(
                out,
                format!(
                    "{reason} (on the way to {})",
                    self.appliance_label(appliance)
                ),
            );
            return;
        }
        let flow = match appliance {
            Appliance::Firewall(fw) => match self.compiled_firewall(*fw) {
                Some(compiled) => {
                    out.notes.extend(compiled.notes.iter().cloned());
                    let flow = Flow {
                        must: compiled.filter(&part.must, Mode::Must),
                        may: compiled.filter(&part.may, Mode::May),
                    };
                    if !flow.may.is_subset(&flow.must) {
                        out.notes.push(format!(
                            "{} only possibly allows part of it: its rules name hosts (FQDNs, application rules) or values vnetlint cannot resolve, not addresses (routing spec §10 case 10)",
                            self.appliance_label(appliance)
                        ));
                    }
                    flow
                }
                None => part.clone(),
            },
            Appliance::Nva(nic) => {
                let arrive = self.ingress_hops(Some(subnet), Some(*nic));
                let mut flow = self.apply_side(there, Direction::Inbound, &arrive, part);
                match self.net[*nic].ip_forwarding.as_ref() {
                    Some(attr) if attr.get() == Some(&true) => {}
                    Some(attr) if attr.get().is_none() => flow.must = PacketSet::empty(),
                    _ => {
                        Self::drop_part(
                            out,
                            format!(
                                "IP forwarding is off on {}, so it drops what it should forward",
                                self.appliance_label(appliance)
                            ),
                        );
                        return;
                    }
                }
                out.notes.push(format!(
                    "{} forwards what its NSGs admit; its own filtering is not in the templates (assumed)",
                    self.appliance_label(appliance)
                ));
                let leave = self.egress_hops(Some(subnet), Some(*nic));
                self.apply_side(there, Direction::Outbound, &leave, &flow)
            }
            Appliance::Outside(_) => part.clone(),
        };
        if flow.is_empty() {
            Self::drop_part(
                out,
                format!("{} denies it", self.appliance_label(appliance)),
            );
            return;
        }
        let denied = part.must.subtract(&flow.may);
        if !denied.is_empty() {
            Self::drop_part(
                out,
                format!("{} denies part of it", self.appliance_label(appliance)),
            );
        }
        // The appliance sends on from its own VNet: what it forwards counts as forwarded.
        next.origin = match leg.origin {
            Some(origin) if Some(origin) == there => Some(origin),
            _ => None,
        };
        self.leave(subnet, &flow, &next, dst, out);
    }

    fn route_label(&self, route: &EffectiveRoute) -> String {
        match route.origin {
            RouteOrigin::User(table, index) => {
                format!(
                    "`{}`",
                    self.net.route_tables[table.index()].routes[index].address
                )
            }
            RouteOrigin::Gateway => format!("{} (learned by the gateway)", route.prefix),
            RouteOrigin::System => format!("{} (system route)", route.prefix),
        }
    }

    /// Keeps TCP only where the replies come back through the same stateful devices (spec §6).
    fn check_returns(&self, src: &Segment, dst: &Segment, out: &mut Walked) {
        // Replies to the Internet or on-premises leave through whatever translated the request
        // (a firewall's public IP, the gateway): they come back the same way.
        let Some(dst_subnet) = dst.subnet else {
            return;
        };
        let mut reverse = Vec::new();
        self.reverse(
            dst_subnet,
            &src.addresses,
            src,
            0,
            &mut Vec::new(),
            &mut reverse,
        );
        let mut kept = Vec::new();
        for (flow, forward) in std::mem::take(&mut out.delivered) {
            let mut flow = flow;
            for (addresses, back) in &reverse {
                let tcp = src_tcp(addresses);
                if flow.restrict(&tcp).is_empty() {
                    continue;
                }
                let reason = match back {
                    Err(reason) => Some(format!("the replies have no way back: {reason}")),
                    Ok(back) => self.asymmetry(&forward, back, &mut out.notes),
                };
                if let Some(reason) = reason {
                    Self::drop_part(out, reason);
                    flow = flow.subtract(&tcp);
                }
            }
            if !flow.is_empty() {
                kept.push((flow, forward));
            }
        }
        out.delivered = kept;
    }

    /// Why a forward and a return path cross different stateful devices, if they do.
    pub(crate) fn asymmetry(
        &self,
        forward: &[Appliance],
        back: &[Appliance],
        notes: &mut Vec<String>,
    ) -> Option<String> {
        let outside = |d: &Appliance| matches!(d, Appliance::Outside(_));
        if forward.iter().any(outside) || back.iter().any(outside) {
            if forward != back {
                notes.push("an appliance outside the templates is on the way there or back: the return path is assumed to pass it too".to_owned());
            }
            return None;
        }
        let mut f: Vec<&Appliance> = forward.iter().collect();
        let mut b: Vec<&Appliance> = back.iter().collect();
        f.sort();
        f.dedup();
        b.sort();
        b.dedup();
        if f == b {
            return None;
        }
        let missing: Vec<String> = b
            .iter()
            .filter(|d| !f.contains(d))
            .map(|d| self.appliance_label(d))
            .collect();
        Some(if missing.is_empty() {
            let skipped: Vec<String> = f
                .iter()
                .filter(|d| !b.contains(d))
                .map(|d| self.appliance_label(d))
                .collect();
            format!(
                "asymmetric route: the replies bypass {}, which keeps the session and drops what it did not see",
                skipped.join(", ")
            )
        } else {
            format!(
                "asymmetric route: the replies go through {}, which the request did not cross and which drops them",
                missing.join(", ")
            )
        })
    }

    /// The stateful devices replies from `subnet` to outside addresses (`toward`) cross, per
    /// part of `toward`, or why they never get back.
    pub fn return_devices(
        &self,
        subnet: SubnetId,
        toward: &AddrSet,
    ) -> Vec<(AddrSet, Result<Vec<Appliance>, String>)> {
        let outside = crate::path::external_segment("", toward.clone());
        let mut out = Vec::new();
        self.reverse(subnet, toward, &outside, 0, &mut Vec::new(), &mut out);
        out
    }

    /// The devices the replies from `subnet` toward `toward` cross, per part of `toward`.
    pub(crate) fn reverse(
        &self,
        subnet: SubnetId,
        toward: &AddrSet,
        src: &Segment,
        count: usize,
        devices: &mut Vec<Appliance>,
        out: &mut Vec<(AddrSet, Result<Vec<Appliance>, String>)>,
    ) {
        let Some(routes) = self.effective_routes(subnet) else {
            out.push((
                toward.clone(),
                Err("the routes of the destination are not known".to_owned()),
            ));
            return;
        };
        for route in &routes.routes {
            let part = toward.intersect(&route.addresses);
            if part.is_empty() {
                continue;
            }
            let result = match &route.next_hop {
                NextHop::VnetLocal(v) | NextHop::Peering(v) => {
                    if src.vnet == Some(*v) {
                        Ok(devices.clone())
                    } else {
                        Err(format!("route {} leads elsewhere", self.route_label(route)))
                    }
                }
                NextHop::Internet if src.vnet.is_none() => Ok(devices.clone()),
                NextHop::Gateway(v) if src.vnet.is_none() => {
                    // Replies to on-premises go back through the gateway they came from;
                    // replies to the Internet sent to a gateway (forced tunnelling) never
                    // reach the client.
                    let ranges = self.gateway_ranges(*v);
                    let tunnelled = part.subtract(&ranges);
                    if !tunnelled.is_empty() {
                        out.push((
                            tunnelled,
                            Err(format!(
                                "route {} sends them to the virtual network gateway (forced tunnelling), not back to the client",
                                self.route_label(route)
                            )),
                        ));
                    }
                    let home = part.intersect(&ranges);
                    if home.is_empty() {
                        continue;
                    }
                    out.push((home, Ok(devices.clone())));
                    continue;
                }
                NextHop::Internet | NextHop::Gateway(_) => {
                    Err(format!("route {} leads elsewhere", self.route_label(route)))
                }
                NextHop::Drop => Err(format!("route {} drops them", self.route_label(route))),
                NextHop::Appliance(appliance) => {
                    if count + 1 > MAX_LEGS || devices.contains(appliance) {
                        Err("routing loop".to_owned())
                    } else {
                        devices.push(appliance.clone());
                        if let Some(next) = self.appliance_subnet(appliance) {
                            self.reverse(next, &part, src, count + 1, devices, out);
                            devices.pop();
                            continue;
                        }
                        let result = Ok(devices.clone());
                        devices.pop();
                        result
                    }
                }
            };
            out.push((part, result));
        }
    }
}
