//! Fuzz target `connstr`: see `fuzz/harness/connstr.rs` for what it asserts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlint_fuzz::connstr;

fuzz_target!(|data: &[u8]| {
    let _ = connstr::parse_bytes(data);
});
