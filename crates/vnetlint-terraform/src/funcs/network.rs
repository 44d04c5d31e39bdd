//! The IP network functions: `cidrsubnet`, `cidrsubnets`, `cidrhost` and `cidrnetmask`, for
//! IPv4 and IPv6 prefixes, with Terraform's error cases (a prefix too short to extend, a
//! number that does not fit).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Call, int_arg, list, string_arg};
use crate::value::{Ev, Res};

pub(super) fn cidrsubnet(call: &Call<'_>, args: &[Ev]) -> Res {
    let (addr, len) = parse_cidr(&string_arg(args, 0)?)?;
    let newbits = int_arg(args, 1)?;
    let netnum = int_arg(args, 2)?;
    Ok(Ev::str(cidr_subnet(addr, len, newbits, netnum)?, call.span))
}

pub(super) fn cidrsubnets(call: &Call<'_>, args: &[Ev]) -> Res {
    let (addr, len) = parse_cidr(&string_arg(args, 0)?)?;
    let mut newbits = Vec::new();
    for i in 1..args.len() {
        newbits.push(int_arg(args, i)?);
    }
    let subnets = cidr_subnets(addr, len, &newbits)?;
    Ok(list(
        subnets.into_iter().map(|s| Ev::str(s, call.span)).collect(),
        call.span,
    ))
}

pub(super) fn cidrhost(call: &Call<'_>, args: &[Ev]) -> Res {
    let (addr, len) = parse_cidr(&string_arg(args, 0)?)?;
    let hostnum = int_arg(args, 1)?;
    Ok(Ev::str(cidr_host(addr, len, hostnum)?, call.span))
}

pub(super) fn cidrnetmask(call: &Call<'_>, args: &[Ev]) -> Res {
    let (addr, len) = parse_cidr(&string_arg(args, 0)?)?;
    if !addr.is_ipv4() {
        return Err("only IPv4 prefixes have a netmask".into());
    }
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    Ok(Ev::str(Ipv4Addr::from(mask).to_string(), call.span))
}

/// `addr/len`, IPv4 or IPv6, with the length checked against the address width.
fn parse_cidr(text: &str) -> Result<(IpAddr, u32), String> {
    let invalid = || format!("`{text}` is not a CIDR prefix");
    let (addr, len) = text.split_once('/').ok_or_else(invalid)?;
    let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
    let len: u32 = len.parse().map_err(|_| invalid())?;
    if len > width(addr) {
        return Err(format!("`{text}` has a prefix length out of range"));
    }
    Ok((addr, len))
}

fn width(addr: IpAddr) -> u32 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn to_bits(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(bits: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(
            u32::try_from(bits & 0xffff_ffff).unwrap_or(0),
        ))
    } else {
        IpAddr::V6(Ipv6Addr::from(bits))
    }
}

fn all_ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The network address of `addr/len`.
fn network(addr: IpAddr, len: u32) -> u128 {
    let w = width(addr);
    let host = all_ones(w - len);
    to_bits(addr) & !host & all_ones(w)
}

fn cidr_subnet(addr: IpAddr, len: u32, newbits: i64, netnum: i64) -> Result<String, String> {
    let w = width(addr);
    let newbits = u32::try_from(newbits).map_err(|_| "newbits must not be negative")?;
    let new_len = len + newbits;
    if new_len > w {
        return Err(format!(
            "insufficient address space to extend prefix of {len} by {newbits}"
        ));
    }
    let netnum = u128::try_from(netnum).map_err(|_| "netnum must not be negative")?;
    if newbits < 128 && netnum > all_ones(newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let shifted = if w - new_len >= 128 {
        0
    } else {
        netnum << (w - new_len)
    };
    let bits = network(addr, len) | shifted;
    Ok(format!("{}/{new_len}", from_bits(bits, addr.is_ipv4())))
}

fn cidr_subnets(addr: IpAddr, len: u32, newbits: &[i64]) -> Result<Vec<String>, String> {
    let w = width(addr);
    let mask = all_ones(w);
    let base = network(addr, len);
    let parent_end = base | all_ones(w - len);
    let mut last = base.wrapping_sub(1) & mask;
    let mut out = Vec::new();
    for &nb in newbits {
        let nb = u32::try_from(nb).map_err(|_| "newbits must not be negative")?;
        let new_len = len + nb;
        if nb == 0 || new_len > w {
            return Err(format!("invalid new prefix length {new_len}"));
        }
        let size_minus_one = all_ones(w - new_len);
        let containing = last & !size_minus_one;
        let next = containing.wrapping_add(size_minus_one).wrapping_add(1) & mask;
        let end = next | size_minus_one;
        if next < base || end > parent_end {
            return Err("not enough remaining address space for a subnet".into());
        }
        out.push(format!("{}/{new_len}", from_bits(next, addr.is_ipv4())));
        last = end;
    }
    Ok(out)
}

fn cidr_host(addr: IpAddr, len: u32, hostnum: i64) -> Result<String, String> {
    let w = width(addr);
    let host_bits = w - len;
    let size_minus_one = all_ones(host_bits);
    let offset = if hostnum >= 0 {
        let n = u128::try_from(hostnum).unwrap_or(0);
        if n > size_minus_one {
            return Err(format!(
                "prefix of {len} does not accommodate a host numbered {hostnum}"
            ));
        }
        n
    } else {
        let back = u128::from(hostnum.unsigned_abs());
        if back - 1 > size_minus_one {
            return Err(format!(
                "prefix of {len} does not accommodate a host numbered {hostnum}"
            ));
        }
        size_minus_one - (back - 1)
    };
    Ok(from_bits(network(addr, len) + offset, addr.is_ipv4()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> (IpAddr, u32) {
        parse_cidr(text).unwrap()
    }

    #[test]
    fn cidr_functions_match_terraform() {
        let (a, l) = cidr("10.1.2.0/16");
        assert_eq!(cidr_subnet(a, l, 8, 2).unwrap(), "10.1.2.0/24");
        assert_eq!(
            cidr_subnets(a, l, &[4, 4, 8, 4]).unwrap(),
            [
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ]
        );
        assert_eq!(cidr_host(a, l, 5).unwrap(), "10.1.0.5");
        assert_eq!(cidr_host(a, l, -1).unwrap(), "10.1.255.255");
        let (a, l) = cidr("fd00:fd12:3456:7890::/56");
        assert_eq!(
            cidr_subnet(a, l, 16, 162).unwrap(),
            "fd00:fd12:3456:7800:a200::/72"
        );
        assert!(cidr_subnet(a, l, 80, 1).is_err());
        let (a, l) = cidr("10.0.0.0/30");
        assert!(cidr_host(a, l, 4).is_err());
        assert!(cidr_subnets(a, l, &[1, 1, 1]).is_err());
    }
}
