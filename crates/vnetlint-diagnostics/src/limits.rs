//! Resource limits of one run, shared by the driver and both frontends.
//!
//! vnetlint reads templates written by anyone (pull requests, half-typed editor buffers), so
//! every quantity an input controls is bounded. Each bound has a default that no realistic
//! template reaches, a command-line flag and a `[limits]` key of `vnetlint.toml` to raise it,
//! and hitting it yields a VNL004 `limit-exceeded` finding that names the limit: the value is
//! not evaluated past the bound (it becomes unknown), it is never silently truncated.
//! `docs/limits.md` is the table of these limits; keep the two in step.

use crate::{Finding, Label, Level, Span};

/// The bounds of one run. `Limits::default()` is the documented default set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one template file; a larger file is not read.
    pub max_file_size: u64,
    /// Nested evaluations (references within references, function calls within calls).
    pub max_depth: usize,
    /// Instances of one resource, module call or ARM `copy` (`count`, `for_each`, `copy.count`).
    pub max_instances: usize,
    /// Elements of one evaluated collection (`range`, `for`, `setproduct`, ...).
    pub max_collection: usize,
    /// Network elements (VNets, subnets, NSGs, rules, ...) of one analyzed unit.
    pub max_elements: usize,
    /// Bytes of one evaluated string (templates, `concat`, `join`, `format`, ...).
    pub max_string_len: usize,
    /// Expression evaluations of one unit (a Terraform root module with its modules, or an
    /// ARM template).
    pub max_eval_steps: u64,
    /// Bytes of values one unit's evaluation may build, estimated (the text of strings plus a
    /// fixed cost per value, see [`crate::budget::VALUE_BYTES`]).
    pub max_eval_bytes: u64,
    /// Seconds one unit's evaluation may run (measured every few thousand steps).
    pub max_unit_seconds: u64,
}

/// The hard ceiling of `max_depth`: deeper evaluation would need an evaluation stack larger
/// than a thread can reserve, so a larger request is clamped (a crash is never an option).
pub const DEPTH_CEILING: usize = 2_000;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_size: 10 * 1024 * 1024,
            max_depth: 160,
            max_instances: 10_000,
            max_collection: 10_000,
            max_elements: 200_000,
            max_string_len: 1024 * 1024,
            max_eval_steps: 5_000_000,
            max_eval_bytes: 256 * 1024 * 1024,
            max_unit_seconds: 10,
        }
    }
}

/// One limit, for naming it in findings and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Limit {
    FileSize,
    Depth,
    Instances,
    Collection,
    Elements,
    StringLen,
    EvalSteps,
    EvalBytes,
    UnitSeconds,
}

impl Limit {
    pub const ALL: [Limit; 9] = [
        Limit::FileSize,
        Limit::Depth,
        Limit::Instances,
        Limit::Collection,
        Limit::Elements,
        Limit::StringLen,
        Limit::EvalSteps,
        Limit::EvalBytes,
        Limit::UnitSeconds,
    ];

    /// The key in `[limits]` of `vnetlint.toml`, also the flag without its `--` and with `-`.
    pub fn key(self) -> &'static str {
        match self {
            Limit::FileSize => "max_file_size",
            Limit::Depth => "max_depth",
            Limit::Instances => "max_instances",
            Limit::Collection => "max_collection",
            Limit::Elements => "max_elements",
            Limit::StringLen => "max_string_len",
            Limit::EvalSteps => "max_eval_steps",
            Limit::EvalBytes => "max_eval_bytes",
            Limit::UnitSeconds => "max_unit_seconds",
        }
    }

    /// The command-line flag that raises the limit.
    pub fn flag(self) -> String {
        format!("--{}", self.key().replace('_', "-"))
    }

    /// What is counted, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Limit::FileSize | Limit::StringLen | Limit::EvalBytes => "bytes",
            Limit::Depth => "nested evaluations",
            Limit::Instances => "instances",
            Limit::Collection => "elements",
            Limit::Elements => "network elements",
            Limit::EvalSteps => "evaluation steps",
            Limit::UnitSeconds => "seconds",
        }
    }
}

impl Limits {
    /// The value of one limit (as `u64`, the widest of them).
    pub fn get(&self, limit: Limit) -> u64 {
        match limit {
            Limit::FileSize => self.max_file_size,
            Limit::Depth => self.max_depth as u64,
            Limit::Instances => self.max_instances as u64,
            Limit::Collection => self.max_collection as u64,
            Limit::Elements => self.max_elements as u64,
            Limit::StringLen => self.max_string_len as u64,
            Limit::EvalSteps => self.max_eval_steps,
            Limit::EvalBytes => self.max_eval_bytes,
            Limit::UnitSeconds => self.max_unit_seconds,
        }
    }

    /// Sets one limit; `max_depth` is clamped to [`DEPTH_CEILING`].
    pub fn set(&mut self, limit: Limit, value: u64) {
        let size = usize::try_from(value).unwrap_or(usize::MAX);
        match limit {
            Limit::FileSize => self.max_file_size = value,
            Limit::Depth => self.max_depth = size.min(DEPTH_CEILING),
            Limit::Instances => self.max_instances = size,
            Limit::Collection => self.max_collection = size,
            Limit::Elements => self.max_elements = size,
            Limit::StringLen => self.max_string_len = size,
            Limit::EvalSteps => self.max_eval_steps = value,
            Limit::EvalBytes => self.max_eval_bytes = value,
            Limit::UnitSeconds => self.max_unit_seconds = value,
        }
    }

    /// The VNL004 finding for `limit` hit at `span`. `what` says what reached it (for example
    /// "the `count` of `azurerm_subnet.a` is 10000000") and `consequence` what is not analyzed.
    pub fn finding(&self, limit: Limit, span: Span, what: &str, consequence: &str) -> Finding {
        Finding::new(
            LIMIT_EXCEEDED.0,
            LIMIT_EXCEEDED.1,
            Level::Warning,
            format!(
                "limit `{}` exceeded: {what}, above the limit of {} {}; {consequence}; raise it with `{}` or `{}` under `[limits]` in vnetlint.toml if the template is meant to be this large",
                limit.key(),
                self.get(limit),
                limit.unit(),
                limit.flag(),
                limit.key(),
            ),
            Label::new(span, format!("`{}` exceeded here", limit.key())),
        )
        .with_fingerprint_key(format!("limit:{}", limit.key()))
    }
}

/// The code and name of the limit finding (declared as a check in vnetlint-checks).
pub const LIMIT_EXCEEDED: (&str, &str) = ("VNL004", "limit-exceeded");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileId, TextRange};

    #[test]
    fn a_limit_finding_names_the_limit_and_how_to_raise_it() {
        let limits = Limits::default();
        let span = Span::new(FileId(0), TextRange::new(0, 1));
        let finding = limits.finding(Limit::Instances, span, "the `count` is 20000", "x");
        assert_eq!(finding.code, "VNL004");
        assert!(finding.message.contains("`max_instances`"));
        assert!(finding.message.contains("--max-instances"));
        assert!(finding.message.contains("10000 instances"));
    }

    #[test]
    fn depth_is_clamped_to_what_a_thread_can_hold() {
        let mut limits = Limits::default();
        limits.set(Limit::Depth, 1_000_000);
        assert_eq!(limits.max_depth, DEPTH_CEILING);
    }
}
