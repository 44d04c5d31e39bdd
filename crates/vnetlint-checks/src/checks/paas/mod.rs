//! Checks of the firewalls of platform services (VNL6xx): the SQL server firewall and the
//! storage account network rules, the modern form of the endpoint ACLs (spec §6.2, §6.3).
//!
//! The SQL firewall is allow-only and a union of ranges (spec §8 case 37): a connection is
//! admitted when its source is in any rule. `0.0.0.0`–`0.0.0.0` is not an address but the
//! "allow Azure services" switch (case 36). With public network access disabled the rules have
//! no effect (Azure refuses them), so no check reports them then.

pub(crate) mod paas_public_network_open;
pub(crate) mod sql_firewall_allows_all_azure;
pub(crate) mod sql_firewall_open_to_internet;

use std::net::Ipv4Addr;

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_ir::{Attr, Meta, Network, SqlFirewallRule, SqlServerId, Val};

use crate::checks::frontend::unresolved_value::unresolved_at;
use crate::declare::Check;
use crate::finding::name_label;

/// VNL601 reports a range with more public addresses than this: more than a /8. No
/// organisation's egress ranges are that large (the few legacy /8 holders stay exactly at it),
/// so a range beyond it is the Internet at large, not someone's offices.
pub(crate) const OPEN_THRESHOLD: u64 = 1 << 24;

/// IPv4 ranges that are not public Internet addresses (RFC 1918, RFC 6598, loopback,
/// link-local, `0.0.0.0/8`, multicast and reserved `224.0.0.0/3`): a SQL firewall rule over
/// them admits no one from the Internet.
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

/// Whether public network access is on: `Some(true)` when written so or left at its default
/// (on, for SQL servers and storage accounts alike), `Some(false)` when disabled, `None` when
/// the value is unknown.
pub(crate) fn public_access(attr: Option<&Attr<bool>>) -> Option<bool> {
    match attr.map(|a| &a.value) {
        None => Some(true),
        Some(Val::Known(on)) => Some(*on),
        Some(Val::Unknown(_)) => None,
    }
}

/// The server of a firewall rule, when known.
pub(crate) fn rule_server(rule: &SqlFirewallRule) -> Option<SqlServerId> {
    rule.server.as_ref().and_then(Attr::get).copied()
}

/// Whether the firewall rules of a server can matter: false only when the server is known and
/// its public network access is known to be disabled.
fn rules_matter(net: &Network, rule: &SqlFirewallRule) -> bool {
    rule_server(rule).is_none_or(|server| {
        public_access(net[server].public_network_access.as_ref()) != Some(false)
    })
}

/// A known, parsed IPv4 bound of a firewall rule.
pub(crate) fn bound(attr: Option<&Attr<String>>) -> Option<u32> {
    parse_v4(attr?.get()?)
}

/// The firewall rules whose range is written (both bounds), with their bounds, when the rules
/// of their server matter.
pub(crate) fn judged_rules(
    net: &Network,
) -> impl Iterator<Item = (&SqlFirewallRule, &Attr<String>, &Attr<String>)> {
    net.sql_firewall_rules
        .iter()
        .filter(|rule| rules_matter(net, rule))
        .filter_map(|rule| Some((rule, rule.start_ip.as_ref()?, rule.end_ip.as_ref()?)))
}

/// The rule's display name (`AllowAll`), for messages.
pub(crate) fn rule_name(rule: &SqlFirewallRule) -> &str {
    rule.meta.display_name()
}

/// `` SQL server `sql-app` ``, or `its SQL server` when the rule's server is not known.
pub(crate) fn server_name(net: &Network, rule: &SqlFirewallRule) -> String {
    rule_server(rule).map_or_else(
        || "its SQL server".to_owned(),
        |s| format!("SQL server `{}`", net[s].meta.display_name()),
    )
}

/// The server a firewall rule opens, as a secondary label.
pub(crate) fn server_label(net: &Network, rule: &SqlFirewallRule) -> Option<Label> {
    rule_server(rule).map(|s| name_label(&net[s].meta, "the server it opens"))
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
    let message = format!(
        "{what} depends on a value vnetlint cannot resolve ({}); give it a value in the scanned files so it can be judged",
        unknown.reason
    );
    Some(unresolved_at(
        check,
        owner,
        attr.span,
        message,
        &owner.address,
    ))
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
