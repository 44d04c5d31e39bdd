//! Terraform options of a run, and which directories are only modules: one directory of `.tf`
//! and `.tfvars` files is one root module, and a directory that another scanned module calls is
//! analyzed only as that module (the units themselves run in `pipeline.rs`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use vnetlint_source::SourceMap;

use crate::files::display_path;
use crate::pipeline::Setup;

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
    /// `--plan -`: the text of a plan JSON read from standard input.
    pub plan_stdin: Option<String>,
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

/// The canonical directories that a `.tf` file in another directory under the scan roots calls
/// as a local module (`source = "./..."` or `"../..."`): computed once per run, where the
/// sequential driver walked the tree once per module. Files already read for analysis are not
/// read again; the others (excluded from the scan, but still callers) are read in parallel.
pub(crate) fn called_module_dirs(setup: &Setup<'_>, sources: &SourceMap) -> BTreeSet<String> {
    let mut paths = Vec::new();
    for root in &setup.scope.roots {
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            .follow_links(false)
            .add_custom_ignore_filename(".vnetlintignore")
            .build();
        for entry in walker.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file())
                && path.extension().and_then(|e| e.to_str()) == Some("tf")
            {
                paths.push(path.to_path_buf());
            }
        }
    }
    let index = crate::pipeline::index_of(sources);
    let calls: Vec<(&Path, Vec<String>)> = paths
        .par_iter()
        .filter_map(|path| {
            let caller_dir = path.parent()?;
            let shown = display_path(path, &setup.display_root);
            let owned;
            let text = if let Some(&id) = index.get(shown.as_str()) {
                sources.get(id).text.as_str()
            } else {
                owned = std::fs::read_to_string(path).ok()?;
                owned.as_str()
            };
            let sources: Vec<String> = local_sources(text).into_iter().map(str::to_owned).collect();
            (!sources.is_empty()).then_some((caller_dir, sources))
        })
        .collect();
    let mut called = BTreeSet::new();
    for (caller_dir, sources) in calls {
        let caller_key = module_key(caller_dir);
        for source in sources {
            let target = module_key(&caller_dir.join(source));
            if target != caller_key {
                called.insert(target);
            }
        }
    }
    called
}

/// The local module sources written in a file: `source = "./x"` lines.
pub(crate) fn local_sources(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("source")?.trim_start();
            let value = rest.strip_prefix('=')?.trim().strip_prefix('"')?;
            let value = &value[..value.find('"')?];
            (value.starts_with("./") || value.starts_with("../")).then_some(value)
        })
        .collect()
}
