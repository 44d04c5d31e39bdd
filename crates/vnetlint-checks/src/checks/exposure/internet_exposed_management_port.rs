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
    ///
    /// A rule is reported when the public sources it lets through (after the rules before it)
    /// are **broad**: `*`, `Internet`, `0.0.0.0/0`, `::/0`, the `AzureCloud` tag and its
    /// regional forms (any Azure customer holds such addresses), or more than 65,536 public
    /// addresses, that is wider than a /16 (IPv6 counts in /64 networks, so wider than a /48).
    /// Narrower public sources, such as one administrator's address `203.0.113.10/32` or a
    /// partner's /24, are what this finding recommends and are not reported. The count is per
    /// rule: several narrow rules do not add up. Other service tags hold Microsoft's own
    /// service addresses and are not reported.
    ///
    /// A rule Azure or Terraform rejects (VNL204) is still evaluated where its meaning is
    /// evident (`TCP`, a missing `source_port_range`, `"22,3389"` in one value), and the
    /// finding says in a note that it holds once the rule is accepted as written. A standalone
    /// rule whose NSG is not in the scanned files (another module's NSG, an ARM `existing`
    /// resource, a child rule whose parent is absent) is evaluated on a stand-in NSG holding
    /// Azure's default rules and the rules the scanned files add to it, and reported as a
    /// **warning** with a note naming the NSG.
    ///
    /// Security admin rules (Azure Virtual Network Manager) come first: what a `Deny` in force
    /// drops is no finding, and what an `AlwaysAllow` in force lets broad Internet sources reach
    /// is reported at the admin rule, since the NSGs are never consulted for it. Either way the
    /// level is an **error** when an entry point leads there (an instance public IP, a public
    /// load balancer rule or inbound NAT rule, whose message names the frontend and backend
    /// ports) and a **warning** otherwise.
    ///
    /// Where a subnet's user routes widen `VirtualNetwork` to Internet addresses (a
    /// `0.0.0.0/0` route makes it every address, nsg-semantics §2.6 item 5), the default rule
    /// `AllowVnetInBound` admits the Internet: that is reported at the NSG when an entry point
    /// really brings the traffic in (not for a spoke whose replies go to a hub firewall, where
    /// it is the normal state and no public entry works).
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
    /// or a VPN), or from named administrator addresses (next example):
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
    /// ```hcl
    /// resource "azurerm_network_security_group" "backend" {
    ///   name                = "nsg-backend"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-ssh-from-admin"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "22"
    ///     source_address_prefix      = "203.0.113.10/32"
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
    /// exposure. The finding is an **error** when a public IP leads to the destination (the
    /// interface's own, or a public load balancer's frontend through a load-balancing rule or an
    /// inbound NAT rule whose backend port is the exposed one — the message names both ports —
    /// or an Azure Firewall DNAT rule, reported at the NAT rule), and a
    /// **warning** when the NSGs admit Internet traffic but no public entry point is declared in
    /// the scanned templates (latent: it opens as soon as one is attached). Rules of later NSGs
    /// on the path that also let the traffic through are shown as related locations.
    ///
    /// ## Options
    /// `[ports] management = [2222, "8000-8010"]` in `vnetlint.toml` adds ports to the
    /// management class. `[exposure] broad_sources = 65536` sets how many public source
    /// addresses a rule must let through to be reported (the default, 65,536, reports sources
    /// wider than a /16; `0` reports any public source).
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
