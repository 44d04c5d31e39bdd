//! Helpers the lowering tests share: lower one file, read spans and known values, find elements.

#![allow(dead_code)]

use vnetlint_ir::{Attr, AttrList, ElementId, Network, Span};
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::{Lowered, ModuleDir, ModuleLoader, Options, lower_module, lower_root};

pub(crate) fn lower(text: &str) -> (SourceMap, Network) {
    let mut sources = SourceMap::new();
    let file = sources.add("main.tf", text);
    let lowered = lower_module(&sources, &[file], "");
    assert_eq!(lowered.findings, vec![], "unexpected findings");
    (sources, lowered.network)
}

pub(crate) fn text(sources: &SourceMap, span: Span) -> &str {
    sources.get(span.file).slice(span.range)
}

pub(crate) fn known<T: std::fmt::Debug>(attr: Option<&Attr<T>>) -> &T {
    attr.and_then(Attr::get)
        .unwrap_or_else(|| panic!("expected a known value, got {attr:?}"))
}

pub(crate) fn strings(list: Option<&AttrList<String>>) -> Vec<&str> {
    known(list)
        .iter()
        .map(|item| known(Some(item)).as_str())
        .collect()
}

pub(crate) fn element(network: &Network, address: &str) -> ElementId {
    network
        .find(address)
        .unwrap_or_else(|| panic!("no element at {address}"))
}

/// Module directories held in memory.
pub(crate) struct MemoryLoader {
    pub(crate) sources: SourceMap,
    pub(crate) dirs: Vec<(String, Vec<FileId>)>,
}

impl ModuleLoader for MemoryLoader {
    fn sources(&self) -> &SourceMap {
        &self.sources
    }

    fn load_module_dir(&mut self, _from: &str, source: &str) -> Result<ModuleDir, String> {
        let dir = source.trim_start_matches("./").to_owned();
        self.dirs
            .iter()
            .find(|(d, _)| *d == dir)
            .map(|(d, files)| ModuleDir {
                dir: d.clone(),
                files: files.clone(),
            })
            .ok_or_else(|| format!("no directory `{source}`"))
    }
}

/// Lowers the root module of one file `root`, reading its modules through `loader`.
pub(crate) fn lower_root_module(loader: &mut MemoryLoader, root: FileId) -> Lowered {
    let dir = ModuleDir {
        dir: ".".to_owned(),
        files: vec![root],
    };
    lower_root(loader, &dir, &Options::default())
}
