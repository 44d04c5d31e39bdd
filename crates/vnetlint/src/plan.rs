//! Driving the plan frontend: a `terraform show -json` plan (a `.json` file recognized by its
//! content, or `--plan -` on standard input) is lowered from its planned values; when the
//! configuration it came from is at hand (`--config-dir`, default: the plan's directory), the
//! findings are pointed at the `.tf` lines instead of the plan JSON.

use std::path::{Path, PathBuf};

use vnetlint_source::FileId;

use crate::Run;
use crate::suppress::attach_elements;
use crate::terraform::TerraformOptions;

/// The name a plan read from standard input is shown under.
const STDIN_NAME: &str = "<stdin>";

/// Whether a `.json` file is a Terraform plan (by its content; unreadable files are not, and
/// neither are files over the size limit, which the ARM path then reports as too large).
pub(crate) fn is_plan_file(path: &Path, limits: &vnetlint_diagnostics::Limits) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.len() <= limits.max_file_size)
        && std::fs::read_to_string(path).is_ok_and(|text| vnetlint_terraform::is_plan_json(&text))
}

/// Analyzes the plan files of one directory. `hcl` are the directory's `.tf`/`.tfvars` files:
/// the plan's configuration when it is this directory (they are then not analyzed as a module
/// of their own, since the plan says what they deploy), else a module as usual.
pub(crate) fn analyze_plans(
    run: &mut Run,
    dir: &Path,
    plans: &[PathBuf],
    hcl: &[PathBuf],
    options: &TerraformOptions,
) {
    let config_dir = options
        .config_dir
        .clone()
        .unwrap_or_else(|| dir.to_path_buf());
    let same = same_dir(&config_dir, dir);
    if !same && !hcl.is_empty() {
        crate::terraform::analyze_module(run, dir, hcl, options);
    }
    for plan in plans {
        let Some(file) = run.load(plan) else { continue };
        let config_files = if same {
            hcl.to_vec()
        } else {
            config_files(run, &config_dir)
        };
        analyze_plan(run, file, &config_dir, &config_files, options);
    }
}

/// Analyzes a plan given on standard input (`--plan -`).
pub(crate) fn analyze_stdin(run: &mut Run, options: &TerraformOptions) {
    let Some(text) = &options.plan_stdin else {
        return;
    };
    let file = run.sources.add(STDIN_NAME.to_owned(), text.clone());
    let config_dir = options
        .config_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    // The configuration directory is named by the user (or is where they run Terraform), so
    // the local modules it calls may be read like those of a scanned directory.
    if let Ok(root) = std::fs::canonicalize(&config_dir)
        && !run.scan_roots.contains(&root)
    {
        run.scan_roots.push(root);
    }
    let config_files = config_files(run, &config_dir);
    analyze_plan(run, file, &config_dir, &config_files, options);
}

fn analyze_plan(
    run: &mut Run,
    file: FileId,
    config_dir: &Path,
    config_files: &[PathBuf],
    options: &TerraformOptions,
) {
    let mut lowered = vnetlint_terraform::lower_plan(&run.sources, file);
    let mut findings: Vec<_> =
        crate::limits::enforce_elements(&mut lowered.network, &run.limits, file)
            .into_iter()
            .collect();
    findings.extend(vnetlint_checks::run_with(&lowered.network, &run.config));
    let config = if config_files.is_empty() {
        None
    } else {
        crate::terraform::lower_config(run, config_dir, config_files, options)
    };
    if let Some((config, _)) = config {
        // Syntax errors of the configuration are still the user's to fix; its evaluation
        // notes are not, since the plan has the values Terraform computed.
        run.findings
            .extend(config.findings.into_iter().filter(|f| f.code == "VNL001"));
        if let Some(map) =
            vnetlint_terraform::ConfigMap::new(&run.sources, &lowered, &config.network)
        {
            for finding in findings.iter_mut().chain(lowered.findings.iter_mut()) {
                map.map_finding(finding);
            }
            for change in &mut lowered.network.changes {
                change.span = map.map(change.span);
            }
        }
    }
    attach_elements(&mut lowered.findings, &lowered.network);
    attach_elements(&mut findings, &lowered.network);
    run.findings.extend(lowered.findings);
    run.findings.extend(findings);
    run.networks.push(lowered.network);
    run.units += 1;
}

/// The Terraform files of a configuration directory (not recursive: local modules are read
/// through the module loader).
fn config_files(run: &mut Run, dir: &Path) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            run.io_errors.push(format!(
                "cannot read the configuration directory {}: {err}",
                dir.display()
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Terraform matches its suffixes exactly, so vnetlint does too.
            #[allow(clippy::case_sensitive_file_extension_comparisons)]
            let terraform = name.ends_with(".tf")
                || name.ends_with(".tf.json")
                || name.ends_with(".tfvars")
                || name.ends_with(".tfvars.json");
            p.is_file() && terraform
        })
        .collect();
    files.sort();
    files
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| {
        std::fs::canonicalize(if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        })
        .ok()
    };
    match (canonical(a), canonical(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}
