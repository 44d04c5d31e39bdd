//! What the replay tests of the fuzz harnesses share (they include this file with `#[path]`,
//! as they include the harnesses): the repository root, a sorted recursive file listing, and
//! the committed seed corpus plus the regression fixtures of a target.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each replay test uses the part it needs"
)]

use std::path::{Path, PathBuf};

/// The repository root, from a crate two levels below it.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (sorted, recursively) whose name satisfies `keep`; none when the
/// directory does not exist (a target without regressions yet).
pub fn files(dir: &Path, keep: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
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

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The seed corpus of `target` (asserted non-empty) followed by its regression fixtures.
pub fn seeds_and_regressions(target: &str) -> Vec<PathBuf> {
    let root = repo();
    let mut inputs = files(&root.join("fuzz/corpus").join(target), &|_| true);
    assert!(!inputs.is_empty(), "fuzz/corpus/{target} is empty");
    inputs.extend(files(
        &root.join("testdata/fuzz-regressions").join(target),
        &|_| true,
    ));
    inputs
}

/// Replays the `eval` target's seeds and regressions through one frontend's harness (`lower`,
/// which says whether a limit fired): every input is lowered safely, and each seed written for
/// this frontend (`extension`: `tf`, `json`) reaches a limit, as the seeds are made to.
pub fn replay_eval_seeds(extension: &str, lower: &dyn Fn(&[u8]) -> bool) {
    let seeds = repo().join("fuzz/corpus/eval");
    for path in seeds_and_regressions("eval") {
        let limited = lower(&read(&path));
        let own_seed = path.starts_with(&seeds) && path.extension().is_some_and(|e| e == extension);
        assert!(limited || !own_seed, "{} reaches no limit", path.display());
    }
}
