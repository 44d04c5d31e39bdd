//! vnetlint's own JSON format, for scripts and dashboards that do not want SARIF.
//!
//! The schema is documented on `render_json` in the crate root and pinned by a snapshot test.
//! It is built from private structs with `Serialize` so that the key order is the declaration
//! order (deterministic) and absent values are `null` rather than missing (every key is always
//! there, which keeps consumers simple).

use schemars::JsonSchema;
use serde::Serialize;
use vnetlint_diagnostics::{Finding, Label};
use vnetlint_source::SourceMap;

use crate::fingerprint::fingerprints;
use crate::position::{Position, positions};
use crate::{LevelCounts, ReportContext};

/// The document `vnetlint check --format json` prints (schema version 1: it only grows by new
/// keys). Lines and columns are 1-based, columns count Unicode code points, offsets are bytes.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "vnetlint check --format json")]
pub(crate) struct Report<'a> {
    version: &'a str,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize, JsonSchema)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
}

#[derive(Serialize, JsonSchema)]
struct JsonFinding<'a> {
    code: &'a str,
    rule: &'a str,
    #[schemars(extend("enum" = ["error", "warning", "note"]))]
    level: &'a str,
    message: &'a str,
    file: &'a str,
    /// The file as a relative URI reference (percent-encoded, lossless for any name).
    uri: String,
    start: JsonPosition,
    end: JsonPosition,
    address: Option<&'a str>,
    related: Vec<Related<'a>>,
    /// The witness packet's path: the deciding rule at each NSG, in evaluation order.
    flow: Vec<Related<'a>>,
    notes: &'a [String],
    fingerprint: String,
    /// The reason given in the `vnetlint:ignore` comment, when the finding is suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
struct Related<'a> {
    file: &'a str,
    uri: String,
    start: JsonPosition,
    end: JsonPosition,
    message: &'a str,
    address: Option<&'a str>,
}

fn related<'a>(label: &'a vnetlint_diagnostics::Label, ctx: &'a ReportContext) -> Related<'a> {
    let (file, uri, start, end) = place(label, ctx.sources);
    Related {
        file,
        uri,
        start,
        end,
        message: &label.message,
        address: label.address.as_deref(),
    }
}

#[derive(Serialize, JsonSchema)]
struct JsonPosition {
    line: u32,
    column: u32,
    offset: u32,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        Self {
            line: position.line,
            column: position.column,
            offset: position.offset,
        }
    }
}

/// Where a label points, or an empty file name at 1:1 when its file is not in the map (a bug
/// upstream that must not make the whole report unrenderable).
fn place<'a>(
    label: &Label,
    sources: &'a SourceMap,
) -> (&'a str, String, JsonPosition, JsonPosition) {
    if let Some(file) = sources.try_get(label.span.file) {
        let (start, end) = positions(file, label.span.range);
        (
            file.path.as_str(),
            file.uri_path(),
            start.into(),
            end.into(),
        )
    } else {
        let nowhere = || JsonPosition {
            line: 1,
            column: 1,
            offset: 0,
        };
        ("", String::new(), nowhere(), nowhere())
    }
}

pub(crate) fn render(findings: &[Finding], ctx: &ReportContext) -> String {
    let counts = LevelCounts::of(findings);
    let fingerprints = fingerprints(findings, ctx.sources);
    let report = Report {
        version: ctx.tool_version,
        summary: Summary {
            files: ctx.files_scanned,
            findings: findings.len(),
            errors: counts.errors,
            warnings: counts.warnings,
            notes: counts.notes,
            suppressed: findings.iter().filter(|f| f.suppression.is_some()).count(),
        },
        findings: findings
            .iter()
            .zip(fingerprints)
            .map(|(finding, fingerprint)| {
                let (file, uri, start, end) = place(&finding.primary, ctx.sources);
                JsonFinding {
                    code: finding.code,
                    rule: finding.rule_name,
                    level: finding.level.as_str(),
                    message: &finding.message,
                    file,
                    uri,
                    start,
                    end,
                    address: finding
                        .address
                        .as_deref()
                        .or(finding.primary.address.as_deref()),
                    related: finding
                        .secondary
                        .iter()
                        .map(|label| related(label, ctx))
                        .collect(),
                    flow: finding
                        .flow
                        .iter()
                        .map(|label| related(label, ctx))
                        .collect(),
                    notes: &finding.notes,
                    fingerprint,
                    suppressed: finding.suppression.as_ref().map(|s| s.reason.as_str()),
                }
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report)
        .expect("the report holds only strings and integers, which always serialize");
    out.push('\n');
    out
}
