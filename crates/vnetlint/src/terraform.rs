//! Driving the Terraform frontend: one directory of `.tf` and `.tfvars` files is one module.

use std::path::{Path, PathBuf};

use crate::Run;

/// Terraform options of a run (variable files and values come with evaluation).
#[derive(Debug, Clone, Default)]
pub struct TerraformOptions {}

/// Lowers and checks one module directory.
pub(crate) fn analyze_module(
    run: &mut Run,
    _dir: &Path,
    files: &[PathBuf],
    _options: &TerraformOptions,
) {
    let ids: Vec<_> = files.iter().filter_map(|f| run.load(f)).collect();
    if ids.is_empty() {
        return;
    }
    let lowered = vnetlint_terraform::lower_module(&run.sources, &ids, "");
    run.findings.extend(lowered.findings);
    run.add_unit(lowered.network);
}
