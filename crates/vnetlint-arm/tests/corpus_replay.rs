//! Replays the fuzz harness of the `arm` target (`fuzz/harness/arm.rs`) over every `.json` file
//! of `testdata/cases`, the committed seed corpus and the fuzz regression fixtures, so that CI
//! checks what the fuzzer asserts (classification and lowering return, every span in bounds on
//! character boundaries) without cargo-fuzz.

#[path = "../../../fuzz/harness/spans.rs"]
mod spans;

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

#[test]
fn arm_harness_holds_on_the_seed_corpus_and_regressions() {
    for path in seeds_and_regressions("arm") {
        arm::lower_arm(&read(&path));
    }
}
