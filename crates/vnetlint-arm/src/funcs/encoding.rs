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
    call.make(Kind::Str(base64_encode(
        string(call.one(args)?)?.as_bytes(),
    )))
}

pub(super) fn uricomponent(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Str(percent_encode(&string(call.one(args)?)?)))
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
pub(crate) fn to_json(value: &Value) -> Result<String, String> {
    Ok(match &value.kind {
        Kind::Null => "null".to_owned(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Number(n) => n.clone(),
        Kind::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Kind::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(to_json)
                .collect::<Result<Vec<_>, _>>()?
                .join(",")
        ),
        Kind::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| Ok(format!("\"{k}\":{}", to_json(v)?)))
                .collect::<Result<Vec<_>, String>>()?
                .join(",")
        ),
        _ => return Err("the value is only known at deployment".to_owned()),
    })
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

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
