//! A rule's documentation, generated from the doc comment on its `declare_check!`: the cleaned
//! Markdown, its fenced examples, the catalog entry the outputs read ([`RuleInfo`]), and the
//! rule page.
//!
//! One generator serves every place a rule is documented: the first line of the doc comment is
//! the SARIF `shortDescription` and the whole Markdown its `fullDescription` and `help` (through
//! [`Check::info`]; the report crate does not know the checks), [`rule_page`] is
//! `docs/rules/VNLnnn.md` and the output of `vnetlint rule VNLnnn`, and the examples run as
//! tests.

use vnetlint_diagnostics::RuleInfo;

use crate::declare::Check;

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
                if ["hcl", "arm", "toml", "plan", "diffplan"].contains(&language.as_str()) {
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

/// The documentation page of a rule, as `vnetlint rule` prints it and `docs/rules/VNLnnn.md`
/// holds it. The fenced examples lose their `expect=` markers, which only the tests read.
pub fn rule_page(check: &Check) -> String {
    let doc = check.doc();
    let mut body = String::new();
    for line in doc.markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```")
            && !info.is_empty()
        {
            let language = info.split(',').next().unwrap_or("");
            let language = if language == "arm" || language == "plan" || language == "diffplan" {
                "json"
            } else {
                language
            };
            body.push_str("```");
            body.push_str(language);
        } else {
            body.push_str(line);
        }
        body.push('\n');
    }
    let mut tags = check.tags.join(", ");
    if tags.is_empty() {
        tags.push('-');
    }
    format!(
        "# {} {}\n\n<!-- Generated from the check's doc comment in crates/vnetlint-checks; edit it there. -->\n\nDefault level: **{}** · Tags: {} · Precision: {}\n\n{}",
        check.code,
        check.name,
        check.default_level.as_str(),
        tags,
        check.precision,
        body
    )
}
