//! Replays the fuzz harness of the `engine` target (`fuzz/harness/engine.rs`: random NSGs,
//! `decide` against per-packet `evaluate`) over the committed seed corpus, the fuzz regression
//! fixtures and fixed-seed pseudo-random inputs, decoded with `arbitrary` as the fuzzer decodes
//! them, so that CI checks what the fuzzer asserts without cargo-fuzz.

mod common;

#[path = "../../../fuzz/harness/engine.rs"]
mod harness;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

use common::rng::Rng;

#[test]
fn engine_harness_holds_on_the_seed_corpus_and_regressions() {
    for path in replay::seeds_and_regressions("engine") {
        harness::check_bytes(&replay::read(&path));
    }
}

#[test]
fn engine_harness_holds_on_pseudo_random_inputs() {
    // A fixed seed: the same 64 inputs on every run.
    let mut rng = Rng(0x0008_f022_0001);
    for length in (0..64).map(|i| 16 + i * 24) {
        let bytes: Vec<u8> = (0..length).map(|_| rng.next().to_le_bytes()[0]).collect();
        harness::check_bytes(&bytes);
    }
}
