//! Whether the public sources an exposure lets through are broad (VNL101-VNL103, issue 14):
//! `*`, `Internet`, `0.0.0.0/0`, `::/0`, the `AzureCloud` tag and its regional forms (any Azure
//! tenant holds such addresses), or more public addresses than `[exposure] broad_sources`
//! (65,536 by default: wider than a /16). Narrower public sources are a named administrator's
//! or partner's range, which is what the exposure findings tell the user to write; reporting
//! them would be a false alarm on the recommended fix.
//!
//! The count is per rule (or, for VNL103, per destination): the public sources one rule lets
//! through after the rules before it, so several `/32` rules never add up to a broad exposure,
//! while one rule whose sources exceed the threshold is reported. IPv6 sources count in /64
//! networks, the size of one IPv6 subnet, so the same threshold means wider than a /48.

use vnetlint_engine::{AddrSet, PacketSet};

/// The source addresses of a set of packets.
pub(crate) fn sources(packets: &PacketSet) -> AddrSet {
    packets
        .cubes()
        .iter()
        .fold(AddrSet::empty(), |set, cube| set.union(&cube.src))
}

/// How many addresses `set` holds, IPv6 counted in /64 networks.
pub(crate) fn size(set: &AddrSet) -> u128 {
    let v4: u128 = set
        .v4
        .ranges()
        .iter()
        .map(|&(lo, hi)| u128::from(hi - lo) + 1)
        .sum();
    let v6: u128 = set
        .v6
        .ranges()
        .iter()
        .map(|&(lo, hi)| ((hi >> 64) - (lo >> 64)).saturating_add(1))
        .fold(0, u128::saturating_add);
    v4.saturating_add(v6)
}

/// Whether `set`, public sources an exposure lets through, is broad: more than `threshold`
/// addresses.
pub(crate) fn is_broad(set: &AddrSet, threshold: u64) -> bool {
    size(set) > u128::from(threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slash_16_is_the_widest_narrow_range() {
        let threshold = crate::Config::DEFAULT_BROAD_SOURCES;
        let set = |text: &str| AddrSet::parse(text).expect("literal");
        assert!(!is_broad(&set("203.0.113.10/32"), threshold));
        assert!(!is_broad(&set("198.51.0.0/16"), threshold));
        assert!(is_broad(&set("198.50.0.0/15"), threshold));
        assert!(is_broad(&set("100.128.0.0/12"), threshold));
        assert!(!is_broad(&set("2001:db8:1::/48"), threshold));
        assert!(is_broad(&set("2001:db8::/47"), threshold));
        assert_eq!(size(&AddrSet::all()), (1 << 32) + (1 << 64));
    }
}
