//! Driving the ARM frontend: JSON files whose content is an ARM template or parameter file.
//!
//! Each template in a directory is one unit. Its parameter file is the one given with
//! `--arm-parameters`, else `X.parameters.json` beside `X.json` (which covers
//! `azuredeploy.json` and `azuredeploy.parameters.json`). JSON files that are neither templates
//! nor parameter files are ignored without a word.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vnetlint_arm::JsonFile;
use vnetlint_source::{FileId, SourceMap};

use crate::Run;

/// ARM options of a run.
#[derive(Debug, Clone, Default)]
pub struct ArmOptions {
    /// A parameter file applied to every template of the run, instead of the automatic
    /// `X.parameters.json` pairing (`--arm-parameters FILE`).
    pub parameters: Option<PathBuf>,
}

/// Lowers and checks every ARM template among one directory's `.json` files.
pub(crate) fn analyze_json_files(
    run: &mut Run,
    _dir: &Path,
    files: &[PathBuf],
    options: &ArmOptions,
) {
    let mut templates: Vec<(PathBuf, FileId)> = Vec::new();
    let mut parameter_files: BTreeMap<PathBuf, FileId> = BTreeMap::new();
    for path in files {
        let Some(id) = run.load(path) else {
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
    let explicit =
        options
            .parameters
            .as_ref()
            .and_then(|path| match files.iter().position(|f| f == path) {
                Some(_) => parameter_files.get(path).copied(),
                None => run
                    .sources
                    .find(&crate::display_path(path, &run.display_root))
                    .or_else(|| run.load(path)),
            });
    for (path, template) in templates {
        let parameters = match &options.parameters {
            Some(_) => explicit,
            None => parameter_files.get(&paired_parameters(&path)).copied(),
        };
        let mut host = DriverHost { run: &mut *run };
        let lowered = vnetlint_arm::lower_template(&mut host, template, parameters);
        run.findings.extend(lowered.findings);
        run.add_unit(lowered.network);
    }
}

/// `dir/X.parameters.json` for `dir/X.json`.
fn paired_parameters(template: &Path) -> PathBuf {
    let stem = template
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    template.with_file_name(format!("{stem}.parameters.json"))
}

/// Loads linked templates for the frontend: only relative paths that stay inside a scan root.
struct DriverHost<'r> {
    run: &'r mut Run,
}

impl vnetlint_arm::Host for DriverHost<'_> {
    fn sources(&self) -> &SourceMap {
        &self.run.sources
    }

    fn load_linked(&mut self, from: FileId, relative_path: &str) -> Result<FileId, String> {
        let from_path = PathBuf::from(&self.run.sources.get(from).path);
        let base = self.run.display_root.join(from_path);
        let target = base.parent().map_or_else(
            || PathBuf::from(relative_path),
            |dir| dir.join(relative_path),
        );
        if !self.run.is_inside_scan_root(&target) {
            return Err(format!(
                "`{relative_path}` is not a file inside the scanned directories"
            ));
        }
        let shown = crate::display_path(&target, &self.run.display_root);
        if let Some(id) = self.run.sources.find(&shown) {
            return Ok(id);
        }
        self.run
            .load(&target)
            .ok_or_else(|| format!("`{relative_path}` cannot be read"))
    }
}
