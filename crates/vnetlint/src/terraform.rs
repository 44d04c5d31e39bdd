//! Driving the Terraform frontend: one directory of `.tf` and `.tfvars` files is one root
//! module; the local modules it calls are read through `DriverLoader`, never outside the scan
//! roots, and a directory that another scanned module calls is analyzed only as that module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use vnetlint_source::SourceMap;
use vnetlint_terraform::{ModuleDir, ModuleLoader};

use crate::{Run, display_path};

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

/// Lowers and checks one module directory, unless it is only a child module of another
/// scanned module (then its resources appear under that module's address, with its inputs).
pub(crate) fn analyze_module(
    run: &mut Run,
    dir: &Path,
    files: &[PathBuf],
    options: &TerraformOptions,
) {
    if is_called_by_another_module(run, dir) {
        return;
    }
    if let Some((lowered, first)) = lower_config(run, dir, files, options) {
        let start = run.findings.len();
        run.findings.extend(lowered.findings);
        run.add_unit(lowered.network, first, start);
    }
}

/// Loads and lowers one module directory (local modules included) without checking it, with
/// the id of its first file; `None` when none of its files can be read. The plan driver uses it
/// to read a plan's configuration.
pub(crate) fn lower_config(
    run: &mut Run,
    dir: &Path,
    files: &[PathBuf],
    options: &TerraformOptions,
) -> Option<(vnetlint_terraform::Lowered, vnetlint_source::FileId)> {
    let ids: Vec<_> = files.iter().filter_map(|f| run.load(f)).collect();
    let first = *ids.first()?;
    let var_files: Vec<_> = options
        .var_files
        .iter()
        .filter_map(|f| run.load(f))
        .collect();
    let root = ModuleDir {
        dir: normalize(dir).to_string_lossy().into_owned(),
        files: ids,
    };
    let tf_options = vnetlint_terraform::Options {
        var_files,
        vars: options.vars.clone(),
        env_vars: options.env_vars.clone(),
        address_prefix: String::new(),
        limits: run.limits,
        on_large_stack: false,
    };
    let mut loader = DriverLoader { run };
    Some((
        vnetlint_terraform::lower_root(&mut loader, &root, &tf_options),
        first,
    ))
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

/// Reads local module directories for the evaluator.
struct DriverLoader<'r> {
    run: &'r mut Run,
}

impl ModuleLoader for DriverLoader<'_> {
    fn sources(&self) -> &SourceMap {
        &self.run.sources
    }

    fn load_module_dir(&mut self, from_dir: &str, source: &str) -> Result<ModuleDir, String> {
        let target = normalize(&Path::new(from_dir).join(source));
        if !target.is_dir() {
            return Err(format!("`{source}` is not a directory"));
        }
        if !self.run.is_inside_scan_root(&target) {
            return Err(format!(
                "`{source}` is outside the scanned directories, and vnetlint reads nothing outside them"
            ));
        }
        let paths = module_files(&target).map_err(|e| format!("`{source}` cannot be read: {e}"))?;
        let files = paths.iter().filter_map(|p| self.run.load(p)).collect();
        Ok(ModuleDir {
            dir: target.to_string_lossy().into_owned(),
            files,
        })
    }
}

/// The configuration files (`.tf`, `.tf.json`) of a module directory, sorted.
pub(crate) fn module_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        // The name is lowercased first, so the suffix comparisons are case-insensitive.
        .filter(|p| {
            let name = p.to_string_lossy().to_ascii_lowercase();
            #[allow(clippy::case_sensitive_file_extension_comparisons)]
            let config = name.ends_with(".tf") || name.ends_with(".tf.json");
            p.is_file() && config
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// A path with `.` and `..` resolved lexically, so that shown paths and module identities do
/// not depend on how a `source` was spelled (`../nsg` from `modules/platform`).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` cancels a name, never another `..`: `a/../../..` is `../..`, not `.`
                // (which would turn a source outside the root into the root itself).
                let last_is_name =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if !last_is_name || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Whether a `.tf` file in another directory under the scan roots calls `dir` as a local
/// module (see [`called_module_dirs`]).
fn is_called_by_another_module(run: &Run, dir: &Path) -> bool {
    called_module_dirs(run).contains(&module_key(dir))
}

/// The canonical directories that a `.tf` file in another directory under the scan roots calls
/// as a local module (`source = "./..."` or `"../..."`): computed once per run, where the
/// sequential driver walked the tree once per module. Files already read for analysis are not
/// read again; the others (excluded from the scan, but still callers) are read in parallel.
pub(crate) fn called_module_dirs(run: &Run) -> BTreeSet<String> {
    let mut paths = Vec::new();
    for root in &run.scan_roots {
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
    let index = crate::units::index_of(&run.sources);
    let calls: Vec<(&Path, Vec<String>)> = paths
        .par_iter()
        .filter_map(|path| {
            let caller_dir = path.parent()?;
            let shown = display_path(path, &run.display_root);
            let owned;
            let text = if let Some(&id) = index.get(shown.as_str()) {
                run.sources.get(id).text.as_str()
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
