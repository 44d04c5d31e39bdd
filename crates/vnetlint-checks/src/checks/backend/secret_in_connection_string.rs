//! VNL402: a password, account key or SAS token written literally in a connection string or
//! app setting.

use vnetlint_diagnostics::Finding;

use super::{Candidate, check_candidates, origin_labels};
use crate::Context;
use crate::analysis::connection_string::is_placeholder;
use crate::declare::declare_check;

declare_check! {
    /// A connection string or app setting holds a literal password, account key or SAS token.
    ///
    /// ## What it does
    /// Reads every connection string and app setting of web and function apps and reports the
    /// secrets written in them as text: `Password=` / `Pwd=` (SQL Server, PostgreSQL, MySQL,
    /// JDBC `password=`, Redis `password=`), `AccountKey=` (storage), `SharedAccessKey=`
    /// (Service Bus, Event Hubs), a SAS token's `sig=`, and the password of a URI
    /// (`postgres://user:password@host/db`). An app setting whose name says it is a secret
    /// (`…PASSWORD…`, `…SECRET…`, `…ACCOUNT_KEY…`, `…ACCESS_KEY…`, `…API_KEY…`, `…SAS_TOKEN…`,
    /// but not `…_NAME`, `…_URI`, `…_URL`, `…_ID`) is reported when its whole value is text.
    /// The message names the key and never shows the value.
    ///
    /// A value is fine when it is not in the scanned files: a Terraform variable without a
    /// default or tfvars value, an ARM `securestring` parameter, a Key Vault reference
    /// (`@Microsoft.KeyVault(SecretUri=…)`), or any value vnetlint cannot resolve. Empty values
    /// and placeholders (`{password}`, `<password>`, `$(PASSWORD)`, `%PASSWORD%`, `__PASSWORD__`,
    /// `#{password}#`, `***`) are not secrets. A variable whose default or tfvars value holds the
    /// secret is reported: the secret is in the scanned files all the same, and the finding also
    /// points at where it is written.
    ///
    /// ## Why is this bad?
    /// Whoever can read the repository, the plan output, the deployment history or the app's
    /// configuration export can use the credential; rotating it means editing code. Secrets
    /// belong in Key Vault (referenced from the app setting) or, better, are replaced by a
    /// managed identity.
    ///
    /// ## Example
    /// ```hcl,expect=VNL402
    /// resource "azurerm_service_plan" "orders" {
    ///   name                = "plan-orders"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   os_type             = "Linux"
    ///   sku_name            = "P1v3"
    /// }
    ///
    /// resource "azurerm_linux_web_app" "orders" {
    ///   name                = "app-orders"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   service_plan_id     = azurerm_service_plan.orders.id
    ///
    ///   site_config {}
    ///
    ///   connection_string {
    ///     name  = "orders-db"
    ///     type  = "SQLAzure"
    ///     value = "Server=tcp:sql-orders.database.windows.net,1433;Initial Catalog=orders;User ID=orders;Password=Example-Only-1234"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Reference a Key Vault secret (or a variable whose value is supplied at deployment):
    /// ```hcl
    /// variable "orders_db_password" {
    ///   type      = string
    ///   sensitive = true
    /// }
    ///
    /// resource "azurerm_service_plan" "orders" {
    ///   name                = "plan-orders"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   os_type             = "Linux"
    ///   sku_name            = "P1v3"
    /// }
    ///
    /// resource "azurerm_linux_web_app" "orders" {
    ///   name                = "app-orders"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   service_plan_id     = azurerm_service_plan.orders.id
    ///
    ///   site_config {}
    ///
    ///   app_settings = {
    ///     "STORAGE_CONNECTION" = "@Microsoft.KeyVault(SecretUri=https://kv-orders.vault.azure.net/secrets/storage/)"
    ///   }
    ///
    ///   connection_string {
    ///     name  = "orders-db"
    ///     type  = "SQLAzure"
    ///     value = "Server=tcp:sql-orders.database.windows.net,1433;Initial Catalog=orders;User ID=orders;Password=${var.orders_db_password}"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Use Key Vault references for App Service](https://learn.microsoft.com/azure/app-service/app-service-key-vault-references)
    /// - [Managed identities for App Service](https://learn.microsoft.com/azure/app-service/overview-managed-identity)
    pub static SECRET_IN_CONNECTION_STRING = {
        code: "VNL402",
        name: "secret-in-connection-string",
        level: Error,
        tags: ["security", "secrets"],
        precision: "high",
        security_severity: Some(7.5),
        run: |ctx, out| check_candidates(ctx, out, check),
    };
}

/// Words in an app setting's name that say its value is a secret (compared without `_`, `-`,
/// `.`, `:` and case).
const SECRET_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "ACCOUNTKEY",
    "ACCESSKEY",
    "APIKEY",
    "SHAREDACCESSKEY",
    "SASTOKEN",
];

/// Name endings that say the value points at a secret rather than being one.
const POINTER_SUFFIXES: &[&str] = &[
    "NAME", "URI", "URL", "ID", "PATH", "FILE", "ENDPOINT", "VERSION",
];

fn check(ctx: &Context<'_>, candidate: &Candidate<'_>) -> Option<Finding> {
    let net = ctx.network;
    let whole = candidate.template.as_literal();
    // A Key Vault reference is resolved by App Service at run time.
    if whole
        .as_deref()
        .is_some_and(|t| t.trim_start().starts_with("@Microsoft.KeyVault("))
    {
        return None;
    }
    let mut keys: Vec<String> = candidate
        .parsed
        .secrets
        .iter()
        .filter(|s| s.literal)
        .map(|s| s.key.clone())
        .collect();
    keys.dedup();
    let by_name = keys.is_empty()
        && candidate.setting.is_some_and(secret_name)
        && whole
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty() && !is_placeholder(t.trim()));
    if keys.is_empty() && !by_name {
        return None;
    }
    let shown = if by_name {
        "its whole value".to_owned()
    } else {
        keys.iter()
            .map(|k| match k.strip_suffix('=') {
                Some(key) => format!("`{key}=***`"),
                None => format!("`{}`", k.replace('…', "***")),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let app = &net[candidate.app];
    let message = format!(
        "{} of app `{}` holds a literal secret ({shown}): anyone who can read the template, the plan or the deployment history can use it; reference a Key Vault secret (`@Microsoft.KeyVault(SecretUri=…)`), a managed identity, or a variable or `securestring` parameter supplied at deployment instead",
        candidate.what,
        app.meta.display_name(),
    );
    let mut finding = SECRET_IN_CONNECTION_STRING
        .finding_at(&app.meta, candidate.span, "a literal secret", message)
        .with_fingerprint_key(candidate.key.clone());
    finding.secondary.extend(origin_labels(
        candidate.origin,
        candidate.span,
        "the secret is written here",
    ));
    // Every place that shows the secret is masked in snippets and embedded sources.
    finding.redact = std::iter::once(finding.primary.span)
        .chain(finding.secondary.iter().map(|l| l.span))
        .collect();
    Some(finding)
}

/// Whether an app setting's name says its value is a secret.
fn secret_name(name: &str) -> bool {
    let normal: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    SECRET_NAMES.iter().any(|w| normal.contains(w))
        && !POINTER_SUFFIXES.iter().any(|s| normal.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::secret_name;

    #[test]
    fn secret_names() {
        assert!(secret_name("DB_PASSWORD"));
        assert!(secret_name("Storage:AccountKey"));
        assert!(secret_name("CLIENT_SECRET"));
        assert!(!secret_name("CLIENT_SECRET_NAME"));
        assert!(!secret_name("KEYVAULT_SECRET_URI"));
        assert!(!secret_name("WEBSITE_RUN_FROM_PACKAGE"));
        assert!(!secret_name("API_KEY_HEADER_NAME"));
    }
}
