//! The HCL frontend harness: one in-memory file through `vnetlint_terraform::lower_module`,
//! read as the driver reads files (bytes that are not UTF-8 replaced, lossily), asserting that
//! lowering returns (never panics) and that every span is in bounds on character boundaries.
//!
//! Shared by the `hcl` fuzz target and `crates/vnetlint-terraform/tests/corpus_replay.rs`
//! (through `#[path]`); it needs `crate::spans` (`fuzz/harness/spans.rs`) beside it.

#![allow(dead_code, unreachable_pub)]

use vnetlint_source::SourceMap;

/// Lowers `bytes` as the only file of a root module, named `main.tf`, or `main.tf.json` when
/// it opens like a JSON object (HCL's JSON syntax), and checks the result.
pub fn lower_hcl(bytes: &[u8]) -> vnetlint_terraform::Lowered {
    let json = bytes.trim_ascii_start().starts_with(b"{");
    lower_hcl_as(if json { "main.tf.json" } else { "main.tf" }, bytes)
}

/// As [`lower_hcl`] with the file name given (`.tf`, `.tf.json`, `.tfvars`, ...).
pub fn lower_hcl_as(path: &str, bytes: &[u8]) -> vnetlint_terraform::Lowered {
    let mut sources = SourceMap::new();
    let file = sources.add(path, String::from_utf8_lossy(bytes).into_owned());
    let lowered = vnetlint_terraform::lower_module(&sources, &[file], "");
    crate::spans::assert_spans_in_bounds(&sources, &format!("{lowered:?}"));
    lowered
}
