//! Web and function apps: their plan, VNet integration, connection strings and app settings.

use vnetlint_ir::{AppSetting, ConnectionString, WebAppId};

use super::{Lowerer, Resource};
use crate::eval::{Ev, EvKind};

impl<'a> Lowerer<'_, 'a> {
    /// The azurerm web and function app resources.
    pub(super) fn web_app(&mut self, resource: &Resource<'a>, id: WebAppId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let plan = self
            .link(env, body, "service_plan_id")
            .or_else(|| self.link(env, body, "app_service_plan_id"));
        let subnet = self.link(env, body, "virtual_network_subnet_id");
        let connection_strings = self
            .blocks(env, body, "connection_string")
            .into_iter()
            .map(|(inner, cs)| ConnectionString {
                span: self.span(&inner, cs.span.clone()),
                name: self.string(&inner, cs.body, "name"),
                kind: self.string(&inner, cs.body, "type"),
                value: self
                    .ev(&inner, cs.body, "value")
                    .and_then(|ev| self.shape_template(ev)),
            })
            .collect();
        let mut app_settings = Vec::new();
        if let Some(Ev {
            kind: EvKind::Object(entries),
            ..
        }) = self.ev(env, body, "app_settings")
        {
            for entry in entries {
                if let Some(value) = self.shape_template(entry.value) {
                    app_settings.push(AppSetting {
                        span: entry.span,
                        name: entry.key,
                        value,
                    });
                }
            }
        }
        let app = &mut self.network[id];
        app.plan = plan;
        app.vnet_integration_subnet = subnet;
        app.connection_strings = connection_strings;
        app.app_settings = app_settings;
    }
}
