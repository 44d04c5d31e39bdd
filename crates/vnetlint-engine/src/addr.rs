//! Sets of IP addresses: IPv4 and IPv6 interval sets side by side, with CIDR parsing and a
//! minimal CIDR cover for messages.
//!
//! The two families are kept apart rather than mapped into one u128 space so that "all IPv4"
//! (`0.0.0.0/0`) and "everything" (`*`) stay distinct, as the spec requires (§2.5).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::interval::IntervalSet;

/// A set of IPv4 and IPv6 addresses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AddrSet {
    pub v4: IntervalSet<u32>,
    pub v6: IntervalSet<u128>,
}

impl AddrSet {
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every IPv4 and IPv6 address (`*`).
    pub fn all() -> Self {
        Self {
            v4: IntervalSet::all(),
            v6: IntervalSet::all(),
        }
    }

    /// Every IPv4 address (`0.0.0.0/0`).
    pub fn all_v4() -> Self {
        Self {
            v4: IntervalSet::all(),
            v6: IntervalSet::empty(),
        }
    }

    /// Every IPv6 address (`::/0`).
    pub fn all_v6() -> Self {
        Self {
            v4: IntervalSet::empty(),
            v6: IntervalSet::all(),
        }
    }

    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self {
                v4: IntervalSet::single(u32::from(v4)),
                v6: IntervalSet::empty(),
            },
            IpAddr::V6(v6) => Self {
                v4: IntervalSet::empty(),
                v6: IntervalSet::single(u128::from(v6)),
            },
        }
    }

    /// The block `ip/prefix`, host bits masked off; `None` when the prefix is too long for the
    /// family.
    /// The addresses from `start` to `end` inclusive (empty when reversed or of two families).
    pub fn from_range(start: IpAddr, end: IpAddr) -> Self {
        match (start, end) {
            (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => AddrSet {
                v4: IntervalSet::range(u32::from(a), u32::from(b)),
                v6: IntervalSet::empty(),
            },
            (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => AddrSet {
                v4: IntervalSet::empty(),
                v6: IntervalSet::range(u128::from(a), u128::from(b)),
            },
            _ => AddrSet::empty(),
        }
    }

    pub fn from_cidr(ip: IpAddr, prefix: u8) -> Option<Self> {
        match ip {
            IpAddr::V4(v4) => {
                let (lo, hi) = block(u128::from(u32::from(v4)), u32::from(prefix), 32)?;
                Some(Self {
                    v4: IntervalSet::range(u32::try_from(lo).ok()?, u32::try_from(hi).ok()?),
                    v6: IntervalSet::empty(),
                })
            }
            IpAddr::V6(v6) => {
                let (lo, hi) = block(u128::from(v6), u32::from(prefix), 128)?;
                Some(Self {
                    v4: IntervalSet::empty(),
                    v6: IntervalSet::range(lo, hi),
                })
            }
        }
    }

    /// Parses an address (`10.0.0.4`, `2001:db8::1`) or a CIDR (`10.0.0.0/16`). Host bits set
    /// in a CIDR are masked off: the spec lists this as UNSURE (§9), and Azure is known to
    /// accept such prefixes, so treating `10.0.0.5/24` as `10.0.0.0/24` is the closest model.
    pub fn parse(text: &str) -> Option<Self> {
        Self::parse_with_family(text).map(|(set, _)| set)
    }

    /// Like [`AddrSet::parse`], also saying whether the text was IPv6.
    pub fn parse_with_family(text: &str) -> Option<(Self, bool)> {
        match text.split_once('/') {
            None => {
                let ip: IpAddr = text.parse().ok()?;
                Some((Self::from_ip(ip), ip.is_ipv6()))
            }
            Some((ip_text, prefix_text)) => {
                let ip: IpAddr = ip_text.parse().ok()?;
                if prefix_text.is_empty() || !prefix_text.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let prefix: u8 = prefix_text.parse().ok()?;
                Some((Self::from_cidr(ip, prefix)?, ip.is_ipv6()))
            }
        }
    }

    /// Parses a CIDR or address, panicking never; for building constant sets in code.
    pub(crate) fn cidrs(list: &[&str]) -> Self {
        list.iter()
            .filter_map(|text| Self::parse(text))
            .fold(Self::empty(), |acc, set| acc.union(&set))
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Whether this is every address of both families.
    pub fn is_all(&self) -> bool {
        self.v4.is_all() && self.v6.is_all()
    }

    pub fn has_v4(&self) -> bool {
        !self.v4.is_empty()
    }

    pub fn has_v6(&self) -> bool {
        !self.v6.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => self.v4.contains(u32::from(v4)),
            IpAddr::V6(v6) => self.v6.contains(u128::from(v6)),
        }
    }

    /// The lowest address, IPv4 before IPv6.
    pub fn min(&self) -> Option<IpAddr> {
        self.v4
            .min()
            .map(|v| IpAddr::V4(Ipv4Addr::from(v)))
            .or_else(|| self.v6.min().map(|v| IpAddr::V6(Ipv6Addr::from(v))))
    }

    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self {
            v4: self.v4.union(&other.v4),
            v6: self.v6.union(&other.v6),
        }
    }

    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        Self {
            v4: self.v4.intersect(&other.v4),
            v6: self.v6.intersect(&other.v6),
        }
    }

    #[must_use]
    pub fn subtract(&self, other: &Self) -> Self {
        Self {
            v4: self.v4.subtract(&other.v4),
            v6: self.v6.subtract(&other.v6),
        }
    }

    #[must_use]
    pub fn complement(&self) -> Self {
        Self {
            v4: self.v4.complement(),
            v6: self.v6.complement(),
        }
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.v4.is_subset(&other.v4) && self.v6.is_subset(&other.v6)
    }

    pub fn intersects(&self, other: &Self) -> bool {
        self.v4.intersects(&other.v4) || self.v6.intersects(&other.v6)
    }

    /// The fewest CIDR blocks whose union is exactly this set, IPv4 first, each in ascending
    /// order (`10.0.0.0/8`, `192.168.1.4/32`, `2000::/3`).
    pub fn to_cidrs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for &(lo, hi) in self.v4.ranges() {
            for (base, prefix) in cover(u128::from(lo), u128::from(hi), 32) {
                let base = u32::try_from(base).unwrap_or(u32::MAX);
                out.push(format!("{}/{prefix}", Ipv4Addr::from(base)));
            }
        }
        for &(lo, hi) in self.v6.ranges() {
            for (base, prefix) in cover(lo, hi, 128) {
                out.push(format!("{}/{prefix}", Ipv6Addr::from(base)));
            }
        }
        out
    }
}

/// `*` for everything, `(none)` for nothing, else the minimal CIDR cover joined by `, `.
impl fmt::Display for AddrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            f.write_str("*")
        } else if self.is_empty() {
            f.write_str("(none)")
        } else {
            f.write_str(&self.to_cidrs().join(", "))
        }
    }
}

/// The inclusive bounds of the block of `width`-bit address `value` with `prefix` leading bits.
fn block(value: u128, prefix: u32, width: u32) -> Option<(u128, u128)> {
    if prefix > width {
        return None;
    }
    let host_bits = width - prefix;
    let host_mask = low_mask(host_bits);
    let lo = value & !host_mask;
    Some((lo, lo | host_mask))
}

/// A mask of the `bits` lowest bits (all ones for 128).
fn low_mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// Splits `lo..=hi` into the fewest aligned blocks: at each step take the largest block that
/// starts at `lo` (bounded by `lo`'s alignment) and ends at or before `hi`.
fn cover(mut lo: u128, hi: u128, width: u32) -> Vec<(u128, u32)> {
    let mut out = Vec::new();
    loop {
        let mut host_bits = lo.trailing_zeros().min(width);
        while host_bits > 0 && lo | low_mask(host_bits) > hi {
            host_bits -= 1;
        }
        let end = lo | low_mask(host_bits);
        out.push((lo, width - host_bits));
        if end >= hi {
            return out;
        }
        lo = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_masks_host_bits_and_rejects_junk() {
        assert_eq!(AddrSet::parse("10.0.0.5/24"), AddrSet::parse("10.0.0.0/24"));
        assert!(AddrSet::parse("10.0.0.0/33").is_none());
        assert!(AddrSet::parse("10.0.0.0/").is_none());
        assert!(AddrSet::parse("10.0.0.0/+8").is_none());
        assert!(AddrSet::parse("VirtualNetwork").is_none());
        assert_eq!(AddrSet::parse("0.0.0.0/0"), Some(AddrSet::all_v4()));
        assert_eq!(AddrSet::parse("::/0"), Some(AddrSet::all_v6()));
    }

    #[test]
    fn to_cidrs_is_minimal() {
        let set = AddrSet::parse("10.0.0.0/24")
            .unwrap()
            .subtract(&AddrSet::parse("10.0.0.0/32").unwrap());
        assert_eq!(
            set.to_cidrs(),
            [
                "10.0.0.1/32",
                "10.0.0.2/31",
                "10.0.0.4/30",
                "10.0.0.8/29",
                "10.0.0.16/28",
                "10.0.0.32/27",
                "10.0.0.64/26",
                "10.0.0.128/25"
            ]
        );
        assert_eq!(AddrSet::all_v4().to_cidrs(), ["0.0.0.0/0"]);
        assert_eq!(AddrSet::all_v6().to_cidrs(), ["::/0"]);
        assert_eq!(AddrSet::all().to_string(), "*");
        assert_eq!(AddrSet::empty().to_string(), "(none)");
        assert_eq!(
            AddrSet::cidrs(&["10.0.0.0/8", "2001:db8::/32"]).to_string(),
            "10.0.0.0/8, 2001:db8::/32"
        );
    }

    #[test]
    fn min_prefers_v4() {
        let set = AddrSet::cidrs(&["2001:db8::/32", "192.168.0.0/16"]);
        assert_eq!(set.min(), Some("192.168.0.0".parse().unwrap()));
        assert!(set.contains("2001:db8::5".parse().unwrap()));
        assert!(!set.contains("10.0.0.1".parse().unwrap()));
    }
}
