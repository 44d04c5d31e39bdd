//! Driving the ARM frontend: JSON files whose content is an ARM template or parameter file.
//!
//! Each template in a directory is one unit. Its parameter file is the one given with
//! `--arm-parameters`, else `X.parameters.json` beside `X.json` (which covers
//! `azuredeploy.json` and `azuredeploy.parameters.json`). JSON files that are neither templates
//! nor parameter files are ignored without a word. The units themselves are analyzed in
//! `units.rs`, in parallel with the Terraform modules.

use std::path::{Path, PathBuf};

/// ARM options of a run.
#[derive(Debug, Clone, Default)]
pub struct ArmOptions {
    /// A parameter file applied to every template of the run, instead of the automatic
    /// `X.parameters.json` pairing (`--arm-parameters FILE`).
    pub parameters: Option<PathBuf>,
}

/// `dir/X.parameters.json` for `dir/X.json`.
pub(crate) fn paired_parameters(template: &Path) -> PathBuf {
    let stem = template
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    template.with_file_name(format!("{stem}.parameters.json"))
}
