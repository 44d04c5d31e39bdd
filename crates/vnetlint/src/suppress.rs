//! Inline suppressions: a `# vnetlint:ignore VNL101 reason` comment (`//` in ARM JSON, or a
//! JSON string starting with the marker, as in a `metadata` entry) on the
//! line of a finding, on the line above it, or on or above the first line of the element the
//! finding is about, suppresses that finding. Suppressed findings stay in the outputs (SARIF
//! marks them `suppressions`) but no longer count for the exit code. A suppression without a
//! reason is itself reported (VNL003), so that every silenced finding says why.

use vnetlint_diagnostics::{Finding, Label, Suppression};
use vnetlint_ir::Network;
use vnetlint_source::{FileId, SourceMap, Span, TextRange};

const MARKER: &str = "vnetlint:ignore";

/// One `vnetlint:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    file: FileId,
    /// 1-based line of the comment.
    line: u32,
    codes: Vec<String>,
    reason: String,
    span: Span,
    /// Written as a JSON string (an ARM `metadata`/`comments` entry): it applies to the element
    /// that contains it.
    in_element: bool,
}

/// Finds the directives in every file: the marker must follow a comment opener on its line.
fn directives(sources: &SourceMap) -> Vec<Directive> {
    let mut out = Vec::new();
    for (file, source) in sources.iter() {
        let mut offset = 0usize;
        for (index, line) in source.text.split_inclusive('\n').enumerate() {
            if let Some(at) = line.find(MARKER) {
                let before = &line[..at];
                let in_comment =
                    before.contains('#') || before.contains("//") || before.contains("/*");
                // ARM: a string that starts with the marker, such as a `metadata` entry
                // `"comments": "vnetlint:ignore VNL101 reason"`.
                let is_json = std::path::Path::new(&source.path)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                let in_json_string = is_json && before.trim_end().ends_with('"');
                if in_comment || in_json_string {
                    let rest = line[at + MARKER.len()..].trim_end_matches(['\n', '\r']);
                    let rest = if in_json_string && !in_comment {
                        rest.split('"').next().unwrap_or("")
                    } else {
                        rest
                    };
                    let rest = rest.trim_end_matches("*/");
                    // A further comment on the same line (`# expect: ...`) is not the reason.
                    let rest = rest.split(" #").next().unwrap_or("");
                    let rest = rest.split(" //").next().unwrap_or("");
                    let mut words = rest.split_whitespace().peekable();
                    let mut codes = Vec::new();
                    while let Some(word) = words.peek() {
                        let candidates: Vec<&str> =
                            word.split(',').filter(|c| !c.is_empty()).collect();
                        if !candidates.is_empty() && candidates.iter().all(|c| is_code(c)) {
                            codes.extend(candidates.iter().map(|c| c.to_ascii_uppercase()));
                            words.next();
                        } else {
                            break;
                        }
                    }
                    let reason = words.collect::<Vec<_>>().join(" ");
                    let start = offset + at;
                    let end = offset + line.trim_end_matches(['\n', '\r']).len();
                    out.push(Directive {
                        file,
                        line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                        codes,
                        reason,
                        span: Span::new(file, TextRange::from_usize(start..end.max(start))),
                        in_element: in_json_string && !in_comment,
                    });
                }
            }
            offset += line.len();
        }
    }
    out
}

fn is_code(word: &str) -> bool {
    word.len() == 6
        && word[..3].eq_ignore_ascii_case("VNL")
        && word[3..].chars().all(|c| c.is_ascii_digit())
}

/// Sets [`Finding::element`] for the findings of one unit from the unit's network: the span of
/// the element named by the finding's address, when it contains the primary location. Looked up
/// in the unit's own network, since two modules may hold elements at the same address.
pub(crate) fn attach_elements(findings: &mut [Finding], network: &Network) {
    for finding in findings.iter_mut().filter(|f| f.element.is_none()) {
        let Some(address) = finding.address.as_deref() else {
            continue;
        };
        let Some(span) = network.find(address).map(|id| network.meta(id).span) else {
            continue;
        };
        if span.file == finding.primary.span.file
            && span.range.contains_range(finding.primary.span.range)
        {
            finding.element = Some(span);
        }
    }
}

/// Marks suppressed findings, reports directives without a reason (VNL003: they suppress
/// nothing) and directives that matched no finding (VNL005). Findings are matched to their
/// elements through [`Finding::element`] (see [`attach_elements`]); `blocks` are the spans of
/// every element of the run, so that a directive written inside a block applies to the findings
/// located in the innermost element block that holds it.
pub(crate) fn apply(findings: &mut Vec<Finding>, sources: &SourceMap, blocks: &[Span]) {
    let directives = directives(sources);
    if directives.is_empty() {
        return;
    }
    let scopes: Vec<Option<Span>> = directives
        .iter()
        .map(|d| innermost_block(blocks, d.span))
        .collect();
    let mut used = vec![false; directives.len()];
    for finding in findings.iter_mut() {
        let file = finding.primary.span.file;
        let Some(source) = sources.try_get(file) else {
            continue;
        };
        let line = source
            .line_index()
            .line_col(finding.primary.span.range.start)
            .line;
        let mut lines = vec![line, line.saturating_sub(1)];
        let element = finding.element;
        if let Some(span) = element {
            let first = source.line_index().line_col(span.range.start).line;
            lines.extend([first, first.saturating_sub(1)]);
        }
        let applies = |(d, scope): (&Directive, &Option<Span>)| {
            let placed = if d.in_element {
                element.is_some_and(|e| e.range.contains_range(d.span.range))
            } else {
                lines.contains(&d.line)
                    || scope.is_some_and(|block| {
                        block.file == file && block.range.contains_range(finding.primary.span.range)
                    })
            };
            d.file == file && placed && d.codes.iter().any(|c| c == finding.code)
        };
        // A directive without a reason matches (it is not unused) but does not suppress.
        let mut hit = None;
        for (index, pair) in directives.iter().zip(&scopes).enumerate() {
            if applies(pair) {
                used[index] = true;
                if hit.is_none() && !pair.0.reason.is_empty() {
                    hit = Some(pair.0);
                }
            }
        }
        if let Some(directive) = hit {
            finding.suppression = Some(Suppression {
                reason: directive.reason.clone(),
                span: directive.span,
            });
        }
    }
    let unjustified = vnetlint_checks::check_by_code("VNL003").expect("VNL003 is registered");
    for directive in directives
        .iter()
        .filter(|d| d.reason.is_empty() || d.codes.is_empty())
    {
        let problem = if directive.codes.is_empty() {
            "names no rule (write the codes, such as `VNL101`, after `vnetlint:ignore`)"
        } else {
            "gives no reason, so it suppresses nothing"
        };
        findings.push(
            Finding::new(
                unjustified.code,
                unjustified.name,
                unjustified.default_level,
                format!(
                    "this `vnetlint:ignore` comment {problem}; say why the finding does not apply, after the codes, so that reviewers can judge it"
                ),
                Label::new(directive.span, "suppression without a reason"),
            )
            .with_fingerprint_key(directive.codes.join(",")),
        );
    }
    let unused = vnetlint_checks::check_by_code("VNL005").expect("VNL005 is registered");
    for (directive, _) in directives
        .iter()
        .zip(&used)
        .filter(|(d, used)| !**used && !d.reason.is_empty() && !d.codes.is_empty())
    {
        findings.push(
            Finding::new(
                unused.code,
                unused.name,
                unused.default_level,
                format!(
                    "this `vnetlint:ignore {}` comment suppresses nothing: no finding of {} is reported where it applies; remove it, or move it to the finding it is meant for",
                    directive.codes.join(" "),
                    if directive.codes.len() == 1 { "that rule" } else { "those rules" },
                ),
                Label::new(directive.span, "matches no finding"),
            )
            .with_fingerprint_key(format!("unused:{}", directive.codes.join(","))),
        );
    }
}

/// The smallest element block of `blocks` that holds `at`, if any.
fn innermost_block(blocks: &[Span], at: Span) -> Option<Span> {
    blocks
        .iter()
        .filter(|b| b.file == at.file && b.range.contains_range(at.range))
        .min_by_key(|b| b.range.len())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_from_hash_and_slash_comments() {
        let mut sources = SourceMap::new();
        sources.add(
            "a.tf",
            "x = 1 # vnetlint:ignore VNL101,VNL102 bastion host, reviewed\n# vnetlint:ignore VNL104\ny = \"vnetlint:ignore VNL101 not a comment\"\n",
        );
        sources.add("b.json", "{ // vnetlint:ignore vnl203 legacy\n}\n");
        sources.add(
            "c.json",
            "{ \"metadata\": { \"comments\": \"vnetlint:ignore VNL101 probe subnet\" } }\n",
        );
        let found = directives(&sources);
        assert_eq!(found.len(), 4);
        assert_eq!(found[3].codes, ["VNL101"]);
        assert_eq!(found[3].reason, "probe subnet");
        assert_eq!(found[0].codes, ["VNL101", "VNL102"]);
        assert_eq!(found[0].reason, "bastion host, reviewed");
        assert_eq!(found[1].line, 2);
        assert!(found[1].reason.is_empty());
        assert_eq!(found[2].codes, ["VNL203"]);
        assert_eq!(found[2].reason, "legacy");
    }
}
