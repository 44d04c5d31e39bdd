//! The span invariant every frontend harness asserts: each `Span` in a result (IR elements,
//! attributes, finding labels) names a loaded file and lies inside its text on character
//! boundaries, so that the report and the language server can slice and convert it.
//!
//! Shared by the fuzz targets (`fuzz/src/lib.rs`) and the corpus-replay tests of the owning
//! crates, which include this file with `#[path]`. It reads spans out of the result's `Debug`
//! text rather than walking the IR by hand, so that a span added to the IR later is checked
//! too without touching this file.

#![allow(dead_code, unreachable_pub)]

use vnetlint_source::SourceMap;

const SPAN: &str = "Span { file: FileId(";
const RANGE: &str = "), range: TextRange { start: ";
const END: &str = ", end: ";

/// Panics, naming the span, when one in `debug` (a `{:?}` rendering) is out of bounds or cuts
/// a character; returns how many spans were checked.
pub fn assert_spans_in_bounds(sources: &SourceMap, debug: &str) -> usize {
    let mut checked = 0;
    let mut rest = debug;
    while let Some(at) = rest.find(SPAN) {
        rest = &rest[at + SPAN.len()..];
        let (file, after) = number(rest);
        let Some(after) = after.strip_prefix(RANGE) else {
            continue;
        };
        let (start, after) = number(after);
        let Some(after) = after.strip_prefix(END) else {
            continue;
        };
        let (end, after) = number(after);
        rest = after;
        let source = sources
            .try_get(vnetlint_source::FileId(file as u32))
            .unwrap_or_else(|| {
                panic!(
                    "span names file {file}, but only {} are loaded",
                    sources.len()
                )
            });
        let (start, end) = (start as usize, end as usize);
        assert!(
            start <= end,
            "span {start}..{end} in `{}` is reversed",
            source.path
        );
        assert!(
            end <= source.text.len(),
            "span {start}..{end} in `{}` ends past the text ({} bytes)",
            source.path,
            source.text.len()
        );
        assert!(
            source.text.is_char_boundary(start) && source.text.is_char_boundary(end),
            "span {start}..{end} in `{}` cuts a character",
            source.path
        );
        checked += 1;
    }
    checked
}

/// The decimal number at the start of `text` and the rest (0 when there is none).
fn number(text: &str) -> (u64, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (text[..digits].parse().unwrap_or(0), &text[digits..])
}
