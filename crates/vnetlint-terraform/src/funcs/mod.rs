//! The Terraform built-in functions that network configurations use, over evaluated values:
//! one file per family, and here the one registration table (`lookup`), the call protocol
//! and the argument helpers the families share.
//!
//! Each follows Terraform 1.x semantics (checked by hand with `terraform console`). An argument
//! that is unresolved makes the result unresolved with the same reason, except where Terraform
//! passes values through unexamined (collection functions keep unknown elements). A function
//! that needs the outside world (files, time or randomness) or that vnetlint does not implement
//! yields `Unknown` naming it; a call Terraform would reject yields `Error`.
//!
//! The functions know nothing of the evaluator: they see values (`crate::value`) and a
//! [`Call`], which carries the evaluation's [`Budget`] for the functions that build large
//! values. Adding a function is its body in a family file plus one line in `lookup`.

mod collection;
mod conversion;
mod encoding;
mod filesystem;
mod network;
mod numeric;
mod string;

use vnetlint_diagnostics::Budget;
use vnetlint_ir::{Span, Unknown};

use crate::value::{
    Ev, EvKind, Fail, ObjectEntry, Res, format_number, number, scalar_text, unresolved_reason,
};

/// One call of a built-in function: all a function knows of its caller.
pub(crate) struct Call<'a> {
    /// The function's name, as registered (functions that serve several names read it).
    pub(crate) name: &'a str,
    /// The call expression: results point here.
    pub(crate) span: Span,
    /// The limits of the evaluation, for functions whose result can grow large.
    pub(crate) budget: &'a Budget,
}

impl Call<'_> {
    /// Charges a step per element the function walks, before it walks them.
    fn spend(&self, elements: usize) -> Result<(), Fail> {
        (self.budget.spend_on(self.name, elements, self.span)).map_err(Fail::Limited)
    }

    /// Checks the length of a string (`len` bytes at least) before building it.
    fn string_within(&self, len: usize) -> Result<(), Fail> {
        (self.budget.string_of(self.name, len, self.span)).map_err(Fail::Limited)
    }

    /// The string the call builds passes `max_string_len`: it has `len` bytes at least.
    fn too_long(&self, len: usize) -> Fail {
        Fail::Limited(self.budget.too_long(self.name, len, self.span))
    }

    /// Checks that a result of an estimated `bytes` fits in what is left of `max_eval_bytes`.
    fn affordable(&self, bytes: u64) -> Result<(), Fail> {
        (self.budget.affordable(self.name, bytes, self.span)).map_err(Fail::Limited)
    }
}

/// A function over evaluated arguments; `Err` is why it has no value.
pub(crate) type Eager = fn(&Call<'_>, &[Ev]) -> Res;

/// A function that evaluates its arguments itself, in order, as far as it needs them.
pub(crate) type Lazy = fn(&Call<'_>, &mut dyn Iterator<Item = Ev>) -> Ev;

/// How a function takes its arguments.
#[derive(Clone, Copy)]
pub(crate) enum Body {
    /// Evaluated and resolved: an unresolved argument makes the result unresolved without
    /// calling the function.
    Known(Eager),
    /// Evaluated and passed as they are: the function handles unresolved ones itself.
    Unexamined(Eager),
    /// Evaluated one by one when the function asks (`try`, `can`, which catch errors).
    Lazy(Lazy),
}

/// How function `name` takes its arguments; `None` when vnetlint does not know it.
///
/// This match is the registration table: every function vnetlint evaluates (or knowingly does
/// not), by family, names that share a body on one line. A name registered twice is an
/// unreachable pattern, which the build rejects.
pub(crate) fn lookup(name: &str) -> Option<Body> {
    use Body::{Known, Lazy, Unexamined};
    Some(match name {
        // Collections (collection.rs).
        "alltrue" | "anytrue" => Known(collection::all_or_any_true),
        "chunklist" => Known(collection::chunklist),
        "coalesce" => Unexamined(collection::coalesce),
        "coalescelist" => Known(collection::coalescelist),
        "compact" => Known(collection::compact),
        "concat" => Known(collection::concat),
        "contains" => Known(collection::contains),
        "distinct" => Known(collection::distinct),
        "element" => Known(collection::element),
        "flatten" => Known(collection::flatten),
        "index" => Known(collection::index),
        "keys" => Known(collection::keys),
        "length" => Known(collection::length),
        "lookup" => Known(collection::lookup),
        "merge" => Known(collection::merge),
        "one" => Known(collection::one),
        "range" => Known(collection::range),
        "reverse" => Known(collection::reverse),
        "setintersection" | "setsubtract" | "setunion" => Known(collection::set_operation),
        "setproduct" => Known(collection::setproduct),
        "slice" => Known(collection::slice),
        "sort" => Known(collection::sort),
        "sum" => Known(collection::sum),
        "values" => Known(collection::values),
        "zipmap" => Known(collection::zipmap),
        // Type conversions, sensitivity and error handling (conversion.rs).
        "can" => Lazy(conversion::can),
        "ephemeralasnull" | "nonsensitive" | "sensitive" => Unexamined(conversion::pass_through),
        "tobool" => Known(conversion::tobool),
        "tolist" => Known(conversion::tolist),
        "tomap" => Known(conversion::tomap),
        "tonumber" => Known(conversion::tonumber),
        "toset" => Known(conversion::toset),
        "tostring" => Known(conversion::tostring),
        "try" => Lazy(conversion::try_each),
        // Encoding (encoding.rs).
        "jsondecode" => Known(encoding::jsondecode),
        "jsonencode" => Known(encoding::jsonencode),
        // Paths, and what reads files, time or randomness (filesystem.rs).
        "abspath" | "bcrypt" | "file" | "filebase64" | "filebase64sha256" | "filebase64sha512"
        | "fileexists" | "filemd5" | "fileset" | "filesha1" | "filesha256" | "filesha512"
        | "pathexpand" | "plantimestamp" | "rsadecrypt" | "templatefile" | "timestamp" | "uuid" => {
            Unexamined(filesystem::outside_world)
        }
        "basename" => Known(filesystem::basename),
        "dirname" => Known(filesystem::dirname),
        // IP networks (network.rs).
        "cidrhost" => Known(network::cidrhost),
        "cidrnetmask" => Known(network::cidrnetmask),
        "cidrsubnet" => Known(network::cidrsubnet),
        "cidrsubnets" => Known(network::cidrsubnets),
        // Numbers (numeric.rs).
        "abs" => Known(numeric::abs),
        "ceil" => Known(numeric::ceil),
        "floor" => Known(numeric::floor),
        "max" | "min" => Known(numeric::min_or_max),
        "parseint" => Known(numeric::parseint),
        "pow" => Known(numeric::pow),
        "signum" => Known(numeric::signum),
        // Strings (string.rs).
        "chomp" => Known(string::chomp),
        "endswith" => Known(string::endswith),
        "format" => Unexamined(string::format),
        "formatlist" => Unexamined(string::formatlist),
        "join" => Unexamined(string::join),
        "lower" => Known(string::lower),
        "replace" => Known(string::replace),
        "split" => Known(string::split),
        "startswith" => Known(string::startswith),
        "strcontains" => Known(string::strcontains),
        "strrev" => Known(string::strrev),
        "substr" => Known(string::substr),
        "title" => Known(string::title),
        "trim" => Known(string::trim),
        "trimprefix" => Known(string::trimprefix),
        "trimspace" => Known(string::trimspace),
        "trimsuffix" => Known(string::trimsuffix),
        "upper" => Known(string::upper),
        _ => return None,
    })
}

/// Calls `function` (what [`lookup`] found for `call.name`) with evaluated arguments. An
/// unknown function still sees its arguments examined, so an unresolved argument is reported
/// as such rather than hidden behind the unknown function.
pub(crate) fn call(call: &Call<'_>, function: Option<Body>, args: &[Ev]) -> Ev {
    let (examine, body): (bool, Eager) = match function {
        Some(Body::Known(body)) => (true, body),
        Some(Body::Unexamined(body)) => (false, body),
        // Arguments already evaluated are taken in order.
        Some(Body::Lazy(body)) => return body(call, &mut args.iter().cloned()),
        None => (true, not_evaluated),
    };
    if examine && let Some(bad) = args.iter().find(|a| a.is_unresolved()) {
        return unresolved_argument(call, bad);
    }
    // A function walks (at least copies) the elements of its arguments: a step each, so that a
    // call repeated per instance over a large collection is bounded like the loop it is.
    let elements: usize = args.iter().map(elements).sum();
    match call.spend(elements).and_then(|()| body(call, args)) {
        Ok(value) => value,
        Err(Fail::Rejected(reason)) => {
            Ev::error(format!("`{}(...)`: {reason}", call.name), call.span)
        }
        Err(Fail::Limited(reason)) => Ev::unknown(reason, call.span),
    }
}

/// The elements of a list or map (none for anything else).
fn elements(value: &Ev) -> usize {
    match &value.kind {
        EvKind::List(items) => items.len(),
        EvKind::Object(entries) => entries.len(),
        _ => 0,
    }
}

/// The result of a call with an unresolved argument: its error, or unknown with its reason
/// (and its reference, when the argument is a deployment-time attribute).
fn unresolved_argument(call: &Call<'_>, bad: &Ev) -> Ev {
    let (name, span) = (call.name, call.span);
    let reason = unresolved_reason(bad);
    match &bad.kind {
        EvKind::Error(_) => Ev::error(reason, span),
        EvKind::Ref(unknown) => Ev::new(
            EvKind::Unknown(Unknown {
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
    }
}

// Registered as an `Eager` function, which may fail; this one never does.
#[allow(clippy::unnecessary_wraps)]
fn not_evaluated(call: &Call<'_>, _args: &[Ev]) -> Res {
    Ok(Ev::unknown(
        format!("`{}(...)` is not a function vnetlint evaluates", call.name),
        call.span,
    ))
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

fn list_arg(args: &[Ev], i: usize) -> Result<&[Ev], String> {
    match &arg(args, i)?.kind {
        EvKind::List(items) => Ok(items),
        _ => Err(format!("argument {} must be a list", i + 1)),
    }
}

fn object_arg(args: &[Ev], i: usize) -> Result<&[ObjectEntry], String> {
    match &arg(args, i)?.kind {
        EvKind::Object(entries) => Ok(entries),
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

/// The entries of a map in key order, as Terraform iterates it.
fn sorted_entries(entries: &[ObjectEntry]) -> Vec<&ObjectEntry> {
    let mut sorted: Vec<&ObjectEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_found_by_their_exact_name() {
        assert!(matches!(lookup("cidrsubnet"), Some(Body::Known(_))));
        assert!(matches!(lookup("try"), Some(Body::Lazy(_))));
        assert!(lookup("CidrSubnet").is_none());
        assert!(lookup("madeup").is_none());
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.5), "-0.5");
    }
}
