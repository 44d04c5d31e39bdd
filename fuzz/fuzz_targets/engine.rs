//! Fuzz target `engine`: random NSGs, `decide` against per-packet `evaluate`; see
//! `fuzz/harness/engine.rs` for what it asserts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlint_fuzz::engine;

fuzz_target!(|case: engine::Case| {
    engine::check(&case);
});
