//! VNL003: a `vnetlint:ignore` comment without a reason (raised by the driver; documented here).

use super::raised_elsewhere;
use crate::declare::declare_check;

declare_check! {
    /// A `vnetlint:ignore` comment suppresses findings without saying why.
    ///
    /// ## What it does
    /// A comment `# vnetlint:ignore VNL101 <reason>` (`//` in ARM templates, which allow
    /// comments) on the line of a finding, on the line above it, on or above the first line
    /// of the element the finding is about, or inside the block of that element (where users of
    /// other scanners put it), suppresses the findings of the listed rules there. Suppressed
    /// findings stay in the JSON and SARIF outputs (SARIF marks them with `suppressions`, so
    /// GitHub shows them as dismissed in code) but no longer fail the run. This rule reports a
    /// suppression that gives no reason, or names no rule: such a comment suppresses nothing,
    /// and the finding it was meant for is still reported.
    ///
    /// ## Why is this bad?
    /// A silenced exposure without a reason cannot be reviewed: nobody can tell a deliberate,
    /// compensated exception from a finding that was muted to get a green build.
    ///
    /// ## Example
    /// ```hcl,expect=VNL003+VNL101
    /// resource "azurerm_network_security_group" "jump" {
    ///   name                = "nsg-jump"
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
    ///     destination_port_range     = "22" # vnetlint:ignore VNL101
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_network_security_group" "jump" {
    ///   name                = "nsg-jump"
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
    ///     destination_port_range     = "22" # vnetlint:ignore VNL101 honeypot, isolated subnet, ticket SEC-42
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// Per-rule levels in `vnetlint.toml` (`[rules]`) turn a rule off everywhere; an inline
    /// suppression is for one place.
    ///
    /// ## References
    /// - [SARIF suppressions](https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html#_Toc141790911)
    pub static UNJUSTIFIED_SUPPRESSION = {
        code: "VNL003",
        name: "unjustified-suppression",
        level: Warning,
        tags: ["correctness"],
        precision: "very-high",
        security_severity: None,
        run: raised_elsewhere,
    };
}
