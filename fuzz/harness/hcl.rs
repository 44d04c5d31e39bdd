//! The HCL frontend harness: one in-memory file through `vnetlint_terraform::lower_module`,
//! read as the driver reads files (bytes that are not UTF-8 replaced, lossily), asserting that
//! lowering returns (never panics) and that every span is in bounds on character boundaries.
//!
//! Shared by the `hcl` and `eval` fuzz targets and `crates/vnetlint-terraform/tests/corpus_replay.rs`
//! (through `#[path]`); it needs `crate::spans` (`fuzz/harness/spans.rs`) and
//! `crate::limits` (`fuzz/harness/limits.rs`) beside it.

#![allow(dead_code, unreachable_pub)]

use vnetlint_source::SourceMap;
use vnetlint_terraform::{ModuleDir, NoModules, Options};

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

/// As [`lower_hcl`] under the small limits of the `eval` target (`crate::limits`), for
/// inputs that push the evaluator's built-ins: lowering returns, every span is in bounds, and
/// every limit that fires is named.
pub fn lower_hcl_limited(bytes: &[u8]) -> vnetlint_terraform::Lowered {
    let json = bytes.trim_ascii_start().starts_with(b"{");
    let mut sources = SourceMap::new();
    let path = if json { "main.tf.json" } else { "main.tf" };
    let file = sources.add(path, String::from_utf8_lossy(bytes).into_owned());
    let root = ModuleDir {
        dir: ".".to_owned(),
        files: vec![file],
    };
    let options = Options {
        limits: crate::limits::small_limits(),
        ..Options::default()
    };
    let lowered = vnetlint_terraform::lower_root(&mut NoModules(&sources), &root, &options);
    crate::spans::assert_spans_in_bounds(&sources, &format!("{lowered:?}"));
    crate::limits::assert_limits_named(&lowered.findings);
    lowered
}
