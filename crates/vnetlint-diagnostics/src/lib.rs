//! The `Finding` value every check and frontend produces: data only, no rendering.
//!
//! Frontends emit findings for parse errors (VNL001) and unresolved values (VNL002); checks emit
//! the rest. The report and lsp crates are the only ones that turn findings into text.

use std::fmt;

pub mod budget;
pub mod limits;
pub mod measure;

pub use budget::{Budget, Deadline, Reached, Size, VALUE_BYTES};
pub use limits::{Limit, Limits};

pub use vnetlint_source::{FileId, Span, TextRange};

/// How serious a finding is. Ordered so that `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "note" => Some(Level::Note),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file with a short explanation of its role in the finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The logical address of the element the label points into, such as
    /// `azurerm_network_security_group.backend`, if any.
    pub address: Option<String>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
            address: None,
        }
    }

    #[must_use]
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }
}

/// One problem found in the scanned templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule id such as `VNL101`.
    pub code: &'static str,
    /// Rule name such as `internet-exposed-management-port`.
    pub rule_name: &'static str,
    pub level: Level,
    /// What is wrong, why it matters and how to fix it, in one message (lowercase start, no final period).
    pub message: String,
    /// Where the problem is: the deciding rule or attribute.
    pub primary: Label,
    /// The other elements involved (the NSG, the association, a conflicting rule).
    pub secondary: Vec<Label>,
    /// Extra lines: the witness packet, the evaluation path.
    pub notes: Vec<String>,
    /// The witness packet's path, step by step (the rules that decide it at each NSG, in
    /// evaluation order); SARIF renders it as a `codeFlow`. Empty when there is no path.
    pub flow: Vec<Label>,
    /// The logical address of the element at fault; part of the stable fingerprint.
    pub address: Option<String>,
    /// A stable discriminator beyond code and address (for example the port class), also fingerprinted.
    pub fingerprint_key: String,
    /// Set when an inline `vnetlint:ignore` comment suppresses the finding: outputs keep it
    /// (SARIF as a suppressed result) but it no longer counts for the exit code.
    pub suppression: Option<Suppression>,
    /// Places whose text must never be shown (a literal secret): outputs mask them in
    /// snippets and embedded sources.
    pub redact: Vec<Span>,
    /// The whole element (resource block, ARM resource) the finding is about, when it contains
    /// the primary location: a `vnetlint:ignore` comment above the element or inside it
    /// applies. The driver fills it from the unit's network, so suppressions do not need the
    /// networks after the run.
    pub element: Option<Span>,
}

/// Why and where a finding was suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The justification written after the codes (empty when none was given).
    pub reason: String,
    /// The comment that suppresses it.
    pub span: Span,
}

impl Finding {
    pub fn new(
        code: &'static str,
        rule_name: &'static str,
        level: Level,
        message: impl Into<String>,
        primary: Label,
    ) -> Self {
        Self {
            code,
            rule_name,
            level,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            notes: Vec::new(),
            flow: Vec::new(),
            address: None,
            fingerprint_key: String::new(),
            suppression: None,
            redact: Vec::new(),
            element: None,
        }
    }

    #[must_use]
    pub fn with_secondary(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    #[must_use]
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    #[must_use]
    pub fn with_flow_step(mut self, label: Label) -> Self {
        self.flow.push(label);
        self
    }

    #[must_use]
    pub fn with_fingerprint_key(mut self, key: impl Into<String>) -> Self {
        self.fingerprint_key = key.into();
        self
    }

    /// The order every output uses: file, position, then code, then message.
    pub fn sort_key(&self) -> (FileId, u32, u32, &'static str, &str) {
        (
            self.primary.span.file,
            self.primary.span.range.start,
            self.primary.span.range.end,
            self.code,
            self.message.as_str(),
        )
    }
}

/// Sorts findings into the deterministic output order and removes exact duplicates.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

/// What the outputs need to know about a rule: its identity and documentation.
/// The checks crate declares one per check; the report crate renders them (SARIF `rules`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// `VNL101`.
    pub code: &'static str,
    /// `internet-exposed-management-port`.
    pub name: &'static str,
    pub default_level: Level,
    /// One sentence: the first line of the rule's documentation (SARIF `shortDescription`).
    pub summary: &'static str,
    /// The whole documentation in Markdown (SARIF `fullDescription`, `help`, `docs/rules/VNLnnn.md`).
    pub doc_markdown: &'static str,
    /// SARIF `properties.tags`, for example `["security", "network"]`.
    pub tags: &'static [&'static str],
    /// SARIF `properties.precision`: `very-high`, `high`, `medium` or `low`.
    pub precision: &'static str,
    /// SARIF `properties.security-severity` (0.0–10.0), for GitHub's severity column.
    pub security_severity: Option<f32>,
}

impl RuleInfo {
    /// The documentation page of the rule in the repository.
    pub fn help_uri(&self) -> String {
        format!(
            "https://github.com/vnetlint/vnetlint/blob/main/docs/rules/{}.md",
            self.code
        )
    }
}
