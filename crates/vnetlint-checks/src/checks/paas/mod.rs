//! Checks of the firewalls of data services (VNL6xx): the server firewalls of Azure SQL and the
//! other database servers, the network rules of storage accounts, key vaults and the other
//! stores, the modern form of the endpoint ACLs (spec §6.2, §6.3). `services` reads every
//! service alike, whichever arena holds it; each service's firewall model is the IR's
//! (`ServiceKind::firewall`).
//!
//! A server firewall is allow-only and a union of ranges (spec §8 case 37): a connection is
//! admitted when its source is in any rule. `0.0.0.0`–`0.0.0.0` is not an address but the
//! "allow Azure services" switch (case 36), as `0.0.0.0` is in a Cosmos DB IP filter. With
//! public network access disabled the rules have no effect (Azure refuses them), so no check
//! reports them then.

pub(crate) mod paas_public_network_open;
pub(crate) mod services;
pub(crate) mod sql_firewall_allows_all_azure;
pub(crate) mod sql_firewall_open_to_internet;

use std::net::Ipv4Addr;

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_engine::AddrSet;
use vnetlint_ir::{Attr, Meta, Network, Span, Unknown, Val};

use crate::checks::frontend::unresolved_value::unresolved_at;
use crate::declare::Check;
use crate::finding::name_label;
use services::{FirewallRule, Service};

/// VNL601 reports a range with more public addresses than this: more than a /8. No
/// organisation's egress ranges are that large (the few legacy /8 holders stay exactly at it),
/// so a range beyond it is the Internet at large, not someone's offices.
pub(crate) const OPEN_THRESHOLD: u64 = 1 << 24;

/// IPv4 ranges that are not public Internet addresses (RFC 1918, RFC 6598, loopback,
/// link-local, `0.0.0.0/8`, multicast and reserved `224.0.0.0/3`): a firewall rule over them
/// admits no one from the Internet.
const NOT_PUBLIC: &[(u32, u32)] = &[
    (0x0000_0000, 0x00FF_FFFF), // 0.0.0.0/8
    (0x0A00_0000, 0x0AFF_FFFF), // 10.0.0.0/8
    (0x6440_0000, 0x647F_FFFF), // 100.64.0.0/10
    (0x7F00_0000, 0x7FFF_FFFF), // 127.0.0.0/8
    (0xA9FE_0000, 0xA9FE_FFFF), // 169.254.0.0/16
    (0xAC10_0000, 0xAC1F_FFFF), // 172.16.0.0/12
    (0xC0A8_0000, 0xC0A8_FFFF), // 192.168.0.0/16
    (0xE000_0000, 0xFFFF_FFFF), // 224.0.0.0/3
];

/// The number of public addresses in `start..=end`.
pub(crate) fn public_count(start: u32, end: u32) -> u64 {
    if start > end {
        return 0;
    }
    let total = u64::from(end) - u64::from(start) + 1;
    let private: u64 = NOT_PUBLIC
        .iter()
        .map(|&(lo, hi)| {
            let (lo, hi) = (lo.max(start), hi.min(end));
            if lo > hi {
                0
            } else {
                u64::from(hi) - u64::from(lo) + 1
            }
        })
        .sum();
    total - private
}

pub(crate) fn parse_v4(text: &str) -> Option<u32> {
    text.trim().parse::<Ipv4Addr>().ok().map(u32::from)
}

/// A known, parsed IPv4 bound of a firewall rule.
pub(crate) fn bound(attr: Option<&Attr<String>>) -> Option<u32> {
    parse_v4(attr?.get()?)
}

/// The IPv4 ranges of an IP rule (`203.0.113.0/24`, `203.0.113.7`); `None` when it is not an
/// address or prefix. IPv6 rules hold no IPv4 range.
pub(crate) fn entry_ranges(text: &str) -> Option<Vec<(u32, u32)>> {
    AddrSet::parse(text.trim()).map(|set| set.v4.ranges().to_vec())
}

/// The public addresses an IP rule admits.
pub(crate) fn entry_public_count(ranges: &[(u32, u32)]) -> u64 {
    ranges.iter().map(|&(lo, hi)| public_count(lo, hi)).sum()
}

/// The firewall rules whose range is written (both bounds), with their bounds, when the public
/// network access of their service is not known to be off (Azure then refuses the rules and
/// admits no public connection).
pub(crate) fn judged_rules(net: &Network) -> Vec<(FirewallRule<'_>, &Attr<String>, &Attr<String>)> {
    FirewallRule::all(net)
        .into_iter()
        .filter(|rule| {
            rule.service
                .is_none_or(|id| Service::get(net, id).public() != Some(false))
        })
        .filter_map(|rule| {
            let (start, end) = (rule.start?, rule.end?);
            Some((rule, start, end))
        })
        .collect()
}

/// The service a firewall rule opens, as a secondary label.
pub(crate) fn service_label(net: &Network, rule: &FirewallRule<'_>) -> Option<Label> {
    Some(opened_label(&Service::get(net, rule.service?)))
}

/// A secondary label at the name of the service a rule opens (`the server it opens`).
pub(crate) fn opened_label(service: &Service<'_>) -> Label {
    name_label(
        service.meta,
        format!("the {} it opens", service.kind.noun()),
    )
}

/// A VNL002 finding raised by one of these checks when `attr` is written but unresolved:
/// `what` (a question about `owner`) depends on it.
pub(crate) fn unresolved<T>(
    check: &Check,
    attr: Option<&Attr<T>>,
    what: &str,
    owner: &Meta,
) -> Option<Finding> {
    let attr = attr?;
    let Val::Unknown(unknown) = &attr.value else {
        return None;
    };
    Some(unresolved_value(check, attr.span, unknown, what, owner))
}

/// A VNL002 finding raised by one of these checks at the unresolved value `span`: `what` (a
/// question about `owner`) depends on it.
pub(crate) fn unresolved_value(
    check: &Check,
    span: Span,
    unknown: &Unknown,
    what: &str,
    owner: &Meta,
) -> Finding {
    let message = format!(
        "{what} depends on a value vnetlint cannot resolve ({}); give it a value in the scanned files so it can be judged",
        unknown.reason
    );
    unresolved_at(check, owner, span, message, &owner.address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_counts() {
        let all = public_count(0, u32::MAX);
        assert!(all > OPEN_THRESHOLD);
        assert_eq!(
            public_count(
                parse_v4("10.0.0.0").unwrap(),
                parse_v4("10.255.255.255").unwrap()
            ),
            0
        );
        assert_eq!(
            public_count(
                parse_v4("203.0.113.0").unwrap(),
                parse_v4("203.0.113.255").unwrap()
            ),
            256
        );
        // A whole /8 is at the threshold, not above it.
        assert_eq!(
            public_count(
                parse_v4("20.0.0.0").unwrap(),
                parse_v4("20.255.255.255").unwrap()
            ),
            OPEN_THRESHOLD
        );
        assert_eq!(public_count(5, 4), 0);
    }
}
