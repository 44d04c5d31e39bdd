//! SARIF 2.1.0 output, shaped for GitHub code scanning and checked with the SARIF Multitool.
//!
//! The model is a small set of private `Serialize` structs covering only what vnetlint emits, so
//! that key order, required fields and `columnKind` stay under our control without a generated
//! SARIF crate (serde-sarif needs build-time codegen and ships a stale schema URL).
//!
//! Choices that GitHub or the validator constrain:
//! - Paths are relative URIs against `%SRCROOT%`, which `originalUriBaseIds` describes without
//!   an absolute path, so the log is the same on every machine.
//! - Columns are counted in Unicode code points (`columnKind: unicodeCodePoints`), as `LineIndex`
//!   counts them; the schema gives `columnKind` no default, so it is always written.
//! - `partialFingerprints` carry our own position-free key (`vnetlint/v1`); the line-based
//!   `primaryLocationLineHash` is left to the upload action.
//! - Message texts are complete sentences (the finding message, its notes and links to the
//!   related locations), since GitHub shows `message.text` and ignores message templates.
//!
//! The Multitool (`scripts/validate-sarif`) reports no error, warning or note on these logs when
//! the options give the repository (`versionControlProvenance`, SARIF2003) and embed the
//! sources (SARIF2013); without them those two notes remain. Results carry `message.id` and
//! `arguments` for the rule's one template next to `text` (SARIF2002).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use vnetlint_diagnostics::{Finding, Label, Level, RuleInfo};
use vnetlint_source::{FileId, SourceMap};

use crate::ReportContext;
use crate::fingerprint::fingerprints;
use crate::position::{last_line, lines_text, positions};

/// The `$schema` of every log: the OASIS errata 01 schema, as `CodeQL` writes it.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The URI base id that artifact URIs are relative to: the scan root.
pub const SRCROOT: &str = "%SRCROOT%";

const TOOL_NAME: &str = "vnetlint";
const INFORMATION_URI: &str = "https://github.com/vnetlint/vnetlint";
/// The key of our fingerprint in `partialFingerprints`; bump the version if its inputs change.
const FINGERPRINT_KEY: &str = "vnetlint/v1";
/// How many lines of context surround a result in `contextRegion`.
const CONTEXT_LINES: u32 = 2;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    automation_details: AutomationDetails,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    artifacts: Vec<Artifact>,
    // Always present: an empty array means "ran and found nothing", absent means "did not run".
    results: Vec<SarifResult>,
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_control_provenance: Option<[VersionControlDetails; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionControlDetails {
    repository_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    mapped_to: ArtifactLocation,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Message,
    full_description: MultiformatMessage,
    help: MultiformatMessage,
    help_uri: String,
    default_configuration: Configuration,
    /// One template per rule, `default`, whose single argument is the finding's sentence:
    /// results carry `message.id` and `arguments` next to `text` (SARIF2002), so viewers that
    /// localize or restyle messages can, and GitHub keeps reading `text`.
    message_strings: BTreeMap<&'static str, Message>,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: &'a [&'a str],
    precision: &'a str,
    /// GitHub reads this as a string holding a number from 0.0 to 10.0.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
struct Invocation {
    #[serde(rename = "executionSuccessful")]
    execution_successful: bool,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
    /// Size in bytes; with `roles`, what makes the table more than a copy of the result URIs.
    length: usize,
    roles: [&'static str; 1],
    /// The file's text, when the caller asks for embedded sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Message>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: ResultMessage,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
}

/// An in-source suppression (`vnetlint:ignore`): GitHub shows the alert as dismissed.
#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

/// The witness packet's path through the NSGs, as one thread of steps.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    message: Message,
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: Location,
    nesting_level: u32,
    execution_order: usize,
}

// The field names are SARIF's (`physicalLocation` inside `location`).
#[allow(clippy::struct_field_names)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
    context_region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    end_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

/// A SARIF `message` or `artifactContent`: both are `{"text": ...}` here.
#[derive(Serialize, Clone)]
struct Message {
    text: String,
}

/// The id of the one message template each rule declares.
const MESSAGE_ID: &str = "default";

/// A result message: the sentence, and the same as an argument of the rule's template.
#[derive(Serialize)]
struct ResultMessage {
    text: String,
    id: &'static str,
    arguments: [String; 1],
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

/// What the SARIF log may include beyond the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SarifOptions<'a> {
    /// The repository the scan root is, for `versionControlProvenance`.
    pub version_control: Option<VersionControl<'a>>,
    /// Embed the text of every file with a finding (`artifacts[].contents`), so the log can be
    /// read without the repository; off by default because it copies the templates.
    pub embed_sources: bool,
    /// `automationDetails.id` is `<category>/`: `vnetlint` when empty; `vnetlint diff` writes
    /// `vnetlint-diff`, so that code scanning keeps its results apart from `check`'s (it
    /// replaces the results of a category with each upload).
    pub category: &'a str,
}

/// The repository the scan root is checked out from, for SARIF's `versionControlProvenance`.
///
/// Give it only when the scan root is the repository root: the log then states that `%SRCROOT%`
/// is the root of `repository_uri` at `revision_id`. Reading it (from `.git`) is the binary's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionControl<'a> {
    /// For example `https://github.com/vnetlint/vnetlint`; any `user:password@` is removed.
    pub repository_uri: &'a str,
    /// The commit id.
    pub revision_id: Option<&'a str>,
    pub branch: Option<&'a str>,
}

pub(crate) fn render(findings: &[Finding], ctx: &ReportContext, options: &SarifOptions) -> String {
    let version_control = options.version_control.as_ref();
    let artifacts = ArtifactTable::new(findings, ctx.sources);
    let fingerprints = fingerprints(findings, ctx.sources);
    let results = findings
        .iter()
        .zip(fingerprints)
        .map(|(finding, fingerprint)| result(finding, fingerprint, ctx, &artifacts))
        .collect();
    let log = Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version: ctx.tool_version,
                    semantic_version: ctx.tool_version,
                    information_uri: INFORMATION_URI,
                    rules: ctx.rules.iter().map(rule).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
            }],
            // GitHub's category: one run per upload with this id, covering every frontend.
            automation_details: AutomationDetails {
                id: format!(
                    "{}/",
                    if options.category.is_empty() {
                        "vnetlint"
                    } else {
                        options.category
                    }
                ),
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: None,
                    uri_base_id: None,
                    index: None,
                    // A description instead of a `file://` URI: the log must not name the
                    // machine's absolute path, and GitHub maps %SRCROOT% to the checkout itself.
                    description: Some(Message {
                        text: "The root of the scan: the directory vnetlint was run on.".into(),
                    }),
                },
            )]),
            artifacts: artifacts.artifacts(ctx.sources, options.embed_sources),
            results,
            column_kind: "unicodeCodePoints",
            version_control_provenance: version_control.map(|vcs| {
                [VersionControlDetails {
                    repository_uri: without_userinfo(vcs.repository_uri),
                    revision_id: vcs.revision_id.map(str::to_owned),
                    branch: vcs.branch.map(str::to_owned),
                    mapped_to: ArtifactLocation {
                        uri: None,
                        uri_base_id: Some(SRCROOT),
                        index: None,
                        description: None,
                    },
                }]
            }),
        }],
    };
    let mut out = serde_json::to_string_pretty(&log)
        .expect("the SARIF model holds only strings, integers and booleans");
    out.push('\n');
    out
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

fn rule(info: &RuleInfo) -> Rule<'_> {
    Rule {
        id: info.code,
        name: pascal_case(info.name),
        short_description: Message {
            text: sentence(info.summary),
        },
        full_description: MultiformatMessage {
            text: info.doc_markdown.trim_end().to_owned(),
            markdown: info.doc_markdown.trim_end().to_owned(),
        },
        help: MultiformatMessage {
            text: info.doc_markdown.trim_end().to_owned(),
            markdown: info.doc_markdown.trim_end().to_owned(),
        },
        help_uri: info.help_uri(),
        message_strings: BTreeMap::from([(
            MESSAGE_ID,
            Message {
                text: "'{0}'.".to_owned(),
            },
        )]),
        default_configuration: Configuration {
            level: level(info.default_level),
        },
        properties: RuleProperties {
            tags: info.tags,
            precision: info.precision,
            security_severity: info
                .security_severity
                .map(|severity| format!("{:.1}", severity.clamp(0.0, 10.0))),
            problem_severity: match info.default_level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "recommendation",
            },
        },
    }
}

fn result(
    finding: &Finding,
    fingerprint: String,
    ctx: &ReportContext,
    artifacts: &ArtifactTable,
) -> SarifResult {
    let address = finding
        .address
        .as_deref()
        .or(finding.primary.address.as_deref());
    let related_locations: Vec<Location> = finding
        .secondary
        .iter()
        .enumerate()
        .map(|(i, label)| Location {
            id: Some(i + 1),
            physical_location: physical_location(label, ctx.sources, artifacts),
            logical_locations: logical_locations(label.address.as_deref()),
            message: Some(Message {
                text: sentence(&label.message),
            }),
        })
        .collect();
    let steps: Vec<ThreadFlowLocation> = finding
        .flow
        .iter()
        .enumerate()
        .map(|(i, label)| ThreadFlowLocation {
            location: Location {
                id: None,
                physical_location: physical_location(label, ctx.sources, artifacts),
                logical_locations: logical_locations(label.address.as_deref()),
                message: Some(Message {
                    text: sentence(&label.message),
                }),
            },
            nesting_level: 0,
            execution_order: i + 1,
        })
        .collect();
    let code_flows = if steps.is_empty() {
        Vec::new()
    } else {
        vec![CodeFlow {
            message: Message {
                text: "The witness packet's path through the network security groups.".to_owned(),
            },
            thread_flows: vec![ThreadFlow { locations: steps }],
        }]
    };
    SarifResult {
        rule_id: finding.code.to_owned(),
        rule_index: ctx.rules.iter().position(|rule| rule.code == finding.code),
        level: level(finding.level),
        message: {
            let text = message_text(finding);
            ResultMessage {
                arguments: [text.clone()],
                text,
                id: MESSAGE_ID,
            }
        },
        locations: vec![Location {
            id: None,
            physical_location: physical_location(&finding.primary, ctx.sources, artifacts),
            logical_locations: logical_locations(address),
            message: None,
        }],
        related_locations,
        code_flows,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
        suppressions: finding
            .suppression
            .iter()
            .map(|s| SarifSuppression {
                kind: "inSource",
                justification: (!s.reason.is_empty()).then(|| s.reason.clone()),
            })
            .collect(),
    }
}

/// The finding message as a sentence, then the notes, then links to the related locations
/// (GitHub only shows related locations that the message links to, as `[text](id)`).
fn message_text(finding: &Finding) -> String {
    let mut text = sentence(&escape_links(&finding.message));
    for note in &finding.notes {
        text.push('\n');
        text.push_str(&sentence(&escape_links(note)));
    }
    if !finding.secondary.is_empty() {
        text.push_str("\nSee also: ");
        for (i, label) in finding.secondary.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            let _ = write!(text, "[{}]({})", escape_link_text(&label.message), i + 1);
        }
        text.push('.');
    }
    text
}

/// `internet-exposed-management-port` → `InternetExposedManagementPort`: SARIF asks for a
/// Pascal-case friendly name (SARIF2012); the kebab-case name stays the one users type.
fn pascal_case(name: &str) -> String {
    name.split(['-', '_'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// Ends `text` with a period unless it already ends a sentence (the validator's SARIF2001).
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// Escapes `](` so that free text such as `x[0](...)` is never read as an embedded link.
fn escape_links(text: &str) -> String {
    text.replace("](", "\\](")
}

/// Escapes every bracket inside a link's text, as SARIF §3.11.6 requires.
fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '[' | ']') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn logical_locations(address: Option<&str>) -> Vec<LogicalLocation> {
    address
        .map(|address| LogicalLocation {
            fully_qualified_name: address.to_owned(),
            kind: "resource",
        })
        .into_iter()
        .collect()
}

fn physical_location(
    label: &Label,
    sources: &SourceMap,
    artifacts: &ArtifactTable,
) -> Option<PhysicalLocation> {
    let file = sources.try_get(label.span.file)?;
    let (start, end) = positions(file, label.span.range);
    let snippet = file.slice(vnetlint_source::TextRange::new(start.offset, end.offset));
    let context_first = start.line.saturating_sub(CONTEXT_LINES).max(1);
    let context_last = (end.line + CONTEXT_LINES)
        .min(last_line(file))
        .max(end.line);
    Some(PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: Some(file.uri_path()),
            uri_base_id: Some(SRCROOT),
            index: artifacts.index_of(label.span.file),
            description: None,
        },
        region: Region {
            start_line: start.line,
            start_column: Some(start.column),
            end_line: end.line,
            end_column: Some(end.column),
            snippet: (!snippet.is_empty()).then(|| Message {
                text: snippet.to_owned(),
            }),
        },
        context_region: Region {
            start_line: context_first,
            start_column: None,
            end_line: context_last,
            end_column: None,
            snippet: Some(Message {
                text: lines_text(file, context_first, context_last).to_owned(),
            }),
        },
    })
}

/// `https://user:token@host/x` → `https://host/x`: a remote URL copied from `.git/config` may
/// carry credentials, which must never reach a log that gets uploaded.
fn without_userinfo(uri: &str) -> String {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return uri.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => uri.to_owned(),
    }
}

/// The files any location points into, in `FileId` order, with their index in `run.artifacts`.
struct ArtifactTable {
    files: Vec<FileId>,
}

impl ArtifactTable {
    fn new(findings: &[Finding], sources: &SourceMap) -> Self {
        let mut files: Vec<FileId> = findings
            .iter()
            .flat_map(|finding| std::iter::once(&finding.primary).chain(&finding.secondary))
            .map(|label| label.span.file)
            .filter(|&file| sources.try_get(file).is_some())
            .collect();
        files.sort_unstable();
        files.dedup();
        Self { files }
    }

    fn index_of(&self, file: FileId) -> Option<usize> {
        self.files.binary_search(&file).ok()
    }

    fn artifacts(&self, sources: &SourceMap, embed: bool) -> Vec<Artifact> {
        self.files
            .iter()
            .map(|&file| Artifact {
                location: ArtifactLocation {
                    uri: Some(sources.get(file).uri_path()),
                    uri_base_id: Some(SRCROOT),
                    index: None,
                    description: None,
                },
                length: sources.get(file).text.len(),
                roles: ["analysisTarget"],
                contents: embed.then(|| Message {
                    text: sources.get(file).text.clone(),
                }),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        let uri = |path: &str| vnetlint_source::SourceFile::new(path, "").uri_path();
        assert_eq!(uri("net/main.tf"), "net/main.tf");
        assert_eq!(uri("my dir/é.tf"), "my%20dir/%C3%A9.tf");
        let not_utf8 = vnetlint_source::SourceFile::new("x\u{fffd}.tf", "")
            .with_path_bytes(b"x\xFF.tf".to_vec());
        assert_eq!(not_utf8.uri_path(), "x%FF.tf");
    }

    #[test]
    fn credentials_are_removed_from_repository_uris() {
        assert_eq!(
            without_userinfo("https://bot:ghp_secret@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            without_userinfo("https://github.com/o/r"),
            "https://github.com/o/r"
        );
        assert_eq!(
            without_userinfo("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }

    #[test]
    fn messages_become_sentences_with_escaped_links() {
        assert_eq!(
            pascal_case("internet-exposed-management-port"),
            "InternetExposedManagementPort"
        );
        assert_eq!(sentence("port `22` is open"), "port `22` is open.");
        assert_eq!(sentence("done."), "done.");
        assert_eq!(escape_links("a[0](b)"), "a[0\\](b)");
        assert_eq!(escape_link_text("rule x[0]"), "rule x\\[0\\]");
    }
}
