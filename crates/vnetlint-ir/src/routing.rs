//! The elements that decide where a packet goes once NSGs let it out: Azure Firewall and its
//! policies and rule collections, IP groups and NAT gateways (route tables, routes, peerings and
//! NICs are in the crate root). Values are raw text as the templates write them; the engine
//! parses and validates them, as it does for security rules. The helpers both frontends' lowering
//! of these elements share follow the types.

use crate::lowering::assigned;
use crate::{
    Attr, AttrList, FirewallId, FirewallPolicyId, IpGroupId, Meta, Origin, PublicIpId, Span,
    SubnetId, Unknown, Val,
};

/// `azurerm_firewall` / `Microsoft.Network/azureFirewalls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firewall {
    pub meta: Meta,
    /// `sku_tier` (`Standard`, `Premium`, `Basic`) / `sku.tier`.
    pub sku_tier: Option<Attr<String>>,
    /// The data-path configurations (`ip_configuration` / `ipConfigurations`), in order: the
    /// first names the firewall's subnet (`AzureFirewallSubnet`).
    pub ip_configurations: Vec<FirewallIpConfiguration>,
    /// A `management_ip_configuration` is written (forced tunnelling is then allowed).
    pub management: Option<Attr<bool>>,
    /// `firewall_policy_id` / `firewallPolicy.id`.
    pub policy: Option<Attr<FirewallPolicyId>>,
    /// Classic (firewall-level) `private_ip_ranges` / `additionalProperties` SNAT ranges: the
    /// destinations network rules do not SNAT to. `None`: the IANA private ranges.
    pub private_ip_ranges: Option<AttrList<String>>,
}

/// One `ip_configuration` of a firewall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallIpConfiguration {
    pub span: Span,
    pub name: Option<Attr<String>>,
    pub subnet: Option<Attr<SubnetId>>,
    pub public_ip: Option<Attr<PublicIpId>>,
    /// The firewall's private address when a template states it; usually computed by Azure
    /// (`Unknown` with a reference to `private_ip_address` of the firewall).
    pub private_ip: Option<Attr<String>>,
}

/// `azurerm_firewall_policy` / `Microsoft.Network/firewallPolicies`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallPolicy {
    pub meta: Meta,
    /// `base_policy_id` / `basePolicy.id`: the parent policy, whose rule collection groups are
    /// processed first.
    pub base_policy: Option<Attr<FirewallPolicyId>>,
    /// `private_ip_ranges` / `snat.privateRanges`; `None`: the IANA private ranges.
    pub private_ip_ranges: Option<AttrList<String>>,
}

/// Where a rule collection group hangs: a policy's rule collection group, or a classic
/// collection written on the firewall itself (`azurerm_firewall_network_rule_collection`,
/// `networkRuleCollections` of `azureFirewalls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleCollectionOwner {
    Policy(Attr<FirewallPolicyId>),
    Firewall(Attr<FirewallId>),
    /// The owner's reference could not be resolved (with the reason in the `Attr`).
    Unknown(Attr<String>),
}

/// `azurerm_firewall_policy_rule_collection_group` /
/// `Microsoft.Network/firewallPolicies/ruleCollectionGroups`; for classic collections one group
/// per collection resource, with no priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallRuleCollectionGroup {
    pub meta: Meta,
    pub owner: RuleCollectionOwner,
    /// `priority` (100-65000); `None` for classic collections.
    pub priority: Option<Attr<String>>,
    pub collections: Vec<FirewallRuleCollection>,
}

/// Which rule processing stage a collection belongs to (DNAT, then network, then application).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FirewallRuleKind {
    Nat,
    Network,
    Application,
}

/// One rule collection: a priority, one action for all its rules, and the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallRuleCollection {
    pub span: Span,
    /// Logical address for findings (`…rule_collection_group.hub.network_rule_collection["x"]`).
    pub address: String,
    pub name: Option<Attr<String>>,
    pub kind: FirewallRuleKind,
    pub priority: Option<Attr<String>>,
    /// `Allow` / `Deny` (`Dnat` for NAT collections).
    pub action: Option<Attr<String>>,
    pub rules: Vec<FirewallRule>,
}

/// One firewall rule; which fields apply depends on the collection's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallRule {
    pub span: Span,
    /// Logical address for findings.
    pub address: String,
    pub name: Option<Attr<String>>,
    /// Network and NAT rules: `TCP`, `UDP`, `ICMP`, `Any`.
    pub protocols: Option<AttrList<String>>,
    pub source_addresses: Option<AttrList<String>>,
    pub source_ip_groups: Vec<Attr<IpGroupId>>,
    /// Addresses, CIDRs, `*` or service tags (network rules); for NAT rules, the firewall's
    /// public IP the rule listens on.
    pub destination_addresses: Option<AttrList<String>>,
    pub destination_ip_groups: Vec<Attr<IpGroupId>>,
    /// Network rules: FQDNs (their addresses are unknown: a "may" match).
    pub destination_fqdns: Option<AttrList<String>>,
    pub destination_ports: Option<AttrList<String>>,
    /// NAT rules: where the packet is sent.
    pub translated_address: Option<Attr<String>>,
    pub translated_port: Option<Attr<String>>,
    /// Application rules: the protocols and ports (`Https:443`, `Mssql:1433`).
    pub application_protocols: Option<AttrList<String>>,
    /// Application rules: target FQDNs, FQDN tags, URLs.
    pub target_fqdns: Option<AttrList<String>>,
}

/// `azurerm_ip_group` / `Microsoft.Network/ipGroups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpGroup {
    pub meta: Meta,
    pub cidrs: Option<AttrList<String>>,
}

/// `azurerm_nat_gateway` / `Microsoft.Network/natGateways`; subnets name it
/// (`Subnet::nat_gateway`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatGateway {
    pub meta: Meta,
    pub public_ips: Vec<Attr<PublicIpId>>,
}

// What both frontends' lowering of these elements shares.

impl FirewallIpConfiguration {
    /// The private address of a firewall's IP configuration, which Azure assigns: unknown, and
    /// standing for the firewall's `attribute` (`ip_configuration[0].private_ip_address`,
    /// `ipConfigurations[0].properties.privateIPAddress`), the reference a route's
    /// next hop to the firewall is lowered to.
    pub fn assigned_private_ip(address: &str, attribute: &str, block: Span) -> Attr<String> {
        assigned(address, attribute, block)
    }
}

impl RuleCollectionOwner {
    /// The owner of a rule collection group from the link that names it (`wrap` makes the
    /// variant): unknown when the link is unresolved or, at `block`, not written.
    pub fn from_link<I>(
        link: Option<Attr<I>>,
        wrap: fn(Attr<I>) -> Self,
        attribute: &str,
        block: Span,
    ) -> Self {
        let Some(link) = link else {
            let reason = format!("`{attribute}` is not written, so the owner is not known");
            return RuleCollectionOwner::Unknown(Attr::unknown(Unknown::new(reason), block));
        };
        match link.value {
            Val::Known(_) => wrap(link),
            Val::Unknown(unknown) => RuleCollectionOwner::Unknown(Attr::new(
                Val::Unknown(unknown),
                link.span,
                link.origin,
            )),
        }
    }
}

impl FirewallRule {
    /// One protocol of an application rule, from its written `type` (`protocolType`) and `port`,
    /// as `Type:port` (`Https:443`) at the protocol's span `at`; unknown when either side is, or
    /// when the type is not written.
    pub fn application_protocol(
        kind: Option<Attr<String>>,
        port: Option<Attr<String>>,
        at: Span,
    ) -> Attr<String> {
        let value = match (kind.map(|k| k.value), port.map(|p| p.value)) {
            (Some(Val::Known(kind)), Some(Val::Known(port))) => {
                Val::Known(format!("{kind}:{port}"))
            }
            (Some(Val::Unknown(unknown)), _) | (_, Some(Val::Unknown(unknown))) => {
                Val::Unknown(unknown)
            }
            (Some(Val::Known(kind)), None) => Val::Known(kind),
            (None, _) => Val::Unknown(Unknown::new("the protocol's type is not written")),
        };
        Attr::new(value, at, Origin::Literal)
    }
}

impl<T: Clone> AttrList<T> {
    /// Several list attributes read as one (an application rule's target FQDNs, FQDN tags and
    /// URLs): `None` when none is written, the first unknown one when any is unknown, else the
    /// items of all in order, spanning the first written.
    pub fn concat(lists: impl IntoIterator<Item = Option<AttrList<T>>>) -> Option<Self> {
        let mut joined: Option<Self> = None;
        for list in lists.into_iter().flatten() {
            match (&mut joined, list.value) {
                (None, value) => joined = Some(Attr::new(value, list.span, list.origin)),
                (
                    Some(Attr {
                        value: Val::Known(items),
                        ..
                    }),
                    Val::Known(more),
                ) => {
                    items.extend(more);
                }
                (Some(joined), Val::Unknown(unknown)) if joined.value.known().is_some() => {
                    *joined = Attr::new(Val::Unknown(unknown), list.span, list.origin);
                }
                (Some(_), _) => {}
            }
        }
        joined
    }
}
