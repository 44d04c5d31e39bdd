//! The array and object functions: building (`createArray`, `createObject`, `range`),
//! combining (`concat`, `union`, `intersection`, `flatten`), reading (`first`, `length`,
//! `items`, `tryGet`, ...) and searching (`contains`, `indexOf`). Several also take strings,
//! as ARM's do. Keys compare case-insensitively, as ARM compares them.
//!
//! Each call costs a step per element of its arguments (`super::call` charges them); `union`
//! and `intersection` compare elements by their canonical keys (sorted, not pair by pair), and
//! `concat` checks the length of a string before building it.

use std::collections::{BTreeMap, BTreeSet};

use vnetlint_diagnostics::Limit;
use vnetlint_ir::TemplatePart;

use super::{Call, Res, int, string};
use crate::value::{Kind, Value, arm_equals, canonical_key, from_parts, part_len};

/// `concat`: arrays end to end when any argument is an array, otherwise strings (which may
/// have deployment-time parts).
pub(super) fn concat(call: &Call<'_>, args: &[Value]) -> Res {
    if args.iter().any(|a| matches!(a.kind, Kind::Array(_))) {
        let mut out = Vec::new();
        for arg in args {
            match &arg.kind {
                Kind::Array(items) => out.extend(items.iter().cloned()),
                Kind::Null => {}
                Kind::Unknown(reason) => return Err(reason.clone()),
                _ => return Err("`concat` mixes arrays and other values".to_owned()),
            }
        }
        return call.make(Kind::Array(out));
    }
    let mut parts: Vec<TemplatePart> = Vec::new();
    for arg in args {
        parts.extend(arg.string_parts()?);
    }
    call.string_within(parts.iter().map(part_len).sum())?;
    Ok(from_parts(parts, call.span))
}

pub(super) fn null(call: &Call<'_>, _args: &[Value]) -> Res {
    call.make(Kind::Null)
}

pub(super) fn createarray(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Array(args.to_vec()))
}

pub(super) fn createobject(call: &Call<'_>, args: &[Value]) -> Res {
    if !args.len().is_multiple_of(2) {
        return Err("`createObject` takes key and value pairs".to_owned());
    }
    let mut members = Vec::new();
    for pair in args.chunks(2) {
        members.push((string(&pair[0])?, pair[1].clone()));
    }
    call.make(Kind::Object(members))
}

/// `union` of its arguments and `shallowMerge` of the array it is given: objects merge with
/// later members winning, arrays join without repeats.
pub(super) fn union(call: &Call<'_>, args: &[Value]) -> Res {
    let items: Vec<Value> = if call.function == "shallowmerge" {
        call.arity(args, 1, 1)?;
        args[0].elements().to_vec()
    } else {
        args.to_vec()
    };
    if items.iter().all(|a| matches!(a.kind, Kind::Object(_))) {
        // The first spelling of a key keeps its place; the last value wins.
        let mut members: Vec<(String, Value)> = Vec::new();
        let mut at: BTreeMap<String, usize> = BTreeMap::new();
        for item in &items {
            for (k, v) in item.members() {
                let slot = *at.entry(k.to_ascii_lowercase()).or_insert(members.len());
                if slot == members.len() {
                    members.push((k.clone(), v.clone()));
                } else {
                    members[slot].1 = v.clone();
                }
            }
        }
        call.make(Kind::Object(members))
    } else if items.iter().all(|a| matches!(a.kind, Kind::Array(_))) {
        let mut out: Vec<Value> = Vec::new();
        let mut seen = BTreeSet::new();
        for item in items.iter().flat_map(Value::elements) {
            // A value without a key equals nothing, not even itself.
            if canonical_key(item).is_none_or(|key| seen.insert(key)) {
                out.push(item.clone());
            }
        }
        call.make(Kind::Array(out))
    } else {
        Err(format!("`{}` needs all arrays or all objects", call.name))
    }
}

pub(super) fn intersection(call: &Call<'_>, args: &[Value]) -> Res {
    let Some((first, rest)) = args.split_first() else {
        return Err("`intersection` needs arguments".to_owned());
    };
    match &first.kind {
        Kind::Array(items) => {
            // The keys of each other array; an element without a key equals nothing.
            let others: Vec<BTreeSet<String>> = rest
                .iter()
                .map(|r| r.elements().iter().filter_map(canonical_key).collect())
                .collect();
            call.make(Kind::Array(
                items
                    .iter()
                    .filter(|i| {
                        canonical_key(i).is_some_and(|key| others.iter().all(|o| o.contains(&key)))
                    })
                    .cloned()
                    .collect(),
            ))
        }
        Kind::Object(members) => {
            // Each other object by lowercase key (its first spelling, as `Value::get` finds).
            let others: Vec<BTreeMap<String, &Value>> = rest
                .iter()
                .map(|r| {
                    let mut by_key = BTreeMap::new();
                    for (k, v) in r.members() {
                        by_key.entry(k.to_ascii_lowercase()).or_insert(v);
                    }
                    by_key
                })
                .collect();
            call.make(Kind::Object(
                members
                    .iter()
                    .filter(|(k, v)| {
                        let key = k.to_ascii_lowercase();
                        others
                            .iter()
                            .all(|o| o.get(&key).is_some_and(|x| arm_equals(x, v)))
                    })
                    .cloned()
                    .collect(),
            ))
        }
        _ => Err("`intersection` needs arrays or objects".to_owned()),
    }
}

pub(super) fn contains(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let found = match &args[0].kind {
        Kind::Str(s) => s.contains(&string(&args[1])?),
        Kind::Array(items) => items.iter().any(|i| arm_equals(i, &args[1])),
        Kind::Object(_) => args[0].get(&string(&args[1])?).is_some(),
        _ => return Err("`contains` needs a string, array or object".to_owned()),
    };
    call.make(Kind::Bool(found))
}

pub(super) fn empty(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    call.make(Kind::Bool(match &args[0].kind {
        Kind::Null => true,
        Kind::Str(s) => s.is_empty(),
        Kind::Array(a) => a.is_empty(),
        Kind::Object(o) => o.is_empty(),
        _ => false,
    }))
}

/// `first` and `last`, of an array or a string.
pub(super) fn first_or_last(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    let first = call.function == "first";
    match &args[0].kind {
        Kind::Array(items) => Ok(if first { items.first() } else { items.last() }
            .cloned()
            .unwrap_or_else(|| Value::new(Kind::Null, call.span))),
        Kind::Str(s) => call.make(Kind::Str(
            if first {
                s.chars().next()
            } else {
                s.chars().last()
            }
            .map(String::from)
            .unwrap_or_default(),
        )),
        _ => Err(format!("`{}` needs an array or string", call.name)),
    }
}

pub(super) fn length(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    let n = match &args[0].kind {
        Kind::Array(a) => a.len(),
        Kind::Object(o) => o.len(),
        Kind::Str(s) => s.chars().count(),
        _ => return Err("`length` needs an array, object or string".to_owned()),
    };
    call.make(Kind::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// `skip` and `take`, of an array or a string.
pub(super) fn skip_or_take(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let n = usize::try_from(int(&args[1])?.max(0)).unwrap_or(usize::MAX);
    let skip = call.function == "skip";
    match &args[0].kind {
        Kind::Array(items) => call.make(Kind::Array(if skip {
            items.iter().skip(n).cloned().collect()
        } else {
            items.iter().take(n).cloned().collect()
        })),
        Kind::Str(s) => call.make(Kind::Str(if skip {
            s.chars().skip(n).collect()
        } else {
            s.chars().take(n).collect()
        })),
        _ => Err(format!("`{}` needs an array or string", call.name)),
    }
}

pub(super) fn range(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let start = int(&args[0])?;
    let count = int(&args[1])?;
    if count < 0 {
        return Err(format!("`range` count {count} is negative"));
    }
    let elements = u64::try_from(count).unwrap_or(u64::MAX);
    call.context
        .budget()
        .within(Limit::Collection, elements, call.span, || {
            format!("`range` would produce {count} elements")
        })?;
    call.make(Kind::Array(
        (0..count)
            .map(|i| Value::new(Kind::Int(start.saturating_add(i)), call.span))
            .collect(),
    ))
}

/// `indexOf` and `lastIndexOf`: of an element in an array, or of a substring (ignoring
/// case, counted in characters); -1 when absent.
pub(super) fn index_of(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let first = call.function == "indexof";
    let found = if let Kind::Array(items) = &args[0].kind {
        let mut positions = items
            .iter()
            .enumerate()
            .filter(|(_, i)| arm_equals(i, &args[1]))
            .map(|(i, _)| i);
        if first {
            positions.next()
        } else {
            positions.next_back()
        }
    } else {
        let text = string(&args[0])?.to_lowercase();
        let needle = string(&args[1])?.to_lowercase();
        let byte = if first {
            text.find(&needle)
        } else {
            text.rfind(&needle)
        };
        byte.map(|b| text[..b].chars().count())
    };
    call.make(Kind::Int(
        found.map_or(-1, |i| i64::try_from(i).unwrap_or(-1)),
    ))
}

/// `items`: an object's members as `{key, value}` objects, sorted by key.
pub(super) fn items(call: &Call<'_>, args: &[Value]) -> Res {
    let span = call.span;
    let mut members = call.one(args)?.members().to_vec();
    members.sort_by_key(|(k, _)| k.to_ascii_lowercase());
    call.make(Kind::Array(
        members
            .into_iter()
            .map(|(k, v)| {
                Value::new(
                    Kind::Object(vec![
                        ("key".to_owned(), Value::new(Kind::Str(k), span)),
                        ("value".to_owned(), v),
                    ]),
                    span,
                )
            })
            .collect(),
    ))
}

pub(super) fn objectkeys(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Array(
        call.one(args)?
            .members()
            .iter()
            .map(|(k, _)| Value::new(Kind::Str(k.clone()), call.span))
            .collect(),
    ))
}

pub(super) fn flatten(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Array(
        call.one(args)?
            .elements()
            .iter()
            .flat_map(|e| e.elements().to_vec())
            .collect(),
    ))
}

/// `tryGet(value, key, ...)`: the nested member or element, or null where one is missing.
pub(super) fn tryget(call: &Call<'_>, args: &[Value]) -> Res {
    let Some((base, keys)) = args.split_first() else {
        return Err("`tryGet` needs a value".to_owned());
    };
    let mut current = base.clone();
    for key in keys {
        let next = match (&current.kind, &key.kind) {
            (Kind::Object(_), _) => current.get(&string(key)?).cloned(),
            (Kind::Array(items), Kind::Int(i)) => {
                usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned()
            }
            _ => None,
        };
        match next {
            Some(next) => current = next,
            None => return call.make(Kind::Null),
        }
    }
    Ok(current)
}
