//! VNL603: a storage account or SQL server reachable from any network: public network access
//! on and no network rules narrowing it.

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{Attr, SqlServerId, StorageAccount, Val};

use super::{OPEN_THRESHOLD, bound, public_access, public_count, rule_server, unresolved};
use crate::Context;
use crate::declare::declare_check;
use crate::finding::name_span;

declare_check! {
    /// A storage account or SQL server has public network access on and no network rules restricting who can reach it.
    ///
    /// ## What it does
    /// Storage account: reported when public network access is on (`public_network_access_enabled`,
    /// `publicNetworkAccess`; on by default) and the network rules' default action is `Allow`
    /// (`network_rules` / `networkAcls` absent, or `default_action = "Allow"`). Any IP or virtual
    /// network rules have no effect while the default action is `Allow`.
    ///
    /// SQL server: its firewall denies by default and admits the union of its rules, so public
    /// network access alone opens nothing. It is reported when public network access is on and
    /// its firewall rules *together* admit more than a /8 of public addresses (the threshold of
    /// VNL601) while no single rule does (that rule is VNL601's); the "allow Azure services"
    /// rule `0.0.0.0`–`0.0.0.0` is VNL602's and counts for nothing here.
    ///
    /// When the verdict hinges on a value vnetlint cannot resolve (public network access, the
    /// default action), VNL002 is reported at that value instead. Rules with an unresolved
    /// bound are left out of the SQL sum (VNL601 reports them when they matter).
    ///
    /// ## Why is this bad?
    /// The data endpoint answers every Internet host: only the keys or the login stand between
    /// an attacker and the data, and a leaked SAS token or key works from anywhere.
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
    /// ## Use instead
    /// Deny by default and admit the networks that need the account (or disable public network
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
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Configure Azure Storage firewalls and virtual networks](https://learn.microsoft.com/azure/storage/common/storage-network-security)
    /// - [Azure SQL connectivity settings](https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings)
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

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for account in &ctx.network.storage_accounts {
        storage(account, out);
    }
    for index in 0..ctx.network.sql_servers.len() {
        sql(
            ctx,
            SqlServerId(u32::try_from(index).unwrap_or(u32::MAX)),
            out,
        );
    }
}

fn storage(account: &StorageAccount, out: &mut Vec<Finding>) {
    let public = public_access(account.public_network_access.as_ref());
    // No `network_rules` at all: Azure's default action is `Allow`.
    let allow = match account.default_action.as_ref().map(|a| &a.value) {
        None => Some(true),
        Some(Val::Known(action)) => Some(action.trim().eq_ignore_ascii_case("Allow")),
        Some(Val::Unknown(_)) => None,
    };
    let what = format!(
        "whether storage account `{}` accepts connections from any network",
        account.meta.display_name()
    );
    let check = &PAAS_PUBLIC_NETWORK_OPEN;
    match (public, allow) {
        (Some(false), _) | (_, Some(false)) => {}
        (Some(true), Some(true)) => out.push(storage_finding(account)),
        (None, _) => out.extend(unresolved(
            check,
            account.public_network_access.as_ref(),
            &what,
            &account.meta,
        )),
        (Some(true), None) => out.extend(unresolved(
            check,
            account.default_action.as_ref(),
            &what,
            &account.meta,
        )),
    }
}

fn storage_finding(account: &StorageAccount) -> Finding {
    let written_allow = account.default_action.as_ref();
    let written_public = account.public_network_access.as_ref();
    // Point at what opens it: a written `Allow`, else a written `true`, else the account.
    let (span, label) = match (written_allow, written_public) {
        (Some(attr), _) => (attr.span, "the default action admits every network"),
        (None, Some(attr)) => (attr.span, "public network access is on"),
        (None, None) => (
            name_span(&account.meta),
            "no network rules restrict this account",
        ),
    };
    let has_rules = |list: Option<&vnetlint_ir::AttrList<String>>| {
        list.and_then(Attr::get).is_some_and(|l| !l.is_empty())
    };
    let subnets = account
        .subnets
        .as_ref()
        .and_then(Attr::get)
        .is_some_and(|l| !l.is_empty());
    let message = format!(
        "storage account `{}` accepts connections from any network: public network access is on{} and the network rules' default action is `Allow`{}; set the default action to `Deny` and admit the subnets or IP ranges that need access, or disable public network access and use a private endpoint",
        account.meta.display_name(),
        if written_public.is_none() {
            " (the default)"
        } else {
            ""
        },
        if written_allow.is_none() {
            " (no network rules)"
        } else {
            ""
        },
    );
    let mut finding = PAAS_PUBLIC_NETWORK_OPEN
        .finding_at(&account.meta, span, label, message)
        .with_fingerprint_key("storage");
    if has_rules(account.ip_rules.as_ref()) || subnets {
        finding = finding.with_note(
            "the IP and virtual network rules have no effect while the default action is `Allow`",
        );
    }
    finding
}

fn sql(ctx: &Context<'_>, id: SqlServerId, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let server = &net[id];
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for rule in net
        .sql_firewall_rules
        .iter()
        .filter(|r| rule_server(r) == Some(id))
    {
        let (Some(start), Some(end)) = (bound(rule.start_ip.as_ref()), bound(rule.end_ip.as_ref()))
        else {
            continue;
        };
        if start == 0 && end == 0 {
            continue;
        }
        // A single rule above the threshold is VNL601's finding.
        if public_count(start, end) > OPEN_THRESHOLD {
            return;
        }
        if start <= end {
            ranges.push((start, end));
        }
    }
    let total = union_public_count(&mut ranges);
    if total <= OPEN_THRESHOLD {
        return;
    }
    match public_access(server.public_network_access.as_ref()) {
        Some(false) => {}
        None => {
            let what = format!(
                "whether SQL server `{}` accepts connections from most of the Internet",
                server.meta.display_name()
            );
            let access = server.public_network_access.as_ref();
            out.extend(unresolved(
                &PAAS_PUBLIC_NETWORK_OPEN,
                access,
                &what,
                &server.meta,
            ));
        }
        Some(true) => {
            let span = server
                .public_network_access
                .as_ref()
                .map_or_else(|| name_span(&server.meta), |a| a.span);
            let message = format!(
                "public network access is on for SQL server `{}` and its firewall rules together admit {total} public addresses, more than a /8: most of the Internet can reach its login; narrow the rules to the ranges that need access, or disable public network access and use a private endpoint",
                server.meta.display_name()
            );
            out.push(
                PAAS_PUBLIC_NETWORK_OPEN
                    .finding_at(&server.meta, span, "public network access is on", message)
                    .with_fingerprint_key("sql"),
            );
        }
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
