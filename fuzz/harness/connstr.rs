//! The connection-string parser harness: bytes become an IR `Template` (literal text with
//! symbolic parts), parsed by `vnetlint_checks::parse_connection_string` and by
//! `parse_with_kind` for each App Service connection type, asserting that parsing returns,
//! is deterministic, and never invents a host: a literal host is text of the input.
//!
//! Shared by the `connstr` fuzz target and `crates/vnetlint-checks/tests/corpus_replay.rs`
//! (through `#[path]`).

#![allow(dead_code, unreachable_pub)]

use vnetlint_checks::{Host, Parsed};
use vnetlint_ir::{Reference, Template, TemplatePart};

/// The App Service connection-string `type`s, plus one the parser does not know.
const KINDS: &[&str] = &[
    "SQLAzure",
    "SQLServer",
    "PostgreSQL",
    "MySql",
    "RedisCache",
    "Custom",
];

/// Splits the (lossily decoded) input at NUL characters: even segments are literal text, odd
/// ones symbolic parts, an unknown value when the segment starts with `?`, else a reference
/// `address.attribute` (the text up to its last dot, and after it). This way the fuzzer reaches
/// hosts and ports made of references, which literal strings never exercise.
pub fn template_of(bytes: &[u8]) -> Template {
    let text = String::from_utf8_lossy(bytes);
    let parts = text
        .split('\0')
        .enumerate()
        .map(|(index, segment)| {
            if index % 2 == 0 {
                TemplatePart::Literal(segment.to_owned())
            } else if let Some(reason) = segment.strip_prefix('?') {
                TemplatePart::Unknown(reason.to_owned())
            } else {
                let (address, attribute) = segment.rsplit_once('.').unwrap_or((segment, "id"));
                TemplatePart::Reference(Reference {
                    address: address.to_owned(),
                    attribute: attribute.to_owned(),
                })
            }
        })
        .collect();
    Template { parts }
}

/// Parses the template of `bytes` without a type and with each known type; returns the
/// untyped result.
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    let template = template_of(bytes);
    let literal: String = template
        .parts
        .iter()
        .filter_map(|part| match part {
            TemplatePart::Literal(text) => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\u{0}");
    let parsed = vnetlint_checks::parse_connection_string(&template);
    assert_eq!(parsed, vnetlint_checks::parse_connection_string(&template));
    for parsed in std::iter::once(parsed.clone()).chain(
        KINDS
            .iter()
            .map(|kind| vnetlint_checks::parse_with_kind(&template, Some(kind))),
    ) {
        if let Some(server) = &parsed.server
            && let Host::Literal(host) = &server.host
        {
            assert!(
                literal
                    .to_ascii_lowercase()
                    .contains(&host.to_ascii_lowercase()),
                "host {host:?} is not text of the input {literal:?}"
            );
        }
    }
    parsed
}
