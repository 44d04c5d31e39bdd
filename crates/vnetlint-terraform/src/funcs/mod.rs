//! The Terraform built-in functions that network configurations use, over evaluated values:
//! one file per family, and here the one registration table (`FUNCTIONS`), the call protocol
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
//! values. Adding a function is its body in a family file plus one line in `FUNCTIONS`.

mod collection;
mod conversion;
mod encoding;
mod filesystem;
mod network;
mod numeric;
mod string;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use vnetlint_diagnostics::Budget;
use vnetlint_ir::{Span, Unknown};

use crate::value::{
    Ev, EvKind, ObjectEntry, Res, format_number, number, scalar_text, unresolved_reason,
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

/// A function over evaluated arguments; `Err` is why Terraform rejects the call.
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

/// One registered function.
struct Function {
    name: &'static str,
    body: Body,
}

const fn known(name: &'static str, body: Eager) -> Function {
    Function {
        name,
        body: Body::Known(body),
    }
}

const fn unexamined(name: &'static str, body: Eager) -> Function {
    Function {
        name,
        body: Body::Unexamined(body),
    }
}

const fn lazy(name: &'static str, body: Lazy) -> Function {
    Function {
        name,
        body: Body::Lazy(body),
    }
}

/// Every function vnetlint evaluates (or knowingly does not), one line each, by family.
static FUNCTIONS: &[Function] = &[
    // Collections (collection.rs).
    known("alltrue", collection::all_or_any_true),
    known("anytrue", collection::all_or_any_true),
    known("chunklist", collection::chunklist),
    unexamined("coalesce", collection::coalesce),
    known("coalescelist", collection::coalescelist),
    known("compact", collection::compact),
    known("concat", collection::concat),
    known("contains", collection::contains),
    known("distinct", collection::distinct),
    known("element", collection::element),
    known("flatten", collection::flatten),
    known("index", collection::index),
    known("keys", collection::keys),
    known("length", collection::length),
    known("lookup", collection::lookup),
    known("merge", collection::merge),
    known("one", collection::one),
    known("range", collection::range),
    known("reverse", collection::reverse),
    known("setintersection", collection::set_operation),
    known("setproduct", collection::setproduct),
    known("setsubtract", collection::set_operation),
    known("setunion", collection::set_operation),
    known("slice", collection::slice),
    known("sort", collection::sort),
    known("sum", collection::sum),
    known("values", collection::values),
    known("zipmap", collection::zipmap),
    // Type conversions, sensitivity and error handling (conversion.rs).
    lazy("can", conversion::can),
    unexamined("ephemeralasnull", conversion::pass_through),
    unexamined("nonsensitive", conversion::pass_through),
    unexamined("sensitive", conversion::pass_through),
    known("tobool", conversion::tobool),
    known("tolist", conversion::tolist),
    known("tomap", conversion::tomap),
    known("tonumber", conversion::tonumber),
    known("toset", conversion::toset),
    known("tostring", conversion::tostring),
    lazy("try", conversion::try_each),
    // Encoding (encoding.rs).
    known("jsondecode", encoding::jsondecode),
    known("jsonencode", encoding::jsonencode),
    // Paths, and what reads files, time or randomness (filesystem.rs).
    unexamined("abspath", filesystem::outside_world),
    known("basename", filesystem::basename),
    unexamined("bcrypt", filesystem::outside_world),
    known("dirname", filesystem::dirname),
    unexamined("file", filesystem::outside_world),
    unexamined("filebase64", filesystem::outside_world),
    unexamined("filebase64sha256", filesystem::outside_world),
    unexamined("filebase64sha512", filesystem::outside_world),
    unexamined("fileexists", filesystem::outside_world),
    unexamined("filemd5", filesystem::outside_world),
    unexamined("fileset", filesystem::outside_world),
    unexamined("filesha1", filesystem::outside_world),
    unexamined("filesha256", filesystem::outside_world),
    unexamined("filesha512", filesystem::outside_world),
    unexamined("pathexpand", filesystem::outside_world),
    unexamined("plantimestamp", filesystem::outside_world),
    unexamined("rsadecrypt", filesystem::outside_world),
    unexamined("templatefile", filesystem::outside_world),
    unexamined("timestamp", filesystem::outside_world),
    unexamined("uuid", filesystem::outside_world),
    // IP networks (network.rs).
    known("cidrhost", network::cidrhost),
    known("cidrnetmask", network::cidrnetmask),
    known("cidrsubnet", network::cidrsubnet),
    known("cidrsubnets", network::cidrsubnets),
    // Numbers (numeric.rs).
    known("abs", numeric::abs),
    known("ceil", numeric::ceil),
    known("floor", numeric::floor),
    known("max", numeric::min_or_max),
    known("min", numeric::min_or_max),
    known("parseint", numeric::parseint),
    known("pow", numeric::pow),
    known("signum", numeric::signum),
    // Strings (string.rs).
    known("chomp", string::chomp),
    known("endswith", string::endswith),
    unexamined("format", string::format),
    unexamined("formatlist", string::formatlist),
    unexamined("join", string::join),
    known("lower", string::lower),
    known("replace", string::replace),
    known("split", string::split),
    known("startswith", string::startswith),
    known("strcontains", string::strcontains),
    known("strrev", string::strrev),
    known("substr", string::substr),
    known("title", string::title),
    known("trim", string::trim),
    known("trimprefix", string::trimprefix),
    known("trimspace", string::trimspace),
    known("trimsuffix", string::trimsuffix),
    known("upper", string::upper),
];

static BY_NAME: LazyLock<BTreeMap<&'static str, Body>> = LazyLock::new(|| {
    FUNCTIONS
        .iter()
        .map(|function| (function.name, function.body))
        .collect()
});

/// How function `name` takes its arguments; `None` when vnetlint does not know it.
pub(crate) fn lookup(name: &str) -> Option<Body> {
    BY_NAME.get(name).copied()
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
    match body(call, args) {
        Ok(value) => value,
        Err(reason) => Ev::error(format!("`{}(...)`: {reason}", call.name), call.span),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_registered_once() {
        assert_eq!(BY_NAME.len(), FUNCTIONS.len());
        assert!(lookup("cidrsubnet").is_some());
        assert!(lookup("madeup").is_none());
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.5), "-0.5");
    }
}
