//! Web and function apps: their plan, VNet integration, connection strings and app settings.

use vnetlint_ir::{AppSetting, ConnectionString, WebApp};

use super::read::{Block, shape_template};
use crate::value::{Ev, EvKind};

/// The azurerm web and function app resources.
pub(super) fn web_app(block: &Block<'_, '_, '_>, app: &mut WebApp) {
    app.plan = block
        .link("service_plan_id")
        .or_else(|| block.link("app_service_plan_id"));
    app.vnet_integration_subnet = block.link("virtual_network_subnet_id");
    app.connection_strings = block
        .blocks("connection_string")
        .into_iter()
        .map(|cs| ConnectionString {
            span: cs.span(),
            name: cs.string("name"),
            kind: cs.string("type"),
            value: cs.template("value"),
        })
        .collect();
    // A map of names to values: each value may hold references (`azurerm_x.y.ip_address`).
    if let Some(Ev {
        kind: EvKind::Object(entries),
        ..
    }) = block.ev("app_settings")
    {
        for entry in entries {
            if let Some(value) = shape_template(entry.value) {
                app.app_settings.push(AppSetting {
                    span: entry.span,
                    name: entry.key,
                    value,
                });
            }
        }
    }
}
