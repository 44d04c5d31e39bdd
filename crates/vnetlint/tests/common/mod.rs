//! What the driver's test files share: the repository root and the snippets under
//! `testdata/snippets/`. Each test binary uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root (two levels above this crate).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/vnetlint is two levels below the root")
        .to_path_buf()
}

/// An NSG whose inline rule opens SSH to the whole Internet (VNL101 on line 13, the port).
pub(crate) const OPEN_SSH: &str = include_str!("../../../../testdata/snippets/open-ssh.tf");
