//! The one pipeline from files to findings. The command line, pre-commit (`--modules-of-files`),
//! plans, `reach` and the language server all end here: their discovery builds a list of
//! [`Unit`]s (a Terraform root module, a directory's ARM templates, a plan with its
//! configuration), each governed by one configuration, and [`analyze`] reads, lowers and checks
//! them, then [`finish`] applies what spans units (unresolved intents, suppressions, levels,
//! the order of the output).
//!
//! The units run in parallel with rayon, with output that does not depend on the thread count,
//! because every write to the shared state is sequential and in unit order:
//! 1. every file of every unit is read into the source map, in unit order (so file ids, which
//!    order the findings, are the same whatever the thread count);
//! 2. the units are lowered and checked in parallel against that read-only source map; a unit
//!    that needs a file nobody read yet (a local module or linked template outside the walked
//!    files, such as a `.gitignore`d directory) names it through the [`Loader`] and its result
//!    is discarded;
//! 3. those files are read, in sorted order, and only those units run again, until none asks
//!    for more (each round reads at least one new file, so this ends);
//! 4. the results are merged in unit order.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use vnetlint_arm::JsonFile;
use vnetlint_diagnostics::{Finding, Limits, sort_findings};
use vnetlint_ir::Network;
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::{ModuleDir, ModuleLoader};

use crate::config::{ConfigId, Configs, IntentResolution};
use crate::files::{self, FileSource, Scope, display_path};
use crate::{Analysis, AnalyzeOptions};

/// What a run reads with and where: fixed before any unit is analyzed.
pub(crate) struct Setup<'a> {
    pub(crate) files: &'a dyn FileSource,
    /// Shown paths are relative to it.
    pub(crate) display_root: PathBuf,
    pub(crate) scope: Scope,
    pub(crate) options: &'a AnalyzeOptions,
    /// The command line analyzes a directory that another scanned module calls only as that
    /// module; the editor analyzes the directory it is asked about as a root whatever calls it.
    pub(crate) skip_called: bool,
}

/// The state a run builds up before its units are analyzed: the files read so far, the
/// configurations, and what went wrong outside any unit.
pub(crate) struct Run {
    pub(crate) sources: SourceMap,
    /// Findings outside any unit (a file too large or not UTF-8, a configuration that does not
    /// parse); their levels come from the configuration governing their file.
    pub(crate) findings: Vec<Finding>,
    pub(crate) io_errors: Vec<String>,
    /// What the user should know but that is not an error (a Bicep file with no compiled
    /// template beside it).
    pub(crate) notices: Vec<String>,
    pub(crate) configs: Configs,
}

impl Run {
    pub(crate) fn new(configs: Configs) -> Self {
        Self {
            sources: SourceMap::new(),
            findings: Vec::new(),
            io_errors: Vec::new(),
            notices: Vec::new(),
            configs,
        }
    }

    /// Reads `path` into the source map (once: a file already read keeps its id).
    pub(crate) fn read(
        &mut self,
        source: &dyn FileSource,
        display_root: &Path,
        path: &Path,
        limits: &Limits,
    ) -> Option<FileId> {
        if let Some(id) = self.sources.find(&display_path(path, display_root)) {
            return Some(id);
        }
        let decoded = files::read_decoded(source, path, display_root, limits);
        self.add(path, display_root, decoded, limits)
    }

    /// Adds a decoded file (read on a worker, or from standard input) to the source map.
    pub(crate) fn add(
        &mut self,
        path: &Path,
        display_root: &Path,
        decoded: files::Decoded,
        limits: &Limits,
    ) -> Option<FileId> {
        files::register(
            &mut self.sources,
            path,
            display_root,
            decoded,
            limits,
            &mut self.findings,
            &mut self.io_errors,
        )
    }
}

/// One unit of analysis and the configuration that governs it.
pub(crate) struct Unit {
    pub(crate) kind: UnitKind,
    pub(crate) config: ConfigId,
}

pub(crate) enum UnitKind {
    /// A directory's Terraform files: one root module.
    Terraform { dir: PathBuf, files: Vec<PathBuf> },
    /// A directory's ARM JSON files: each template among them (with its parameter file).
    Arm { files: Vec<PathBuf> },
    /// A plan JSON with the configuration it came from (no files when it is not at hand).
    Plan {
        plan: PlanFile,
        config_dir: PathBuf,
        config_files: Vec<PathBuf>,
    },
}

/// Where a plan's text is.
pub(crate) enum PlanFile {
    Path(PathBuf),
    /// Already in the source map (`--plan -`).
    Loaded(FileId),
}

impl Unit {
    /// The files the unit reads itself (modules and linked templates are asked for later).
    fn files(&self) -> Vec<&Path> {
        match &self.kind {
            UnitKind::Terraform { files, .. } | UnitKind::Arm { files } => {
                files.iter().map(PathBuf::as_path).collect()
            }
            UnitKind::Plan {
                plan, config_files, ..
            } => {
                let mut out: Vec<&Path> = Vec::new();
                if let PlanFile::Path(path) = plan {
                    out.push(path);
                }
                out.extend(config_files.iter().map(PathBuf::as_path));
                out
            }
        }
    }
}

/// What the parallel jobs share, read-only.
struct Shared<'a> {
    setup: &'a Setup<'a>,
    sources: &'a SourceMap,
    /// Shown path → file id, for the files already read.
    index: HashMap<&'a str, FileId>,
    configs: &'a Configs,
    var_files: &'a [FileId],
    /// Which parameter file each ARM template takes.
    arm_parameters: ArmParameters,
    /// Keep each unit's network for after the run (`reach`, the editor, the library's callers).
    keep_networks: bool,
}

impl Shared<'_> {
    fn lookup(&self, path: &Path) -> Option<FileId> {
        self.index
            .get(display_path(path, &self.setup.display_root).as_str())
            .copied()
    }
}

/// Which parameter file each ARM template takes.
#[derive(Clone, Copy)]
enum ArmParameters {
    /// `X.parameters.json` beside `X.json`.
    Paired,
    /// `--arm-parameters FILE` (`None` when it could not be read).
    Given(Option<FileId>),
}

/// The result of one unit.
#[derive(Default)]
struct UnitOut {
    findings: Vec<Finding>,
    networks: Vec<Network>,
    io_errors: Vec<String>,
    /// Files the unit needs that are not read yet; the result is then discarded.
    missing: BTreeSet<PathBuf>,
    /// Networks lowered and checked (kept in `networks` only when the run needs them).
    units: usize,
    /// The identity of each kept network: its unit's directory (Terraform) or file (ARM, plan),
    /// as shown.
    keys: Vec<String>,
    /// For each network checked, whether the intents of its configuration resolved in it.
    intents: Vec<IntentResolution>,
    /// The module directories (`terraform::module_key`) the unit's evaluation loaded, at any
    /// depth: which directories are only modules of another unit.
    calls: BTreeSet<String>,
    /// The spans of the elements of the unit's networks: the blocks a suppression comment
    /// written inside one applies to.
    blocks: Vec<vnetlint_source::Span>,
    /// Where literal secrets are written.
    secrets: Vec<vnetlint_source::Span>,
}

/// At most this many rounds of reading files a unit asked for (a bound no real tree reaches:
/// each round follows one more level of module calls outside the walked files).
const MAX_ROUNDS: usize = 64;

/// The stack of each worker thread: frontends recurse once per nested evaluation (bounded by
/// `max_depth`), so the stack grows with that limit. It is reserved, not committed, memory.
fn worker_stack(configs: &Configs) -> usize {
    let depth = configs
        .iter()
        .map(|(_, c)| c.limits.max_depth)
        .max()
        .unwrap_or(0);
    // The Terraform evaluation's own reservation (it runs on the worker, see
    // `Options::on_large_stack`) plus room for lowering, checks and ARM around it.
    vnetlint_terraform::eval_stack(depth).saturating_add(64 * 1024 * 1024)
}

/// Reads, lowers and checks `units` (the `early` ones first: plans and what they read, whose
/// files are read before the variable files, as they always were), then finishes the run.
pub(crate) fn analyze(
    setup: &Setup<'_>,
    mut run: Run,
    early: Vec<Unit>,
    later: Vec<Unit>,
) -> Analysis {
    let options = setup.options;
    let files = setup.files;
    let root = setup.display_root.as_path();
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("vnetlint-unit-{i}"))
        .stack_size(worker_stack(&run.configs))
        .build();
    // 1. Read every file, in unit order; the variable files after the early units'.
    let mut var_files = Vec::new();
    read_all(setup, &mut run, &early, &pool);
    let limits_at = |run: &Run, path: &Path| {
        let dir = path.parent().unwrap_or(Path::new(""));
        run.configs
            .get(run.configs.governing(&files::canonical_dir(dir)))
            .limits
    };
    for path in &options.terraform.var_files {
        let limits = limits_at(&run, path);
        var_files.extend(run.read(files, root, path, &limits));
    }
    read_all(setup, &mut run, &later, &pool);
    let arm_parameters = match &options.arm.parameters {
        Some(path) => {
            let limits = limits_at(&run, path);
            ArmParameters::Given(run.read(files, root, path, &limits))
        }
        None => ArmParameters::Paired,
    };
    let units: Vec<Unit> = early.into_iter().chain(later).collect();
    let mut results: Vec<Option<UnitOut>> = units.iter().map(|_| None).collect();
    let mut pending: Vec<usize> = (0..units.len()).collect();
    // Set when a round read nothing new: the units then run once more and keep their results,
    // treating what they could not get as unreadable.
    let mut settle = false;
    let finished = std::sync::atomic::AtomicUsize::new(0);
    for round in 0.. {
        let outs: Vec<(usize, UnitOut)> = {
            let shared = Shared {
                setup,
                sources: &run.sources,
                index: index_of(&run.sources),
                configs: &run.configs,
                var_files: &var_files,
                arm_parameters,
                keep_networks: !options.drop_networks,
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
            let limits = limits_at(&run, &path);
            progress |= run.read(files, root, &path, &limits).is_some();
        }
        settle = !progress;
    }
    if setup.skip_called {
        drop_called_modules(&units, &mut results);
    }
    // 4. Merge in unit order.
    let mut merged = Merged {
        intents: run.configs.iter().map(|_| Vec::new()).collect(),
        ..Merged::default()
    };
    for (unit, out) in units.iter().zip(results) {
        let Some(out) = out else { continue };
        merged.findings.extend(out.findings);
        merged.blocks.extend(out.blocks);
        merged.secrets.extend(out.secrets);
        merged.networks.extend(out.networks);
        merged.keys.extend(out.keys);
        merged.units += out.units;
        run.io_errors.extend(out.io_errors);
        merged.intents[unit.config].extend(out.intents);
    }
    finish(setup, run, merged)
}

/// Drops the results of Terraform units that are only modules of another analyzed unit. A
/// directory is a root unless every call to it comes from code that is analyzed: the units
/// nothing calls are roots; what they load (at any depth) is covered; a unit left uncovered is
/// called only from a cycle of modules that nothing else calls (`a` -> `b` -> `a`), and every
/// directory of such a cycle is analyzed once as a root (each reports the cycle at its call).
/// Calls are what the units' evaluations loaded, so a call in a comment, or from a directory
/// that is not analyzed, does not hide a directory.
fn drop_called_modules(units: &[Unit], results: &mut [Option<UnitOut>]) {
    let empty = BTreeSet::new();
    let calls = |i: usize| results[i].as_ref().map_or(&empty, |out| &out.calls);
    let keys: Vec<Option<String>> = units
        .iter()
        .map(|unit| match &unit.kind {
            UnitKind::Terraform { dir, .. } => Some(crate::terraform::module_key(dir)),
            _ => None,
        })
        .collect();
    let called_by_another =
        |i: usize, key: &str| (0..units.len()).any(|j| j != i && calls(j).contains(key));
    let mut roots: Vec<bool> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| key.as_deref().is_none_or(|key| !called_by_another(i, key)))
        .collect();
    loop {
        let covered: BTreeSet<&String> = (0..units.len())
            .filter(|&i| roots[i])
            .flat_map(|i| calls(i).iter())
            .collect();
        let uncovered: Vec<usize> = (0..units.len())
            .filter(|&i| !roots[i] && keys[i].as_ref().is_some_and(|k| !covered.contains(k)))
            .collect();
        if uncovered.is_empty() {
            break;
        }
        // On a cycle: it loads a unit that loads it back (or itself).
        let on_cycle: Vec<usize> = uncovered
            .iter()
            .copied()
            .filter(|&i| {
                let key = keys[i].as_deref().unwrap_or_default();
                uncovered.iter().any(|&j| {
                    keys[j]
                        .as_ref()
                        .is_some_and(|other| calls(i).contains(other) && calls(j).contains(key))
                })
            })
            .collect();
        // Never skip a directory in silence: were none on a cycle, all would become roots.
        let promote = if on_cycle.is_empty() {
            uncovered
        } else {
            on_cycle
        };
        for i in promote {
            roots[i] = true;
        }
    }
    for (i, root) in roots.into_iter().enumerate() {
        if !root {
            results[i] = None;
        }
    }
}

/// What the units produced, merged in unit order.
#[derive(Default)]
struct Merged {
    findings: Vec<Finding>,
    keys: Vec<String>,
    secrets: Vec<vnetlint_source::Span>,
    blocks: Vec<vnetlint_source::Span>,
    networks: Vec<Network>,
    units: usize,
    /// Per configuration, the intent resolutions of the units it governs.
    intents: Vec<Vec<IntentResolution>>,
}

/// Reads the files of `units` in unit order: in parallel, added in order.
fn read_all(
    setup: &Setup<'_>,
    run: &mut Run,
    units: &[Unit],
    pool: &Result<rayon::ThreadPool, rayon::ThreadPoolBuildError>,
) {
    let root = setup.display_root.as_path();
    let mut to_read: Vec<(&Path, Limits)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for unit in units {
        let limits = run.configs.get(unit.config).limits;
        for file in unit.files() {
            let shown = display_path(file, root);
            if run.sources.find(&shown).is_none() && seen.insert(shown) {
                to_read.push((file, limits));
            }
        }
    }
    let read =
        |(path, limits): &(&Path, Limits)| files::read_decoded(setup.files, path, root, limits);
    let decoded: Vec<files::Decoded> = match pool {
        Ok(pool) => pool.install(|| to_read.par_iter().map(read).collect()),
        Err(_) => to_read.iter().map(read).collect(),
    };
    for ((path, limits), decoded) in to_read.iter().zip(decoded) {
        run.add(path, root, decoded, limits);
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
    match &unit.kind {
        UnitKind::Terraform { dir, files } => {
            terraform_unit(shared, unit.config, dir, files, &mut out);
        }
        UnitKind::Arm { files } => arm_unit(shared, unit.config, files, &mut out),
        UnitKind::Plan {
            plan,
            config_dir,
            config_files,
        } => {
            let plan = match plan {
                PlanFile::Path(path) => shared.lookup(path),
                PlanFile::Loaded(id) => Some(*id),
            };
            if let Some(plan) = plan {
                plan_unit(
                    shared,
                    unit.config,
                    plan,
                    config_dir,
                    config_files,
                    &mut out,
                );
            }
        }
    }
    out
}

/// The one function that checks a lowered unit, whichever way it came: after the
/// `max_elements` limit, the checks run with the unit's configuration; `remap` then moves
/// findings (a plan's findings onto its configuration's lines); every finding gets its
/// element's span (for suppressions) and the levels of the unit's configuration; the intents'
/// resolution is recorded; the network is kept only when the run needs it afterwards.
#[allow(clippy::too_many_arguments)]
fn check_unit(
    shared: &Shared<'_>,
    config: ConfigId,
    mut network: Network,
    mut findings: Vec<Finding>,
    (first_file, key): (FileId, String),
    deadline: &vnetlint_diagnostics::Deadline,
    remap: &dyn Fn(&mut [Finding], &mut Network),
    out: &mut UnitOut,
) {
    let governing = shared.configs.get(config);
    let checks = &governing.settings.checks;
    findings.extend(crate::limits::enforce_elements(
        &mut network,
        &governing.limits,
        first_file,
    ));
    let only = shared.setup.options.only_checks;
    let (checked, stopped) = vnetlint_checks::run_selected(&network, checks, deadline, |c| {
        only.is_none_or(|codes| codes.contains(&c.code))
    });
    findings.extend(checked);
    if let Some(check) = stopped {
        findings.push(governing.limits.finding(
            vnetlint_diagnostics::Limit::UnitSeconds,
            vnetlint_source::Span::new(first_file, vnetlint_source::TextRange::empty(0)),
            &if vnetlint_checks::CHECKS.first().is_some_and(|first| first.code == check.code) {
                format!(
                    "this module or template took more than {} seconds before its checks could run",
                    governing.limits.max_unit_seconds
                )
            } else {
                format!(
                    "this module or template took more than {} seconds before its checks from {} `{}` on could run",
                    governing.limits.max_unit_seconds, check.code, check.name
                )
            },
            "those checks did not run on it; the other modules and templates are checked",
        ));
    }
    remap(&mut findings, &mut network);
    // Secrets are masked in every output even when their finding is turned off or suppressed.
    out.secrets
        .extend(findings.iter().flat_map(|f| f.redact.iter().copied()));
    crate::suppress::attach_elements(&mut findings, &network);
    out.blocks.extend(
        network
            .elements()
            .into_iter()
            .map(|id| network.meta(id).span),
    );
    crate::config::apply_levels(&mut findings, &governing.settings);
    out.findings.extend(findings);
    out.intents
        .push(crate::config::resolve_intents(&network, checks));
    out.units += 1;
    if shared.keep_networks {
        out.networks.push(network);
        out.keys.push(key);
    }
}

/// Nothing to move.
fn no_remap(_: &mut [Finding], _: &mut Network) {}

fn terraform_options(shared: &Shared<'_>, config: ConfigId) -> vnetlint_terraform::Options {
    let terraform = &shared.setup.options.terraform;
    vnetlint_terraform::Options {
        var_files: shared.var_files.to_vec(),
        vars: terraform.vars.clone(),
        env_vars: terraform.env_vars.clone(),
        address_prefix: String::new(),
        limits: shared.configs.get(config).limits,
        // The pool's workers are built with `worker_stack`, which covers the evaluation's.
        on_large_stack: rayon::current_thread_index().is_some(),
    }
}

/// Lowers a root module through the [`Loader`]; `None` when none of its files was read.
fn lower_terraform(
    shared: &Shared<'_>,
    config: ConfigId,
    dir: &Path,
    files: &[PathBuf],
    out: &mut UnitOut,
) -> Option<(vnetlint_terraform::Lowered, FileId)> {
    let ids: Vec<FileId> = files.iter().filter_map(|f| shared.lookup(f)).collect();
    let first = *ids.first()?;
    let root = ModuleDir {
        dir: files::normalize(dir).to_string_lossy().into_owned(),
        files: ids,
    };
    let mut loader = Loader::new(shared, out);
    let lowered =
        vnetlint_terraform::lower_root(&mut loader, &root, &terraform_options(shared, config));
    Some((lowered, first))
}

fn terraform_unit(
    shared: &Shared<'_>,
    config: ConfigId,
    dir: &Path,
    files: &[PathBuf],
    out: &mut UnitOut,
) {
    let deadline = vnetlint_diagnostics::Deadline::new(&shared.configs.get(config).limits);
    if let Some((lowered, first)) = lower_terraform(shared, config, dir, files, out) {
        check_unit(
            shared,
            config,
            lowered.network,
            lowered.findings,
            (first, display_path(dir, &shared.setup.display_root)),
            &deadline,
            &no_remap,
            out,
        );
    }
}

fn arm_unit(shared: &Shared<'_>, config: ConfigId, files: &[PathBuf], out: &mut UnitOut) {
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
            JsonFile::Broken(finding) => {
                let mut findings = vec![*finding];
                crate::config::apply_levels(&mut findings, &shared.configs.get(config).settings);
                out.findings.extend(findings);
            }
            JsonFile::Other => {}
        }
    }
    let limits = shared.configs.get(config).limits;
    for (path, template) in templates {
        let parameters = match shared.arm_parameters {
            ArmParameters::Given(given) => given,
            ArmParameters::Paired => parameter_files
                .get(&crate::arm::paired_parameters(&path))
                .copied(),
        };
        let deadline = vnetlint_diagnostics::Deadline::new(&limits);
        let mut loader = Loader::new(shared, out);
        let lowered = vnetlint_arm::lower_template_with(&mut loader, template, parameters, &limits);
        check_unit(
            shared,
            config,
            lowered.network,
            lowered.findings,
            (template, display_path(&path, &shared.setup.display_root)),
            &deadline,
            &no_remap,
            out,
        );
    }
}

/// A plan, lowered from its planned values; with its configuration at hand, the findings are
/// moved onto the configuration's lines.
fn plan_unit(
    shared: &Shared<'_>,
    config: ConfigId,
    plan: FileId,
    config_dir: &Path,
    config_files: &[PathBuf],
    out: &mut UnitOut,
) {
    let deadline = vnetlint_diagnostics::Deadline::new(&shared.configs.get(config).limits);
    let lowered = vnetlint_terraform::lower_plan_side(
        shared.sources,
        plan,
        shared.setup.options.terraform.plan_side,
    );
    let configuration = if config_files.is_empty() {
        None
    } else {
        lower_terraform(shared, config, config_dir, config_files, out)
    };
    let mut map = None;
    if let Some((configuration, _)) = &configuration {
        // Syntax errors of the configuration are still the user's to fix; its evaluation
        // notes are not, since the plan has the values Terraform computed.
        let mut syntax: Vec<Finding> = configuration
            .findings
            .iter()
            .filter(|f| f.code == "VNL001")
            .cloned()
            .collect();
        crate::config::apply_levels(&mut syntax, &shared.configs.get(config).settings);
        out.findings.extend(syntax);
        map = vnetlint_terraform::ConfigMap::new(shared.sources, &lowered, &configuration.network);
    }
    let remap = |findings: &mut [Finding], network: &mut Network| {
        if let Some(map) = &map {
            for finding in findings.iter_mut() {
                map.map_finding(finding);
            }
            for change in &mut network.changes {
                change.span = map.map(change.span);
            }
        }
    };
    check_unit(
        shared,
        config,
        lowered.network,
        lowered.findings,
        (plan, shared.sources.get(plan).path.clone()),
        &deadline,
        &remap,
        out,
    );
}

/// The one loader of every unit: local Terraform modules and ARM linked templates, from the
/// files already read, inside the run's scope. A file not read yet is named in the unit's
/// `missing` set, and the unit runs again once it is read.
struct Loader<'s, 'o> {
    shared: &'s Shared<'s>,
    out: &'o mut UnitOut,
}

impl<'s, 'o> Loader<'s, 'o> {
    fn new(shared: &'s Shared<'s>, out: &'o mut UnitOut) -> Self {
        Self { shared, out }
    }

    fn scope(&self) -> &Scope {
        &self.shared.setup.scope
    }
}

impl ModuleLoader for Loader<'_, '_> {
    fn sources(&self) -> &SourceMap {
        self.shared.sources
    }

    fn load_module_dir(&mut self, from_dir: &str, source: &str) -> Result<ModuleDir, String> {
        let files = self.shared.setup.files;
        let target = files::normalize(&Path::new(from_dir).join(source));
        if !files.is_dir(&target) {
            return Err(format!("`{source}` is not a directory"));
        }
        if !self.scope().may_read(&target) {
            return Err(self.scope().module_outside(source));
        }
        self.out.calls.insert(crate::terraform::module_key(&target));
        let paths = files
            .list_dir(&target)
            .map_err(|e| format!("`{source}` cannot be read: {e}"))?;
        let mut ids = Vec::new();
        for path in paths
            .into_iter()
            .filter(|p| files::is_module_config(p) && !files::is_hidden(p))
        {
            // A file of the module may be a symbolic link that leaves the scope.
            if !self.scope().may_read(&path) {
                let message = self.scope().file_outside(&path);
                self.out.io_errors.push(message);
                continue;
            }
            match self.shared.lookup(&path) {
                Some(id) => ids.push(id),
                None => {
                    self.out.missing.insert(path);
                }
            }
        }
        Ok(ModuleDir {
            dir: target.to_string_lossy().into_owned(),
            files: ids,
        })
    }
}

impl vnetlint_arm::Host for Loader<'_, '_> {
    fn sources(&self) -> &SourceMap {
        self.shared.sources
    }

    fn load_linked(&mut self, from: FileId, relative_path: &str) -> Result<FileId, String> {
        let from_path = PathBuf::from(&self.shared.sources.get(from).path);
        let base = self.shared.setup.display_root.join(from_path);
        let target = files::normalize(&base.parent().map_or_else(
            || PathBuf::from(relative_path),
            |dir| dir.join(relative_path),
        ));
        if !self.scope().may_read(&target) {
            return Err(self.scope().linked_outside(relative_path));
        }
        if let Some(id) = self.shared.lookup(&target) {
            return Ok(id);
        }
        if !self.shared.setup.files.is_file(&target) {
            return Err(format!("`{relative_path}` cannot be read"));
        }
        self.out.missing.insert(target);
        Err(format!("`{relative_path}` is not read yet"))
    }
}

/// Ends a run: intents that resolved in no unit of their configuration, suppressions, the
/// levels of the findings outside units (by the configuration governing their file), and the
/// output order.
fn finish(setup: &Setup<'_>, mut run: Run, merged: Merged) -> Analysis {
    for (id, governing) in run.configs.iter() {
        run.findings.extend(crate::config::unresolved_intents(
            &governing.settings.checks,
            &merged.intents[id],
        ));
    }
    // Findings outside units take the levels of the configuration of their file's directory.
    let mut findings = std::mem::take(&mut run.findings);
    findings.retain_mut(|finding| {
        let shown = &run.sources.get(finding.primary.span.file).path;
        let path = setup.display_root.join(shown);
        let dir = path.parent().unwrap_or(Path::new(""));
        let id = run.configs.governing(&files::canonical_dir(dir));
        run.configs.get(id).settings.relevel(finding)
    });
    findings.extend(merged.findings);
    crate::suppress::apply(&mut findings, &run.sources, &merged.blocks);
    sort_findings(&mut findings);
    Analysis {
        sources: run.sources,
        findings,
        networks: merged.networks,
        network_keys: merged.keys,
        units: merged.units,
        io_errors: run.io_errors,
        notices: run.notices,
        secrets: merged.secrets,
    }
}
