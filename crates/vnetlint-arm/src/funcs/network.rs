//! The IPv4 network functions: `parseCidr`, `cidrSubnet` and `cidrHost`, with ARM's usable
//! host range (the network and broadcast addresses excluded). IPv6 ranges are not evaluated.

use std::net::{IpAddr, Ipv4Addr};

use super::{Call, Res, int, obj, string};
use crate::value::{Kind, Value};

/// `parseCidr`: the network, netmask, broadcast, usable range and prefix length of a range.
pub(super) fn parsecidr(call: &Call<'_>, args: &[Value]) -> Res {
    let (network, prefix) = parse_v4_cidr(&string(call.one(args)?)?)?;
    let size = 1u64 << (32 - prefix);
    let base = u64::from(network);
    let last = base + size - 1;
    let ip = |n: u64| Ipv4Addr::from(u32::try_from(n).unwrap_or(0)).to_string();
    let mut members = obj(
        call.span,
        &[
            ("network", &ip(base)),
            ("netmask", &Ipv4Addr::from(netmask(prefix)).to_string()),
            ("broadcast", &ip(last)),
            ("firstUsable", &ip(if size > 2 { base + 1 } else { base })),
            ("lastUsable", &ip(if size > 2 { last - 1 } else { last })),
        ],
    );
    members.push((
        "cidr".to_owned(),
        Value::new(Kind::Int(i64::from(prefix)), call.span),
    ));
    call.make(Kind::Object(members))
}

/// `cidrSubnet(range, newPrefix, index)`: the `index`th subnet of that length.
pub(super) fn cidrsubnet(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 3, 3)?;
    let (network, prefix) = parse_v4_cidr(&string(&args[0])?)?;
    let new_prefix = u32::try_from(int(&args[1])?).map_err(|_| "the new CIDR is negative")?;
    let index = u64::try_from(int(&args[2])?).map_err(|_| "the subnet index is negative")?;
    if new_prefix < prefix || new_prefix > 32 {
        return Err(format!(
            "`cidrSubnet` cannot split a /{prefix} into /{new_prefix}"
        ));
    }
    if index >= 1u64 << (new_prefix - prefix) {
        return Err(format!(
            "subnet index {index} is past the last /{new_prefix}"
        ));
    }
    let start = u64::from(network) + (index << (32 - new_prefix));
    call.make(Kind::Str(format!(
        "{}/{new_prefix}",
        Ipv4Addr::from(u32::try_from(start).unwrap_or(0))
    )))
}

/// `cidrHost(range, index)`: the `index`th usable host address (0 is the first after the
/// network address).
pub(super) fn cidrhost(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 2, 2)?;
    let (network, prefix) = parse_v4_cidr(&string(&args[0])?)?;
    let index = u64::try_from(int(&args[1])?).map_err(|_| "the host index is negative")?;
    let size = 1u64 << (32 - prefix);
    let host = index + 1;
    if size <= 2 || host >= size - 1 {
        return Err(format!(
            "host index {index} is outside the usable addresses"
        ));
    }
    call.make(Kind::Str(
        Ipv4Addr::from(u32::try_from(u64::from(network) + host).unwrap_or(0)).to_string(),
    ))
}

/// The netmask of a prefix length (at most 32).
fn netmask(prefix: u32) -> u32 {
    u32::MAX.checked_shl(32 - prefix).unwrap_or(0)
}

/// An IPv4 range as its network address (host bits cleared) and prefix length.
fn parse_v4_cidr(text: &str) -> Result<(u32, u32), String> {
    let not_cidr = || format!("`{text}` is not in CIDR notation");
    let (ip, prefix) = text.split_once('/').ok_or_else(not_cidr)?;
    let IpAddr::V4(ip) = ip.parse::<IpAddr>().map_err(|_| not_cidr())? else {
        return Err("IPv6 ranges are not evaluated yet".to_owned());
    };
    let prefix = prefix.parse::<u32>().ok().filter(|p| *p <= 32);
    let prefix = prefix.ok_or_else(|| format!("`{text}` has an invalid prefix length"))?;
    Ok((u32::from(ip) & netmask(prefix), prefix))
}
