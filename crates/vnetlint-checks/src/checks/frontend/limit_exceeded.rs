//! VNL004: a template reaches one of vnetlint's resource limits (emitted by the driver and the
//! frontends; documented here).

use super::raised_elsewhere;
use crate::declare::declare_check;

declare_check! {
    /// A template reaches one of vnetlint's resource limits, so part of it is not analyzed.
    ///
    /// ## What it does
    /// vnetlint bounds everything a template controls: the size of a file, how deep
    /// evaluation nests, the instances of one resource (`count`, `for_each`, ARM `copy`), the
    /// elements of a collection (`range`, `for`), the network elements of one module or
    /// template, the length of a string and the number of evaluation steps. When a template
    /// reaches a limit, the value is not evaluated past it: it becomes unresolved, and this
    /// finding names the limit, the place and how to raise it. Nothing is silently cut short.
    /// Each limit is reported once per module or template, where it is first reached.
    ///
    /// ## Why is this bad?
    /// What lies past the limit is not checked: an NSG created ten million times, or a rule
    /// whose source is built by a runaway expression, may open ports vnetlint cannot see. The
    /// defaults are far above realistic templates, so reaching one usually means a mistake (a
    /// `count` off by orders of magnitude) or a hostile input.
    ///
    /// ## Example
    /// ```hcl,expect=VNL004
    /// resource "azurerm_network_security_group" "per_tenant" {
    ///   count               = 20000
    ///   name                = "nsg-${count.index}"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the count within the limit, or raise the limit (`--max-instances 50000`, or
    /// `max_instances = 50000` under `[limits]` in `vnetlint.toml`) when the template is meant to
    /// be that large:
    /// ```hcl
    /// resource "azurerm_network_security_group" "per_tenant" {
    ///   count               = 20
    ///   name                = "nsg-${count.index}"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    /// ```
    ///
    /// ## Options
    /// The limits and their defaults are listed in `docs/limits.md`: `max_file_size`,
    /// `max_depth`, `max_instances`, `max_collection`, `max_elements`, `max_string_len`,
    /// `max_eval_steps`, `max_eval_bytes` (the memory one module or template may build while it
    /// is evaluated) and `max_unit_seconds` (the wall-clock time of one module or template),
    /// each a command-line flag (`--max-instances`) and a key of `[limits]` in `vnetlint.toml`.
    /// Sizes are projected before a value is built, so a limit fires before the memory is
    /// spent.
    ///
    /// ## References
    /// - [Terraform `count`](https://developer.hashicorp.com/terraform/language/meta-arguments/count)
    /// - [ARM resource iteration](https://learn.microsoft.com/azure/azure-resource-manager/templates/copy-resources)
    pub static LIMIT_EXCEEDED = {
        code: "VNL004",
        name: "limit-exceeded",
        level: Warning,
        tags: ["correctness"],
        precision: "very-high",
        security_severity: None,
        run: raised_elsewhere,
    };
}
