//! The ARM frontend harness: one in-memory `.json` file through `vnetlint_arm::classify` and
//! `vnetlint_arm::lower_template` (JSON with comments, the template expression language, copy
//! loops, conditions), asserting that both return and that every span is in bounds on
//! character boundaries. Bytes that are not UTF-8 are replaced, as the driver does.
//!
//! Shared by the `arm` fuzz target and `crates/vnetlint-arm/tests/corpus_replay.rs` (through
//! `#[path]`); it needs `crate::spans` (`fuzz/harness/spans.rs`) beside it.

#![allow(dead_code, unreachable_pub)]

use vnetlint_arm::{JsonFile, Sources};
use vnetlint_source::SourceMap;

/// Classifies `bytes` and lowers them as a template whatever the classification (the driver
/// lowers only templates; lowering anything else must still be safe), then checks both.
pub fn lower_arm(bytes: &[u8]) -> (JsonFile, vnetlint_arm::Lowered) {
    let mut sources = SourceMap::new();
    let file = sources.add(
        "azuredeploy.json",
        String::from_utf8_lossy(bytes).into_owned(),
    );
    let kind = vnetlint_arm::classify(&sources, file);
    let lowered = vnetlint_arm::lower_template(&mut Sources(&sources), file, None);
    crate::spans::assert_spans_in_bounds(&sources, &format!("{kind:?} {lowered:?}"));
    (kind, lowered)
}
