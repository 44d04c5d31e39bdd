//! Findings as LSP diagnostics: the rule id as `code`, the rule's page as `codeDescription`,
//! the level as severity, the other elements (and where a value came from) as related
//! information, and the notes, which hold the witness packet, appended to the message.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString,
    Uri,
};
use vnetlint_diagnostics::{Finding, Level};
use vnetlint_ir::{AttrList, Network, Origin, SecurityRule};
use vnetlint_source::Span;

use crate::unit::AnalyzedDir;

/// The diagnostics of every file of the analysis that has some, by absolute path. Suppressed
/// findings are left out: the user has acknowledged them in the file.
pub(crate) fn by_file(unit: &AnalyzedDir) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let chains = derived_chains(&unit.analyzed.networks);
    let mut out: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    for finding in &unit.analyzed.findings {
        if finding.suppression.is_some() {
            continue;
        }
        let (Some(path), Some(diagnostic)) = (
            unit.path_of(finding.primary.span.file),
            to_diagnostic(unit, finding, &chains),
        ) else {
            continue;
        };
        out.entry(path).or_default().push(diagnostic);
    }
    out
}

/// The diagnostic of one finding (also attached to the quick fixes that resolve it).
pub(crate) fn diagnostic_of(unit: &AnalyzedDir, finding: &Finding) -> Option<Diagnostic> {
    to_diagnostic(unit, finding, &derived_chains(&unit.analyzed.networks))
}

fn to_diagnostic(
    unit: &AnalyzedDir,
    finding: &Finding,
    chains: &BTreeMap<Span, Vec<Span>>,
) -> Option<Diagnostic> {
    let range = unit.range(finding.primary.span)?;
    let mut message = finding.message.clone();
    for note in &finding.notes {
        message.push('\n');
        message.push_str(note);
    }
    let mut related = Vec::new();
    let mut seen = BTreeSet::new();
    let mut relate = |span: Span, text: String| {
        if let Some(location) = unit.location(span)
            && seen.insert((location.uri.as_str().to_owned(), span.range, text.clone()))
        {
            related.push(DiagnosticRelatedInformation {
                location,
                message: text,
            });
        }
    };
    let labels = std::iter::once(&finding.primary).chain(&finding.secondary);
    for label in labels.clone().skip(1) {
        relate(label.span, label.message.clone());
    }
    // Where a value came from (a variable's default, a tfvars value): the fix is often there.
    for label in labels {
        for (i, &span) in chains.get(&label.span).into_iter().flatten().enumerate() {
            let last = chains.get(&label.span).is_some_and(|c| i + 1 == c.len());
            let text = if last {
                "the value is set here"
            } else {
                "the value passes through here"
            };
            relate(span, text.to_owned());
        }
    }
    Some(Diagnostic {
        range,
        severity: Some(severity(finding.level)),
        code: Some(NumberOrString::String(finding.code.to_owned())),
        code_description: help_uri(finding.code).map(|href| CodeDescription { href }),
        source: Some("vnetlint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

fn severity(level: Level) -> DiagnosticSeverity {
    match level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Note => DiagnosticSeverity::INFORMATION,
    }
}

fn help_uri(code: &str) -> Option<Uri> {
    vnetlint_checks::rule_infos()
        .iter()
        .find(|info| info.code == code)
        .and_then(|info| info.help_uri().parse().ok())
}

/// For every security-rule attribute whose value was derived (from a variable, a local, a
/// tfvars file, an ARM parameter), the chain of places beyond the use site, keyed by the
/// attribute's span, which is what findings label.
fn derived_chains(networks: &[Network]) -> BTreeMap<Span, Vec<Span>> {
    let mut chains = BTreeMap::new();
    for network in networks {
        for rule in &network.security_rules {
            for (span, origin) in rule_attributes(rule) {
                if let Origin::Derived(chain) = origin {
                    let beyond: Vec<Span> = chain.iter().copied().filter(|s| *s != span).collect();
                    if !beyond.is_empty() {
                        chains.entry(span).or_insert(beyond);
                    }
                }
            }
        }
    }
    chains
}

/// The span and origin of every attribute of a rule, list elements included.
fn rule_attributes(rule: &SecurityRule) -> Vec<(Span, &Origin)> {
    let mut out = Vec::new();
    let singles = [
        &rule.priority,
        &rule.direction,
        &rule.access,
        &rule.protocol,
        &rule.source_port_range,
        &rule.destination_port_range,
        &rule.source_address_prefix,
        &rule.destination_address_prefix,
    ];
    for attr in singles.into_iter().flatten() {
        out.push((attr.span, &attr.origin));
    }
    let lists: [&Option<AttrList<String>>; 4] = [
        &rule.source_port_ranges,
        &rule.destination_port_ranges,
        &rule.source_address_prefixes,
        &rule.destination_address_prefixes,
    ];
    for list in lists.into_iter().flatten() {
        out.push((list.span, &list.origin));
        for element in list.get().into_iter().flatten() {
            out.push((element.span, &element.origin));
        }
    }
    out
}
