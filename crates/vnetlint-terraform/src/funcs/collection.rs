//! The collection functions: lists, sets, maps and the sequences built from them (`concat`,
//! `merge`, `lookup`, `range`, `setproduct`, the set operations, `coalesce`, ...).
//!
//! Unresolved elements pass through unexamined where Terraform does not look at them
//! (`concat` keeps an unknown element); a function that must compare or order elements
//! (`distinct`, `sort`, `toset`) is unresolved when one of them is.

use vnetlint_diagnostics::Limit;
use vnetlint_ir::Span;

use super::{
    Call, arg, boolean, int_arg, known_strings, list, list_arg, num, number_arg, object_arg,
    sorted_entries, string_arg,
};
use crate::value::{
    Ev, EvKind, ObjectEntry, Res, equal, number, scalar_text, truth, unresolved_reason,
};

pub(super) fn concat(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut out = Vec::new();
    for i in 0..args.len() {
        out.extend(list_arg(args, i)?);
    }
    Ok(list(out, call.span))
}

pub(super) fn distinct(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut out: Vec<Ev> = Vec::new();
    for item in list_arg(args, 0)? {
        if item.is_unresolved() {
            return Ok(Ev::unknown(
                format!(
                    "`distinct` meets an unresolved element: {}",
                    unresolved_reason(&item)
                ),
                call.span,
            ));
        }
        if !out.iter().any(|o| equal(o, &item)) {
            out.push(item);
        }
    }
    Ok(list(out, call.span))
}

pub(super) fn element(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let index = int_arg(args, 1)?;
    if items.is_empty() {
        return Err("cannot use element on an empty list".to_owned());
    }
    if index < 0 {
        return Err("the index must not be negative".to_owned());
    }
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let at = usize::try_from(index % len).unwrap_or(0);
    Ok(items[at].clone().seen_from(call.span))
}

pub(super) fn flatten(call: &Call<'_>, args: &[Ev]) -> Res {
    fn walk(items: Vec<Ev>, out: &mut Vec<Ev>, depth: usize) -> Result<(), String> {
        if depth > 32 {
            return Err("the list nests too deeply".to_owned());
        }
        for item in items {
            match item.kind {
                EvKind::List(inner) => walk(inner, out, depth + 1)?,
                _ => out.push(item),
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(list_arg(args, 0)?, &mut out, 0)?;
    Ok(list(out, call.span))
}

pub(super) fn length(call: &Call<'_>, args: &[Ev]) -> Res {
    let count = match &arg(args, 0)?.kind {
        EvKind::List(items) => items.len(),
        EvKind::Object(entries) => entries.len(),
        EvKind::Scalar(text) => text.chars().count(),
        _ => return Err("the argument must be a collection or a string".to_owned()),
    };
    Ok(num(
        f64::from(u32::try_from(count).unwrap_or(u32::MAX)),
        call.span,
    ))
}

pub(super) fn lookup(call: &Call<'_>, args: &[Ev]) -> Res {
    let entries = object_arg(args, 0)?;
    let key = string_arg(args, 1)?;
    match entries.into_iter().find(|e| e.key == key) {
        Some(entry) => Ok(entry.value.seen_from(call.span)),
        None => match args.get(2) {
            Some(default) => Ok(default.clone().seen_from(call.span)),
            None => Err(format!("the map has no key `{key}`")),
        },
    }
}

pub(super) fn merge(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut out: Vec<ObjectEntry> = Vec::new();
    for value in args {
        match &value.kind {
            EvKind::Null => {}
            EvKind::Object(entries) => {
                for entry in entries {
                    out.retain(|e| e.key != entry.key);
                    out.push(entry.clone());
                }
            }
            _ => return Err("every argument must be a map or an object".to_owned()),
        }
    }
    Ok(Ev::new(EvKind::Object(sorted_entries(out)), call.span))
}

pub(super) fn keys(call: &Call<'_>, args: &[Ev]) -> Res {
    let entries = sorted_entries(object_arg(args, 0)?);
    Ok(list(
        entries
            .into_iter()
            .map(|e| Ev::str(e.key, e.span))
            .collect(),
        call.span,
    ))
}

pub(super) fn values(call: &Call<'_>, args: &[Ev]) -> Res {
    let entries = sorted_entries(object_arg(args, 0)?);
    Ok(list(
        entries.into_iter().map(|e| e.value).collect(),
        call.span,
    ))
}

pub(super) fn zipmap(call: &Call<'_>, args: &[Ev]) -> Res {
    let keys = list_arg(args, 0)?;
    let values = list_arg(args, 1)?;
    if keys.len() != values.len() {
        return Err("the key and value lists differ in length".to_owned());
    }
    let keys = match known_strings(&keys) {
        Ok(keys) => keys,
        Err(bad) => return Ok(Ev::unknown(unresolved_reason(&bad), call.span)),
    };
    let mut out: Vec<ObjectEntry> = Vec::new();
    for (key, value) in keys.into_iter().zip(values) {
        out.retain(|e| e.key != key);
        out.push(ObjectEntry {
            key,
            span: value.span,
            value,
        });
    }
    Ok(Ev::new(EvKind::Object(sorted_entries(out)), call.span))
}

pub(super) fn contains(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let needle = arg(args, 1)?;
    Ok(if items.iter().any(|i| equal(i, needle)) {
        boolean(true, call.span)
    } else if let Some(bad) = items.iter().find(|i| i.is_unresolved()) {
        Ev::unknown(
            format!(
                "`contains` meets an unresolved element: {}",
                unresolved_reason(bad)
            ),
            call.span,
        )
    } else {
        boolean(false, call.span)
    })
}

/// The first argument that is neither null nor an empty string; unresolved ones count as set.
// Registered as an `Eager` function, which may fail; this one never does.
#[allow(clippy::unnecessary_wraps)]
pub(super) fn coalesce(call: &Call<'_>, args: &[Ev]) -> Res {
    for value in args {
        match &value.kind {
            EvKind::Null => {}
            EvKind::Scalar(text) if text.is_empty() => {}
            _ => return Ok(value.clone().seen_from(call.span)),
        }
    }
    Ok(Ev::error(
        "`coalesce(...)`: no non-null, non-empty argument",
        call.span,
    ))
}

pub(super) fn coalescelist(call: &Call<'_>, args: &[Ev]) -> Res {
    for value in args {
        match &value.kind {
            EvKind::List(items) if !items.is_empty() => {
                return Ok(value.clone().seen_from(call.span));
            }
            EvKind::List(_) | EvKind::Null => {}
            _ => return Err("every argument must be a list".to_owned()),
        }
    }
    Ok(list(Vec::new(), call.span))
}

pub(super) fn compact(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            EvKind::Null => {}
            EvKind::Scalar(text) if text.is_empty() => {}
            _ => out.push(item),
        }
    }
    Ok(list(out, call.span))
}

pub(super) fn range(call: &Call<'_>, args: &[Ev]) -> Res {
    let (span, budget) = (call.span, call.budget);
    let (start, limit, step) = match args.len() {
        1 => (0.0, number_arg(args, 0)?, 1.0),
        2 => (number_arg(args, 0)?, number_arg(args, 1)?, 1.0),
        3 => (
            number_arg(args, 0)?,
            number_arg(args, 1)?,
            number_arg(args, 2)?,
        ),
        _ => return Err("takes one to three arguments".to_owned()),
    };
    if step == 0.0 {
        return Err("the step must not be zero".to_owned());
    }
    let mut out = Vec::new();
    let mut current = start;
    while (step > 0.0 && current < limit) || (step < 0.0 && current > limit) {
        if out.len() >= budget.limits.max_collection {
            let reason = budget.exceeded(
                Limit::Collection,
                span,
                &format!("`range(...)` produces more than {} elements", out.len()),
            );
            return Ok(Ev::unknown(reason, span));
        }
        out.push(num(current, span));
        current += step;
    }
    Ok(list(out, span))
}

pub(super) fn setproduct(call: &Call<'_>, args: &[Ev]) -> Res {
    let (span, budget) = (call.span, call.budget);
    let mut product: Vec<Vec<Ev>> = vec![Vec::new()];
    for i in 0..args.len() {
        let items = list_arg(args, i)?;
        let mut next = Vec::new();
        for prefix in &product {
            for item in &items {
                if next.len() >= budget.limits.max_collection {
                    let what = format!(
                        "`setproduct(...)` produces more than {} elements",
                        next.len()
                    );
                    let reason = budget.exceeded(Limit::Collection, span, &what);
                    return Ok(Ev::unknown(reason, span));
                }
                let mut combined = prefix.clone();
                combined.push(item.clone());
                next.push(combined);
            }
        }
        product = next;
    }
    if args.is_empty() {
        return Err("needs at least one argument".to_owned());
    }
    Ok(list(
        product.into_iter().map(|p| list(p, span)).collect(),
        span,
    ))
}

/// `setunion`, `setintersection` and `setsubtract`, told apart by the call's name.
pub(super) fn set_operation(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut sets = Vec::new();
    for i in 0..args.len() {
        sets.push(list_arg(args, i)?);
    }
    let Some(first) = sets.first().cloned() else {
        return Err("needs at least one argument".to_owned());
    };
    let out: Vec<Ev> = match call.name {
        "setunion" => sets.into_iter().flatten().collect(),
        "setintersection" => first
            .into_iter()
            .filter(|item| sets[1..].iter().all(|s| s.iter().any(|o| equal(o, item))))
            .collect(),
        _ => first
            .into_iter()
            .filter(|item| !sets[1..].iter().any(|s| s.iter().any(|o| equal(o, item))))
            .collect(),
    };
    Ok(to_set(out, call.span))
}

pub(super) fn index(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let needle = arg(args, 1)?;
    match items.iter().position(|i| equal(i, needle)) {
        Some(at) => Ok(num(
            f64::from(u32::try_from(at).unwrap_or(u32::MAX)),
            call.span,
        )),
        None => Err("the value is not in the list".to_owned()),
    }
}

pub(super) fn slice(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let start = usize::try_from(int_arg(args, 1)?).map_err(|_| "bad start index")?;
    let end = usize::try_from(int_arg(args, 2)?).map_err(|_| "bad end index")?;
    if start > end || end > items.len() {
        return Err("the indices are out of range".to_owned());
    }
    Ok(list(items[start..end].to_vec(), call.span))
}

pub(super) fn one(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    match items.len() {
        0 => Ok(Ev::new(EvKind::Null, call.span)),
        1 => Ok(items[0].clone().seen_from(call.span)),
        _ => Err("the list has more than one element".to_owned()),
    }
}

pub(super) fn reverse(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut items = list_arg(args, 0)?;
    items.reverse();
    Ok(list(items, call.span))
}

pub(super) fn sort(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let mut keyed = match known_strings(&items) {
        Ok(texts) => texts.into_iter().zip(items).collect::<Vec<_>>(),
        Err(bad) => return Ok(Ev::unknown(unresolved_reason(&bad), call.span)),
    };
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(list(
        keyed.into_iter().map(|(t, v)| Ev::str(t, v.span)).collect(),
        call.span,
    ))
}

pub(super) fn sum(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let mut total = 0.0;
    for item in &items {
        total += number(item).ok_or("every element must be a number")?;
    }
    Ok(num(total, call.span))
}

/// `alltrue` and `anytrue`, told apart by the call's name.
pub(super) fn all_or_any_true(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let mut values = Vec::new();
    for item in &items {
        match truth(item) {
            Some(b) => values.push(b),
            None => return Ok(Ev::unknown(unresolved_reason(item), call.span)),
        }
    }
    Ok(boolean(
        if call.name == "alltrue" {
            values.iter().all(|b| *b)
        } else {
            values.iter().any(|b| *b)
        },
        call.span,
    ))
}

pub(super) fn chunklist(call: &Call<'_>, args: &[Ev]) -> Res {
    let span = call.span;
    let items = list_arg(args, 0)?;
    let size = usize::try_from(int_arg(args, 1)?).map_err(|_| "bad size")?;
    Ok(if size == 0 {
        list(vec![list(items, span)], span)
    } else {
        list(
            items.chunks(size).map(|c| list(c.to_vec(), span)).collect(),
            span,
        )
    })
}

/// `toset` and the set functions: sorted and deduplicated, as Terraform orders a set of
/// strings (numbers by value when every element is a number).
pub(super) fn to_set(items: Vec<Ev>, span: Span) -> Ev {
    let all_numbers = items.iter().all(|i| matches!(i.kind, EvKind::Number(_)));
    let mut keyed: Vec<(String, Ev)> = Vec::new();
    for item in items {
        match scalar_text(&item) {
            Some(text) => keyed.push((text, item)),
            None if item.is_unresolved() => {
                return Ev::unknown(
                    format!(
                        "the set has an unresolved element: {}",
                        unresolved_reason(&item)
                    ),
                    span,
                );
            }
            None => {
                if !keyed.iter().any(|(_, k)| equal(k, &item)) {
                    keyed.push((String::new(), item));
                }
            }
        }
    }
    if all_numbers {
        keyed.sort_by(|a, b| {
            let x = a.0.parse::<f64>().unwrap_or(0.0);
            let y = b.0.parse::<f64>().unwrap_or(0.0);
            x.total_cmp(&y)
        });
    } else {
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        for (text, item) in &mut keyed {
            if matches!(item.kind, EvKind::Number(_) | EvKind::Bool(_)) {
                item.kind = EvKind::Scalar(text.clone());
            }
        }
    }
    keyed.dedup_by(|a, b| a.0 == b.0 && !a.0.is_empty());
    list(keyed.into_iter().map(|(_, v)| v).collect(), span)
}
