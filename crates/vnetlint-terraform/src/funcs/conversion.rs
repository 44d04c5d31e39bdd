//! The type conversion functions (`tostring`, `tonumber`, `tobool`, `tolist`, `toset`,
//! `tomap`), the sensitivity markers (`sensitive`, `nonsensitive`, `ephemeralasnull`), which
//! pass their value through, and `try` and `can`, which catch evaluation errors.
//!
//! `try` and `can` take their arguments unevaluated: `try` evaluates them one by one until one
//! does not fail, so an argument after the first that evaluates is never evaluated at all.

use super::collection::to_set;
use super::{Call, arg, boolean, list, list_arg, num, number_arg, object_arg};
use crate::value::{Ev, EvKind, Res, scalar_text, truth, unresolved_as, unresolved_reason};

pub(super) fn tostring(call: &Call<'_>, args: &[Ev]) -> Res {
    match &arg(args, 0)?.kind {
        EvKind::Scalar(_) | EvKind::Number(_) | EvKind::Bool(_) => Ok(Ev::str(
            scalar_text(&args[0]).unwrap_or_default(),
            call.span,
        )),
        EvKind::Null => Ok(Ev::new(EvKind::Null, call.span)),
        _ => Err("only primitive values convert to a string".into()),
    }
}

pub(super) fn tonumber(call: &Call<'_>, args: &[Ev]) -> Res {
    match &arg(args, 0)?.kind {
        EvKind::Null => Ok(Ev::new(EvKind::Null, call.span)),
        _ => Ok(num(number_arg(args, 0)?, call.span)),
    }
}

pub(super) fn tobool(call: &Call<'_>, args: &[Ev]) -> Res {
    match &arg(args, 0)?.kind {
        EvKind::Null => Ok(Ev::new(EvKind::Null, call.span)),
        _ => Ok(boolean(
            truth(&args[0]).ok_or("the value is not a bool")?,
            call.span,
        )),
    }
}

pub(super) fn toset(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(to_set(list_arg(args, 0)?.to_vec(), call.span))
}

pub(super) fn tolist(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(list(list_arg(args, 0)?.to_vec(), call.span))
}

pub(super) fn tomap(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(Ev::new(
        EvKind::Object(object_arg(args, 0)?.to_vec()),
        call.span,
    ))
}

/// `sensitive`, `nonsensitive` and `ephemeralasnull`: the value itself, known or not (vnetlint
/// tracks no sensitivity; it never prints values it does not need to).
// Registered as an `Eager` function, which may fail; this one never does.
#[allow(clippy::unnecessary_wraps)]
pub(super) fn pass_through(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(args.first().map_or_else(
        || Ev::error(format!("`{}` needs one argument", call.name), call.span),
        |value| value.clone().seen_from(call.span),
    ))
}

/// `try`: the first argument that evaluates without an error.
pub(super) fn try_each(call: &Call<'_>, args: &mut dyn Iterator<Item = Ev>) -> Ev {
    let span = call.span;
    let mut last = Ev::error("`try` has no argument that evaluates", span);
    for value in args {
        if !matches!(value.kind, EvKind::Error(_)) {
            return value.seen_from(span);
        }
        last = value;
    }
    let reason = unresolved_reason(&last);
    Ev::error(format!("no argument of `try` evaluates: {reason}"), span)
}

/// `can`: whether the argument evaluates without an error (unknown while it is unknown).
pub(super) fn can(call: &Call<'_>, args: &mut dyn Iterator<Item = Ev>) -> Ev {
    let span = call.span;
    let Some(value) = args.next() else {
        return Ev::error("`can` needs one argument", span);
    };
    match value.kind {
        EvKind::Error(_) => Ev::new(EvKind::Bool(false), span),
        EvKind::Unknown(_) => unresolved_as(value, span),
        _ => Ev::new(EvKind::Bool(true), span),
    }
}
