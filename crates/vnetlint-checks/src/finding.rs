//! How checks build findings: a check's finding at its default level, labels that point into an
//! element of the network and carry its logical address, the rendering of a witness's path
//! (the deciding rule at each NSG) that the ASE, backend and intent checks share, and the note
//! every finding gets when a rule it involves is read under an evident meaning.
//!
//! Every check goes through these, so that a check file reads as its logic and every label of an
//! element carries that element's address (SARIF turns it into a logical location).

use std::collections::{BTreeMap, BTreeSet};

use vnetlint_diagnostics::{Finding, Label, Span};
use vnetlint_engine::{Access, HopTrace, RuleRef};
use vnetlint_ir::{Meta, Network};

use crate::context::Context;
use crate::declare::Check;

impl Check {
    /// A finding of this check at its default level, with `primary` as its main label.
    pub(crate) fn finding(&self, message: impl Into<String>, primary: Label) -> Finding {
        Finding::new(self.code, self.name, self.default_level, message, primary)
    }

    /// A finding about the element `owner`, at `span` inside it (the attribute at fault): the
    /// primary label and the finding both carry the element's address.
    pub(crate) fn finding_at(
        &self,
        owner: &Meta,
        span: Span,
        label_text: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(message, label(owner, span, label_text))
            .with_address(owner.address.clone())
    }
}

/// A label at `span`, a place inside the element `owner`, carrying the element's address.
pub(crate) fn label(owner: &Meta, span: Span, text: impl Into<String>) -> Label {
    Label::new(span, text).with_address(owner.address.clone())
}

/// A label about the element `owner` as a whole, where it is named (see [`name_span`]).
pub(crate) fn name_label(owner: &Meta, text: impl Into<String>) -> Label {
    label(owner, name_span(owner), text)
}

/// Where an element is named, or its whole block when no name is written: a label there stays
/// on one line.
pub(crate) fn name_span(meta: &Meta) -> Span {
    meta.name.as_ref().map_or(meta.span, |name| name.span)
}

/// `allowed` or `denied`.
pub(crate) fn past(access: Access) -> &'static str {
    match access {
        Access::Allow => "allowed",
        Access::Deny => "denied",
    }
}

/// A hop of a witness's path, for messages: `` denied inbound by rule `deny-sql` (priority 100)
/// of NSG `nsg-data` ``.
pub(crate) fn describe_hop(net: &Network, hop: &HopTrace) -> String {
    format!(
        "{} {} by {} of NSG `{}`",
        past(hop.access),
        hop.hop.direction,
        hop_rule(net, hop),
        net[hop.hop.nsg].meta.display_name()
    )
}

/// The rule that decides a hop: `` rule `deny-sql` (priority 100) `` or
/// `` default rule `DenyAllInBound` (priority 65500) ``.
pub(crate) fn hop_rule(net: &Network, hop: &HopTrace) -> String {
    match hop.rule {
        RuleRef::Custom(id) => format!(
            "rule `{}` (priority {})",
            net[id].meta.display_name(),
            hop.priority
        ),
        RuleRef::Default(rule) => {
            format!("default rule `{}` (priority {})", rule.name(), hop.priority)
        }
    }
}

/// A label at the rule that decides a hop, or at its NSG when a default rule decides.
pub(crate) fn hop_label(net: &Network, hop: &HopTrace, text: impl Into<String>) -> Label {
    let decider = match hop.rule {
        RuleRef::Custom(id) => &net[id].meta,
        RuleRef::Default(_) => &net[hop.hop.nsg].meta,
    };
    name_label(decider, text)
}

/// Adds every hop of a witness's path to `finding`, as a secondary label and as a step of its
/// flow, with the text `text` gives the hop.
pub(crate) fn with_path(
    mut finding: Finding,
    net: &Network,
    trace: &[HopTrace],
    text: impl Fn(&HopTrace) -> String,
) -> Finding {
    for hop in trace {
        let label = hop_label(net, hop, text(hop));
        finding = finding.with_secondary(label.clone()).with_flow_step(label);
    }
    finding
}

/// Adds a note to every finding that involves a rule Azure or Terraform rejects but vnetlint
/// evaluates under its evident meaning (issue 14): its primary label, a related location or a
/// step of its flow points into the rule. The finding holds once the rule is accepted as
/// written, which the note says. VNL204 reports the problems themselves, and VNL203 a
/// priority that is evaluated as written, so their findings get no note.
pub(crate) fn note_readings(ctx: &Context<'_>, findings: &mut [Finding]) {
    let mut excluded = BTreeSet::new();
    let mut readings: BTreeMap<&str, (&str, Vec<&str>)> = BTreeMap::new();
    for problem in ctx.rule_problems() {
        let meta = &ctx.network[problem.rule].meta;
        if problem.excludes_rule() {
            excluded.insert(meta.address.as_str());
        }
        if let Some(phrase) = problem.reading.phrase() {
            let entry = readings
                .entry(meta.address.as_str())
                .or_insert((meta.display_name(), Vec::new()));
            entry.1.push(phrase);
        }
    }
    readings.retain(|address, _| !excluded.contains(address));
    if readings.is_empty() {
        return;
    }
    for finding in findings {
        if matches!(finding.code, "VNL203" | "VNL204") {
            continue;
        }
        let involved: BTreeSet<&str> = std::iter::once(&finding.primary)
            .chain(&finding.secondary)
            .chain(&finding.flow)
            .filter_map(|label| label.address.as_deref())
            .chain(finding.address.as_deref())
            .collect();
        let notes: Vec<String> = involved
            .into_iter()
            .filter_map(|address| readings.get(address))
            .map(|(name, phrases)| {
                format!(
                    "this holds once rule `{name}` is accepted as written, which Azure or Terraform rejects (VNL204): vnetlint evaluates it {}",
                    phrases.join("; ")
                )
            })
            .collect();
        finding.notes.extend(notes);
    }
}
