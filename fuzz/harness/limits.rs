//! What the checks of the resource limits share: the small limits the `eval` fuzz target runs
//! each input under, far below the defaults, so that an input reaching for a limit (a `replace`
//! that multiplies a string, a wide `format`, a `setproduct` of large ranges, copies nested in
//! copies) reaches it within milliseconds, and what is checked is that every limit holds before
//! the work is done, not how fast a machine is; and the assertions on VNL004 findings.
//!
//! Shared by the fuzz targets (`fuzz/src/lib.rs`), the corpus-replay tests and the hostile
//! built-in tests of both frontends, which include this file with `#[path]`.

#![allow(dead_code, unreachable_pub)]

use vnetlint_diagnostics::{Finding, Limit, Limits};
use vnetlint_source::{FileId, SourceMap};

/// The limits of one `eval` run.
pub fn small_limits() -> Limits {
    Limits {
        max_depth: 64,
        max_instances: 100,
        max_collection: 1_000,
        max_elements: 2_000,
        max_string_len: 64 * 1024,
        max_eval_steps: 100_000,
        max_eval_bytes: 8 * 1024 * 1024,
        max_unit_seconds: 10,
        ..Limits::default()
    }
}

/// Panics unless every VNL004 finding in `findings` names one of the limits: a limit that
/// fires says which one, so the user knows what to raise.
pub fn assert_limits_named(findings: &[Finding]) {
    for finding in findings.iter().filter(|f| f.code == "VNL004") {
        assert!(
            Limit::ALL.iter().any(|limit| finding
                .message
                .contains(&format!("limit `{}`", limit.key()))),
            "a VNL004 names no limit: {}",
            finding.message
        );
    }
}

/// Panics unless `findings` (`(code, line, message)`, 1-based lines) hold a VNL004 for `limit`
/// (its `[limits]` key) at `line`.
pub fn assert_limit_at(findings: &[(&str, u32, String)], limit: &str, line: u32) {
    let expected = format!("limit `{limit}` exceeded");
    assert!(
        findings.iter().any(|(code, at, message)| *code == "VNL004"
            && *at == line
            && message.contains(&expected)),
        "no VNL004 for `{limit}` at line {line}: {findings:#?}"
    );
}

/// Each finding as `(code, line, message)`, with the 1-based line of its label in `file`.
pub fn located(
    findings: &[Finding],
    sources: &SourceMap,
    file: FileId,
) -> Vec<(&'static str, u32, String)> {
    let lines = sources.get(file).line_index();
    findings
        .iter()
        .map(|f| {
            let line = lines.line_col(f.primary.span.range.start).line;
            (f.code, line, f.message.clone())
        })
        .collect()
}
