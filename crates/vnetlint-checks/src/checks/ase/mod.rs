//! App Service Environment checks (VNL3xx), following `ase-networking.md`: an exclusive subnet
//! (VNL301), the inbound and outbound traffic each version needs through the subnet's NSG
//! (VNL302, VNL303), custom DNS reachability (VNL304) and subnet size (VNL305).
//!
//! Shared here: which environments can be judged (known subnet; known version where the
//! verdict depends on it), the per-version traffic requirements, and how a blocked requirement
//! becomes a finding. An environment whose version, subnet or NSG association is unresolved is
//! skipped by the checks that need it: judging it would mean guessing.
//! VNL306 reads the plan's changes of `dns_servers`.

pub(crate) mod ase_dns_changed;
pub(crate) mod ase_dns_unreachable;
pub(crate) mod ase_inbound_blocked;
pub(crate) mod ase_outbound_blocked;
pub(crate) mod ase_subnet_shared;
pub(crate) mod ase_subnet_too_small;

use std::collections::BTreeMap;

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{
    Direction, PortSet, Protocol, ProtocolSet, RuleRef, ServicePeer, ServiceTraffic,
};
use vnetlint_ir::{Ase, AseId, AseVersion, Attr, Network, NsgId, RuleId, Span, SubnetId, Val};

use crate::analysis::port_set;
use crate::checks::frontend::unresolved_value::{gather_unresolved, unresolved_in_rule};
use crate::context::Context;
use crate::declare::Check;
use crate::finding::{label, name_label};

/// An environment with a known subnet.
pub(crate) struct AseSite<'n> {
    pub id: AseId,
    pub ase: &'n Ase,
    pub subnet: SubnetId,
    /// `None` when the version is unresolved.
    pub version: Option<AseVersion>,
}

/// Every environment whose subnet is known.
pub(crate) fn sites(net: &Network) -> Vec<AseSite<'_>> {
    net.iter_ases()
        .filter_map(|(id, ase)| {
            let subnet = *ase.subnet.as_ref()?.get()?;
            (subnet.index() < net.subnets.len()).then_some(AseSite {
                id,
                ase,
                subnet,
                version: ase.version.as_ref().and_then(Attr::get).copied(),
            })
        })
        .collect()
}

pub(crate) fn version_name(version: AseVersion) -> &'static str {
    match version {
        AseVersion::V1 => "v1",
        AseVersion::V2 => "v2",
        AseVersion::V3 => "v3",
    }
}

/// Who is on the other side of a required flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// An opaque service tag.
    Tag(&'static str),
    /// Public endpoints the environment depends on ("to all" in the spec). Evaluated as traffic
    /// of the `AzureCloud` tag: a rule for `*`, `Internet` or `AzureCloud` certainly decides it,
    /// a rule for another tag or a public range only possibly (no false alarm, see the docs).
    Public,
    /// `AzureLoadBalancer` (168.63.129.16).
    LoadBalancer,
    /// The environment's own subnet.
    OwnSubnet,
}

/// One flow the environment needs.
pub(crate) struct Requirement {
    pub protocols: &'static [Protocol],
    pub ports: &'static [(u16, u16)],
    pub peer: Peer,
    /// Why it is needed, for messages.
    pub purpose: &'static str,
}

const TCP: &[Protocol] = &[Protocol::Tcp];
const UDP: &[Protocol] = &[Protocol::Udp];
const TCP_UDP: &[Protocol] = &[Protocol::Tcp, Protocol::Udp];
const ALL_PORTS: &[(u16, u16)] = &[(0, 65535)];

/// The flows a version needs in one direction (spec §5.4).
pub(crate) fn requirements(version: AseVersion, direction: Direction) -> Vec<Requirement> {
    let req = |protocols, ports, peer, purpose| Requirement {
        protocols,
        ports,
        peer,
        purpose,
    };
    match (version, direction) {
        // v1 examples open 454-455 from `INTERNET`; the management addresses are the
        // `AppServiceManagement` tag, and a rule for either certainly admits the tag's traffic.
        (AseVersion::V1, Direction::Inbound) => vec![req(
            TCP,
            &[(454, 455)],
            Peer::Tag("AppServiceManagement"),
            "Azure management",
        )],
        (AseVersion::V2, Direction::Inbound) => vec![
            req(
                TCP,
                &[(454, 455)],
                Peer::Tag("AppServiceManagement"),
                "Azure management",
            ),
            req(
                TCP,
                &[(16001, 16001)],
                Peer::LoadBalancer,
                "load balancer keep-alive",
            ),
            req(
                TCP_UDP,
                ALL_PORTS,
                Peer::OwnSubnet,
                "traffic between the environment's own instances",
            ),
        ],
        (AseVersion::V3, Direction::Inbound) => vec![req(
            TCP,
            &[(80, 80)],
            Peer::LoadBalancer,
            "the internal health ping",
        )],
        (AseVersion::V1, Direction::Outbound) => vec![
            req(UDP, &[(53, 53)], Peer::Public, "DNS"),
            req(
                TCP,
                &[(80, 80), (443, 443)],
                Peer::Tag("Storage"),
                "Azure Storage",
            ),
            req(TCP, &[(445, 445)], Peer::Tag("Storage"), "Azure Files"),
            req(
                TCP,
                &[(1433, 1433), (11000, 11999), (14000, 14999)],
                Peer::Tag("Sql"),
                "Azure SQL Database",
            ),
            req(TCP, &[(443, 443)], Peer::Public, "management endpoints"),
            req(
                TCP,
                &[(80, 80)],
                Peer::Public,
                "certificate revocation lists",
            ),
        ],
        (AseVersion::V2, Direction::Outbound) => vec![
            req(UDP, &[(53, 53)], Peer::Public, "DNS"),
            req(UDP, &[(123, 123)], Peer::Public, "NTP"),
            req(
                TCP,
                &[(80, 80), (443, 443)],
                Peer::Public,
                "dependencies over HTTP and HTTPS",
            ),
            req(TCP, &[(1433, 1433)], Peer::Tag("Sql"), "Azure SQL Database"),
            req(TCP, &[(12000, 12000)], Peer::Public, "monitoring"),
            req(
                TCP_UDP,
                ALL_PORTS,
                Peer::OwnSubnet,
                "traffic between the environment's own instances",
            ),
        ],
        // v3 needs only what its apps depend on; DNS to custom servers is VNL304's.
        (AseVersion::V3, Direction::Outbound) => Vec::new(),
    }
}

impl Requirement {
    pub(crate) fn port_set(&self) -> PortSet {
        port_set(self.ports)
    }

    fn peer_name(&self) -> &'static str {
        match self.peer {
            Peer::Tag(tag) => tag,
            Peer::Public => "Internet",
            Peer::LoadBalancer => "AzureLoadBalancer",
            Peer::OwnSubnet => "the environment's subnet",
        }
    }

    /// For example: TCP 454-455 from `AppServiceManagement` (Azure management).
    pub(crate) fn describe(&self, direction: Direction) -> String {
        let protocols: Vec<String> = self
            .protocols
            .iter()
            .map(|p| p.name().to_ascii_uppercase())
            .collect();
        let ports = if self.ports == ALL_PORTS {
            "all ports".to_owned()
        } else {
            self.port_set().to_string()
        };
        let peer = match self.peer {
            Peer::OwnSubnet => self.peer_name().to_owned(),
            _ => format!("`{}`", self.peer_name()),
        };
        let towards = match direction {
            Direction::Inbound => "from",
            Direction::Outbound => "to",
        };
        format!(
            "{} {ports} {towards} {peer} ({})",
            protocols.join("/"),
            self.purpose
        )
    }

    fn traffic(&self, direction: Direction, local: &vnetlint_engine::AddrSet) -> ServiceTraffic {
        let peer = match self.peer {
            Peer::Tag(tag) => ServicePeer::Tag(tag.to_owned()),
            Peer::Public => ServicePeer::Tag("AzureCloud".to_owned()),
            Peer::LoadBalancer => ServicePeer::Addresses(
                vnetlint_engine::TagContext::stand_in().azure_load_balancer(),
            ),
            Peer::OwnSubnet => ServicePeer::Addresses(local.clone()),
        };
        ServiceTraffic {
            direction,
            peer,
            local: local.clone(),
            protocols: ProtocolSet::of(self.protocols),
            ports: self.port_set(),
        }
    }
}

/// VNL302 and VNL303: the requirements of one direction against the subnet's NSG, one finding
/// per environment and deciding rule, VNL002 where the verdict hangs on an unresolved value.
pub(crate) fn report_blocked(
    ctx: &Context<'_>,
    check: &Check,
    direction: Direction,
    consequence: fn(AseVersion) -> &'static str,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    let topo = &ctx.topology;
    for site in sites(net) {
        let Some(version) = site.version else {
            continue;
        };
        let subnet = &net[site.subnet];
        // No NSG: nothing blocks. An unresolved association is not judged (no guess).
        let Some(Val::Known(nsg)) = subnet.nsg.as_ref().map(|a| &a.value) else {
            continue;
        };
        let Some(local) = topo.subnet_prefixes(site.subnet) else {
            continue;
        };
        let vnet = topo.subnet_vnet(site.subnet);
        let mut blocked: BTreeMap<RuleRef, Vec<String>> = BTreeMap::new();
        let mut unresolved: BTreeMap<Span, (String, RuleId, Vec<String>)> = BTreeMap::new();
        for requirement in requirements(version, direction) {
            let traffic = requirement.traffic(direction, local);
            let result = topo.evaluate_service(*nsg, vnet, &traffic);
            let denied = result.denied();
            let what = requirement.describe(direction);
            // "All ports within the subnet" is reported only when nothing of it gets through:
            // the documentation does not say which ports the instances really use, and a deny
            // of one port (RDP, say) is common and harmless in practice (no false alarm).
            if requirement.peer == Peer::OwnSubnet && !result.may_allow.is_empty() {
                continue;
            }
            if let Some(decision) = result.deciding_deny(&denied) {
                blocked.entry(decision.rule).or_default().push(what);
                continue;
            }
            gather_unresolved(&result, &what, &mut unresolved);
        }
        for (rule, what) in blocked {
            out.push(blocked_finding(
                ctx,
                check,
                &site,
                version,
                *nsg,
                rule,
                direction,
                &what,
                consequence(version),
            ));
        }
        for (span, (reason, rule, what)) in unresolved {
            let message = format!(
                "whether NSG `{}` lets App Service Environment `{}` have {} depends on a value vnetlint cannot resolve ({reason}); give it a value in the scanned files so the requirement can be judged",
                net[*nsg].meta.display_name(),
                site.ase.meta.display_name(),
                what.join(", "),
            );
            let rule = &net[rule].meta;
            out.push(unresolved_in_rule(
                check,
                span,
                rule,
                message,
                Some(&reason),
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn blocked_finding(
    ctx: &Context<'_>,
    check: &Check,
    site: &AseSite<'_>,
    version: AseVersion,
    nsg: NsgId,
    rule: RuleRef,
    direction: Direction,
    what: &[String],
    consequence: &str,
) -> Finding {
    let net = ctx.network;
    let nsg_meta = &net[nsg].meta;
    let (rule_text, primary, fix) = match rule {
        RuleRef::Custom(id) => {
            let r = &net[id];
            (
                format!(
                    "rule `{}` of NSG `{}`",
                    r.meta.display_name(),
                    nsg_meta.display_name()
                ),
                name_label(&r.meta, "this rule blocks it"),
                format!(
                    "add allow rules for it with a lower priority number than `{}`, or narrow that rule",
                    r.meta.display_name()
                ),
            )
        }
        RuleRef::Default(default) => (
            format!(
                "default rule `{}` of NSG `{}`",
                default.name(),
                nsg_meta.display_name()
            ),
            name_label(
                nsg_meta,
                format!("its default rule `{}` blocks it", default.name()),
            ),
            "add allow rules for it to the NSG".to_owned(),
        ),
    };
    let message = format!(
        "{rule_text} blocks {direction} traffic that App Service Environment `{}` ({}) requires: {}; {consequence}; {fix}",
        site.ase.meta.display_name(),
        version_name(version),
        what.join(", "),
    );
    let mut finding = check
        .finding(message, primary.clone())
        .with_secondary(name_label(&site.ase.meta, "the App Service Environment"))
        .with_flow_step(primary)
        .with_address(site.ase.meta.address.clone())
        .with_fingerprint_key(rule.api_name(net));
    let subnet = &net[site.subnet];
    if let Some(association) = &subnet.nsg {
        finding = finding.with_secondary(label(
            &subnet.meta,
            association.span,
            "the NSG is attached to the environment's subnet here",
        ));
    }
    for item in what {
        finding = finding.with_note(format!(
            "blocked: {item}, decided by {}",
            rule.describe(net)
        ));
    }
    finding
}
