//! Address lists (a virtual network's address space, a subnet's prefixes) read element by
//! element: an element whose value is unknown or not an address prefix is left out, and a
//! verdict that needs the whole list (such as "inside the address space") is only given when
//! every element is known.

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

/// Every address of the list, when all of it is known.
pub(crate) fn known_union(list: Option<&AttrList<String>>) -> Option<AddrSet> {
    let (prefixes, complete) = prefixes(list);
    complete.then(|| union(&prefixes))
}

/// The pairs of prefixes of `a` and `b` that share addresses, with what they share, `a`'s
/// elements outermost.
pub(crate) fn overlaps<'p, 'a>(
    a: &'p [Prefix<'a>],
    b: &'p [Prefix<'a>],
) -> impl Iterator<Item = (&'p Prefix<'a>, &'p Prefix<'a>, AddrSet)> {
    a.iter().flat_map(move |pa| {
        b.iter().filter_map(move |pb| {
            let shared = pa.set.intersect(&pb.set);
            (!shared.is_empty()).then_some((pa, pb, shared))
        })
    })
}
