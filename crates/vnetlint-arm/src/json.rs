//! JSON with byte ranges on every value and key, parsed by jsonc-parser with only the
//! leniencies ARM itself accepts (comments, raw newlines in strings), into an owned tree so that
//! templates, parameter files and linked templates can be held side by side without lifetimes.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, ParseOptions};
use vnetlint_ir::{FileId, Span, TextRange};

/// A JSON value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Json {
    pub(crate) kind: JsonKind,
    pub(crate) span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonKind {
    Null,
    Bool(bool),
    /// The number as written, so that `100` stays `"100"` and nothing is lost to floats.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<Member>),
}

/// One `"key": value` of an object; duplicate keys are kept in order (ARM keys are
/// case-insensitive, so lookups take the first match ignoring case).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub(crate) key: String,
    pub(crate) key_span: Span,
    pub(crate) value: Json,
}

impl Json {
    /// The member `key` of an object, matched case-insensitively.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match &self.kind {
            JsonKind::Object(members) => members
                .iter()
                .find(|m| m.key.eq_ignore_ascii_case(key))
                .map(|m| &m.value),
            _ => None,
        }
    }

    /// A nested member by path: `json.path(&["properties", "template"])`.
    pub(crate) fn path(&self, keys: &[&str]) -> Option<&Json> {
        keys.iter().try_fold(self, |json, key| json.get(key))
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn members(&self) -> &[Member] {
        match &self.kind {
            JsonKind::Object(members) => members,
            _ => &[],
        }
    }

    pub(crate) fn elements(&self) -> &[Json] {
        match &self.kind {
            JsonKind::Array(elements) => elements,
            _ => &[],
        }
    }
}

/// A parse error: the message from the parser and where it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub(crate) message: String,
    pub(crate) range: TextRange,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// A UTF-8 byte order mark, which jsonc-parser rejects and Visual Studio writes.
const BOM: &str = "\u{feff}";

/// Parses a whole file. Ranges are byte offsets into `text` (a BOM is skipped and accounted for).
pub(crate) fn parse(file: FileId, text: &str) -> Result<Option<Json>, JsonError> {
    let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = text.get(base..).unwrap_or("");
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &options) {
        Ok(result) => Ok(result.value.map(|v| convert(file, base, &v))),
        Err(error) => {
            let message = lower_first(&error.kind().to_string());
            if message.starts_with("unterminated") {
                // The parser names where the unclosed value began; the file ends before it
                // closes, and the end is where a truncated file needs fixing.
                let line = body.matches('\n').count() + 1;
                let column = body.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                return Err(JsonError {
                    message: format!("{message}: the file ends before it is closed"),
                    range: TextRange::from_usize(text.len()..text.len()),
                    line,
                    column,
                });
            }
            let range = error.range();
            Err(JsonError {
                message,
                range: TextRange::from_usize(range.start + base..range.end.max(range.start) + base),
                line: error.line_display(),
                column: error.column_display(),
            })
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn convert(file: FileId, base: usize, value: &Ast<'_>) -> Json {
    let span = |range: jsonc_parser::common::Range| {
        Span::new(
            file,
            TextRange::from_usize(range.start + base..range.end + base),
        )
    };
    let (kind, range) = match value {
        Ast::StringLit(s) => (JsonKind::String(s.value.to_string()), s.range),
        Ast::NumberLit(n) => (JsonKind::Number(n.value.to_owned()), n.range),
        Ast::BooleanLit(b) => (JsonKind::Bool(b.value), b.range),
        Ast::NullKeyword(n) => (JsonKind::Null, n.range),
        Ast::Array(a) => (
            JsonKind::Array(a.elements.iter().map(|e| convert(file, base, e)).collect()),
            a.range,
        ),
        Ast::Object(o) => (
            JsonKind::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, key_range) = match &p.name {
                            ObjectPropName::String(s) => (s.value.to_string(), s.range),
                            ObjectPropName::Word(w) => (w.value.to_owned(), w.range),
                        };
                        Member {
                            key,
                            key_span: span(key_range),
                            value: convert(file, base, &p.value),
                        }
                    })
                    .collect(),
            ),
            o.range,
        ),
    };
    Json {
        kind,
        span: span(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(text: &str, span: Span) -> &str {
        &text[span.range.as_usize()]
    }

    #[test]
    fn values_and_keys_carry_their_ranges_with_comments_and_raw_newlines() {
        let text = "{\n  // a comment\n  \"a\": /* b */ [1, \"x\ny\"],\n  \"B\": {\"c\": true}\n}";
        let json = parse(FileId(0), text).unwrap().unwrap();
        let a = json.get("A").unwrap();
        assert_eq!(text_of(text, a.span), "[1, \"x\ny\"]");
        assert_eq!(a.elements()[1].as_str(), Some("x\ny"));
        assert_eq!(text_of(text, json.members()[0].key_span), "\"a\"");
        let c = json.path(&["b", "C"]).unwrap();
        assert_eq!(text_of(text, c.span), "true");
    }

    #[test]
    fn a_bom_is_skipped_and_ranges_still_point_into_the_file() {
        let text = "\u{feff}{\"a\": \"x\"}";
        let json = parse(FileId(0), text).unwrap().unwrap();
        assert_eq!(text_of(text, json.get("a").unwrap().span), "\"x\"");
    }

    #[test]
    fn leniencies_arm_rejects_are_errors_with_positions() {
        for bad in [
            "{'a': 1}",
            "{\"a\": 1,}",
            "{a: 1}",
            "{\"a\": 0x1}",
            "{\"a\": 1",
        ] {
            assert!(parse(FileId(0), bad).is_err(), "{bad}");
        }
        let error = parse(FileId(0), "{\n  \"a\": [1,\n").unwrap_err();
        assert_eq!(error.line, 3);
    }
}
