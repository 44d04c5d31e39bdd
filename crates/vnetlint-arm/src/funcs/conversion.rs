//! The conversion functions: `int`, `float`, `bool`, `string` (which prints arrays and
//! objects as compact JSON and keeps deployment-time parts of strings) and `array`.

use super::{Call, Res, int as int_arg, string as string_arg};
use crate::funcs::encoding::{JsonStop, write_json};
use crate::value::{Kind, Value, from_parts};

pub(super) fn int(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    call.make(Kind::Int(int_arg(&args[0])?))
}

pub(super) fn float(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    call.make(Kind::Number(string_arg(&args[0])?))
}

pub(super) fn bool(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    match &args[0].kind {
        Kind::Bool(b) => call.make(Kind::Bool(*b)),
        Kind::Int(i) => call.make(Kind::Bool(*i != 0)),
        Kind::Str(s) if s.eq_ignore_ascii_case("true") => call.make(Kind::Bool(true)),
        Kind::Str(s) if s.eq_ignore_ascii_case("false") => call.make(Kind::Bool(false)),
        _ => Err("`bool` needs true, false, a number or `'true'`/`'false'`".to_owned()),
    }
}

/// `string`: takes symbolic values, which stay unknown or become string parts.
pub(super) fn string(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    match &args[0].kind {
        Kind::Array(_) | Kind::Object(_) => {
            let mut text = String::new();
            let max = call.budget().limits.max_string_len;
            match write_json(&args[0], &mut text, max) {
                Ok(()) => call.make(Kind::Str(text)),
                Err(JsonStop::Symbolic(reason)) => Err(reason),
                Err(JsonStop::TooLong(len)) => {
                    Err(call.budget().too_long(call.name, len, call.span))
                }
            }
        }
        Kind::Str(_) | Kind::Unknown(_) => Ok(args[0].clone()),
        _ => Ok(from_parts(args[0].string_parts()?, call.span)),
    }
}

pub(super) fn array(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    match &args[0].kind {
        Kind::Array(_) => Ok(args[0].clone()),
        _ => call.make(Kind::Array(vec![args[0].clone()])),
    }
}
