//! The encoding functions and the strings derived from others: `base64`, `uriComponent`,
//! `uri`, `json`, `uniqueString` and `guid`, and the compact JSON `string()` prints.
//!
//! `uniqueString` and `guid` hash their arguments deterministically, not with ARM's own
//! algorithm: names built with them are consistent within a run, not equal to deployed ones.

use std::fmt::Write as _;

use vnetlint_ir::Span;

use super::{Call, Res, joined_strings, string};
use crate::value::{Kind, Value};

pub(super) fn base64(call: &Call<'_>, args: &[Value]) -> Res {
    let text = string(call.one(args)?)?;
    call.string_within(text.len().div_ceil(3).saturating_mul(4))?;
    call.make(Kind::Str(base64_encode(text.as_bytes())))
}

pub(super) fn uricomponent(call: &Call<'_>, args: &[Value]) -> Res {
    let text = string(call.one(args)?)?;
    let escaped = text.bytes().filter(|b| !unreserved(*b)).count();
    call.string_within(text.len().saturating_add(escaped.saturating_mul(2)))?;
    call.make(Kind::Str(percent_encode(&text)))
}

/// `uri(base, relative)`: `relative` replaces what follows the last `/` of `base`.
pub(super) fn uri(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let base = string(&args[0])?;
    let relative = string(&args[1])?;
    let stem = base.rfind('/').map_or(base.as_str(), |i| &base[..=i]);
    call.make(Kind::Str(format!(
        "{stem}{}",
        relative.trim_start_matches('/')
    )))
}

/// `json(text)`: the value the text holds, every part of it pointing at the call.
pub(super) fn json(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    let text = string(&args[0])?;
    match crate::json::parse(call.span.file, &text) {
        Ok(Some(json)) => Ok(respan(Value::literal(&json), call.span)),
        Ok(None) => call.make(Kind::Null),
        Err(error) => Err(format!("`json` is given invalid JSON ({})", error.message)),
    }
}

pub(super) fn uniquestring(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Str(unique_string(&joined_strings(args)?)))
}

pub(super) fn guid(call: &Call<'_>, args: &[Value]) -> Res {
    let text = joined_strings(args)?;
    let a = hash64(&text);
    let b = hash64(&format!("{text}#guid"));
    call.make(Kind::Str(format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )))
}

/// Moves every span of a value built from parsed text to the use site.
fn respan(mut value: Value, span: Span) -> Value {
    value.span = span;
    value.kind = match value.kind {
        Kind::Array(items) => Kind::Array(items.into_iter().map(|i| respan(i, span)).collect()),
        Kind::Object(members) => Kind::Object(
            members
                .into_iter()
                .map(|(k, v)| (k, respan(v, span)))
                .collect(),
        ),
        other => other,
    };
    value
}

/// Compact JSON text of a known value, as `string()` prints arrays and objects.
#[cfg(test)]
pub(crate) fn to_json(value: &Value) -> Result<String, String> {
    let mut out = String::new();
    match write_json(value, &mut out, usize::MAX) {
        Ok(()) => Ok(out),
        Err(JsonStop::Symbolic(reason)) => Err(reason),
        Err(JsonStop::TooLong(len)) => Err(format!("the text passes {len} bytes")),
    }
}

/// Why a value has no JSON text.
pub(crate) enum JsonStop {
    /// A part is only known at deployment (the reason).
    Symbolic(String),
    /// The text passed the limit it was written under: its length when it stopped.
    TooLong(usize),
}

/// Appends the compact JSON text of `value` to `out`, stopping as soon as the text passes
/// `max` bytes (a large value is never printed whole only to be refused).
pub(crate) fn write_json(value: &Value, out: &mut String, max: usize) -> Result<(), JsonStop> {
    match &value.kind {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Kind::Number(n) => out.push_str(n),
        Kind::Str(s) => {
            let _ = write!(out, "\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        }
        Kind::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out, max)?;
            }
            out.push(']');
        }
        Kind::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\"{k}\":");
                write_json(v, out, max)?;
            }
            out.push('}');
        }
        _ => {
            return Err(JsonStop::Symbolic(
                "the value is only known at deployment".to_owned(),
            ));
        }
    }
    if out.len() > max {
        return Err(JsonStop::TooLong(out.len()));
    }
    Ok(())
}

/// A 64-bit FNV-1a hash: deterministic, not ARM's own algorithm (names built with
/// `uniqueString` are consistent within a run, not equal to the deployed ones).
fn hash64(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// 13 base-32 characters, the shape of ARM's `uniqueString`.
pub(crate) fn unique_string(text: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut hash = hash64(text);
    let mut out = String::new();
    for _ in 0..13 {
        out.push(char::from(ALPHABET[(hash & 31) as usize]));
        hash >>= 5;
    }
    out
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether `uriComponent` keeps a byte as it is.
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte)
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if unreserved(byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
