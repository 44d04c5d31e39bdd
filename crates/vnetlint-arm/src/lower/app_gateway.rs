//! Application Gateways, as reverse proxies: the subnet they sit in, their public frontends,
//! listeners with the port they listen on, backend pools, backend settings with the port the
//! backends are reached on, and the routing rules that join them. The inline elements name each
//! other by id; a listener's port and whether it is public are resolved here, by the name the id
//! ends with, as the Terraform frontend resolves them by name.

use vnetlint_ir::{
    AppGatewayBackendPool, AppGatewayBackendSettings, AppGatewayListener, AppGatewayRoutingRule,
    ApplicationGateway, Attr, Named, by_name,
};

use super::network::inline;
use super::read::{id_name, items, non_empty, shape_string, string};
use super::{Resource, props};
use crate::value::Value;

/// `Microsoft.Network/applicationGateways`.
pub(super) fn application_gateway(resource: &Resource<'_>, gateway: &mut ApplicationGateway) {
    let targets = resource.targets;
    let properties = &resource.properties;
    let elements = |key: &str| {
        inline(properties, key)
            .iter()
            .map(|element| (element, props(element, element.span)))
            .collect::<Vec<_>>()
    };
    let name = |element: &Value| element.get("name").and_then(shape_string);
    gateway.subnet = elements("gatewayIPConfigurations")
        .iter()
        .find_map(|(_, config)| targets.link(config.path(&["subnet", "id"])));
    let frontends: Vec<Named<bool>> = elements("frontendIPConfigurations")
        .iter()
        .map(|(frontend, p)| {
            let public_ip = targets.link(p.path(&["publicIPAddress", "id"]));
            let public = Attr::known(public_ip.is_some(), frontend.span);
            gateway.public_ips.extend(public_ip);
            (name(frontend), Some(public))
        })
        .collect();
    let ports: Vec<Named<String>> = elements("frontendPorts")
        .iter()
        .map(|(port, p)| (name(port), string(p.get("port"))))
        .collect();
    gateway.listeners = elements("httpListeners")
        .iter()
        .map(|(listener, p)| AppGatewayListener {
            span: listener.span,
            name: name(listener),
            port: id_name(p.path(&["frontendPort", "id"]))
                .and_then(|port| by_name(&port, &ports, "frontend port")),
            protocol: string(p.get("protocol")),
            public: id_name(p.path(&["frontendIPConfiguration", "id"]))
                .and_then(|frontend| by_name(&frontend, &frontends, "frontend")),
        })
        .collect();
    gateway.backend_pools = elements("backendAddressPools")
        .iter()
        .map(|(pool, p)| {
            let addresses = |key: &str| {
                non_empty(items(p, "backendAddresses", |address| {
                    string(address.get(key))
                }))
            };
            AppGatewayBackendPool {
                span: pool.span,
                name: name(pool),
                ip_addresses: addresses("ipAddress"),
                fqdns: addresses("fqdn"),
            }
        })
        .collect();
    gateway.backend_settings = elements("backendHttpSettingsCollection")
        .iter()
        .map(|(settings, p)| AppGatewayBackendSettings {
            span: settings.span,
            name: name(settings),
            port: string(p.get("port")),
            protocol: string(p.get("protocol")),
        })
        .collect();
    gateway.routing_rules = elements("requestRoutingRules")
        .iter()
        .map(|(rule, p)| AppGatewayRoutingRule {
            span: rule.span,
            name: name(rule),
            listener: id_name(p.path(&["httpListener", "id"])),
            backend_pool: id_name(p.path(&["backendAddressPool", "id"])),
            backend_settings: id_name(p.path(&["backendHttpSettings", "id"])),
        })
        .collect();
}
