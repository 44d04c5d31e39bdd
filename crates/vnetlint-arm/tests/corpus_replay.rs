//! Replays the fuzz harness of the `arm` and `eval` targets (`fuzz/harness/arm.rs`) over every
//! `.json` file of `testdata/cases`, the committed seed corpora and the fuzz regression
//! fixtures, so that CI checks what the fuzzers assert (classification and lowering return,
//! every span in bounds on character boundaries, every limit that fires named) without
//! cargo-fuzz.

#[path = "../../../fuzz/harness/spans.rs"]
mod spans;

#[path = "../../../fuzz/harness/limits.rs"]
mod limits;

#[path = "../../../fuzz/harness/arm.rs"]
mod arm;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

use std::path::Path;

use replay::{files, read, repo, seeds_and_regressions};

use vnetlint_arm::JsonFile;

#[test]
fn arm_harness_holds_on_every_json_case() {
    let cases = files(&repo().join("testdata/cases"), &|n| {
        Path::new(n).extension().is_some_and(|e| e == "json")
    });
    let mut templates = 0;
    for path in &cases {
        let (kind, _) = arm::lower_arm(&read(path));
        templates += usize::from(matches!(kind, JsonFile::Template { .. }));
    }
    assert!(
        templates > 30,
        "only {templates} of {} files are templates",
        cases.len()
    );
}

/// The `eval` seeds push the template functions and copies past the small limits; the
/// Terraform files among them are lowered safely as ARM too.
#[test]
fn eval_harness_holds_on_its_seed_corpus_and_regressions() {
    replay::replay_eval_seeds("json", &|bytes| {
        let lowered = arm::lower_arm_limited(bytes);
        lowered.findings.iter().any(|f| f.code == "VNL004")
    });
}

#[test]
fn arm_harness_holds_on_the_seed_corpus_and_regressions() {
    for path in seeds_and_regressions("arm") {
        arm::lower_arm(&read(&path));
    }
}
