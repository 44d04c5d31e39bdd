//! The string functions: `format` (.NET composite formatting), `split`, `join`, `replace`,
//! case, `trim`, `substring`, `startsWith`, `endsWith` and `padLeft`. ARM compares strings
//! ignoring case, so the prefix and suffix tests do too.
//!
//! `format` and `join` keep deployment-time parts: a string built from a `reference()` stays a
//! template naming it.

use vnetlint_ir::TemplatePart;

use super::{Call, Res, int, string};
use crate::value::{Kind, Value, from_parts};

/// `format(fmt, args...)`: takes symbolic arguments, which become parts of the result.
pub(super) fn format(call: &Call<'_>, args: &[Value]) -> Res {
    let Some((fmt, rest)) = args.split_first() else {
        return Err("`format` needs a format string".to_owned());
    };
    Ok(from_parts(format_parts(&string(fmt)?, rest)?, call.span))
}

/// `split(text, delimiter or delimiters)`.
pub(super) fn split(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let text = string(&args[0])?;
    let delimiters: Vec<String> = match &args[1].kind {
        Kind::Array(items) => items.iter().map(string).collect::<Result<_, _>>()?,
        _ => vec![string(&args[1])?],
    };
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
    Ok(from_parts(parts, call.span))
}

pub(super) fn replace(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 3, 3)?;
    let old = string(&args[1])?;
    let text = string(&args[0])?;
    let new = string(&args[2])?;
    call.make(Kind::Str(if old.is_empty() {
        text
    } else {
        text.replace(&old, &new)
    }))
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

/// `padLeft(value, width, [padding])`: the width is capped, so no template can ask for a
/// string of gigabytes.
pub(super) fn padleft(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 3)?;
    let text = match &args[0].kind {
        Kind::Int(i) => i.to_string(),
        _ => string(&args[0])?,
    };
    let width = usize::try_from(int(&args[1])?.clamp(0, 16_384)).unwrap_or(0);
    let pad = args
        .get(2)
        .map(string)
        .transpose()?
        .and_then(|p| p.chars().next())
        .unwrap_or(' ');
    let missing = width.saturating_sub(text.chars().count());
    call.make(Kind::Str(
        std::iter::repeat_n(pad, missing)
            .chain(text.chars())
            .collect(),
    ))
}

/// The .NET composite format `{0}`, `{1:D3}`, `{{`, as `format()` uses it.
fn format_parts(fmt: &str, args: &[Value]) -> Result<Vec<TemplatePart>, String> {
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
                let (index, format) = spec.split_once(':').unwrap_or((&spec, ""));
                let index: usize = index
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{{{spec}}}` is not a format item"))?;
                let arg = args
                    .get(index)
                    .ok_or_else(|| format!("format item {{{index}}} has no argument"))?;
                parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                match (&arg.kind, format.strip_prefix(['D', 'd'])) {
                    (Kind::Int(i), Some(width)) => {
                        let width: usize = width.parse().unwrap_or(0).min(64);
                        parts.push(TemplatePart::Literal(format!("{i:0width$}")));
                    }
                    _ => parts.extend(arg.string_parts()?),
                }
            }
            c => literal.push(c),
        }
    }
    parts.push(TemplatePart::Literal(literal));
    Ok(parts)
}
