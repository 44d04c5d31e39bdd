//! What a change does to reachability (VNL91x): raised by `vnetlint diff`, which compares two
//! versions of a configuration; documented here like any check.

pub(crate) mod reachability_closed;
pub(crate) mod reachability_opened;
