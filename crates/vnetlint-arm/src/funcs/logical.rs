//! The logical and comparison functions: `if` (which evaluates only the branch its condition
//! picks), `and`, `or`, `not`, `true`, `false`, `equals`, the orderings and `coalesce`.

use super::{Call, Res, truthy};
use crate::expr::Expr;
use crate::value::{Kind, Value, arm_equals};

/// `if(condition, yes, no)`: an unknown condition still decides when both branches agree.
pub(super) fn if_(call: &Call<'_>, args: &[Expr]) -> Value {
    let (span, context) = (call.span, call.context);
    let [cond, yes, no] = args else {
        return Value::unknown("`if` takes three arguments", span);
    };
    let cond = context.eval(cond, span);
    match truthy(&cond) {
        Ok(true) => context.eval(yes, span),
        Ok(false) => context.eval(no, span),
        Err(reason) => {
            let yes = context.eval(yes, span);
            let no = context.eval(no, span);
            if arm_equals(&yes, &no) {
                yes
            } else {
                Value::unknown(
                    format!("the condition of `if` is not known: {reason}"),
                    span,
                )
            }
        }
    }
}

pub(super) fn true_(call: &Call<'_>, _args: &[Value]) -> Res {
    call.make(Kind::Bool(true))
}

pub(super) fn false_(call: &Call<'_>, _args: &[Value]) -> Res {
    call.make(Kind::Bool(false))
}

pub(super) fn equals(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    call.make(Kind::Bool(arm_equals(&args[0], &args[1])))
}

pub(super) fn not(call: &Call<'_>, args: &[Value]) -> Res {
    call.make(Kind::Bool(!truthy(call.one(args)?)?))
}

/// `and` and `or`, told apart by the call's name; every argument must be a known boolean.
pub(super) fn and_or(call: &Call<'_>, args: &[Value]) -> Res {
    let and = call.function == "and";
    let mut all = and;
    let mut any = false;
    for arg in args {
        let b = truthy(arg)?;
        all &= b;
        any |= b;
    }
    call.make(Kind::Bool(if and { all } else { any }))
}

/// `greater`, `greaterOrEquals`, `less` and `lessOrEquals`, of two integers or two strings.
pub(super) fn compare(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let ordering = match (&args[0].kind, &args[1].kind) {
        (Kind::Int(a), Kind::Int(b)) => a.cmp(b),
        (Kind::Str(a), Kind::Str(b)) => a.cmp(b),
        _ => {
            return Err(format!(
                "`{}` compares two integers or two strings",
                call.name
            ));
        }
    };
    call.make(Kind::Bool(match call.function {
        "greater" => ordering.is_gt(),
        "greaterorequals" => ordering.is_ge(),
        "less" => ordering.is_lt(),
        _ => ordering.is_le(),
    }))
}

/// `coalesce`: the first argument that is not null; an unknown one before it makes the
/// result unknown.
pub(super) fn coalesce(call: &Call<'_>, args: &[Value]) -> Res {
    for arg in args {
        match &arg.kind {
            Kind::Null => {}
            Kind::Unknown(reason) => {
                return Err(format!("`coalesce` meets an unknown value: {reason}"));
            }
            _ => return Ok(arg.clone()),
        }
    }
    call.make(Kind::Null)
}
