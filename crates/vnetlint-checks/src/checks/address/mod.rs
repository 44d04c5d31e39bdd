//! Checks of the address plan (VNL5xx): subnets inside their virtual network, no overlaps
//! between subnets or between connected networks, no ranges Azure refuses, public ranges
//! flagged (spec §7). They read address lists through `analysis::addresses`.

pub(crate) mod forbidden_address_range;
pub(crate) mod overlapping_connected_address_space;
pub(crate) mod overlapping_subnets;
pub(crate) mod public_address_space;
pub(crate) mod subnet_outside_vnet;

use vnetlint_engine::AddrSet;
use vnetlint_ir::Span;

/// A set as CIDR blocks for a message, at most `limit` of them (then `…`).
pub(crate) fn show(set: &AddrSet, limit: usize) -> String {
    let cidrs = set.to_cidrs();
    let mut shown: Vec<String> = cidrs.iter().take(limit).map(|c| format!("`{c}`")).collect();
    if cidrs.len() > limit {
        shown.push(format!("and {} more blocks", cidrs.len() - limit));
    }
    shown.join(", ")
}

/// Of two places, the one written later (file, then offset): the one a finding points at when
/// two equal parties clash, so that the earlier declaration reads as the established one.
pub(crate) fn later(a: Span, b: Span) -> bool {
    (a.file, a.range.start) > (b.file, b.range.start)
}
