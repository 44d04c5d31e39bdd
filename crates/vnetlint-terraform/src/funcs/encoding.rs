//! The encoding functions: `jsonencode` and `jsondecode`, with the JSON text `format` also
//! prints collections with.

use super::{Call, arg, string_arg};
use crate::value::{Ev, EvKind, ObjectEntry, Res, format_number, unresolved_reason};
use vnetlint_ir::Span;

pub(super) fn jsonencode(call: &Call<'_>, args: &[Ev]) -> Res {
    match json_text(arg(args, 0)?, call.budget.limits.max_string_len) {
        Ok(text) => Ok(Ev::str(text, call.span)),
        Err(JsonStop::Unresolved(bad)) => Ok(Ev::unknown(
            format!(
                "`jsonencode(...)` meets an unresolved value: {}",
                unresolved_reason(&bad)
            ),
            call.span,
        )),
        Err(JsonStop::TooLong(len)) => Err(call.too_long(len)),
    }
}

pub(super) fn jsondecode(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(from_json(&value, call.span, 0))
}

fn from_json(value: &serde_json::Value, span: Span, depth: usize) -> Ev {
    if depth > 64 {
        // Terraform decodes it: unknown, not an error `try` could catch.
        return Ev::unknown(
            "the JSON nests more than 64 levels deep, deeper than vnetlint decodes",
            span,
        );
    }
    let kind = match value {
        serde_json::Value::Null => EvKind::Null,
        serde_json::Value::Bool(b) => EvKind::Bool(*b),
        serde_json::Value::Number(n) => EvKind::Number(n.to_string()),
        serde_json::Value::String(s) => EvKind::Scalar(s.clone()),
        serde_json::Value::Array(items) => EvKind::List(
            items
                .iter()
                .map(|i| from_json(i, span, depth + 1))
                .collect(),
        ),
        serde_json::Value::Object(map) => EvKind::Object(
            map.iter()
                .map(|(k, v)| ObjectEntry {
                    key: k.clone(),
                    span,
                    value: from_json(v, span, depth + 1),
                })
                .collect(),
        ),
    };
    Ev::new(kind, span)
}

/// Why a value has no JSON text.
pub(super) enum JsonStop {
    /// The first unresolved value met.
    Unresolved(Ev),
    /// The text passed the limit it was written under: its length when it stopped.
    TooLong(usize),
}

/// Compact JSON with object keys sorted, as `jsonencode` prints, stopped as soon as the text
/// passes `max` bytes (a large value is never printed whole only to be refused).
pub(super) fn json_text(value: &Ev, max: usize) -> Result<String, JsonStop> {
    let mut out = String::new();
    write_json(value, &mut out, max, 0)?;
    Ok(out)
}

fn write_json(value: &Ev, out: &mut String, max: usize, depth: usize) -> Result<(), JsonStop> {
    if depth > 64 {
        return Err(JsonStop::Unresolved(Ev::error(
            "the value nests too deeply",
            value.span,
        )));
    }
    match &value.kind {
        EvKind::Null => out.push_str("null"),
        EvKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        EvKind::Number(text) => match text.parse::<f64>() {
            Ok(n) => out.push_str(&format_number(n)),
            Err(_) => out.push_str(text),
        },
        EvKind::Scalar(text) => {
            out.push_str(&serde_json::Value::String(text.clone()).to_string());
        }
        EvKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, max, depth + 1)?;
            }
            out.push(']');
        }
        EvKind::Object(entries) => {
            let mut sorted: Vec<&ObjectEntry> = entries.iter().collect();
            sorted.sort_by(|a, b| a.key.cmp(&b.key));
            out.push('{');
            for (i, entry) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(entry.key.clone()).to_string());
                out.push(':');
                write_json(&entry.value, out, max, depth + 1)?;
            }
            out.push('}');
        }
        _ => return Err(JsonStop::Unresolved(value.clone())),
    }
    if out.len() > max {
        return Err(JsonStop::TooLong(out.len()));
    }
    Ok(())
}
