//! VNL101: an NSG lets the Internet reach SSH, RDP or WinRM.

use super::{ExposedPorts, report_port_exposure};
use crate::analysis::port_exposure::PortClass;
use crate::declare::declare_check;

declare_check! {
    /// The Internet can reach a management port (SSH, RDP or WinRM) through a network security group.
    ///
    /// ## What it does
    /// Evaluates every inbound rule of each network security group exactly as Azure does (by
    /// priority, first match wins, with the default rules appended) over every packet from an
    /// Internet address, and reports each custom rule that is the first to allow TCP or UDP
    /// traffic to port 22 (SSH), 3389 (RDP) or 5985-5986 (WinRM). A deny with a lower priority
    /// number that blocks the same packets suppresses the finding; a port range such as
    /// `1000-3500` counts, and so do `destination_port_ranges` lists and plural source prefixes.
    /// `*`, `Internet`, `0.0.0.0/0` and `::/0` are Internet sources; `VirtualNetwork` is not.
    /// A source in the `AzureCloud` service tag counts too (any Azure customer holds such
    /// addresses); other service tags hold Microsoft's own service addresses and do not.
    ///
    /// ## Why is this bad?
    /// Management ports open to the Internet are scanned within minutes of deployment and are
    /// the most common way into a virtual machine: password spraying on SSH and RDP, and
    /// exploits against the services behind them.
    ///
    /// ## Example
    /// ```hcl,expect=VNL101
    /// resource "azurerm_network_security_group" "backend" {
    ///   name                = "nsg-backend"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-ssh"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "22"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Allow management traffic only from the virtual network (reach it through Azure Bastion
    /// or a VPN), or from named administrator addresses:
    /// ```hcl
    /// resource "azurerm_network_security_group" "backend" {
    ///   name                = "nsg-backend"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-ssh-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "22"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Path and level
    /// The destination is real: each network interface (its private address), the addresses of
    /// a subnet that holds no network interfaces (an App Service Environment's, say), or, for an
    /// NSG attached nowhere, whatever it would guard. Inbound traffic must pass the subnet's NSG
    /// and then the network interface's NSG, so a subnet rule that the NIC NSG denies is no
    /// exposure. The finding is an **error** when a public IP leads to the destination, and a
    /// **warning** when the NSGs admit Internet traffic but no public entry point is declared in
    /// the scanned templates (latent: it opens as soon as one is attached). Rules of later NSGs
    /// on the path that also let the traffic through are shown as related locations.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [How network security groups filter traffic](https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works)
    /// - [Azure Bastion](https://learn.microsoft.com/azure/bastion/bastion-overview)
    pub static INTERNET_EXPOSED_MANAGEMENT_PORT = {
        code: "VNL101",
        name: "internet-exposed-management-port",
        level: Error,
        tags: ["security", "network", "exposure"],
        precision: "very-high",
        security_severity: Some(8.8),
        run: |ctx, out| report_port_exposure(ctx, &INTERNET_EXPOSED_MANAGEMENT_PORT, &PORTS, out),
    };
}

const PORTS: ExposedPorts = ExposedPorts {
    classes: &[
        PortClass::new("SSH", &[(22, 22)]),
        PortClass::new("RDP", &[(3389, 3389)]),
        PortClass::new("WinRM", &[(5985, 5986)]),
    ],
    configured_label: "configured management port",
    configured: |config| &config.extra_management_ports,
    why: "remote login services open to the Internet are brute-forced and exploited within minutes of deployment",
};
