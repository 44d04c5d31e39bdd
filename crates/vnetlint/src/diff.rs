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
    pub to_label: Phrase,
    /// The source class (`the Internet`, `subnet snet-app (10.0.1.0/24)`, ...).
    pub from: Phrase,
    /// Whether the sources are broad Internet sources (as VNL101-103 define them).
    pub broad_internet: bool,
    /// `tcp`, `udp, tcp`, `every protocol`.
    pub protocols: String,
    /// `22, 3389`, `every port`.
    pub ports: String,
    pub witness: Packet,
    /// The element that decides it, in the version where the packets are allowed or denied
    /// now (HEAD), or the removed element in BASE.
    pub because: Phrase,
    /// Where that element is written, in the combined source map of the result.
    pub span: Span,
    /// The changed packets of this class.
    pub packets: PacketSet,
}

/// Words naming template elements: each output quotes the names its own way, so that a name
/// written in a template cannot change the markup around it (backticks in messages and JSON,
/// escaped code spans in markdown).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Phrase {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Piece {
    /// vnetlint's own words and numbers.
    Text(String),
    /// A name from the templates: `name` in messages.
    Name(String),
    /// Text holding names, written by another layer (the engine's `rule "x" (priority 100)`):
    /// as it is in messages, a code span in markdown.
    Quoted(String),
}

impl Phrase {
    pub fn text(text: impl Into<String>) -> Self {
        Self::default().then_text(text)
    }

    pub fn name(name: impl Into<String>) -> Self {
        Self::default().then_name(name)
    }

    pub fn quoted(text: impl Into<String>) -> Self {
        Self {
            pieces: vec![Piece::Quoted(text.into())],
        }
    }

    #[must_use]
    pub fn then_text(mut self, text: impl Into<String>) -> Self {
        self.pieces.push(Piece::Text(text.into()));
        self
    }

    #[must_use]
    pub fn then_name(mut self, name: impl Into<String>) -> Self {
        self.pieces.push(Piece::Name(name.into()));
        self
    }

    #[must_use]
    pub fn then(mut self, other: Phrase) -> Self {
        self.pieces.extend(other.pieces);
        self
    }

    /// The phrase in GitHub-flavoured markdown: names in code spans, the rest escaped; in a
    /// table cell, `|` is escaped too (GFM splits cells before it reads code spans).
    pub fn markdown(&self, cell: bool) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => markdown_text(text, cell),
                Piece::Name(text) | Piece::Quoted(text) => markdown_code(text, cell),
            })
            .collect()
    }
}

impl std::fmt::Display for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) | Piece::Quoted(text) => f.write_str(text)?,
                Piece::Name(name) => write!(f, "`{name}`")?,
            }
        }
        Ok(())
    }
}

/// Plain text in markdown: what could start emphasis, a code span, a link, an image, an
/// autolink, HTML or an entity is escaped, line breaks become spaces (a new line could start
/// a block), and `|` is escaped in a table cell.
pub fn markdown_text(text: &str, cell: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '|' if cell => out.push_str("\\|"),
            '|' => out.push_str("&#124;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A code span holding `text` literally: fenced by one backtick more than the longest run
/// inside it, padded with a space where the text starts or ends with a backtick or a space
/// (`CommonMark` strips one from each side), line breaks as spaces, and `|` escaped in a table
/// cell (GFM unescapes it there, inside code spans too). Markdown and HTML inside a code span
/// are shown, never interpreted, and no autolink is made in one.
pub fn markdown_code(text: &str, cell: bool) -> String {
    let text: String = text
        .chars()
        .map(|ch| if matches!(ch, '\n' | '\r') { ' ' } else { ch })
        .collect();
    let text = if cell { text.replace('|', "\\|") } else { text };
    if text.is_empty() {
        return "` `".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
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
    /// How many of `sources` are HEAD's files (the first ones); the others are BASE's.
    head_files: usize,
    /// The BASE files copied into `sources` (shown as `PATH (base)`), with their own path.
    base_paths: BTreeMap<FileId, String>,
}

/// The name the driver shows a plan read from standard input under (`discover.rs`): no file to
/// link to.
const STDIN_NAME: &str = "<stdin>";

impl Comparison {
    /// The findings and sources for SARIF, where every location must be a file of the
    /// commit the log is uploaded for (GitHub code scanning requires a physical location with
    /// an artifact URI on each result, and `main.tf (base)` is no file): a finding located in a
    /// BASE file is moved to line 1 of HEAD's file of the same path, or, where HEAD has no
    /// such file (it was deleted), to line 1 of that path all the same (an empty artifact: the
    /// result stays where the element was, without a snippet); a note names the BASE line. Text,
    /// JSON and markdown keep the BASE copy, which shows the removed code.
    pub fn sarif_view(&self) -> (Vec<Finding>, SourceMap) {
        let mut sources = self.sources.clone();
        let mut placeholders: BTreeMap<String, FileId> = BTreeMap::new();
        let mut findings = self.findings.clone();
        for finding in &mut findings {
            let mut notes = Vec::new();
            let labels = std::iter::once(&mut finding.primary)
                .chain(finding.secondary.iter_mut())
                .chain(finding.flow.iter_mut());
            for label in labels {
                let Some(path) = self.base_paths.get(&label.span.file) else {
                    continue;
                };
                let line = self
                    .sources
                    .get(label.span.file)
                    .line_index()
                    .line_col(label.span.range.start)
                    .line;
                notes.push(format!(
                    "what this result points at is in the base version only, at `{path}` line {line}"
                ));
                let head = (0..self.head_files)
                    .filter_map(|i| u32::try_from(i).ok().map(FileId))
                    .find(|&id| self.sources.get(id).path == *path);
                let file = head.unwrap_or_else(|| {
                    *placeholders
                        .entry(path.clone())
                        .or_insert_with(|| sources.add(path.clone(), String::new()))
                });
                // Line 1 as a whole, so that the region has a snippet (none for a deleted file).
                let first_line = sources.get(file).text.split('\n').next().unwrap_or("");
                label.span = Span::new(
                    file,
                    TextRange::from_usize(0..first_line.trim_end_matches('\r').len()),
                );
            }
            finding.notes.extend(notes);
        }
        (findings, sources)
    }

    /// Whether a file is one of HEAD's files on disk, which a link can lead to: not a BASE file
    /// shown for a removed element, nor a plan read from standard input.
    pub fn is_head_file(&self, file: FileId) -> bool {
        (file.0 as usize) < self.head_files
            && self
                .sources
                .try_get(file)
                .is_some_and(|f| f.path != STDIN_NAME)
    }
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
    let head_files = sources.len();
    let mut base_paths: BTreeMap<FileId, String> = BTreeMap::new();
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
                        head.sources
                            .find(&file.path)
                            .filter(|&id| head.sources.get(id).text == file.text)
                            .unwrap_or_else(|| {
                                let id =
                                    sources.add(format!("{} (base)", file.path), file.text.clone());
                                base_paths.insert(id, file.path.clone());
                                id
                            })
                    }),
                    span.range,
                )
            }
        };
        changes.extend(compare_unit(key, base_net, head_net, &mut locate));
    }
    changes.sort_by(|a, b| {
        (a.kind, &a.unit, &a.to, &a.from, &a.protocols, &a.ports).cmp(&(
            b.kind,
            &b.unit,
            &b.to,
            &b.from,
            &b.protocols,
            &b.ports,
        ))
    });
    let mut findings: Vec<Finding> = changes.iter().map(finding).collect();
    findings.extend(introduced_intents(base, head));
    vnetlint_diagnostics::sort_findings(&mut findings);
    Comparison {
        changes,
        findings,
        sources,
        compared_units: compared,
        unchanged_units: unchanged,
        head_files,
        base_paths,
    }
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
    // Egress is compared from the hosts both versions hold (subnets, on-premises ranges): an
    // address outside a network sends to the Internet without it, so a subnet added or removed
    // would otherwise show all of its egress closed or opened (every module of a pull request
    // adding a directory reported "closed" to the Internet), which no packet of the network
    // does. What reaches a subnet's destinations is still compared from everywhere.
    let senders = PacketSet::from_cube(vnetlint_engine::Cube {
        src: hosts(base, &base_topology).intersect(&hosts(head, &head_topology)),
        ..vnetlint_engine::Cube::all()
    });
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
        let (before, after) = if to == "Internet" {
            (before.intersect(&senders), after.intersect(&senders))
        } else {
            (before, after)
        };
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

/// Where a network's hosts are: its subnets and the on-premises ranges behind its gateways.
fn hosts(net: &Network, topology: &Topology<'_>) -> AddrSet {
    let mut set = AddrSet::empty();
    for (id, _) in net.iter_subnets() {
        if let Some(prefixes) = topology.subnet_prefixes(id) {
            set = set.union(prefixes);
        }
    }
    for vnet in 0..net.vnets.len() {
        let id = vnetlint_ir::VnetId(u32::try_from(vnet).unwrap_or(u32::MAX));
        set = set.union(topology.on_premises(id));
    }
    set
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
                    || (Phrase::default(), Span::new(FileId(0), TextRange::empty(0))),
                    |id| {
                        let verdict = topology
                            .compiled(id, None)
                            .evaluate(vnetlint_engine::Direction::Inbound, &change.witness);
                        let span = match verdict.rule {
                            RuleRef::Custom(rule) => net[rule].meta.span,
                            RuleRef::Default(_) => net[id].meta.span,
                        };
                        (Phrase::quoted(verdict.rule.describe(net)), span)
                    },
                );
                let from_base = in_head.is_none();
                change.because = because;
                change.span = locate(if from_base { Side::Base } else { Side::Head }, span);
                change.to_label = Phrase::name(id.map_or_else(
                    || address.clone(),
                    |id| net[id].meta.display_name().to_owned(),
                ))
                .then_text(" (attached nowhere in the scanned files)");
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
    classes: Vec<(Phrase, AddrSet, bool)>,
}

impl SourceClasses {
    fn of(nets: &[&Network]) -> Self {
        let mut classes: Vec<(Phrase, AddrSet, bool)> = Vec::new();
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
                    Phrase::text("subnet ")
                        .then_name(subnet.meta.display_name())
                        .then_text(format!(" ({})", part.to_cidrs().join(", "))),
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
                    Phrase::text(format!("on-premises {}", part.to_cidrs().join(", "))),
                    part,
                    false,
                ));
            }
        }
        // A VNet's address space outside its subnets holds no host, but the `VirtualNetwork` tag
        // covers it, so what reaches from it differs from other private addresses (the default
        // AllowVnetInBound admits it): a class of its own, or it would blur theirs.
        for net in nets {
            for vnet in &net.vnets {
                let Some(space) = address_space(vnet) else {
                    continue;
                };
                let part = space.subtract(&named);
                if part.is_empty() || !seen.insert(vnet.meta.address.clone()) {
                    continue;
                }
                named = named.union(&part);
                classes.push((
                    Phrase::text("VNet ")
                        .then_name(vnet.meta.display_name())
                        .then_text(" outside its subnets"),
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
        classes.push((Phrase::text("the Internet"), public, true));
        classes.push((
            Phrase::text("other private addresses"),
            other_private,
            false,
        ));
        Self { classes }
    }
}

/// A VNet's address space, when every prefix of it is known.
fn address_space(vnet: &vnetlint_ir::Vnet) -> Option<AddrSet> {
    let mut set = AddrSet::empty();
    for item in vnet.address_space.as_ref()?.get()? {
        set = set.union(&AddrSet::parse(item.get()?)?);
    }
    Some(set)
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

/// A changed packet set summarized per source class, without its cause yet. Each summary is
/// exact: a class whose sources are sent different traffic is split into groups of sources
/// sent the same (named by their ranges), and a group whose protocols are sent different ports
/// into one change per set of ports, so that "tcp 22 from X" holds for every source of X.
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
        let (groups, exact) = source_groups(&part);
        let split = groups.len() > 1;
        for (sources, packets) in groups {
            let from = if *internet {
                Phrase::text(internet_label(class, &sources))
            } else if split {
                label.clone().then_text(within(class, &sources))
            } else {
                label.clone()
            };
            for (protocols, mut ports, packets) in traffic_groups(&packets) {
                let Some(witness) = witness(&packets) else {
                    continue;
                };
                if !exact {
                    // Too many groups of sources to list: the union, said as such.
                    ports.push_str(", not from every source each");
                }
                out.push(Change {
                    kind,
                    unit: unit.to_owned(),
                    to: to.to_owned(),
                    to_label: Phrase::name(to),
                    from: from.clone(),
                    broad_internet: *internet && public_size(&sources) > BROAD_SOURCES,
                    protocols,
                    ports,
                    witness,
                    because: Phrase::default(),
                    span: Span::new(FileId(0), TextRange::empty(0)),
                    packets,
                });
            }
        }
    }
    out
}

/// More groups of sources than this in one class are summarized as one (with a caveat) rather
/// than listed; and past this many atoms the split is not attempted.
const MAX_SOURCE_GROUPS: usize = 6;
const MAX_SOURCE_ATOMS: usize = 64;

/// The sources of `part` in groups that are each sent the same packets, with those packets, in
/// the order of their lowest address; and whether the split is exact (one group, the union,
/// when there would be too many). The atoms are the coarsest partition of the sources that every
/// cube's source set respects; atoms sent the same traffic are merged.
fn source_groups(part: &PacketSet) -> (Vec<(AddrSet, PacketSet)>, bool) {
    let all_sources = part
        .cubes()
        .iter()
        .fold(AddrSet::empty(), |acc, c| acc.union(&c.src));
    let whole = || vec![(all_sources.clone(), part.clone())];
    let mut atoms = vec![all_sources.clone()];
    for cube in part.cubes() {
        let mut next = Vec::with_capacity(atoms.len() + 1);
        for atom in atoms {
            let inside = atom.intersect(&cube.src);
            if inside.is_empty() {
                next.push(atom);
                continue;
            }
            let outside = atom.subtract(&cube.src);
            next.push(inside);
            if !outside.is_empty() {
                next.push(outside);
            }
        }
        atoms = next;
        if atoms.len() > MAX_SOURCE_ATOMS {
            return (whole(), false);
        }
    }
    if atoms.len() == 1 {
        return (whole(), true);
    }
    // What an atom is sent: the cubes over it, with every source.
    let mut groups: Vec<(AddrSet, PacketSet)> = Vec::new();
    for atom in atoms {
        let traffic = part
            .cubes()
            .iter()
            .filter(|c| c.src.intersects(&atom))
            .fold(PacketSet::empty(), |acc, c| {
                acc.union(&PacketSet::from_cube(vnetlint_engine::Cube {
                    src: AddrSet::all(),
                    ..c.clone()
                }))
            });
        match groups.iter_mut().find(|(_, t)| t.same_packets(&traffic)) {
            Some((sources, _)) => *sources = sources.union(&atom),
            None => groups.push((atom, traffic)),
        }
    }
    if groups.len() == 1 {
        return (whole(), true);
    }
    if groups.len() > MAX_SOURCE_GROUPS {
        return (whole(), false);
    }
    groups.sort_by_key(|(sources, _)| sources.min());
    let groups = groups
        .into_iter()
        .map(|(sources, _)| {
            let packets = part.intersect(&PacketSet::from_cube(vnetlint_engine::Cube {
                src: sources.clone(),
                ..vnetlint_engine::Cube::all()
            }));
            (sources, packets)
        })
        .collect();
    (groups, true)
}

/// The packets of one group of sources by the ports each protocol is sent, as the words for
/// their protocols and ports: one group when every protocol and port is sent but for a few
/// (`every protocol`, `every port except tcp 443`); else protocols sent the same ports together
/// (the portless ones with those sent every port, else on their own), in protocol order.
fn traffic_groups(packets: &PacketSet) -> Vec<(String, String, PacketSet)> {
    let mut ported: Vec<(ProtocolSet, vnetlint_engine::PortSet)> = Vec::new();
    let mut portless = ProtocolSet::empty();
    for protocol in Protocol::ALL {
        let cubes: Vec<&vnetlint_engine::Cube> = packets
            .cubes()
            .iter()
            .filter(|c| c.protocols.contains(protocol))
            .collect();
        if cubes.is_empty() {
            continue;
        }
        if !protocol.has_ports() {
            portless = portless.union(ProtocolSet::single(protocol));
            continue;
        }
        let ports = cubes
            .iter()
            .fold(vnetlint_engine::PortSet::empty(), |acc, c| {
                acc.union(&c.dst_ports)
            });
        match ported.iter_mut().find(|(_, p)| *p == ports) {
            Some((protocols, _)) => *protocols = protocols.union(ProtocolSet::single(protocol)),
            None => ported.push((ProtocolSet::single(protocol), ports)),
        }
    }
    let present = ported
        .iter()
        .fold(portless, |acc, (protocols, _)| acc.union(*protocols));
    if present.is_all() && ported.len() > 1 {
        let missing: Vec<String> = ported
            .iter()
            .flat_map(|(protocols, ports)| {
                let names = describe_protocols(*protocols);
                ports
                    .complement()
                    .ranges()
                    .iter()
                    .map(|range| format!("{names} {}", port_range(*range)))
                    .collect::<Vec<_>>()
            })
            .collect();
        if missing.len() <= 3 {
            return vec![(
                "every protocol".to_owned(),
                format!("every port except {}", missing.join(", ")),
                packets.clone(),
            )];
        }
    }
    if !portless.is_empty() {
        match ported.iter_mut().find(|(_, p)| p.is_all()) {
            Some((protocols, _)) => *protocols = protocols.union(portless),
            None => ported.push((portless, vnetlint_engine::PortSet::empty())),
        }
    }
    let whole = ported.len() == 1;
    ported
        .into_iter()
        .map(|(protocols, ports)| {
            let part = if whole {
                packets.clone()
            } else {
                packets.intersect(&PacketSet::from_cube(vnetlint_engine::Cube {
                    protocols,
                    ..vnetlint_engine::Cube::all()
                }))
            };
            (
                describe_protocols(protocols),
                describe_ports(&ports, protocols),
                part,
            )
        })
        .collect()
}

/// `22` or `80-90`.
fn port_range((lo, hi): (u16, u16)) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}-{hi}")
    }
}

/// How a group of a class's sources reads after the class's label: ` except R` when a few
/// ranges are left out, else ` (R1, R2, R3, ... (N ranges))`.
fn within(class: &AddrSet, sources: &AddrSet) -> String {
    let missing = class.subtract(sources).to_cidrs();
    if missing.len() <= 3 {
        return format!(" except {}", missing.join(", "));
    }
    let cidrs = sources.to_cidrs();
    let shown: Vec<&str> = cidrs.iter().take(3).map(String::as_str).collect();
    let more = if cidrs.len() > 3 {
        format!(", ... ({} ranges)", cidrs.len())
    } else {
        String::new()
    };
    format!(" ({}{more})", shown.join(", "))
}

/// The well-known ports a witness takes, in this order, when the changed ports start at 0 (every
/// port, or a range from 0): port 0 is no service, and a management port shows what is at stake.
const WITNESS_PORTS: [u16; 4] = [22, 3389, 443, 80];

/// A packet of `set` to show, chosen to look like real traffic: from the first cube holding TCP
/// (else the first cube), TCP if it can, else UDP, else the first protocol; source
/// `203.0.113.1` (a documentation address) when the cube holds it, else the cube's first host
/// (as Azure assigns them: the fifth address, the first four being reserved; the next one when
/// that is the destination); the destination's first host, or `198.51.100.1` (a documentation
/// address) when the destination is the Internet; the lowest changed port, or the first of [`WITNESS_PORTS`] the ports hold when
/// they start at 0 (else the lowest above 0); source port 49152 when it can.
fn witness(set: &PacketSet) -> Option<Packet> {
    let cube = set
        .cubes()
        .iter()
        .find(|c| c.protocols.contains(Protocol::Tcp))
        .or_else(|| set.cubes().first())?;
    let protocol = [Protocol::Tcp, Protocol::Udp]
        .into_iter()
        .find(|p| cube.protocols.contains(*p))
        .or_else(|| cube.protocols.iter().next())?;
    let documentation: std::net::IpAddr = std::net::Ipv4Addr::new(203, 0, 113, 1).into();
    let src = if cube.src.contains(documentation) {
        documentation
    } else {
        first_host(&cube.src)?
    };
    // An Internet destination (egress) shows a documentation address too.
    let documentation_dst: std::net::IpAddr = std::net::Ipv4Addr::new(198, 51, 100, 1).into();
    let dst = if cube.dst.contains(documentation_dst) {
        documentation_dst
    } else {
        first_host(&cube.dst)?
    };
    // A host does not send to itself through its NSGs: the next source, when there is one.
    let src = match next_address(src) {
        Some(next) if src == dst && cube.src.contains(next) => next,
        _ => src,
    };
    let (src_port, dst_port) = if protocol.has_ports() {
        let dst_port = if cube.dst_ports.contains(0) {
            WITNESS_PORTS
                .into_iter()
                .find(|p| cube.dst_ports.contains(*p))
                .or_else(|| {
                    cube.dst_ports
                        .intersect(&vnetlint_engine::PortSet::range(1, u16::MAX))
                        .min()
                })
                .unwrap_or(0)
        } else {
            cube.dst_ports.min()?
        };
        let src_port = if cube.src_ports.contains(49152) {
            49152
        } else {
            cube.src_ports.min()?
        };
        (src_port, dst_port)
    } else {
        (0, 0)
    };
    let packet = Packet::new(protocol, src, src_port, dst, dst_port);
    // Built from one of the set's cubes, so a member; the engine's choice if ever not.
    if set.contains(&packet) {
        Some(packet)
    } else {
        set.witness(&[])
    }
}

fn next_address(ip: std::net::IpAddr) -> Option<std::net::IpAddr> {
    Some(match ip {
        std::net::IpAddr::V4(v4) => std::net::Ipv4Addr::from(u32::from(v4).checked_add(1)?).into(),
        std::net::IpAddr::V6(v6) => std::net::Ipv6Addr::from(u128::from(v6).checked_add(1)?).into(),
    })
}

/// The first address Azure assigns in a set (the fifth of its lowest range: the first four are
/// reserved), or the lowest address when the set does not hold it; the engine's `first_host`,
/// which it keeps to itself.
fn first_host(set: &AddrSet) -> Option<std::net::IpAddr> {
    let min = set.min()?;
    let host = match min {
        std::net::IpAddr::V4(v4) => {
            std::net::IpAddr::V4(std::net::Ipv4Addr::from(u32::from(v4).saturating_add(4)))
        }
        std::net::IpAddr::V6(v6) => {
            std::net::IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6).saturating_add(4)))
        }
    };
    Some(if set.contains(host) { host } else { min })
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
        change.to_label = Phrase::name(net.find(ctx.to).map_or_else(
            || ctx.to.to_owned(),
            |id| net.meta(id).display_name().to_owned(),
        ));
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
    let show = |range: &(u16, u16)| port_range(*range);
    // Most ports but a few: what is left out says it shorter.
    let left_out = ports.complement();
    if left_out.ranges().len() <= 3 && ports.ranges().len() > left_out.ranges().len() {
        let shown: Vec<String> = left_out.ranges().iter().map(show).collect();
        return format!("every port except {}", shown.join(", "));
    }
    let ranges: Vec<String> = ports.ranges().iter().take(8).map(show).collect();
    let more = if ports.ranges().len() > 8 {
        ", ..."
    } else {
        ""
    };
    format!("{}{more}", ranges.join(", "))
}

/// What decides the witness now: the first NSG rule on HEAD's path that BASE's path did not
/// decide the same way; else the destination element.
fn cause(ctx: &UnitCtx<'_, '_>, witness: &Packet) -> (Phrase, Side, Span) {
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
        return (Phrase::quoted(text.clone()), Side::Head, *span);
    }
    // No NSG rule changed on the path: an association, a route or an element changed. Point at
    // the destination in HEAD, or at the removed destination in BASE.
    if let Some(id) = ctx.head.0.find(ctx.to) {
        let meta = ctx.head.0.meta(id);
        let what = if before_keys.is_empty() {
            Phrase::name(meta.display_name()).then_text(" and what leads to it")
        } else {
            let crossed = before.iter().flat_map(|(hops, _)| hops).enumerate().fold(
                Phrase::default(),
                |phrase, (i, hop)| {
                    let phrase = if i > 0 {
                        phrase.then_text(", ")
                    } else {
                        phrase
                    };
                    phrase.then(Phrase::quoted(hop.1.clone()))
                },
            );
            Phrase::text("the path to ")
                .then_name(meta.display_name())
                .then_text(", which no longer crosses ")
                .then(crossed)
        };
        return (what, Side::Head, meta.span);
    }
    if let Some(id) = ctx.base.0.find(ctx.to) {
        let meta = ctx.base.0.meta(id);
        return (
            Phrase::text("the removal of ").then_name(meta.display_name()),
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
    (Phrase::text("the unit's egress"), Side::Head, span)
}

impl Change {
    /// The code, name and level of the finding that reports the change: an opening from broad
    /// Internet sources is an error, another opening a warning, a closing a note.
    pub fn rule(&self) -> (&'static str, &'static str, Level) {
        match self.kind {
            ChangeKind::Opened => (
                "VNL910",
                "reachability-opened",
                if self.broad_internet {
                    Level::Error
                } else {
                    Level::Warning
                },
            ),
            ChangeKind::Closed => ("VNL911", "reachability-closed", Level::Note),
        }
    }

    /// How messages name the destination.
    fn destination(&self) -> Phrase {
        if self.to == "Internet" {
            Phrase::text("the Internet")
        } else {
            self.to_label.clone()
        }
    }
}

fn finding(change: &Change) -> Finding {
    let (code, name, level) = change.rule();
    let verb = match change.kind {
        ChangeKind::Opened => "newly allows",
        ChangeKind::Closed => "newly blocks",
    };
    let to = change.destination();
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
        "{}:{}:{}:{}:{}",
        change.kind.as_str(),
        change.unit,
        change.to,
        change.from,
        change.protocols
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

/// `vnetlint diff --format json`: `check`'s document (`report`, as `render_json` writes it) with
/// the changes and the units after its keys, in the order `version`, `summary`, `findings`,
/// `changes`, `units`, every object keeping its keys in declaration order as `check`'s do.
pub fn render_json(comparison: &Comparison, report: &str) -> String {
    let check: Ordered = serde_json::from_str(report).expect("the report is JSON");
    let take = |key: &str| match &check {
        Ordered::Map(entries) => entries
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Ordered::Null, |(_, v)| v.clone()),
        _ => Ordered::Null,
    };
    let document = DiffReport {
        version: take("version"),
        summary: take("summary"),
        findings: take("findings"),
        changes: changes_json(&comparison.changes, &comparison.sources),
        units: UnitsJson {
            compared: comparison.compared_units,
            unchanged: comparison.unchanged_units,
        },
    };
    let mut text = serde_json::to_string_pretty(&document).expect("serializable");
    text.push('\n');
    text
}

fn changes_json(changes: &[Change], sources: &SourceMap) -> Vec<ChangeJson> {
    changes
        .iter()
        .map(|c| {
            let file = sources.get(c.span.file);
            let line = file.line_index().line_col(c.span.range.start).line;
            ChangeJson {
                change: c.kind.as_str(),
                unit: c.unit.clone(),
                from: c.from.to_string(),
                to: c.to.clone(),
                protocol: c.protocols.clone(),
                ports: c.ports.clone(),
                witness: c.witness.to_string(),
                broad_internet: c.broad_internet,
                because: BecauseJson {
                    element: c.because.to_string(),
                    file: file.path.clone(),
                    line,
                },
            }
        })
        .collect()
}

/// The document `vnetlint diff --format json` prints: `check`'s keys first, as `check` writes
/// them, then what the comparison adds.
#[derive(Serialize)]
struct DiffReport {
    version: Ordered,
    summary: Ordered,
    findings: Ordered,
    changes: Vec<ChangeJson>,
    units: UnitsJson,
}

/// A JSON value that keeps the keys of its objects in the order they were read: `check`'s
/// document is embedded as written (`serde_json::Value` would sort the keys, and its
/// `preserve_order` feature would change every `Value` of the workspace).
#[derive(Debug, Clone)]
enum Ordered {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    String(String),
    Array(Vec<Ordered>),
    Map(Vec<(String, Ordered)>),
}

impl Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Ordered::Null => serializer.serialize_unit(),
            Ordered::Bool(b) => serializer.serialize_bool(*b),
            Ordered::Unsigned(n) => serializer.serialize_u64(*n),
            Ordered::Signed(n) => serializer.serialize_i64(*n),
            Ordered::Float(n) => serializer.serialize_f64(*n),
            Ordered::String(text) => serializer.serialize_str(text),
            Ordered::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Ordered, E> {
                Ok(Ordered::Bool(b))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Ordered, E> {
                Ok(Ordered::Unsigned(n))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Ordered, E> {
                Ok(Ordered::Signed(n))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Ordered, E> {
                Ok(Ordered::Float(n))
            }
            fn visit_str<E>(self, text: &str) -> Result<Ordered, E> {
                Ok(Ordered::String(text.to_owned()))
            }
            fn visit_string<E>(self, text: String) -> Result<Ordered, E> {
                Ok(Ordered::String(text))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    entries.push((key, value));
                }
                Ok(Ordered::Map(entries))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// What `vnetlint diff --format json` adds to `check`'s document, for its schema.
#[derive(Serialize, JsonSchema)]
struct DiffExtras {
    /// What the change opens and closes.
    changes: Vec<ChangeJson>,
    units: UnitsJson,
}

/// One reachability change.
#[derive(Serialize, JsonSchema)]
struct ChangeJson {
    /// `opened` or `closed`.
    change: &'static str,
    unit: String,
    from: String,
    to: String,
    protocol: String,
    ports: String,
    witness: String,
    /// The sources include broad Internet ranges.
    broad_internet: bool,
    /// The element that decides the change, where it is written.
    because: BecauseJson,
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

/// A pull-request comment: a line of counts, a table per source class, then each change and
/// each intent violation with its code, level, witness and place. Every name from the templates
/// is escaped (see [`Phrase::markdown`]); a place links to `link_base` only when it is a file of
/// HEAD (not a plan on standard input, nor a BASE file shown for a removed element), with its
/// path percent-encoded as the JSON `uri` is.
pub fn render_markdown(comparison: &Comparison, link_base: Option<&str>) -> String {
    let mut out = String::from("## vnetlint diff\n\n");
    let intents: Vec<&Finding> = comparison
        .findings
        .iter()
        .filter(|f| f.code == "VNL901")
        .collect();
    let units = format!(
        "{} compared, {} unchanged",
        plural(comparison.compared_units, "unit", "units"),
        comparison.unchanged_units
    );
    if comparison.changes.is_empty() && intents.is_empty() {
        let _ = writeln!(out, "No reachability changes ({units}).");
        return out;
    }
    let count = |kind: ChangeKind, level: Option<Level>| {
        comparison
            .changes
            .iter()
            .filter(|c| c.kind == kind && level.is_none_or(|l| c.rule().2 == l))
            .count()
    };
    let opened = count(ChangeKind::Opened, None);
    let mut levels = Vec::new();
    for (level, one, many) in [
        (Level::Error, "error", "errors"),
        (Level::Warning, "warning", "warnings"),
    ] {
        let n = count(ChangeKind::Opened, Some(level));
        if n > 0 {
            levels.push(plural(n, one, many));
        }
    }
    let levels = if levels.is_empty() {
        String::new()
    } else {
        format!(" ({})", levels.join(", "))
    };
    let _ = write!(
        out,
        "**{opened} opened**{levels}, **{} closed**",
        count(ChangeKind::Closed, None)
    );
    if !intents.is_empty() {
        let _ = write!(
            out,
            ", **{}**",
            plural(intents.len(), "intent violated", "intents violated")
        );
    }
    let _ = writeln!(out, "; {units}.\n");
    if !comparison.changes.is_empty() {
        let mut table: BTreeMap<&Phrase, (usize, usize)> = BTreeMap::new();
        for change in &comparison.changes {
            let row = table.entry(&change.from).or_default();
            match change.kind {
                ChangeKind::Opened => row.0 += 1,
                ChangeKind::Closed => row.1 += 1,
            }
        }
        out.push_str("| from | opened | closed |\n|---|---:|---:|\n");
        for (from, (opened, closed)) in table {
            let _ = writeln!(out, "| {} | {opened} | {closed} |", from.markdown(true));
        }
        out.push('\n');
    }
    for change in &comparison.changes {
        let (code, _, level) = change.rule();
        let icon = match (change.kind, level) {
            (ChangeKind::Opened, Level::Error) => "🔴",
            (ChangeKind::Opened, _) => "🟠",
            (ChangeKind::Closed, _) => "🔵",
        };
        let _ = writeln!(
            out,
            "- **{icon} {}** ({code}, {}): {} {} from {} to {} — decided by {} ({}); witness {}",
            change.kind.as_str(),
            level.as_str(),
            markdown_text(&change.protocols, false),
            markdown_text(&change.ports, false),
            change.from.markdown(false),
            change.destination().markdown(false),
            change.because.markdown(false),
            markdown_place(comparison, change.span, link_base),
            markdown_code(&change.witness.to_string(), false),
        );
    }
    for finding in intents {
        let icon = match finding.level {
            Level::Error => "🔴",
            Level::Warning => "🟠",
            Level::Note => "🔵",
        };
        // The message is a check's sentence with names inside: shown as one code span, since
        // its backticks cannot be told from those of a name.
        let _ = writeln!(
            out,
            "- **{icon} intent violated** ({}, {}): {} ({})",
            finding.code,
            finding.level.as_str(),
            markdown_code(&finding.message, false),
            markdown_place(comparison, finding.primary.span, link_base),
        );
    }
    out
}

/// `1 unit`, `2 units`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `file:line` of a span: a link into HEAD's file under `link_base`, or, without a base or a
/// file to link to, a code span.
fn markdown_place(comparison: &Comparison, span: Span, link_base: Option<&str>) -> String {
    let Some(file) = comparison.sources.try_get(span.file) else {
        return String::new();
    };
    let line = file.line_index().line_col(span.range.start).line;
    let place = markdown_code(&format!("{}:{line}", file.path), false);
    match link_base {
        Some(base) if comparison.is_head_file(span.file) => format!(
            "[{place}]({}/{}#L{line})",
            base.trim_end_matches('/'),
            file.uri_path()
        ),
        _ => place,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_any_name_literally() {
        assert_eq!(markdown_code("nic-jump", false), "`nic-jump`");
        // One backtick more than the longest run; a space where the name starts or ends with
        // a backtick, which CommonMark strips again.
        assert_eq!(markdown_code("a`b", false), "``a`b``");
        assert_eq!(markdown_code("`x``", false), "``` `x`` ```");
        assert_eq!(markdown_code("a\nb\r\nc", false), "`a b  c`");
        assert_eq!(markdown_code("a|b", true), "`a\\|b`");
        assert_eq!(markdown_code("a|b", false), "`a|b`");
        assert_eq!(markdown_code("", false), "` `");
    }

    #[test]
    fn plain_text_cannot_open_markup() {
        assert_eq!(
            markdown_text("[x](https://e.example) <b>&*_~!`\\", false),
            "\\[x\\](https://e.example) &lt;b&gt;&amp;\\*\\_\\~\\!\\`\\\\"
        );
        assert_eq!(markdown_text("a|b\nc", true), "a\\|b c");
    }

    fn cube(src: &str, dst: &str, protocols: ProtocolSet, ports: (u16, u16)) -> PacketSet {
        PacketSet::from_cube(vnetlint_engine::Cube {
            src: AddrSet::parse(src).unwrap(),
            dst: AddrSet::parse(dst).unwrap(),
            protocols,
            dst_ports: vnetlint_engine::PortSet::range(ports.0, ports.1),
            ..vnetlint_engine::Cube::all()
        })
    }

    #[test]
    fn witnesses_look_like_real_traffic() {
        let shown = |set: &PacketSet| witness(set).unwrap().to_string();
        // A subnet's first host, and 22 for every port.
        let all = cube(
            "10.1.1.0/24",
            "10.1.1.10/32",
            ProtocolSet::all(),
            (0, 65535),
        );
        assert_eq!(shown(&all), "10.1.1.4:49152 -> 10.1.1.10:22 tcp");
        // The lowest changed port when the ports do not start at 0.
        let web = cube(
            "0.0.0.0/0",
            "10.1.1.10/32",
            ProtocolSet::single(Protocol::Udp),
            (1000, 2000),
        );
        assert_eq!(shown(&web), "203.0.113.1:49152 -> 10.1.1.10:1000 udp");
        // From 0 without a well-known port: the lowest above 0.
        let low = cube(
            "10.0.0.0/8",
            "10.1.1.10/32",
            ProtocolSet::single(Protocol::Tcp),
            (0, 21),
        );
        assert_eq!(shown(&low), "10.0.0.4:49152 -> 10.1.1.10:1 tcp");
        // Not from the destination itself; to the Internet, a documentation address.
        let own = cube("10.1.1.0/24", "10.1.1.4/32", ProtocolSet::all(), (443, 443));
        assert_eq!(shown(&own), "10.1.1.5:49152 -> 10.1.1.4:443 tcp");
        let egress = cube("10.1.1.0/24", "128.0.0.0/1", ProtocolSet::all(), (0, 65535));
        assert_eq!(shown(&egress), "10.1.1.4:49152 -> 198.51.100.1:22 tcp");
        let icmp = cube(
            "10.1.1.0/24",
            "10.1.1.10/32",
            ProtocolSet::single(Protocol::Icmp),
            (0, 65535),
        );
        assert_eq!(shown(&icmp), "10.1.1.4 -> 10.1.1.10 icmp");
    }

    #[test]
    fn phrases_quote_names_in_messages() {
        let phrase = Phrase::text("subnet ")
            .then_name("snet`x")
            .then_text(" (10.0.0.0/24)");
        assert_eq!(phrase.to_string(), "subnet `snet`x` (10.0.0.0/24)");
        assert_eq!(phrase.markdown(false), "subnet ``snet`x`` (10.0.0.0/24)");
    }
}
