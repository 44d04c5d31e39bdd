//! VNL204: a security rule Azure or Terraform would reject.

use vnetlint_diagnostics::{Finding, Level};
use vnetlint_engine::{NsgLimit, ProblemKind, Reading};

use crate::Context;
use crate::declare::declare_check;
use crate::finding::name_span;

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
    /// - both the singular and the plural form of one side set, spaces around a value, or a
    ///   required attribute missing;
    /// - an NSG with more than 1,000 custom rules, or more than 4,000 IP addresses and ranges
    ///   in the sources of its rules, or in their destinations (Azure's limits per NSG, which
    ///   count sources and destinations separately), at the NSG.
    ///
    /// A port on an ICMP, ESP or AH rule is reported as a warning: Azure ignores it.
    ///
    /// Where the meaning of a rejected value is evident, vnetlint evaluates the rule under that
    /// meaning, so that the other checks report what the rule would allow at once instead of
    /// after the spelling is fixed; their findings say so in a note:
    ///
    /// | written | evaluated as |
    /// |---|---|
    /// | `TCP`, `allow`, `inbound` (Terraform) | `Tcp`, `Allow`, `Inbound` |
    /// | `" 22"` | `22` |
    /// | no `source_port_range(s)` or `destination_port_range(s)` | `*` |
    /// | `"22,3389"` in a singular field | the list `22`, `3389` |
    /// | a tag or `*` in `*_address_prefixes` | the tag, every address |
    /// | `VIRTUAL_NETWORK` (classic spelling) | `VirtualNetwork` |
    /// | `2000-1000` | `1000-2000` |
    /// | singular and plural both set; IPv4 and IPv6 mixed | all of it together |
    ///
    /// A value with no evident meaning (`"something"` or `10.0.0.0/33` as an address, `70000`
    /// as a port) is left out and the rest of the rule is evaluated. A rule whose priority,
    /// direction, access or protocol is missing or invalid, or that has no address on a side,
    /// has no evident meaning and is not evaluated. An NSG over Azure's limits is evaluated
    /// all the same.
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
    report_rules(ctx, out);
    report_nsg_limits(ctx, out);
}

/// Each rule problem at its attribute, saying how the rule is evaluated despite it.
fn report_rules(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for problem in ctx.rule_problems() {
        let level = match problem.kind {
            ProblemKind::DuplicatePriority { .. } => continue,
            ProblemKind::PortsOnPortlessProtocol => Level::Warning,
            _ => INVALID_RULE.default_level,
        };
        let rule = &net[problem.rule];
        let consequence = match (&problem.reading, level) {
            (_, Level::Warning) => {
                "Azure ignores ports for this protocol, so the rule matches more than it says"
                    .to_owned()
            }
            (Reading::Evident(reading), _) => format!(
                "the deployment fails; vnetlint evaluates the rule {reading}, so that what it would allow is reported at once"
            ),
            (Reading::Dropped(_), _) => "the deployment fails; the value has no evident meaning, so vnetlint leaves it out and evaluates the rest of the rule".to_owned(),
            _ => "the deployment fails or the rule does not mean what it says, and vnetlint does not evaluate it".to_owned(),
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

/// Each limit an NSG exceeds, at the NSG's name.
fn report_nsg_limits(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for view in &ctx.nsgs {
        let nsg = &ctx.network[view.id];
        for problem in &view.compiled.nsg_problems {
            let fix = match problem.limit {
                NsgLimit::Rules => {
                    "split the rules over several NSGs, or merge rules that differ only in their ports or addresses into plural lists"
                }
                NsgLimit::SourceAddresses | NsgLimit::DestinationAddresses => {
                    "split the rules over several NSGs, or name groups of machines with application security groups and Azure services with service tags instead of listing their addresses"
                }
            };
            let message = format!(
                "NSG `{}` exceeds Azure's limit: {}, so the deployment fails; {fix}; vnetlint still evaluates every rule",
                nsg.meta.display_name(),
                problem.message,
            );
            let label = format!("{} {}", problem.count, problem.limit.counted());
            out.push(
                INVALID_RULE
                    .finding_at(&nsg.meta, name_span(&nsg.meta), label, message)
                    .with_fingerprint_key(format!("nsg:{:?}", problem.limit)),
            );
        }
    }
}
