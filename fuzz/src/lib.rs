//! The fuzz harnesses, shared with the owning crates' corpus-replay tests: each fuzz target in
//! `fuzz_targets/` is one call into a module here, and each module is a file under
//! `fuzz/harness/` that a `#[test]` in the owning crate includes with `#[path]` and runs over
//! `testdata/` and the seed corpus, so that CI exercises every harness without cargo-fuzz.

#[path = "../harness/spans.rs"]
pub mod spans;

#[path = "../harness/limits.rs"]
pub mod limits;

#[path = "../harness/hcl.rs"]
pub mod hcl;

#[path = "../harness/arm.rs"]
pub mod arm;

#[path = "../harness/plan.rs"]
pub mod plan;

#[path = "../harness/connstr.rs"]
pub mod connstr;

// The engine's test fixture (a VNet, two subnets, one NSG) is the harness's input builder.
#[path = "../../crates/vnetlint-engine/tests/common/mod.rs"]
pub mod common;

#[path = "../harness/engine.rs"]
pub mod engine;
