//! VNL203: two rules of one NSG share a priority and a direction.

use vnetlint_diagnostics::Finding;
use vnetlint_engine::ProblemKind;

use crate::Context;
use crate::declare::declare_check;
use crate::finding::label;

declare_check! {
    /// Two rules of one network security group share a priority and a direction, so the deployment fails.
    ///
    /// ## What it does
    /// Compares the priorities of the rules of each network security group as integers, per
    /// direction, counting inline `security_rule` blocks and standalone
    /// `azurerm_network_security_rule` resources together. An inbound and an outbound rule may
    /// share a priority; two rules of the same direction may not.
    ///
    /// ## Why is this bad?
    /// Azure rejects the NSG with `SecurityRuleConflict: Rules cannot have the same Priority and
    /// Direction`. The plan looks fine; the apply fails. vnetlint still evaluates both rules (in
    /// declaration order) for the other checks, so that fixing the priority does not reveal an
    /// exposure nobody was told about.
    ///
    /// ## Example
    /// ```hcl,expect=VNL203
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-https"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-http"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "80"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give each rule of a direction its own priority:
    /// ```hcl
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-https"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-out"
    ///     priority                   = 100
    ///     direction                  = "Outbound"
    ///     access                     = "Deny"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "25"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "Internet"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Security rules: priority](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules)
    pub static DUPLICATE_PRIORITY = {
        code: "VNL203",
        name: "duplicate-priority",
        level: Error,
        tags: ["correctness", "network"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for problem in ctx.rule_problems() {
        let ProblemKind::DuplicatePriority { other } = problem.kind else {
            continue;
        };
        let rule = &net[problem.rule];
        let first = &net[other];
        let first_span = first.priority.as_ref().map_or(first.meta.span, |p| p.span);
        let message = format!(
            "{} (`SecurityRuleConflict`), so the apply fails; give rule `{}` a priority no other {} rule uses",
            problem.message,
            rule.meta.display_name(),
            rule.direction
                .as_ref()
                .and_then(|d| d.get())
                .map_or("same-direction", |d| d.as_str())
                .to_lowercase(),
        );
        let taken_by = format!("by rule `{}`", first.meta.display_name());
        out.push(
            DUPLICATE_PRIORITY
                .finding_at(
                    &rule.meta,
                    problem.span,
                    "this priority is already taken",
                    message,
                )
                .with_secondary(label(&first.meta, first_span, taken_by))
                .with_fingerprint_key(first.meta.address.clone()),
        );
    }
}
