//! The path functions vnetlint evaluates (`basename`, `dirname`) and those it never does
//! because they read the outside world: files, the clock, randomness. Their result is
//! unknown, never guessed, so a finding never rests on a file vnetlint did not read.

use super::{Call, string_arg};
use crate::value::{Ev, Res};

pub(super) fn basename(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    Ok(Ev::str(text.rsplit('/').next().unwrap_or(""), call.span))
}

pub(super) fn dirname(call: &Call<'_>, args: &[Ev]) -> Res {
    let text = string_arg(args, 0)?;
    Ok(Ev::str(
        text.rsplit_once('/').map_or(".", |(d, _)| d),
        call.span,
    ))
}

/// `file`, `timestamp`, `uuid`, ...: unknown whatever the arguments.
// Registered as an `Eager` function, which may fail; this one never does.
#[allow(clippy::unnecessary_wraps)]
pub(super) fn outside_world(call: &Call<'_>, _args: &[Ev]) -> Res {
    Ok(Ev::unknown(
        format!(
            "`{}(...)` reads files, time or randomness, which vnetlint does not evaluate",
            call.name
        ),
        call.span,
    ))
}
