//! Replays the fuzz harnesses of the `hcl` and `plan` targets (`fuzz/harness/`) over every
//! Terraform file of `testdata/cases`, the committed seed corpora and the fuzz regression
//! fixtures, so that CI checks what the fuzzers assert (lowering returns, every span in bounds
//! on character boundaries) without cargo-fuzz.

#[path = "../../../fuzz/harness/spans.rs"]
mod spans;

#[path = "../../../fuzz/harness/hcl.rs"]
mod hcl;

#[path = "../../../fuzz/harness/plan.rs"]
mod plan;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (sorted, recursively) whose name satisfies `keep`; none when the
/// directory does not exist (a target without regressions yet).
fn files(dir: &Path, keep: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().and_then(|n| n.to_str()).is_some_and(keep) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

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
    let root = repo();
    let seeds = files(&root.join("fuzz/corpus/hcl"), &|_| true);
    assert!(!seeds.is_empty(), "fuzz/corpus/hcl is empty");
    for path in seeds
        .into_iter()
        .chain(files(&root.join("testdata/fuzz-regressions/hcl"), &|_| {
            true
        }))
    {
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
    let root = repo();
    let cases = files(&root.join("testdata/cases"), &|n| {
        Path::new(n).extension().is_some_and(|e| e == "json")
    });
    let seeds = files(&root.join("fuzz/corpus/plan"), &|_| true);
    assert!(!seeds.is_empty(), "fuzz/corpus/plan is empty");
    let mut plans = 0;
    for path in cases
        .into_iter()
        .chain(seeds)
        .chain(files(&root.join("testdata/fuzz-regressions/plan"), &|_| {
            true
        }))
    {
        let (is_plan, _) = plan::lower_plan_bytes(&read(&path));
        plans += usize::from(is_plan);
    }
    assert!(plans >= 5, "only {plans} plans recognized");
}
