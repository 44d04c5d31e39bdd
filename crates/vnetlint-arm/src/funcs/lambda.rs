//! The lambda functions: `lambda` (a value holding its parameters and unevaluated body),
//! `lambdaVariables`, and `filter`, `map`, `reduce` and `sort`, which apply a lambda through
//! the evaluation's [`Context`](super::Context).

use std::rc::Rc;

use super::{Call, Res, string, truthy};
use crate::expr::Expr;
use crate::value::{Kind, Lambda, Value};

/// `lambda('a', 'b', body)`: the parameter names must be string literals.
pub(super) fn lambda(call: &Call<'_>, args: &[Expr]) -> Value {
    let span = call.span;
    let Some((body, params)) = args.split_last() else {
        return Value::unknown("`lambda` needs a body", span);
    };
    let mut names = Vec::new();
    for param in params {
        match param {
            Expr::Str(s) => names.push(s.clone()),
            _ => {
                return Value::unknown("the parameters of `lambda` must be string literals", span);
            }
        }
    }
    Value::new(
        Kind::Lambda(Rc::new(Lambda {
            params: names,
            body: body.clone(),
        })),
        span,
    )
}

pub(super) fn lambdavariables(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    let wanted = string(&args[0])?;
    call.context
        .lambda_variable(&wanted)
        .ok_or_else(|| format!("no lambda variable `{wanted}` is in scope"))
}

/// `filter` and `map`, told apart by the call's name.
pub(super) fn filter_or_map(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let mut out = Vec::new();
    for item in args[0].elements() {
        let result = call.context.apply(&args[1], vec![item.clone()])?;
        if call.function == "map" {
            out.push(result);
        } else if truthy(&result)? {
            out.push(item.clone());
        }
    }
    call.make(Kind::Array(out))
}

pub(super) fn reduce(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 3, 3)?;
    let mut acc = args[1].clone();
    for item in args[0].elements() {
        acc = call.context.apply(&args[2], vec![acc, item.clone()])?;
    }
    Ok(acc)
}

pub(super) fn sort(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    // An insertion sort keeps the comparison fallible and the order stable.
    let mut out: Vec<Value> = Vec::new();
    for item in args[0].elements() {
        let mut at = out.len();
        for (i, existing) in out.iter().enumerate() {
            let before = call
                .context
                .apply(&args[1], vec![item.clone(), existing.clone()])?;
            if truthy(&before)? {
                at = i;
                break;
            }
        }
        out.insert(at, item.clone());
    }
    call.make(Kind::Array(out))
}
