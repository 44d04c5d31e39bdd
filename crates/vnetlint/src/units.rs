//! Parallel analysis of the units of a run (Terraform root modules and ARM templates) with
//! rayon, with output that does not depend on the number of threads.
//!
//! The design keeps every write to the shared state sequential and in path order:
//! 1. every file of every unit is read into the source map, in unit order (so file ids, which
//!    order the findings, are the same whatever the thread count);
//! 2. the units are lowered and checked in parallel against that read-only source map; a unit
//!    that needs a file nobody read yet (a local module or linked template outside the walked
//!    files, such as a `.gitignore`d directory) names it and its result is discarded;
//! 3. those files are read, in sorted order, and only those units run again, until none asks
//!    for more (each round reads at least one new file, so this ends);
//! 4. the results are merged in unit order, and the driver sorts the findings as before.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use vnetlint_arm::JsonFile;
use vnetlint_diagnostics::{Finding, Limits};
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::{ModuleDir, ModuleLoader};

use crate::{FileRead, Run, display_path, read_limited};

/// One unit of analysis: a directory's Terraform files, or a directory's ARM JSON files.
pub(crate) enum Unit {
    Terraform { dir: PathBuf, files: Vec<PathBuf> },
    Arm { files: Vec<PathBuf> },
}

/// What the parallel jobs share, read-only.
struct Shared<'a> {
    sources: &'a SourceMap,
    /// Shown path → file id, for the files already read.
    index: HashMap<&'a str, FileId>,
    display_root: &'a Path,
    scan_roots: &'a [PathBuf],
    allow_outside_root: bool,
    config: &'a vnetlint_checks::Config,
    limits: Limits,
    /// Canonical directories that another scanned module calls: analyzed only as modules.
    called: &'a BTreeSet<String>,
    terraform: &'a crate::TerraformOptions,
    var_files: &'a [FileId],
    arm_parameters: Option<(PathBuf, Option<FileId>)>,
    /// Keep each unit's network for after the run (`reach`, intents, the library's callers).
    keep_networks: bool,
}

impl Shared<'_> {
    fn lookup(&self, path: &Path) -> Option<FileId> {
        self.index
            .get(display_path(path, self.display_root).as_str())
            .copied()
    }

    fn is_inside_scan_root(&self, path: &Path) -> bool {
        crate::may_read(path, self.scan_roots, self.allow_outside_root)
    }
}

/// The result of one unit.
#[derive(Default)]
struct UnitOut {
    findings: Vec<Finding>,
    networks: Vec<vnetlint_ir::Network>,
    io_errors: Vec<String>,
    /// Files the unit needs that are not read yet; the result is then discarded.
    missing: BTreeSet<PathBuf>,
    /// Networks lowered and checked (kept in `networks` only when the run needs them).
    units: usize,
}

/// At most this many rounds of reading files a unit asked for (a bound no real tree reaches:
/// each round follows one more level of module calls outside the walked files).
const MAX_ROUNDS: usize = 64;

/// The stack of each worker thread: frontends recurse once per nested evaluation (bounded by
/// `max_depth`), so the stack grows with that limit. It is reserved, not committed, memory.
fn worker_stack(limits: &Limits) -> usize {
    // The Terraform evaluation's own reservation (it runs on the worker, see
    // `Options::on_large_stack`) plus room for lowering, checks and ARM around it.
    vnetlint_terraform::eval_stack(limits.max_depth).saturating_add(64 * 1024 * 1024)
}

/// Analyzes `units` into `run`, in parallel (`RAYON_NUM_THREADS` sets the thread count).
pub(crate) fn analyze_units(
    run: &mut Run,
    units: &[Unit],
    options: &crate::AnalyzeOptions,
    limits: &Limits,
) {
    // 1. Read every file, in unit order.
    let var_files: Vec<FileId> = options
        .terraform
        .var_files
        .iter()
        .filter_map(|f| run.load_limited(f, limits))
        .collect();
    // The files are read in parallel and added in unit order, so file ids do not depend on
    // which read finishes first.
    let mut to_read: Vec<&PathBuf> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for unit in units {
        let files = match unit {
            Unit::Terraform { files, .. } | Unit::Arm { files } => files,
        };
        for file in files {
            let shown = display_path(file, &run.display_root);
            if run.sources.find(&shown).is_none() && seen.insert(shown) {
                to_read.push(file);
            }
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("vnetlint-unit-{i}"))
        .stack_size(worker_stack(limits))
        .build();
    let display_root = run.display_root.clone();
    let display_root = display_root.as_path();
    let read = |files: &[&PathBuf]| -> Vec<FileRead> {
        match &pool {
            Ok(pool) => pool.install(|| {
                files
                    .par_iter()
                    .map(|f| read_limited(f, display_root, limits))
                    .collect()
            }),
            Err(_) => files
                .iter()
                .map(|f| read_limited(f, display_root, limits))
                .collect(),
        }
    };
    for (file, content) in to_read.iter().zip(read(&to_read)) {
        run.add_read(file, content, limits);
    }
    let arm_parameters = options.arm.parameters.as_ref().map(|path| {
        let shown = display_path(path, &run.display_root);
        let id = run
            .sources
            .find(&shown)
            .or_else(|| run.load_limited(path, limits));
        (path.clone(), id)
    });
    let called = match &pool {
        Ok(pool) => pool.install(|| crate::terraform::called_module_dirs(run)),
        Err(_) => crate::terraform::called_module_dirs(run),
    };
    let mut results: Vec<Option<UnitOut>> = units.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..units.len()).collect();
    // Set when a round read nothing new: the units then run once more and keep their results,
    // treating what they could not get as unreadable.
    let mut settle = false;
    let finished = std::sync::atomic::AtomicUsize::new(0);
    for round in 0.. {
        let outs: Vec<(usize, UnitOut)> = {
            let shared = Shared {
                sources: &run.sources,
                index: index_of(&run.sources),
                display_root: &run.display_root,
                scan_roots: &run.scan_roots,
                allow_outside_root: options.allow_outside_root,
                config: &run.config,
                limits: *limits,
                called: &called,
                terraform: &options.terraform,
                var_files: &var_files,
                arm_parameters: arm_parameters.clone(),
                keep_networks: !options.drop_networks || !run.config.intents.is_empty(),
            };
            let job = |&i: &usize| {
                let out = analyze_unit(&shared, &units[i]);
                if round == 0
                    && let Some(progress) = options.progress
                {
                    let done = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress(done, units.len());
                }
                (i, out)
            };
            match &pool {
                Ok(pool) => pool.install(|| pending.par_iter().map(job).collect()),
                // Without threads (none could be started), the same work runs here.
                Err(_) => pending.iter().map(job).collect(),
            }
        };
        let accept_all = settle || round + 1 >= MAX_ROUNDS;
        let mut missing = BTreeSet::new();
        pending.clear();
        for (i, mut out) in outs {
            if out.missing.is_empty() || accept_all {
                results[i] = Some(out);
            } else {
                missing.append(&mut out.missing);
                pending.push(i);
            }
        }
        if pending.is_empty() {
            break;
        }
        // 3. Read what was asked for, in sorted order (so file ids stay deterministic).
        let mut progress = false;
        for path in missing {
            progress |= run.load_limited(&path, limits).is_some();
        }
        settle = !progress;
    }
    // 4. Merge in unit order.
    for out in results.into_iter().flatten() {
        run.findings.extend(out.findings);
        run.networks.extend(out.networks);
        run.units += out.units;
        run.io_errors.extend(out.io_errors);
    }
}

/// Shown path → id of every file read so far (the first one read wins).
pub(crate) fn index_of(sources: &SourceMap) -> HashMap<&str, FileId> {
    let mut index = HashMap::with_capacity(sources.len());
    for (id, file) in sources.iter() {
        index.entry(file.path.as_str()).or_insert(id);
    }
    index
}

fn analyze_unit(shared: &Shared<'_>, unit: &Unit) -> UnitOut {
    let mut out = UnitOut::default();
    match unit {
        Unit::Terraform { dir, files } => terraform_unit(shared, dir, files, &mut out),
        Unit::Arm { files } => arm_unit(shared, files, &mut out),
    }
    out
}

/// Runs the checks on a lowered unit, after the `max_elements` limit; the findings from index
/// `start` on are the unit's. The network is kept only when the run needs it afterwards.
fn check_unit(
    shared: &Shared<'_>,
    mut network: vnetlint_ir::Network,
    first_file: FileId,
    start: usize,
    out: &mut UnitOut,
) {
    if let Some(finding) = crate::limits::enforce_elements(&mut network, &shared.limits, first_file)
    {
        out.findings.push(finding);
    }
    out.findings
        .extend(vnetlint_checks::run_with(&network, shared.config));
    let start = start.min(out.findings.len());
    crate::suppress::attach_elements(&mut out.findings[start..], &network);
    out.units += 1;
    if shared.keep_networks {
        out.networks.push(network);
    }
}

fn terraform_unit(shared: &Shared<'_>, dir: &Path, files: &[PathBuf], out: &mut UnitOut) {
    if shared.called.contains(&crate::terraform::module_key(dir)) {
        return;
    }
    let ids: Vec<FileId> = files.iter().filter_map(|f| shared.lookup(f)).collect();
    let Some(&first) = ids.first() else {
        return;
    };
    let root = ModuleDir {
        dir: crate::terraform::normalize(dir)
            .to_string_lossy()
            .into_owned(),
        files: ids,
    };
    let tf_options = vnetlint_terraform::Options {
        var_files: shared.var_files.to_vec(),
        vars: shared.terraform.vars.clone(),
        env_vars: shared.terraform.env_vars.clone(),
        address_prefix: String::new(),
        limits: shared.limits,
        // The pool's workers are built with `worker_stack`, which covers the evaluation's.
        on_large_stack: rayon::current_thread_index().is_some(),
    };
    let mut loader = UnitLoader { shared, out };
    let lowered = vnetlint_terraform::lower_root(&mut loader, &root, &tf_options);
    out.findings.extend(lowered.findings);
    check_unit(shared, lowered.network, first, 0, out);
}

/// Local modules for the evaluator, from the files already read.
struct UnitLoader<'s, 'o> {
    shared: &'s Shared<'s>,
    out: &'o mut UnitOut,
}

impl ModuleLoader for UnitLoader<'_, '_> {
    fn sources(&self) -> &SourceMap {
        self.shared.sources
    }

    fn load_module_dir(&mut self, from_dir: &str, source: &str) -> Result<ModuleDir, String> {
        let target = crate::terraform::normalize(&Path::new(from_dir).join(source));
        if !target.is_dir() {
            return Err(format!("`{source}` is not a directory"));
        }
        if !self.shared.is_inside_scan_root(&target) {
            return Err(format!(
                "`{source}` is outside the scanned directories, and vnetlint reads nothing outside them unless `--allow-outside-root` is given"
            ));
        }
        let paths = crate::terraform::module_files(&target)
            .map_err(|e| format!("`{source}` cannot be read: {e}"))?;
        let mut files = Vec::new();
        for path in paths {
            // A file of the module may be a symbolic link that leaves the scan roots.
            if !self.shared.is_inside_scan_root(&path) {
                self.out.io_errors.push(format!(
                    "skipped {}: it links outside the scanned directories (`--allow-outside-root` reads it)",
                    path.display()
                ));
                continue;
            }
            match self.shared.lookup(&path) {
                Some(id) => files.push(id),
                None => {
                    self.out.missing.insert(path);
                }
            }
        }
        Ok(ModuleDir {
            dir: target.to_string_lossy().into_owned(),
            files,
        })
    }
}

fn arm_unit(shared: &Shared<'_>, files: &[PathBuf], out: &mut UnitOut) {
    let mut templates: Vec<(PathBuf, FileId)> = Vec::new();
    let mut parameter_files: std::collections::BTreeMap<PathBuf, FileId> =
        std::collections::BTreeMap::new();
    for path in files {
        let Some(id) = shared.lookup(path) else {
            continue;
        };
        match vnetlint_arm::classify(shared.sources, id) {
            JsonFile::Template { .. } => templates.push((path.clone(), id)),
            JsonFile::Parameters => {
                parameter_files.insert(path.clone(), id);
            }
            JsonFile::Broken(finding) => out.findings.push(*finding),
            JsonFile::Other => {}
        }
    }
    for (path, template) in templates {
        let parameters = match &shared.arm_parameters {
            Some((_, explicit)) => *explicit,
            None => parameter_files
                .get(&crate::arm::paired_parameters(&path))
                .copied(),
        };
        let mut host = UnitHost {
            shared,
            out: &mut *out,
        };
        let lowered =
            vnetlint_arm::lower_template_with(&mut host, template, parameters, &shared.limits);
        let start = out.findings.len();
        out.findings.extend(lowered.findings);
        check_unit(shared, lowered.network, template, start, out);
    }
}

/// Linked templates for the ARM frontend, from the files already read.
struct UnitHost<'s, 'o> {
    shared: &'s Shared<'s>,
    out: &'o mut UnitOut,
}

impl vnetlint_arm::Host for UnitHost<'_, '_> {
    fn sources(&self) -> &SourceMap {
        self.shared.sources
    }

    fn load_linked(&mut self, from: FileId, relative_path: &str) -> Result<FileId, String> {
        let from_path = PathBuf::from(&self.shared.sources.get(from).path);
        let base = self.shared.display_root.join(from_path);
        let target = base.parent().map_or_else(
            || PathBuf::from(relative_path),
            |dir| dir.join(relative_path),
        );
        if !self.shared.is_inside_scan_root(&target) {
            return Err(format!(
                "`{relative_path}` is not a file inside the scanned directories (`--allow-outside-root` allows it)"
            ));
        }
        if let Some(id) = self.shared.lookup(&target) {
            return Ok(id);
        }
        if !target.is_file() {
            return Err(format!("`{relative_path}` cannot be read"));
        }
        self.out.missing.insert(target);
        Err(format!("`{relative_path}` is not read yet"))
    }
}
