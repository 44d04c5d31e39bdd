//! Fuzz target `arm`: see `fuzz/harness/arm.rs` for what it asserts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlint_fuzz::arm;

fuzz_target!(|data: &[u8]| {
    let _ = arm::lower_arm(data);
});
