//! `vnetlint reach`: the verdict for traffic between two endpoints, with a witness packet and
//! the rule that decides it at each NSG on the path, as text or JSON.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;
use vnetlint_engine::{
    Access, AddrSet, Association, Direction, HopTrace, PacketSet, PathResult, ResolvedEndpoint,
    RuleRef, Step, TagContext, Topology, Traffic,
};
use vnetlint_ir::Network;
use vnetlint_source::SourceMap;

use crate::Analysis;

/// A reachability question.
#[derive(Debug, Clone)]
pub struct ReachQuery {
    pub from: String,
    pub to: String,
    pub traffic: Traffic,
}

/// The answer, ready to render.
pub struct ReachAnswer<'a> {
    pub network: &'a Network,
    pub from: ResolvedEndpoint,
    pub to: ResolvedEndpoint,
    pub result: PathResult,
}

/// Answers a query over the first analyzed unit in which both endpoints resolve.
pub fn reach<'a>(analysis: &'a Analysis, query: &ReachQuery) -> Result<ReachAnswer<'a>, String> {
    let mut first_error = None;
    for network in &analysis.networks {
        let topology = Topology::build(network);
        let from = topology.resolve(&query.from);
        let to = topology.resolve(&query.to);
        match (from, to) {
            (Ok(from), Ok(to)) => {
                let result = topology.evaluate_path(&from, &to, &query.traffic);
                return Ok(ReachAnswer {
                    network,
                    from,
                    to,
                    result,
                });
            }
            (Err(e), _) | (_, Err(e)) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| "the paths hold no templates".to_owned()))
}

impl ReachAnswer<'_> {
    fn hop_nsg(&self, trace: &HopTrace) -> String {
        self.network[trace.hop.nsg].meta.display_name().to_owned()
    }

    fn association(&self, trace: &HopTrace) -> String {
        match trace.hop.association {
            Association::Subnet(s) => format!("subnet `{}`", self.network[s].meta.display_name()),
            Association::Nic(n) => format!("NIC `{}`", self.network[n].meta.display_name()),
        }
    }

    fn rule_name(&self, trace: &HopTrace) -> String {
        match trace.rule {
            RuleRef::Custom(id) => self.network[id].meta.display_name().to_owned(),
            RuleRef::Default(d) => d.name().to_owned(),
        }
    }

    /// Where the deciding rule is written (for a default rule, the NSG).
    fn location(&self, trace: &HopTrace, sources: &SourceMap) -> (String, u32) {
        let span = match trace.rule {
            RuleRef::Custom(id) => {
                let rule = &self.network[id];
                rule.meta.name.as_ref().map_or(rule.meta.span, |n| n.span)
            }
            RuleRef::Default(_) => self.network[trace.hop.nsg].meta.span,
        };
        let file = sources.get(span.file);
        (
            file.path.clone(),
            file.line_index().line_col(span.range.start).line,
        )
    }

    /// The answer for a terminal: every line with its control and bidirectional characters
    /// escaped (names come from templates and file names).
    pub fn render_text(&self, sources: &SourceMap) -> String {
        let raw = self.render_raw_text(sources);
        let mut out = String::with_capacity(raw.len());
        for line in raw.lines() {
            out.push_str(&vnetlint_source::display::escape_for_terminal(line));
            out.push('\n');
        }
        out
    }

    /// `file:line` of a path step's deciding element, when it has one.
    fn step_location(step: &Step, sources: &SourceMap) -> Option<(String, u32)> {
        let span = step.span?;
        let file = sources.get(span.file);
        Some((
            file.path.clone(),
            file.line_index().line_col(span.range.start).line,
        ))
    }

    fn render_raw_text(&self, sources: &SourceMap) -> String {
        let r = &self.result;
        let mut out = String::new();
        let _ = writeln!(out, "from:    {}", self.from.label);
        let _ = writeln!(out, "to:      {}", self.to.label);
        let _ = writeln!(out, "verdict: {}", r.verdict.as_str());
        if let Some(w) = &r.witness {
            let _ = writeln!(out, "witness: {w}");
        }
        if !r.steps.is_empty() {
            let _ = writeln!(out, "path:");
            for (i, step) in r.steps.iter().enumerate() {
                let at = Self::step_location(step, sources)
                    .map(|(file, line)| format!("  {file}:{line}"))
                    .unwrap_or_default();
                let assumed = if step.assumed { " [assumed]" } else { "" };
                let _ = writeln!(
                    out,
                    "  {}. {:<9} {}{assumed}{at}",
                    i + 1,
                    step.kind.name(),
                    step.text
                );
            }
        } else if !r.trace.is_empty() {
            let _ = writeln!(out, "hops:");
            for (i, trace) in r.trace.iter().enumerate() {
                let (file, line) = self.location(trace, sources);
                let _ = writeln!(
                    out,
                    "  {}. {:<8} NSG `{}` on {}: rule `{}` (priority {}) {}  {file}:{line}",
                    i + 1,
                    direction(trace.hop.direction),
                    self.hop_nsg(trace),
                    self.association(trace),
                    self.rule_name(trace),
                    trace.priority,
                    access(trace.access),
                );
            }
        } else if r.pairs.iter().all(|p| p.hops.is_empty()) {
            let _ = writeln!(out, "hops:    no NSG on the path");
        }
        for (name, set) in [
            ("allowed", &r.allowed),
            ("denied", &r.denied),
            ("unresolved", &r.uncertain),
        ] {
            let summary = summarize(set);
            if !summary.is_empty() {
                let _ = writeln!(out, "{name}:");
                for line in summary {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        for note in &r.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }

    pub fn render_json(&self, sources: &SourceMap) -> String {
        let r = &self.result;
        let hops = r
            .trace
            .iter()
            .map(|trace| {
                let (file, line) = self.location(trace, sources);
                HopJson {
                    access: access(trace.access),
                    association: self.association(trace),
                    direction: direction(trace.hop.direction),
                    kind: "nsg",
                    location: LocationJson { file, line },
                    nsg: self.network[trace.hop.nsg].meta.address.clone(),
                    priority: trace.priority,
                    rule: self.rule_name(trace),
                }
            })
            .collect();
        let path = r
            .steps
            .iter()
            .map(|step| StepJson {
                assumed: step.assumed,
                element: step.element.map(|e| self.network.meta(e).address.clone()),
                kind: step.kind.name(),
                location: Self::step_location(step, sources)
                    .map(|(file, line)| LocationJson { file, line }),
                stops: step.stops,
                text: step.text.clone(),
            })
            .collect();
        let witness = r.witness.as_ref().map(|w| WitnessJson {
            destination: w.dst.to_string(),
            destination_port: w.dst_port,
            protocol: w.protocol.to_string(),
            source: w.src.to_string(),
            source_port: w.src_port,
        });
        let value = ReachJson {
            allowed: summarize(&r.allowed),
            denied: summarize(&r.denied),
            from: self.from.label.clone(),
            hops,
            notes: r.notes.clone(),
            path,
            to: self.to.label.clone(),
            unresolved: summarize(&r.uncertain),
            verdict: r.verdict.as_str(),
            witness,
        };
        serde_json::to_string_pretty(&value).expect("serializable") + "\n"
    }
}

/// `vnetlint reach --format json` (keys in alphabetical order, as the earlier untyped output
/// had them). See docs/json-output.md.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "vnetlint reach --format json")]
pub struct ReachJson {
    /// The allowed packets, one line per cube (at most 20 and a count).
    pub allowed: Vec<String>,
    pub denied: Vec<String>,
    pub from: String,
    /// The NSG decisions on the witness's way, in evaluation order up to the first deny.
    pub hops: Vec<HopJson>,
    /// The assumptions and caveats the verdict rests on.
    pub notes: Vec<String>,
    /// The witness's whole journey where routes are modelled (empty otherwise).
    pub path: Vec<StepJson>,
    pub to: String,
    /// Packets whose verdict depends on values vnetlint cannot resolve.
    pub unresolved: Vec<String>,
    /// `allowed`, `denied` or `partial`.
    pub verdict: &'static str,
    pub witness: Option<WitnessJson>,
}

/// One NSG decision of the witness.
#[derive(Serialize, JsonSchema)]
pub struct HopJson {
    /// `allow` or `deny`.
    pub access: &'static str,
    pub association: String,
    /// `inbound` or `outbound`.
    pub direction: &'static str,
    /// Always `nsg`.
    pub kind: &'static str,
    pub location: LocationJson,
    pub nsg: String,
    pub priority: u32,
    pub rule: String,
}

/// One step of the witness's journey.
#[derive(Serialize, JsonSchema)]
pub struct StepJson {
    /// The templates cannot say; vnetlint follows the reading in docs/routing.md.
    pub assumed: bool,
    /// The deciding element's address.
    pub element: Option<String>,
    /// `entry` (the way in from the Internet: a public IP, a load balancer rule or NAT rule,
    /// an Application Gateway listener, a DNAT rule), `nsg`, `route`, `peering`, `firewall`,
    /// `appliance`, `nat`, `gateway`, `return`, `admin-rule`, `private-endpoint` (the NSGs a
    /// private endpoint's network policies leave out, or a protocol other than TCP) or
    /// `service` (a storage account's, SQL server's or other data service's public endpoint and
    /// what its firewall decides).
    pub kind: &'static str,
    pub location: Option<LocationJson>,
    /// The packet is dropped here.
    pub stops: bool,
    pub text: String,
}

/// Where an element is written.
#[derive(Serialize, JsonSchema)]
pub struct LocationJson {
    pub file: String,
    pub line: u32,
}

/// The witness packet.
#[derive(Serialize, JsonSchema)]
pub struct WitnessJson {
    pub destination: String,
    pub destination_port: u16,
    pub protocol: String,
    pub source: String,
    pub source_port: u16,
}

/// The JSON Schema of `reach --format json`.
pub fn json_schema() -> String {
    let mut schema =
        serde_json::to_string_pretty(&schemars::schema_for!(ReachJson)).expect("a schema is JSON");
    schema.push('\n');
    schema
}

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    }
}

fn access(a: Access) -> &'static str {
    match a {
        Access::Allow => "allow",
        Access::Deny => "deny",
    }
}

/// At most 20 lines, one per cube: `tcp 10.0.1.0/24 -> 10.0.2.4/32 ports 1433`.
fn summarize(set: &PacketSet) -> Vec<String> {
    let mut lines: Vec<String> = set
        .cubes()
        .iter()
        .map(|c| {
            format!(
                "{} {} -> {} ports {}",
                c.protocols,
                describe_addresses(&c.src),
                describe_addresses(&c.dst),
                c.dst_ports
            )
        })
        .collect();
    lines.sort();
    if lines.len() > 20 {
        let more = lines.len() - 20;
        lines.truncate(20);
        lines.push(format!("... and {more} more"));
    }
    lines
}

/// An address set in words a reader can take in: `*`, `Internet`, `Internet except …`, or CIDRs.
fn describe_addresses(set: &AddrSet) -> String {
    if set.is_all() {
        return "*".to_owned();
    }
    let internet = TagContext::stand_in().internet();
    if set.is_subset(&internet) {
        let missing = internet.subtract(set);
        if missing.is_empty() {
            return "Internet".to_owned();
        }
        let cidrs = missing.to_cidrs();
        if cidrs.len() <= 6 {
            return format!("Internet except {}", cidrs.join(", "));
        }
    }
    let cidrs = set.to_cidrs();
    if cidrs.len() > 8 {
        return format!(
            "{} and {} more ranges",
            cidrs[..8].join(", "),
            cidrs.len() - 8
        );
    }
    cidrs.join(", ")
}
