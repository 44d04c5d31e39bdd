//! Service traffic: what an NSG does with traffic to or from a service tag whose addresses
//! vnetlint cannot enumerate (`AppServiceManagement`, `Sql`, `Storage`, …), as App Service
//! Environment requirements ask it ("TCP 454-455 from `AppServiceManagement` must be allowed").
//!
//! Why a helper of its own: the compiler models an opaque tag as "matches nothing for certain,
//! possibly any Internet address" (lower = empty, upper = `Internet`). That is right for a
//! question about concrete addresses, but it cannot say that a rule written *for* the tag
//! certainly matches the tag's own traffic. Asked "from `AppServiceManagement`", `Mode::Must`
//! would skip an `Allow from AppServiceManagement` rule (false alarm) and `Mode::May` would let
//! an `Allow from Sql` rule admit it (missed problem).
//!
//! Here the remote side of every rule (the source of an inbound rule, the destination of an
//! outbound one) is classified against the tag by name and by the tag's known properties, and
//! the rest of the rule (protocol, the local addresses, ports) is matched exactly:
//!
//! | remote side of the rule | matches traffic of tag `T` |
//! |---|---|
//! | `T` itself | yes |
//! | `T.Region` | maybe (the region of the traffic is not known) |
//! | `AzureCloud` (every Azure public address) | yes |
//! | `AzureCloud.Region`, any other opaque tag | maybe (overlap unknown) |
//! | `*`, `0.0.0.0/0`, `Internet`, or any set holding all public space outside the network | yes |
//! | `VirtualNetwork`, `AzureLoadBalancer`, private ranges, ASGs | no |
//! | a public CIDR | maybe (tag contents are not known offline) |
//! | an unresolved value | maybe |
//!
//! The classification rests on spec §2.5: opaque tags are subsets of `Internet`, disjoint from
//! private space and from the network's own ranges. A "maybe" rule behaves like an unresolved
//! one: in `Mode::Must` an allow does not match and a deny does, in `Mode::May` the reverse.
//!
//! Worked examples (inbound, local side = an ASE subnet 10.0.1.0/24, TCP 454-455):
//! - `P100 Allow Tcp AppServiceManagement → * 454-455`: decided by P100, certainly allowed.
//! - `P100 Deny * * → *` then `P200 Allow AppServiceManagement`: P100 certainly denies.
//! - `P100 Allow Tcp Sql → * *` then defaults: P100 may match (tags may overlap), so the
//!   traffic is possibly allowed but not certainly; `DenyAllInBound` decides it in `Mode::Must`.
//! - `P100 Deny * 52.0.0.0/8 → *` then `P200 Allow AppServiceManagement`: certainly allowed only
//!   if the tag holds no address of 52/8, which is not known offline: `Mode::Must` denies by
//!   P100, `Mode::May` allows by P200, and the result lists a `TagContents` uncertainty.
//!
//! Concrete peers (`AzureLoadBalancer`, a subnet, `*`) need none of this and go through
//! [`CompiledNsg::decide`] unchanged, so both kinds of peer share one result type.

use vnetlint_ir::{Network, RuleId, Span};

use crate::addr::AddrSet;
use crate::compile::{port_bounds, protocol_bounds};
use crate::model::{
    Access, CompiledNsg, CompiledRule, Decision, Direction, Mode, RuleRef, Uncertainty,
};
use crate::packet::{Cube, PacketSet, PortSet, ProtocolSet};
use crate::tags::{StructuralTag, TagContext, internet_set};
use crate::validate::{AddrItem, parse_rule};

/// Who is on the other side of the traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServicePeer {
    /// An opaque service tag, by name (`AppServiceManagement`, `Sql`).
    Tag(String),
    /// Concrete addresses (`AzureLoadBalancer`'s 168.63.129.16, a subnet, every address).
    Addresses(AddrSet),
}

/// Traffic between a local address set (what the NSG guards) and a peer, in one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTraffic {
    /// `Inbound`: from the peer to `local`; `Outbound`: from `local` to the peer.
    pub direction: Direction,
    pub peer: ServicePeer,
    pub local: AddrSet,
    pub protocols: ProtocolSet,
    pub ports: PortSet,
}

/// How the remote side of a rule matches the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeerMatch {
    No,
    Maybe,
    Yes,
}

/// The evaluation of one [`ServiceTraffic`] by one NSG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceResult {
    /// The traffic as packets; for a tag peer the remote side is the public space outside the
    /// network's `VirtualNetwork`, standing for the tag's addresses.
    pub query: PacketSet,
    /// `Mode::Must` partition of the query: uncertain allows skipped, uncertain denies applied.
    pub must: Vec<Decision>,
    /// Certainly allowed.
    pub allowed: PacketSet,
    /// Possibly allowed (`Mode::May`).
    pub may_allow: PacketSet,
    /// What makes `may_allow` differ from `allowed`: unresolved values and tag contents of the
    /// rules that may match the uncertain part.
    pub uncertainties: Vec<(RuleId, Uncertainty)>,
}

impl ServiceResult {
    /// Certainly denied.
    pub fn denied(&self) -> PacketSet {
        self.query.subtract(&self.may_allow)
    }

    /// Denied in `Mode::Must` but possibly allowed.
    pub fn uncertain(&self) -> PacketSet {
        self.may_allow.subtract(&self.allowed)
    }

    /// The first deny decision of the `Mode::Must` partition whose packets meet `within`.
    pub fn deciding_deny(&self, within: &PacketSet) -> Option<&Decision> {
        self.must
            .iter()
            .find(|d| d.access == Access::Deny && !d.packets.intersect(within).is_empty())
    }
}

/// A rule's match bounds for the service traffic.
struct ServiceBounds {
    lower: PacketSet,
    upper: PacketSet,
    /// The peer classification was `Maybe` (for the uncertainty list).
    peer_maybe: bool,
}

/// Evaluates service traffic against one compiled NSG. `tags` must be the context the NSG was
/// compiled with (see [`crate::Topology::tag_context`]).
pub fn evaluate_service(
    net: &Network,
    compiled: &CompiledNsg,
    tags: &TagContext,
    traffic: &ServiceTraffic,
) -> ServiceResult {
    let dir = traffic.direction;
    let query = service_query(traffic, tags);
    let bounds: Vec<ServiceBounds> = compiled
        .rules(dir)
        .iter()
        .map(|rule| match &traffic.peer {
            ServicePeer::Addresses(_) => ServiceBounds {
                lower: rule.matches.lower.clone(),
                upper: rule.matches.upper.clone(),
                peer_maybe: false,
            },
            ServicePeer::Tag(tag) => tag_bounds(net, rule, tag, tags, traffic),
        })
        .collect();
    let must = decide(compiled.rules(dir), &bounds, &query, Mode::Must);
    let may = decide(compiled.rules(dir), &bounds, &query, Mode::May);
    let allowed = allowed_part(&must);
    let may_allow = allowed_part(&may);
    let uncertain = may_allow.subtract(&allowed);
    let mut uncertainties = Vec::new();
    if !uncertain.is_empty() {
        for (rule, bound) in compiled.rules(dir).iter().zip(&bounds) {
            let RuleRef::Custom(id) = rule.rule else {
                continue;
            };
            let doubtful = bound.upper.subtract(&bound.lower);
            if doubtful.intersect(&uncertain).is_empty() {
                continue;
            }
            for u in &rule.uncertain {
                uncertainties.push((id, u.clone()));
            }
            if bound.peer_maybe
                && let ServicePeer::Tag(tag) = &traffic.peer
            {
                uncertainties.push((
                    id,
                    Uncertainty::TagContents {
                        tag: tag.clone(),
                        span: remote_span(net, id, dir),
                    },
                ));
            }
        }
        uncertainties.dedup();
    }
    ServiceResult {
        query,
        must,
        allowed,
        may_allow,
        uncertainties,
    }
}

/// The query packets: `local` on the local side, the peer (or its stand-in) on the remote side.
fn service_query(traffic: &ServiceTraffic, tags: &TagContext) -> PacketSet {
    let remote = match &traffic.peer {
        ServicePeer::Addresses(set) => set.clone(),
        ServicePeer::Tag(_) => tag_stand_in(tags),
    };
    let (src, dst) = match traffic.direction {
        Direction::Inbound => (remote, traffic.local.clone()),
        Direction::Outbound => (traffic.local.clone(), remote),
    };
    PacketSet::from_cube(Cube::new(
        traffic.protocols,
        src,
        PortSet::all(),
        dst,
        traffic.ports.clone(),
    ))
}

/// Public space outside the network: where a service tag's addresses can be.
fn tag_stand_in(tags: &TagContext) -> AddrSet {
    internet_set().subtract(&tags.virtual_network)
}

/// First-match partition, like [`CompiledNsg::decide`] but with the service bounds.
fn decide(
    rules: &[CompiledRule],
    bounds: &[ServiceBounds],
    query: &PacketSet,
    mode: Mode,
) -> Vec<Decision> {
    let mut remaining = query.clone();
    let mut out = Vec::new();
    for (index, (rule, bound)) in rules.iter().zip(bounds).enumerate() {
        if remaining.is_empty() {
            break;
        }
        let matched = match (mode, rule.access) {
            (Mode::May, Access::Allow) | (Mode::Must, Access::Deny) => &bound.upper,
            (Mode::May, Access::Deny) | (Mode::Must, Access::Allow) => &bound.lower,
        };
        let part = remaining.intersect(matched);
        if part.is_empty() {
            continue;
        }
        remaining = remaining.subtract(&part);
        out.push(Decision {
            rule_index: index,
            rule: rule.rule,
            access: rule.access,
            packets: part,
        });
    }
    out
}

fn allowed_part(decisions: &[Decision]) -> PacketSet {
    decisions
        .iter()
        .filter(|d| d.access == Access::Allow)
        .fold(PacketSet::empty(), |acc, d| acc.union(&d.packets))
}

/// The bounds of one rule for traffic of tag `tag`: the remote side classified, the rest of the
/// rule matched as the compiler matches it, and the remote side of the result set to the tag's
/// stand-in so that the bounds live in the same packet space as the query.
fn tag_bounds(
    net: &Network,
    rule: &CompiledRule,
    tag: &str,
    tags: &TagContext,
    traffic: &ServiceTraffic,
) -> ServiceBounds {
    let stand_in = tag_stand_in(tags);
    let dir = traffic.direction;
    let (peer, rest_lower, rest_upper) = match rule.rule {
        RuleRef::Default(_) => {
            // Default rules are one exact cube each: classify its remote side as a set.
            let Some(cube) = rule.matches.lower.cubes().first().cloned() else {
                return ServiceBounds {
                    lower: PacketSet::empty(),
                    upper: PacketSet::empty(),
                    peer_maybe: false,
                };
            };
            let remote = match dir {
                Direction::Inbound => &cube.src,
                Direction::Outbound => &cube.dst,
            };
            let peer = classify_set(remote, &stand_in);
            let rest = with_remote(&cube, dir, &stand_in);
            (peer, rest.clone(), rest)
        }
        RuleRef::Custom(id) => {
            let Some(ir_rule) = net.security_rules.get(id.index()) else {
                return ServiceBounds {
                    lower: PacketSet::empty(),
                    upper: PacketSet::empty(),
                    peer_maybe: false,
                };
            };
            let parsed = parse_rule(id, ir_rule);
            let (remote_items, local_items, local_is_src) = match dir {
                Direction::Inbound => (&parsed.src_addrs, &parsed.dst_addrs, false),
                Direction::Outbound => (&parsed.dst_addrs, &parsed.src_addrs, true),
            };
            let peer = remote_items
                .iter()
                .map(|item| classify_item(item, tag, tags, &stand_in))
                .max()
                .unwrap_or(PeerMatch::No);
            // The compiler reports the rule's unresolved values; here they only widen the bounds.
            let mut reported = Vec::new();
            let (protocols_lower, protocols_upper) =
                protocol_bounds(&parsed.protocols, &mut reported);
            let (local_lower, local_upper) = local_bounds(local_items, tags);
            let (sport_lower, sport_upper) = port_bounds(&parsed.src_ports, &mut reported);
            let (dport_lower, dport_upper) = port_bounds(&parsed.dst_ports, &mut reported);
            let make = |protocols, local: AddrSet, sports, dports| {
                let (src, dst) = if local_is_src {
                    (local, stand_in.clone())
                } else {
                    (stand_in.clone(), local)
                };
                PacketSet::from_cube(Cube::new(protocols, src, sports, dst, dports))
            };
            let upper = make(protocols_upper, local_upper, sport_upper, dport_upper);
            // As in the compiler: an unknown value might make Azure reject the rule.
            let lower = if parsed.has_unknown_value() {
                PacketSet::empty()
            } else {
                make(protocols_lower, local_lower, sport_lower, dport_lower)
            };
            (peer, lower, upper)
        }
    };
    ServiceBounds {
        lower: if peer == PeerMatch::Yes {
            rest_lower
        } else {
            PacketSet::empty()
        },
        upper: if peer == PeerMatch::No {
            PacketSet::empty()
        } else {
            rest_upper
        },
        peer_maybe: peer == PeerMatch::Maybe,
    }
}

/// A default rule's cube with its remote side replaced by the tag's stand-in.
fn with_remote(cube: &Cube, dir: Direction, stand_in: &AddrSet) -> PacketSet {
    let mut cube = cube.clone();
    match dir {
        Direction::Inbound => cube.src = stand_in.clone(),
        Direction::Outbound => cube.dst = stand_in.clone(),
    }
    PacketSet::from_cube(cube)
}

/// How an address set on the remote side of a rule matches a tag's addresses, which lie
/// somewhere in `stand_in` (public space outside the network).
fn classify_set(set: &AddrSet, stand_in: &AddrSet) -> PeerMatch {
    if stand_in.is_subset(set) {
        PeerMatch::Yes
    } else if set.intersects(stand_in) {
        PeerMatch::Maybe
    } else {
        PeerMatch::No
    }
}

/// The table of the module documentation.
pub fn classify_item_name(rule_tag: &str, tag: &str) -> PeerMatch {
    let (base, region) = match rule_tag.rsplit_once('.') {
        // `AzureFrontDoor.Backend` is a tag of its own, not a regional form.
        Some((base, region)) if !rule_tag.starts_with("AzureFrontDoor.") => (base, Some(region)),
        _ => (rule_tag, None),
    };
    let same = base.eq_ignore_ascii_case(tag);
    let cloud = base.eq_ignore_ascii_case("AzureCloud");
    match (same || cloud, region) {
        (true, None) => PeerMatch::Yes,
        _ => PeerMatch::Maybe,
    }
}

fn classify_item(item: &AddrItem, tag: &str, tags: &TagContext, stand_in: &AddrSet) -> PeerMatch {
    match item {
        AddrItem::Set(set) => classify_set(set, stand_in),
        AddrItem::Tag(structural) => classify_set(&structural.expand(tags), stand_in),
        AddrItem::Opaque { tag: rule_tag, .. } => classify_item_name(rule_tag, tag),
        // ASG members are network interfaces: private addresses of the network.
        AddrItem::Asg { .. } => PeerMatch::No,
        AddrItem::Unresolved(_) => PeerMatch::Maybe,
    }
}

/// The local side's bounds, as the compiler computes them; an ASG is bounded above by
/// `VirtualNetwork` (its members are interfaces of the network) and below by nothing.
fn local_bounds(items: &[AddrItem], tags: &TagContext) -> (AddrSet, AddrSet) {
    let mut lower = AddrSet::empty();
    let mut upper = AddrSet::empty();
    for item in items {
        let (l, u) = match item {
            AddrItem::Set(set) => (set.clone(), set.clone()),
            AddrItem::Tag(tag) => {
                let set = tag.expand(tags);
                (set.clone(), set)
            }
            AddrItem::Opaque { .. } => (AddrSet::empty(), internet_set()),
            AddrItem::Asg { .. } => (AddrSet::empty(), StructuralTag::VirtualNetwork.expand(tags)),
            AddrItem::Unresolved(_) => (AddrSet::empty(), AddrSet::all()),
        };
        lower = lower.union(&l);
        upper = upper.union(&u);
    }
    (lower, upper)
}

/// Where the remote side of a rule is written (for a tag-contents uncertainty).
fn remote_span(net: &Network, id: RuleId, dir: Direction) -> Span {
    let rule = &net[id];
    let (single, plural) = match dir {
        Direction::Inbound => (&rule.source_address_prefix, &rule.source_address_prefixes),
        Direction::Outbound => (
            &rule.destination_address_prefix,
            &rule.destination_address_prefixes,
        ),
    };
    single
        .as_ref()
        .map(|a| a.span)
        .or_else(|| plural.as_ref().map(|a| a.span))
        .unwrap_or(rule.meta.span)
}

impl crate::topology::Topology<'_> {
    /// [`evaluate_service`] for an NSG as compiled for `vnet`.
    pub fn evaluate_service(
        &self,
        nsg: vnetlint_ir::NsgId,
        vnet: Option<vnetlint_ir::VnetId>,
        traffic: &ServiceTraffic,
    ) -> ServiceResult {
        let tags = self.tag_context(vnet, nsg);
        evaluate_service(self.net, self.compiled(nsg, vnet), &tags, traffic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_nsg;
    use crate::packet::Protocol;
    use vnetlint_ir::{
        Attr, Dialect, FileId, Meta, Nsg, NsgId, RuleStyle, SecurityRule, Span, TextRange,
    };

    fn span() -> Span {
        Span::new(FileId(0), TextRange::new(0, 1))
    }

    /// An NSG of inbound/outbound rules, one row each: `priority direction access protocol src
    /// dst port`.
    fn nsg(rules: &[&str]) -> Network {
        let mut net = Network::default();
        let id = net.add_nsg(Nsg {
            meta: Meta::new("nsg", span()),
            rules: Vec::new(),
            origin: vnetlint_ir::NsgOrigin::Declared,
        });
        for (i, row) in rules.iter().enumerate() {
            let columns: Vec<&str> = row.split_whitespace().collect();
            let &[priority, direction, access, protocol, src, dst, port] = &columns[..] else {
                panic!("a rule row has seven columns: {row}");
            };
            let mut rule = SecurityRule::new(
                Meta::new(format!("rule{i}"), span()),
                Dialect::Arm,
                RuleStyle::Inline,
            );
            let s = |t: &str| Some(Attr::known(t.to_owned(), span()));
            rule.nsg = Some(Attr::known(id, span()));
            rule.priority = s(priority);
            rule.direction = s(direction);
            rule.access = s(access);
            rule.protocol = s(protocol);
            rule.source_port_range = s("*");
            rule.destination_port_range = s(port);
            rule.source_address_prefix = s(src);
            rule.destination_address_prefix = s(dst);
            let rule_id = net.add_rule(rule);
            net.nsgs[0].rules.push(rule_id);
        }
        net
    }

    /// TCP traffic between subnet 10.0.1.0/24 of VNet 10.0.0.0/16 and the service tag `tag`.
    fn run(net: &Network, direction: Direction, tag: &str, ports: PortSet) -> ServiceResult {
        evaluate(net, direction, ServicePeer::Tag(tag.to_owned()), ports)
    }

    fn evaluate(
        net: &Network,
        direction: Direction,
        peer: ServicePeer,
        ports: PortSet,
    ) -> ServiceResult {
        let tags = TagContext::new(&AddrSet::cidrs(&["10.0.0.0/16"]));
        let compiled = compile_nsg(net, NsgId(0), &tags);
        evaluate_service(
            net,
            &compiled,
            &tags,
            &ServiceTraffic {
                direction,
                peer,
                local: AddrSet::cidrs(&["10.0.1.0/24"]),
                protocols: ProtocolSet::of(&[Protocol::Tcp]),
                ports,
            },
        )
    }

    /// Azure management traffic to the subnet: TCP 454-455 from `AppServiceManagement`.
    fn management_inbound(net: &Network) -> ServiceResult {
        run(
            net,
            Direction::Inbound,
            "AppServiceManagement",
            PortSet::range(454, 455),
        )
    }

    #[test]
    fn a_rule_for_the_tag_certainly_admits_it() {
        let net = nsg(&[
            "100 Inbound Allow Tcp AppServiceManagement * 454-455",
            "4000 Inbound Deny * * * *",
        ]);
        let result = management_inbound(&net);
        assert_eq!(result.allowed, result.query);
        assert!(result.denied().is_empty());
        assert_eq!(result.must[0].rule, RuleRef::Custom(RuleId(0)));
    }

    #[test]
    fn a_deny_all_in_front_certainly_denies() {
        let net = nsg(&[
            "100 Inbound Deny * * * *",
            "200 Inbound Allow Tcp AppServiceManagement * 454-455",
        ]);
        let result = management_inbound(&net);
        assert_eq!(result.denied(), result.query);
        let deny = result.deciding_deny(&result.query).unwrap();
        assert_eq!(deny.rule, RuleRef::Custom(RuleId(0)));
    }

    #[test]
    fn defaults_deny_tag_traffic_inbound_and_allow_it_outbound() {
        let net = nsg(&[]);
        let inbound = management_inbound(&net);
        assert_eq!(inbound.denied(), inbound.query);
        assert_eq!(
            inbound.deciding_deny(&inbound.query).unwrap().rule,
            RuleRef::Default(crate::model::DefaultRule::DenyAllInBound)
        );
        let outbound = run(&net, Direction::Outbound, "Sql", PortSet::single(1433));
        assert_eq!(outbound.allowed, outbound.query);
    }

    #[test]
    fn another_tag_may_match_but_not_certainly() {
        let net = nsg(&["100 Inbound Allow Tcp Sql * *"]);
        let result = management_inbound(&net);
        assert!(result.allowed.is_empty());
        assert_eq!(result.may_allow, result.query);
        assert!(result.denied().is_empty());
        assert!(
            result
                .uncertainties
                .iter()
                .any(|(_, u)| matches!(u, Uncertainty::TagContents { tag, .. } if tag == "Sql"))
        );
    }

    #[test]
    fn deny_internet_outbound_also_denies_service_tags() {
        // Spec §8 edge case 32: `Sql` ⊂ `Internet`.
        let net = nsg(&["100 Outbound Deny * * Internet *"]);
        let result = run(&net, Direction::Outbound, "Sql", PortSet::single(1433));
        assert_eq!(result.denied(), result.query);
        let net = nsg(&[
            "100 Outbound Allow Tcp * Sql 1433",
            "200 Outbound Deny * * Internet *",
        ]);
        let result = run(&net, Direction::Outbound, "Sql", PortSet::single(1433));
        assert_eq!(result.allowed, result.query);
    }

    #[test]
    fn a_public_cidr_in_front_makes_the_verdict_depend_on_tag_contents() {
        let net = nsg(&[
            "100 Inbound Deny * 52.0.0.0/8 * *",
            "200 Inbound Allow Tcp AppServiceManagement * *",
        ]);
        let result = management_inbound(&net);
        assert!(result.allowed.is_empty());
        assert_eq!(result.may_allow, result.query);
        assert_eq!(result.uncertainties.len(), 1);
    }

    #[test]
    fn private_and_vnet_sources_do_not_match_a_tag() {
        let net = nsg(&[
            "100 Inbound Deny * VirtualNetwork * *",
            "110 Inbound Deny * 10.0.0.0/8 * *",
            "120 Inbound Deny * AzureLoadBalancer * *",
            "200 Inbound Allow Tcp AzureCloud * *",
        ]);
        let result = management_inbound(&net);
        assert_eq!(result.allowed, result.query);
        assert_eq!(result.must[0].rule, RuleRef::Custom(RuleId(3)));
    }

    #[test]
    fn the_local_side_and_ports_are_matched_exactly() {
        let net = nsg(&[
            "100 Inbound Allow Tcp AppServiceManagement 10.0.2.0/24 *",
            "110 Inbound Allow Tcp AppServiceManagement * 454",
        ]);
        let result = management_inbound(&net);
        // 454 allowed by rule 110; 455 falls to DenyAllInBound.
        assert!(!result.allowed.is_empty());
        assert!(!result.denied().is_empty());
        assert_eq!(
            result.deciding_deny(&result.denied()).unwrap().rule,
            RuleRef::Default(crate::model::DefaultRule::DenyAllInBound)
        );
    }

    #[test]
    fn regional_forms_and_front_door_names() {
        assert_eq!(
            classify_item_name("AppServiceManagement", "appservicemanagement"),
            PeerMatch::Yes
        );
        assert_eq!(
            classify_item_name("Sql.WestEurope", "Sql"),
            PeerMatch::Maybe
        );
        assert_eq!(classify_item_name("AzureCloud", "Sql"), PeerMatch::Yes);
        assert_eq!(
            classify_item_name("AzureFrontDoor.Backend", "Sql"),
            PeerMatch::Maybe
        );
    }

    #[test]
    fn address_peers_use_the_compiled_rules_unchanged() {
        let net = nsg(&["100 Inbound Deny * AzureLoadBalancer * *"]);
        let load_balancer =
            TagContext::new(&AddrSet::cidrs(&["10.0.0.0/16"])).azure_load_balancer();
        let peer = ServicePeer::Addresses(load_balancer);
        let result = evaluate(&net, Direction::Inbound, peer, PortSet::single(80));
        assert_eq!(result.denied(), result.query);
    }
}
