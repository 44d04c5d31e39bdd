//! VNL601: a firewall rule of a data service whose range covers more than a /8 of public
//! addresses: a start–end rule of a database server, Synapse or Redis, or an IP rule of a
//! service whose IP rules decide who reaches it.

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_ir::{Attr, AttrList, FirewallModel, Network, Unknown, Val};

use super::services::{FirewallRule, Service};
use super::{
    OPEN_THRESHOLD, bound, entry_public_count, entry_ranges, judged_rules, opened_label,
    public_count, service_label, unresolved,
};
use crate::Context;
use crate::declare::declare_check;

declare_check! {
    /// A firewall rule of a database server or data store admits a range that covers a large part of the public Internet.
    ///
    /// ## What it does
    /// Reports a firewall rule whose addresses hold more than 16,777,216 public IPv4 addresses:
    /// more than a whole /8, not counting private, loopback, link-local, shared
    /// (`100.64.0.0/10`) and multicast or reserved ranges. `0.0.0.0`–`255.255.255.255` (or
    /// `0.0.0.0/0`) is the usual form. The threshold is the one this rule has always had,
    /// rather than a /16: it is chosen so that no organisation's own egress ranges reach it (the
    /// few legacy /8 holders stay exactly at it), so a rule beyond it is the Internet at large.
    ///
    /// The rules judged, by service (VNL603's table says what each service's firewall is):
    ///
    /// | service | Terraform | ARM |
    /// |---|---|---|
    /// | Azure SQL | `azurerm_mssql_firewall_rule` (`azurerm_sql_firewall_rule`) | `Microsoft.Sql/servers/firewallRules` |
    /// | PostgreSQL single / flexible server | `azurerm_postgresql_firewall_rule`, `azurerm_postgresql_flexible_server_firewall_rule` | `Microsoft.DBforPostgreSQL/servers/firewallRules`, `flexibleServers/firewallRules` |
    /// | MySQL single / flexible server | `azurerm_mysql_firewall_rule`, `azurerm_mysql_flexible_server_firewall_rule` | `Microsoft.DBforMySQL/servers/firewallRules`, `flexibleServers/firewallRules` |
    /// | MariaDB server | `azurerm_mariadb_firewall_rule` | `Microsoft.DBforMariaDB/servers/firewallRules` |
    /// | Synapse workspace | `azurerm_synapse_firewall_rule` | `Microsoft.Synapse/workspaces/firewallRules` |
    /// | Redis cache | `azurerm_redis_firewall_rule` (`start_ip`, `end_ip`) | `Microsoft.Cache/redis/firewallRules` (`startIP`, `endIP`) |
    /// | Cosmos DB account | each entry of `ip_range_filter` | each entry of `ipRules` (`ipAddressOrRange`) |
    /// | search service | each entry of `allowed_ips` | each entry of `networkRuleSet.ipRules` |
    /// | storage account, key vault, container registry, Event Hubs and Service Bus namespace, Cognitive Services account | each IP rule, when the default action is `Deny` | each IP rule, when `defaultAction` is `Deny` |
    ///
    /// Under a default action of `Allow` the IP rules have no effect (VNL603 reports the
    /// service). The `0.0.0.0`–`0.0.0.0` rule, and `0.0.0.0` in a Cosmos DB IP filter, is not an
    /// address range but the "allow Azure services" switch and is VNL602's.
    ///
    /// A rule of a service whose public network access is disabled is not reported: Azure then
    /// admits no public connection and refuses such rules. When a bound is unresolved and the
    /// other bound still allows a range above the threshold, vnetlint reports VNL002 at that
    /// value instead of assuming the rule is narrow; a rule whose two bounds are the same
    /// value (a single address, such as a public IP's) is never above it. An unresolved IP rule
    /// is VNL002 too, unless it is a public IP's address; so is an unresolved list of IP rules
    /// under a `Deny` default action.
    ///
    /// ## Why is this bad?
    /// The firewall is the only network barrier of a service with public access: a rule this
    /// wide leaves only the login or the keys between any Internet host and the data, and
    /// invites password spraying and exploitation of the endpoint.
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
    /// ```hcl,expect=VNL601
    /// resource "azurerm_postgresql_flexible_server" "orders" {
    ///   name                = "psql-orders"
    ///   resource_group_name = "rg"
    ///   location            = "westeurope"
    ///   version             = "16"
    /// }
    ///
    /// resource "azurerm_postgresql_flexible_server_firewall_rule" "everyone" {
    ///   name             = "AllowAll"
    ///   server_id        = azurerm_postgresql_flexible_server.orders.id
    ///   start_ip_address = "0.0.0.0"
    ///   end_ip_address   = "255.255.255.255"
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL601
    /// {
    ///   "type": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
    ///   "apiVersion": "2022-12-01",
    ///   "name": "psql-orders/AllowAll",
    ///   "properties": { "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255" }
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
    /// ```arm
    /// {
    ///   "type": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
    ///   "apiVersion": "2022-12-01",
    ///   "name": "psql-orders/office",
    ///   "properties": { "startIpAddress": "203.0.113.0", "endIpAddress": "203.0.113.255" }
    /// }
    /// ```
    ///
    /// ## Options
    /// None; the threshold is fixed at more than a /8 of public addresses.
    ///
    /// ## References
    /// - [Azure SQL Database and Azure Synapse IP firewall rules](https://learn.microsoft.com/azure/azure-sql/database/firewall-configure)
    /// - [Connectivity settings: deny public network access](https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings)
    /// - [Azure Database for PostgreSQL flexible server: firewall rules](https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-firewall-rules)
    /// - [Configure an IP firewall for Azure Cosmos DB](https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall)
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
    let net = ctx.network;
    for (rule, start_attr, end_attr) in judged_rules(net) {
        match (bound(Some(start_attr)), bound(Some(end_attr))) {
            (Some(start), Some(end)) => {
                if start == 0 && end == 0 {
                    continue;
                }
                let count = public_count(start, end);
                if count > OPEN_THRESHOLD {
                    out.push(finding(net, &rule, start_attr, end_attr, count));
                }
            }
            (start, end) => unresolved_bound(&rule, start_attr, end_attr, start, end, out),
        }
    }
    for service in Service::all(net) {
        if service.public() == Some(false) {
            continue;
        }
        if let Some(list) = service.deciding_ip_rules() {
            ip_rules(&service, list, out);
        }
    }
}

/// A range whose width hinges on an unknown bound: VNL002 when it could exceed the threshold.
fn unresolved_bound(
    rule: &FirewallRule<'_>,
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
fn unresolved_range(rule: &FirewallRule<'_>, attr: &Attr<String>) -> Option<Finding> {
    let what = format!(
        "whether firewall rule `{}` opens its {} to the Internet",
        rule.meta.display_name(),
        rule.kind.name()
    );
    unresolved(&SQL_FIREWALL_OPEN_TO_INTERNET, Some(attr), &what, rule.meta)
}

fn finding(
    net: &Network,
    rule: &FirewallRule<'_>,
    start: &Attr<String>,
    end: &Attr<String>,
    count: u64,
) -> Finding {
    let message = format!(
        "firewall rule `{}` of {} admits `{}`–`{}`, {count} public addresses, so any Internet host can reach the {}'s {}: admit only the ranges that need access, or disable public network access and connect through a private endpoint",
        rule.meta.display_name(),
        rule.service_described(net),
        start.get().map_or("?", String::as_str).trim(),
        end.get().map_or("?", String::as_str).trim(),
        rule.kind.noun(),
        rule.kind.reached(),
    );
    let mut finding = SQL_FIREWALL_OPEN_TO_INTERNET
        .finding_at(rule.meta, start.span, "the range starts here", message)
        .with_secondary(Label::new(end.span, "and ends here"));
    finding.secondary.extend(service_label(net, rule));
    finding
}

/// The IP rules that decide who reaches a service: each one above the threshold, and each
/// unresolved one (or an unresolved list under a `Deny` default action), is reported.
fn ip_rules(service: &Service<'_>, list: &AttrList<String>, out: &mut Vec<Finding>) {
    let what = format!(
        "whether an IP rule of {} opens it to the Internet",
        service.described()
    );
    let check = &SQL_FIREWALL_OPEN_TO_INTERNET;
    let items = match &list.value {
        Val::Known(items) => items,
        // An allow list that is unresolved as a whole is VNL603's question (is it empty?).
        Val::Unknown(_) if service.kind.firewall() == FirewallModel::AllowList => return,
        Val::Unknown(_) => return out.extend(unresolved(check, Some(list), &what, service.meta)),
    };
    for item in items {
        match &item.value {
            Val::Known(text) => {
                let count = entry_ranges(text).map_or(0, |ranges| entry_public_count(&ranges));
                if count > OPEN_THRESHOLD {
                    out.push(ip_rule_finding(service, item, text, count));
                }
            }
            Val::Unknown(unknown) if names_one_address(unknown) => {}
            Val::Unknown(_) => out.extend(unresolved(check, Some(item), &what, service.meta)),
        }
    }
}

/// Whether an unresolved value stands for one address: a public IP's, assigned at deployment.
fn names_one_address(unknown: &Unknown) -> bool {
    unknown.reference.as_ref().is_some_and(|reference| {
        let attribute = reference.attribute.to_ascii_lowercase().replace('_', "");
        attribute.ends_with("ipaddress")
    })
}

fn ip_rule_finding(service: &Service<'_>, item: &Attr<String>, text: &str, count: u64) -> Finding {
    let kind = service.kind;
    let message = format!(
        "the IP rule `{}` of {} admits {count} public addresses, so any Internet host can reach the {}'s {}: admit only the ranges that need access, or disable public network access and connect through a private endpoint",
        text.trim(),
        service.described(),
        kind.noun(),
        kind.reached(),
    );
    SQL_FIREWALL_OPEN_TO_INTERNET
        .finding_at(
            service.meta,
            item.span,
            "this range covers most of the Internet",
            message,
        )
        .with_secondary(opened_label(service))
        .with_fingerprint_key(format!("ip-rule:{}", text.trim()))
}
