//! From what the user named to units: the walk of the command line (directories honouring
//! `.gitignore`, `.ignore` and `.vnetlintignore`, hidden entries skipped, symbolic links never
//! followed as directories), the configurations found on the way and above the scanned paths,
//! and the units of one directory, which the editor builds the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::{self, ConfigId, Configs};
use crate::files::{self, FileKind, FileSource, Scope, file_kind};
use crate::pipeline::{PlanFile, Run, Setup, Unit, UnitKind};
use vnetlint_source::FileId;

/// The name a plan read from standard input is shown under.
const STDIN_NAME: &str = "<stdin>";

/// The units of a run: plans and what they read first, then the rest.
#[derive(Default)]
pub(crate) struct Units {
    pub(crate) early: Vec<Unit>,
    pub(crate) later: Vec<Unit>,
}

/// The canonical directories the user named (a file's parent for a file), plus the
/// configuration directory of a plan on standard input, which the user named too.
pub(crate) fn scan_roots(paths: &[PathBuf], options: &crate::AnalyzeOptions) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = paths
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
    if options.terraform.plan_stdin.is_some() {
        let config_dir = options
            .terraform
            .config_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("."));
        if let Ok(root) = std::fs::canonicalize(&config_dir)
            && !roots.contains(&root)
        {
            roots.push(root);
        }
    }
    roots
}

/// The command line's discovery: walks `paths`, loads the configurations, and returns the run
/// and its units.
pub(crate) fn command_line(setup: &Setup<'_>, paths: &[PathBuf]) -> (Run, Units) {
    let options = setup.options;
    let mut io_errors = Vec::new();
    let mut found = Found::default();
    let walk = Walk {
        scope: &setup.scope,
    };
    for path in paths {
        collect(path, &walk, &mut found, &mut io_errors);
    }
    let Found {
        mut modules,
        configs: mut found_configs,
        bicep,
    } = found;
    add_auto_var_files(&mut modules, &setup.scope);
    let boundary = files::canonical_dir(&setup.display_root);
    for root in &setup.scope.roots {
        found_configs.extend(config::above(setup.files, root, &boundary));
    }
    let mut run = Run::new(Configs::defaults(&options.limits));
    run.configs = Configs::load(
        &mut run,
        setup.files,
        &setup.display_root,
        options.config.as_deref(),
        found_configs,
        &options.limits,
    );
    run.io_errors.extend(io_errors);
    run.notices.extend(bicep_notices(&bicep, &modules));
    let mut units = Units::default();
    // `--plan -`: a plan on standard input, analyzed before the named paths.
    if let Some(stdin) = &options.terraform.plan_stdin {
        let config_dir = options
            .terraform
            .config_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("."));
        let config = run.configs.governing(&files::canonical_dir(&config_dir));
        if let Some(file) = read_stdin_plan(&mut run, stdin, config) {
            let config_files = config_files(setup.files, &config_dir, &mut run.io_errors);
            units.early.push(Unit {
                kind: UnitKind::Plan {
                    plan: PlanFile::Loaded(file),
                    config_dir: config_dir.clone(),
                    config_files,
                },
                config,
            });
        }
    }
    for (dir, files) in modules {
        dir_units(setup, &mut run, &dir, files, &mut units);
    }
    (run, units)
}

/// Reads a plan from standard input under the `max_file_size` of its configuration: past it,
/// nothing more is read and a VNL004 says so (the plan is then not analyzed).
fn read_stdin_plan(run: &mut Run, stdin: &crate::PlanStdin, config: ConfigId) -> Option<FileId> {
    let limits = run.configs.get(config).limits;
    let bytes = match stdin {
        crate::PlanStdin::Text(text) => text.clone().into_bytes(),
        crate::PlanStdin::Read(read) => match read(limits.max_file_size) {
            Ok(bytes) => bytes,
            Err(err) => {
                run.io_errors
                    .push(format!("cannot read the plan from standard input: {err}"));
                return None;
            }
        },
    };
    if bytes.len() as u64 > limits.max_file_size {
        let id = run.sources.add(STDIN_NAME.to_owned(), String::new());
        run.findings.push(limits.finding(
            vnetlint_diagnostics::Limit::FileSize,
            vnetlint_source::Span::new(id, vnetlint_source::TextRange::empty(0)),
            &format!(
                "the plan on standard input has more than {} bytes",
                limits.max_file_size
            ),
            "it is not read past the limit and not analyzed",
        ));
        return None;
    }
    // An empty pipe is a failed `terraform show` upstream: analyzing nothing would let the
    // apply through, so it is an input error (exit 2), never "no findings".
    if bytes.iter().all(u8::is_ascii_whitespace) {
        run.io_errors.push(
            "the plan on standard input is empty (did `terraform show -json` fail?)".to_owned(),
        );
        return None;
    }
    let decoded = files::decode_bytes(STDIN_NAME.to_owned(), bytes);
    run.add(Path::new(STDIN_NAME), Path::new(""), decoded, &limits)
}

/// The units of one directory's template files: a Terraform root module of its `.tf`,
/// `.tf.json`, `.tfvars` and `.tfvars.json` files, its ARM templates and parameter files, and
/// each plan JSON (recognized by its content) with its configuration (`--config-dir`, default
/// the plan's directory, whose Terraform files are then the plan's configuration rather than a
/// module of their own). Files excluded by the governing configuration are dropped.
pub(crate) fn dir_units(
    setup: &Setup<'_>,
    run: &mut Run,
    dir: &Path,
    mut files: Vec<PathBuf>,
    units: &mut Units,
) {
    let canonical = files::canonical_dir(dir);
    let config = run.configs.governing(&canonical);
    files.retain(|f| {
        let name = f.file_name().unwrap_or_default();
        !run.configs.excludes(config, &canonical.join(name))
    });
    files.sort();
    files.dedup();
    // HCL's JSON syntax (`.tf.json`, `.tfvars.json`) belongs to the Terraform module.
    let (json, hcl): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| file_kind(f) == Some(FileKind::Json) && !files::is_terraform_json(f));
    let limits = run.configs.get(config).limits;
    let (plans, json): (Vec<PathBuf>, Vec<PathBuf>) = json
        .into_iter()
        .partition(|f| is_plan_file(setup.files, f, limits.max_file_size));
    if plans.is_empty() {
        if !hcl.is_empty() {
            units.later.push(terraform(dir, hcl, config));
        }
    } else {
        plan_units(setup, run, dir, &plans, hcl, config, units);
    }
    if !json.is_empty() {
        units.later.push(Unit {
            kind: UnitKind::Arm { files: json },
            config,
        });
    }
}

fn terraform(dir: &Path, files: Vec<PathBuf>, config: ConfigId) -> Unit {
    Unit {
        kind: UnitKind::Terraform {
            dir: dir.to_path_buf(),
            files,
        },
        config,
    }
}

/// The plans of one directory. `hcl` are the directory's Terraform files: the plans'
/// configuration when it is this directory (they are then not analyzed as a module of their
/// own, since the plan says what they deploy), else a module as usual.
fn plan_units(
    setup: &Setup<'_>,
    run: &mut Run,
    dir: &Path,
    plans: &[PathBuf],
    hcl: Vec<PathBuf>,
    config: ConfigId,
    units: &mut Units,
) {
    let config_dir = setup
        .options
        .terraform
        .config_dir
        .clone()
        .unwrap_or_else(|| {
            // A plan named by its bare file name lies in the current directory.
            if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir.to_path_buf()
            }
        });
    let same = files::canonical_dir(&config_dir) == files::canonical_dir(dir);
    let config_files = if same && !hcl.is_empty() {
        hcl
    } else if same {
        // The plan was named alone (`--plan plan.json`): its directory is still its
        // configuration, as documented.
        config_files(setup.files, &config_dir, &mut run.io_errors)
    } else {
        if !hcl.is_empty() {
            units.early.push(terraform(dir, hcl, config));
        }
        config_files(setup.files, &config_dir, &mut run.io_errors)
    };
    for plan in plans {
        units.early.push(Unit {
            kind: UnitKind::Plan {
                plan: PlanFile::Path(plan.clone()),
                config_dir: config_dir.clone(),
                config_files: config_files.clone(),
            },
            config,
        });
    }
}

/// Whether a `.json` file is a Terraform plan (by its content; unreadable files are not, and
/// neither are files over the size limit, which the ARM path then reports as too large).
fn is_plan_file(source: &dyn FileSource, path: &Path, max_size: u64) -> bool {
    match source.read(path, max_size) {
        files::FileRead::Loaded(bytes) => {
            std::str::from_utf8(&bytes).is_ok_and(vnetlint_terraform::is_plan_json)
        }
        _ => false,
    }
}

/// The Terraform files of a plan's configuration directory (not recursive: local modules are
/// read through the module loader).
fn config_files(source: &dyn FileSource, dir: &Path, io_errors: &mut Vec<String>) -> Vec<PathBuf> {
    match source.list_dir(dir) {
        Ok(paths) => paths
            .into_iter()
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                // Terraform matches its suffixes exactly, so vnetlint does too.
                #[allow(clippy::case_sensitive_file_extension_comparisons)]
                let terraform = name.ends_with(".tf")
                    || name.ends_with(".tf.json")
                    || name.ends_with(".tfvars")
                    || name.ends_with(".tfvars.json");
                terraform
            })
            .collect(),
        Err(err) => {
            io_errors.push(format!(
                "cannot read the configuration directory {}: {err}",
                dir.display()
            ));
            Vec::new()
        }
    }
}

/// How `collect` walks: the bounds of the walk.
struct Walk<'a> {
    scope: &'a Scope,
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
            Ok(_) if self.scope.may_read(path) => true,
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

fn is_config_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == config::CONFIG_FILE)
}

/// What the walk found.
#[derive(Default)]
struct Found {
    /// Template files by directory.
    modules: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// `vnetlint.toml` files, canonical.
    configs: BTreeSet<PathBuf>,
    /// Bicep files, which vnetlint does not read (it reads their compiled ARM JSON).
    bicep: Vec<PathBuf>,
}

fn collect(path: &Path, walk: &Walk<'_>, found: &mut Found, io_errors: &mut Vec<String>) {
    let modules = &mut found.modules;
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
        } else if is_bicep(path) {
            found.bicep.push(path.to_path_buf());
        } else {
            io_errors.push(format!(
                "{} is not a template file (.tf, .tfvars, .json); skipped",
                path.display()
            ));
        }
        return;
    }
    let walker = ignore::WalkBuilder::new(path)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(".vnetlintignore")
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = match entry.file_type() {
                    Some(t) if t.is_symlink() => walk.symlink(entry.path(), io_errors),
                    Some(t) => t.is_file(),
                    None => false,
                };
                if !is_file {
                    continue;
                }
                let dir = entry
                    .path()
                    .parent()
                    .map_or_else(PathBuf::new, Path::to_path_buf);
                if file_kind(entry.path()).is_some() {
                    modules.entry(dir).or_default().push(entry.into_path());
                } else if is_config_file(entry.path()) {
                    found
                        .configs
                        .insert(files::canonical_dir(&dir).join(config::CONFIG_FILE));
                } else if is_bicep(entry.path()) {
                    found.bicep.push(entry.into_path());
                }
            }
            Err(err) => io_errors.push(err.to_string()),
        }
    }
}

fn is_bicep(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "bicep")
}

/// The variable files Terraform loads by itself (`terraform.tfvars`, `terraform.tfvars.json`,
/// `*.auto.tfvars`, `*.auto.tfvars.json`) are read whatever `.gitignore` says: they are commonly
/// ignored because they hold secrets, yet Terraform loads them, so leaving them out would turn
/// their values into unknowns in silence. Only directories that hold Terraform files get them;
/// every other ignored file stays ignored.
fn add_auto_var_files(modules: &mut BTreeMap<PathBuf, Vec<PathBuf>>, scope: &Scope) {
    for (dir, files) in modules.iter_mut() {
        if !files
            .iter()
            .any(|f| file_kind(f) == Some(FileKind::Terraform) || files::is_terraform_json(f))
        {
            continue;
        }
        let listing_dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir.as_path()
        };
        let Ok(listing) = files::Disk.list_dir(listing_dir) else {
            continue;
        };
        for path in listing {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let auto = name == "terraform.tfvars"
                || name == "terraform.tfvars.json"
                || name.ends_with(".auto.tfvars")
                || name.ends_with(".auto.tfvars.json");
            let path = dir.join(name);
            if auto && !files.contains(&path) && scope.may_read(&path) {
                files.push(path);
            }
        }
    }
}

/// A note for each Bicep file without its compiled template beside it: vnetlint reads ARM JSON,
/// so the Bicep source alone is not analyzed, and saying nothing would look like a clean run.
fn bicep_notices(bicep: &[PathBuf], modules: &BTreeMap<PathBuf, Vec<PathBuf>>) -> Vec<String> {
    bicep
        .iter()
        .filter(|path| {
            let compiled = path.with_extension("json");
            let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
            !modules.get(&dir).is_some_and(|files| files.contains(&compiled))
        })
        .map(|path| {
            format!(
                "{} is Bicep, which vnetlint does not read: it reads the compiled ARM template; build it with `bicep build {}` (or `az bicep build --file {}`) and scan the .json beside it",
                path.display(),
                path.display(),
                path.display()
            )
        })
        .collect()
}
