//! VNL502: two subnets of one virtual network whose prefixes overlap.

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, Subnet, VnetId};

use super::{later, show};
use crate::Context;
use crate::analysis::addresses::{Prefix, overlaps, prefixes};
use crate::declare::declare_check;
use crate::finding::label;

declare_check! {
    /// Two subnets of the same virtual network have overlapping address prefixes.
    ///
    /// ## What it does
    /// Compares the `address_prefixes` of every pair of subnets in one virtual network and
    /// reports each pair of elements that share addresses, at the subnet declared later, with
    /// the other subnet's prefix as a secondary location and the shared range in the message.
    ///
    /// Unknown prefixes are skipped (an unknown value is not assumed to overlap). Two subnet
    /// declarations with the same name in the same virtual network are one Azure subnet written
    /// twice (for example inline in `azurerm_virtual_network` and as `azurerm_subnet`), not two
    /// overlapping subnets, and are not compared. Subnets of different virtual networks may
    /// overlap unless the networks are connected; see VNL503.
    ///
    /// ## Why is this bad?
    /// Azure refuses a subnet whose range overlaps another subnet of the same virtual network;
    /// the deployment fails when it reaches the second subnet.
    ///
    /// ## Example
    /// ```hcl,expect=VNL502
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
    ///
    /// resource "azurerm_subnet" "data" {
    ///   name                 = "snet-data"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.128/25"]
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL502
    /// {
    ///   "type": "Microsoft.Network/virtualNetworks",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "vnet-main",
    ///   "properties": {
    ///     "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
    ///     "subnets": [
    ///       { "name": "snet-app", "properties": { "addressPrefix": "10.0.1.0/24" } },
    ///       { "name": "snet-data", "properties": { "addressPrefix": "10.0.1.128/25" } }
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
    ///
    /// resource "azurerm_subnet" "data" {
    ///   name                 = "snet-data"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.2.0/24"]
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
    ///       { "name": "snet-app", "properties": { "addressPrefix": "10.0.1.0/24" } },
    ///       { "name": "snet-data", "properties": { "addressPrefix": "10.0.2.0/24" } }
    ///     ]
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure Virtual Network FAQ](https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq)
    /// - [Add, change, or delete a virtual network subnet](https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet)
    pub static OVERLAPPING_SUBNETS = {
        code: "VNL502",
        name: "overlapping-subnets",
        level: Error,
        tags: ["correctness", "network"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

struct Entry<'a> {
    subnet: &'a Subnet,
    vnet: VnetId,
    prefixes: Vec<Prefix<'a>>,
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let entries: Vec<Entry<'_>> = net
        .iter_subnets()
        .filter_map(|(_, subnet)| {
            Some(Entry {
                subnet,
                vnet: *subnet.vnet.as_ref()?.get()?,
                prefixes: prefixes(subnet.address_prefixes.as_ref()).0,
            })
        })
        .collect();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            if a.vnet != b.vnet || same_name(a.subnet, b.subnet) {
                continue;
            }
            for (pa, pb, shared) in overlaps(&a.prefixes, &b.prefixes) {
                let ((s, p), (other_s, other_p)) = if later(pa.span, pb.span) {
                    ((a.subnet, pa), (b.subnet, pb))
                } else {
                    ((b.subnet, pb), (a.subnet, pa))
                };
                out.push(finding(net, a.vnet, (s, p), (other_s, other_p), &shared));
            }
        }
    }
}

/// Two declarations of one subnet: same name, compared as Azure does (case-insensitively).
fn same_name(a: &Subnet, b: &Subnet) -> bool {
    match (
        a.meta.name.as_ref().and_then(Attr::get),
        b.meta.name.as_ref().and_then(Attr::get),
    ) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => false,
    }
}

fn finding(
    net: &vnetlint_ir::Network,
    vnet: VnetId,
    (subnet, prefix): (&Subnet, &Prefix<'_>),
    (other, other_prefix): (&Subnet, &Prefix<'_>),
    shared: &vnetlint_engine::AddrSet,
) -> Finding {
    let message = format!(
        "subnet prefix `{}` of `{}` overlaps prefix `{}` of subnet `{}` in the same virtual network `{}` (shared: {}): Azure refuses overlapping subnets in one virtual network; give each subnet a range of its own",
        prefix.text,
        subnet.meta.display_name(),
        other_prefix.text,
        other.meta.display_name(),
        net[vnet].meta.display_name(),
        show(shared, 3),
    );
    let other_label = format!("prefix of subnet `{}`", other.meta.display_name());
    OVERLAPPING_SUBNETS
        .finding_at(
            &subnet.meta,
            prefix.span,
            "overlaps another subnet",
            message,
        )
        .with_secondary(label(&other.meta, other_prefix.span, other_label))
        .with_fingerprint_key(format!("{} {}", prefix.text, other.meta.address))
}
