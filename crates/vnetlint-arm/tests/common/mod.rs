//! Helpers the ARM lowering tests share: lower one template, read spans and known values, find
//! elements.

#![allow(dead_code)]

use vnetlint_arm::{Lowered, Sources, lower_template};
use vnetlint_ir::{Attr, AttrList, ElementId, Network, Span};
use vnetlint_source::SourceMap;

pub(crate) fn lower(text: &str) -> (SourceMap, Network) {
    let mut sources = SourceMap::new();
    let file = sources.add("azuredeploy.json", text);
    let Lowered { network, findings } = lower_template(&mut Sources(&sources), file, None);
    assert_eq!(findings, vec![], "unexpected findings");
    (sources, network)
}

pub(crate) fn text(sources: &SourceMap, span: Span) -> &str {
    sources.get(span.file).slice(span.range)
}

pub(crate) fn known<T: std::fmt::Debug>(attr: Option<&Attr<T>>) -> &T {
    attr.and_then(Attr::get)
        .unwrap_or_else(|| panic!("expected a known value, got {attr:?}"))
}

pub(crate) fn strings(list: Option<&AttrList<String>>) -> Vec<&str> {
    known(list)
        .iter()
        .map(|item| known(Some(item)).as_str())
        .collect()
}

pub(crate) fn element(network: &Network, address: &str) -> ElementId {
    network
        .find(address)
        .unwrap_or_else(|| panic!("no element at {address}"))
}
