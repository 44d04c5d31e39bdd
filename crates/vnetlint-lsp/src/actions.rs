//! Quick fixes where the fix is mechanical. For now one: a rule that lets the Internet in
//! (VNL101, VNL102, VNL103) through a literal any-source (`"*"`, `"Internet"`, `"0.0.0.0/0"`,
//! `"Any"`) gets its source narrowed to `"VirtualNetwork"`.
//!
//! Only literals written at the rule are rewritten. A source that comes from a variable or a
//! parameter is not: the same value may feed other rules, so changing it is a decision, not a
//! mechanical fix.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, Origin, SecurityRule};
use vnetlint_source::Span;

use crate::unit::AnalyzedDir;

const NARROWED_SOURCE: &str = "VirtualNetwork";

/// The quick fixes for the findings of `path` whose labels touch `range`.
pub(crate) fn code_actions(unit: &AnalyzedDir, path: &Path, range: Range) -> Vec<CodeAction> {
    let Some(file) = unit.file_at(path) else {
        return Vec::new();
    };
    let mut actions = Vec::new();
    for finding in &unit.analyzed.findings {
        if finding.suppression.is_some() || !matches!(finding.code, "VNL101" | "VNL102" | "VNL103")
        {
            continue;
        }
        let touches = std::iter::once(&finding.primary)
            .chain(&finding.secondary)
            .filter(|label| label.span.file == file)
            .filter_map(|label| unit.range(label.span))
            .any(|label_range| overlaps(label_range, range));
        if !touches {
            continue;
        }
        if let Some(action) = narrow_source(unit, finding) {
            actions.push(action);
        }
    }
    actions
}

fn narrow_source(unit: &AnalyzedDir, finding: &Finding) -> Option<CodeAction> {
    let address = finding.address.as_deref()?;
    let rule = unit
        .analyzed
        .networks
        .iter()
        .flat_map(|n| &n.security_rules)
        .find(|r| r.meta.address == address)?;
    // `WorkspaceEdit` takes a `HashMap` keyed by `Uri`; the `Cell` inside `Uri` is a parse cache
    // that `Hash` and `Eq` (on the URI text) never read.
    #[allow(clippy::mutable_key_type)]
    let mut edits: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for span in literal_any_sources(rule) {
        let source = unit.source(span.file)?;
        let written = source.slice(span.range);
        // The span is the value expression: a quoted string in HCL and in JSON alike. Anything
        // else (a heredoc, a template with an interpolation) is not rewritten.
        let quoted = written.len() >= 2 && written.starts_with('"') && written.ends_with('"');
        if !quoted {
            continue;
        }
        let location = unit.location(span)?;
        edits.entry(location.uri).or_default().push(TextEdit {
            range: location.range,
            new_text: format!("\"{NARROWED_SOURCE}\""),
        });
    }
    if edits.is_empty() {
        return None;
    }
    Some(CodeAction {
        title: format!(
            "Narrow the source of `{}` to `{NARROWED_SOURCE}`",
            rule.meta.display_name()
        ),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: crate::diagnostics::diagnostic_of(unit, finding).map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(edits),
            ..WorkspaceEdit::default()
        }),
        command: None,
        is_preferred: Some(true),
        disabled: None,
        data: None,
    })
}

/// The literal source values of a rule that mean "any address".
fn literal_any_sources(rule: &SecurityRule) -> Vec<Span> {
    let mut out = Vec::new();
    let mut consider = |attr: &Attr<String>| {
        let literal = matches!(attr.origin, Origin::Literal);
        let any = attr.get().is_some_and(|value| {
            let value = value.trim();
            value == "*"
                || value == "0.0.0.0/0"
                || value.eq_ignore_ascii_case("Internet")
                || value.eq_ignore_ascii_case("Any")
        });
        if literal && any {
            out.push(attr.span);
        }
    };
    if let Some(attr) = &rule.source_address_prefix {
        consider(attr);
    }
    if let Some(list) = &rule.source_address_prefixes {
        for element in list.get().into_iter().flatten() {
            consider(element);
        }
    }
    out
}

/// Whether two ranges share a line: a cursor anywhere on a flagged line offers the fix, as
/// editors show the light bulb for the whole line.
fn overlaps(a: Range, b: Range) -> bool {
    a.start.line <= b.end.line && b.start.line <= a.end.line
}
