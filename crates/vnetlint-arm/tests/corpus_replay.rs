//! Replays the fuzz harness of the `arm` target (`fuzz/harness/arm.rs`) over every `.json` file
//! of `testdata/cases`, the committed seed corpus and the fuzz regression fixtures, so that CI
//! checks what the fuzzer asserts (classification and lowering return, every span in bounds on
//! character boundaries) without cargo-fuzz.

#[path = "../../../fuzz/harness/spans.rs"]
mod spans;

#[path = "../../../fuzz/harness/arm.rs"]
mod arm;

use std::path::{Path, PathBuf};

use vnetlint_arm::JsonFile;

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
    let root = repo();
    let seeds = files(&root.join("fuzz/corpus/arm"), &|_| true);
    assert!(!seeds.is_empty(), "fuzz/corpus/arm is empty");
    for path in seeds
        .into_iter()
        .chain(files(&root.join("testdata/fuzz-regressions/arm"), &|_| {
            true
        }))
    {
        arm::lower_arm(&read(&path));
    }
}
