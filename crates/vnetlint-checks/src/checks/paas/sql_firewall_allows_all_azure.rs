//! VNL602: the "allow Azure services" switch, which admits every Azure tenant: the
//! `0.0.0.0`–`0.0.0.0` firewall rule of a database server or Synapse workspace, and `0.0.0.0`
//! in a Cosmos DB IP filter.

use vnetlint_diagnostics::Finding;

use super::services::Service;
use super::{bound, judged_rules, opened_label, parse_v4, service_label};
use crate::Context;
use crate::declare::declare_check;

declare_check! {
    /// A firewall rule from `0.0.0.0` to `0.0.0.0` (or `0.0.0.0` in a Cosmos DB IP filter) admits connections from every Azure service, including other customers' resources.
    ///
    /// ## What it does
    /// Reports the firewall setting that admits every Azure address. Azure does not read it as
    /// an address: it is a switch that admits any connection coming from an Azure address,
    /// whatever the subscription or tenant.
    ///
    /// | service | the switch | what Azure calls it |
    /// |---|---|---|
    /// | Azure SQL, PostgreSQL (single and flexible), MySQL (single and flexible), MariaDB, Synapse | a firewall rule whose start and end address are both `0.0.0.0` (often named `AllowAllWindowsAzureIps` or `AllowAzureServices`) | "Allow Azure services and resources to access this server" |
    /// | Cosmos DB | `0.0.0.0` in `ip_range_filter` (Terraform) or `ipRules` (`ipAddressOrRange`, ARM) | "Accept connections from within public Azure datacenters" |
    ///
    /// A Redis cache has no such switch (its `0.0.0.0`–`0.0.0.0` rule admits only that
    /// address), and the "trusted Microsoft services" bypass of storage accounts, key vaults and
    /// the other stores admits a list of Microsoft's own services, not every tenant, so neither
    /// is reported. A setting of a service whose public network access is disabled is not
    /// reported (it has no effect).
    ///
    /// ## Why is this bad?
    /// Anyone can create a VM, a function or an App Service app in Azure: the switch lets all of
    /// them reach the service's login or endpoint. The intended callers are usually a few known
    /// resources, which a virtual network rule (service endpoint), a private endpoint or a rule
    /// for their outbound addresses admits precisely.
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
    /// ```hcl,expect=VNL602
    /// resource "azurerm_cosmosdb_account" "orders" {
    ///   name                = "cosmos-orders"
    ///   resource_group_name = "rg"
    ///   location            = "westeurope"
    ///   offer_type          = "Standard"
    ///   ip_range_filter     = ["0.0.0.0", "203.0.113.0/24"]
    ///
    ///   consistency_policy {
    ///     consistency_level = "Session"
    ///   }
    ///
    ///   geo_location {
    ///     location          = "westeurope"
    ///     failover_priority = 0
    ///   }
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL602
    /// {
    ///   "type": "Microsoft.DBforMySQL/flexibleServers/firewallRules",
    ///   "apiVersion": "2023-06-30",
    ///   "name": "mysql-orders/AllowAzureServices",
    ///   "properties": { "startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0" }
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
    /// ```arm
    /// {
    ///   "type": "Microsoft.DBforMySQL/flexibleServers/firewallRules",
    ///   "apiVersion": "2023-06-30",
    ///   "name": "mysql-orders/ase-outbound",
    ///   "properties": { "startIpAddress": "20.50.1.10", "endIpAddress": "20.50.1.10" }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Azure SQL firewall: connections from inside Azure](https://learn.microsoft.com/azure/azure-sql/database/firewall-configure#connections-from-inside-azure)
    /// - [sp_set_firewall_rule](https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-set-firewall-rule-azure-sql-database)
    /// - [Azure Cosmos DB: allow requests from global Azure datacenters](https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall#allow-requests-from-global-azure-datacenters-or-other-sources-within-azure)
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
        let Some(switch) = rule.kind.azure_switch() else {
            continue;
        };
        if bound(Some(start)) != Some(0) || bound(Some(end)) != Some(0) {
            continue;
        }
        let message = format!(
            "firewall rule `{}` (`0.0.0.0`–`0.0.0.0`) turns on \"{switch}\" for {}: every Azure resource of every tenant can reach its {}; admit the callers' own addresses or subnets, or use a private endpoint",
            rule.meta.display_name(),
            rule.service_described(net),
            rule.kind.reached(),
        );
        let mut finding = SQL_FIREWALL_ALLOWS_ALL_AZURE.finding_at(
            rule.meta,
            start.span,
            "`0.0.0.0` to `0.0.0.0` means every Azure address",
            message,
        );
        finding.secondary.extend(service_label(net, &rule));
        out.push(finding);
    }
    for service in Service::all(net) {
        if service.public() != Some(false) {
            out.extend(ip_rule_switch(&service));
        }
    }
}

/// `0.0.0.0` among the IP rules of a service where it is the switch (Cosmos DB).
fn ip_rule_switch(service: &Service<'_>) -> Option<Finding> {
    let switch = service.kind.azure_switch()?;
    let items = service.deciding_ip_rules()?.get()?;
    let item = items
        .iter()
        .find(|item| item.get().and_then(|text| bound_text(text)) == Some(0))?;
    let message = format!(
        "the IP rule `0.0.0.0` turns on \"{switch}\" for {}: every Azure resource of every tenant can reach its {}; admit the callers' own addresses or subnets, or use a private endpoint",
        service.described(),
        service.kind.reached(),
    );
    Some(
        SQL_FIREWALL_ALLOWS_ALL_AZURE
            .finding_at(
                service.meta,
                item.span,
                "`0.0.0.0` means every Azure address",
                message,
            )
            .with_secondary(opened_label(service))
            .with_fingerprint_key("ip-rule"),
    )
}

/// An IP rule that is a single address (`0.0.0.0`, `0.0.0.0/32`), as a number.
fn bound_text(text: &str) -> Option<u32> {
    let address = text.trim().strip_suffix("/32").unwrap_or(text.trim());
    parse_v4(address)
}
