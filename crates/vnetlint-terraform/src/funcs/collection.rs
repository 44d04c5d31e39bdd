//! The collection functions: lists, sets, maps and the sequences built from them (`concat`,
//! `merge`, `lookup`, `range`, `setproduct`, the set operations, `coalesce`, ...).
//!
//! Unresolved elements pass through unexamined where Terraform does not look at them
//! (`concat` keeps an unknown element); a function that must compare or order elements
//! (`distinct`, `sort`, `toset`) is unresolved when one of them is.
//!
//! Each call costs a step per element of its arguments (`super::call` charges them); the set
//! functions and `distinct` compare elements by their canonical keys (sorted, not pair by
//! pair), and `setproduct` checks the size of its result before building it.

use std::collections::{BTreeMap, BTreeSet};

use vnetlint_diagnostics::{Limit, VALUE_BYTES};
use vnetlint_ir::Span;

use super::{
    Call, arg, boolean, int_arg, known_strings, list, list_arg, num, number_arg, object_arg,
    sorted_entries, string_arg,
};
use crate::value::{
    Ev, EvKind, Fail, ObjectEntry, Res, canonical_key, equal, estimated_bytes, number, scalar_text,
    truth, unresolved_reason,
};

pub(super) fn concat(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut out = Vec::new();
    for i in 0..args.len() {
        out.extend(list_arg(args, i)?.iter().cloned());
    }
    Ok(list(out, call.span))
}

pub(super) fn distinct(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut out: Vec<Ev> = Vec::new();
    let mut seen = BTreeSet::new();
    for item in list_arg(args, 0)? {
        if item.is_unresolved() {
            return Ok(Ev::unknown(
                format!(
                    "`distinct` meets an unresolved element: {}",
                    unresolved_reason(item)
                ),
                call.span,
            ));
        }
        // A value without a key equals nothing, not even itself.
        if canonical_key(item).is_none_or(|key| seen.insert(key)) {
            out.push(item.clone());
        }
    }
    Ok(list(out, call.span))
}

pub(super) fn element(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let index = int_arg(args, 1)?;
    if items.is_empty() {
        return Err("cannot use element on an empty list".into());
    }
    if index < 0 {
        return Err("the index must not be negative".into());
    }
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let at = usize::try_from(index % len).unwrap_or(0);
    Ok(items[at].clone().seen_from(call.span))
}

pub(super) fn flatten(call: &Call<'_>, args: &[Ev]) -> Res {
    /// The elements of the nested lists (each nested list counts too, as it is walked). Lists
    /// nested deeper than vnetlint flattens make the result unknown: Terraform would flatten
    /// them, so it is not an error `try` could catch.
    fn count(items: &[Ev], depth: usize) -> Result<usize, Fail> {
        if depth > 32 {
            return Err(Fail::Limited(
                "the list nests more than 32 levels deep, deeper than vnetlint flattens".to_owned(),
            ));
        }
        items
            .iter()
            .try_fold(items.len(), |total, item| match &item.kind {
                EvKind::List(inner) => Ok(total.saturating_add(count(inner, depth + 1)?)),
                _ => Ok(total),
            })
    }
    fn walk(items: &[Ev], out: &mut Vec<Ev>) {
        for item in items {
            match &item.kind {
                EvKind::List(inner) => walk(inner, out),
                _ => out.push(item.clone()),
            }
        }
    }
    let items = list_arg(args, 0)?;
    call.spend(count(items, 0)?)?;
    let mut out = Vec::new();
    walk(items, &mut out);
    Ok(list(out, call.span))
}

pub(super) fn length(call: &Call<'_>, args: &[Ev]) -> Res {
    let count = match &arg(args, 0)?.kind {
        EvKind::List(items) => items.len(),
        EvKind::Object(entries) => entries.len(),
        EvKind::Scalar(text) => text.chars().count(),
        _ => return Err("the argument must be a collection or a string".into()),
    };
    Ok(num(
        f64::from(u32::try_from(count).unwrap_or(u32::MAX)),
        call.span,
    ))
}

pub(super) fn lookup(call: &Call<'_>, args: &[Ev]) -> Res {
    let entries = object_arg(args, 0)?;
    let key = string_arg(args, 1)?;
    match entries.iter().find(|e| e.key == key) {
        Some(entry) => Ok(entry.value.clone().seen_from(call.span)),
        None => match args.get(2) {
            Some(default) => Ok(default.clone().seen_from(call.span)),
            None => Err(format!("the map has no key `{key}`").into()),
        },
    }
}

pub(super) fn merge(call: &Call<'_>, args: &[Ev]) -> Res {
    // By key, the last one written wins; the result is in key order.
    let mut out: BTreeMap<String, ObjectEntry> = BTreeMap::new();
    for value in args {
        match &value.kind {
            EvKind::Null => {}
            EvKind::Object(entries) => {
                for entry in entries {
                    out.insert(entry.key.clone(), entry.clone());
                }
            }
            _ => return Err("every argument must be a map or an object".into()),
        }
    }
    Ok(Ev::new(
        EvKind::Object(out.into_values().collect()),
        call.span,
    ))
}

pub(super) fn keys(call: &Call<'_>, args: &[Ev]) -> Res {
    let entries = sorted_entries(object_arg(args, 0)?);
    Ok(list(
        entries
            .into_iter()
            .map(|e| Ev::str(e.key.clone(), e.span))
            .collect(),
        call.span,
    ))
}

pub(super) fn values(call: &Call<'_>, args: &[Ev]) -> Res {
    let entries = sorted_entries(object_arg(args, 0)?);
    Ok(list(
        entries.into_iter().map(|e| e.value.clone()).collect(),
        call.span,
    ))
}

pub(super) fn zipmap(call: &Call<'_>, args: &[Ev]) -> Res {
    let keys = list_arg(args, 0)?;
    let values = list_arg(args, 1)?;
    if keys.len() != values.len() {
        return Err("the key and value lists differ in length".into());
    }
    let keys = match known_strings(keys) {
        Ok(keys) => keys,
        Err(bad) => return Ok(Ev::unknown(unresolved_reason(&bad), call.span)),
    };
    // By key, the last one written wins; the result is in key order.
    let mut out: BTreeMap<String, ObjectEntry> = BTreeMap::new();
    for (key, value) in keys.into_iter().zip(values.iter().cloned()) {
        let entry = ObjectEntry {
            key: key.clone(),
            span: value.span,
            value,
        };
        out.insert(key, entry);
    }
    Ok(Ev::new(
        EvKind::Object(out.into_values().collect()),
        call.span,
    ))
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
            _ => return Err("every argument must be a list".into()),
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
            _ => out.push(item.clone()),
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
        _ => return Err("takes one to three arguments".into()),
    };
    if step == 0.0 {
        return Err("the step must not be zero".into());
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
    let span = call.span;
    let mut sets = Vec::new();
    for i in 0..args.len() {
        sets.push(list_arg(args, i)?);
    }
    if sets.is_empty() {
        return Err("needs at least one argument".into());
    }
    // The size of the product, checked before it is built: its element count, the steps of
    // building it, and its bytes (each element of a set is copied once per combination of
    // the other sets' elements).
    let count = sets
        .iter()
        .try_fold(1_usize, |product, set| product.checked_mul(set.len()))
        .unwrap_or(usize::MAX);
    let max = call.budget.limits.max_collection;
    let what = || format!("`setproduct(...)` produces more than {max} elements");
    (call
        .budget
        .within(Limit::Collection, count as u64, span, what))
    .map_err(Fail::Limited)?;
    call.spend(count.saturating_mul(sets.len()))?;
    let mut bytes = (count as u64).saturating_mul(VALUE_BYTES);
    for set in sets.iter().filter(|set| !set.is_empty()) {
        let copies = (count / set.len()) as u64;
        let set_bytes: u64 = set.iter().map(estimated_bytes).sum();
        bytes = bytes.saturating_add(set_bytes.saturating_mul(copies));
    }
    call.affordable(bytes)?;
    let mut product: Vec<Vec<Ev>> = vec![Vec::new()];
    for items in &sets {
        let mut next = Vec::with_capacity(product.len() * items.len());
        for prefix in &product {
            for item in *items {
                let mut combined = prefix.clone();
                combined.push(item.clone());
                next.push(combined);
            }
        }
        product = next;
    }
    Ok(list(
        product.into_iter().map(|p| list(p, span)).collect(),
        span,
    ))
}

/// `setunion`, `setintersection` and `setsubtract`, told apart by the call's name. Membership
/// is decided by canonical key, so that two sets of ten thousand compare in n log n, not n².
pub(super) fn set_operation(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut sets = Vec::new();
    for i in 0..args.len() {
        sets.push(list_arg(args, i)?);
    }
    if sets.is_empty() {
        return Err("needs at least one argument".into());
    }
    let first = sets.remove(0).iter().cloned();
    // The keys of each other set; an element without a key equals nothing.
    let others: Vec<BTreeSet<String>> = sets
        .iter()
        .map(|set| set.iter().filter_map(canonical_key).collect())
        .collect();
    let out: Vec<Ev> = match call.name {
        "setunion" => first.chain(sets.into_iter().flatten().cloned()).collect(),
        "setintersection" => first
            .filter(|item| {
                canonical_key(item).is_some_and(|key| others.iter().all(|o| o.contains(&key)))
            })
            .collect(),
        _ => first
            .filter(|item| {
                canonical_key(item).is_none_or(|key| !others.iter().any(|o| o.contains(&key)))
            })
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
        None => Err("the value is not in the list".into()),
    }
}

pub(super) fn slice(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let start = usize::try_from(int_arg(args, 1)?).map_err(|_| "bad start index")?;
    let end = usize::try_from(int_arg(args, 2)?).map_err(|_| "bad end index")?;
    if start > end || end > items.len() {
        return Err("the indices are out of range".into());
    }
    Ok(list(items[start..end].to_vec(), call.span))
}

pub(super) fn one(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    match items.len() {
        0 => Ok(Ev::new(EvKind::Null, call.span)),
        1 => Ok(items[0].clone().seen_from(call.span)),
        _ => Err("the list has more than one element".into()),
    }
}

pub(super) fn reverse(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut items = list_arg(args, 0)?.to_vec();
    items.reverse();
    Ok(list(items, call.span))
}

pub(super) fn sort(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let mut keyed = match known_strings(items) {
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
    for item in items {
        total += number(item).ok_or("every element must be a number")?;
    }
    Ok(num(total, call.span))
}

/// `alltrue` and `anytrue`, told apart by the call's name.
pub(super) fn all_or_any_true(call: &Call<'_>, args: &[Ev]) -> Res {
    let items = list_arg(args, 0)?;
    let mut values = Vec::new();
    for item in items {
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
        list(vec![list(items.to_vec(), span)], span)
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
    // The canonical keys of the elements that are not scalars, kept once each.
    let mut collections = BTreeSet::new();
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
                if canonical_key(&item).is_none_or(|key| collections.insert(key)) {
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
