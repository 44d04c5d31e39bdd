//! Analysis of one directory as an editor sees it: the contents of open, possibly unsaved
//! buffers (the overlay) take the place of the files on disk. The language server calls this on
//! every change, through the function `vnetlint lsp` passes it.
//!
//! The directory is what the command line would analyze for it: a Terraform root module made of
//! its `.tf`, `.tf.json`, `.tfvars` and `.tfvars.json` files, plus each ARM template among its
//! `.json` files (with `X.parameters.json` beside `X.json`). Local modules and linked templates
//! are read through the overlay too, so an unsaved edit of a child module is seen by its caller.
//!
//! Differences from [`crate::analyze_with`], all because an editor names one directory rather
//! than a tree: nothing is walked below the directory; `.gitignore` files are not consulted (the
//! user opened the file); a directory that another module calls is still analyzed as a root
//! module (its variables then come from their defaults, as `terraform plan` in that directory
//! would); and the scan root that bounds module and template reads is `display_root` (the
//! editor's workspace folder) when the directory lies inside it, else the directory itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vnetlint_arm::JsonFile;
use vnetlint_diagnostics::sort_findings;
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::{ModuleDir, ModuleLoader};

use crate::{Analysis, FileKind, Run, add_source, config, display_path, file_kind, suppress};

/// Analyzes the template files of `dir`, reading each from `overlays` (keyed by the same
/// absolute paths the directory listing gives) before the disk. Paths in the output are relative
/// to `display_root` when under it. Files that exist only in the overlay (a new, unsaved buffer)
/// take part too.
pub fn analyze_dir_with_overlay(
    dir: &Path,
    display_root: &Path,
    overlays: &BTreeMap<PathBuf, String>,
) -> Analysis {
    let canonical_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut scan_roots = vec![canonical_dir.clone()];
    if let Ok(root) = std::fs::canonicalize(display_root)
        && canonical_dir.starts_with(&root)
        && root != canonical_dir
    {
        scan_roots.push(root);
    }
    let mut run = Run {
        sources: SourceMap::new(),
        findings: Vec::new(),
        networks: Vec::new(),
        io_errors: Vec::new(),
        display_root: display_root.to_path_buf(),
        scan_roots,
        config: vnetlint_checks::Config::default(),
        limits: vnetlint_diagnostics::Limits::default(),
        // An editor has no flag for it: the workspace folder bounds every read.
        allow_outside_root: false,
        units: 0,
    };
    // The directory's own `vnetlint.toml` wins over the workspace folder's; its `[limits]`
    // apply to the buffers as they do to `vnetlint check`.
    let mut settings = config::Settings::default();
    if let Some(path) = config::find(None, &run.scan_roots) {
        settings = config::load(&mut run, &path);
        run.config = settings.checks.clone();
    }
    run.limits =
        crate::limits::effective(&settings.limits, &crate::limits::LimitSettings::default());
    let files = template_files(dir, overlays, &mut run.io_errors);
    let (json, hcl): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        file_kind(f) == Some(FileKind::Json)
            && !name.ends_with(".tf.json")
            && !name.ends_with(".tfvars.json")
    });
    if !hcl.is_empty() {
        analyze_terraform(&mut run, dir, &hcl, overlays);
    }
    if !json.is_empty() {
        analyze_arm(&mut run, &json, overlays);
    }
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

/// The template files of `dir`, from the disk and from the overlay, sorted. Hidden files and
/// symbolic links are skipped, as the command line's walk skips them.
fn template_files(
    dir: &Path,
    overlays: &BTreeMap<PathBuf, String>,
    io_errors: &mut Vec<String>,
) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = overlays
        .keys()
        .filter(|p| p.parent() == Some(dir))
        .cloned()
        .collect();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries.filter_map(Result::ok) {
                if entry.file_type().is_ok_and(|t| t.is_file()) {
                    files.push(entry.path());
                }
            }
        }
        // A buffer in a directory that does not exist (yet) is analyzed from the overlay alone.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => io_errors.push(format!("cannot read {}: {err}", dir.display())),
    }
    files.retain(|p| {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        !hidden && file_kind(p).is_some()
    });
    files.sort();
    files.dedup();
    files
}

/// Loads a file into the run: the overlay's text when the editor has it open, else the disk's.
fn load(run: &mut Run, path: &Path, overlays: &BTreeMap<PathBuf, String>) -> Option<FileId> {
    match overlays.get(path) {
        Some(text) => {
            let shown = display_path(path, &run.display_root);
            let (id, finding) = add_source(&mut run.sources, shown, text.clone().into_bytes());
            run.findings.extend(finding);
            Some(id)
        }
        None => run.load(path),
    }
}

fn analyze_terraform(
    run: &mut Run,
    dir: &Path,
    files: &[PathBuf],
    overlays: &BTreeMap<PathBuf, String>,
) {
    let ids: Vec<FileId> = files
        .iter()
        .filter_map(|f| load(run, f, overlays))
        .collect();
    if ids.is_empty() {
        return;
    }
    let root = ModuleDir {
        dir: crate::terraform::normalize(dir)
            .to_string_lossy()
            .into_owned(),
        files: ids,
    };
    let mut loader = OverlayLoader {
        run: &mut *run,
        overlays,
    };
    let first = root.files[0];
    let options = vnetlint_terraform::Options {
        limits: loader.run.limits,
        ..vnetlint_terraform::Options::default()
    };
    let lowered = vnetlint_terraform::lower_root(&mut loader, &root, &options);
    let start = run.findings.len();
    run.findings.extend(lowered.findings);
    run.add_unit(lowered.network, first, start);
}

fn analyze_arm(run: &mut Run, files: &[PathBuf], overlays: &BTreeMap<PathBuf, String>) {
    let mut templates: Vec<(PathBuf, FileId)> = Vec::new();
    let mut parameter_files: BTreeMap<PathBuf, FileId> = BTreeMap::new();
    for path in files {
        let Some(id) = load(run, path, overlays) else {
            continue;
        };
        match vnetlint_arm::classify(&run.sources, id) {
            JsonFile::Template { .. } => templates.push((path.clone(), id)),
            JsonFile::Parameters => {
                parameter_files.insert(path.clone(), id);
            }
            JsonFile::Broken(finding) => run.findings.push(*finding),
            JsonFile::Other => {}
        }
    }
    for (path, template) in templates {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parameters = parameter_files
            .get(&path.with_file_name(format!("{stem}.parameters.json")))
            .copied();
        let mut host = OverlayHost {
            run: &mut *run,
            overlays,
        };
        let limits = host.run.limits;
        let lowered = vnetlint_arm::lower_template_with(&mut host, template, parameters, &limits);
        let start = run.findings.len();
        run.findings.extend(lowered.findings);
        run.add_unit(lowered.network, template, start);
    }
}

/// Reads local module directories for the Terraform evaluator, overlay first.
struct OverlayLoader<'r> {
    run: &'r mut Run,
    overlays: &'r BTreeMap<PathBuf, String>,
}

impl ModuleLoader for OverlayLoader<'_> {
    fn sources(&self) -> &SourceMap {
        &self.run.sources
    }

    fn load_module_dir(&mut self, from_dir: &str, source: &str) -> Result<ModuleDir, String> {
        let target = crate::terraform::normalize(&Path::new(from_dir).join(source));
        if !target.is_dir() {
            return Err(format!("`{source}` is not a directory"));
        }
        if !self.run.is_inside_scan_root(&target) {
            return Err(format!(
                "`{source}` is outside the workspace folder, and vnetlint reads nothing outside it"
            ));
        }
        let mut io_errors = Vec::new();
        let paths: Vec<PathBuf> = template_files(&target, self.overlays, &mut io_errors)
            .into_iter()
            .filter(|p| {
                // A called module reads only configuration files, never variable files.
                let name = p.to_string_lossy().to_ascii_lowercase();
                #[allow(clippy::case_sensitive_file_extension_comparisons)]
                let config = name.ends_with(".tf") || name.ends_with(".tf.json");
                config
            })
            .collect();
        self.run.io_errors.extend(io_errors);
        let files = paths
            .iter()
            .filter_map(|p| load(self.run, p, self.overlays))
            .collect();
        Ok(ModuleDir {
            dir: target.to_string_lossy().into_owned(),
            files,
        })
    }
}

/// Loads linked ARM templates, overlay first, only inside the scan roots.
struct OverlayHost<'r> {
    run: &'r mut Run,
    overlays: &'r BTreeMap<PathBuf, String>,
}

impl vnetlint_arm::Host for OverlayHost<'_> {
    fn sources(&self) -> &SourceMap {
        &self.run.sources
    }

    fn load_linked(&mut self, from: FileId, relative_path: &str) -> Result<FileId, String> {
        let from_path = PathBuf::from(&self.run.sources.get(from).path);
        let base = self.run.display_root.join(from_path);
        let target = crate::terraform::normalize(&base.parent().map_or_else(
            || PathBuf::from(relative_path),
            |dir| dir.join(relative_path),
        ));
        let in_overlay = self.overlays.contains_key(&target);
        if !in_overlay && !self.run.is_inside_scan_root(&target) {
            return Err(format!(
                "`{relative_path}` is not a file inside the workspace folder"
            ));
        }
        let shown = display_path(&target, &self.run.display_root);
        if let Some(id) = self.run.sources.find(&shown) {
            return Ok(id);
        }
        load(self.run, &target, self.overlays)
            .ok_or_else(|| format!("`{relative_path}` cannot be read"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN_SSH: &str = r#"resource "azurerm_network_security_group" "jump" {
  name                = "nsg-jump"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "allow-ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
"#;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("vnetlint-overlay-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn codes(analysis: &Analysis) -> Vec<&'static str> {
        analysis.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn the_overlay_replaces_the_file_on_disk() {
        let dir = scratch("replace");
        std::fs::write(dir.join("network.tf"), OPEN_SSH).unwrap();
        let on_disk = analyze_dir_with_overlay(&dir, &dir, &BTreeMap::new());
        assert!(codes(&on_disk).contains(&"VNL101"), "{:?}", codes(&on_disk));

        let fixed = OPEN_SSH.replace(
            r#"source_address_prefix      = "*""#,
            r#"source_address_prefix      = "VirtualNetwork""#,
        );
        let overlays = BTreeMap::from([(dir.join("network.tf"), fixed)]);
        let edited = analyze_dir_with_overlay(&dir, &dir, &overlays);
        assert!(!codes(&edited).contains(&"VNL101"), "{:?}", codes(&edited));
        assert_eq!(edited.sources.get(FileId(0)).path, "network.tf");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_buffer_that_exists_only_in_the_overlay_is_analyzed_with_the_files_on_disk() {
        let dir = scratch("new-buffer");
        std::fs::write(
            dir.join("variables.tf"),
            "variable \"src\" {\n  type = string\n}\n",
        )
        .unwrap();
        let network = OPEN_SSH.replace(
            r#"= "*"
    destination_address_prefix"#,
            "= var.src\n    destination_address_prefix",
        );
        let overlays = BTreeMap::from([
            (dir.join("network.tf"), network),
            (
                dir.join("terraform.tfvars"),
                "src = \"Internet\"\n".to_owned(),
            ),
        ]);
        let analysis = analyze_dir_with_overlay(&dir, &dir, &overlays);
        assert!(
            codes(&analysis).contains(&"VNL101"),
            "{:?}",
            codes(&analysis)
        );
        let paths: Vec<&str> = analysis
            .sources
            .iter()
            .map(|(_, f)| f.path.as_str())
            .collect();
        assert_eq!(paths, ["network.tf", "terraform.tfvars", "variables.tf"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_limits_of_vnetlint_toml_apply_to_the_buffers() {
        let dir = scratch("limits");
        std::fs::write(dir.join("vnetlint.toml"), "[limits]\nmax_instances = 5\n").unwrap();
        let counted = OPEN_SSH.replacen(
            "resource \"azurerm_network_security_group\" \"jump\" {",
            "resource \"azurerm_network_security_group\" \"jump\" {\n  count = 10",
            1,
        );
        let overlays = BTreeMap::from([(dir.join("network.tf"), counted)]);
        let analysis = analyze_dir_with_overlay(&dir, &dir, &overlays);
        let limit = analysis
            .findings
            .iter()
            .find(|f| f.code == "VNL004")
            .unwrap_or_else(|| panic!("no VNL004 in {:?}", codes(&analysis)));
        assert!(limit.message.contains("max_instances"), "{}", limit.message);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_module_above_the_workspace_folder_is_not_read() {
        // `../../..` from a folder two levels down leaves the workspace; the old lexical
        // normalization of the editor path folded it to `..` of the first level.
        let root = scratch("outside");
        let workspace = root.join("workspace");
        let dir = workspace.join("a").join("b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.join("secret.tf"), OPEN_SSH).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "module \"up\" {\n  source = \"../../..\"\n}\n",
        )
        .unwrap();
        let analysis = analyze_dir_with_overlay(&dir, &workspace, &BTreeMap::new());
        let paths: Vec<&str> = analysis
            .sources
            .iter()
            .map(|(_, f)| f.path.as_str())
            .collect();
        assert_eq!(
            paths,
            ["a/b/main.tf"],
            "nothing outside the workspace is read"
        );
        assert!(
            analysis
                .findings
                .iter()
                .any(|f| f.code == "VNL002" && f.message.contains("outside the workspace folder")),
            "{:?}",
            analysis
                .findings
                .iter()
                .map(|f| &f.message)
                .collect::<Vec<_>>()
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
