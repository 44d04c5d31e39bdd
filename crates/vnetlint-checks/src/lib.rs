//! The rule catalog: one file per check under `checks/`, one registry line per check in
//! `registry.rs`, and the `run` entry point that applies every check to a network. Beside the
//! rules: the analyses several checks share (`analysis/`), how checks build findings
//! (`finding.rs`) and the documentation generated from the declarations (`docs.rs`).
//!
//! Architecture invariant: checks see only the IR and the engine, never syntax. A check turns
//! engine verdicts (which name IR ids) into `Finding`s that point at spans the IR carries.

mod analysis;
mod config;
mod context;
mod declare;
mod docs;
mod finding;
mod registry;

pub(crate) mod checks;

pub use analysis::connection_string::{
    Engine, Host, Parsed, Port, Secret, Server, parse_connection_string, parse_with_kind,
};
pub use config::{Config, Expectation, Intent};
pub use context::Context;
pub use declare::Check;
pub use docs::{DocExample, RuleDoc, rule_page};
pub use registry::{CHECKS, check_by_code, rule_infos};

use vnetlint_diagnostics::Finding;
use vnetlint_ir::Network;

/// Runs every registered check on one network and returns the findings, sorted.
pub fn run(network: &Network) -> Vec<Finding> {
    run_with(network, &Config::default())
}

/// [`run`] with the user's configuration (connectivity intents).
pub fn run_with(network: &Network, config: &Config) -> Vec<Finding> {
    run_until(network, config, &vnetlint_diagnostics::Deadline::never()).0
}

/// [`run_with`] that stops once `deadline` has passed (looked at before each check): the
/// findings of the checks that ran, and the first check that did not run, if any. A unit's
/// wall-clock budget (`max_unit_seconds`) thus bounds the checks too, to within one check.
pub fn run_until(
    network: &Network,
    config: &Config,
    deadline: &vnetlint_diagnostics::Deadline,
) -> (Vec<Finding>, Option<&'static Check>) {
    run_selected(network, config, deadline, |_| true)
}

/// [`run_until`] of the checks `selected` keeps (`vnetlint diff` runs only the intents).
pub fn run_selected(
    network: &Network,
    config: &Config,
    deadline: &vnetlint_diagnostics::Deadline,
    selected: impl Fn(&Check) -> bool,
) -> (Vec<Finding>, Option<&'static Check>) {
    let mut findings = Vec::new();
    if deadline.expired() {
        return (findings, CHECKS.first().copied());
    }
    let ctx = Context::new(network, config);
    let mut stopped = None;
    for check in CHECKS.iter().filter(|c| selected(c)) {
        if deadline.expired() {
            stopped = Some(*check);
            break;
        }
        (check.run)(&ctx, &mut findings);
    }
    finding::note_readings(&ctx, &mut findings);
    vnetlint_diagnostics::sort_findings(&mut findings);
    (findings, stopped)
}
