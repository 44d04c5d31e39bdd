//! VNL601: a SQL server firewall rule whose range covers more than a /8 of public addresses.

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_ir::{Attr, SqlFirewallRule, Val};

use super::{
    OPEN_THRESHOLD, bound, judged_rules, public_count, rule_name, server_label, server_name,
    unresolved,
};
use crate::Context;
use crate::declare::declare_check;

declare_check! {
    /// A SQL server firewall rule admits a range that covers a large part of the public Internet.
    ///
    /// ## What it does
    /// Reports a server-level firewall rule (`azurerm_mssql_firewall_rule`,
    /// `Microsoft.Sql/servers/firewallRules`) whose range from `start_ip_address` to
    /// `end_ip_address` holds more than 16,777,216 public IPv4 addresses: more than a whole /8,
    /// not counting private, loopback, link-local, shared (`100.64.0.0/10`) and multicast or
    /// reserved ranges. `0.0.0.0`–`255.255.255.255` is the usual form. The threshold is chosen
    /// so that no organisation's own egress ranges reach it (the few legacy /8 holders stay
    /// exactly at it). The `0.0.0.0`–`0.0.0.0` rule is not an address range but the "allow Azure
    /// services" switch and is VNL602's.
    ///
    /// A rule of a server whose public network access is disabled is not reported: Azure then
    /// admits no public connection and refuses such rules. When a bound is unresolved and the
    /// other bound still allows a range above the threshold, vnetlint reports VNL002 at that
    /// value instead of assuming the rule is narrow; a rule whose two bounds are the same
    /// value (a single address, such as a public IP's) is never above it.
    ///
    /// ## Why is this bad?
    /// The firewall is the only network barrier of a server with public access: a rule this
    /// wide leaves only the login between any Internet host and the data, and invites password
    /// spraying and exploitation of the TDS endpoint.
    ///
    /// ## Example
    /// ```hcl,expect=VNL601
    /// resource "azurerm_mssql_server" "orders" {
    ///   name                = "sql-orders"
    ///   resource_group_name = "rg"
    ///   location            = "westeurope"
    ///   version             = "12.0"
    /// }
    ///
    /// resource "azurerm_mssql_firewall_rule" "everyone" {
    ///   name             = "AllowAll"
    ///   server_id        = azurerm_mssql_server.orders.id
    ///   start_ip_address = "0.0.0.0"
    ///   end_ip_address   = "255.255.255.255"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Admit the ranges that need access (or disable public network access and use a private
    /// endpoint):
    /// ```hcl
    /// resource "azurerm_mssql_server" "orders" {
    ///   name                = "sql-orders"
    ///   resource_group_name = "rg"
    ///   location            = "westeurope"
    ///   version             = "12.0"
    /// }
    ///
    /// resource "azurerm_mssql_firewall_rule" "office" {
    ///   name             = "office"
    ///   server_id        = azurerm_mssql_server.orders.id
    ///   start_ip_address = "203.0.113.0"
    ///   end_ip_address   = "203.0.113.255"
    /// }
    /// ```
    ///
    /// ## Options
    /// None; the threshold is fixed at more than a /8 of public addresses.
    ///
    /// ## References
    /// - [Azure SQL Database and Azure Synapse IP firewall rules](https://learn.microsoft.com/azure/azure-sql/database/firewall-configure)
    /// - [Connectivity settings: deny public network access](https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings)
    pub static SQL_FIREWALL_OPEN_TO_INTERNET = {
        code: "VNL601",
        name: "sql-firewall-open-to-internet",
        level: Error,
        tags: ["security", "network", "sql"],
        precision: "very-high",
        security_severity: Some(8.6),
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for (rule, start_attr, end_attr) in judged_rules(ctx.network) {
        match (bound(Some(start_attr)), bound(Some(end_attr))) {
            (Some(start), Some(end)) => {
                if start == 0 && end == 0 {
                    continue;
                }
                let count = public_count(start, end);
                if count > OPEN_THRESHOLD {
                    out.push(finding(ctx, rule, start_attr, end_attr, count));
                }
            }
            (start, end) => unresolved_bound(rule, start_attr, end_attr, start, end, out),
        }
    }
}

/// A range whose width hinges on an unknown bound: VNL002 when it could exceed the threshold.
fn unresolved_bound(
    rule: &SqlFirewallRule,
    start_attr: &Attr<String>,
    end_attr: &Attr<String>,
    start: Option<u32>,
    end: Option<u32>,
    out: &mut Vec<Finding>,
) {
    let (Val::Unknown(a), Val::Unknown(b)) = (&start_attr.value, &end_attr.value) else {
        // One bound is known: the widest the rule can be decides.
        let widest = match (start, end) {
            (Some(s), None) => public_count(s, u32::MAX),
            (None, Some(e)) => public_count(0, e),
            _ => return, // A known bound that is not an address: Azure rejects the rule.
        };
        if widest > OPEN_THRESHOLD {
            let attr = if start.is_none() {
                start_attr
            } else {
                end_attr
            };
            out.extend(unresolved_range(rule, attr));
        }
        return;
    };
    // The same unresolved value at both ends is a single address.
    if a.reference.is_some() && a.reference == b.reference {
        return;
    }
    out.extend(unresolved_range(rule, start_attr));
}

/// VNL002 at the bound `attr` of the rule, when it is unresolved.
fn unresolved_range(rule: &SqlFirewallRule, attr: &Attr<String>) -> Option<Finding> {
    let what = format!(
        "whether firewall rule `{}` opens its SQL server to the Internet",
        rule_name(rule)
    );
    unresolved(
        &SQL_FIREWALL_OPEN_TO_INTERNET,
        Some(attr),
        &what,
        &rule.meta,
    )
}

fn finding(
    ctx: &Context<'_>,
    rule: &SqlFirewallRule,
    start: &Attr<String>,
    end: &Attr<String>,
    count: u64,
) -> Finding {
    let net = ctx.network;
    let server = server_name(net, rule);
    let message = format!(
        "firewall rule `{}` of {server} admits `{}`–`{}`, {count} public addresses, so any Internet host can reach the server's login: admit only the ranges that need access, or disable public network access and connect through a private endpoint",
        rule_name(rule),
        start.get().map_or("?", String::as_str).trim(),
        end.get().map_or("?", String::as_str).trim(),
    );
    let mut finding = SQL_FIREWALL_OPEN_TO_INTERNET
        .finding_at(&rule.meta, start.span, "the range starts here", message)
        .with_secondary(Label::new(end.span, "and ends here"));
    finding.secondary.extend(server_label(net, rule));
    finding
}
