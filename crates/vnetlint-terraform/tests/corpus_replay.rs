//! Replays the fuzz harnesses of the `hcl`, `plan` and `eval` targets (`fuzz/harness/`) over
//! every Terraform file of `testdata/cases`, the committed seed corpora and the fuzz regression
//! fixtures, so that CI checks what the fuzzers assert (lowering returns, every span in bounds
//! on character boundaries, every limit that fires named) without cargo-fuzz.

#[path = "../../../fuzz/harness/spans.rs"]
mod spans;

#[path = "../../../fuzz/harness/limits.rs"]
mod limits;

#[path = "../../../fuzz/harness/hcl.rs"]
mod hcl;

#[path = "../../../fuzz/harness/plan.rs"]
mod plan;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

use std::path::Path;

use replay::{files, read, repo, seeds_and_regressions};

fn is_terraform(name: &str) -> bool {
    [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[test]
fn hcl_harness_holds_on_every_terraform_case() {
    let cases = files(&repo().join("testdata/cases"), &is_terraform);
    assert!(
        cases.len() > 100,
        "testdata/cases has {} Terraform files",
        cases.len()
    );
    for path in cases {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("main.tf");
        hcl::lower_hcl_as(name, &read(&path));
    }
}

#[test]
fn hcl_harness_holds_on_the_seed_corpus_and_regressions() {
    for path in seeds_and_regressions("hcl") {
        hcl::lower_hcl(&read(&path));
    }
}

#[test]
fn hcl_harness_recognizes_invalid_utf8_as_the_driver_does() {
    // The replacement character is three bytes where the bad byte was one: spans must follow
    // the replaced text, not the bytes.
    let lowered = hcl::lower_hcl(b"locals {\n  a = \"\xff\"\n  b = \n}\n");
    assert!(lowered.findings.iter().any(|f| f.code == "VNL001"));
}

#[test]
fn plan_harness_holds_on_every_json_case_the_seed_corpus_and_regressions() {
    let cases = files(&repo().join("testdata/cases"), &|n| {
        Path::new(n).extension().is_some_and(|e| e == "json")
    });
    let mut plans = 0;
    for path in cases.into_iter().chain(seeds_and_regressions("plan")) {
        let (is_plan, _) = plan::lower_plan_bytes(&read(&path));
        plans += usize::from(is_plan);
    }
    assert!(plans >= 5, "only {plans} plans recognized");
}

/// The `eval` seeds push the built-ins past the small limits; the ARM templates among
/// them are lowered safely as Terraform too.
#[test]
fn eval_harness_holds_on_its_seed_corpus_and_regressions() {
    replay::replay_eval_seeds("tf", &|bytes| {
        let lowered = hcl::lower_hcl_limited(bytes);
        lowered.findings.iter().any(|f| f.code == "VNL004")
    });
}
