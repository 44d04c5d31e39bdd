//! Azure Firewall as a packet filter (routing spec §4): its rule collections in processing
//! order (DNAT, then network, then application; a base policy's groups before its child's;
//! groups, then collections by priority; rules in order; first match; nothing matched is
//! denied), each rule compiled to what it certainly and what it possibly matches.
//!
//! Why two bounds: application rules and network rules with FQDNs match names whose addresses
//! are not in the templates, so they only *may* match (spec §10 case 10); an unresolved value
//! widens the upper bound the same way, as for NSG rules.

use std::net::IpAddr;

use vnetlint_ir::{
    Attr, AttrList, FirewallId, FirewallPolicyId, FirewallRule, FirewallRuleKind, Network,
    RuleCollectionOwner, Span,
};

use crate::addr::AddrSet;
use crate::model::{Access, Mode};
use crate::packet::{Cube, Packet, PacketSet, PortSet, Protocol, ProtocolSet};

/// Processing order: stage, position in the policy chain, group priority, collection
/// priority, written order.
type OrderKey = (FirewallRuleKind, usize, u32, u32, usize);

/// One compiled firewall rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledFirewallRule {
    pub address: String,
    pub span: Span,
    pub kind: FirewallRuleKind,
    pub access: Access,
    /// Certainly matched packets.
    pub lower: PacketSet,
    /// Possibly matched packets.
    pub upper: PacketSet,
    /// DNAT: where the packet is sent.
    pub translated: Option<(IpAddr, u16)>,
}

/// A firewall's rules in processing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledFirewall {
    pub id: FirewallId,
    pub rules: Vec<CompiledFirewallRule>,
    /// What vnetlint could not read (unresolved priorities, a policy cycle).
    pub notes: Vec<String>,
}

/// How one packet fares at a firewall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallDecision {
    /// The deciding rule (index into `rules`), or none: the default deny.
    pub rule: Option<usize>,
    pub access: Access,
    /// The deciding rule matches only possibly (FQDNs, application rules, unknown values).
    pub possible: bool,
}

impl CompiledFirewall {
    pub fn compile(net: &Network, id: FirewallId) -> CompiledFirewall {
        let fw = &net.firewalls[id.index()];
        let mut notes = Vec::new();
        let chain = policy_chain(net, fw.policy.as_ref(), &mut notes);
        // (stage, chain position, group priority, collection priority, order) per rule.
        let mut keyed: Vec<(OrderKey, CompiledFirewallRule)> = Vec::new();
        let mut order = 0usize;
        for (gi, group) in net.firewall_rule_collection_groups.iter().enumerate() {
            let position = match &group.owner {
                RuleCollectionOwner::Policy(p) => match p.get() {
                    Some(p) => match chain.iter().position(|c| c == p) {
                        Some(position) => position,
                        None => continue,
                    },
                    None => continue,
                },
                RuleCollectionOwner::Firewall(f) if f.get() == Some(&id) => chain.len(),
                _ => continue,
            };
            let group_priority = priority(group.priority.as_ref(), &mut notes, || {
                format!("rule collection group #{gi}")
            });
            for collection in &group.collections {
                let collection_priority =
                    priority(collection.priority.as_ref(), &mut notes, || {
                        collection.address.clone()
                    });
                let access = match collection.action.as_ref().and_then(Attr::get) {
                    Some(a) if a.eq_ignore_ascii_case("deny") => Access::Deny,
                    Some(_) => Access::Allow,
                    None if collection.kind == FirewallRuleKind::Nat => Access::Allow,
                    None => {
                        notes.push(format!(
                            "the action of `{}` is not known; its rules are left out",
                            collection.address
                        ));
                        continue;
                    }
                };
                for rule in &collection.rules {
                    order += 1;
                    let compiled = compile_rule(net, collection.kind, access, rule);
                    keyed.push((
                        (
                            collection.kind,
                            position,
                            group_priority,
                            collection_priority,
                            order,
                        ),
                        compiled,
                    ));
                }
            }
        }
        keyed.sort_by_key(|(key, _)| *key);
        CompiledFirewall {
            id,
            rules: keyed.into_iter().map(|(_, r)| r).collect(),
            notes,
        }
    }

    /// The packets of `set` the firewall lets through (network and application rules; DNAT
    /// is a separate entry point), as a lower (`Must`) or upper (`May`) bound.
    pub fn filter(&self, set: &PacketSet, mode: Mode) -> PacketSet {
        let mut remaining = set.clone();
        let mut allowed = PacketSet::empty();
        for rule in self
            .rules
            .iter()
            .filter(|r| r.kind != FirewallRuleKind::Nat)
        {
            if remaining.is_empty() {
                break;
            }
            let matched = match (rule.access, mode) {
                (Access::Allow, Mode::Must) | (Access::Deny, Mode::May) => &rule.lower,
                _ => &rule.upper,
            };
            let hit = remaining.intersect(matched);
            if hit.is_empty() {
                continue;
            }
            remaining = remaining.subtract(&hit);
            if rule.access == Access::Allow {
                allowed = allowed.union(&hit);
            }
        }
        allowed
    }

    /// The rule that decides one packet (the first that possibly matches).
    pub fn decide(&self, packet: &Packet) -> FirewallDecision {
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.kind == FirewallRuleKind::Nat || !rule.upper.contains(packet) {
                continue;
            }
            return FirewallDecision {
                rule: Some(i),
                access: rule.access,
                possible: !rule.lower.contains(packet),
            };
        }
        FirewallDecision {
            rule: None,
            access: Access::Deny,
            possible: false,
        }
    }
}

/// The policy and its ancestors, the base first.
fn policy_chain(
    net: &Network,
    policy: Option<&Attr<FirewallPolicyId>>,
    notes: &mut Vec<String>,
) -> Vec<FirewallPolicyId> {
    let mut chain = Vec::new();
    let mut parent = policy.and_then(Attr::get).copied();
    while let Some(id) = parent {
        if chain.contains(&id) {
            notes.push("the firewall policies' base policies form a cycle".to_owned());
            break;
        }
        chain.push(id);
        parent = net.firewall_policies[id.index()]
            .base_policy
            .as_ref()
            .and_then(Attr::get)
            .copied();
    }
    chain.reverse();
    chain
}

fn priority(
    attr: Option<&Attr<String>>,
    notes: &mut Vec<String>,
    what: impl FnOnce() -> String,
) -> u32 {
    let Some(attr) = attr else { return 0 };
    if let Some(p) = attr.get().and_then(|t| t.trim().parse().ok()) {
        return p;
    }
    notes.push(format!(
        "the priority of {} is not known; it is taken as processed last",
        what()
    ));
    u32::MAX
}

/// A field's certain and possible matches.
pub(crate) struct Field<T> {
    pub lower: T,
    pub upper: T,
}

fn compile_rule(
    net: &Network,
    kind: FirewallRuleKind,
    access: Access,
    rule: &FirewallRule,
) -> CompiledFirewallRule {
    let src = addresses(net, rule.source_addresses.as_ref(), &rule.source_ip_groups);
    let (protocols, ports, mut dst) = match kind {
        FirewallRuleKind::Application => {
            let (protocols, ports) = application_ports(rule.application_protocols.as_ref());
            // Names, not addresses: any destination may match, none certainly does.
            let dst = Field {
                lower: AddrSet::empty(),
                upper: AddrSet::all(),
            };
            (protocols, ports, dst)
        }
        // A NAT rule listens on the firewall's own public addresses: the query names them.
        FirewallRuleKind::Nat => (
            protocols(rule.protocols.as_ref()),
            ports(rule.destination_ports.as_ref()),
            Field {
                lower: AddrSet::all(),
                upper: AddrSet::all(),
            },
        ),
        FirewallRuleKind::Network => (
            protocols(rule.protocols.as_ref()),
            ports(rule.destination_ports.as_ref()),
            addresses(
                net,
                rule.destination_addresses.as_ref(),
                &rule.destination_ip_groups,
            ),
        ),
    };
    if rule
        .destination_fqdns
        .as_ref()
        .is_some_and(|f| f.get().is_none_or(|items| !items.is_empty()))
    {
        dst.upper = AddrSet::all();
    }
    let cube = |src: &AddrSet, dst: &AddrSet, protocols: ProtocolSet, ports: &PortSet| {
        PacketSet::from_cube(Cube {
            src: src.clone(),
            dst: dst.clone(),
            protocols,
            src_ports: PortSet::all(),
            dst_ports: ports.clone(),
        })
    };
    let translated = rule
        .translated_address
        .as_ref()
        .and_then(Attr::get)
        .and_then(|a| a.trim().parse::<IpAddr>().ok())
        .zip(
            rule.translated_port
                .as_ref()
                .and_then(Attr::get)
                .and_then(|p| p.trim().parse::<u16>().ok()),
        );
    CompiledFirewallRule {
        address: rule.address.clone(),
        span: rule.span,
        kind,
        access,
        lower: cube(&src.lower, &dst.lower, protocols.lower, &ports.lower),
        upper: cube(&src.upper, &dst.upper, protocols.upper, &ports.upper),
        translated,
    }
}

/// Addresses, CIDRs, `*` and IP groups; a service tag, a range or an unknown value widens the
/// upper bound only.
fn addresses(
    net: &Network,
    list: Option<&AttrList<String>>,
    groups: &[Attr<vnetlint_ir::IpGroupId>],
) -> Field<AddrSet> {
    let mut field = Field {
        lower: AddrSet::empty(),
        upper: AddrSet::empty(),
    };
    let mut add = |text: Option<&String>| match text.map(|t| t.trim()) {
        Some("*") => {
            field.lower = AddrSet::all();
            field.upper = AddrSet::all();
        }
        Some(text) if AddrSet::parse(text).is_some() => {
            let set = AddrSet::parse(text).unwrap_or_default();
            field.lower = field.lower.union(&set);
            field.upper = field.upper.union(&set);
        }
        _ => field.upper = AddrSet::all(),
    };
    match list.map(|l| l.get()) {
        Some(Some(items)) => items.iter().for_each(|i| add(i.get())),
        Some(None) => add(None),
        None => {}
    }
    for group in groups {
        match group.get() {
            Some(g) => match net.ip_groups[g.index()].cidrs.as_ref().and_then(Attr::get) {
                Some(cidrs) => cidrs.iter().for_each(|c| add(c.get())),
                None => add(None),
            },
            None => add(None),
        }
    }
    field
}

fn protocols(list: Option<&AttrList<String>>) -> Field<ProtocolSet> {
    let mut lower = ProtocolSet::empty();
    let mut upper = ProtocolSet::empty();
    let items = match list.map(|l| l.get()) {
        Some(Some(items)) => items.as_slice(),
        Some(None) => {
            return Field {
                lower,
                upper: ProtocolSet::all(),
            };
        }
        None => &[],
    };
    for item in items {
        let set = match item.get().map(|t| t.to_ascii_lowercase()).as_deref() {
            Some("tcp") => Some(ProtocolSet::single(Protocol::Tcp)),
            Some("udp") => Some(ProtocolSet::single(Protocol::Udp)),
            Some("icmp") => Some(ProtocolSet::single(Protocol::Icmp)),
            Some("any") => Some(ProtocolSet::all()),
            _ => None,
        };
        match set {
            Some(set) => {
                lower = lower.union(set);
                upper = upper.union(set);
            }
            None => upper = ProtocolSet::all(),
        }
    }
    Field { lower, upper }
}

/// Port texts (`*`, `443`, `8000-8999`): an unresolved list or item widens the upper bound
/// only; no list means any port. Admin rules read their port lists with it too.
pub(crate) fn ports(list: Option<&AttrList<String>>) -> Field<PortSet> {
    let mut lower = PortSet::empty();
    let mut upper = PortSet::empty();
    let items = match list.map(|l| l.get()) {
        Some(Some(items)) => items.as_slice(),
        // NAT and ICMP-only rules may write no ports.
        None => {
            return Field {
                lower: PortSet::all(),
                upper: PortSet::all(),
            };
        }
        Some(None) => {
            return Field {
                lower,
                upper: PortSet::all(),
            };
        }
    };
    for item in items {
        match item.get().and_then(|t| crate::path::parse_ports(t)) {
            Some(set) => {
                lower = lower.union(&set);
                upper = upper.union(&set);
            }
            None => upper = PortSet::all(),
        }
    }
    Field { lower, upper }
}

/// Application rule protocols (`Https:443`, `Http:80`, `Mssql:1433`): TCP on those ports.
fn application_ports(list: Option<&AttrList<String>>) -> (Field<ProtocolSet>, Field<PortSet>) {
    let tcp = ProtocolSet::single(Protocol::Tcp);
    let mut ports = PortSet::empty();
    let mut unknown = false;
    match list.map(|l| l.get()) {
        Some(Some(items)) => {
            for item in items {
                let port = item
                    .get()
                    .and_then(|t| t.rsplit_once(':'))
                    .and_then(|(_, p)| p.trim().parse::<u16>().ok());
                match port {
                    Some(p) => ports = ports.union(&PortSet::single(p)),
                    None => unknown = true,
                }
            }
        }
        Some(None) => unknown = true,
        None => ports = PortSet::single(80).union(&PortSet::single(443)),
    }
    let upper_ports = if unknown { PortSet::all() } else { ports };
    (
        Field {
            lower: ProtocolSet::empty(),
            upper: tcp,
        },
        Field {
            lower: PortSet::empty(),
            upper: upper_ports,
        },
    )
}
