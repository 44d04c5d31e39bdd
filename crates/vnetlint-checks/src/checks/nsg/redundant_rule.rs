//! VNL202: a rule never takes effect because earlier rules with the same access already decide
//! every packet it matches. The analysis and the finding are VNL201's (see `shadowed_rule`).

use vnetlint_engine::CoverKind;

use super::shadowed_rule::push_findings;
use crate::declare::declare_check;

declare_check! {
    /// A rule of a network security group is redundant because earlier rules with the same access already decide every packet it matches.
    ///
    /// ## What it does
    /// Runs the analysis of VNL201 (shadowed-rule): per network security group and direction,
    /// it removes from the packets each custom rule matches those decided by the rules with a
    /// lower priority number, in evaluation order. When nothing is left and every earlier rule
    /// that decides some of the packets has the rule's own access, the rule is redundant: the
    /// NSG behaves the same without it. The earlier rules may cover it together, each for a
    /// part. Only rules whose values are all known are judged, earlier rules count only for the
    /// packets they certainly match, and default rules are never reported.
    ///
    /// ## Why is this bad?
    /// It does no harm today, but it misleads: a reader (or a reviewer of a later change) takes
    /// the narrow rule for the one that opens or closes the traffic, and narrowing or deleting
    /// it changes nothing, while the broad rule that really decides goes unnoticed. Redundant
    /// copies also pile up when rules are added instead of edited.
    ///
    /// ## Example
    /// ```hcl,expect=VNL202
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-web-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_ranges    = ["80", "443"]
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-https-from-app"
    ///     priority                   = 110
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "10.0.4.0/24"
    ///     destination_address_prefix = "10.0.2.4"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep one rule per intent: remove the narrow copy, or narrow the broad rule so that the
    /// specific one is needed:
    /// ```hcl
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-http-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "80"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-https-from-app"
    ///     priority                   = 110
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "10.0.4.0/24"
    ///     destination_address_prefix = "10.0.2.4"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Security rules: priority and first match](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules)
    /// - [How network security groups filter network traffic](https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works)
    pub static REDUNDANT_RULE = {
        code: "VNL202",
        name: "redundant-rule",
        level: Note,
        tags: ["maintainability", "network"],
        precision: "very-high",
        security_severity: None,
        run: |ctx, out| push_findings(ctx, CoverKind::Redundant, &REDUNDANT_RULE, out),
    };
}
