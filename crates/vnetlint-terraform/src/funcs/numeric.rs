//! The numeric functions: `min`, `max`, `abs`, `ceil`, `floor`, `signum`, `pow` and
//! `parseint`, over Terraform's numbers (held here as `f64`).

use super::{Call, int_arg, num, number_arg, string_arg};
use crate::value::{Ev, Res};

/// `min` and `max`, told apart by the call's name.
pub(super) fn min_or_max(call: &Call<'_>, args: &[Ev]) -> Res {
    let mut values = Vec::new();
    for i in 0..args.len() {
        values.push(number_arg(args, i)?);
    }
    let pick = if call.name == "min" {
        f64::min
    } else {
        f64::max
    };
    let result = values
        .into_iter()
        .reduce(pick)
        .ok_or("needs at least one argument")?;
    Ok(num(result, call.span))
}

pub(super) fn abs(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(num(number_arg(args, 0)?.abs(), call.span))
}

pub(super) fn ceil(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(num(number_arg(args, 0)?.ceil(), call.span))
}

pub(super) fn floor(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(num(number_arg(args, 0)?.floor(), call.span))
}

pub(super) fn signum(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(num(number_arg(args, 0)?.signum(), call.span))
}

pub(super) fn pow(call: &Call<'_>, args: &[Ev]) -> Res {
    Ok(num(
        number_arg(args, 0)?.powf(number_arg(args, 1)?),
        call.span,
    ))
}

pub(super) fn parseint(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    let base = u32::try_from(int_arg(args, 1)?).map_err(|_| "bad base")?;
    if !(2..=62).contains(&base) || base > 36 {
        return Err("the base must be between 2 and 36".into());
    }
    let parsed = i64::from_str_radix(&text, base).map_err(|e| e.to_string())?;
    #[allow(clippy::cast_precision_loss)]
    Ok(num(parsed as f64, call.span))
}
