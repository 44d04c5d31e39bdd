//! `declare_check!`: how a check states its id, name, level and documentation in one place.
//!
//! The doc comment on the declaration is the single source of a rule's documentation, which
//! `docs.rs` turns into the SARIF texts, `docs/rules/VNLnnn.md`, `vnetlint rule VNLnnn` and the
//! examples the tests run.

use vnetlint_diagnostics::{Finding, Level};

use crate::Context;

/// A registered check.
pub struct Check {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    /// The doc comment as the compiler hands it over: one line per `///`, each with its leading space.
    pub raw_doc: &'static [&'static str],
    pub tags: &'static [&'static str],
    pub precision: &'static str,
    pub security_severity: Option<f32>,
    /// Appends the check's findings: the `run` function of the check's file, or a closure
    /// calling the analysis the check shares with its siblings (VNL201 and VNL202, VNL302 and
    /// VNL303, …). The checks whose findings are raised elsewhere (VNL001-004) share a no-op.
    pub run: fn(&Context<'_>, &mut Vec<Finding>),
}

/// Declares a check: its documentation (the doc comment), metadata and run function.
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            level: $level:ident,
            tags: [$($tag:literal),* $(,)?],
            precision: $precision:literal,
            security_severity: $severity:expr,
            run: $run:expr $(,)?
        };
    ) => {
        pub(crate) static $ident: $crate::declare::Check = $crate::declare::Check {
            code: $code,
            name: $name,
            default_level: vnetlint_diagnostics::Level::$level,
            raw_doc: &[$($doc),*],
            tags: &[$($tag),*],
            precision: $precision,
            security_severity: $severity,
            run: $run,
        };
    };
}

pub(crate) use declare_check;
