//! VNL504: address ranges Azure refuses: forbidden ranges in a virtual network's address
//! space, prefixes that are not CIDR blocks, and subnet sizes outside what Azure accepts.

use vnetlint_diagnostics::Finding;
use vnetlint_engine::AddrSet;
use vnetlint_ir::{Attr, AttrList, Meta};

use super::show;
use crate::Context;
use crate::declare::declare_check;

declare_check! {
    /// An address range that Azure refuses: a forbidden range in a virtual network, a malformed prefix, or a subnet of a size Azure does not accept.
    ///
    /// ## What it does
    /// Reports each element of a virtual network's `address_space` that overlaps a range Azure
    /// does not allow in a virtual network:
    ///
    /// - `224.0.0.0/4` (multicast),
    /// - `255.255.255.255/32` (broadcast),
    /// - `127.0.0.0/8` (loopback),
    /// - `169.254.0.0/16` (link-local),
    /// - `168.63.129.16/32` (Azure's host address: DNS, DHCP, health probes).
    ///
    /// It also reports an element of a virtual network's `address_space` or a subnet's
    /// `address_prefixes` that is not a CIDR block (`address/length`), and a subnet prefix of
    /// a size Azure refuses: an IPv4 prefix longer than `/29` (smaller than eight addresses,
    /// five of which Azure reserves) or shorter than `/2`, or an IPv6 prefix other than `/64`.
    ///
    /// Unknown values are skipped. Host bits set in a prefix (`10.0.0.5/16`) are not reported:
    /// whether Azure accepts them is not settled, and vnetlint reads such a prefix as its block.
    ///
    /// ## Why is this bad?
    /// Azure refuses the deployment of the virtual network or subnet. The forbidden ranges
    /// carry platform traffic (168.63.129.16 serves DNS and health probes in every network) or
    /// are not unicast at all.
    ///
    /// ## Example
    /// ```hcl,expect=VNL504
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["169.254.0.0/16"]
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL504
    /// {
    ///   "type": "Microsoft.Network/virtualNetworks",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "vnet-main",
    ///   "properties": {
    ///     "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
    ///     "subnets": [
    ///       { "name": "snet-tiny", "properties": { "addressPrefix": "10.0.1.0/30" } }
    ///     ]
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    /// ```
    ///
    /// ```arm
    /// {
    ///   "type": "Microsoft.Network/virtualNetworks",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "vnet-main",
    ///   "properties": {
    ///     "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
    ///     "subnets": [
    ///       { "name": "snet-small", "properties": { "addressPrefix": "10.0.1.0/29" } }
    ///     ]
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure Virtual Network FAQ: what address ranges can I use](https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#what-address-ranges-can-i-use-in-my-virtual-networks)
    /// - [What is IP address 168.63.129.16?](https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16)
    pub static FORBIDDEN_ADDRESS_RANGE = {
        code: "VNL504",
        name: "forbidden-address-range",
        level: Error,
        tags: ["correctness", "network"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

/// The ranges Azure does not allow in a virtual network, with what they are (spec §7).
pub(crate) const FORBIDDEN: &[(&str, &str)] = &[
    ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "broadcast"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    (
        "168.63.129.16/32",
        "Azure's host address for DNS, DHCP and health probes",
    ),
];

/// Every forbidden range as one set.
pub(crate) fn forbidden_set() -> AddrSet {
    FORBIDDEN
        .iter()
        .filter_map(|(cidr, _)| AddrSet::parse(cidr))
        .fold(AddrSet::empty(), |acc, set| acc.union(&set))
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for vnet in &net.vnets {
        for (text, span) in elements(vnet.address_space.as_ref()) {
            let Some((set, _, _)) = parse_cidr(text) else {
                out.push(malformed(
                    &vnet.meta,
                    "virtual network",
                    "address range",
                    text,
                    span,
                ));
                continue;
            };
            let hits: Vec<String> = FORBIDDEN
                .iter()
                .filter(|(cidr, _)| AddrSet::parse(cidr).is_some_and(|f| f.intersects(&set)))
                .map(|(cidr, what)| format!("`{cidr}` ({what})"))
                .collect();
            if hits.is_empty() {
                continue;
            }
            let clash = set.intersect(&forbidden_set());
            let message = format!(
                "address range `{text}` of virtual network `{}` {} {}, which Azure does not allow in a virtual network: the deployment is refused; choose a range outside it, preferably from RFC 1918 private space",
                vnet.meta.display_name(),
                if clash == set { "lies in" } else { "overlaps" },
                hits.join(", "),
            );
            let label = format!("contains forbidden addresses ({})", show(&clash, 3));
            out.push(
                FORBIDDEN_ADDRESS_RANGE
                    .finding_at(&vnet.meta, span, label, message)
                    .with_fingerprint_key(text),
            );
        }
    }
    for subnet in &net.subnets {
        for (text, span) in elements(subnet.address_prefixes.as_ref()) {
            let Some((_, is_v6, length)) = parse_cidr(text) else {
                out.push(malformed(&subnet.meta, "subnet", "prefix", text, span));
                continue;
            };
            let problem = match (is_v6, length) {
                (false, 30..) => {
                    "is smaller than `/29`, the smallest subnet Azure accepts (it reserves five addresses in every subnet); use a `/29` or larger"
                }
                (false, ..2) => {
                    "is larger than `/2`, the largest subnet Azure accepts; split it or use a longer prefix"
                }
                (true, l) if l != 64 => {
                    "is not a `/64`, the only size Azure accepts for an IPv6 subnet; use a `/64`"
                }
                _ => continue,
            };
            let message = format!(
                "subnet prefix `{text}` of `{}` {problem}",
                subnet.meta.display_name()
            );
            out.push(
                FORBIDDEN_ADDRESS_RANGE
                    .finding_at(&subnet.meta, span, "subnet size Azure refuses", message)
                    .with_fingerprint_key(text),
            );
        }
    }
}

/// The known elements of a list, as text with their place.
fn elements(list: Option<&AttrList<String>>) -> Vec<(&str, vnetlint_ir::Span)> {
    list.and_then(Attr::get)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| Some((item.get()?.as_str(), item.span)))
                .collect()
        })
        .unwrap_or_default()
}

/// A CIDR block written `address/length`: its set, whether it is IPv6, and the length.
fn parse_cidr(text: &str) -> Option<(AddrSet, bool, u8)> {
    let (_, length) = text.split_once('/')?;
    let (set, is_v6) = AddrSet::parse_with_family(text)?;
    Some((set, is_v6, length.parse().ok()?))
}

fn malformed(owner: &Meta, kind: &str, what: &str, text: &str, span: vnetlint_ir::Span) -> Finding {
    let message = format!(
        "{what} `{text}` of {kind} `{}` is not a CIDR block: Azure refuses it; write it as `address/length`, such as `10.0.0.0/16`",
        owner.display_name()
    );
    FORBIDDEN_ADDRESS_RANGE
        .finding_at(owner, span, "not a CIDR block", message)
        .with_fingerprint_key(text)
}
