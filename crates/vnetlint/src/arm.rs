//! Driving the ARM frontend: JSON files whose content is an ARM template or parameter file.

use std::path::{Path, PathBuf};

use crate::Run;

/// ARM options of a run.
#[derive(Debug, Clone, Default)]
pub struct ArmOptions {}

/// Each template's network goes to `run.add_unit(network)`, which runs the checks.
/// JSON files are recognised by content once the ARM frontend lands; until then they are
/// not read at all (nothing is reported about them).
pub(crate) fn analyze_json_files(
    _run: &mut Run,
    _dir: &Path,
    _files: &[PathBuf],
    _options: &ArmOptions,
) {
}
