//! Analysis of one directory as an editor sees it: the contents of open, possibly unsaved
//! buffers (the overlay) take the place of the files on disk. The language server calls this on
//! every change, through the function `vnetlint lsp` passes it.
//!
//! It is the command line's pipeline with another `FileSource`:
//! the directory's units are built as the command line builds a directory's
//! (`discover::dir_units`), its configuration is the nearest `vnetlint.toml` at or above it
//! within the workspace folder (as the command line finds it within the current directory),
//! and local modules and linked templates are read through the overlay too, so an unsaved edit
//! of a child module is seen by its caller.
//!
//! What differs, because an editor names one directory rather than a tree: nothing is walked
//! below the directory; `.gitignore` files are not consulted (the user opened the file); a
//! directory that another module calls is still analyzed as a root module (its variables then
//! come from their defaults, as `terraform plan` in that directory would); and the bound of
//! every read is the workspace folder (`display_root`) when the directory lies inside it, else
//! the directory itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::files::{self, Bound, FileSource, Overlay, Scope};
use crate::pipeline::{Run, Setup};
use crate::{Analysis, AnalyzeOptions, config, discover};

/// Analyzes the template files of `dir`, reading each from `overlays` (keyed by the same
/// absolute paths the directory listing gives) before the disk. Paths in the output are relative
/// to `display_root` when under it. Files that exist only in the overlay (a new, unsaved buffer)
/// take part too.
pub fn analyze_dir_with_overlay(
    dir: &Path,
    display_root: &Path,
    overlays: &BTreeMap<PathBuf, String>,
) -> Analysis {
    let source = Overlay {
        buffers: overlays,
        disk: true,
    };
    analyze_dir(&source, dir, display_root, &AnalyzeOptions::default())
}

/// Analyzes one directory read through `source`, bounded by the workspace folder
/// `display_root` (when `dir` lies inside it).
pub(crate) fn analyze_dir(
    source: &dyn FileSource,
    dir: &Path,
    display_root: &Path,
    options: &AnalyzeOptions,
) -> Analysis {
    let canonical_dir = files::canonical_dir(dir);
    let workspace = files::canonical_dir(display_root);
    let mut roots = vec![canonical_dir.clone()];
    let boundary = if canonical_dir.starts_with(&workspace) {
        if workspace != canonical_dir {
            roots.push(workspace.clone());
        }
        workspace
    } else {
        canonical_dir.clone()
    };
    let setup = Setup {
        files: source,
        display_root: display_root.to_path_buf(),
        scope: Scope {
            roots,
            // An editor has no flag for it: the workspace folder bounds every read.
            allow_outside_root: false,
            bound: Bound::WorkspaceFolder,
        },
        options,
        skip_called: false,
    };
    let mut run = Run::new(config::Configs::defaults(&options.limits));
    let found = config::above(source, &canonical_dir, &boundary)
        .into_iter()
        .collect();
    run.configs = config::Configs::load(
        &mut run,
        source,
        display_root,
        options.config.as_deref(),
        found,
        &options.limits,
    );
    let files = template_files(&setup, dir, &mut run.io_errors);
    let mut units = discover::Units::default();
    discover::dir_units(&setup, &mut run, dir, files, &mut units);
    crate::pipeline::analyze(&setup, run, units.early, units.later)
}

/// The template files of `dir`, from the disk and from the overlay, sorted. Hidden files are
/// skipped, as the command line's walk skips them, and so are links that leave the workspace.
fn template_files(setup: &Setup<'_>, dir: &Path, io_errors: &mut Vec<String>) -> Vec<PathBuf> {
    match setup.files.list_dir(dir) {
        Ok(paths) => paths
            .into_iter()
            .filter(|p| {
                !files::is_hidden(p) && files::file_kind(p).is_some() && setup.scope.may_read(p)
            })
            .collect(),
        // A directory that does not exist (yet) and holds no buffer has nothing to analyze.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => {
            io_errors.push(format!("cannot read {}: {err}", dir.display()));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vnetlint_source::FileId;

    const OPEN_SSH: &str = include_str!("../../../testdata/snippets/open-ssh.tf");

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
