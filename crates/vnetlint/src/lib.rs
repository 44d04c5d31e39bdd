//! The vnetlint driver: finds template files, groups them into modules, runs the frontends and
//! the checks, and returns sorted findings. The binary (`main.rs`) adds arguments and output.
//!
//! Architecture invariant: this crate and the language server are the only ones that do IO.
//! Nothing here follows symbolic links or reads outside the paths the user named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vnetlint_diagnostics::{Finding, Label, Level, sort_findings};
use vnetlint_source::{FileId, SourceFile, SourceMap, Span, TextRange};

mod arm;
pub mod baseline;
pub mod config;
pub mod git;
pub mod limits;
pub mod overlay;
mod plan;
pub mod reach;
mod suppress;
mod terraform;
mod units;

pub use arm::ArmOptions;
pub use terraform::TerraformOptions;

/// The result of analyzing a set of paths.
#[derive(Debug)]
pub struct Analysis {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    /// One network per analyzed unit (a Terraform module, an ARM template), in path order;
    /// empty when [`AnalyzeOptions::drop_networks`] let the run drop them.
    pub networks: Vec<vnetlint_ir::Network>,
    /// How many units (Terraform root modules, ARM templates, plans) were lowered and checked.
    pub units: usize,
    /// Problems reading the file system (the run went on without those files).
    pub io_errors: Vec<String>,
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

/// What kind of template a path holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FileKind {
    Terraform,
    TerraformVars,
    /// ARM templates, parameter files and plan JSON; the content decides which.
    Json,
}

fn file_kind(path: &Path) -> Option<FileKind> {
    // Terraform matches its suffixes exactly (`main.TF` is not loaded), so vnetlint does too.
    match path.extension()?.to_str()? {
        "tf" => Some(FileKind::Terraform),
        "tfvars" => Some(FileKind::TerraformVars),
        "json" => Some(FileKind::Json),
        _ => None,
    }
}

/// Options of a run, one part per frontend (each frontend's driver module owns its part).
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub terraform: terraform::TerraformOptions,
    pub arm: arm::ArmOptions,
    /// `--config FILE`; by default `vnetlint.toml` is looked for in the scanned directories.
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
    /// once it is checked (unless `vnetlint.toml` declares intents, which are resolved against
    /// every network after the run), so memory does not grow with the networks of an estate.
    pub drop_networks: bool,
}

/// Analyzes files and directories. Directories are walked honouring `.gitignore`,
/// `.ignore` and `.vnetlintignore`, skipping hidden entries (such as `.terraform/`) and never
/// following symbolic links. Paths in the output are relative to `display_root` when under it.
pub fn analyze(paths: &[PathBuf], display_root: &Path) -> Analysis {
    analyze_with(paths, display_root, &AnalyzeOptions::default())
}

/// [`analyze`] with options.
pub fn analyze_with(paths: &[PathBuf], display_root: &Path, options: &AnalyzeOptions) -> Analysis {
    let scan_roots = paths
        .iter()
        .filter_map(|p| {
            let dir = if p.is_dir() { p.as_path() } else { p.parent()? };
            std::fs::canonicalize(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
            .ok()
        })
        .collect();
    let mut run = Run {
        sources: SourceMap::new(),
        findings: Vec::new(),
        networks: Vec::new(),
        io_errors: Vec::new(),
        display_root: display_root.to_path_buf(),
        scan_roots,
        config: vnetlint_checks::Config::default(),
        limits: vnetlint_diagnostics::Limits::default(),
        allow_outside_root: options.allow_outside_root,
        units: 0,
    };
    let mut settings = config::Settings::default();
    if let Some(path) = config::find(options.config.as_deref(), &run.scan_roots) {
        settings = config::load(&mut run, &path);
        run.config = settings.checks.clone();
    }
    let limits = limits::effective(&settings.limits, &options.limits);
    // Plans and their configurations are read through `run`, under the same limits.
    run.limits = limits;
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let walk = Walk {
        exclude: &settings.exclude,
        scan_roots: &run.scan_roots,
        allow_outside_root: options.allow_outside_root,
    };
    for path in paths {
        collect(path, &walk, &mut modules, &mut run.io_errors);
    }
    // `--plan -`: a plan on standard input, analyzed before the named paths.
    plan::analyze_stdin(&mut run, &options.terraform);
    // Plans are analyzed here, in order; modules and templates are gathered into units and
    // analyzed in parallel below.
    let mut units = Vec::new();
    for (dir, mut files) in modules {
        files.sort();
        files.dedup();
        // HCL's JSON syntax (`.tf.json`, `.tfvars.json`) belongs to the Terraform module.
        let (json, hcl): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            file_kind(f) == Some(FileKind::Json)
                && !name.ends_with(".tf.json")
                && !name.ends_with(".tfvars.json")
        });
        // Plan JSON is recognized by its content; the directory's Terraform files are then
        // the plan's configuration.
        let (plans, json): (Vec<PathBuf>, Vec<PathBuf>) = json
            .into_iter()
            .partition(|f| plan::is_plan_file(f, &limits));
        if !plans.is_empty() {
            plan::analyze_plans(&mut run, &dir, &plans, &hcl, &options.terraform);
        } else if !hcl.is_empty() {
            units.push(units::Unit::Terraform {
                dir: dir.clone(),
                files: hcl,
            });
        }
        if !json.is_empty() {
            units.push(units::Unit::Arm { files: json });
        }
    }
    units::analyze_units(&mut run, &units, options, &limits);
    let intents = std::mem::take(&mut run.config);
    config::report_unresolved_intents(&mut run, &intents);
    suppress::apply(&mut run.findings, &run.sources);
    config::apply_levels(&mut run.findings, &settings);
    sort_findings(&mut run.findings);
    Analysis {
        sources: run.sources,
        findings: run.findings,
        networks: run.networks,
        units: run.units,
        io_errors: run.io_errors,
    }
}

/// The state of one run, shared by the frontend driver modules.
pub(crate) struct Run {
    pub(crate) sources: SourceMap,
    pub(crate) findings: Vec<Finding>,
    pub(crate) networks: Vec<vnetlint_ir::Network>,
    pub(crate) io_errors: Vec<String>,
    pub(crate) display_root: PathBuf,
    /// The canonical directories the user named (a file's parent for a file). Nothing outside
    /// them is read unless the user asks.
    pub(crate) scan_roots: Vec<PathBuf>,
    /// The user's configuration, applied to every unit.
    pub(crate) config: vnetlint_checks::Config,
    /// The limits of the run (defaults, `[limits]`, flags), for the paths that read and lower
    /// through `Run` itself: plans and their configurations, and the editor's overlay.
    pub(crate) limits: vnetlint_diagnostics::Limits,
    /// `--allow-outside-root`: modules and templates outside the scan roots may be read.
    pub(crate) allow_outside_root: bool,
    /// Units lowered and checked so far (their networks may have been dropped).
    pub(crate) units: usize,
}

impl Run {
    /// Whether `path` lies inside one of the scan roots (after resolving `..` and links).
    pub(crate) fn is_inside_scan_root(&self, path: &Path) -> bool {
        may_read(path, &self.scan_roots, self.allow_outside_root)
    }
}

/// Whether `path` may be read: it lies inside one of `scan_roots` after resolving `..` and
/// links, or the user allowed reading outside them. The one rule behind every module, linked
/// template and plan configuration the driver reads.
pub(crate) fn may_read(path: &Path, scan_roots: &[PathBuf], allow_outside_root: bool) -> bool {
    allow_outside_root
        || std::fs::canonicalize(path)
            .is_ok_and(|p| scan_roots.iter().any(|root| p.starts_with(root)))
}

impl Run {
    /// Runs the checks on one lowered unit and keeps its network (for `reach`).
    /// `file` is the unit's first file, where a `max_elements` finding is reported; the
    /// findings from index `start` on are the unit's (its frontend's, then its checks').
    pub(crate) fn add_unit(
        &mut self,
        mut network: vnetlint_ir::Network,
        file: FileId,
        start: usize,
    ) {
        self.findings
            .extend(limits::enforce_elements(&mut network, &self.limits, file));
        self.findings
            .extend(vnetlint_checks::run_with(&network, &self.config));
        let start = start.min(self.findings.len());
        suppress::attach_elements(&mut self.findings[start..], &network);
        self.networks.push(network);
        self.units += 1;
    }

    /// Reads a file into the source map (reporting non-UTF-8 content as VNL001), or records an
    /// I/O error and returns `None`.
    pub(crate) fn load(&mut self, path: &Path) -> Option<FileId> {
        let limits = self.limits;
        self.load_limited(path, &limits)
    }

    /// [`Run::load`] under `limits`: a file larger than `max_file_size` is not read; it is
    /// added empty, with a VNL004 finding at its start, so the report names it.
    pub(crate) fn load_limited(
        &mut self,
        path: &Path,
        limits: &vnetlint_diagnostics::Limits,
    ) -> Option<FileId> {
        let read = read_limited(path, &self.display_root, limits);
        self.add_read(path, read, limits)
    }

    /// Adds what [`read_limited`] returned for `path` (which may have run on another thread).
    pub(crate) fn add_read(
        &mut self,
        path: &Path,
        read: FileRead,
        limits: &vnetlint_diagnostics::Limits,
    ) -> Option<FileId> {
        match read {
            FileRead::TooLarge(len) => {
                let shown = display_path(path, &self.display_root);
                let id = self.sources.add(shown, String::new());
                self.findings.push(limits.finding(
                    vnetlint_diagnostics::Limit::FileSize,
                    Span::new(id, TextRange::empty(0)),
                    &format!("the file has {len} bytes"),
                    "the file is not read, the other files are",
                ));
                Some(id)
            }
            FileRead::Loaded(decoded) => {
                let (id, finding) = register(&mut self.sources, decoded);
                self.findings.extend(finding);
                Some(id)
            }
            FileRead::Failed(err) => {
                self.io_errors
                    .push(format!("cannot read {}: {err}", path.display()));
                None
            }
        }
    }
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
            plan_stdin: Some(text.to_owned()),
            config_dir: Some(empty.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let analysis = analyze_with(&[], &empty, &options);
    let _ = std::fs::remove_dir(&empty);
    analysis
}

/// Analyzes in-memory files as one Terraform module; used by tests and doc examples.
pub fn analyze_sources(files: &[(&str, &str)]) -> Analysis {
    analyze_sources_with_config(files, None)
}

/// [`analyze_sources`] with the text of a `vnetlint.toml`.
pub fn analyze_sources_with_config(files: &[(&str, &str)], config_text: Option<&str>) -> Analysis {
    let mut sources = SourceMap::new();
    let mut findings = Vec::new();
    let mut ids = Vec::new();
    for (path, text) in files {
        let (id, finding) = add_source(&mut sources, (*path).to_owned(), text.as_bytes().to_vec());
        findings.extend(finding);
        ids.push(id);
    }
    let settings = match config_text {
        Some(text) => {
            let id = sources.add(config::CONFIG_FILE, text);
            config::parse(text, id).unwrap_or_default()
        }
        None => config::Settings::default(),
    };
    let config = settings.checks.clone();
    let lowered = vnetlint_terraform::lower_module(&sources, &ids, "");
    findings.extend(lowered.findings);
    findings.extend(vnetlint_checks::run_with(&lowered.network, &config));
    suppress::attach_elements(&mut findings, &lowered.network);
    let networks = vec![lowered.network];
    suppress::apply(&mut findings, &sources);
    config::apply_levels(&mut findings, &settings);
    sort_findings(&mut findings);
    Analysis {
        sources,
        findings,
        networks,
        units: 1,
        io_errors: Vec::new(),
    }
}

/// The outcome of reading one file under the file-size limit.
pub(crate) enum FileRead {
    /// Larger than `max_file_size` (its size): not read.
    TooLarge(u64),
    Loaded(Decoded),
    Failed(std::io::Error),
}

/// A file's text with its line index, and where its bytes stopped being UTF-8, if they did.
pub(crate) struct Decoded {
    file: SourceFile,
    bad_utf8_at: Option<usize>,
}

/// Reads `path` unless it is larger than `max_file_size`, and decodes and indexes it; touches
/// nothing shared, so that many files can be read at once.
pub(crate) fn read_limited(
    path: &Path,
    display_root: &Path,
    limits: &vnetlint_diagnostics::Limits,
) -> FileRead {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > limits.max_file_size
    {
        return FileRead::TooLarge(meta.len());
    }
    match std::fs::read(path) {
        Ok(bytes) => FileRead::Loaded(decode(display_path(path, display_root), bytes)),
        Err(err) => FileRead::Failed(err),
    }
}

fn decode(path: String, bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            file: SourceFile::new(path, text),
            bad_utf8_at: None,
        },
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            Decoded {
                file: SourceFile::new(path, text),
                bad_utf8_at: Some(valid_up_to),
            }
        }
    }
}

/// Adds a file's bytes to the source map. Bytes that are not UTF-8 are replaced (so the rest
/// of the file can still be shown) and reported as a parse error at the first bad byte.
fn add_source(sources: &mut SourceMap, path: String, bytes: Vec<u8>) -> (FileId, Option<Finding>) {
    register(sources, decode(path, bytes))
}

/// Adds a decoded file; bytes that are not UTF-8 give VNL001 at the first bad one.
fn register(sources: &mut SourceMap, decoded: Decoded) -> (FileId, Option<Finding>) {
    let path = decoded.file.path.clone();
    let id = sources.add_file(decoded.file);
    let Some(valid_up_to) = decoded.bad_utf8_at else {
        return (id, None);
    };
    let at = u32::try_from(valid_up_to).unwrap_or(u32::MAX);
    let check = vnetlint_checks::check_by_code("VNL001").expect("VNL001 is registered");
    let finding = Finding::new(
        check.code,
        check.name,
        check.default_level,
        format!(
            "cannot parse `{path}`: the file is not valid UTF-8 (first bad byte at offset {valid_up_to}); the file is not analyzed, the other files are; save it as UTF-8"
        ),
        Label::new(
            Span::new(id, TextRange::new(at, at.saturating_add(1))),
            "invalid UTF-8 here",
        ),
    );
    (id, Some(finding))
}

/// How `collect` walks: the exclusions and the bounds of the walk.
struct Walk<'a> {
    exclude: &'a [String],
    scan_roots: &'a [PathBuf],
    allow_outside_root: bool,
}

impl Walk<'_> {
    /// What to do with a symbolic link met in the walk. Links are never followed as
    /// directories (a link loop cannot trap the walk); a link to a template file is read when
    /// its target lies inside a scan root (or with `--allow-outside-root`), and reported
    /// otherwise, so that nothing outside the scanned directories is read in silence.
    fn symlink(&self, path: &Path, io_errors: &mut Vec<String>) -> bool {
        if file_kind(path).is_none() {
            return false;
        }
        match std::fs::canonicalize(path) {
            Ok(target) if target.is_dir() => false,
            Ok(target)
                if self.allow_outside_root
                    || self.scan_roots.iter().any(|root| target.starts_with(root)) =>
            {
                true
            }
            Ok(target) => {
                io_errors.push(format!(
                    "skipped {}: a symbolic link to {}, outside the scanned directories; vnetlint reads nothing outside them unless `--allow-outside-root` is given",
                    path.display(),
                    target.display()
                ));
                false
            }
            Err(err) => {
                io_errors.push(format!(
                    "skipped {}: the symbolic link does not lead to a file ({err})",
                    path.display()
                ));
                false
            }
        }
    }
}

fn collect(
    path: &Path,
    walk: &Walk<'_>,
    modules: &mut BTreeMap<PathBuf, Vec<PathBuf>>,
    io_errors: &mut Vec<String>,
) {
    let exclude = walk.exclude;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) => {
            io_errors.push(format!("cannot read {}: {err}", path.display()));
            return;
        }
    };
    if meta.is_file() {
        if file_kind(path).is_some() {
            let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
            modules.entry(dir).or_default().push(path.to_path_buf());
        } else {
            io_errors.push(format!(
                "{} is not a template file (.tf, .tfvars, .json); skipped",
                path.display()
            ));
        }
        return;
    }
    // `exclude` globs from vnetlint.toml, relative to the walked directory.
    let mut overrides = ignore::overrides::OverrideBuilder::new(path);
    for glob in exclude {
        if let Err(err) = overrides.add(&format!("!{glob}")) {
            io_errors.push(format!(
                "exclude pattern `{glob}` is not a valid glob: {err}"
            ));
        }
    }
    let mut walker = ignore::WalkBuilder::new(path);
    walker
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(".vnetlintignore")
        .sort_by_file_name(std::cmp::Ord::cmp);
    match overrides.build() {
        Ok(overrides) => {
            walker.overrides(overrides);
        }
        Err(err) => io_errors.push(format!("exclude patterns: {err}")),
    }
    let walker = walker.build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = match entry.file_type() {
                    Some(t) if t.is_symlink() => walk.symlink(entry.path(), io_errors),
                    Some(t) => t.is_file(),
                    None => false,
                };
                if is_file && file_kind(entry.path()).is_some() {
                    let dir = entry
                        .path()
                        .parent()
                        .map_or_else(PathBuf::new, Path::to_path_buf);
                    modules.entry(dir).or_default().push(entry.into_path());
                }
            }
            Err(err) => io_errors.push(err.to_string()),
        }
    }
}

/// The path as shown in outputs: relative to `root` when under it, always with `/`.
fn display_path(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    // The root component (`/`) becomes an empty first part, so an absolute path outside the
    // root keeps a single leading slash.
    relative
        .components()
        .map(|c| match c {
            std::path::Component::RootDir => std::borrow::Cow::Borrowed(""),
            other => other.as_os_str().to_string_lossy(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The documentation page of a rule (`docs/rules/VNLnnn.md`, `vnetlint rule`), generated next to
/// the checks' declarations.
pub use vnetlint_checks::rule_page;
