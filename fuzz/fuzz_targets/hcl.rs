//! Fuzz target `hcl`: see `fuzz/harness/hcl.rs` for what it asserts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlint_fuzz::hcl;

fuzz_target!(|data: &[u8]| {
    let _ = hcl::lower_hcl(data);
});
