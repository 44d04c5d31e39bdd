//! The string functions: `format` and `formatlist` (Go's verbs, as Terraform implements
//! them), `join`, `split`, case, trimming, prefixes and `replace` (without regular
//! expressions, which vnetlint does not evaluate).
//!
//! `format`, `formatlist` and `join` see unresolved arguments as they are: a deployment-time
//! value under `%s` or joined into a string keeps the result a template with a reference.
//!
//! A function whose result can be longer than its arguments (`replace`, `join`, `format`'s
//! widths and precisions) computes the result's length first and checks it against
//! `max_string_len` before building it; widths and precisions are honoured up to that limit,
//! never cut short.

use super::encoding::{JsonStop, json_text};
use super::{Call, boolean, int_arg, list, string_arg};
use crate::value::{
    Ev, EvKind, Res, TemplateBuilder, estimated_bytes, interpolated_len, number, scalar_text,
    truth, unresolved_reason,
};
use vnetlint_diagnostics::VALUE_BYTES;

// Registered as an `Eager` function, which may fail; this one never does.
#[allow(clippy::unnecessary_wraps)]
pub(super) fn format(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(format_call(call, args))
}

pub(super) fn formatlist(call: &Call<'_>, args: &[Ev]) -> Res {
    format_list(call, args)
}

pub(super) fn join(call: &Call<'_>, args: &[Ev]) -> Res {
    let span = call.span;
    let separator = string_arg(args, 0)?;
    let mut lists = Vec::new();
    for value in args.iter().skip(1) {
        match &value.kind {
            EvKind::List(items) => lists.push(items),
            _ if value.is_unresolved() => {
                return Ok(Ev::unknown(unresolved_reason(value), span));
            }
            _ => return Err("the lists to join must be lists".into()),
        }
    }
    let count: usize = lists.iter().map(|items| items.len()).sum();
    let len = lists
        .iter()
        .flat_map(|items| items.iter())
        .map(interpolated_len)
        .fold(
            separator.len().saturating_mul(count.saturating_sub(1)),
            usize::saturating_add,
        );
    call.string_within(len)?;
    let mut builder = TemplateBuilder::default();
    let mut first = true;
    for items in lists {
        for item in items.iter().cloned() {
            if !first {
                builder.literal(&separator);
            }
            first = false;
            if let Err(error) = builder.value(item) {
                return Ok(error);
            }
        }
    }
    Ok(builder.finish(span))
}

pub(super) fn split(call: &Call<'_>, args: &[Ev]) -> Res {
    let span = call.span;
    let separator = string_arg(args, 0)?;
    let text = string_arg(args, 1)?;
    let pieces = if separator.is_empty() {
        text.chars().count()
    } else {
        text.matches(separator.as_str()).count() + 1
    };
    call.spend(pieces)?;
    call.affordable((pieces as u64).saturating_mul(VALUE_BYTES) + text.len() as u64)?;
    let parts: Vec<Ev> = if separator.is_empty() {
        text.chars().map(|c| Ev::str(c.to_string(), span)).collect()
    } else {
        text.split(separator.as_str())
            .map(|p| Ev::str(p, span))
            .collect()
    };
    Ok(list(parts, span))
}

pub(super) fn lower(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(Ev::str(string_arg(args, 0)?.to_lowercase(), call.span))
}

pub(super) fn upper(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(Ev::str(string_arg(args, 0)?.to_uppercase(), call.span))
}

pub(super) fn title(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    let mut out = String::new();
    let mut at_start = true;
    for c in text.chars() {
        if at_start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_start = !c.is_alphanumeric();
    }
    Ok(Ev::str(out, call.span))
}

pub(super) fn replace(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    let search = string_arg(args, 1)?;
    let replacement = string_arg(args, 2)?;
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        return Ok(Ev::unknown(
            "`replace(...)` with a regular expression is not evaluated by vnetlint",
            call.span,
        ));
    }
    if search.is_empty() {
        return Ok(Ev::str(text, call.span));
    }
    // Each match can multiply the text: the length is known before a byte is copied.
    let matches = text.matches(search.as_str()).count();
    let len = (text.len() - matches * search.len())
        .saturating_add(matches.saturating_mul(replacement.len()));
    call.string_within(len)?;
    Ok(Ev::str(text.replace(&search, &replacement), call.span))
}

pub(super) fn substr(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    let chars: Vec<char> = text.chars().collect();
    let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    let mut offset = int_arg(args, 1)?;
    let length = int_arg(args, 2)?;
    if offset < 0 {
        offset += len;
    }
    if offset < 0 || offset > len {
        return Err("the offset is out of range".into());
    }
    let end = if length < 0 {
        len
    } else {
        (offset + length).min(len)
    };
    let (from, to) = (
        usize::try_from(offset).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    );
    Ok(Ev::str(
        chars[from..to.max(from)].iter().collect::<String>(),
        call.span,
    ))
}

pub(super) fn trimspace(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(Ev::str(string_arg(args, 0)?.trim(), call.span))
}

pub(super) fn chomp(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(Ev::str(
        string_arg(args, 0)?.trim_end_matches(['\n', '\r']),
        call.span,
    ))
}

pub(super) fn trim(call: &Call<'_>, args: &[Ev]) -> Res {
    let cutset: Vec<char> = string_arg(args, 1)?.chars().collect();
    Ok(Ev::str(
        string_arg(args, 0)?.trim_matches(cutset.as_slice()),
        call.span,
    ))
}

pub(super) fn trimprefix(call: &Call<'_>, args: &[Ev]) -> Res {
    let (text, prefix) = (string_arg(args, 0)?, string_arg(args, 1)?);
    Ok(Ev::str(
        text.strip_prefix(prefix.as_str()).unwrap_or(&text),
        call.span,
    ))
}

pub(super) fn trimsuffix(call: &Call<'_>, args: &[Ev]) -> Res {
    let (text, suffix) = (string_arg(args, 0)?, string_arg(args, 1)?);
    Ok(Ev::str(
        text.strip_suffix(suffix.as_str()).unwrap_or(&text),
        call.span,
    ))
}

pub(super) fn startswith(call: &Call<'_>, args: &[Ev]) -> Res {
    let found = string_arg(args, 0)?.starts_with(&string_arg(args, 1)?);
    Ok(boolean(found, call.span))
}

pub(super) fn endswith(call: &Call<'_>, args: &[Ev]) -> Res {
    let found = string_arg(args, 0)?.ends_with(&string_arg(args, 1)?);
    Ok(boolean(found, call.span))
}

pub(super) fn strcontains(call: &Call<'_>, args: &[Ev]) -> Res {
    let found = string_arg(args, 0)?.contains(&string_arg(args, 1)?);
    Ok(boolean(found, call.span))
}

pub(super) fn strrev(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(Ev::str(
        string_arg(args, 0)?.chars().rev().collect::<String>(),
        call.span,
    ))
}

/// `format`: the verbs `%s %d %v %q %t %f %x %X %o %b %%`, with flags, width and precision.
/// A deployment-time argument under `%s` or `%v` keeps the result a template with a reference.
/// Widths and precisions are honoured whatever their size, up to `max_string_len`: past it the
/// result is unknown (with a VNL004), never a shorter string than Terraform prints.
fn format_call(call: &Call<'_>, args: &[Ev]) -> Ev {
    let span = call.span;
    let Some(spec) = args.first() else {
        return Ev::error("`format(...)` needs a format string", span);
    };
    let Some(spec) = scalar_text(spec) else {
        return Ev::unknown(
            format!(
                "the format string is unresolved: {}",
                unresolved_reason(spec)
            ),
            span,
        );
    };
    let mut builder = TemplateBuilder::default();
    let mut chars = spec.chars().peekable();
    let mut next_arg = 1;
    while let Some(c) = chars.next() {
        if c != '%' {
            let mut buffer = [0u8; 4];
            builder.literal(c.encode_utf8(&mut buffer));
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            // Digits too many for a number ask for more than any limit allows.
            precision = Some(if digits.is_empty() {
                0
            } else {
                digits.parse().unwrap_or(usize::MAX)
            });
        }
        let Some(verb) = chars.next() else {
            return Ev::error("`format(...)`: the format string ends inside a verb", span);
        };
        if verb == '%' {
            builder.literal("%");
            continue;
        }
        let Some(value) = args.get(next_arg) else {
            return Ev::error(
                "`format(...)`: too few arguments for the format string",
                span,
            );
        };
        next_arg += 1;
        let width: usize = if width.is_empty() {
            0
        } else {
            width.parse().unwrap_or(usize::MAX)
        };
        // A width or a precision is honoured up to `max_string_len` (a `%f` precision is as
        // many digits): what asks for more is refused before anything is padded.
        let asked = width.max(if verb == 'f' {
            precision.unwrap_or(0)
        } else {
            0
        });
        if let Err(limited) = call.string_within(asked) {
            return Ev::unknown(limited.into_reason(), span);
        }
        if value.is_unresolved() {
            if matches!(value.kind, EvKind::Error(_)) {
                return Ev::error(unresolved_reason(value), span);
            }
            if let Err(error) = builder.value(value.clone()) {
                return error;
            }
            continue;
        }
        let text = match verb {
            's' | 'v' => match &value.kind {
                EvKind::List(_) | EvKind::Object(_) => {
                    match json_text(value, call.budget.limits.max_string_len) {
                        Ok(out) => out,
                        Err(JsonStop::Unresolved(_)) => {
                            return Ev::unknown("`format(...)` meets an unresolved value", span);
                        }
                        Err(JsonStop::TooLong(len)) => {
                            return Ev::unknown(call.too_long(len).into_reason(), span);
                        }
                    }
                }
                EvKind::Null if verb == 'v' => "null".to_owned(),
                _ => match scalar_text(value) {
                    Some(text) => match precision {
                        Some(p) => text.chars().take(p).collect(),
                        None => text,
                    },
                    None => return Ev::error("`format(...)`: the value is not a string", span),
                },
            },
            'q' => match scalar_text(value) {
                Some(text) => serde_json::Value::String(text).to_string(),
                None => return Ev::error("`format(...)`: %q needs a string", span),
            },
            't' => match truth(value) {
                Some(b) => b.to_string(),
                None => return Ev::error("`format(...)`: %t needs a bool", span),
            },
            'd' | 'x' | 'X' | 'o' | 'b' | 'f' | 'e' | 'g' => {
                let Some(n) = number(value) else {
                    return Ev::error(format!("`format(...)`: %{verb} needs a number"), span);
                };
                #[allow(clippy::cast_possible_truncation)]
                let int = n as i64;
                let sign = if flags.contains('+') && n >= 0.0 {
                    "+"
                } else {
                    ""
                };
                match verb {
                    'd' if n.fract() != 0.0 => {
                        return Ev::error("`format(...)`: %d needs a whole number", span);
                    }
                    'd' => format!("{sign}{int}"),
                    'x' => format!("{int:x}"),
                    'X' => format!("{int:X}"),
                    'o' => format!("{int:o}"),
                    'b' => format!("{int:b}"),
                    'e' => format!("{sign}{n:e}"),
                    'g' => format!("{sign}{n}"),
                    _ => format!("{sign}{n:.*}", precision.unwrap_or(6)),
                }
            }
            other => {
                return Ev::error(format!("`format(...)`: unsupported verb %{other}"), span);
            }
        };
        let count = text.chars().count();
        let padded = if count >= width {
            text
        } else if flags.contains('-') {
            format!("{text}{}", " ".repeat(width - count))
        } else if flags.contains('0') && verb != 's' && verb != 'q' {
            let (sign, digits) = match text.strip_prefix('-') {
                Some(rest) => ("-", rest.to_owned()),
                None => ("", text.clone()),
            };
            format!("{sign}{}{digits}", "0".repeat(width - count))
        } else {
            format!("{}{text}", " ".repeat(width - count))
        };
        builder.literal(&padded);
        // Every verb is within the limit, but many of them together may not be.
        if let Err(limited) = call.string_within(builder.len()) {
            return Ev::unknown(limited.into_reason(), span);
        }
    }
    if next_arg < args.len() {
        return Ev::error(
            "`format(...)`: too many arguments for the format string",
            span,
        );
    }
    builder.finish(span)
}

/// `formatlist`: `format` over lists, which must have equal lengths; scalars repeat. Each row
/// is within `max_string_len`, and the rows together must fit in what is left of
/// `max_eval_bytes`: checked as they are built.
fn format_list(call: &Call<'_>, args: &[Ev]) -> Res {
    let span = call.span;
    let mut length: Option<usize> = None;
    for value in args.iter().skip(1) {
        if let EvKind::List(items) = &value.kind {
            match length {
                Some(l) if l != items.len() => {
                    return Ok(Ev::error(
                        "`formatlist(...)`: the lists differ in length",
                        span,
                    ));
                }
                _ => length = Some(items.len()),
            }
        } else if value.is_unresolved() {
            return Ok(Ev::unknown(unresolved_reason(value), span));
        }
    }
    let Some(length) = length else {
        return Ok(list(vec![format_call(call, args)], span));
    };
    let mut out = Vec::new();
    let mut bytes: u64 = 0;
    for i in 0..length {
        let row: Vec<Ev> = args
            .iter()
            .enumerate()
            .map(|(n, value)| match &value.kind {
                EvKind::List(items) if n > 0 => items[i].clone(),
                _ => value.clone(),
            })
            .collect();
        let item_span = row.get(1).map_or(span, |v| v.span);
        let mut formatted = format_call(call, &row);
        formatted.span = item_span;
        bytes = bytes.saturating_add(estimated_bytes(&formatted));
        call.affordable(bytes)?;
        out.push(formatted);
    }
    Ok(list(out, span))
}
