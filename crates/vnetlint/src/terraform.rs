//! Terraform options of a run, and the identity of a module directory (the units themselves
//! run in `pipeline.rs`, which also decides which directories are only modules of another).

use std::path::{Path, PathBuf};

/// Terraform options of a run.
#[derive(Debug, Clone, Default)]
pub struct TerraformOptions {
    /// `--var-file FILE`, in command-line order; applied to every root module.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in command-line order; they override every file.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_NAME` values; the binary fills them from its environment (the library reads
    /// no environment, so tests stay deterministic).
    pub env_vars: Vec<(String, String)>,
    /// `--plan -`: a plan JSON on standard input.
    pub plan_stdin: Option<PlanStdin>,
    /// Which side of each plan is lowered: the planned values (`check`), or the prior state
    /// (the base of `vnetlint diff --plan`).
    pub plan_side: vnetlint_terraform::PlanSide,
    /// `--config-dir DIR`: the configuration a plan came from (default: the plan file's
    /// directory; the current directory for a plan on standard input).
    pub config_dir: Option<PathBuf>,
}

/// The identity of a module directory: its canonical path, so that two calls of one
/// directory (or a module calling itself through `./`) are recognized.
pub(crate) fn module_key(dir: &Path) -> String {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// A plan given on standard input (`--plan -`).
#[derive(Debug, Clone)]
pub enum PlanStdin {
    /// The text itself (tests and doc examples).
    Text(String),
    /// A function that reads standard input, at most the given number of bytes plus one: the
    /// run calls it with the `max_file_size` that governs the plan, so an endless or huge input
    /// is cut off at the limit instead of filling the memory.
    Read(fn(u64) -> std::io::Result<Vec<u8>>),
}
