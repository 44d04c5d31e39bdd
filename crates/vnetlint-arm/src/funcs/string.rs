//! The string functions: `format` (.NET composite formatting), `split`, `join`, `replace`,
//! case, `trim`, `substring`, `startsWith`, `endsWith` and `padLeft`. ARM compares strings
//! ignoring case, so the prefix and suffix tests do too.
//!
//! `format` and `join` keep deployment-time parts: a string built from a `reference()` stays a
//! template naming it.
//!
//! A function whose result can be longer than its arguments (`replace`, `join`, `format`'s
//! widths, `padLeft`) computes the result's length first and checks it against
//! `max_string_len` before building it; widths are honoured up to that limit, never cut short.

use vnetlint_diagnostics::VALUE_BYTES;
use vnetlint_ir::TemplatePart;

use super::{Call, Res, int, string};
use crate::value::{Kind, Value, from_parts, part_len};

/// `format(fmt, args...)`: takes symbolic arguments, which become parts of the result.
pub(super) fn format(call: &Call<'_>, args: &[Value]) -> Res {
    let Some((fmt, rest)) = args.split_first() else {
        return Err("`format` needs a format string".to_owned());
    };
    let parts = format_parts(call, &string(fmt)?, rest)?;
    call.string_within(parts.iter().map(part_len).sum())?;
    Ok(from_parts(parts, call.span))
}

/// `split(text, delimiter or delimiters)`.
pub(super) fn split(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let text = string(&args[0])?;
    let delimiters: Vec<String> = match &args[1].kind {
        Kind::Array(items) => items.iter().map(string).collect::<Result<_, _>>()?,
        _ => vec![string(&args[1])?],
    };
    let count = delimiters
        .iter()
        .filter(|d| !d.is_empty())
        .map(|d| text.matches(d.as_str()).count())
        .sum::<usize>()
        + 1;
    call.budget().spend_on(call.name, count, call.span)?;
    let bytes = (count as u64).saturating_mul(VALUE_BYTES) + text.len() as u64;
    call.budget().affordable(call.name, bytes, call.span)?;
    let mut pieces = vec![text];
    for delimiter in delimiters.iter().filter(|d| !d.is_empty()) {
        pieces = pieces
            .iter()
            .flat_map(|p| {
                p.split(delimiter.as_str())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    call.make(Kind::Array(
        pieces
            .into_iter()
            .map(|p| Value::new(Kind::Str(p), call.span))
            .collect(),
    ))
}

/// `join(array, delimiter)`.
pub(super) fn join(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let delimiter = string(&args[1])?;
    let mut parts = Vec::new();
    for (i, item) in args[0].elements().iter().enumerate() {
        if i > 0 {
            parts.push(TemplatePart::Literal(delimiter.clone()));
        }
        parts.extend(item.string_parts()?);
    }
    call.string_within(parts.iter().map(part_len).sum())?;
    Ok(from_parts(parts, call.span))
}

pub(super) fn replace(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 3, 3)?;
    let old = string(&args[1])?;
    let text = string(&args[0])?;
    let new = string(&args[2])?;
    if old.is_empty() {
        return call.make(Kind::Str(text));
    }
    // Each match can multiply the text: the length is known before a byte is copied.
    let matches = text.matches(old.as_str()).count();
    call.string_within(
        (text.len() - matches * old.len()).saturating_add(matches.saturating_mul(new.len())),
    )?;
    call.make(Kind::Str(text.replace(&old, &new)))
}

pub(super) fn tolower(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Str(string(call.one(args)?)?.to_lowercase()))
}

pub(super) fn toupper(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Str(string(call.one(args)?)?.to_uppercase()))
}

pub(super) fn trim(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Str(string(call.one(args)?)?.trim().to_owned()))
}

/// `substring(text, start, [length])`, in characters; reaching past the end is an error.
pub(super) fn substring(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 3)?;
    let text: Vec<char> = string(&args[0])?.chars().collect();
    let start = usize::try_from(int(&args[1])?).map_err(|_| "`substring` start is negative")?;
    let length = match args.get(2) {
        Some(l) => usize::try_from(int(l)?).map_err(|_| "`substring` length is negative")?,
        None => text.len().saturating_sub(start),
    };
    if start.checked_add(length).is_none_or(|end| end > text.len()) {
        return Err("`substring` reaches past the end of the string".to_owned());
    }
    call.make(Kind::Str(text[start..start + length].iter().collect()))
}

/// `startsWith` and `endsWith`, told apart by the call's name; case is ignored.
pub(super) fn startswith_or_endswith(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let text = string(&args[0])?.to_lowercase();
    let affix = string(&args[1])?.to_lowercase();
    call.make(Kind::Bool(if call.function == "startswith" {
        text.starts_with(&affix)
    } else {
        text.ends_with(&affix)
    }))
}

/// `padLeft(value, width, [padding])`: any width up to `max_string_len` (a wider one is
/// unknown, with a VNL004), so no template can ask for a string of gigabytes.
pub(super) fn padleft(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 3)?;
    let text = match &args[0].kind {
        Kind::Int(i) => i.to_string(),
        _ => string(&args[0])?,
    };
    let width = usize::try_from(int(&args[1])?.max(0)).unwrap_or(usize::MAX);
    let pad = args
        .get(2)
        .map(string)
        .transpose()?
        .and_then(|p| p.chars().next())
        .unwrap_or(' ');
    let missing = width.saturating_sub(text.chars().count());
    call.string_within(
        text.len()
            .saturating_add(missing.saturating_mul(pad.len_utf8())),
    )?;
    call.make(Kind::Str(
        std::iter::repeat_n(pad, missing)
            .chain(text.chars())
            .collect(),
    ))
}

/// The .NET composite format `{0}`, `{1:D3}`, `{0,-8}`, `{{`, as `format()` uses it. Widths
/// (`D8`, `X4`, an alignment) are honoured up to `max_string_len`; a format vnetlint does not
/// evaluate makes the result unknown rather than a string ARM would not print.
fn format_parts(call: &Call<'_>, fmt: &str, args: &[Value]) -> Result<Vec<TemplatePart>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let not_an_item = || format!("`{{{spec}}}` is not a format item");
                let (item, format) = spec.split_once(':').unwrap_or((&spec, ""));
                let (index, alignment) = item.split_once(',').unwrap_or((item, ""));
                let index: usize = index.trim().parse().map_err(|_| not_an_item())?;
                let alignment: i64 = match alignment.trim() {
                    "" => 0,
                    written => written.parse().map_err(|_| not_an_item())?,
                };
                let arg = args
                    .get(index)
                    .ok_or_else(|| format!("format item {{{index}}} has no argument"))?;
                parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                let formatted = format_item(call, arg, format)?;
                parts.extend(align(call, formatted, alignment)?);
            }
            c => literal.push(c),
        }
    }
    parts.push(TemplatePart::Literal(literal));
    Ok(parts)
}

/// One argument under a format string: `D` (digits, zero-padded) and `X` (hexadecimal) for
/// integers; strings and booleans ignore it, as .NET does.
fn format_item(call: &Call<'_>, arg: &Value, format: &str) -> Result<Vec<TemplatePart>, String> {
    let (Kind::Int(i), Some(kind)) = (&arg.kind, format.chars().next()) else {
        return match &arg.kind {
            Kind::Number(_) if !format.is_empty() => Err(format!(
                "`format` with the format `{format}` of a number is not evaluated by vnetlint"
            )),
            _ => arg.string_parts(),
        };
    };
    let digits = &format[kind.len_utf8()..];
    let width: usize = match digits {
        "" => 0,
        // Digits too many for a number ask for more than any limit allows.
        _ if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().unwrap_or(usize::MAX),
        _ => return Err(format!("`{format}` is not a format vnetlint evaluates")),
    };
    call.string_within(width.saturating_add(1))?;
    let text = match kind {
        'D' | 'd' => {
            // The sign comes before the digits, which alone are padded (`-007`).
            let sign = if *i < 0 { "-" } else { "" };
            format!("{sign}{:0width$}", i.unsigned_abs())
        }
        'X' => format!("{i:0width$X}"),
        'x' => format!("{i:0width$x}"),
        'G' | 'g' if digits.is_empty() => i.to_string(),
        _ => return Err(format!("`{format}` is not a format vnetlint evaluates")),
    };
    Ok(vec![TemplatePart::Literal(text)])
}

/// A formatted item in a field of `alignment` characters: right-aligned when positive,
/// left-aligned when negative, never cut. A value only known at deployment cannot be padded.
fn align(
    call: &Call<'_>,
    parts: Vec<TemplatePart>,
    alignment: i64,
) -> Result<Vec<TemplatePart>, String> {
    if alignment == 0 {
        return Ok(parts);
    }
    let text = match parts.as_slice() {
        [] => String::new(),
        [TemplatePart::Literal(text)] => text.clone(),
        _ => {
            return Err(
                "`format` aligns a value only known at deployment, whose width vnetlint does not know"
                    .to_owned(),
            );
        }
    };
    let width = usize::try_from(alignment.unsigned_abs()).unwrap_or(usize::MAX);
    let missing = width.saturating_sub(text.chars().count());
    call.string_within(text.len().saturating_add(missing))?;
    let padding = " ".repeat(missing);
    Ok(vec![TemplatePart::Literal(if alignment > 0 {
        padding + &text
    } else {
        text + &padding
    })])
}
