//! The ARM frontend harness: one in-memory `.json` file through `vnetlint_arm::classify` and
//! `vnetlint_arm::lower_template` (JSON with comments, the template expression language, copy
//! loops, conditions), asserting that both return and that every span is in bounds on
//! character boundaries. Bytes that are not UTF-8 are replaced, as the driver does.
//!
//! Shared by the `arm` and `eval` fuzz targets and `crates/vnetlint-arm/tests/corpus_replay.rs`
//! (through `#[path]`); it needs `crate::spans` (`fuzz/harness/spans.rs`) and
//! `crate::limits` (`fuzz/harness/limits.rs`) beside it.

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

/// As [`lower_arm`] under the small limits of the `eval` target (`crate::limits`), for
/// inputs that push the template functions and copy loops: lowering returns, every span is in
/// bounds, and every limit that fires is named.
pub fn lower_arm_limited(bytes: &[u8]) -> vnetlint_arm::Lowered {
    let mut sources = SourceMap::new();
    let file = sources.add(
        "azuredeploy.json",
        String::from_utf8_lossy(bytes).into_owned(),
    );
    let limits = crate::limits::small_limits();
    let lowered = vnetlint_arm::lower_template_with(&mut Sources(&sources), file, None, &limits);
    crate::spans::assert_spans_in_bounds(&sources, &format!("{lowered:?}"));
    crate::limits::assert_limits_named(&lowered.findings);
    lowered
}
