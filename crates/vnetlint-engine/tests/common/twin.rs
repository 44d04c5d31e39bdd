//! How the brute-force twins read rule text, one packet at a time: addresses, CIDR blocks, the
//! `Internet` tag and port ranges of IPv4 test networks, a generated rule's match, first match
//! by priority and the default rules. The twins share this with each other and nothing with
//! the engine (packets are the engine's type, as the input).
//!
//! Text Azure rejects but whose meaning is evident reads as that meaning, as the engine reads it
//! (issue 14): any case, spaces around a value, a comma list in one value, a missing port side
//! as `*`, a tag in a plural list as the tag; a value with no evident meaning matches nothing.

use std::net::{IpAddr, Ipv4Addr};

use vnetlint_engine::{Packet, Protocol};

use super::generated::GenRule;

/// Azure's host address (168.63.129.16): DNS, health probes, `AzureLoadBalancer`.
pub const HOST_IP: [u8; 4] = [168, 63, 129, 16];

pub fn v4(ip: IpAddr) -> [u8; 4] {
    match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(_) => unreachable!("the twins' networks are IPv4"),
    }
}

/// Whether `ip` is in the block `text` (`a.b.c.d/n`, or one address).
pub fn in_cidr(text: &str, ip: IpAddr) -> bool {
    block_holds(text, ip).expect("an IPv4 block")
}

/// Whether `ip` is in the block `text`; `None` when `text` is no IPv4 block.
fn block_holds(text: &str, ip: IpAddr) -> Option<bool> {
    let (base, bits) = text.split_once('/').unwrap_or((text, "32"));
    let base: Ipv4Addr = base.parse().ok()?;
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    Some(u32::from(base) & mask == u32::from(Ipv4Addr::from(v4(ip))) & mask)
}

/// The values a text stands for: the parts of a comma list, each without surrounding spaces.
fn values(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

/// The `Internet` tag: public IPv4 (spec §2.5's best model, 100.64/10 and the host IP excluded).
pub fn internet(ip: IpAddr) -> bool {
    let o = v4(ip);
    let private = o[0] == 0
        || o[0] == 10
        || o[0] == 127
        || o[0] >= 224
        || (o[0] == 100 && (64..128).contains(&o[1]))
        || (o[0] == 169 && o[1] == 254)
        || (o[0] == 172 && (16..32).contains(&o[1]))
        || (o[0] == 192 && o[1] == 168)
        || o == HOST_IP;
    !private
}

/// Whether `port` is in the port text `*`, `N` or `A-B` (or a comma list of those); an empty
/// text is a side not written, which reads as `*`.
pub fn port_in(text: &str, port: u16) -> bool {
    if text.trim().is_empty() {
        return true;
    }
    values(text).any(|value| {
        if value == "*" {
            return true;
        }
        let (lo, hi) = value.split_once('-').unwrap_or((value, value));
        match (lo.parse::<u16>(), hi.parse::<u16>()) {
            (Ok(lo), Ok(hi)) => (lo.min(hi)..=lo.max(hi)).contains(&port),
            _ => false,
        }
    })
}

/// Whether `ip` matches the address text of a rule (`*`, a tag in any case, a block, or a comma
/// list of those), `VirtualNetwork` holding what `in_vnet` says.
pub fn addr_matches(text: &str, ip: IpAddr, in_vnet: impl Fn(IpAddr) -> bool) -> bool {
    values(text).any(|value| match value.to_ascii_lowercase().as_str() {
        "*" => true,
        "internet" => internet(ip),
        "virtualnetwork" => in_vnet(ip),
        "azureloadbalancer" => v4(ip) == HOST_IP,
        _ => block_holds(value, ip).unwrap_or(false),
    })
}

/// Whether the generated rule matches `p`, `VirtualNetwork` holding what `in_vnet` says. Ports
/// count for TCP and UDP only.
pub fn rule_matches(rule: &GenRule, p: &Packet, in_vnet: impl Fn(IpAddr) -> bool) -> bool {
    let protocol = match rule.protocol.trim().to_ascii_lowercase().as_str() {
        "*" => true,
        "tcp" => p.protocol == Protocol::Tcp,
        "udp" => p.protocol == Protocol::Udp,
        "icmp" => p.protocol == Protocol::Icmp,
        other => unreachable!("generated protocol {other}"),
    };
    let has_ports = matches!(p.protocol, Protocol::Tcp | Protocol::Udp);
    protocol
        && rule.src.any(|t| addr_matches(t, p.src, &in_vnet))
        && rule.dst.any(|t| addr_matches(t, p.dst, &in_vnet))
        && (!has_ports
            || (rule.sport.any(|t| port_in(t, p.src_port))
                && rule.dport.any(|t| port_in(t, p.dst_port))))
}

/// The first of `rules` of the direction to match, by priority (duplicates in declaration
/// order): its index.
pub fn first_match(
    rules: &[GenRule],
    inbound: bool,
    matches: impl Fn(&GenRule) -> bool,
) -> Option<usize> {
    let mut order: Vec<usize> = (0..rules.len())
        .filter(|&i| rules[i].inbound == inbound)
        .collect();
    order.sort_by_key(|&i| rules[i].priority); // stable: duplicates keep declaration order
    order.into_iter().find(|&i| matches(&rules[i]))
}

/// The default rule that decides `p` when no custom rule does, with its priority and whether
/// it allows; `both_in_vnet` says whether source and destination are in `VirtualNetwork`.
pub fn default_rule(inbound: bool, both_in_vnet: bool, p: &Packet) -> (&'static str, u32, bool) {
    match (inbound, both_in_vnet) {
        (true, true) => ("AllowVnetInBound", 65000, true),
        (true, false) if v4(p.src) == HOST_IP => ("AllowAzureLoadBalancerInBound", 65001, true),
        (true, false) => ("DenyAllInBound", 65500, false),
        (false, true) => ("AllowVnetOutBound", 65000, true),
        (false, false) if internet(p.dst) => ("AllowInternetOutBound", 65001, true),
        (false, false) => ("DenyAllOutBound", 65500, false),
    }
}

/// Every packet between `addrs` (each to each, itself included): TCP and UDP on every pair of
/// ports from `src_ports` and `dst_ports`, then ICMP and ESP.
pub fn universe(
    addrs: &[IpAddr],
    src_ports: &(impl Iterator<Item = u16> + Clone),
    dst_ports: &(impl Iterator<Item = u16> + Clone),
) -> Vec<Packet> {
    let mut out = Vec::new();
    for &src in addrs {
        for &dst in addrs {
            for protocol in [Protocol::Tcp, Protocol::Udp] {
                for src_port in src_ports.clone() {
                    for dst_port in dst_ports.clone() {
                        out.push(Packet::new(protocol, src, src_port, dst, dst_port));
                    }
                }
            }
            for protocol in [Protocol::Icmp, Protocol::Esp] {
                out.push(Packet::new(protocol, src, 0, dst, 0));
            }
        }
    }
    out
}
