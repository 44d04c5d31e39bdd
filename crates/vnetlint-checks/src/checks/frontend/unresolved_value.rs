//! VNL002: a value a verdict depends on cannot be resolved statically (raised by other checks).

use std::collections::BTreeMap;

use vnetlint_diagnostics::{Finding, Label, Span};
use vnetlint_engine::{ServiceResult, Uncertainty};
use vnetlint_ir::{Meta, RuleId};

use super::raised_elsewhere;
use crate::declare::{Check, declare_check};
use crate::finding::name_label;

declare_check! {
    /// A value that decides a verdict cannot be resolved statically, so vnetlint cannot tell whether the network is safe.
    ///
    /// ## What it does
    /// Other checks raise this one when their verdict depends on a value vnetlint cannot
    /// compute from the scanned files: a variable without a value, a function vnetlint does not
    /// evaluate, a reference to a resource outside the scanned files. The finding points at
    /// the value and names the check and the rule whose verdict hangs on it. vnetlint never
    /// assumes such a value is safe.
    ///
    /// ## Why is this bad?
    /// An unresolved source prefix may be `*` at deployment. Reporting nothing would claim a
    /// safety that was never checked.
    ///
    /// ## Example
    /// ```hcl,expect=VNL002
    /// variable "admin_source" {
    ///   type = string
    /// }
    ///
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
    ///     source_address_prefix      = var.admin_source
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give the variable a value vnetlint can see (a default, or a `terraform.tfvars` file in
    /// the scanned directory once tfvars evaluation lands):
    /// ```hcl
    /// variable "admin_source" {
    ///   type    = string
    ///   default = "10.20.0.0/24"
    /// }
    ///
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
    ///     source_address_prefix      = var.admin_source
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// The default level is `note`, so that an estate with many variables fed at deployment is
    /// not blocked by default; a team that wants every verdict settled sets
    /// `[rules] VNL002 = "warning"` (or `"error"`) in `vnetlint.toml`. Some causes are always
    /// errors whatever the default: a cycle between locals, variables or modules, and a module
    /// that calls itself (Terraform rejects both).
    ///
    /// ## References
    /// - [Input variables](https://developer.hashicorp.com/terraform/language/values/variables)
    pub static UNRESOLVED_VALUE = {
        code: "VNL002",
        name: "unresolved-value",
        level: Note,
        tags: ["correctness"],
        precision: "high",
        security_severity: None,
        run: raised_elsewhere,
    };
}

// The checks whose verdicts hinge on a value raise this finding themselves, through these.

/// The note of a VNL002 that `check` raises: `raised while checking VNL101`.
pub(crate) fn raised_while(check: &Check) -> String {
    format!("raised while checking {}", check.code)
}

/// VNL002 at the unresolved value `span` of the element `owner`, on which the verdict of `check`
/// about the element depends; fingerprinted by `check`'s code and `key`.
pub(crate) fn unresolved_at(
    check: &Check,
    owner: &Meta,
    span: Span,
    message: impl Into<String>,
    key: &str,
) -> Finding {
    UNRESOLVED_VALUE
        .finding_at(owner, span, "this value is unresolved", message)
        .with_note(raised_while(check))
        .with_fingerprint_key(format!("{}:{key}", check.code))
}

/// VNL002 at the unresolved value `span` of the security rule `rule`, whose verdict in `check`
/// depends on it: the rule is a secondary label and the element the finding is about; `detail`,
/// when given, follows the note.
pub(crate) fn unresolved_in_rule(
    check: &Check,
    span: Span,
    rule: &Meta,
    message: impl Into<String>,
    detail: Option<&str>,
) -> Finding {
    let note = match detail {
        Some(detail) => format!("{}; {detail}", raised_while(check)),
        None => raised_while(check),
    };
    UNRESOLVED_VALUE
        .finding(message, Label::new(span, "this value is unresolved"))
        .with_secondary(name_label(rule, "the rule whose verdict depends on it"))
        .with_note(note)
        .with_address(rule.address.clone())
        .with_fingerprint_key(format!("{}:{}", check.code, rule.address))
}

/// Gathers, by value, the unresolved values of the rules that may decide the uncertain part of
/// a service evaluation (VNL302, VNL303, VNL105): its reason, its rule, and each `what` that
/// hangs on it, once. Tag contents vnetlint cannot know offline are no reason for an alarm
/// and are left out.
pub(crate) fn gather_unresolved<T: PartialEq + Clone>(
    result: &ServiceResult,
    what: &T,
    into: &mut BTreeMap<Span, (String, RuleId, Vec<T>)>,
) {
    if result.uncertain().is_empty() {
        return;
    }
    for (rule, uncertainty) in &result.uncertainties {
        if let Uncertainty::Unresolved { span, reason } = uncertainty {
            let entry = into
                .entry(*span)
                .or_insert_with(|| (reason.clone(), *rule, Vec::new()));
            if !entry.2.contains(what) {
                entry.2.push(what.clone());
            }
        }
    }
}
