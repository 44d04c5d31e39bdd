//! VNL602: the SQL firewall's `0.0.0.0`–`0.0.0.0` rule, which admits every Azure tenant.

use vnetlint_diagnostics::Finding;

use super::{bound, judged_rules, rule_name, server_label, server_name};
use crate::Context;
use crate::declare::declare_check;

declare_check! {
    /// A SQL server firewall rule from `0.0.0.0` to `0.0.0.0` admits connections from every Azure service, including other customers' resources.
    ///
    /// ## What it does
    /// Reports a server-level firewall rule whose start and end address are both `0.0.0.0`.
    /// Azure does not read it as an address range: it is the "Allow Azure services and resources
    /// to access this server" switch (often named `AllowAllWindowsAzureIps`), which admits any
    /// connection that comes from an Azure address, whatever the subscription or tenant. A rule
    /// of a server whose public network access is disabled is not reported (it has no effect).
    ///
    /// ## Why is this bad?
    /// Anyone can create a VM, a function or an App Service app in Azure: the switch lets all of
    /// them reach the server's login. The intended callers are usually a few known resources,
    /// which a virtual network rule (service endpoint), a private endpoint or a rule for their
    /// outbound addresses admits precisely.
    ///
    /// ## Example
    /// ```hcl,expect=VNL602
    /// resource "azurerm_mssql_server" "orders" {
    ///   name                = "sql-orders"
    ///   resource_group_name = "rg"
    ///   location            = "westeurope"
    ///   version             = "12.0"
    /// }
    ///
    /// resource "azurerm_mssql_firewall_rule" "azure" {
    ///   name             = "AllowAllWindowsAzureIps"
    ///   server_id        = azurerm_mssql_server.orders.id
    ///   start_ip_address = "0.0.0.0"
    ///   end_ip_address   = "0.0.0.0"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Admit the callers' own outbound addresses (or their subnet through a service endpoint):
    /// ```hcl
    /// resource "azurerm_mssql_server" "orders" {
    ///   name                = "sql-orders"
    ///   resource_group_name = "rg"
    ///   location            = "westeurope"
    ///   version             = "12.0"
    /// }
    ///
    /// resource "azurerm_mssql_firewall_rule" "ase_outbound" {
    ///   name             = "ase-outbound"
    ///   server_id        = azurerm_mssql_server.orders.id
    ///   start_ip_address = "20.50.1.10"
    ///   end_ip_address   = "20.50.1.10"
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure SQL firewall: connections from inside Azure](https://learn.microsoft.com/azure/azure-sql/database/firewall-configure#connections-from-inside-azure)
    /// - [sp_set_firewall_rule](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-set-firewall-rule-azure-sql-database)
    pub static SQL_FIREWALL_ALLOWS_ALL_AZURE = {
        code: "VNL602",
        name: "sql-firewall-allows-all-azure",
        level: Warning,
        tags: ["security", "network", "sql"],
        precision: "very-high",
        security_severity: Some(5.3),
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for (rule, start, end) in judged_rules(net) {
        if bound(Some(start)) != Some(0) || bound(Some(end)) != Some(0) {
            continue;
        }
        let message = format!(
            "firewall rule `{}` (`0.0.0.0`–`0.0.0.0`) turns on \"allow Azure services\" for {}: every Azure resource of every tenant can reach its login; admit the callers' own addresses or subnets, or use a private endpoint",
            rule_name(rule),
            server_name(net, rule),
        );
        let mut finding = SQL_FIREWALL_ALLOWS_ALL_AZURE.finding_at(
            &rule.meta,
            start.span,
            "`0.0.0.0` to `0.0.0.0` means every Azure address",
            message,
        );
        finding.secondary.extend(server_label(net, rule));
        out.push(finding);
    }
}
