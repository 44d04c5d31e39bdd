//! VNL001: a template that cannot be parsed (emitted by the frontends; documented here).

use super::raised_elsewhere;
use crate::declare::declare_check;

declare_check! {
    /// A template file cannot be parsed, so vnetlint cannot analyze it.
    ///
    /// ## What it does
    /// Reports the first syntax error of each Terraform (`.tf`, `.tfvars`) file at the line and
    /// column where parsing failed. The file contributes nothing else to the analysis; every
    /// other file of the run is still analyzed.
    ///
    /// ## Why is this bad?
    /// Terraform refuses the whole configuration, and vnetlint cannot tell what the network
    /// would look like: a rule in the broken file may open or close a port.
    ///
    /// ## Example
    /// ```hcl,expect=VNL001
    /// resource "azurerm_network_security_group" "broken" {
    ///   name = "nsg-broken"
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_network_security_group" "fixed" {
    ///   name                = "nsg-fixed"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Terraform configuration syntax](https://developer.hashicorp.com/terraform/language/syntax/configuration)
    pub static PARSE_ERROR = {
        code: "VNL001",
        name: "parse-error",
        level: Error,
        tags: ["correctness"],
        precision: "very-high",
        security_severity: None,
        run: raised_elsewhere,
    };
}
