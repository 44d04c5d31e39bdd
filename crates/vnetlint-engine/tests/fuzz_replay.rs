//! Replays the fuzz harness of the `engine` target (`fuzz/harness/engine.rs`: random NSGs,
//! `decide` against per-packet `evaluate`) over the committed seed corpus, the fuzz regression
//! fixtures and fixed-seed pseudo-random inputs, decoded with `arbitrary` as the fuzzer decodes
//! them, so that CI checks what the fuzzer asserts without cargo-fuzz.

mod common;

#[path = "../../../fuzz/harness/engine.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn engine_harness_holds_on_the_seed_corpus_and_regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let seeds = files(&root.join("fuzz/corpus/engine"));
    assert!(!seeds.is_empty(), "fuzz/corpus/engine is empty");
    for path in seeds
        .into_iter()
        .chain(files(&root.join("testdata/fuzz-regressions/engine")))
    {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        harness::check_bytes(&bytes);
    }
}

#[test]
fn engine_harness_holds_on_pseudo_random_inputs() {
    // xorshift64 with a fixed seed: the same 64 inputs on every run.
    let mut state: u64 = 0x0008_f022_0001;
    for length in (0..64).map(|i| 16 + i * 24) {
        let bytes: Vec<u8> = (0..length)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        harness::check_bytes(&bytes);
    }
}
