//! `vnetlint diff`: what a change newly allows and newly blocks, packet-exact. Two analyses of
//! the same configuration (two directories, a git ref and the working tree, or a plan's prior
//! state and its planned values) are compared unit by unit (matched by directory or file) and
//! destination by destination (matched by logical address): for each destination the engine
//! knows — every NIC, subnet, private endpoint and public IP, and the Internet for egress — the
//! set of packets from anywhere that reach it in BASE and in HEAD. Their differences become
//! `VNL910 reachability-opened` and `VNL911 reachability-closed` findings, summarized per source
//! class, each with a witness packet and the element that decides it.
//!
//! Units whose networks are equal in both (the same elements, values and spans) are not
//! compared: a one-file change costs the comparison of its own unit only.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use vnetlint_diagnostics::{Finding, Label, Level};
use vnetlint_engine::{
    AddrSet, Packet, PacketSet, PathResult, Protocol, ProtocolSet, RuleRef, Topology, Traffic,
};
use vnetlint_ir::{ElementId, Network};
use vnetlint_source::{FileId, SourceMap, Span, TextRange};

use crate::Analysis;

/// Which way reachability changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Packets HEAD allows that BASE denied.
    Opened,
    /// Packets BASE allowed that HEAD denies.
    Closed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Opened => "opened",
            ChangeKind::Closed => "closed",
        }
    }
}

/// One readable difference: packets of one source class to one destination.
#[derive(Debug, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    /// The unit (module directory, template or plan) the destination is in.
    pub unit: String,
    /// The destination's logical address, and how messages name it.
    pub to: String,
    pub to_label: String,
    /// The source class (`the Internet`, `subnet snet-app (10.0.1.0/24)`, ...).
    pub from: String,
    /// Whether the sources are broad Internet sources (as VNL101-103 define them).
    pub broad_internet: bool,
    /// `tcp`, `udp, tcp`, `every protocol`.
    pub protocols: String,
    /// `22, 3389`, `every port`.
    pub ports: String,
    pub witness: Packet,
    /// The element that decides it, in the version where the packets are allowed or denied
    /// now (HEAD), or the removed element in BASE.
    pub because: String,
    /// Where that element is written, in the combined source map of the result.
    pub span: Span,
    /// The changed packets of this class.
    pub packets: PacketSet,
}

/// The result of a comparison: the changes, and the findings that report them (plus HEAD's
/// intent violations), over one source map (HEAD's files, then the BASE files a finding
/// points into, shown with ` (base)` after their path).
#[derive(Debug)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub findings: Vec<Finding>,
    pub sources: SourceMap,
    /// Units compared and units skipped as unchanged.
    pub compared_units: usize,
    pub unchanged_units: usize,
}

/// More public addresses than this (a /16) are broad sources, as VNL101-103 count them.
const BROAD_SOURCES: u128 = 65_536;

/// Compares two analyses of the same configuration.
pub fn compare(base: &Analysis, head: &Analysis) -> Comparison {
    compare_with(base, head, None)
}

/// Compares the prior state and the planned values of a plan (`vnetlint diff --plan`). With its
/// configuration among the files read (the `.tf` files of `config_dir`, relative to `root`),
/// the findings point at the configuration's lines, as `check --plan` does, not at the plan.
pub fn compare_plan(
    base: &Analysis,
    head: &Analysis,
    config_dir: &Path,
    root: &Path,
) -> Comparison {
    compare_with(base, head, Some((config_dir, root)))
}

fn compare_with(
    base: &Analysis,
    head: &Analysis,
    plan_config: Option<(&Path, &Path)>,
) -> Comparison {
    // The pipeline moves the findings of a plan onto its configuration, but the networks keep
    // their plan spans (the checks and suppressions need them); the diff maps its own spans the
    // same way, with the same map.
    let base_map = plan_config.and_then(|(dir, root)| {
        PlanConfigMap::new(base, dir, root, vnetlint_terraform::PlanSide::Prior)
    });
    let head_map = plan_config.and_then(|(dir, root)| {
        PlanConfigMap::new(head, dir, root, vnetlint_terraform::PlanSide::Planned)
    });
    let mut sources = head.sources.clone();
    let mut copied: BTreeMap<FileId, FileId> = BTreeMap::new();
    let base_units: BTreeMap<&str, &Network> = base
        .network_keys
        .iter()
        .map(String::as_str)
        .zip(&base.networks)
        .collect();
    let head_units: BTreeMap<&str, &Network> = head
        .network_keys
        .iter()
        .map(String::as_str)
        .zip(&head.networks)
        .collect();
    let keys: BTreeSet<&str> = base_units
        .keys()
        .chain(head_units.keys())
        .copied()
        .collect();
    let empty = Network::default();
    let mut changes = Vec::new();
    let mut compared = 0;
    let mut unchanged = 0;
    for key in keys {
        let base_net = base_units.get(key).copied().unwrap_or(&empty);
        let head_net = head_units.get(key).copied().unwrap_or(&empty);
        // Equal networks (same elements, values and spans) cannot differ in what they allow:
        // an untouched module costs one comparison of values, not a reachability analysis.
        if base_units.contains_key(key) && head_units.contains_key(key) && base_net == head_net {
            unchanged += 1;
            continue;
        }
        compared += 1;
        let mut locate = |side: Side, span: Span| match side {
            Side::Head => head_map.as_ref().map_or(span, |map| map.map(span)),
            Side::Base => {
                let span = base_map.as_ref().map_or(span, |map| map.map(span));
                Span::new(
                    *copied.entry(span.file).or_insert_with(|| {
                        let file = base.sources.get(span.file);
                        // A file BASE and HEAD share unchanged (a plan's configuration, the
                        // untouched files of a module) is HEAD's: it is the same text.
                        head_file_by_path(&head.sources, &file.path)
                            .filter(|&id| head.sources.get(id).text == file.text)
                            .unwrap_or_else(|| {
                                sources.add(format!("{} (base)", file.path), file.text.clone())
                            })
                    }),
                    span.range,
                )
            }
        };
        changes.extend(compare_unit(key, base_net, head_net, &mut locate));
    }
    changes
        .sort_by(|a, b| (a.kind, &a.unit, &a.to, &a.from).cmp(&(b.kind, &b.unit, &b.to, &b.from)));
    let mut findings: Vec<Finding> = changes.iter().map(finding).collect();
    findings.extend(introduced_intents(base, head));
    vnetlint_diagnostics::sort_findings(&mut findings);
    Comparison {
        changes,
        findings,
        sources,
        compared_units: compared,
        unchanged_units: unchanged,
    }
}

/// HEAD's file of a path, if any.
fn head_file_by_path(sources: &SourceMap, path: &str) -> Option<FileId> {
    sources
        .iter()
        .find(|(_, file)| file.path == path)
        .map(|(id, _)| id)
}

/// The map from a plan's spans to its configuration's, for one side of `diff --plan`: the
/// `ConfigMap` `check --plan` uses, built from the plan file and the configuration's files the
/// run read (a root module only: elements of called modules keep their plan spans).
struct PlanConfigMap<'s> {
    map: vnetlint_terraform::ConfigMap<'s>,
}

impl<'s> PlanConfigMap<'s> {
    fn new(
        analysis: &'s Analysis,
        config_dir: &Path,
        root: &Path,
        side: vnetlint_terraform::PlanSide,
    ) -> Option<Self> {
        let canonical = |path: &Path| std::fs::canonicalize(path).ok();
        let config_dir = canonical(&root.join(config_dir))?;
        let mut plan = None;
        let mut config_files = Vec::new();
        for (id, file) in analysis.sources.iter() {
            let path = Path::new(&file.path);
            let name = file.path.to_ascii_lowercase();
            if vnetlint_terraform::is_plan_json(&file.text) {
                plan = plan.or(Some(id));
            } else if [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
                .iter()
                .any(|suffix| name.ends_with(suffix))
                && canonical(&root.join(path))
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .is_some_and(|dir| dir == config_dir)
            {
                config_files.push(id);
            }
        }
        if config_files.is_empty() {
            return None;
        }
        let lowered = vnetlint_terraform::lower_plan_side(&analysis.sources, plan?, side);
        let configuration = vnetlint_terraform::lower_module(&analysis.sources, &config_files, "");
        let map = vnetlint_terraform::ConfigMap::new(
            &analysis.sources,
            &lowered,
            &configuration.network,
        )?;
        Some(Self { map })
    }

    fn map(&self, span: Span) -> Span {
        self.map.map(span)
    }
}

/// Which version an element is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Base,
    Head,
}

/// Which source classes a destination is judged from: the Internet enters only through a
/// public entry point, so a private destination is judged from private sources and a public IP
/// from the Internet (the unattached NSGs, judged on their own, from every source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sources {
    Private,
    Internet,
    All,
}

impl Sources {
    fn admits(self, internet: bool) -> bool {
        match self {
            Sources::Private => !internet,
            Sources::Internet => internet,
            Sources::All => true,
        }
    }
}

/// The destinations of a network: every NIC, subnet without NICs, private endpoint and public
/// IP by logical address, and the Internet (for egress), with the sources each is judged from.
fn destinations(net: &Network) -> BTreeMap<String, Sources> {
    let mut with_nics = BTreeSet::new();
    for nic in &net.nics {
        for config in &nic.ip_configurations {
            with_nics.extend(config.subnet.as_ref().and_then(|s| s.get()).copied());
        }
    }
    let mut out: BTreeMap<String, Sources> = net
        .elements()
        .into_iter()
        .filter_map(|id| {
            let sources = match id {
                ElementId::Nic(_) | ElementId::PrivateEndpoint(_) => Sources::Private,
                ElementId::Subnet(subnet) if !with_nics.contains(&subnet) => Sources::Private,
                ElementId::PublicIp(_) => Sources::Internet,
                _ => return None,
            };
            Some((net.meta(id).address.clone(), sources))
        })
        .collect();
    out.insert("Internet".to_owned(), Sources::Private);
    out
}

/// What reaches `to` from anywhere in one network (empty when `to` is not in it).
fn reaching(topology: &Topology<'_>, to: &str) -> Option<PathResult> {
    let from = topology.resolve("*").ok()?;
    let to = topology.resolve(to).ok()?;
    Some(topology.evaluate_path(&from, &to, &Traffic::all()))
}

fn compare_unit(
    unit: &str,
    base: &Network,
    head: &Network,
    locate: &mut dyn FnMut(Side, Span) -> Span,
) -> Vec<Change> {
    let base_topology = Topology::build(base);
    let head_topology = Topology::build(head);
    let mut all: BTreeMap<String, Sources> = destinations(base);
    all.extend(destinations(head));
    let classes = SourceClasses::of(&[base, head]);
    let mut changes = Vec::new();
    changes.extend(compare_unattached_nsgs(
        unit,
        (base, &base_topology),
        (head, &head_topology),
        &classes,
        locate,
    ));
    for (to, &sources) in &all {
        let in_base = to == "Internet" || base.find(to).is_some();
        let in_head = to == "Internet" || head.find(to).is_some();
        let before = in_base
            .then(|| reaching(&base_topology, to))
            .flatten()
            .map_or_else(PacketSet::empty, |r| r.allowed);
        let after = in_head
            .then(|| reaching(&head_topology, to))
            .flatten()
            .map_or_else(PacketSet::empty, |r| r.allowed);
        for (kind, set) in [
            (ChangeKind::Opened, after.subtract(&before)),
            (ChangeKind::Closed, before.subtract(&after)),
        ] {
            if set.is_empty() {
                continue;
            }
            let ctx = UnitCtx {
                unit,
                to,
                base: (base, &base_topology),
                head: (head, &head_topology),
            };
            changes.extend(describe(&ctx, kind, &set, &classes, sources, locate));
        }
    }
    changes
}

/// NSGs attached to nothing, by address: judged on their own inbound rules (as VNL101-103 judge
/// them), since no destination of the network leads to them.
fn unattached_nsgs(net: &Network) -> BTreeMap<String, vnetlint_ir::NsgId> {
    let mut attached = BTreeSet::new();
    for subnet in &net.subnets {
        attached.extend(subnet.nsg.as_ref().and_then(|a| a.get()).copied());
    }
    for nic in &net.nics {
        attached.extend(nic.nsg.as_ref().and_then(|a| a.get()).copied());
    }
    net.iter_nsgs()
        .filter(|(id, _)| !attached.contains(id))
        .map(|(id, nsg)| (nsg.meta.address.clone(), id))
        .collect()
}

/// The differences of what the unattached NSGs of a unit let in: an NSG unattached in one
/// version and absent from the other counts as letting nothing in there; one attached in either
/// version is compared through the destinations it guards instead.
fn compare_unattached_nsgs(
    unit: &str,
    base: (&Network, &Topology<'_>),
    head: (&Network, &Topology<'_>),
    classes: &SourceClasses,
    locate: &mut dyn FnMut(Side, Span) -> Span,
) -> Vec<Change> {
    let base_free = unattached_nsgs(base.0);
    let head_free = unattached_nsgs(head.0);
    // What the NSG would guard once attached: private destinations (the stand-in
    // `VirtualNetwork` VNL101-103 judge an unattached NSG with).
    let guarded = PacketSet::from_cube(vnetlint_engine::Cube {
        dst: vnetlint_engine::TagContext::stand_in().virtual_network,
        ..vnetlint_engine::Cube::all()
    });
    let allowed = |(_, topology): (&Network, &Topology<'_>), id: vnetlint_ir::NsgId| {
        topology.compiled(id, None).allowed(
            vnetlint_engine::Direction::Inbound,
            &guarded,
            vnetlint_engine::Mode::Must,
        )
    };
    let mut out = Vec::new();
    let addresses: BTreeSet<&String> = base_free.keys().chain(head_free.keys()).collect();
    for address in addresses {
        let in_base = base_free.get(address);
        let in_head = head_free.get(address);
        if (in_base.is_none() && base.0.find(address).is_some())
            || (in_head.is_none() && head.0.find(address).is_some())
        {
            continue;
        }
        let before = in_base.map_or_else(PacketSet::empty, |&id| allowed(base, id));
        let after = in_head.map_or_else(PacketSet::empty, |&id| allowed(head, id));
        for (kind, set, side) in [
            (ChangeKind::Opened, after.subtract(&before), head),
            (ChangeKind::Closed, before.subtract(&after), head),
        ] {
            for mut change in describe_by_class(unit, address, kind, &set, classes, Sources::All) {
                let (net, topology) = if in_head.is_some() { side } else { base };
                let id = in_head.or(in_base).copied();
                let (because, span) = id.map_or_else(
                    || (String::new(), Span::new(FileId(0), TextRange::empty(0))),
                    |id| {
                        let verdict = topology
                            .compiled(id, None)
                            .evaluate(vnetlint_engine::Direction::Inbound, &change.witness);
                        let span = match verdict.rule {
                            RuleRef::Custom(rule) => net[rule].meta.span,
                            RuleRef::Default(_) => net[id].meta.span,
                        };
                        (verdict.rule.describe(net), span)
                    },
                );
                let from_base = in_head.is_none();
                change.because = because;
                change.span = locate(if from_base { Side::Base } else { Side::Head }, span);
                change.to_label = format!(
                    "{} (attached nowhere in the scanned files)",
                    id.map_or_else(
                        || address.clone(),
                        |id| net[id].meta.display_name().to_owned()
                    )
                );
                out.push(change);
            }
        }
    }
    out
}

/// Both versions of one unit, for describing a change.
struct UnitCtx<'a, 'n> {
    unit: &'a str,
    to: &'a str,
    base: (&'n Network, &'a Topology<'n>),
    head: (&'n Network, &'a Topology<'n>),
}

/// The source classes changes are summarized by: each subnet, each on-premises range, the
/// Internet (public addresses) and other private addresses.
struct SourceClasses {
    classes: Vec<(String, AddrSet, bool)>,
}

impl SourceClasses {
    fn of(nets: &[&Network]) -> Self {
        let mut classes: Vec<(String, AddrSet, bool)> = Vec::new();
        let mut named = AddrSet::empty();
        let mut seen = BTreeSet::new();
        for net in nets {
            let topology = Topology::build(net);
            for (id, subnet) in net.iter_subnets() {
                let Some(prefixes) = topology.subnet_prefixes(id) else {
                    continue;
                };
                let part = prefixes.subtract(&named);
                if part.is_empty() || !seen.insert(subnet.meta.address.clone()) {
                    continue;
                }
                named = named.union(&part);
                classes.push((
                    format!(
                        "subnet `{}` ({})",
                        subnet.meta.display_name(),
                        part.to_cidrs().join(", ")
                    ),
                    part,
                    false,
                ));
            }
            for vnet in 0..net.vnets.len() {
                let id = vnetlint_ir::VnetId(u32::try_from(vnet).unwrap_or(u32::MAX));
                let part = topology.on_premises(id).subtract(&named);
                if part.is_empty() {
                    continue;
                }
                named = named.union(&part);
                classes.push((
                    format!("on-premises {}", part.to_cidrs().join(", ")),
                    part,
                    false,
                ));
            }
        }
        let private = [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "fc00::/7",
        ]
        .iter()
        .filter_map(|c| AddrSet::parse(c))
        .fold(AddrSet::empty(), |acc, s| acc.union(&s));
        let other_private = private.subtract(&named);
        // The platform's own address (health probes, DNS) is no Internet host, and what reaches
        // from it is not summarized (the default rules admit its probes anyway).
        let platform = AddrSet::parse("168.63.129.16/32").unwrap_or_else(AddrSet::empty);
        // The Internet as NSGs mean it (the `Internet` tag: no private, reserved or special
        // ranges), less what the scanned networks name.
        let public = vnetlint_engine::TagContext::stand_in()
            .internet()
            .subtract(&private)
            .subtract(&named)
            .subtract(&platform);
        classes.push(("the Internet".to_owned(), public, true));
        classes.push(("other private addresses".to_owned(), other_private, false));
        Self { classes }
    }
}

/// How a set of Internet sources reads: `the Internet`, `the Internet except 203.0.113.10/32`,
/// or its first ranges when it is a small part of it.
fn internet_label(class: &AddrSet, sources: &AddrSet) -> String {
    let missing = class.subtract(sources);
    // A v4-only or v6-only source (`0.0.0.0/0`) is that family's Internet.
    for (family, all) in [("IPv4", AddrSet::all_v4()), ("IPv6", AddrSet::all_v6())] {
        let other = AddrSet::all().subtract(&all);
        if !sources.intersects(&other) && !class.intersect(&other).is_empty() {
            let within = class.intersect(&all).subtract(sources).to_cidrs();
            if within.is_empty() {
                return format!("the {family} Internet");
            }
            if within.len() <= 3 {
                return format!("the {family} Internet except {}", within.join(", "));
            }
        }
    }
    let missing = missing.to_cidrs();
    if missing.is_empty() {
        return "the Internet".to_owned();
    }
    if missing.len() <= 3 && public_size(sources) > BROAD_SOURCES {
        return format!("the Internet except {}", missing.join(", "));
    }
    let cidrs = sources.to_cidrs();
    let shown: Vec<&str> = cidrs.iter().take(3).map(String::as_str).collect();
    let more = if cidrs.len() > 3 {
        format!(", ... ({} ranges)", cidrs.len())
    } else {
        String::new()
    };
    format!("the Internet ({}{more})", shown.join(", "))
}

/// Public addresses in a set, counting IPv6 by /64 networks as the exposure checks do.
fn public_size(set: &AddrSet) -> u128 {
    set.to_cidrs()
        .iter()
        .filter_map(|c| {
            let (ip, len) = c.split_once('/')?;
            let len: u32 = len.parse().ok()?;
            Some(if ip.contains(':') {
                1u128 << (64u32.saturating_sub(len.min(64)))
            } else {
                1u128 << (32 - len.min(32))
            })
        })
        .sum()
}

/// A changed packet set summarized per source class, without its cause yet.
fn describe_by_class(
    unit: &str,
    to: &str,
    kind: ChangeKind,
    set: &PacketSet,
    classes: &SourceClasses,
    judged_from: Sources,
) -> Vec<Change> {
    let mut out = Vec::new();
    for (label, class, internet) in &classes.classes {
        if !judged_from.admits(*internet) {
            continue;
        }
        let part = set.intersect(&PacketSet::from_cube(vnetlint_engine::Cube {
            src: class.clone(),
            ..vnetlint_engine::Cube::all()
        }));
        if part.is_empty() {
            continue;
        }
        let mut sources = AddrSet::empty();
        let mut protocols = ProtocolSet::empty();
        let mut ports = vnetlint_engine::PortSet::empty();
        for cube in part.cubes() {
            sources = sources.union(&cube.src);
            protocols = protocols.union(cube.protocols);
            if !cube.protocols.intersect(ProtocolSet::ported()).is_empty() {
                ports = ports.union(&cube.dst_ports);
            }
        }
        let from = if *internet {
            internet_label(class, &sources)
        } else {
            label.clone()
        };
        let hints = [Packet::new(
            Protocol::Tcp,
            "203.0.113.1".parse().expect("literal address"),
            49152,
            "10.0.1.4".parse().expect("literal address"),
            22,
        )];
        let Some(witness) = part.witness(&hints) else {
            continue;
        };
        out.push(Change {
            kind,
            unit: unit.to_owned(),
            to: to.to_owned(),
            to_label: to.to_owned(),
            from,
            broad_internet: *internet && public_size(&sources) > BROAD_SOURCES,
            protocols: describe_protocols(protocols),
            ports: describe_ports(&ports, protocols),
            witness,
            because: String::new(),
            span: Span::new(FileId(0), TextRange::empty(0)),
            packets: part,
        });
    }
    out
}

fn describe(
    ctx: &UnitCtx<'_, '_>,
    kind: ChangeKind,
    set: &PacketSet,
    classes: &SourceClasses,
    judged_from: Sources,
    locate: &mut dyn FnMut(Side, Span) -> Span,
) -> Vec<Change> {
    let mut out = describe_by_class(ctx.unit, ctx.to, kind, set, classes, judged_from);
    for change in &mut out {
        let (because, side, span) = cause(ctx, &change.witness);
        let net = match side {
            Side::Head => ctx.head.0,
            Side::Base => ctx.base.0,
        };
        change.to_label = net.find(ctx.to).map_or_else(
            || ctx.to.to_owned(),
            |id| net.meta(id).display_name().to_owned(),
        );
        change.because = because;
        change.span = locate(side, span);
    }
    out
}

fn describe_protocols(protocols: ProtocolSet) -> String {
    if protocols.is_all() {
        return "every protocol".to_owned();
    }
    protocols
        .iter()
        .map(|p| p.name().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_ports(ports: &vnetlint_engine::PortSet, protocols: ProtocolSet) -> String {
    if protocols.intersect(ProtocolSet::ported()).is_empty() {
        return "no ports".to_owned();
    }
    if ports.is_all() {
        return "every port".to_owned();
    }
    let ranges: Vec<String> = ports
        .ranges()
        .iter()
        .take(8)
        .map(|(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            }
        })
        .collect();
    let more = if ports.ranges().len() > 8 {
        ", ..."
    } else {
        ""
    };
    format!("{}{more}", ranges.join(", "))
}

/// What decides the witness now: the first NSG rule on HEAD's path that BASE's path did not
/// decide the same way; else the destination element.
fn cause(ctx: &UnitCtx<'_, '_>, witness: &Packet) -> (String, Side, Span) {
    let trace_of = |(net, topology): (&Network, &Topology<'_>)| {
        let from = topology.resolve("*").ok()?;
        let to = topology.resolve(ctx.to).ok()?;
        let traffic = Traffic {
            protocols: ProtocolSet::single(witness.protocol),
            dst_ports: vnetlint_engine::PortSet::single(witness.dst_port),
        };
        let result = topology.evaluate_path(&from, &to, &traffic);
        // The pair whose query holds the witness; its egress and arrival hops decide it.
        let pair = result.pairs.iter().find(|p| p.query.contains(witness))?;
        // Where routes are modelled, the witness's whole journey decides: a route, a firewall
        // rule or an NSG rule, whichever the change touched.
        if let Some((src, dst)) = &pair.routed {
            let (steps, _) = topology.trace_packet(src, dst, witness);
            let hops: Vec<(String, String, Span)> = steps
                .iter()
                .filter_map(|step| Some((step.text.clone(), step.text.clone(), step.span?)))
                .collect();
            return Some((hops, result.notes));
        }
        let mut traces = topology.trace(&pair.hops, witness);
        if traces
            .iter()
            .all(|t| t.access == vnetlint_engine::Access::Allow)
        {
            traces.extend(topology.trace(&pair.egress, witness));
        }
        let hops: Vec<(String, String, Span)> = traces
            .iter()
            .map(|t| {
                let (key, span) = match t.rule {
                    RuleRef::Custom(id) => {
                        let rule = &net[id];
                        (rule.meta.address.clone(), rule.meta.span)
                    }
                    RuleRef::Default(d) => (
                        format!("{}#{}", net[t.hop.nsg].meta.address, d.name()),
                        net[t.hop.nsg].meta.span,
                    ),
                };
                (key, t.rule.describe(net), span)
            })
            .collect();
        Some((hops, result.notes))
    };
    let now = trace_of(ctx.head);
    let before = trace_of(ctx.base);
    let before_keys: BTreeSet<String> = before
        .as_ref()
        .map(|(hops, _)| hops.iter().map(|h| h.0.clone()).collect())
        .unwrap_or_default();
    if let Some((hops, _)) = &now
        && let Some((_, text, span)) = hops.iter().find(|h| !before_keys.contains(&h.0))
    {
        return (text.clone(), Side::Head, *span);
    }
    // No NSG rule changed on the path: an association, a route or an element changed. Point at
    // the destination in HEAD, or at the removed destination in BASE.
    if let Some(id) = ctx.head.0.find(ctx.to) {
        let meta = ctx.head.0.meta(id);
        let what = if before_keys.is_empty() {
            format!("`{}` and what leads to it", meta.display_name())
        } else {
            format!(
                "the path to `{}`, which no longer crosses {}",
                meta.display_name(),
                before
                    .as_ref()
                    .map(|(hops, _)| hops
                        .iter()
                        .map(|h| h.1.clone())
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            )
        };
        return (what, Side::Head, meta.span);
    }
    if let Some(id) = ctx.base.0.find(ctx.to) {
        let meta = ctx.base.0.meta(id);
        return (
            format!("the removal of `{}`", meta.display_name()),
            Side::Base,
            meta.span,
        );
    }
    // The Internet as a destination: the unit itself.
    let span = ctx
        .head
        .0
        .elements()
        .first()
        .map_or(Span::new(FileId(0), TextRange::empty(0)), |id| {
            ctx.head.0.meta(*id).span
        });
    ("the unit's egress".to_owned(), Side::Head, span)
}

fn finding(change: &Change) -> Finding {
    let (code, name, level) = match change.kind {
        ChangeKind::Opened => (
            "VNL910",
            "reachability-opened",
            if change.broad_internet {
                Level::Error
            } else {
                Level::Warning
            },
        ),
        ChangeKind::Closed => ("VNL911", "reachability-closed", Level::Note),
    };
    let verb = match change.kind {
        ChangeKind::Opened => "newly allows",
        ChangeKind::Closed => "newly blocks",
    };
    let to = if change.to == "Internet" {
        "the Internet".to_owned()
    } else {
        format!("`{}`", change.to_label)
    };
    let message = format!(
        "this change {verb} {} {} from {} to {to}, decided by {}; {}",
        change.protocols,
        change.ports,
        change.from,
        change.because,
        match change.kind {
            ChangeKind::Opened if change.broad_internet =>
                "review that the Internet is meant to reach it, or narrow the source",
            ChangeKind::Opened => "review that these sources are meant to reach it",
            ChangeKind::Closed => "check that nothing depended on this traffic",
        }
    );
    Finding::new(
        code,
        name,
        level,
        message,
        Label::new(change.span, "decides the change"),
    )
    .with_note(format!("packet {}", change.witness))
    .with_fingerprint_key(format!(
        "{}:{}:{}:{}",
        change.kind.as_str(),
        change.unit,
        change.to,
        change.from
    ))
}

/// HEAD's intent violations, with a note on those that held in BASE.
fn introduced_intents(base: &Analysis, head: &Analysis) -> Vec<Finding> {
    let base_violations: BTreeSet<String> = base
        .findings
        .iter()
        .filter(|f| f.code == "VNL901")
        .map(|f| f.message.clone())
        .collect();
    head.findings
        .iter()
        .filter(|f| f.code == "VNL901" && f.suppression.is_none())
        .cloned()
        .map(|mut f| {
            if !base_violations.contains(&f.message) {
                f.notes.push(
                    "this intent held before the change: the change introduces the violation"
                        .to_owned(),
                );
            }
            f
        })
        .collect()
}

/// The changes as JSON values (the `changes` array of `vnetlint diff --format json`).
pub fn changes_json(changes: &[Change], sources: &SourceMap) -> serde_json::Value {
    let changes: Vec<ChangeJson> = changes
        .iter()
        .map(|c| {
            let file = sources.get(c.span.file);
            let line = file.line_index().line_col(c.span.range.start).line;
            ChangeJson {
                because: BecauseJson {
                    element: c.because.clone(),
                    file: file.path.clone(),
                    line,
                },
                broad_internet: c.broad_internet,
                change: c.kind.as_str(),
                from: c.from.clone(),
                ports: c.ports.clone(),
                protocol: c.protocols.clone(),
                to: c.to.clone(),
                unit: c.unit.clone(),
                witness: c.witness.to_string(),
            }
        })
        .collect();
    serde_json::to_value(changes).expect("serializable")
}

/// What `vnetlint diff --format json` adds to `check`'s document (keys in alphabetical order,
/// as the earlier untyped output had them).
#[derive(Serialize, JsonSchema)]
struct DiffExtras {
    /// What the change opens and closes.
    changes: Vec<ChangeJson>,
    units: UnitsJson,
}

/// One reachability change.
#[derive(Serialize, JsonSchema)]
struct ChangeJson {
    /// The element that decides the change, where it is written.
    because: BecauseJson,
    /// The sources include broad Internet ranges.
    broad_internet: bool,
    /// `opened` or `closed`.
    change: &'static str,
    from: String,
    ports: String,
    protocol: String,
    to: String,
    unit: String,
    witness: String,
}

#[derive(Serialize, JsonSchema)]
struct BecauseJson {
    element: String,
    file: String,
    line: u32,
}

/// How many analysis units were compared, and how many did not change.
#[derive(Serialize, JsonSchema)]
struct UnitsJson {
    compared: usize,
    unchanged: usize,
}

/// The JSON Schema of `vnetlint diff --format json`: `check`'s, with `changes` and `units`.
pub fn json_schema() -> String {
    let check = vnetlint_report::json_schemas()
        .into_iter()
        .find(|(name, _)| *name == "check")
        .map(|(_, schema)| schema)
        .expect("the check schema");
    let mut schema: serde_json::Value = serde_json::from_str(&check).expect("a schema is JSON");
    let extras = serde_json::to_value(schemars::schema_for!(DiffExtras)).expect("a schema is JSON");
    schema["title"] = serde_json::json!("vnetlint diff --format json");
    for key in ["properties", "$defs"] {
        if let (Some(into), Some(from)) = (
            schema
                .get_mut(key)
                .and_then(serde_json::Value::as_object_mut),
            extras.get(key).and_then(serde_json::Value::as_object),
        ) {
            for (name, value) in from {
                into.insert(name.clone(), value.clone());
            }
        } else if let Some(from) = extras.get(key) {
            schema[key] = from.clone();
        }
    }
    if let Some(required) = schema
        .get_mut("required")
        .and_then(serde_json::Value::as_array_mut)
    {
        required.push(serde_json::json!("changes"));
        required.push(serde_json::json!("units"));
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
    text.push('\n');
    text
}

/// A pull-request comment: a summary table, then each change with its witness and a link.
pub fn render_markdown(comparison: &Comparison, link_base: Option<&str>) -> String {
    let mut out = String::from("## vnetlint diff\n\n");
    if comparison.changes.is_empty() {
        let _ = writeln!(
            out,
            "No reachability changes ({} units compared, {} unchanged).",
            comparison.compared_units, comparison.unchanged_units
        );
        return out;
    }
    let mut table: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for change in &comparison.changes {
        *table
            .entry((change.from.clone(), change.kind.as_str()))
            .or_default() += 1;
    }
    out.push_str("| from | opened | closed |\n|---|---:|---:|\n");
    let froms: BTreeSet<&String> = table.keys().map(|(f, _)| f).collect();
    for from in froms {
        let opened = table.get(&(from.clone(), "opened")).copied().unwrap_or(0);
        let closed = table.get(&(from.clone(), "closed")).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {opened} | {closed} |",
            from.replace('|', "\\|")
        );
    }
    out.push('\n');
    for change in &comparison.changes {
        let file = comparison.sources.get(change.span.file);
        let line = file.line_index().line_col(change.span.range.start).line;
        let place = match link_base {
            Some(base) => format!("[{}:{line}]({base}/{}#L{line})", file.path, file.path),
            None => format!("`{}:{line}`", file.path),
        };
        let icon = match change.kind {
            ChangeKind::Opened if change.broad_internet => "🔴 opened",
            ChangeKind::Opened => "🟠 opened",
            ChangeKind::Closed => "🔵 closed",
        };
        let _ = writeln!(
            out,
            "- **{icon}**: {} {} from {} to `{}` — decided by {} ({place}); witness `{}`",
            change.protocols,
            change.ports,
            change.from,
            change.to_label,
            change.because,
            change.witness
        );
    }
    out
}
