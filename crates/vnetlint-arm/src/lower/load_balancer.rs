//! Load balancers with their inline frontends, backend pools, load-balancing rules, inbound NAT
//! rules, NAT pools (a NAT rule over a range of frontend ports) and probes, and the
//! `backendAddressPools` and `inboundNatRules` child resources. Pools, NAT rules and probes
//! are link targets (NICs and rules name them by id), so the inline ones are allocated with the
//! load balancer; rules and NAT pools are created when it is filled. Elements of the load
//! balancer (a frontend, a pool) are named by id; a frontend by the name the id ends with.

use vnetlint_ir::{
    Attr, Element, ElementId, Empty, LbBackendPool, LbFrontend, LbNatRule, LbProbe, LbRule,
    LoadBalancerId, Network,
};

use super::network::{inline, inline_address, inline_meta};
use super::read::{Targets, boolean, id_name, items, non_empty, shape_string, string};
use super::{Lowerer, Resource, props};
use crate::template::Instance;
use crate::value::Value;

/// The inline arrays of a load balancer's properties; each key is also the address segment of
/// the child resource the element could be written as.
const POOLS: &str = "backendAddressPools";
const NAT_RULES: &str = "inboundNatRules";
const PROBES: &str = "probes";
const RULES: &str = "loadBalancingRules";
const NAT_POOLS: &str = "inboundNatPools";

impl Lowerer {
    /// Allocates the inline backend pools, NAT rules and probes of a load balancer.
    pub(super) fn allocate_load_balancer_inline(
        &mut self,
        instance: &Instance,
        lb: LoadBalancerId,
    ) {
        let of_lb = Some(Attr::known(lb, instance.span));
        self.allocate_children(instance, POOLS, |meta| LbBackendPool {
            load_balancer: of_lb.clone(),
            ..LbBackendPool::empty(meta)
        });
        self.allocate_children(instance, NAT_RULES, |meta| LbNatRule {
            load_balancer: of_lb.clone(),
            ..LbNatRule::empty(meta)
        });
        self.allocate_children(instance, PROBES, |meta| LbProbe {
            load_balancer: of_lb.clone(),
            ..LbProbe::empty(meta)
        });
    }
}

/// `Microsoft.Network/loadBalancers`: its SKU and frontends, the inline pools, NAT rules and
/// probes `allocate_load_balancer_inline` created, and its rules and NAT pools.
pub(super) fn load_balancer(resource: &Resource<'_>, network: &mut Network, id: LoadBalancerId) {
    let targets = resource.targets;
    let instance = resource.instance;
    let properties = &resource.properties;
    let lb = &mut network[id];
    lb.sku = string(instance.body.path(&["sku", "name"]));
    lb.frontends = inline(properties, "frontendIPConfigurations")
        .iter()
        .map(|frontend| {
            let p = props(frontend, frontend.span);
            LbFrontend {
                span: frontend.span,
                name: frontend.get("name").and_then(shape_string),
                public_ip: targets.link(p.path(&["publicIPAddress", "id"])),
                subnet: targets.link(p.path(&["subnet", "id"])),
                private_ip: string(p.get("privateIPAddress")),
            }
        })
        .collect();
    for key in [POOLS, NAT_RULES, PROBES] {
        for element in inline(properties, key) {
            let element_properties = props(element, element.span);
            match targets.element_at(&inline_address(instance, key, element)) {
                Some(ElementId::LbBackendPool(pool)) => {
                    fill_pool(&element_properties, &mut network[pool]);
                }
                Some(ElementId::LbNatRule(rule)) => {
                    fill_nat_rule(targets, &element_properties, &mut network[rule]);
                }
                Some(ElementId::LbProbe(probe)) => {
                    fill_probe(&element_properties, &mut network[probe]);
                }
                _ => {}
            }
        }
    }
    let of_lb = Some(Attr::known(id, instance.span));
    for element in inline(properties, RULES) {
        let mut rule = LbRule {
            load_balancer: of_lb.clone(),
            ..LbRule::empty(inline_meta(instance, RULES, element))
        };
        fill_rule(targets, &props(element, element.span), &mut rule);
        rule.push_into(network);
    }
    for element in inline(properties, NAT_POOLS) {
        let mut rule = LbNatRule {
            load_balancer: of_lb.clone(),
            ..LbNatRule::empty(inline_meta(instance, NAT_POOLS, element))
        };
        fill_nat_rule(targets, &props(element, element.span), &mut rule);
        rule.push_into(network);
    }
}

/// A `backendAddressPools` child resource (or an inline pool declared again as one).
pub(super) fn backend_pool(resource: &Resource<'_>, pool: &mut LbBackendPool) {
    pool.load_balancer = Some(resource.parent());
    fill_pool(&resource.properties, pool);
}

/// An `inboundNatRules` child resource (or an inline NAT rule declared again as one).
pub(super) fn nat_rule(resource: &Resource<'_>, rule: &mut LbNatRule) {
    rule.load_balancer = Some(resource.parent());
    fill_nat_rule(resource.targets, &resource.properties, rule);
}

/// The properties of a backend pool: the addresses of an IP-based pool (its NIC members name
/// it from their own IP configurations).
fn fill_pool(properties: &Value, pool: &mut LbBackendPool) {
    let addresses = items(properties, "loadBalancerBackendAddresses", |address| {
        string(address.path(&["properties", "ipAddress"]))
    });
    if let Some(addresses) = non_empty(addresses) {
        pool.addresses = Some(addresses);
    }
}

/// The properties of a load-balancing rule.
fn fill_rule(targets: &Targets, properties: &Value, rule: &mut LbRule) {
    rule.frontend = id_name(properties.path(&["frontendIPConfiguration", "id"]));
    rule.protocol = string(properties.get("protocol"));
    rule.frontend_port = string(properties.get("frontendPort"));
    rule.backend_port = string(properties.get("backendPort"));
    // Newer API versions list pools; older ones name one.
    rule.backend_pools = properties
        .get("backendAddressPools")
        .map(|pools| targets.link_items(pools))
        .unwrap_or_default();
    if rule.backend_pools.is_empty() {
        rule.backend_pools = targets
            .link(properties.path(&["backendAddressPool", "id"]))
            .into_iter()
            .collect();
    }
    rule.probe = targets.link(properties.path(&["probe", "id"]));
    rule.floating_ip = boolean(properties.get("enableFloatingIP"));
}

/// The properties of an inbound NAT rule or NAT pool (whose range is `frontendPortRangeStart`
/// and `frontendPortRangeEnd`, as a NAT rule over a pool writes it).
fn fill_nat_rule(targets: &Targets, properties: &Value, rule: &mut LbNatRule) {
    rule.frontend = id_name(properties.path(&["frontendIPConfiguration", "id"]));
    rule.protocol = string(properties.get("protocol"));
    rule.frontend_port = string(properties.get("frontendPort"));
    rule.frontend_port_start = string(properties.get("frontendPortRangeStart"));
    rule.frontend_port_end = string(properties.get("frontendPortRangeEnd"));
    rule.backend_port = string(properties.get("backendPort"));
    rule.backend_pool = targets.link(properties.path(&["backendAddressPool", "id"]));
}

/// The properties of a probe.
fn fill_probe(properties: &Value, probe: &mut LbProbe) {
    probe.protocol = string(properties.get("protocol"));
    probe.port = string(properties.get("port"));
}
