//! The vnetlint language server (`vnetlint lsp`): diagnostics for Terraform and ARM templates
//! from the unsaved buffer contents, quick fixes where a fix is mechanical, and a hover on a
//! security rule that says what the rule effectively allows after the rules evaluated before it.
//!
//! Architecture invariant: this is the only crate that knows LSP types and UTF-16 positions.
//!
//! The crate does not depend on the `vnetlint` driver, because the driver's package owns the
//! binary that starts the server, and Cargo rejects a package cycle. The binary instead passes an
//! [`Analyzer`]: a function from a directory and the open buffers to the driver's findings. The
//! server owns the protocol and the documents; the driver owns file discovery and the pipeline.
//!
//! Protocol: `lsp-server` (synchronous, the same as rust-analyzer and ruff); analysis runs on
//! the protocol thread, since one re-analysis takes a few milliseconds. Notifications that queue
//! up while an analysis runs are applied together before the next one (typing fast costs one
//! analysis, not one per keystroke).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vnetlint_diagnostics::Finding;
use vnetlint_ir::Network;
use vnetlint_source::SourceMap;

mod actions;
mod diagnostics;
mod hover;
mod server;
mod unit;
pub mod uri;

pub use server::run;

/// One directory to analyze, as the server asks the driver.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisRequest<'a> {
    /// The directory of the changed buffer: a Terraform root module and the ARM templates in it.
    pub dir: &'a Path,
    /// The workspace folder that holds `dir` (else `dir`): shown paths are relative to it, and
    /// nothing outside it is read.
    pub display_root: &'a Path,
    /// The open buffers by absolute path; they take the place of the files on disk.
    pub overlays: &'a BTreeMap<PathBuf, String>,
}

/// What the driver returns: the fields of `vnetlint::Analysis` the server needs.
#[derive(Debug, Default)]
pub struct Analyzed {
    /// Every file read, with paths relative to the request's `display_root` (or absolute when
    /// outside it).
    pub sources: SourceMap,
    /// Sorted findings, suppressed ones included (they carry their suppression).
    pub findings: Vec<Finding>,
    /// The lowered networks, for hover and quick fixes.
    pub networks: Vec<Network>,
}

/// Runs the analysis of one directory; implemented by the binary over the driver, and by tests
/// over the Terraform frontend directly.
pub trait Analyzer {
    fn analyze(&self, request: &AnalysisRequest<'_>) -> Analyzed;
}

impl<F: Fn(&AnalysisRequest<'_>) -> Analyzed> Analyzer for F {
    fn analyze(&self, request: &AnalysisRequest<'_>) -> Analyzed {
        self(request)
    }
}

/// Serves the protocol on standard input and output until the client says `exit`.
pub fn run_stdio(analyzer: &dyn Analyzer) -> Result<(), String> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let served = run(&connection, analyzer);
    // The writer thread ends only when every sender is gone: drop the connection before joining,
    // or the process never exits after `exit`.
    drop(connection);
    let joined = io_threads.join().map_err(|err| err.to_string());
    served.and(joined)
}
