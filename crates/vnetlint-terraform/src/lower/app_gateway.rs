//! Application Gateways, as reverse proxies: the subnet they sit in, their public frontends,
//! listeners with the port they listen on, backend pools, backend settings with the port the
//! backends are reached on, and the routing rules that join them. The inline blocks name each
//! other; a listener's port and whether it is public are resolved here, by name.

use vnetlint_ir::{
    AppGatewayBackendPool, AppGatewayBackendSettings, AppGatewayListener, AppGatewayRoutingRule,
    ApplicationGateway, Attr, Named, by_name,
};

use super::read::Block;

/// `azurerm_application_gateway`.
pub(super) fn application_gateway(block: &Block<'_, '_, '_>, gateway: &mut ApplicationGateway) {
    gateway.subnet = block.first_of("gateway_ip_configuration", |config| {
        config.link("subnet_id")
    });
    let frontends: Vec<Named<bool>> = block
        .blocks("frontend_ip_configuration")
        .iter()
        .map(|frontend| {
            let public_ip = frontend.link("public_ip_address_id");
            let public = Attr::known(public_ip.is_some(), frontend.span());
            gateway.public_ips.extend(public_ip);
            (frontend.string("name"), Some(public))
        })
        .collect();
    let ports: Vec<Named<String>> = block
        .blocks("frontend_port")
        .iter()
        .map(|port| (port.string("name"), port.string("port")))
        .collect();
    gateway.listeners = block
        .blocks("http_listener")
        .iter()
        .map(|listener| AppGatewayListener {
            span: listener.span(),
            name: listener.string("name"),
            port: listener
                .string("frontend_port_name")
                .and_then(|name| by_name(&name, &ports, "frontend port")),
            protocol: listener.string("protocol"),
            public: listener
                .string("frontend_ip_configuration_name")
                .and_then(|name| by_name(&name, &frontends, "frontend")),
        })
        .collect();
    gateway.backend_pools = block
        .blocks("backend_address_pool")
        .iter()
        .map(|pool| AppGatewayBackendPool {
            span: pool.span(),
            name: pool.string("name"),
            ip_addresses: pool.strings("ip_addresses"),
            fqdns: pool.strings("fqdns"),
        })
        .collect();
    gateway.backend_settings = block
        .blocks("backend_http_settings")
        .iter()
        .map(|settings| AppGatewayBackendSettings {
            span: settings.span(),
            name: settings.string("name"),
            port: settings.string("port"),
            protocol: settings.string("protocol"),
        })
        .collect();
    gateway.routing_rules = block
        .blocks("request_routing_rule")
        .iter()
        .map(|rule| AppGatewayRoutingRule {
            span: rule.span(),
            name: rule.string("name"),
            listener: rule.string("http_listener_name"),
            backend_pool: rule.string("backend_address_pool_name"),
            backend_settings: rule.string("backend_http_settings_name"),
        })
        .collect();
}
