//! Load balancers with their inline frontends, and the resources that hang on one: backend
//! pools and their addresses, load-balancing rules, inbound NAT rules and NAT pools (a NAT pool
//! is a NAT rule over a range of frontend ports), and health probes. Which NIC configurations
//! are members of a pool or a NAT rule is said by association resources (see `association`)
//! or, in provider 1.x, by the NIC's own configuration (see `nic`).

use vnetlint_ir::{
    Attr, LbBackendPool, LbBackendPoolId, LbFrontend, LbNatRule, LbProbe, LbRule, LoadBalancer,
    Network, push_item,
};

use super::read::Block;

/// `azurerm_lb`: its SKU and its frontends.
pub(super) fn load_balancer(block: &Block<'_, '_, '_>, lb: &mut LoadBalancer) {
    lb.sku = block.string("sku");
    lb.frontends = block
        .blocks("frontend_ip_configuration")
        .iter()
        .map(|frontend| LbFrontend {
            span: frontend.span(),
            name: frontend.string("name"),
            public_ip: frontend.link("public_ip_address_id"),
            subnet: frontend.link("subnet_id"),
            private_ip: frontend.string("private_ip_address"),
        })
        .collect();
}

/// `azurerm_lb_backend_address_pool`; its addresses are separate resources.
pub(super) fn backend_pool(block: &Block<'_, '_, '_>, pool: &mut LbBackendPool) {
    pool.load_balancer = block.link("loadbalancer_id");
}

/// `azurerm_lb_backend_address_pool_address`: one address of an IP-based pool.
pub(super) fn pool_address(block: &Block<'_, '_, '_>, network: &mut Network) {
    let pool = block.link::<LbBackendPoolId>("backend_address_pool_id");
    let address = block.string("ip_address");
    if let (Some(&pool), Some(address)) = (pool.as_ref().and_then(Attr::get), address) {
        push_item(&mut network[pool].addresses, address);
    }
}

/// `azurerm_lb_rule`.
pub(super) fn rule(block: &Block<'_, '_, '_>, rule: &mut LbRule) {
    rule.load_balancer = block.link("loadbalancer_id");
    rule.frontend = block.string("frontend_ip_configuration_name");
    rule.protocol = block.string("protocol");
    rule.frontend_port = block.string("frontend_port");
    rule.backend_port = block.string("backend_port");
    rule.backend_pools = block.link_items("backend_address_pool_ids");
    // Provider 2.x named a single pool.
    if rule.backend_pools.is_empty() {
        rule.backend_pools = block.link("backend_address_pool_id").into_iter().collect();
    }
    rule.probe = block.link("probe_id");
    // `enable_floating_ip` before azurerm 4.
    rule.floating_ip = block
        .bool("floating_ip_enabled")
        .or_else(|| block.bool("enable_floating_ip"));
}

/// `azurerm_lb_nat_rule` (one frontend port, or a range onto a pool) and `azurerm_lb_nat_pool`
/// (a range for a scale set), which write the same attributes.
pub(super) fn nat_rule(block: &Block<'_, '_, '_>, rule: &mut LbNatRule) {
    rule.load_balancer = block.link("loadbalancer_id");
    rule.frontend = block.string("frontend_ip_configuration_name");
    rule.protocol = block.string("protocol");
    rule.frontend_port = block.string("frontend_port");
    rule.frontend_port_start = block.string("frontend_port_start");
    rule.frontend_port_end = block.string("frontend_port_end");
    rule.backend_port = block.string("backend_port");
    rule.backend_pool = block.link("backend_address_pool_id");
}

/// `azurerm_lb_probe`.
pub(super) fn probe(block: &Block<'_, '_, '_>, probe: &mut LbProbe) {
    probe.load_balancer = block.link("loadbalancer_id");
    probe.protocol = block.string("protocol");
    probe.port = block.string("port");
}
