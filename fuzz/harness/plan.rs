//! The plan JSON harness: one in-memory file through `vnetlint_terraform::is_plan_json` and
//! `vnetlint_terraform::lower_plan`, asserting that both return and that every span is in
//! bounds on character boundaries. Bytes that are not UTF-8 are replaced, as the driver does.
//!
//! Shared by the `plan` fuzz target and `crates/vnetlint-terraform/tests/corpus_replay.rs`
//! (through `#[path]`); it needs `crate::spans` (`fuzz/harness/spans.rs`) beside it.

#![allow(dead_code, unreachable_pub)]

use vnetlint_source::SourceMap;

/// Lowers `bytes` as a plan whether or not `is_plan_json` says it is one (the driver asks
/// first; a plan that fails the question must still lower safely), and checks the result.
pub fn lower_plan_bytes(bytes: &[u8]) -> (bool, vnetlint_terraform::PlanLowered) {
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json", String::from_utf8_lossy(bytes).into_owned());
    let is_plan = vnetlint_terraform::is_plan_json(&sources.get(file).text);
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    crate::spans::assert_spans_in_bounds(&sources, &format!("{lowered:?}"));
    (is_plan, lowered)
}
