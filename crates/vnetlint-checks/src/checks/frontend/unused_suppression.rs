//! VNL005: a `vnetlint:ignore` comment that suppresses nothing (raised by the driver; documented
//! here).

use super::raised_elsewhere;
use crate::declare::declare_check;

declare_check! {
    /// A `vnetlint:ignore` comment matches no finding, so it suppresses nothing.
    ///
    /// ## What it does
    /// Reports each `vnetlint:ignore` comment that names rules and gives a reason but matches no
    /// finding of those rules where it stands: the finding it was written for is gone (the rule
    /// was fixed, the resource removed, the rule renamed), or the comment is in a place where it
    /// applies to nothing. A comment applies to findings on its own line or the line below, to
    /// the element whose first line it is on or above, and, written inside a block, to the
    /// findings located in that block.
    ///
    /// ## Why is this bad?
    /// A stale suppression is a silent exception waiting for the next finding of that rule in
    /// that place: when someone reopens the port, nobody is told. Removing it keeps the list of
    /// accepted exceptions true.
    ///
    /// ## Example
    /// ```hcl,expect=VNL005
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
    ///     destination_port_range     = "22" # vnetlint:ignore VNL101 bastion, ticket SEC-42
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Remove the comment once nothing needs it:
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
    ///     destination_port_range     = "22"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// A note by default, so a stale comment never fails a run; `[rules] VNL005 = "warning"` in
    /// `vnetlint.toml` makes the list of exceptions a gate.
    ///
    /// ## References
    /// - [ESLint: reportUnusedDisableDirectives](https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments)
    pub static UNUSED_SUPPRESSION = {
        code: "VNL005",
        name: "unused-suppression",
        level: Note,
        tags: ["maintainability"],
        precision: "very-high",
        security_severity: None,
        run: raised_elsewhere,
    };
}
