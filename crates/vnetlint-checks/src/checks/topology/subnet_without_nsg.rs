//! VNL104: a subnet that holds workloads has no NSG, on the subnet or on its NICs.

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, SubnetId};

use crate::Context;
use crate::declare::declare_check;
use crate::finding::name_span;

declare_check! {
    /// A subnet that holds workloads has no network security group, neither on the subnet nor on the network interfaces in it.
    ///
    /// ## What it does
    /// Reports a subnet without an NSG association that holds network interfaces without an
    /// NSG of their own, an App Service Environment, or apps integrated into it. Subnets whose
    /// name Azure reserves for a service that forbids or manages its own NSG are skipped:
    /// `GatewaySubnet`, `AzureFirewallSubnet`, `AzureFirewallManagementSubnet`,
    /// `AzureBastionSubnet` (it has its own required rules) and `RouteServerSubnet`. A subnet
    /// whose NSG association cannot be resolved is not reported.
    ///
    /// ## Why is this bad?
    /// Without an NSG nothing filters traffic between the workloads and the rest of the
    /// virtual network, its peers and on-premises; the first public IP attached to a VM is open
    /// to whatever listens on it (Basic SKU) or fully closed in a way nobody designed (Standard).
    ///
    /// ## Example
    /// ```hcl,expect=VNL104
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
    /// resource "azurerm_network_interface" "app" {
    ///   name                = "nic-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.app.id
    ///     private_ip_address_allocation = "Dynamic"
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
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "app" {
    ///   subnet_id                 = azurerm_subnet.app.id
    ///   network_security_group_id = azurerm_network_security_group.app.id
    /// }
    ///
    /// resource "azurerm_network_interface" "app" {
    ///   name                = "nic-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.app.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Network security groups: how they filter traffic](https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works)
    /// - [Azure Bastion NSG requirements](https://learn.microsoft.com/azure/bastion/bastion-nsg)
    pub static SUBNET_WITHOUT_NSG = {
        code: "VNL104",
        name: "subnet-without-nsg",
        level: Warning,
        tags: ["security", "network"],
        precision: "high",
        security_severity: Some(5.3),
        run: run,
    };
}

/// Subnets Azure manages itself, or where an NSG is forbidden or has required rules of its own.
const EXEMPT: &[&str] = &[
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "AzureBastionSubnet",
    "RouteServerSubnet",
];

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for (id, subnet) in net.iter_subnets() {
        // An unresolved association may well be an NSG: no finding (never a false alarm).
        if subnet.nsg.is_some() {
            continue;
        }
        let name = subnet.meta.name.as_ref().and_then(Attr::get);
        if name.is_some_and(|n| EXEMPT.iter().any(|e| e.eq_ignore_ascii_case(n))) {
            continue;
        }
        let workloads = unprotected_workloads(ctx, id);
        if workloads.is_empty() {
            continue;
        }
        let message = format!(
            "subnet `{}` has no network security group, and neither do the workloads in it ({}): nothing filters their traffic from the virtual network, its peers and on-premises; associate an NSG with the subnet",
            subnet.meta.display_name(),
            workloads.join(", ")
        );
        let span = name_span(&subnet.meta);
        out.push(SUBNET_WITHOUT_NSG.finding_at(
            &subnet.meta,
            span,
            "no NSG on this subnet",
            message,
        ));
    }
}

/// The workloads of a subnet that no NSG guards, each as its kind and name for the message.
fn unprotected_workloads(ctx: &Context<'_>, subnet: SubnetId) -> Vec<String> {
    let net = ctx.network;
    let mut out = Vec::new();
    for (nic_id, _) in ctx.topology.nics_in_subnet(subnet) {
        let nic = &net[nic_id];
        if nic.nsg.is_none() {
            let label = format!("NIC `{}`", nic.meta.display_name());
            if !out.contains(&label) {
                out.push(label);
            }
        }
    }
    for ase in &net.ases {
        if ase.subnet.as_ref().and_then(Attr::get) == Some(&subnet) {
            out.push(format!(
                "App Service Environment `{}`",
                ase.meta.display_name()
            ));
        }
    }
    for app in &net.web_apps {
        if app.vnet_integration_subnet.as_ref().and_then(Attr::get) == Some(&subnet) {
            out.push(format!("app `{}`", app.meta.display_name()));
        }
    }
    out
}
