//! The network's topology as the NSG evaluation needs it: which NSG guards which subnet and
//! NIC, the addresses of every subnet and NIC, peerings and on-premises ranges, and the
//! `VirtualNetwork` tag of each virtual network (spec §2.6), with each NSG compiled once per
//! virtual network it is used in.
//!
//! Why per virtual network: the same NSG attached to subnets of two VNets means two different
//! `VirtualNetwork` sets, so its rules match different packets in each.

use std::collections::BTreeMap;
use std::net::IpAddr;

use vnetlint_ir::{
    Attr, Network, NicId, NsgId, PublicIpId, RouteTableId, SubnetId, VnetGatewayId, VnetId,
};

use crate::addr::AddrSet;
use crate::admin::AdminLayer;
use crate::compile::compile_nsg;
use crate::firewall::CompiledFirewall;
use crate::model::CompiledNsg;
use crate::path::{Association, Hop};
use crate::routes::{EffectiveRoutes, RouteInputs, effective_routes, resolve_appliances};
use crate::tags::{AZURE_HOST_IP, TagContext};

/// Whether both directions of a peering are declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeeringState {
    /// Both links exist: traffic flows.
    Connected,
    /// Only the link from `from` exists: Azure shows it as `Initiated` and carries nothing.
    OneSided,
}

/// A peering between two virtual networks, as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeeringLink {
    pub from: VnetId,
    pub to: VnetId,
    pub state: PeeringState,
    /// `allow_virtual_network_access` of the link from `from` (default true): whether `to` is
    /// part of `from`'s `VirtualNetwork` tag.
    pub in_tag: bool,
}

/// The network's topology, with compiled NSGs.
pub struct Topology<'n> {
    pub net: &'n Network,
    /// `VirtualNetwork` per virtual network, by `VnetId` index.
    vnet_tags: Vec<TagContext>,
    /// The known prefixes of each subnet (`None` when unknown).
    subnet_prefixes: Vec<Option<AddrSet>>,
    pub peerings: Vec<PeeringLink>,
    /// On-premises prefixes reachable from each VNet through its gateway.
    on_premises: Vec<AddrSet>,
    /// Shared, so that the checks' per-NSG views reuse the compilation "on its own".
    compiled: BTreeMap<(NsgId, Option<VnetId>), std::sync::Arc<CompiledNsg>>,
    /// Effective routes and compiled firewalls, when some subnet has routes of its own.
    pub(crate) routing: Option<Routing>,
    /// Virtual Network Manager security admin rules in force, per VNet.
    pub admin: AdminLayer,
}

/// What paths need beyond NSGs once user-defined routes exist.
pub(crate) struct Routing {
    /// Effective routes by `SubnetId` index (`None`: the subnet's VNet or prefixes are unknown).
    pub routes: Vec<Option<EffectiveRoutes>>,
    /// Compiled by `FirewallId` index.
    pub firewalls: Vec<CompiledFirewall>,
    /// NSGs of subnets with user-defined routes (and of their NICs), compiled with those
    /// routes' prefixes in `VirtualNetwork` (nsg-semantics §2.6 item 5: a 0.0.0.0/0 route to an
    /// appliance makes the tag every address).
    pub widened: BTreeMap<(NsgId, SubnetId), std::sync::Arc<CompiledNsg>>,
}

impl<'n> Topology<'n> {
    pub fn build(net: &'n Network) -> Topology<'n> {
        let subnet_prefixes: Vec<Option<AddrSet>> = net
            .subnets
            .iter()
            .map(|s| parse_list(s.address_prefixes.as_ref()))
            .collect();
        let peerings = peering_links(net);
        let on_premises = on_premises_ranges(net);
        let spaces: Vec<Option<AddrSet>> = net
            .vnets
            .iter()
            .map(|v| parse_list(v.address_space.as_ref()))
            .collect();
        let vnet_tags = (0..net.vnets.len())
            .map(|i| {
                let id = VnetId(u32::try_from(i).unwrap_or(u32::MAX));
                let mut incomplete = spaces[i].is_none();
                let mut tag = spaces[i].clone().unwrap_or_default();
                for link in peerings.iter().filter(|l| l.from == id && l.in_tag) {
                    match &spaces[link.to.index()] {
                        Some(space) => tag = tag.union(space),
                        None => incomplete = true,
                    }
                }
                tag = tag.union(&on_premises[i]);
                if tag.is_empty() {
                    TagContext::stand_in()
                } else {
                    TagContext {
                        incomplete,
                        ..TagContext::new(&tag)
                    }
                }
            })
            .collect();
        let mut topology = Topology {
            net,
            vnet_tags,
            subnet_prefixes,
            peerings,
            on_premises,
            compiled: BTreeMap::new(),
            routing: None,
            admin: AdminLayer::default(),
        };
        topology.admin = AdminLayer::build(net, &topology.vnet_tags);
        topology.routing = topology.build_routing(&spaces);
        let mut uses: Vec<(NsgId, Option<VnetId>)> = Vec::new();
        for (id, subnet) in net.iter_subnets() {
            if let Some(nsg) = known(subnet.nsg.as_ref()) {
                uses.push((nsg, topology.subnet_vnet(id)));
            }
        }
        for (id, nic) in net.iter_nics() {
            if let Some(nsg) = known(nic.nsg.as_ref()) {
                uses.push((nsg, topology.nic_vnet(id)));
            }
        }
        for (id, _) in net.iter_nsgs() {
            uses.push((id, None));
        }
        uses.sort_unstable();
        uses.dedup();
        for (nsg, vnet) in uses {
            let tags = topology.tag_context(vnet, nsg);
            topology.compiled.insert(
                (nsg, vnet),
                std::sync::Arc::new(compile_nsg(net, nsg, &tags)),
            );
        }
        topology
    }

    /// Routing is modelled once some subnet has a route table with a route or with gateway
    /// propagation off: without, the system routes give exactly the NSG-only answers, and
    /// those networks keep today's cost.
    fn build_routing(&self, spaces: &[Option<AddrSet>]) -> Option<Routing> {
        let net = self.net;
        let active = net.subnets.iter().any(|s| {
            known(s.route_table.as_ref()).is_some_and(|t| {
                let table = &net.route_tables[t.index()];
                !table.routes.is_empty()
                    || table.gateway_propagation.as_ref().and_then(Attr::get) == Some(&false)
            })
        });
        // A firewall is an entry point (DNAT) even where no route sends traffic to it; admin
        // rules are a layer of every leg.
        if !active && net.firewalls.is_empty() && self.admin.is_empty() {
            return None;
        }
        let appliances = resolve_appliances(net);
        let endpoints = crate::endpoint::endpoint_routes(net);
        let routes = (0..net.subnets.len())
            .map(|i| {
                let subnet = SubnetId(u32::try_from(i).unwrap_or(u32::MAX));
                let vnet = self.subnet_vnet(subnet)?;
                let peers = self
                    .peerings
                    .iter()
                    .filter(|l| l.from == vnet && l.state == PeeringState::Connected)
                    .filter_map(|l| Some((l.to, spaces[l.to.index()].clone()?)))
                    .collect();
                let gateway_ranges = std::iter::once(vnet)
                    .chain(self.transit_hubs(vnet))
                    .map(|v| (v, self.on_premises[v.index()].clone()))
                    .collect();
                let inputs = RouteInputs {
                    net,
                    vnet,
                    vnet_space: spaces[vnet.index()].as_ref(),
                    peers,
                    gateway_ranges,
                    appliances: &appliances,
                    endpoints: &endpoints,
                };
                Some(effective_routes(&inputs, subnet))
            })
            .collect();
        let widened = self.widened_nsgs();
        let firewalls = (0..net.firewalls.len())
            .map(|i| {
                CompiledFirewall::compile(
                    net,
                    vnetlint_ir::FirewallId(u32::try_from(i).unwrap_or(u32::MAX)),
                )
            })
            .collect();
        Some(Routing {
            routes,
            firewalls,
            widened,
        })
    }

    /// The NSGs whose `VirtualNetwork` grows by their subnet's route prefixes.
    fn widened_nsgs(&self) -> BTreeMap<(NsgId, SubnetId), std::sync::Arc<CompiledNsg>> {
        let net = self.net;
        let mut out = BTreeMap::new();
        // The widened tag depends on the VNet and the route table only: subnets sharing both
        // share each NSG's compilation.
        let mut shared: BTreeMap<(NsgId, VnetId, RouteTableId), std::sync::Arc<CompiledNsg>> =
            BTreeMap::new();
        for (subnet, s) in net.iter_subnets() {
            let (Some(table), Some(vnet)) =
                (known(s.route_table.as_ref()), self.subnet_vnet(subnet))
            else {
                continue;
            };
            let prefixes = net.route_tables[table.index()]
                .routes
                .iter()
                .filter_map(|r| r.address_prefix.as_ref()?.get())
                .filter_map(|p| AddrSet::parse(p))
                .fold(AddrSet::empty(), |a, b| a.union(&b));
            let base = &self.vnet_tags[vnet.index()];
            if prefixes.is_subset(&base.virtual_network) {
                continue;
            }
            let tags = TagContext {
                virtual_network: base.virtual_network.union(&prefixes),
                ..base.clone()
            };
            let mut nsgs: Vec<NsgId> = known(s.nsg.as_ref()).into_iter().collect();
            nsgs.extend(
                self.nics_in_subnet(subnet)
                    .into_iter()
                    .filter_map(|(nic, _)| self.nic_nsg(nic)),
            );
            for nsg in nsgs {
                let compiled = shared
                    .entry((nsg, vnet, table))
                    .or_insert_with(|| std::sync::Arc::new(compile_nsg(net, nsg, &tags)));
                out.entry((nsg, subnet))
                    .or_insert_with(|| std::sync::Arc::clone(compiled));
            }
        }
        out
    }

    /// The subnet an NSG hop sits in (a NIC's: its first configuration's).
    fn hop_subnet(&self, hop: &Hop) -> Option<SubnetId> {
        match hop.association {
            Association::Subnet(subnet) => Some(subnet),
            Association::Nic(nic) => self.net[nic]
                .ip_configurations
                .iter()
                .find_map(|c| known(c.subnet.as_ref())),
        }
    }

    /// The compilation an NSG hop is evaluated with: widened by the subnet's routes where
    /// routing is modelled, else the NSG as used in its VNet.
    pub fn hop_compiled(&self, hop: &Hop) -> &CompiledNsg {
        if let Some(routing) = &self.routing
            && let Some(subnet) = self.hop_subnet(hop)
            && let Some(compiled) = routing.widened.get(&(hop.nsg, subnet))
        {
            return compiled;
        }
        self.compiled(hop.nsg, hop.vnet)
    }

    /// Whether a hop's `VirtualNetwork` was widened by route prefixes (for a note).
    pub fn hop_widened(&self, hop: &Hop) -> bool {
        self.routing.as_ref().is_some_and(|routing| {
            self.hop_subnet(hop)
                .is_some_and(|subnet| routing.widened.contains_key(&(hop.nsg, subnet)))
        })
    }

    /// The `VirtualNetwork` context for an NSG evaluated in `vnet` (or on its own).
    pub fn tag_context(&self, vnet: Option<VnetId>, nsg: NsgId) -> TagContext {
        match vnet {
            Some(vnet) => self.vnet_tags[vnet.index()].clone(),
            None => TagContext::for_nsg(self.net, nsg),
        }
    }

    /// The NSG compiled for use in `vnet` (or on its own when `vnet` is `None`).
    pub fn compiled(&self, nsg: NsgId, vnet: Option<VnetId>) -> &CompiledNsg {
        self.compiled_shared(nsg, vnet)
    }

    /// [`Topology::compiled`] as a shared handle, for views that outlive a borrow of the
    /// topology (the NSG compiled on its own, `vnet` `None`, is what a check judges alone).
    pub fn compiled_shared(
        &self,
        nsg: NsgId,
        vnet: Option<VnetId>,
    ) -> &std::sync::Arc<CompiledNsg> {
        self.compiled
            .get(&(nsg, vnet))
            .or_else(|| self.compiled.get(&(nsg, None)))
            .expect("every NSG is compiled on its own")
    }

    pub fn vnet_tag(&self, vnet: VnetId) -> &TagContext {
        &self.vnet_tags[vnet.index()]
    }

    pub fn subnet_prefixes(&self, subnet: SubnetId) -> Option<&AddrSet> {
        self.subnet_prefixes.get(subnet.index())?.as_ref()
    }

    pub fn subnet_vnet(&self, subnet: SubnetId) -> Option<VnetId> {
        known(self.net.subnets.get(subnet.index())?.vnet.as_ref())
    }

    pub fn subnet_nsg(&self, subnet: SubnetId) -> Option<NsgId> {
        known(self.net.subnets.get(subnet.index())?.nsg.as_ref())
    }

    pub fn nic_nsg(&self, nic: NicId) -> Option<NsgId> {
        known(self.net.nics.get(nic.index())?.nsg.as_ref())
    }

    /// The VNet of a NIC's first configuration with a known subnet.
    pub fn nic_vnet(&self, nic: NicId) -> Option<VnetId> {
        self.net[nic]
            .ip_configurations
            .iter()
            .find_map(|c| known(c.subnet.as_ref()))
            .and_then(|s| self.subnet_vnet(s))
    }

    /// The on-premises ranges connected to a VNet's gateway.
    pub fn on_premises(&self, vnet: VnetId) -> &AddrSet {
        &self.on_premises[vnet.index()]
    }

    /// Whether traffic can be routed from `a` to `b`, and why not.
    pub fn route(&self, a: VnetId, b: VnetId) -> Result<(), String> {
        if a == b {
            return Ok(());
        }
        let link = self
            .peerings
            .iter()
            .find(|l| (l.from == a && l.to == b) || (l.from == b && l.to == a));
        match link.map(|l| l.state) {
            Some(PeeringState::Connected) => Ok(()),
            Some(PeeringState::OneSided) => Err(format!(
                "the peering between `{}` and `{}` is declared in one direction only, so it stays `Initiated` and carries no traffic",
                self.net[a].meta.display_name(),
                self.net[b].meta.display_name()
            )),
            None => Err(format!(
                "`{}` and `{}` are not peered (peering is not transitive)",
                self.net[a].meta.display_name(),
                self.net[b].meta.display_name()
            )),
        }
    }

    /// The NICs (and configuration index) placed in a subnet.
    pub fn nics_in_subnet(&self, subnet: SubnetId) -> Vec<(NicId, usize)> {
        let mut out = Vec::new();
        for (id, nic) in self.net.iter_nics() {
            for (i, config) in nic.ip_configurations.iter().enumerate() {
                if known(config.subnet.as_ref()) == Some(subnet) {
                    out.push((id, i));
                }
            }
        }
        out
    }

    /// The NIC configurations that carry a public IP.
    pub fn public_ip_of(&self, nic: NicId) -> Option<PublicIpId> {
        self.net[nic]
            .ip_configurations
            .iter()
            .find_map(|c| known(c.public_ip.as_ref()))
    }

    /// The address of one NIC configuration: the static IP exactly, else "somewhere in the
    /// subnet" (a dynamic address), else unknown.
    pub fn nic_config_addresses(&self, nic: NicId, index: usize) -> Option<AddrSet> {
        let config = self.net[nic].ip_configurations.get(index)?;
        let ip = config
            .private_ip
            .as_ref()
            .and_then(Attr::get)
            .and_then(|t| t.parse::<IpAddr>().ok());
        match ip {
            Some(ip) => Some(AddrSet::from_ip(ip)),
            None => self
                .subnet_prefixes(known(config.subnet.as_ref())?)
                .cloned(),
        }
    }

    /// The subnet whose prefixes contain `ip`, if any.
    pub fn subnet_containing(&self, ip: IpAddr) -> Option<SubnetId> {
        self.subnet_prefixes.iter().enumerate().find_map(|(i, p)| {
            p.as_ref()
                .filter(|p| p.contains(ip))
                .map(|_| SubnetId(u32::try_from(i).unwrap_or(u32::MAX)))
        })
    }
}

fn known<T: Copy>(attr: Option<&Attr<T>>) -> Option<T> {
    attr.and_then(Attr::get).copied()
}

fn parse_list(list: Option<&vnetlint_ir::AttrList<String>>) -> Option<AddrSet> {
    let items = list?.get()?;
    let mut set = AddrSet::empty();
    for item in items {
        set = set.union(&AddrSet::parse(item.get()?)?);
    }
    Some(set)
}

fn peering_links(net: &Network) -> Vec<PeeringLink> {
    let declared: Vec<(VnetId, VnetId, bool)> = net
        .peerings
        .iter()
        .filter_map(|p| {
            let from = known(p.vnet.as_ref())?;
            let to = known(p.remote_vnet.as_ref())?;
            let access = p
                .allow_virtual_network_access
                .as_ref()
                .and_then(Attr::get)
                .copied()
                .unwrap_or(true);
            Some((from, to, access))
        })
        .collect();
    let mut links: Vec<PeeringLink> = declared
        .iter()
        .map(|&(from, to, in_tag)| PeeringLink {
            from,
            to,
            state: if declared.iter().any(|&(f, t, _)| f == to && t == from) {
                PeeringState::Connected
            } else {
                PeeringState::OneSided
            },
            in_tag,
        })
        .collect();
    links.sort_by_key(|l| (l.from, l.to));
    links.dedup_by_key(|l| (l.from, l.to));
    // A one-sided link carries nothing, so it adds nothing to the tag either.
    for link in &mut links {
        if link.state == PeeringState::OneSided {
            link.in_tag = false;
        }
    }
    links
}

/// On-premises prefixes per VNet: the address spaces of local network gateways connected to a
/// gateway whose subnet is in that VNet (§2.6 item 3; the inference is the spec's best model).
fn on_premises_ranges(net: &Network) -> Vec<AddrSet> {
    let mut out = vec![AddrSet::empty(); net.vnets.len()];
    let gateway_vnet = |gw: VnetGatewayId| -> Option<VnetId> {
        let subnet = known(net.vnet_gateways.get(gw.index())?.subnet.as_ref())?;
        known(net.subnets.get(subnet.index())?.vnet.as_ref())
    };
    for connection in &net.gateway_connections {
        let (Some(gw), Some(lgw)) = (
            known(connection.gateway.as_ref()),
            known(connection.local_gateway.as_ref()),
        ) else {
            continue;
        };
        let Some(vnet) = gateway_vnet(gw) else {
            continue;
        };
        if let Some(space) = parse_list(net.local_gateways[lgw.index()].address_space.as_ref()) {
            out[vnet.index()] = out[vnet.index()].union(&space);
        }
    }
    let host = AddrSet::parse(AZURE_HOST_IP).unwrap_or_default();
    for set in &mut out {
        *set = set.subtract(&host);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_network_builds() {
        let net = Network::default();
        let topology = Topology::build(&net);
        assert!(topology.peerings.is_empty());
    }

    #[test]
    fn known_extracts_only_known_values() {
        use vnetlint_ir::{FileId, Span, TextRange, Unknown};
        let span = Span::new(FileId(0), TextRange::new(0, 1));
        assert_eq!(known(Some(&Attr::known(3u32, span))), Some(3));
        assert_eq!(
            known::<u32>(Some(&Attr::unknown(Unknown::new("x"), span))),
            None
        );
    }
}
