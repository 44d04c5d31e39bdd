//! The integer functions: `add`, `sub`, `mul`, `div`, `mod` (checked: an overflow or a
//! division by zero has no result) and `min`, `max` (of integers or one array of them).

use super::{Call, Res, int};
use crate::value::{Kind, Value};

/// `add`, `sub`, `mul`, `div` and `mod`, told apart by the call's name.
pub(super) fn arithmetic(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let (a, b) = (int(&args[0])?, int(&args[1])?);
    let result = match call.function {
        "add" => a.checked_add(b),
        "sub" => a.checked_sub(b),
        "mul" => a.checked_mul(b),
        "div" => a.checked_div(b),
        _ => a.checked_rem(b),
    };
    call.make(Kind::Int(result.ok_or_else(|| {
        format!("`{}({a}, {b})` has no integer result", call.name)
    })?))
}

/// `min` and `max`, told apart by the call's name.
pub(super) fn min_or_max(call: &Call<'_>, args: &[Value]) -> Res {
    let numbers: Vec<i64> = if let [
        Value {
            kind: Kind::Array(items),
            ..
        },
    ] = args
    {
        items.iter().map(int).collect::<Result<_, _>>()?
    } else {
        args.iter().map(int).collect::<Result<_, _>>()?
    };
    let pick = if call.function == "min" {
        numbers.iter().min()
    } else {
        numbers.iter().max()
    };
    call.make(Kind::Int(*pick.ok_or_else(|| {
        format!("`{}` needs at least one number", call.name)
    })?))
}
