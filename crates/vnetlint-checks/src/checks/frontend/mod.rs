//! Findings the frontends emit while reading templates (VNL0xx); documented here like any check.

pub(crate) mod limit_exceeded;
pub(crate) mod parse_error;
pub(crate) mod unjustified_suppression;
pub(crate) mod unresolved_value;
pub(crate) mod unused_suppression;

use vnetlint_diagnostics::Finding;

use crate::Context;

/// The run of a check whose findings are raised elsewhere: parse errors and limits by the
/// frontends while they read files, unjustified suppressions by the driver, which reads the
/// comments, and unresolved values by the checks whose verdicts hinge on them. There is nothing
/// to do on the IR.
pub(crate) fn raised_elsewhere(_ctx: &Context<'_>, _out: &mut Vec<Finding>) {}
