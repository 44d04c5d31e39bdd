//! Web apps: their plan, VNet integration, and the connection strings and app settings written
//! in `siteConfig` or in `config` child resources.

use vnetlint_ir::{AppSetting, Attr, ConnectionString, ElementId, Network, WebApp};

use super::Resource;
use super::read::{string, template};
use crate::value::Value;

/// `Microsoft.Web/sites`. Its connection strings and app settings come before those of its
/// `config` child resources (which may be filled first, in declaration order).
pub(super) fn web_app(resource: &Resource<'_>, app: &mut WebApp) {
    app.plan = resource.link(&["serverFarmId"]);
    app.vnet_integration_subnet = resource.link(&["virtualNetworkSubnetId"]);
    let site_config = |key: &str| {
        resource
            .get(&["siteConfig", key])
            .map_or(&[][..], Value::elements)
    };
    let connection_strings = site_config("connectionStrings")
        .iter()
        .map(site_connection_string);
    app.connection_strings.splice(0..0, connection_strings);
    let app_settings = site_config("appSettings").iter().filter_map(|setting| {
        let name = setting.get("name").and_then(Value::as_str)?;
        let value = template(setting.get("value"))?;
        Some(AppSetting {
            span: setting.span,
            name: name.to_owned(),
            value,
        })
    });
    app.app_settings.splice(0..0, app_settings);
}

/// `Microsoft.Web/sites/config` named `appsettings`, `connectionstrings` or `web`.
pub(super) fn site_config(resource: &Resource<'_>, network: &mut Network) {
    let Some(ElementId::WebApp(app)) = resource.parent_element() else {
        return;
    };
    let properties = &resource.properties;
    let config = resource
        .instance
        .address
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let app = &mut network[app];
    match config.as_str() {
        "appsettings" => {
            for (name, value) in properties.members() {
                if let Some(value) = template(Some(value)) {
                    app.app_settings.push(AppSetting {
                        span: value.span,
                        name: name.clone(),
                        value,
                    });
                }
            }
        }
        "connectionstrings" => {
            for (name, entry) in properties.members() {
                app.connection_strings.push(ConnectionString {
                    span: entry.span,
                    name: Some(Attr::known(name.clone(), entry.span)),
                    kind: string(entry.get("type")),
                    value: template(entry.get("value")),
                });
            }
        }
        "web" => {
            let strings = properties
                .get("connectionStrings")
                .map_or(&[][..], Value::elements);
            app.connection_strings
                .extend(strings.iter().map(site_connection_string));
        }
        _ => {}
    }
}

/// One element of `siteConfig.connectionStrings`.
fn site_connection_string(cs: &Value) -> ConnectionString {
    ConnectionString {
        span: cs.span,
        name: string(cs.get("name")),
        kind: string(cs.get("type")),
        value: template(cs.get("connectionString")),
    }
}
