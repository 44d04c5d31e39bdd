//! The Terraform built-in functions that network configurations use, over evaluated values.
//!
//! Each follows Terraform 1.x semantics (checked by hand with `terraform console`). An argument
//! that is unresolved makes the result unresolved with the same reason, except where Terraform
//! passes values through unexamined (collection functions keep unknown elements). A function
//! that needs the outside world (files, time, randomness) or that vnetlint does not implement
//! yields `Unknown` naming it; a call Terraform would reject yields `Error`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use vnetlint_diagnostics::Limit;
use vnetlint_ir::Span;

use crate::eval::{
    Budget, Ev, EvKind, ObjectEntry, TemplateBuilder, equal, number, scalar_text, truth,
    unresolved_reason,
};

/// Functions that read files or the environment; not evaluated, so never guessed.
const OUTSIDE_WORLD: &[&str] = &[
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "filebase64sha256",
    "filebase64sha512",
    "templatefile",
    "abspath",
    "pathexpand",
    "timestamp",
    "plantimestamp",
    "uuid",
    "bcrypt",
    "rsadecrypt",
];

/// A number as Terraform prints it: integers without a fraction.
pub(crate) fn format_number(n: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn num(n: f64, span: Span) -> Ev {
    Ev::new(EvKind::Number(format_number(n)), span)
}

fn list(items: Vec<Ev>, span: Span) -> Ev {
    Ev::new(EvKind::List(items), span)
}

fn boolean(b: bool, span: Span) -> Ev {
    Ev::new(EvKind::Bool(b), span)
}

/// Calls function `name`.
pub(crate) fn call(name: &str, args: Vec<Ev>, span: Span, module_dir: &str, budget: &Budget) -> Ev {
    if OUTSIDE_WORLD.contains(&name) {
        return Ev::unknown(
            format!(
                "`{name}(...)` reads files, time or randomness, which vnetlint does not evaluate"
            ),
            span,
        );
    }
    // Pass-through functions keep unknown arguments as they are.
    match name {
        "sensitive" | "nonsensitive" | "ephemeralasnull" => {
            return args.into_iter().next().map_or_else(
                || Ev::error(format!("`{name}` needs one argument"), span),
                |a| a.seen_from(span),
            );
        }
        "coalesce" => return coalesce(args, span),
        "format" | "formatlist" | "join" => {}
        _ => {
            if let Some(bad) = args.iter().find(|a| {
                matches!(
                    a.kind,
                    EvKind::Unknown(_) | EvKind::Error(_) | EvKind::Ref(_) | EvKind::Template(_)
                )
            }) {
                let reason = unresolved_reason(bad);
                return match bad.kind {
                    EvKind::Error(_) => Ev::error(reason, span),
                    EvKind::Ref(ref unknown) => Ev::new(
                        EvKind::Unknown(vnetlint_ir::Unknown {
                            reason: format!(
                                "`{name}(...)` depends on a value only known at deployment: {reason}"
                            ),
                            reference: unknown.reference.clone(),
                        }),
                        span,
                    ),
                    _ => Ev::unknown(
                        format!("`{name}(...)` depends on an unresolved value: {reason}"),
                        span,
                    ),
                };
            }
        }
    }
    let result = call_known(name, args, span, module_dir, budget);
    match result {
        Ok(value) => value,
        Err(reason) => Ev::error(format!("`{name}(...)`: {reason}"), span),
    }
}

type Res = Result<Ev, String>;

fn arg(args: &[Ev], i: usize) -> Result<&Ev, String> {
    args.get(i)
        .ok_or_else(|| format!("argument {} is missing", i + 1))
}

fn string_arg(args: &[Ev], i: usize) -> Result<String, String> {
    let value = arg(args, i)?;
    scalar_text(value).ok_or_else(|| format!("argument {} must be a string", i + 1))
}

fn number_arg(args: &[Ev], i: usize) -> Result<f64, String> {
    number(arg(args, i)?).ok_or_else(|| format!("argument {} must be a number", i + 1))
}

fn int_arg(args: &[Ev], i: usize) -> Result<i64, String> {
    let n = number_arg(args, i)?;
    if n.fract() != 0.0 || n.abs() > 1e15 {
        return Err(format!("argument {} must be a whole number", i + 1));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(n as i64)
}

fn list_arg(args: &[Ev], i: usize) -> Result<Vec<Ev>, String> {
    match &arg(args, i)?.kind {
        EvKind::List(items) => Ok(items.clone()),
        _ => Err(format!("argument {} must be a list", i + 1)),
    }
}

fn object_arg(args: &[Ev], i: usize) -> Result<Vec<ObjectEntry>, String> {
    match &arg(args, i)?.kind {
        EvKind::Object(entries) => Ok(entries.clone()),
        _ => Err(format!("argument {} must be a map", i + 1)),
    }
}

/// The elements of a list as strings; an unresolved element makes the whole unresolved.
fn known_strings(items: &[Ev]) -> Result<Vec<String>, Ev> {
    items
        .iter()
        .map(|item| scalar_text(item).ok_or_else(|| item.clone()))
        .collect()
}

fn sorted_entries(mut entries: Vec<ObjectEntry>) -> Vec<ObjectEntry> {
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    entries
}

/// `toset`: sorted and deduplicated, as Terraform orders a set of strings.
fn to_set(items: Vec<Ev>, span: Span) -> Ev {
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

fn coalesce(args: Vec<Ev>, span: Span) -> Ev {
    for value in args {
        match &value.kind {
            EvKind::Null => {}
            EvKind::Scalar(text) if text.is_empty() => {}
            _ => return value.seen_from(span),
        }
    }
    Ev::error("`coalesce(...)`: no non-null, non-empty argument", span)
}

// Arguments are taken by value to mirror `call`, which moves them into results.
#[allow(clippy::too_many_lines, clippy::needless_pass_by_value)]
fn call_known(name: &str, args: Vec<Ev>, span: Span, module_dir: &str, budget: &Budget) -> Res {
    let value = match name {
        // Networking.
        "cidrsubnet" => {
            let (addr, len) = parse_cidr(&string_arg(&args, 0)?)?;
            let newbits = int_arg(&args, 1)?;
            let netnum = int_arg(&args, 2)?;
            Ev::str(cidr_subnet(addr, len, newbits, netnum)?, span)
        }
        "cidrsubnets" => {
            let (addr, len) = parse_cidr(&string_arg(&args, 0)?)?;
            let mut newbits = Vec::new();
            for i in 1..args.len() {
                newbits.push(int_arg(&args, i)?);
            }
            let subnets = cidr_subnets(addr, len, &newbits)?;
            list(
                subnets.into_iter().map(|s| Ev::str(s, span)).collect(),
                span,
            )
        }
        "cidrhost" => {
            let (addr, len) = parse_cidr(&string_arg(&args, 0)?)?;
            let hostnum = int_arg(&args, 1)?;
            Ev::str(cidr_host(addr, len, hostnum)?, span)
        }
        "cidrnetmask" => {
            let (addr, len) = parse_cidr(&string_arg(&args, 0)?)?;
            if !addr.is_ipv4() {
                return Err("only IPv4 prefixes have a netmask".to_owned());
            }
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            Ev::str(Ipv4Addr::from(mask).to_string(), span)
        }
        // Collections.
        "concat" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(list_arg(&args, i)?);
            }
            list(out, span)
        }
        "distinct" => {
            let mut out: Vec<Ev> = Vec::new();
            for item in list_arg(&args, 0)? {
                if item.is_unresolved() {
                    return Ok(Ev::unknown(
                        format!(
                            "`distinct` meets an unresolved element: {}",
                            unresolved_reason(&item)
                        ),
                        span,
                    ));
                }
                if !out.iter().any(|o| equal(o, &item)) {
                    out.push(item);
                }
            }
            list(out, span)
        }
        "element" => {
            let items = list_arg(&args, 0)?;
            let index = int_arg(&args, 1)?;
            if items.is_empty() {
                return Err("cannot use element on an empty list".to_owned());
            }
            if index < 0 {
                return Err("the index must not be negative".to_owned());
            }
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let at = usize::try_from(index % len).unwrap_or(0);
            items[at].clone().seen_from(span)
        }
        "flatten" => {
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
            walk(list_arg(&args, 0)?, &mut out, 0)?;
            list(out, span)
        }
        "length" => match &arg(&args, 0)?.kind {
            EvKind::List(items) => num(
                f64::from(u32::try_from(items.len()).unwrap_or(u32::MAX)),
                span,
            ),
            EvKind::Object(entries) => num(
                f64::from(u32::try_from(entries.len()).unwrap_or(u32::MAX)),
                span,
            ),
            EvKind::Scalar(text) => num(
                f64::from(u32::try_from(text.chars().count()).unwrap_or(u32::MAX)),
                span,
            ),
            _ => return Err("the argument must be a collection or a string".to_owned()),
        },
        "lookup" => {
            let entries = object_arg(&args, 0)?;
            let key = string_arg(&args, 1)?;
            match entries.into_iter().find(|e| e.key == key) {
                Some(entry) => entry.value.seen_from(span),
                None => match args.get(2) {
                    Some(default) => default.clone().seen_from(span),
                    None => return Err(format!("the map has no key `{key}`")),
                },
            }
        }
        "merge" => {
            let mut out: Vec<ObjectEntry> = Vec::new();
            for value in &args {
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
            Ev::new(EvKind::Object(sorted_entries(out)), span)
        }
        "keys" => {
            let entries = sorted_entries(object_arg(&args, 0)?);
            list(
                entries
                    .into_iter()
                    .map(|e| Ev::str(e.key, e.span))
                    .collect(),
                span,
            )
        }
        "values" => {
            let entries = sorted_entries(object_arg(&args, 0)?);
            list(entries.into_iter().map(|e| e.value).collect(), span)
        }
        "zipmap" => {
            let keys = list_arg(&args, 0)?;
            let values = list_arg(&args, 1)?;
            if keys.len() != values.len() {
                return Err("the key and value lists differ in length".to_owned());
            }
            let keys = match known_strings(&keys) {
                Ok(keys) => keys,
                Err(bad) => return Ok(Ev::unknown(unresolved_reason(&bad), span)),
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
            Ev::new(EvKind::Object(sorted_entries(out)), span)
        }
        "contains" => {
            let items = list_arg(&args, 0)?;
            let needle = arg(&args, 1)?;
            if items.iter().any(|i| equal(i, needle)) {
                boolean(true, span)
            } else if let Some(bad) = items.iter().find(|i| i.is_unresolved()) {
                Ev::unknown(
                    format!(
                        "`contains` meets an unresolved element: {}",
                        unresolved_reason(bad)
                    ),
                    span,
                )
            } else {
                boolean(false, span)
            }
        }
        "coalescelist" => {
            for value in &args {
                match &value.kind {
                    EvKind::List(items) if !items.is_empty() => {
                        return Ok(value.clone().seen_from(span));
                    }
                    EvKind::List(_) | EvKind::Null => {}
                    _ => return Err("every argument must be a list".to_owned()),
                }
            }
            list(Vec::new(), span)
        }
        "compact" => {
            let items = list_arg(&args, 0)?;
            let mut out = Vec::new();
            for item in items {
                match &item.kind {
                    EvKind::Null => {}
                    EvKind::Scalar(text) if text.is_empty() => {}
                    _ => out.push(item),
                }
            }
            list(out, span)
        }
        "range" => {
            let (start, limit, step) = match args.len() {
                1 => (0.0, number_arg(&args, 0)?, 1.0),
                2 => (number_arg(&args, 0)?, number_arg(&args, 1)?, 1.0),
                3 => (
                    number_arg(&args, 0)?,
                    number_arg(&args, 1)?,
                    number_arg(&args, 2)?,
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
            list(out, span)
        }
        "setproduct" => {
            let mut product: Vec<Vec<Ev>> = vec![Vec::new()];
            for i in 0..args.len() {
                let items = list_arg(&args, i)?;
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
            list(product.into_iter().map(|p| list(p, span)).collect(), span)
        }
        "toset" => to_set(list_arg(&args, 0)?, span),
        "tolist" => list(list_arg(&args, 0)?, span),
        "tomap" => Ev::new(EvKind::Object(object_arg(&args, 0)?), span),
        "setunion" | "setintersection" | "setsubtract" => {
            let mut sets = Vec::new();
            for i in 0..args.len() {
                sets.push(list_arg(&args, i)?);
            }
            let Some(first) = sets.first().cloned() else {
                return Err("needs at least one argument".to_owned());
            };
            let out: Vec<Ev> = match name {
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
            to_set(out, span)
        }
        "index" => {
            let items = list_arg(&args, 0)?;
            let needle = arg(&args, 1)?;
            match items.iter().position(|i| equal(i, needle)) {
                Some(at) => num(f64::from(u32::try_from(at).unwrap_or(u32::MAX)), span),
                None => return Err("the value is not in the list".to_owned()),
            }
        }
        "slice" => {
            let items = list_arg(&args, 0)?;
            let start = usize::try_from(int_arg(&args, 1)?).map_err(|_| "bad start index")?;
            let end = usize::try_from(int_arg(&args, 2)?).map_err(|_| "bad end index")?;
            if start > end || end > items.len() {
                return Err("the indices are out of range".to_owned());
            }
            list(items[start..end].to_vec(), span)
        }
        "one" => {
            let items = list_arg(&args, 0)?;
            match items.len() {
                0 => Ev::new(EvKind::Null, span),
                1 => items[0].clone().seen_from(span),
                _ => return Err("the list has more than one element".to_owned()),
            }
        }
        "reverse" => {
            let mut items = list_arg(&args, 0)?;
            items.reverse();
            list(items, span)
        }
        "sort" => {
            let items = list_arg(&args, 0)?;
            let mut keyed = match known_strings(&items) {
                Ok(texts) => texts.into_iter().zip(items).collect::<Vec<_>>(),
                Err(bad) => return Ok(Ev::unknown(unresolved_reason(&bad), span)),
            };
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            list(
                keyed.into_iter().map(|(t, v)| Ev::str(t, v.span)).collect(),
                span,
            )
        }
        "sum" => {
            let items = list_arg(&args, 0)?;
            let mut total = 0.0;
            for item in &items {
                total += number(item).ok_or("every element must be a number")?;
            }
            num(total, span)
        }
        "alltrue" | "anytrue" => {
            let items = list_arg(&args, 0)?;
            let mut values = Vec::new();
            for item in &items {
                match truth(item) {
                    Some(b) => values.push(b),
                    None => return Ok(Ev::unknown(unresolved_reason(item), span)),
                }
            }
            boolean(
                if name == "alltrue" {
                    values.iter().all(|b| *b)
                } else {
                    values.iter().any(|b| *b)
                },
                span,
            )
        }
        "chunklist" => {
            let items = list_arg(&args, 0)?;
            let size = usize::try_from(int_arg(&args, 1)?).map_err(|_| "bad size")?;
            if size == 0 {
                list(vec![list(items, span)], span)
            } else {
                list(
                    items.chunks(size).map(|c| list(c.to_vec(), span)).collect(),
                    span,
                )
            }
        }
        // Strings.
        "format" => format_call(&args, span),
        "formatlist" => formatlist(&args, span),
        "join" => {
            let separator = string_arg(&args, 0)?;
            let mut builder = TemplateBuilder::default();
            let mut first = true;
            for value in args.iter().skip(1) {
                let items = match &value.kind {
                    EvKind::List(items) => items.clone(),
                    _ if value.is_unresolved() => {
                        return Ok(Ev::unknown(unresolved_reason(value), span));
                    }
                    _ => return Err("the lists to join must be lists".to_owned()),
                };
                for item in items {
                    if !first {
                        builder.literal(&separator);
                    }
                    first = false;
                    if let Err(error) = builder.value(item) {
                        return Ok(error);
                    }
                }
            }
            builder.finish(span)
        }
        "split" => {
            let separator = string_arg(&args, 0)?;
            let text = string_arg(&args, 1)?;
            let parts: Vec<Ev> = if separator.is_empty() {
                text.chars().map(|c| Ev::str(c.to_string(), span)).collect()
            } else {
                text.split(separator.as_str())
                    .map(|p| Ev::str(p, span))
                    .collect()
            };
            list(parts, span)
        }
        "lower" => Ev::str(string_arg(&args, 0)?.to_lowercase(), span),
        "upper" => Ev::str(string_arg(&args, 0)?.to_uppercase(), span),
        "title" => {
            let text = string_arg(&args, 0)?;
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
            Ev::str(out, span)
        }
        "replace" => {
            let text = string_arg(&args, 0)?;
            let search = string_arg(&args, 1)?;
            let replacement = string_arg(&args, 2)?;
            if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                return Ok(Ev::unknown(
                    "`replace(...)` with a regular expression is not evaluated by vnetlint",
                    span,
                ));
            }
            if search.is_empty() {
                Ev::str(text, span)
            } else {
                Ev::str(text.replace(&search, &replacement), span)
            }
        }
        "substr" => {
            let text = string_arg(&args, 0)?;
            let chars: Vec<char> = text.chars().collect();
            let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
            let mut offset = int_arg(&args, 1)?;
            let length = int_arg(&args, 2)?;
            if offset < 0 {
                offset += len;
            }
            if offset < 0 || offset > len {
                return Err("the offset is out of range".to_owned());
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
            Ev::str(chars[from..to.max(from)].iter().collect::<String>(), span)
        }
        "trimspace" => Ev::str(string_arg(&args, 0)?.trim(), span),
        "chomp" => Ev::str(string_arg(&args, 0)?.trim_end_matches(['\n', '\r']), span),
        "trim" => {
            let cutset: Vec<char> = string_arg(&args, 1)?.chars().collect();
            Ev::str(string_arg(&args, 0)?.trim_matches(cutset.as_slice()), span)
        }
        "trimprefix" => {
            let text = string_arg(&args, 0)?;
            let prefix = string_arg(&args, 1)?;
            Ev::str(text.strip_prefix(prefix.as_str()).unwrap_or(&text), span)
        }
        "trimsuffix" => {
            let text = string_arg(&args, 0)?;
            let suffix = string_arg(&args, 1)?;
            Ev::str(text.strip_suffix(suffix.as_str()).unwrap_or(&text), span)
        }
        "startswith" => boolean(
            string_arg(&args, 0)?.starts_with(&string_arg(&args, 1)?),
            span,
        ),
        "endswith" => boolean(
            string_arg(&args, 0)?.ends_with(&string_arg(&args, 1)?),
            span,
        ),
        "strcontains" => boolean(string_arg(&args, 0)?.contains(&string_arg(&args, 1)?), span),
        "strrev" => Ev::str(
            string_arg(&args, 0)?.chars().rev().collect::<String>(),
            span,
        ),
        "basename" => {
            let text = string_arg(&args, 0)?;
            Ev::str(text.rsplit('/').next().unwrap_or(""), span)
        }
        "dirname" => {
            let text = string_arg(&args, 0)?;
            Ev::str(text.rsplit_once('/').map_or(".", |(d, _)| d), span)
        }
        // Conversions.
        "tostring" => match &arg(&args, 0)?.kind {
            EvKind::Scalar(_) | EvKind::Number(_) | EvKind::Bool(_) => {
                Ev::str(scalar_text(&args[0]).unwrap_or_default(), span)
            }
            EvKind::Null => Ev::new(EvKind::Null, span),
            _ => return Err("only primitive values convert to a string".to_owned()),
        },
        "tonumber" => match &arg(&args, 0)?.kind {
            EvKind::Null => Ev::new(EvKind::Null, span),
            _ => num(number_arg(&args, 0)?, span),
        },
        "tobool" => match &arg(&args, 0)?.kind {
            EvKind::Null => Ev::new(EvKind::Null, span),
            _ => boolean(truth(&args[0]).ok_or("the value is not a bool")?, span),
        },
        "jsonencode" => {
            let mut out = String::new();
            if let Err(bad) = json_encode(arg(&args, 0)?, &mut out, 0) {
                return Ok(Ev::unknown(
                    format!(
                        "`jsonencode(...)` meets an unresolved value: {}",
                        unresolved_reason(&bad)
                    ),
                    span,
                ));
            }
            Ev::str(out, span)
        }
        "jsondecode" => {
            let text = string_arg(&args, 0)?;
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
            from_json(&value, span, 0)
        }
        // Numbers.
        "min" | "max" => {
            let mut values = Vec::new();
            for i in 0..args.len() {
                values.push(number_arg(&args, i)?);
            }
            let pick = if name == "min" { f64::min } else { f64::max };
            let result = values
                .into_iter()
                .reduce(pick)
                .ok_or("needs at least one argument")?;
            num(result, span)
        }
        "abs" => num(number_arg(&args, 0)?.abs(), span),
        "ceil" => num(number_arg(&args, 0)?.ceil(), span),
        "floor" => num(number_arg(&args, 0)?.floor(), span),
        "signum" => num(number_arg(&args, 0)?.signum(), span),
        "pow" => num(number_arg(&args, 0)?.powf(number_arg(&args, 1)?), span),
        "parseint" => {
            let text = string_arg(&args, 0)?;
            let base = u32::try_from(int_arg(&args, 1)?).map_err(|_| "bad base")?;
            if !(2..=62).contains(&base) || base > 36 {
                return Err("the base must be between 2 and 36".to_owned());
            }
            let parsed = i64::from_str_radix(&text, base).map_err(|e| e.to_string())?;
            #[allow(clippy::cast_precision_loss)]
            num(parsed as f64, span)
        }
        _ => {
            let _ = module_dir;
            Ev::unknown(
                format!("`{name}(...)` is not a function vnetlint evaluates"),
                span,
            )
        }
    };
    Ok(value)
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

fn json_encode(value: &Ev, out: &mut String, depth: usize) -> Result<(), Ev> {
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

/// `format`: the verbs `%s %d %v %q %t %f %x %X %o %b %%`, with flags, width and precision.
/// A deployment-time argument under `%s` or `%v` keeps the result a template with a reference.
fn format_call(args: &[Ev], span: Span) -> Ev {
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
            precision = Some(digits.parse().unwrap_or(0));
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
        let width: usize = width.parse().unwrap_or(0).min(256);
        let precision = precision.map(|p| p.min(64));
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
                    let mut out = String::new();
                    if json_encode(value, &mut out, 0).is_err() {
                        return Ev::unknown("`format(...)` meets an unresolved value", span);
                    }
                    out
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
    }
    if next_arg < args.len() {
        return Ev::error(
            "`format(...)`: too many arguments for the format string",
            span,
        );
    }
    builder.finish(span)
}

/// `formatlist`: `format` over lists, which must have equal lengths; scalars repeat.
fn formatlist(args: &[Ev], span: Span) -> Ev {
    let mut length: Option<usize> = None;
    for value in args.iter().skip(1) {
        if let EvKind::List(items) = &value.kind {
            match length {
                Some(l) if l != items.len() => {
                    return Ev::error("`formatlist(...)`: the lists differ in length", span);
                }
                _ => length = Some(items.len()),
            }
        } else if value.is_unresolved() {
            return Ev::unknown(unresolved_reason(value), span);
        }
    }
    let Some(length) = length else {
        return list(vec![format_call(args, span)], span);
    };
    let mut out = Vec::new();
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
        let mut formatted = format_call(&row, span);
        formatted.span = item_span;
        out.push(formatted);
    }
    list(out, span)
}

fn parse_cidr(text: &str) -> Result<(IpAddr, u32), String> {
    let (addr, len) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not a CIDR prefix"))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| format!("`{text}` is not a CIDR prefix"))?;
    let len: u32 = len
        .parse()
        .map_err(|_| format!("`{text}` is not a CIDR prefix"))?;
    if len > width(addr) {
        return Err(format!("`{text}` has a prefix length out of range"));
    }
    Ok((addr, len))
}

fn width(addr: IpAddr) -> u32 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn to_bits(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(bits: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(
            u32::try_from(bits & 0xffff_ffff).unwrap_or(0),
        ))
    } else {
        IpAddr::V6(Ipv6Addr::from(bits))
    }
}

fn all_ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The network address of `addr/len`.
fn network(addr: IpAddr, len: u32) -> u128 {
    let w = width(addr);
    let host = all_ones(w - len);
    to_bits(addr) & !host & all_ones(w)
}

fn cidr_subnet(addr: IpAddr, len: u32, newbits: i64, netnum: i64) -> Result<String, String> {
    let w = width(addr);
    let newbits = u32::try_from(newbits).map_err(|_| "newbits must not be negative")?;
    let new_len = len + newbits;
    if new_len > w {
        return Err(format!(
            "insufficient address space to extend prefix of {len} by {newbits}"
        ));
    }
    let netnum = u128::try_from(netnum).map_err(|_| "netnum must not be negative")?;
    if newbits < 128 && netnum > all_ones(newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let shifted = if w - new_len >= 128 {
        0
    } else {
        netnum << (w - new_len)
    };
    let bits = network(addr, len) | shifted;
    Ok(format!("{}/{new_len}", from_bits(bits, addr.is_ipv4())))
}

fn cidr_subnets(addr: IpAddr, len: u32, newbits: &[i64]) -> Result<Vec<String>, String> {
    let w = width(addr);
    let mask = all_ones(w);
    let base = network(addr, len);
    let parent_end = base | all_ones(w - len);
    let mut last = base.wrapping_sub(1) & mask;
    let mut out = Vec::new();
    for &nb in newbits {
        let nb = u32::try_from(nb).map_err(|_| "newbits must not be negative")?;
        let new_len = len + nb;
        if nb == 0 || new_len > w {
            return Err(format!("invalid new prefix length {new_len}"));
        }
        let size_minus_one = all_ones(w - new_len);
        let containing = last & !size_minus_one;
        let next = containing.wrapping_add(size_minus_one).wrapping_add(1) & mask;
        let end = next | size_minus_one;
        if next < base || end > parent_end {
            return Err("not enough remaining address space for a subnet".to_owned());
        }
        out.push(format!("{}/{new_len}", from_bits(next, addr.is_ipv4())));
        last = end;
    }
    Ok(out)
}

fn cidr_host(addr: IpAddr, len: u32, hostnum: i64) -> Result<String, String> {
    let w = width(addr);
    let host_bits = w - len;
    let size_minus_one = all_ones(host_bits);
    let offset = if hostnum >= 0 {
        let n = u128::try_from(hostnum).unwrap_or(0);
        if n > size_minus_one {
            return Err(format!(
                "prefix of {len} does not accommodate a host numbered {hostnum}"
            ));
        }
        n
    } else {
        let back = u128::from(hostnum.unsigned_abs());
        if back - 1 > size_minus_one {
            return Err(format!(
                "prefix of {len} does not accommodate a host numbered {hostnum}"
            ));
        }
        size_minus_one - (back - 1)
    };
    Ok(from_bits(network(addr, len) + offset, addr.is_ipv4()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> (IpAddr, u32) {
        parse_cidr(text).unwrap()
    }

    #[test]
    fn cidr_functions_match_terraform() {
        let (a, l) = cidr("10.1.2.0/16");
        assert_eq!(cidr_subnet(a, l, 8, 2).unwrap(), "10.1.2.0/24");
        assert_eq!(
            cidr_subnets(a, l, &[4, 4, 8, 4]).unwrap(),
            [
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ]
        );
        assert_eq!(cidr_host(a, l, 5).unwrap(), "10.1.0.5");
        assert_eq!(cidr_host(a, l, -1).unwrap(), "10.1.255.255");
        let (a, l) = cidr("fd00:fd12:3456:7890::/56");
        assert_eq!(
            cidr_subnet(a, l, 16, 162).unwrap(),
            "fd00:fd12:3456:7800:a200::/72"
        );
        assert!(cidr_subnet(a, l, 80, 1).is_err());
        let (a, l) = cidr("10.0.0.0/30");
        assert!(cidr_host(a, l, 4).is_err());
        assert!(cidr_subnets(a, l, &[1, 1, 1]).is_err());
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.5), "-0.5");
    }
}
