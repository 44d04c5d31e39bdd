//! Checks of the address plan (VNL5xx): subnets inside their virtual network, no overlaps
//! between subnets or between connected networks, no ranges Azure refuses, public ranges
//! flagged (spec §7).
//!
//! Every check reads address lists element by element: an element whose value is unknown or
//! not an address prefix is left out, and a verdict that needs the whole list (such as "inside
//! the address space") is only given when every element is known.

pub(crate) mod forbidden_address_range;
pub(crate) mod overlapping_connected_address_space;
pub(crate) mod overlapping_subnets;
pub(crate) mod public_address_space;
pub(crate) mod subnet_outside_vnet;

use vnetlint_engine::AddrSet;
use vnetlint_ir::{AttrList, Span};

/// One known element of an address list, parsed.
pub(crate) struct Prefix<'a> {
    pub text: &'a str,
    pub set: AddrSet,
    pub span: Span,
}

/// The elements of an address list that are known and parse as an address or CIDR prefix,
/// and whether that is all of them (the list is known and no element was left out).
pub(crate) fn prefixes(list: Option<&AttrList<String>>) -> (Vec<Prefix<'_>>, bool) {
    let Some(items) = list.and_then(|l| l.get()) else {
        return (Vec::new(), false);
    };
    let mut out = Vec::new();
    let mut complete = true;
    for item in items {
        match item
            .get()
            .and_then(|text| Some((text, AddrSet::parse(text)?)))
        {
            Some((text, set)) => out.push(Prefix {
                text,
                set,
                span: item.span,
            }),
            None => complete = false,
        }
    }
    (out, complete)
}

/// The union of the prefixes.
pub(crate) fn union(prefixes: &[Prefix<'_>]) -> AddrSet {
    prefixes
        .iter()
        .fold(AddrSet::empty(), |acc, p| acc.union(&p.set))
}

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
