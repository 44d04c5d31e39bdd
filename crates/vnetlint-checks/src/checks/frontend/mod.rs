//! Findings the frontends emit while reading templates (VNL0xx); documented here like any check.

pub(crate) mod limit_exceeded;
pub(crate) mod parse_error;
pub(crate) mod unjustified_suppression;
pub(crate) mod unresolved_value;
