//! Text, JSON and SARIF rendering of findings: the only crate that serializes them.
//!
//! Every renderer takes the findings in the order it is given (callers sort them with
//! `vnetlint_diagnostics::sort_findings`) and the same [`ReportContext`], and returns a `String`
//! so that the binary decides where it goes. Outputs are deterministic: no timestamps, no absolute
//! paths, no hash-map iteration, and fingerprints that do not depend on line numbers.

mod fingerprint;
mod json;
mod position;
mod sarif;
mod text;

use vnetlint_diagnostics::{Finding, Level, RuleInfo};
use vnetlint_source::SourceMap;

pub use fingerprint::fingerprints;

/// The JSON Schemas of the JSON outputs, by command, as committed under `docs/schema/`
/// (`<command>.schema.json`). `reach` and `diff` join with one line each once their output is
/// a struct of this crate deriving `JsonSchema`.
pub fn json_schemas() -> Vec<(&'static str, String)> {
    let mut check = serde_json::to_string_pretty(&schemars::schema_for!(json::Report<'static>))
        .expect("a schema is JSON");
    check.push('\n');
    vec![("check", check)]
}
pub use sarif::{SARIF_SCHEMA_URI, SRCROOT, SarifOptions, VersionControl};

/// What every renderer needs besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct ReportContext<'a> {
    /// The files of the run; labels point into it by `FileId`.
    pub sources: &'a SourceMap,
    /// The whole rule catalog, sorted by code (SARIF lists every rule, not only the ones that fired).
    pub rules: &'a [RuleInfo],
    /// The tool version, for example `0.1.0`.
    pub tool_version: &'a str,
    /// How many files the run looked at, for the summary (may exceed `sources.len()`).
    pub files_scanned: usize,
    /// Spans of literal secrets the run found, masked in every output whatever became of the
    /// findings that found them (a rule turned off, a suppressed or baselined finding).
    pub redact: &'a [vnetlint_diagnostics::Span],
}

/// Renders the findings as codespan-reporting diagnostics (rich style) followed by a summary line.
/// ANSI escapes are emitted only when `color` is true.
pub fn render_text(findings: &[Finding], ctx: &ReportContext, color: bool) -> String {
    render_text_with(
        findings,
        ctx,
        &TextOptions {
            color,
            fold_notes_over: None,
        },
    )
}

/// How the text output is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
    /// When more notes than this are reported, they are counted in the summary line instead of
    /// drawn one by one (a scan of an estate may hold hundreds); `None` draws every note.
    pub fold_notes_over: Option<usize>,
}

/// [`render_text`] with options.
pub fn render_text_with(
    findings: &[Finding],
    ctx: &ReportContext,
    options: &TextOptions,
) -> String {
    let masked = masked_sources(findings, ctx.sources, ctx.redact);
    let ctx = ReportContext {
        sources: masked.as_ref().unwrap_or(ctx.sources),
        ..*ctx
    };
    text::render(findings, &ctx, options)
}

/// Writes [`render_text`] to `out`.
pub fn write_text(
    findings: &[Finding],
    ctx: &ReportContext,
    out: &mut dyn std::io::Write,
    color: bool,
) -> std::io::Result<()> {
    out.write_all(render_text(findings, ctx, color).as_bytes())
}

/// Renders the findings as vnetlint's own JSON format: two-space indented, trailing newline.
///
/// The schema is stable; keys appear in this order and are always present (`null` when absent):
///
/// ```text
/// {
///   "version": "0.1.0",                 // the tool version
///   "summary": {"files": 4,             // files scanned
///               "findings": 3, "errors": 2, "warnings": 1, "notes": 0},
///   "findings": [{                      // in the order given (file, position, code)
///     "code": "VNL101",
///     "rule": "internet-exposed-management-port",
///     "level": "error",                 // "error" | "warning" | "note"
///     "message": "...",
///     "file": "network/main.tf",        // relative to the scan root, '/' separators
///     "start": {"line": 5, "column": 3, "offset": 120},   // 1-based line and column
///     "end":   {"line": 5, "column": 9, "offset": 126},   // (column in Unicode code points),
///                                                         // 0-based byte offset; end exclusive
///     "address": "azurerm_network_security_group.backend",  // or null
///     "related": [{"file", "start", "end", "message", "address"}],  // secondary labels
///     "notes": ["..."],
///     "fingerprint": "0123456789abcdef:1"  // position-independent, see `fingerprints`
///   }]
/// }
/// ```
pub fn render_json(findings: &[Finding], ctx: &ReportContext) -> String {
    json::render(findings, ctx)
}

/// Renders the findings as a SARIF 2.1.0 log with one run, shaped for GitHub code scanning.
pub fn render_sarif(findings: &[Finding], ctx: &ReportContext) -> String {
    sarif_masked(findings, ctx, &SarifOptions::default())
}

/// [`render_sarif`] with options: the repository, embedded sources.
pub fn render_sarif_with(
    findings: &[Finding],
    ctx: &ReportContext,
    options: &SarifOptions,
) -> String {
    sarif_masked(findings, ctx, options)
}

/// [`render_sarif`] plus `versionControlProvenance`, which lets SARIF viewers map the relative
/// paths to the repository (and silences the validator's SARIF2003).
pub fn render_sarif_with_vcs(
    findings: &[Finding],
    ctx: &ReportContext,
    version_control: &VersionControl,
) -> String {
    sarif_masked(
        findings,
        ctx,
        &SarifOptions {
            version_control: Some(*version_control),
            embed_sources: false,
            category: "",
        },
    )
}

/// Counts of findings per level, shared by the text summary and the JSON summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LevelCounts {
    errors: usize,
    warnings: usize,
    notes: usize,
}

impl LevelCounts {
    /// The levels of the findings that are reported: suppressed ones are counted apart.
    fn of(findings: &[Finding]) -> Self {
        let mut counts = Self::default();
        for finding in findings.iter().filter(|f| f.suppression.is_none()) {
            match finding.level {
                Level::Error => counts.errors += 1,
                Level::Warning => counts.warnings += 1,
                Level::Note => counts.notes += 1,
            }
        }
        counts
    }
}

/// The sources with every `redact` span of the findings and of the run masked (each character replaced by
/// `*` bytes of the same length, so offsets, lines and columns are unchanged), or `None` when
/// nothing needs masking.
fn masked_sources(
    findings: &[Finding],
    sources: &SourceMap,
    redact: &[vnetlint_diagnostics::Span],
) -> Option<SourceMap> {
    let spans: Vec<vnetlint_diagnostics::Span> = findings
        .iter()
        .flat_map(|f| f.redact.iter().copied())
        .chain(redact.iter().copied())
        .collect();
    if spans.is_empty() {
        return None;
    }
    let mut masked = SourceMap::new();
    for (id, file) in sources.iter() {
        let mut text = file.text.clone();
        for span in spans.iter().filter(|s| s.file == id) {
            let range = span.range.as_usize();
            if let Some(secret) = text.get(range.clone()) {
                let stars: String = secret.chars().map(|c| "*".repeat(c.len_utf8())).collect();
                text.replace_range(range, &stars);
            }
        }
        masked.add(file.path.clone(), text);
    }
    Some(masked)
}

/// SARIF with secrets masked in snippets and embedded sources.
fn sarif_masked(findings: &[Finding], ctx: &ReportContext, options: &SarifOptions) -> String {
    let masked = masked_sources(findings, ctx.sources, ctx.redact);
    let ctx = ReportContext {
        sources: masked.as_ref().unwrap_or(ctx.sources),
        ..*ctx
    };
    sarif::render(findings, &ctx, options)
}
