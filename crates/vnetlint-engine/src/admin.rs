//! Virtual Network Manager security admin rules (routing spec §7): evaluated at a virtual
//! network before any NSG, in both directions, lowest priority number first, first match —
//! `Deny` drops, `AlwaysAllow` delivers without consulting the NSGs, `Allow` hands the packet on
//! to the NSGs; no match leaves it to the NSGs.
//!
//! A configuration is in force once a deployment commits it (`azurerm_network_manager_deployment`
//! with `scope_access = "SecurityAdmin"` naming it). ARM templates cannot commit (a commit is an
//! action, not a resource), so an ARM configuration is taken as committed, with a note (UNSURE,
//! spec §7). Rules of configurations nothing commits are left out, with a note.

use vnetlint_ir::{AdminRuleId, Attr, AttrList, Network, SecurityAdminConfigurationId, VnetId};

use crate::addr::AddrSet;
use crate::model::{Direction, Mode};
use crate::packet::{Cube, Packet, PacketSet, PortSet, Protocol, ProtocolSet};
use crate::tags::{StructuralTag, TagContext, TagLookup, lookup_tag};

/// What an admin rule does with the packets it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    Allow,
    AlwaysAllow,
    Deny,
}

impl AdminAction {
    pub fn name(self) -> &'static str {
        match self {
            AdminAction::Allow => "Allow",
            AdminAction::AlwaysAllow => "AlwaysAllow",
            AdminAction::Deny => "Deny",
        }
    }
}

/// One admin rule in force on a VNet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledAdminRule {
    pub rule: AdminRuleId,
    pub priority: u32,
    pub direction: Direction,
    pub action: AdminAction,
    pub lower: PacketSet,
    pub upper: PacketSet,
}

/// The admin rules in force on each VNet, in evaluation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminLayer {
    pub rules: Vec<Vec<CompiledAdminRule>>,
    pub notes: Vec<String>,
}

/// The outcome of the admin layer for a packet set at one VNet and direction.
pub struct AdminOutcome {
    /// Handed on to the NSGs.
    pub to_nsgs: PacketSet,
    /// Delivered without the NSGs (`AlwaysAllow`).
    pub always: PacketSet,
}

/// How one packet fares: the deciding rule, if any.
pub struct AdminDecision<'a> {
    pub rule: Option<&'a CompiledAdminRule>,
}

impl AdminLayer {
    pub fn build(net: &Network, vnet_tags: &[TagContext]) -> AdminLayer {
        let mut layer = AdminLayer {
            rules: vec![Vec::new(); net.vnets.len()],
            notes: Vec::new(),
        };
        if net.admin_rules.is_empty() {
            return layer;
        }
        let committed = |config: SecurityAdminConfigurationId| -> Option<bool> {
            let meta = &net.security_admin_configurations[config.index()].meta;
            if !meta.address.starts_with("azurerm_") && !meta.address.contains(".azurerm_") {
                return None; // ARM: taken as committed.
            }
            Some(net.network_manager_deployments.iter().any(|d| {
                d.scope_access
                    .as_ref()
                    .and_then(Attr::get)
                    .is_some_and(|s| s.eq_ignore_ascii_case("SecurityAdmin"))
                    && d.configurations.iter().any(|c| c.get() == Some(&config))
            }))
        };
        for (index, rule) in net.admin_rules.iter().enumerate() {
            let id = AdminRuleId(u32::try_from(index).unwrap_or(u32::MAX));
            let Some(&collection) = rule.collection.as_ref().and_then(Attr::get) else {
                continue;
            };
            let collection = &net.admin_rule_collections[collection.index()];
            let Some(&config) = collection.configuration.as_ref().and_then(Attr::get) else {
                continue;
            };
            match committed(config) {
                Some(true) => {}
                Some(false) => {
                    let note = format!(
                        "security admin configuration `{}` is committed by no deployment (`azurerm_network_manager_deployment` with scope_access SecurityAdmin), so its admin rules are not in force",
                        net.security_admin_configurations[config.index()]
                            .meta
                            .display_name()
                    );
                    if !layer.notes.contains(&note) {
                        layer.notes.push(note);
                    }
                    continue;
                }
                None => {
                    let note = "an ARM template cannot commit a security admin configuration; vnetlint takes the configurations in the templates as committed (routing spec §7, UNSURE)".to_owned();
                    if !layer.notes.contains(&note) {
                        layer.notes.push(note);
                    }
                }
            }
            let (Some(priority), Some(direction), Some(action)) = (
                rule.priority
                    .as_ref()
                    .and_then(Attr::get)
                    .and_then(|p| p.trim().parse::<u32>().ok()),
                rule.direction.as_ref().and_then(Attr::get).and_then(|d| {
                    match d.to_ascii_lowercase().as_str() {
                        "inbound" => Some(Direction::Inbound),
                        "outbound" => Some(Direction::Outbound),
                        _ => None,
                    }
                }),
                rule.action.as_ref().and_then(Attr::get).and_then(|a| {
                    match a.to_ascii_lowercase().as_str() {
                        "allow" => Some(AdminAction::Allow),
                        "alwaysallow" => Some(AdminAction::AlwaysAllow),
                        "deny" => Some(AdminAction::Deny),
                        _ => None,
                    }
                }),
            ) else {
                layer.notes.push(format!(
                    "admin rule `{}` has an unresolved priority, direction or action and is left out",
                    rule.meta.display_name()
                ));
                continue;
            };
            let protocols = protocols(rule.protocol.as_ref());
            for group in collection.network_groups.iter().filter_map(Attr::get) {
                let group = &net.network_groups[group.index()];
                if group
                    .dynamic_membership
                    .as_ref()
                    .is_some_and(|d| d.get() != Some(&false))
                {
                    let note = format!(
                        "network group `{}` has members chosen by Azure Policy, which the templates do not list: its admin rules apply to its static members only",
                        group.meta.display_name()
                    );
                    if !layer.notes.contains(&note) {
                        layer.notes.push(note);
                    }
                }
                for vnet in group.static_members.iter().filter_map(Attr::get) {
                    let tags = &vnet_tags[vnet.index()];
                    let (src_lo, src_hi) = addresses(rule.sources.as_ref(), tags);
                    let (dst_lo, dst_hi) = addresses(rule.destinations.as_ref(), tags);
                    let (sp_lo, sp_hi) = ports(rule.source_ports.as_ref());
                    let (dp_lo, dp_hi) = ports(rule.destination_ports.as_ref());
                    let cube = |src: &AddrSet, dst: &AddrSet, sp: &PortSet, dp: &PortSet| {
                        PacketSet::from_cube(Cube {
                            src: src.clone(),
                            dst: dst.clone(),
                            protocols,
                            src_ports: sp.clone(),
                            dst_ports: dp.clone(),
                        })
                    };
                    layer.rules[vnet.index()].push(CompiledAdminRule {
                        rule: id,
                        priority,
                        direction,
                        action,
                        lower: cube(&src_lo, &dst_lo, &sp_lo, &dp_lo),
                        upper: cube(&src_hi, &dst_hi, &sp_hi, &dp_hi),
                    });
                }
            }
        }
        for rules in &mut layer.rules {
            rules.sort_by_key(|r| (r.priority, r.rule));
        }
        layer
    }

    /// Whether any admin rule is in force anywhere.
    pub fn is_empty(&self) -> bool {
        self.rules.iter().all(Vec::is_empty)
    }

    /// Whether admin rules are in force on `vnet`.
    pub fn in_force(&self, vnet: Option<VnetId>) -> bool {
        vnet.and_then(|v| self.rules.get(v.index()))
            .is_some_and(|rules| !rules.is_empty())
    }

    /// The admin rules of `vnet` applied to `set` in `direction`.
    pub fn apply(
        &self,
        vnet: Option<VnetId>,
        direction: Direction,
        set: &PacketSet,
        mode: Mode,
    ) -> AdminOutcome {
        let mut remaining = set.clone();
        let mut always = PacketSet::empty();
        let mut allowed = PacketSet::empty();
        let rules = vnet.and_then(|v| self.rules.get(v.index()));
        for rule in rules.into_iter().flatten() {
            if rule.direction != direction || remaining.is_empty() {
                continue;
            }
            // A lower bound of what passes: allows match what they certainly match, denies what
            // they possibly match (and the reverse for the upper bound), as for NSG rules.
            let matched = match (rule.action, mode) {
                (AdminAction::Deny, Mode::Must) => &rule.upper,
                (AdminAction::Deny, Mode::May) | (_, Mode::Must) => &rule.lower,
                _ => &rule.upper,
            };
            let hit = remaining.intersect(matched);
            if hit.is_empty() {
                continue;
            }
            remaining = remaining.subtract(&hit);
            match rule.action {
                AdminAction::Deny => {}
                AdminAction::AlwaysAllow => always = always.union(&hit),
                AdminAction::Allow => allowed = allowed.union(&hit),
            }
        }
        AdminOutcome {
            to_nsgs: allowed.union(&remaining),
            always,
        }
    }

    /// The packets of `set` each `AlwaysAllow` rule of `vnet` certainly lets through in
    /// `direction` without the NSGs (first match, `Mode::Must`), by rule.
    pub fn always_allowed(
        &self,
        vnet: Option<VnetId>,
        direction: Direction,
        set: &PacketSet,
    ) -> Vec<(AdminRuleId, PacketSet)> {
        let mut remaining = set.clone();
        let mut out = Vec::new();
        let rules = vnet.and_then(|v| self.rules.get(v.index()));
        for rule in rules.into_iter().flatten() {
            if rule.direction != direction || remaining.is_empty() {
                continue;
            }
            let matched = match rule.action {
                AdminAction::Deny => &rule.upper,
                _ => &rule.lower,
            };
            let hit = remaining.intersect(matched);
            if hit.is_empty() {
                continue;
            }
            remaining = remaining.subtract(&hit);
            if rule.action == AdminAction::AlwaysAllow {
                out.push((rule.rule, hit));
            }
        }
        out
    }

    /// The admin rule that decides one packet at `vnet` in `direction`.
    pub fn decide(
        &self,
        vnet: Option<VnetId>,
        direction: Direction,
        packet: &Packet,
    ) -> AdminDecision<'_> {
        let rules = vnet.and_then(|v| self.rules.get(v.index()));
        let rule = rules
            .into_iter()
            .flatten()
            .find(|r| r.direction == direction && r.upper.contains(packet));
        AdminDecision { rule }
    }
}

fn protocols(attr: Option<&Attr<String>>) -> ProtocolSet {
    match attr
        .and_then(Attr::get)
        .map(|p| p.to_ascii_lowercase())
        .as_deref()
    {
        Some("tcp") => ProtocolSet::single(Protocol::Tcp),
        Some("udp") => ProtocolSet::single(Protocol::Udp),
        Some("icmp") => ProtocolSet::single(Protocol::Icmp),
        Some("esp") => ProtocolSet::single(Protocol::Esp),
        Some("ah") => ProtocolSet::single(Protocol::Ah),
        _ => ProtocolSet::all(),
    }
}

/// Prefixes and tags: (certainly, possibly) matched addresses; absent means any.
fn addresses(list: Option<&AttrList<String>>, tags: &TagContext) -> (AddrSet, AddrSet) {
    let Some(list) = list else {
        return (AddrSet::all(), AddrSet::all());
    };
    let Some(items) = list.get() else {
        return (AddrSet::empty(), AddrSet::all());
    };
    if items.is_empty() {
        return (AddrSet::all(), AddrSet::all());
    }
    let mut lower = AddrSet::empty();
    let mut upper = AddrSet::empty();
    for item in items {
        let Some(text) = item.get().map(|t| t.trim()) else {
            upper = AddrSet::all();
            continue;
        };
        let set = if text == "*" {
            Some(AddrSet::all())
        } else if let Some(set) = AddrSet::parse(text) {
            Some(set)
        } else {
            match lookup_tag(text) {
                TagLookup::Structural(
                    tag @ (StructuralTag::Internet
                    | StructuralTag::VirtualNetwork
                    | StructuralTag::AzureLoadBalancer),
                ) => Some(tag.expand(tags)),
                _ => None,
            }
        };
        match set {
            Some(set) => {
                lower = lower.union(&set);
                upper = upper.union(&set);
            }
            None => upper = AddrSet::all(),
        }
    }
    (lower, upper)
}

fn ports(list: Option<&AttrList<String>>) -> (PortSet, PortSet) {
    // An empty list is "any port" for an admin rule (a firewall rule with none matches none).
    if list.and_then(Attr::get).is_some_and(Vec::is_empty) {
        return (PortSet::all(), PortSet::all());
    }
    let field = crate::firewall::ports(list);
    (field.lower, field.upper)
}
