//! VNL505: a virtual network that uses public (not RFC 1918 or RFC 6598) IPv4 ranges.

use vnetlint_diagnostics::Finding;
use vnetlint_engine::AddrSet;

use super::forbidden_address_range::forbidden_set;
use super::show;
use crate::Context;
use crate::analysis::addresses::prefixes;
use crate::declare::declare_check;

declare_check! {
    /// A virtual network uses public address space, so the Internet hosts that own those addresses become unreachable from it.
    ///
    /// ## What it does
    /// Reports each IPv4 element of a virtual network's `address_space` that contains
    /// addresses outside the private ranges `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`
    /// (RFC 1918) and `100.64.0.0/10` (RFC 6598, which Azure treats as private), naming the
    /// public part. Ranges Azure forbids outright are left to VNL504, and `0.0.0.0/8` and
    /// `240.0.0.0/4`, which are not routed on the Internet, are not counted as public. IPv6
    /// ranges are not checked, and unknown elements are skipped.
    ///
    /// ## Why is this bad?
    /// Azure allows it, but the virtual network's system route keeps traffic to its own
    /// address space inside the network (and inside every peered network and on-premises site
    /// that learns it). Whoever really owns that public range on the Internet can no longer be
    /// reached from these networks, and the addresses are also counted in both the
    /// `VirtualNetwork` and `Internet` service tags, which makes NSG rules harder to read.
    /// It is fine when your organization owns the range; then suppress the finding with that
    /// reason.
    ///
    /// ## Example
    /// ```hcl,expect=VNL505
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["20.0.0.0/16"]
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL505
    /// {
    ///   "type": "Microsoft.Network/virtualNetworks",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "vnet-main",
    ///   "properties": { "addressSpace": { "addressPrefixes": ["20.0.0.0/16"] } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.20.0.0/16"]
    /// }
    /// ```
    ///
    /// ```arm
    /// {
    ///   "type": "Microsoft.Network/virtualNetworks",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "vnet-main",
    ///   "properties": { "addressSpace": { "addressPrefixes": ["10.20.0.0/16"] } }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure Virtual Network FAQ: what address ranges can I use](https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#what-address-ranges-can-i-use-in-my-virtual-networks)
    /// - [RFC 1918: Address Allocation for Private Internets](https://www.rfc-editor.org/rfc/rfc1918)
    pub static PUBLIC_ADDRESS_SPACE = {
        code: "VNL505",
        name: "public-address-space",
        level: Note,
        tags: ["correctness", "network"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

/// Address space Azure treats as private (spec §7), and the IPv4 blocks that are not routed on
/// the Internet at all ("this network" and the reserved class E), where the note's reasoning
/// (someone else's hosts become unreachable) does not apply.
const NOT_PUBLIC: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "0.0.0.0/8",
    "240.0.0.0/4",
];

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let not_public = NOT_PUBLIC
        .iter()
        .filter_map(|cidr| AddrSet::parse(cidr))
        .fold(forbidden_set(), |acc, set| acc.union(&set))
        .union(&AddrSet::all_v6());
    for vnet in &ctx.network.vnets {
        for prefix in prefixes(vnet.address_space.as_ref()).0 {
            let public = prefix.set.subtract(&not_public);
            if public.is_empty() {
                continue;
            }
            let what = if public == prefix.set {
                String::from("is public address space")
            } else {
                format!("contains public address space ({})", show(&public, 3))
            };
            let message = format!(
                "address range `{}` of virtual network `{}` {what}, not RFC 1918 or `100.64.0.0/10`: Azure allows it, but traffic to these addresses now stays inside the network, so the Internet hosts that own them become unreachable; use a private range unless your organization owns this one",
                prefix.text,
                vnet.meta.display_name(),
            );
            out.push(
                PUBLIC_ADDRESS_SPACE
                    .finding_at(&vnet.meta, prefix.span, "public address space", message)
                    .with_fingerprint_key(prefix.text),
            );
        }
    }
}
