//! Fuzz target `plan`: see `fuzz/harness/plan.rs` for what it asserts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlint_fuzz::plan;

fuzz_target!(|data: &[u8]| {
    let _ = plan::lower_plan_bytes(data);
});
