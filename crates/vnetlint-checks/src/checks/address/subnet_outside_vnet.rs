//! VNL501: a subnet prefix outside its virtual network's address space, or a static private IP
//! outside its subnet or on one of the subnet's reserved addresses.

use std::net::IpAddr;

use vnetlint_diagnostics::Finding;
use vnetlint_engine::AddrSet;
use vnetlint_ir::{Attr, Meta, SubnetId};

use super::show;
use crate::Context;
use crate::analysis::addresses::{prefixes, union};
use crate::declare::declare_check;
use crate::finding::label;

declare_check! {
    /// A subnet prefix lies outside the address space of its virtual network, or a static private IP lies outside its subnet or on a reserved address.
    ///
    /// ## What it does
    /// Reports each `address_prefixes` element of a subnet that is not entirely inside the
    /// `address_space` of the subnet's virtual network, naming the part that is outside.
    ///
    /// It also reports a static private IP (`private_ip_address` with
    /// `private_ip_address_allocation = "Static"` on a network interface, or the
    /// `private_ip_address` of a private endpoint) that is outside its subnet, or that is one
    /// of the five addresses Azure reserves in every IPv4 subnet: the network address, the
    /// default gateway (`.1`), the two Azure DNS addresses (`.2`, `.3`) and the last address.
    /// A dynamic address is chosen by Azure and never checked.
    ///
    /// When the address space (or the subnet's prefixes, for an IP) is not completely known,
    /// for example because one element comes from a variable without a value, the check stays
    /// silent: the unknown part might contain the prefix. Unknown elements of the subnet are
    /// skipped.
    ///
    /// ## Why is this bad?
    /// Azure refuses the deployment: a subnet must be carved out of its virtual network's
    /// address space, and a static address must be a usable host of its subnet (the first
    /// usable host of `10.0.1.0/24` is `10.0.1.4`).
    ///
    /// ## Example
    /// ```hcl,expect=VNL501
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "app" {
    ///   name                 = "snet-app"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.1.1.0/24"]
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL501
    /// {
    ///   "type": "Microsoft.Network/virtualNetworks",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "vnet-main",
    ///   "properties": {
    ///     "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
    ///     "subnets": [
    ///       { "name": "snet-app", "properties": { "addressPrefix": "10.1.1.0/24" } }
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
    ///
    /// resource "azurerm_subnet" "app" {
    ///   name                 = "snet-app"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.0/24"]
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
    ///       { "name": "snet-app", "properties": { "addressPrefix": "10.0.1.0/24" } }
    ///     ]
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Add, change, or delete a virtual network subnet](https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet)
    /// - [Azure Virtual Network FAQ: reserved addresses in a subnet](https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets)
    pub static SUBNET_OUTSIDE_VNET = {
        code: "VNL501",
        name: "subnet-outside-vnet",
        level: Error,
        tags: ["correctness", "network"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    subnets_outside(ctx, out);
    static_ips(ctx, out);
}

fn subnets_outside(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for (_, subnet) in net.iter_subnets() {
        let Some(&vnet_id) = subnet.vnet.as_ref().and_then(Attr::get) else {
            continue;
        };
        let vnet = &net[vnet_id];
        let (space, complete) = prefixes(vnet.address_space.as_ref());
        // An unknown range of the address space may hold the subnet: no verdict.
        let (true, Some(space_attr)) = (complete, vnet.address_space.as_ref()) else {
            continue;
        };
        let space_set = union(&space);
        let vnet_name = vnet.meta.display_name();
        let space_text = if space.is_empty() {
            String::from("empty")
        } else {
            space
                .iter()
                .map(|p| format!("`{}`", p.text))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for prefix in prefixes(subnet.address_prefixes.as_ref()).0 {
            let outside = prefix.set.subtract(&space_set);
            if outside.is_empty() {
                continue;
            }
            let how = if outside == prefix.set {
                format!(
                    "lies outside the address space of virtual network `{vnet_name}` ({space_text})"
                )
            } else {
                format!(
                    "extends beyond the address space of virtual network `{vnet_name}` ({space_text}) by {}",
                    show(&outside, 3)
                )
            };
            let message = format!(
                "subnet prefix `{}` of `{}` {how}: Azure refuses a subnet that is not carved out of its virtual network; pick a prefix inside the address space, or add a range to it",
                prefix.text,
                subnet.meta.display_name(),
            );
            let space_label = format!("address space of `{vnet_name}`");
            out.push(
                SUBNET_OUTSIDE_VNET
                    .finding_at(
                        &subnet.meta,
                        prefix.span,
                        "outside the virtual network's address space",
                        message,
                    )
                    .with_secondary(label(&vnet.meta, space_attr.span, space_label))
                    .with_fingerprint_key(prefix.text),
            );
        }
    }
}

/// Static private IPs of network interfaces and private endpoints (spec §8 edge case 34).
fn static_ips(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    // A dynamic allocation ignores any address written beside it.
    let nic_ips = net.iter_nics().flat_map(|(_, nic)| {
        nic.ip_configurations
            .iter()
            .filter(|config| {
                config
                    .allocation
                    .as_ref()
                    .and_then(Attr::get)
                    .is_some_and(|a| a.eq_ignore_ascii_case("static"))
            })
            .map(|config| {
                (
                    &nic.meta,
                    "network interface",
                    &config.private_ip,
                    &config.subnet,
                )
            })
    });
    let endpoint_ips = net.private_endpoints.iter().map(|endpoint| {
        (
            &endpoint.meta,
            "private endpoint",
            &endpoint.private_ip,
            &endpoint.subnet,
        )
    });
    for (owner, kind, ip, subnet) in nic_ips.chain(endpoint_ips) {
        check_ip(ctx, owner, kind, ip.as_ref(), subnet.as_ref(), out);
    }
}

fn check_ip(
    ctx: &Context<'_>,
    owner: &Meta,
    kind: &str,
    ip: Option<&Attr<String>>,
    subnet: Option<&Attr<SubnetId>>,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    let Some(ip_attr) = ip else {
        return;
    };
    let Some(ip) = ip_attr.get().and_then(|t| t.parse::<IpAddr>().ok()) else {
        return;
    };
    let Some(&subnet_id) = subnet.and_then(Attr::get) else {
        return;
    };
    let subnet = &net[subnet_id];
    let (list, complete) = prefixes(subnet.address_prefixes.as_ref());
    let Some(list_attr) = subnet.address_prefixes.as_ref() else {
        return;
    };
    let subnet_name = subnet.meta.display_name();
    let (problem, fix, (secondary_span, secondary_label)) = match list
        .iter()
        .find(|p| p.set.contains(ip))
    {
        // An unknown prefix of the subnet may contain the address.
        None if !complete => return,
        None => (
            format!("lies outside subnet `{subnet_name}`"),
            "pick an address inside the subnet, from its fifth address on",
            (list_attr.span, "address prefixes of subnet"),
        ),
        Some(prefix) => {
            let Some(position) = reserved_position(&prefix.set, ip) else {
                return;
            };
            (
                format!(
                    "is {position} of subnet prefix `{}` of `{subnet_name}`, which Azure reserves (the first four and the last address of every subnet)",
                    prefix.text
                ),
                "use an address from the fifth one on, such as the first usable host",
                (prefix.span, "prefix of subnet"),
            )
        }
    };
    let message = format!(
        "static private IP `{ip}` of {kind} `{}` {problem}: Azure refuses the deployment; {fix}",
        owner.display_name()
    );
    let subnet_label = format!("{secondary_label} `{subnet_name}`");
    out.push(
        SUBNET_OUTSIDE_VNET
            .finding_at(
                owner,
                ip_attr.span,
                "not a usable address of the subnet",
                message,
            )
            .with_secondary(label(&subnet.meta, secondary_span, subnet_label))
            .with_fingerprint_key(ip.to_string()),
    );
}

/// Which reserved address of the IPv4 block `ip` is, if it is one; IPv6 reservations are not
/// in the spec, so IPv6 addresses are never reported here.
fn reserved_position(block: &AddrSet, ip: IpAddr) -> Option<&'static str> {
    let IpAddr::V4(v4) = ip else {
        return None;
    };
    let &(lo, hi) = block.v4.ranges().first()?;
    let value = u32::from(v4);
    match value.checked_sub(lo)? {
        0 => Some("the network address"),
        1 => Some("the default gateway address"),
        2 | 3 => Some("an Azure DNS address"),
        _ if value == hi => Some("the broadcast (last) address"),
        _ => None,
    }
}
