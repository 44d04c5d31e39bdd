//! The vnetlint driver: finds template files, groups them into modules, runs the frontends and
//! the checks, and returns sorted findings. The binary (`main.rs`) adds arguments and output.
//!
//! Architecture invariant: this crate and the language server are the only ones that do IO.
//! Nothing here follows symbolic links or reads outside the paths the user named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vnetlint_diagnostics::{Finding, Level};
use vnetlint_source::SourceMap;

mod arm;
pub mod baseline;
pub mod config;
pub mod diff;
mod discover;
mod files;
pub mod git;
pub mod limits;
pub mod overlay;
mod pipeline;
pub mod reach;
mod suppress;
mod terraform;

pub use arm::ArmOptions;
pub use terraform::{PlanStdin, TerraformOptions};

/// The result of analyzing a set of paths.
#[derive(Debug)]
pub struct Analysis {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    /// One network per analyzed unit (a Terraform module, an ARM template), in path order;
    /// empty when [`AnalyzeOptions::drop_networks`] let the run drop them.
    pub networks: Vec<vnetlint_ir::Network>,
    /// The identity of each network of `networks`: its unit's directory (a Terraform module) or
    /// file (an ARM template, a plan), as shown; what `vnetlint diff` matches units by.
    pub network_keys: Vec<String>,
    /// How many units (Terraform root modules, ARM templates, plans) were lowered and checked.
    pub units: usize,
    /// Problems reading the file system (the run went on without those files).
    pub io_errors: Vec<String>,
    /// Things worth saying that are not errors (a Bicep file without its compiled template).
    pub notices: Vec<String>,
    /// Where literal secrets are written (VNL402 found them, whatever became of its findings):
    /// every output masks them.
    pub secrets: Vec<vnetlint_source::Span>,
}

impl Analysis {
    pub fn files_scanned(&self) -> usize {
        self.sources.len()
    }

    /// The highest level among the findings that are not suppressed, if any.
    pub fn max_level(&self) -> Option<Level> {
        self.findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .map(|f| f.level)
            .max()
    }
}

/// Options of a run, one part per frontend (each frontend's driver module owns its part).
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub terraform: terraform::TerraformOptions,
    pub arm: arm::ArmOptions,
    /// `--config FILE`: one configuration for everything; by default each module is governed
    /// by the nearest `vnetlint.toml` at or above its directory (see [`config`]).
    pub config: Option<PathBuf>,
    /// Limits set on the command line (`--max-instances`, ...); they override `[limits]` of
    /// `vnetlint.toml`, which overrides the defaults.
    pub limits: limits::LimitSettings,
    /// `--allow-outside-root`: follow symbolic links, local module sources and linked templates
    /// that lead outside the scanned directories. Off by default: a pull request must not make
    /// vnetlint read `/etc` or a home directory.
    pub allow_outside_root: bool,
    /// Called with (units done, units in all) as modules and templates finish, from any
    /// thread; the binary draws a progress line on a terminal with it.
    pub progress: Option<fn(usize, usize)>,
    /// The caller needs the findings only (`vnetlint check`): each unit's network is dropped
    /// once it is checked, so memory does not grow with the networks of an estate.
    pub drop_networks: bool,
    /// Run only these checks (by code); `None` runs every check. `vnetlint diff` compares
    /// networks and checks intents, so it runs only VNL901.
    pub only_checks: Option<&'static [&'static str]>,
}

/// Analyzes files and directories. Directories are walked honouring `.gitignore`,
/// `.ignore` and `.vnetlintignore`, skipping hidden entries (such as `.terraform/`) and never
/// following symbolic links. Paths in the output are relative to `display_root` when under it.
pub fn analyze(paths: &[PathBuf], display_root: &Path) -> Analysis {
    analyze_with(paths, display_root, &AnalyzeOptions::default())
}

/// [`analyze`] with options. `display_root` also bounds the search for `vnetlint.toml` above
/// the scanned paths (the binary passes the current directory).
pub fn analyze_with(paths: &[PathBuf], display_root: &Path, options: &AnalyzeOptions) -> Analysis {
    let setup = pipeline::Setup {
        files: &files::Disk,
        display_root: display_root.to_path_buf(),
        scope: files::Scope {
            roots: discover::scan_roots(paths, options),
            allow_outside_root: options.allow_outside_root,
            bound: files::Bound::ScannedDirectories,
        },
        options,
        skip_called: true,
    };
    let (run, units) = discover::command_line(&setup, paths);
    pipeline::analyze(&setup, run, units.early, units.later)
}

/// Analyzes the text of a plan JSON without configuration files; used by doc examples.
pub fn analyze_plan_text(text: &str) -> Analysis {
    // An empty directory as the configuration: nothing but the plan is read.
    let empty = std::env::temp_dir().join(format!(
        "vnetlint-plan-example-{}-{}",
        std::process::id(),
        text.len()
    ));
    let _ = std::fs::create_dir_all(&empty);
    let options = AnalyzeOptions {
        terraform: TerraformOptions {
            plan_stdin: Some(terraform::PlanStdin::Text(text.to_owned())),
            config_dir: Some(empty.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let analysis = analyze_with(&[], &empty, &options);
    let _ = std::fs::remove_dir(&empty);
    analysis
}

/// Compares a plan's prior state with its planned values (`vnetlint diff --plan`), without
/// configuration files; used by doc examples.
pub fn diff_plan_text(text: &str) -> diff::Comparison {
    let side = |plan_side| {
        let empty = std::env::temp_dir().join(format!(
            "vnetlint-diff-example-{}-{}",
            std::process::id(),
            text.len()
        ));
        let _ = std::fs::create_dir_all(&empty);
        let options = AnalyzeOptions {
            terraform: TerraformOptions {
                plan_stdin: Some(terraform::PlanStdin::Text(text.to_owned())),
                config_dir: Some(empty.clone()),
                plan_side,
                ..Default::default()
            },
            ..Default::default()
        };
        let analysis = analyze_with(&[], &empty, &options);
        let _ = std::fs::remove_dir(&empty);
        analysis
    };
    let base = side(vnetlint_terraform::PlanSide::Prior);
    let head = side(vnetlint_terraform::PlanSide::Planned);
    diff::compare(&base, &head)
}

/// Analyzes in-memory files as one Terraform module; used by tests and doc examples.
pub fn analyze_sources(files: &[(&str, &str)]) -> Analysis {
    analyze_sources_with_config(files, None)
}

/// [`analyze_sources`] with the text of a `vnetlint.toml`. The files go through the same
/// pipeline as a directory on disk, read from memory under a root that does not exist.
pub fn analyze_sources_with_config(files: &[(&str, &str)], config_text: Option<&str>) -> Analysis {
    let root = PathBuf::from(MEMORY_ROOT);
    let mut buffers: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, text)| (root.join(path), (*text).to_owned()))
        .collect();
    if let Some(text) = config_text {
        buffers.insert(root.join(config::CONFIG_FILE), text.to_owned());
    }
    let source = files::Overlay {
        buffers: &buffers,
        disk: false,
    };
    overlay::analyze_dir(&source, &root, &root, &AnalyzeOptions::default())
}

/// Where in-memory sources live: a directory that does not exist, so nothing on the disk is
/// mistaken for them.
const MEMORY_ROOT: &str = "/vnetlint-in-memory-sources";

/// The documentation page of a rule (`docs/rules/VNLnnn.md`, `vnetlint rule`), generated next to
/// the checks' declarations.
pub use vnetlint_checks::rule_page;
