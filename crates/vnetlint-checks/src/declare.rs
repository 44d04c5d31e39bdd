//! `declare_check!`: how a check states its id, name, level and documentation in one place.
//!
//! The doc comment on the declaration is the single source of a rule's documentation: its first
//! line is the SARIF `shortDescription`, the whole text becomes the SARIF help,
//! `docs/rules/VNLnnn.md` and `vnetlint rule VNLnnn`, and its fenced examples run as tests.

use vnetlint_diagnostics::{Finding, Level, RuleInfo};

use crate::Context;

/// A registered check.
pub struct Check {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    /// The doc comment as the compiler hands it over: one line per `///`, each with its leading space.
    pub raw_doc: &'static [&'static str],
    pub tags: &'static [&'static str],
    pub precision: &'static str,
    pub security_severity: Option<f32>,
    /// Appends the check's findings. Checks emitted by a frontend (VNL001) have a no-op here.
    pub run: fn(&Context<'_>, &mut Vec<Finding>),
}

/// The documentation of a check, cleaned of the doc-comment indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDoc {
    pub summary: String,
    pub markdown: String,
}

/// A fenced example in a rule's documentation: ```` ```hcl,expect=VNL101 ```` or ```` ```hcl ````.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocExample {
    /// `hcl`, `arm`, `plan` (a `terraform show -json` plan, for rules about planned changes),
    /// or `toml` (a `vnetlint.toml` the rule's other examples run with).
    pub language: String,
    /// The codes the example must produce exactly once each (empty: must produce none of this rule).
    pub expect: Vec<String>,
    pub source: String,
}

impl Check {
    pub fn doc(&self) -> RuleDoc {
        let lines: Vec<&str> = self
            .raw_doc
            .iter()
            .flat_map(|chunk| chunk.split('\n'))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect();
        let markdown = lines.join("\n").trim().to_owned() + "\n";
        let summary = lines
            .iter()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_owned())
            .unwrap_or_default();
        RuleDoc { summary, markdown }
    }

    /// The fenced examples of the documentation, in order.
    pub fn examples(&self) -> Vec<DocExample> {
        let markdown = self.doc().markdown;
        let mut out = Vec::new();
        let mut current: Option<DocExample> = None;
        for line in markdown.lines() {
            if let Some(example) = current.as_mut() {
                if line.trim_start().starts_with("```") {
                    out.extend(current.take());
                } else {
                    example.source.push_str(line);
                    example.source.push('\n');
                }
            } else if let Some(info) = line.trim_start().strip_prefix("```") {
                let mut parts = info.split(',');
                let language = parts.next().unwrap_or("").trim().to_owned();
                if ["hcl", "arm", "toml", "plan"].contains(&language.as_str()) {
                    let expect = parts
                        .filter_map(|p| p.trim().strip_prefix("expect="))
                        .flat_map(|codes| codes.split('+').map(str::to_owned))
                        .collect();
                    current = Some(DocExample {
                        language,
                        expect,
                        source: String::new(),
                    });
                } else {
                    // Other fenced blocks (plain text output) are skipped, but still fenced.
                    current = Some(DocExample {
                        language: String::from("-"),
                        expect: Vec::new(),
                        source: String::new(),
                    });
                }
            }
        }
        out.retain(|e| e.language != "-");
        out
    }

    pub fn info(&self) -> RuleInfo {
        let doc = self.doc();
        RuleInfo {
            code: self.code,
            name: self.name,
            default_level: self.default_level,
            // Leaked once per process when the catalog is first built (see `registry::rule_infos`).
            summary: Box::leak(doc.summary.into_boxed_str()),
            doc_markdown: Box::leak(doc.markdown.into_boxed_str()),
            tags: self.tags,
            precision: self.precision,
            security_severity: self.security_severity,
        }
    }
}

/// Declares a check: its documentation (the doc comment), metadata and run function.
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            level: $level:ident,
            tags: [$($tag:literal),* $(,)?],
            precision: $precision:literal,
            security_severity: $severity:expr,
            run: $run:expr $(,)?
        };
    ) => {
        pub(crate) static $ident: $crate::declare::Check = $crate::declare::Check {
            code: $code,
            name: $name,
            default_level: vnetlint_diagnostics::Level::$level,
            raw_doc: &[$($doc),*],
            tags: &[$($tag),*],
            precision: $precision,
            security_severity: $severity,
            run: $run,
        };
    };
}

pub(crate) use declare_check;
