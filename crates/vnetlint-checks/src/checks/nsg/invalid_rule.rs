//! VNL204: a security rule Azure or Terraform would reject.

use vnetlint_diagnostics::{Finding, Level};
use vnetlint_engine::ProblemKind;

use crate::Context;
use crate::declare::declare_check;

declare_check! {
    /// A security rule has a value Azure or Terraform rejects, so it never takes effect as written.
    ///
    /// ## What it does
    /// Validates every security rule, inline or standalone, attached or not, and reports at the
    /// offending attribute:
    /// - a priority outside 100-4096;
    /// - a malformed address or CIDR, an unknown service tag, a service tag or `*` in a plural
    ///   `*_address_prefixes` list, IPv4 and IPv6 mixed in one rule;
    /// - a port outside 0-65535, a reversed range such as `2000-1000`, a comma list in a single
    ///   string (`"80,443"`, which Azure rejects rather than reading as a list);
    /// - an unknown protocol, direction or access (in Terraform the spelling is exact: `TCP`
    ///   fails at plan time, `Tcp` is right; ARM templates accept any case);
    /// - both the singular and the plural form of one side set, or a required attribute missing.
    ///
    /// A port on an ICMP, ESP or AH rule is reported as a warning: Azure ignores it.
    /// vnetlint does not evaluate a rule that cannot deploy as if it worked; the other checks
    /// skip it.
    ///
    /// ## Why is this bad?
    /// The plan passes and the apply fails, or worse, the rule a reviewer reads is not the rule
    /// Azure enforces.
    ///
    /// ## Example
    /// ```hcl,expect=VNL204
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-web"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "80,443"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Use the plural attribute for several ports:
    /// ```hcl
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-web"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_ranges    = ["80", "443"]
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Security rule properties (REST API)](https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/create-or-update)
    /// - [azurerm_network_security_rule](https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule)
    pub static INVALID_RULE = {
        code: "VNL204",
        name: "invalid-rule",
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
        let level = match problem.kind {
            ProblemKind::DuplicatePriority { .. } => continue,
            ProblemKind::PortsOnPortlessProtocol => Level::Warning,
            _ => INVALID_RULE.default_level,
        };
        let rule = &net[problem.rule];
        let consequence = if level == Level::Warning {
            "Azure ignores ports for this protocol, so the rule matches more than it says"
        } else {
            "the deployment fails or the rule does not mean what it says, and vnetlint does not evaluate it"
        };
        let message = format!(
            "rule `{}`: {}; {consequence}",
            rule.meta.display_name(),
            problem.message
        );
        let invalid = format!("`{}` is invalid", problem.field);
        let finding = INVALID_RULE
            .finding_at(&rule.meta, problem.span, invalid, message)
            .with_fingerprint_key(format!("{}:{:?}", problem.field, problem.kind));
        out.push(Finding { level, ..finding });
    }
}
