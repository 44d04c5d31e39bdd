//! The encoding functions: `jsonencode` and `jsondecode`, with the JSON text `format` also
//! prints collections with.

use super::{Call, arg, string_arg};
use crate::value::{Ev, EvKind, ObjectEntry, Res, format_number, unresolved_reason};
use vnetlint_ir::Span;

pub(super) fn jsonencode(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut out = String::new();
    if let Err(bad) = json_encode(arg(args, 0)?, &mut out, 0) {
        return Ok(Ev::unknown(
            format!(
                "`jsonencode(...)` meets an unresolved value: {}",
                unresolved_reason(&bad)
            ),
            call.span,
        ));
    }
    Ok(Ev::str(out, call.span))
}

pub(super) fn jsondecode(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(from_json(&value, call.span, 0))
}

fn from_json(value: &serde_json::Value, span: Span, depth: usize) -> Ev {
    if depth > 64 {
        return Ev::error("the JSON nests too deeply", span);
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

/// Compact JSON with object keys sorted, as `jsonencode` prints; `Err` holds the first
/// unresolved value met.
pub(super) fn json_encode(value: &Ev, out: &mut String, depth: usize) -> Result<(), Ev> {
    if depth > 64 {
        return Err(Ev::error("the value nests too deeply", value.span));
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
                json_encode(item, out, depth + 1)?;
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
                json_encode(&entry.value, out, depth + 1)?;
            }
            out.push('}');
        }
        _ => return Err(value.clone()),
    }
    Ok(())
}
