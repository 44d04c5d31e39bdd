//! Fuzz target `eval`: each input through both frontends under small limits (the Terraform
//! harness's `lower_hcl_limited` and the ARM harness's `lower_arm_limited`), so that inputs
//! pushing the built-ins and copy loops end fast; see `fuzz/harness/limits.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlint_fuzz::{arm, hcl};

fuzz_target!(|data: &[u8]| {
    let _ = hcl::lower_hcl_limited(data);
    let _ = arm::lower_arm_limited(data);
});
