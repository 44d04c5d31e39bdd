//! VNL603: a data or secret store reachable from any network, or from most of the Internet:
//! public network access on and a firewall that admits everyone (or far too much).

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, FirewallModel, Origin, ServiceKind, Span, Unknown, Val};

use super::services::{FirewallRule, Service, default_action_allows};
use super::{
    OPEN_THRESHOLD, bound, entry_public_count, entry_ranges, public_count, unresolved_value,
};
use crate::Context;
use crate::declare::declare_check;
use crate::finding::name_span;

declare_check! {
    /// A database server or data or secret store has public network access on and no network rules restricting who can reach it.
    ///
    /// ## What it does
    /// Reports a service whose public endpoint answers every network: public network access is
    /// on (written so, or left at its default) and its firewall admits everyone. What admits
    /// everyone depends on the service:
    ///
    /// | service | Terraform | ARM | public access when not written | reported when | closed by |
    /// |---|---|---|---|---|---|
    /// | Azure SQL | `azurerm_mssql_server`: `public_network_access_enabled`; `azurerm_mssql_firewall_rule` | `Microsoft.Sql/servers`: `publicNetworkAccess`; `firewallRules` | on | its firewall rules together admit more than a /8 | public access off; narrower rules (no rule admits no one) |
    /// | PostgreSQL single server | `azurerm_postgresql_server`: `public_network_access_enabled`; `azurerm_postgresql_firewall_rule` | `Microsoft.DBforPostgreSQL/servers`: `publicNetworkAccess`; `firewallRules` | on | as Azure SQL | as Azure SQL |
    /// | PostgreSQL flexible server | `azurerm_postgresql_flexible_server`: `public_network_access_enabled`, `delegated_subnet_id`; `azurerm_postgresql_flexible_server_firewall_rule` | `…/flexibleServers`: `network.publicNetworkAccess`, `network.delegatedSubnetResourceId`; `firewallRules` | on; off with a delegated subnet | as Azure SQL | as Azure SQL, or a delegated subnet |
    /// | MySQL single server | `azurerm_mysql_server`: `public_network_access_enabled`; `azurerm_mysql_firewall_rule` | `Microsoft.DBforMySQL/servers`: `publicNetworkAccess`; `firewallRules` | on | as Azure SQL | as Azure SQL |
    /// | MySQL flexible server | `azurerm_mysql_flexible_server`: `public_network_access` (`Enabled`/`Disabled`, azurerm 4) or `public_network_access_enabled` (azurerm 3), `delegated_subnet_id`; `azurerm_mysql_flexible_server_firewall_rule` | `…/flexibleServers`: `network.publicNetworkAccess`, `network.delegatedSubnetResourceId`; `firewallRules` | on; off with a delegated subnet | as Azure SQL | as Azure SQL, or a delegated subnet |
    /// | MariaDB server | `azurerm_mariadb_server`: `public_network_access_enabled`; `azurerm_mariadb_firewall_rule` | `Microsoft.DBforMariaDB/servers`: `publicNetworkAccess`; `firewallRules` | on | as Azure SQL | as Azure SQL |
    /// | Synapse workspace | `azurerm_synapse_workspace`: `public_network_access_enabled`; `azurerm_synapse_firewall_rule` | `Microsoft.Synapse/workspaces`: `publicNetworkAccess`; `firewallRules` | on | as Azure SQL | as Azure SQL |
    /// | Azure Cache for Redis | `azurerm_redis_cache`: `public_network_access_enabled`, `subnet_id`; `azurerm_redis_firewall_rule` | `Microsoft.Cache/redis`: `publicNetworkAccess`, `subnetId`; `firewallRules` | on; off in a subnet | it has no firewall rule at all (Redis then admits every address), or its rules together admit more than a /8 | public access off, a subnet, firewall rules |
    /// | Cosmos DB | `azurerm_cosmosdb_account`: `public_network_access_enabled`, `ip_range_filter` (a list, or a comma-separated string in azurerm 3), `is_virtual_network_filter_enabled`, `virtual_network_rule` | `Microsoft.DocumentDB/databaseAccounts`: `publicNetworkAccess`, `ipRules`, `isVirtualNetworkFilterEnabled`, `virtualNetworkRules` | on | the IP filter is empty and the virtual network filter off | public access off, IP filter entries, the virtual network filter |
    /// | AI Search | `azurerm_search_service`: `public_network_access_enabled`, `allowed_ips` | `Microsoft.Search/searchServices`: `publicNetworkAccess`, `networkRuleSet.ipRules` | on | no allowed IP | public access off, allowed IPs |
    /// | Key Vault | `azurerm_key_vault`: `public_network_access_enabled`, `network_acls { default_action, bypass, ip_rules, virtual_network_subnet_ids }` | `Microsoft.KeyVault/vaults`: `publicNetworkAccess`, `networkAcls` | on; default action `Allow` without network rules | the default action is `Allow` | public access off, default action `Deny` |
    /// | Container Registry | `azurerm_container_registry`: `public_network_access_enabled`, `network_rule_set { default_action, ip_rule }` | `Microsoft.ContainerRegistry/registries`: `publicNetworkAccess`, `networkRuleSet` | as Key Vault | as Key Vault | as Key Vault |
    /// | Event Hubs | `azurerm_eventhub_namespace`: `public_network_access_enabled`, `network_rulesets { default_action, ip_rule, virtual_network_rule }` | `Microsoft.EventHub/namespaces`: `publicNetworkAccess`; its `networkRuleSets` child | as Key Vault | as Key Vault | as Key Vault |
    /// | Service Bus | `azurerm_servicebus_namespace`: `public_network_access_enabled`, `network_rule_set { default_action, ip_rules, network_rules }` | `Microsoft.ServiceBus/namespaces`: `publicNetworkAccess`; its `networkRuleSets` child | as Key Vault | as Key Vault | as Key Vault |
    /// | Cognitive Services | `azurerm_cognitive_account`: `public_network_access_enabled`, `network_acls { default_action, ip_rules, virtual_network_rules }` | `Microsoft.CognitiveServices/accounts`: `publicNetworkAccess`, `networkAcls` | as Key Vault | as Key Vault | as Key Vault |
    /// | App Configuration | `azurerm_app_configuration`: `public_network_access` (`Enabled`/`Disabled`) | `Microsoft.AppConfiguration/configurationStores`: `publicNetworkAccess` | on, unless a private endpoint in the scanned files connects to the store (Azure's `Automatic`) | public access is on (it has no IP firewall) | public access off |
    /// | Storage | `azurerm_storage_account`: `public_network_access_enabled`, `network_rules` (or `azurerm_storage_account_network_rules`) | `Microsoft.Storage/storageAccounts`: `publicNetworkAccess`, `networkAcls` | as Key Vault | as Key Vault | as Key Vault |
    ///
    /// Any IP or virtual network rules have no effect while the default action is `Allow`. A
    /// server firewall denies by default and admits the union of its rules, so public network
    /// access alone opens nothing: the server is reported when its rules *together* admit more
    /// than a /8 of public addresses (the threshold of VNL601) while no single rule does (that
    /// rule is VNL601's); the same holds for the IP rules of a service with a `Deny` default
    /// action or a non-empty IP filter. The "allow Azure services" switch (`0.0.0.0`) is
    /// VNL602's and counts for nothing here.
    ///
    /// Web and function apps are not judged: a public website is the point of most of them.
    ///
    /// When the verdict hinges on a value vnetlint cannot resolve (public network access, the
    /// default action, an IP filter), VNL002 is reported at that value instead. Rules with an
    /// unresolved bound are left out of the sum (VNL601 reports them when they matter).
    ///
    /// ## Why is this bad?
    /// The data endpoint answers every Internet host: only the keys or the login stand between
    /// an attacker and the data, and a leaked SAS token, key or password works from anywhere.
    ///
    /// ## Example
    /// ```hcl,expect=VNL603
    /// resource "azurerm_storage_account" "exports" {
    ///   name                     = "stexports"
    ///   resource_group_name      = "rg"
    ///   location                 = "westeurope"
    ///   account_tier             = "Standard"
    ///   account_replication_type = "LRS"
    /// }
    /// ```
    ///
    /// ```hcl,expect=VNL603
    /// resource "azurerm_redis_cache" "sessions" {
    ///   name                = "redis-sessions"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   capacity            = 1
    ///   family              = "C"
    ///   sku_name            = "Standard"
    /// }
    /// ```
    ///
    /// ```arm,expect=VNL603
    /// {
    ///   "type": "Microsoft.KeyVault/vaults",
    ///   "apiVersion": "2023-07-01",
    ///   "name": "kv-orders",
    ///   "properties": {
    ///     "tenantId": "[subscription().tenantId]",
    ///     "sku": { "family": "A", "name": "standard" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Deny by default and admit the networks that need the service (or disable public network
    /// access and use a private endpoint):
    /// ```hcl
    /// resource "azurerm_storage_account" "exports" {
    ///   name                     = "stexports"
    ///   resource_group_name      = "rg"
    ///   location                 = "westeurope"
    ///   account_tier             = "Standard"
    ///   account_replication_type = "LRS"
    ///
    ///   network_rules {
    ///     default_action = "Deny"
    ///     ip_rules       = ["203.0.113.0/24"]
    ///   }
    /// }
    /// ```
    ///
    /// ```hcl
    /// resource "azurerm_redis_cache" "sessions" {
    ///   name                          = "redis-sessions"
    ///   location                      = "westeurope"
    ///   resource_group_name           = "rg"
    ///   capacity                      = 1
    ///   family                        = "C"
    ///   sku_name                      = "Standard"
    ///   public_network_access_enabled = false
    /// }
    /// ```
    ///
    /// ```arm
    /// {
    ///   "type": "Microsoft.KeyVault/vaults",
    ///   "apiVersion": "2023-07-01",
    ///   "name": "kv-orders",
    ///   "properties": {
    ///     "tenantId": "[subscription().tenantId]",
    ///     "sku": { "family": "A", "name": "standard" },
    ///     "networkAcls": { "defaultAction": "Deny", "bypass": "AzureServices" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Configure Azure Storage firewalls and virtual networks](https://learn.microsoft.com/azure/storage/common/storage-network-security)
    /// - [Azure SQL connectivity settings](https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings)
    /// - [Configure Azure Key Vault networking settings](https://learn.microsoft.com/azure/key-vault/general/how-to-azure-key-vault-network-security)
    /// - [Azure Cache for Redis network isolation options](https://learn.microsoft.com/azure/azure-cache-for-redis/cache-network-isolation)
    /// - [Configure an IP firewall for Azure Cosmos DB](https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall)
    pub static PAAS_PUBLIC_NETWORK_OPEN = {
        code: "VNL603",
        name: "paas-public-network-open",
        level: Warning,
        tags: ["security", "network", "storage", "sql"],
        precision: "high",
        security_severity: Some(5.3),
        run: run,
    };
}

/// What a service's firewall admits when its public network access is on.
enum Exposure<'n> {
    /// Narrow ranges at most (a single rule above the threshold is VNL601's).
    Closed,
    /// Every network.
    Open(Open),
    /// Its rules together admit this many public addresses, more than the threshold.
    Wide(u64),
    /// It hinges on an unresolved value.
    Unresolved(Span, &'n Unknown),
}

/// Why a service admits every network, and where to point.
struct Open {
    /// What keeps it open ("the network rules' default action is `Allow`").
    reason: String,
    /// How to close it.
    fix: &'static str,
    /// The written setting that opens it, with its label.
    at: Option<(Span, &'static str)>,
    /// The label at the service's name when nothing opening it is written.
    unwritten: String,
    note: Option<&'static str>,
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let rules = FirewallRule::all(net);
    for service in Service::all(net) {
        let own: Vec<&FirewallRule<'_>> = rules
            .iter()
            .filter(|rule| rule.service == Some(service.id))
            .collect();
        let exposure = exposure(&service, &own);
        out.extend(judge(&service, exposure));
    }
}

/// What the firewall of a service admits, by its model.
fn exposure<'n>(service: &Service<'n>, rules: &[&FirewallRule<'n>]) -> Exposure<'n> {
    match service.kind.firewall() {
        FirewallModel::RulesOrAll if rules.is_empty() => Exposure::Open(Open {
            reason: "it has no firewall rule, which admits every address".to_owned(),
            fix: "add firewall rules for the addresses that need access, or disable public network access and use a private endpoint",
            at: None,
            unwritten: format!("no firewall rule restricts this {}", service.kind.noun()),
            note: None,
        }),
        FirewallModel::Rules | FirewallModel::RulesOrAll => wide(rule_ranges(rules)),
        FirewallModel::DefaultAction => default_action(service),
        FirewallModel::AllowList => allow_list(service),
        FirewallModel::None => Exposure::Open(Open {
            reason: "it has no IP firewall".to_owned(),
            fix: "disable public network access and use a private endpoint",
            at: None,
            unwritten: format!("nothing restricts this {}", service.kind.noun()),
            note: None,
        }),
    }
}

/// A firewall with a default action: `Allow` admits every network, `Deny` what its IP rules
/// admit.
fn default_action<'n>(service: &Service<'n>) -> Exposure<'n> {
    let action = service.default_action;
    match default_action_allows(action) {
        Some(false) => wide(ip_ranges(service)),
        None => unresolved(action),
        Some(true) => {
            let written = written(action);
            let has_rules = service
                .ip_rules
                .and_then(Attr::get)
                .is_some_and(|l| !l.is_empty())
                || service
                    .subnets
                    .and_then(Attr::get)
                    .is_some_and(|l| !l.is_empty());
            Exposure::Open(Open {
                reason: format!(
                    "the network rules' default action is `Allow`{}",
                    if written.is_none() { " (no network rules)" } else { "" }
                ),
                fix: "set the default action to `Deny` and admit the subnets or IP ranges that need access, or disable public network access and use a private endpoint",
                at: written.map(|attr| (attr.span, "the default action admits every network")),
                unwritten: format!("no network rules restrict this {}", service.kind.noun()),
                note: has_rules.then_some(
                    "the IP and virtual network rules have no effect while the default action is `Allow`",
                ),
            })
        }
    }
}

/// A list of admitted addresses: empty admits every address (unless, for Cosmos DB, the
/// virtual network filter is on).
fn allow_list<'n>(service: &Service<'n>) -> Exposure<'n> {
    let list = service.ip_rules;
    let Some(items) = list.map_or(Some(&[][..]), |list| list.get().map(Vec::as_slice)) else {
        return unresolved(list);
    };
    if !items.is_empty() {
        return wide(ip_ranges(service));
    }
    let cosmos = service.kind == ServiceKind::CosmosDb;
    if cosmos {
        match service.virtual_network_filter.map(|filter| &filter.value) {
            Some(Val::Known(true)) => return Exposure::Closed,
            Some(Val::Unknown(unknown)) => {
                return Exposure::Unresolved(
                    service
                        .virtual_network_filter
                        .map_or(service.meta.span, |f| f.span),
                    unknown,
                );
            }
            Some(Val::Known(false)) | None => {}
        }
    }
    Exposure::Open(Open {
        reason: format!(
            "its IP firewall lists no address{}",
            if cosmos {
                " and its virtual network filter is off"
            } else {
                ""
            }
        ),
        fix: "admit only the addresses that need access in its IP firewall, or disable public network access and use a private endpoint",
        at: written(list).map(|list| (list.span, "the list of admitted addresses is empty")),
        unwritten: format!("no IP rule restricts this {}", service.kind.noun()),
        note: None,
    })
}

/// The verdict on a service, given what its firewall admits.
fn judge(service: &Service<'_>, exposure: Exposure<'_>) -> Option<Finding> {
    let what = match exposure {
        Exposure::Closed => return None,
        Exposure::Wide(_) => "accepts connections from most of the Internet",
        Exposure::Open(_) | Exposure::Unresolved(..) => "accepts connections from any network",
    };
    let what = format!("whether {} {what}", service.described());
    let check = &PAAS_PUBLIC_NETWORK_OPEN;
    match service.public() {
        Some(false) => None,
        None => service
            .public_network_access
            .and_then(|access| match &access.value {
                Val::Unknown(unknown) => Some(unresolved_value(
                    check,
                    access.span,
                    unknown,
                    &what,
                    service.meta,
                )),
                Val::Known(_) => None,
            }),
        Some(true) => Some(match exposure {
            Exposure::Closed => return None,
            Exposure::Unresolved(span, unknown) => {
                unresolved_value(check, span, unknown, &what, service.meta)
            }
            Exposure::Open(open) => open_finding(service, open),
            Exposure::Wide(total) => wide_finding(service, total),
        }),
    }
}

fn open_finding(service: &Service<'_>, open: Open) -> Finding {
    let public = written(service.public_network_access);
    // Point at what opens it: a written setting, else a written `true`, else the service.
    let (span, label) = match (open.at, public) {
        (Some((span, label)), _) => (span, label.to_owned()),
        (None, Some(attr)) => (attr.span, "public network access is on".to_owned()),
        (None, None) => (name_span(service.meta), open.unwritten),
    };
    let message = format!(
        "{} accepts connections from any network: public network access is on{} and {}; {}",
        service.subject(),
        if public.is_none() {
            " (the default)"
        } else {
            ""
        },
        open.reason,
        open.fix,
    );
    let finding = PAAS_PUBLIC_NETWORK_OPEN
        .finding_at(service.meta, span, label, message)
        .with_fingerprint_key(service.kind.slug());
    match open.note {
        Some(note) => finding.with_note(note),
        None => finding,
    }
}

fn wide_finding(service: &Service<'_>, total: u64) -> Finding {
    let span = written(service.public_network_access)
        .map_or_else(|| name_span(service.meta), |attr| attr.span);
    let rules = match service.kind.firewall() {
        FirewallModel::Rules | FirewallModel::RulesOrAll => "firewall rules",
        _ => "IP rules",
    };
    let message = format!(
        "public network access is on for {} and its {rules} together admit {total} public addresses, more than a /8: most of the Internet can reach its {}; narrow the rules to the ranges that need access, or disable public network access and use a private endpoint",
        service.described(),
        service.kind.reached(),
    );
    PAAS_PUBLIC_NETWORK_OPEN
        .finding_at(service.meta, span, "public network access is on", message)
        .with_fingerprint_key(service.kind.slug())
}

/// A setting the template writes, not one left at its default.
fn written<T>(attr: Option<&Attr<T>>) -> Option<&Attr<T>> {
    attr.filter(|attr| attr.origin != Origin::Default)
}

/// The exposure of a setting that is unresolved (or, when it is known, of nothing).
fn unresolved<T>(attr: Option<&Attr<T>>) -> Exposure<'_> {
    match attr {
        Some(Attr {
            value: Val::Unknown(unknown),
            span,
            ..
        }) => Exposure::Unresolved(*span, unknown),
        _ => Exposure::Closed,
    }
}

/// The ranges of the start–end rules whose bounds are known, the "allow Azure services" rule
/// aside; `None` when one rule alone is above the threshold (that rule is VNL601's).
fn rule_ranges(rules: &[&FirewallRule<'_>]) -> Option<Vec<(u32, u32)>> {
    let mut ranges = Vec::new();
    for rule in rules {
        let (Some(start), Some(end)) = (bound(rule.start), bound(rule.end)) else {
            continue;
        };
        if start == 0 && end == 0 {
            continue;
        }
        if public_count(start, end) > OPEN_THRESHOLD {
            return None;
        }
        if start <= end {
            ranges.push((start, end));
        }
    }
    Some(ranges)
}

/// The ranges of the known IP rules that decide who reaches a service; `None` when one rule
/// alone is above the threshold (that rule is VNL601's).
fn ip_ranges(service: &Service<'_>) -> Option<Vec<(u32, u32)>> {
    let items = service.deciding_ip_rules().and_then(Attr::get);
    let mut ranges = Vec::new();
    for text in items.into_iter().flatten().filter_map(Attr::get) {
        let Some(entry) = entry_ranges(text) else {
            continue;
        };
        if entry_public_count(&entry) > OPEN_THRESHOLD {
            return None;
        }
        ranges.extend(entry);
    }
    Some(ranges)
}

/// `Wide` when the union of the ranges holds more public addresses than the threshold.
fn wide<'n>(ranges: Option<Vec<(u32, u32)>>) -> Exposure<'n> {
    let Some(mut ranges) = ranges else {
        return Exposure::Closed;
    };
    let total = union_public_count(&mut ranges);
    if total > OPEN_THRESHOLD {
        Exposure::Wide(total)
    } else {
        Exposure::Closed
    }
}

/// The public addresses in the union of ranges (they may overlap: the firewall is a union).
fn union_public_count(ranges: &mut [(u32, u32)]) -> u64 {
    ranges.sort_unstable();
    let mut total = 0;
    let mut current: Option<(u32, u32)> = None;
    for &(start, end) in ranges.iter() {
        current = match current {
            Some((s, e)) if u64::from(start) <= u64::from(e) + 1 => Some((s, e.max(end))),
            Some((s, e)) => {
                total += public_count(s, e);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        total += public_count(s, e);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::union_public_count;

    #[test]
    fn overlapping_ranges_count_once() {
        let mut ranges = vec![
            (0x0100_0000, 0x01FF_FFFF),
            (0x0100_0000, 0x0100_00FF),
            (0x0200_0000, 0x0200_0000),
        ];
        assert_eq!(union_public_count(&mut ranges), (1 << 24) + 1);
    }
}
