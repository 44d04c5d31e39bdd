//! One packet's journey, step by step: the per-packet twin of the set walk in `legs`, which
//! explains a witness (each route, peering, appliance, NSG rule and the return path, with
//! where it is written) and which the property tests compare with the set walk.

use std::fmt::Write as _;

use vnetlint_ir::{Attr, ElementId, Span, SubnetId, VnetId};

use crate::addr::AddrSet;
use crate::admin::AdminAction;
use crate::legs::{Leg, MAX_LEGS, Step, StepKind, private_ranges};
use crate::model::{Access, Direction};
use crate::packet::{Packet, Protocol};
use crate::path::{Hop, HopTrace, Segment};
use crate::routes::{Appliance, EffectiveRoute, NextHop, RouteOrigin};
use crate::topology::Topology;

impl Topology<'_> {
    /// One packet's journey, step by step (for a witness), with the NSG decisions on the way.
    pub fn trace_packet(
        &self,
        src: &Segment,
        dst: &Segment,
        packet: &Packet,
    ) -> (Vec<Step>, Vec<HopTrace>) {
        let mut tracer = Tracer {
            topo: self,
            steps: Vec::new(),
            nsg: Vec::new(),
        };
        let delivered = tracer.run(src, dst, packet);
        if delivered.is_some()
            && let Some(dst_subnet) = dst.subnet
        {
            tracer.trace_return(dst_subnet, src, packet, &delivered.unwrap_or_default());
        }
        (tracer.steps, tracer.nsg)
    }
}

/// One NSG hop's decision as a path step.
pub(crate) fn nsg_step(topo: &Topology<'_>, trace: &HopTrace) -> Step {
    let rule = trace.rule.describe(topo.net);
    let nsg = &topo.net[trace.hop.nsg].meta.address;
    Step {
        kind: StepKind::Nsg,
        text: format!(
            "`{nsg}` {}: {} by {rule}",
            trace.hop.direction, trace.access
        ),
        element: Some(ElementId::Nsg(trace.hop.nsg)),
        span: trace.rule.custom().map(|r| topo.net[r].meta.span),
        assumed: false,
        stops: trace.access == Access::Deny,
    }
}

impl Topology<'_> {
    /// One packet from `src` to `dst` as steps: through routes and appliances where routing
    /// is modelled, else through the NSGs of the path (when the VNets connect).
    pub(crate) fn packet_journey(
        &self,
        src: &Segment,
        dst: &Segment,
        packet: &Packet,
    ) -> (Vec<Step>, Vec<HopTrace>) {
        if self.routing_active() {
            return self.trace_packet(src, dst, packet);
        }
        if let (Some(a), Some(b)) = (src.vnet, dst.vnet)
            && let Err(reason) = self.route(a, b)
        {
            let step = Step {
                kind: StepKind::Route,
                text: reason,
                element: None,
                span: None,
                assumed: false,
                stops: true,
            };
            return (vec![step], Vec::new());
        }
        let trace = self.trace(&self.hops(src, dst), packet);
        (trace.iter().map(|t| nsg_step(self, t)).collect(), trace)
    }
}

/// The per-packet twin of the set walk.
struct Tracer<'t, 'n> {
    topo: &'t Topology<'n>,
    steps: Vec<Step>,
    nsg: Vec<HopTrace>,
}

impl Tracer<'_, '_> {
    fn step(
        &mut self,
        kind: StepKind,
        text: String,
        element: Option<ElementId>,
        span: Option<Span>,
    ) {
        self.steps.push(Step {
            kind,
            text,
            element,
            span,
            assumed: false,
            stops: false,
        });
    }

    fn stop(
        &mut self,
        kind: StepKind,
        text: String,
        element: Option<ElementId>,
        span: Option<Span>,
    ) {
        self.step(kind, text, element, span);
        if let Some(last) = self.steps.last_mut() {
            last.stops = true;
        }
    }

    fn assumed(&mut self) {
        if let Some(last) = self.steps.last_mut() {
            last.assumed = true;
        }
    }

    /// One side of a VNet crossing for one packet: the deciding admin rule (if any), then the
    /// NSG hops unless the admin rule decided; false when the packet is dropped.
    fn side(
        &mut self,
        vnet: Option<VnetId>,
        direction: Direction,
        hops: &[Hop],
        packet: &Packet,
    ) -> bool {
        let topo = self.topo;
        if let Some(rule) = topo.admin.decide(vnet, direction, packet).rule {
            let admin = &topo.net.admin_rules[rule.rule.index()];
            let deny = rule.action == AdminAction::Deny;
            let what = match rule.action {
                AdminAction::Deny => "drops it before any NSG",
                AdminAction::AlwaysAllow => "lets it through without consulting the NSGs",
                AdminAction::Allow => "hands it on to the NSGs",
            };
            self.steps.push(Step {
                kind: StepKind::Admin,
                text: format!(
                    "admin rule `{}` ({} {direction}, priority {}) {what}",
                    admin.meta.address,
                    rule.action.name(),
                    rule.priority
                ),
                element: None,
                span: Some(admin.meta.span),
                assumed: !rule.lower.contains(packet),
                stops: deny,
            });
            match rule.action {
                AdminAction::Deny => return false,
                AdminAction::AlwaysAllow => return true,
                AdminAction::Allow => {}
            }
        }
        self.nsgs(hops, packet)
    }

    /// The inbound NSG hops in front of `dst`, with a step saying so when a private
    /// endpoint's network policies leave its subnet's NSG out (routing spec §8).
    fn arrival(&mut self, dst: &Segment) -> Vec<Hop> {
        let topo = self.topo;
        let hops = topo.arrival_hops(dst);
        if let (Some(pe), Some(subnet)) = (dst.private_endpoint, dst.subnet)
            && hops.is_empty()
            && topo.subnet_nsg(subnet).is_some()
        {
            self.step(
                StepKind::Endpoint,
                format!(
                    "`{}` is a private endpoint and its subnet's network policies do not apply NSGs to it: `{}` is skipped",
                    topo.net[pe].meta.address,
                    topo.net[topo.subnet_nsg(subnet).expect("checked")].meta.address
                ),
                Some(ElementId::PrivateEndpoint(pe)),
                topo.net[subnet]
                    .private_endpoint_network_policies
                    .as_ref()
                    .map(|a| a.span),
            );
        }
        hops
    }

    /// NSG hops for one packet; false at the first deny.
    fn nsgs(&mut self, hops: &[Hop], packet: &Packet) -> bool {
        for trace in self.topo.trace(hops, packet) {
            let deny = trace.access == Access::Deny;
            self.steps.push(nsg_step(self.topo, &trace));
            self.nsg.push(trace);
            if deny {
                return false;
            }
        }
        true
    }

    /// The forward journey; the devices crossed when delivered.
    fn run(&mut self, src: &Segment, dst: &Segment, packet: &Packet) -> Option<Vec<Appliance>> {
        let topo = self.topo;
        let Some(subnet) = src.subnet else {
            let hops = self.arrival(dst);
            return self
                .side(dst.vnet, Direction::Inbound, &hops, packet)
                .then(Vec::new);
        };
        if !self.side(
            src.vnet,
            Direction::Outbound,
            &topo.egress_hops(Some(subnet), src.nic),
            packet,
        ) {
            return None;
        }
        let mut leg = Leg {
            count: 0,
            origin: src.vnet,
            devices: Vec::new(),
        };
        let mut subnet = subnet;
        loop {
            let here = topo.subnet_vnet(subnet);
            let Some(route) = topo
                .effective_routes(subnet)
                .and_then(|r| r.lookup(packet.dst))
            else {
                self.stop(
                    StepKind::Route,
                    format!(
                        "`{}` has no route to {}",
                        topo.net[subnet].meta.address, packet.dst
                    ),
                    Some(ElementId::Subnet(subnet)),
                    None,
                );
                return None;
            };
            let (element, span) = self.route_site(route, subnet);
            let mut text = format!(
                "`{}`: {} → {}",
                topo.net[subnet].meta.address,
                route.prefix,
                self.next_hop_text(&route.next_hop)
            );
            if let RouteOrigin::User(table, index) = route.origin {
                let _ = write!(
                    text,
                    " (route `{}`)",
                    topo.net.route_tables[table.index()].routes[index].address
                );
            }
            if route.note.is_some() {
                text.push_str(" [UNSURE reading, see the notes]");
            }
            self.step(StepKind::Route, text, element, span);
            match route.next_hop.clone() {
                NextHop::VnetLocal(vnet) | NextHop::Peering(vnet) => {
                    if !self.cross(here, vnet, &leg) {
                        return None;
                    }
                    if dst.vnet == Some(vnet) && dst.subnet.is_some() {
                        let hops = self.arrival(dst);
                        return self
                            .side(dst.vnet, Direction::Inbound, &hops, packet)
                            .then_some(leg.devices);
                    }
                    self.stop(
                        StepKind::Route,
                        format!(
                            "{} is in no subnet of `{}`",
                            packet.dst,
                            topo.net[vnet].meta.display_name()
                        ),
                        None,
                        None,
                    );
                    return None;
                }
                NextHop::Internet => {
                    if dst.vnet.is_some() || private_ranges().contains(packet.dst) {
                        self.stop(
                            StepKind::Route,
                            format!("{} is not an Internet address: dropped", packet.dst),
                            None,
                            None,
                        );
                        return None;
                    }
                    return Some(leg.devices);
                }
                NextHop::Gateway(vnet) => {
                    if dst.vnet.is_none() && topo.gateway_ranges(vnet).contains(packet.dst) {
                        self.step(
                            StepKind::Gateway,
                            format!(
                                "to on-premises through the gateway of `{}`",
                                topo.net[vnet].meta.display_name()
                            ),
                            Some(ElementId::Vnet(vnet)),
                            None,
                        );
                        self.assumed();
                        return Some(leg.devices);
                    }
                    self.stop(
                        StepKind::Gateway,
                        format!(
                            "the gateway of `{}` has no route to {}",
                            topo.net[vnet].meta.display_name(),
                            packet.dst
                        ),
                        Some(ElementId::Vnet(vnet)),
                        None,
                    );
                    return None;
                }
                NextHop::Drop => {
                    if let Some(last) = self.steps.last_mut() {
                        last.stops = true;
                        last.text.push_str(": dropped");
                    }
                    return None;
                }
                NextHop::Appliance(appliance) => {
                    leg.count += 1;
                    if leg.count > MAX_LEGS || leg.devices.contains(&appliance) {
                        self.stop(
                            StepKind::Appliance,
                            format!("routing loop: {} again", topo.appliance_label(&appliance)),
                            None,
                            None,
                        );
                        return None;
                    }
                    leg.devices.push(appliance.clone());
                    let Some(next) = topo.appliance_subnet(&appliance) else {
                        self.step(
                            StepKind::Appliance,
                            format!("{} forwards it", topo.appliance_label(&appliance)),
                            None,
                            None,
                        );
                        self.assumed();
                        if dst.subnet.is_some() {
                            let hops = self.arrival(dst);
                            return self
                                .side(dst.vnet, Direction::Inbound, &hops, packet)
                                .then_some(leg.devices);
                        }
                        return Some(leg.devices);
                    };
                    let there = topo.subnet_vnet(next);
                    if let Some(there) = there
                        && !self.cross(here, there, &leg)
                    {
                        return None;
                    }
                    if !self.appliance(&appliance, next, packet) {
                        return None;
                    }
                    leg.origin = match leg.origin {
                        Some(origin) if Some(origin) == there => Some(origin),
                        _ => None,
                    };
                    subnet = next;
                }
            }
        }
    }

    fn cross(&mut self, here: Option<VnetId>, to: VnetId, leg: &Leg) -> bool {
        let Some(here) = here else { return true };
        match self.topo.crossing(here, to, leg) {
            Ok(false) => true,
            Ok(true) => {
                self.step(
                    StepKind::Peering,
                    format!(
                        "`{}` → `{}`",
                        self.topo.net[here].meta.display_name(),
                        self.topo.net[to].meta.display_name()
                    ),
                    Some(ElementId::Vnet(to)),
                    None,
                );
                true
            }
            Err(reason) => {
                self.stop(StepKind::Peering, reason, Some(ElementId::Vnet(to)), None);
                false
            }
        }
    }

    /// The appliance's own decision; true when it forwards.
    fn appliance(&mut self, appliance: &Appliance, subnet: SubnetId, packet: &Packet) -> bool {
        let topo = self.topo;
        match appliance {
            Appliance::Firewall(fw) => {
                let Some(compiled) = topo.compiled_firewall(*fw) else {
                    return true;
                };
                let decision = compiled.decide(packet);
                let label = topo.appliance_label(appliance);
                let (text, span) = match decision.rule {
                    Some(i) => {
                        let rule = &compiled.rules[i];
                        (
                            format!(
                                "{label}: {} by `{}`{}",
                                decision.access,
                                rule.address,
                                if decision.possible {
                                    " (a possible match: FQDNs or unresolved values)"
                                } else {
                                    ""
                                }
                            ),
                            Some(rule.span),
                        )
                    }
                    None => (
                        format!("{label}: deny (no rule matches; the firewall denies by default)"),
                        None,
                    ),
                };
                let deny = decision.access == Access::Deny;
                self.steps.push(Step {
                    kind: StepKind::Firewall,
                    text,
                    element: Some(ElementId::Firewall(*fw)),
                    span,
                    assumed: decision.possible,
                    stops: deny,
                });
                !deny
            }
            Appliance::Nva(nic) => {
                let there = topo.subnet_vnet(subnet);
                if !self.side(
                    there,
                    Direction::Inbound,
                    &topo.ingress_hops(Some(subnet), Some(*nic)),
                    packet,
                ) {
                    return false;
                }
                let forwarding = topo.net[*nic]
                    .ip_forwarding
                    .as_ref()
                    .and_then(Attr::get)
                    .copied();
                if forwarding != Some(true) {
                    self.stop(
                        StepKind::Appliance,
                        format!(
                            "IP forwarding is off on {}: dropped",
                            topo.appliance_label(appliance)
                        ),
                        Some(ElementId::Nic(*nic)),
                        None,
                    );
                    return false;
                }
                self.step(
                    StepKind::Appliance,
                    format!(
                        "{} forwards it (its own filtering is not in the templates)",
                        topo.appliance_label(appliance)
                    ),
                    Some(ElementId::Nic(*nic)),
                    None,
                );
                self.assumed();
                self.side(
                    there,
                    Direction::Outbound,
                    &topo.egress_hops(Some(subnet), Some(*nic)),
                    packet,
                )
            }
            Appliance::Outside(_) => true,
        }
    }

    /// The reply's way back: a return step naming the devices it crosses, stopping when they
    /// differ from the request's (TCP only, spec §6).
    fn trace_return(
        &mut self,
        dst_subnet: SubnetId,
        src: &Segment,
        packet: &Packet,
        forward: &[Appliance],
    ) {
        if packet.protocol != Protocol::Tcp {
            return;
        }
        let mut back = Vec::new();
        self.topo.reverse(
            dst_subnet,
            &AddrSet::from_ip(packet.src),
            src,
            0,
            &mut Vec::new(),
            &mut back,
        );
        let Some((_, result)) = back.into_iter().find(|(a, _)| a.contains(packet.src)) else {
            return;
        };
        match result {
            Err(reason) => self.stop(
                StepKind::Return,
                format!("the replies have no way back: {reason}"),
                None,
                None,
            ),
            Ok(devices) => {
                let mut notes = Vec::new();
                match self.topo.asymmetry(forward, &devices, &mut notes) {
                    Some(reason) => self.stop(StepKind::Return, reason, None, None),
                    None if devices.is_empty() => self.step(
                        StepKind::Return,
                        "the replies come back directly".to_owned(),
                        None,
                        None,
                    ),
                    None => {
                        let names: Vec<String> = devices
                            .iter()
                            .map(|d| self.topo.appliance_label(d))
                            .collect();
                        self.step(
                            StepKind::Return,
                            format!("the replies come back through {}", names.join(", ")),
                            None,
                            None,
                        );
                    }
                }
            }
        }
    }

    fn route_site(
        &self,
        route: &EffectiveRoute,
        subnet: SubnetId,
    ) -> (Option<ElementId>, Option<Span>) {
        match route.origin {
            RouteOrigin::User(table, index) => (
                Some(ElementId::RouteTable(table)),
                Some(self.topo.net.route_tables[table.index()].routes[index].span),
            ),
            _ => (Some(ElementId::Subnet(subnet)), None),
        }
    }

    fn next_hop_text(&self, hop: &NextHop) -> String {
        let net = self.topo.net;
        match hop {
            NextHop::VnetLocal(v) => format!("VnetLocal (`{}`)", net[*v].meta.display_name()),
            NextHop::Peering(v) => format!("VNetPeering (`{}`)", net[*v].meta.display_name()),
            NextHop::Internet => "Internet".to_owned(),
            NextHop::Gateway(v) => format!(
                "VirtualNetworkGateway (of `{}`)",
                net[*v].meta.display_name()
            ),
            NextHop::Appliance(a) => format!("VirtualAppliance {}", self.topo.appliance_label(a)),
            NextHop::Drop => "None".to_owned(),
        }
    }
}
