//! Plan JSON lowering: planned values through the shared lowering, `resource_changes` into
//! `Network::changes`, and links that only the configuration's references resolve.

use vnetlint_source::SourceMap;

const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "azurerm_virtual_network.ase", "mode": "managed", "type": "azurerm_virtual_network", "name": "ase",
       "values": {"name": "vnet-ase", "address_space": ["10.1.0.0/16"], "dns_servers": ["10.9.0.4"],
                  "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-ase"}}
    ],
    "child_modules": [{"address": "module.app", "resources": [
      {"address": "module.app.azurerm_subnet.ase", "mode": "managed", "type": "azurerm_subnet", "name": "ase",
       "values": {"name": "snet-ase", "address_prefixes": ["10.1.0.0/24"], "virtual_network_name": "vnet-ase"}},
      {"address": "module.app.azurerm_app_service_environment_v3.ase", "mode": "managed",
       "type": "azurerm_app_service_environment_v3", "name": "ase",
       "values": {"name": "ase-prod", "internal_load_balancing_mode": "Web, Publishing"}}
    ]}]
  }},
  "resource_changes": [
    {"address": "azurerm_virtual_network.ase", "mode": "managed", "type": "azurerm_virtual_network",
     "change": {"actions": ["update"], "before": {"dns_servers": ["168.63.129.16"]},
                "after": {"dns_servers": ["10.9.0.4"]}, "after_unknown": {}}},
    {"address": "module.app.azurerm_app_service_environment_v3.ase", "mode": "managed",
     "type": "azurerm_app_service_environment_v3",
     "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"subnet_id": true, "id": true}}},
    {"address": "azurerm_network_security_group.old", "mode": "managed", "type": "azurerm_network_security_group",
     "change": {"actions": ["delete"], "before": {"name": "nsg-old"}, "after": null}}
  ],
  "configuration": {"root_module": {"module_calls": {"app": {"source": "./app", "module": {"resources": [
    {"address": "azurerm_app_service_environment_v3.ase", "expressions": {
       "subnet_id": {"references": ["azurerm_subnet.ase.id", "azurerm_subnet.ase"]}}}
  ]}}}}}
}"#;

#[test]
fn plan_lowers_planned_values_and_keeps_changes() {
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json".to_owned(), PLAN.to_owned());
    assert!(vnetlint_terraform::is_plan_json(PLAN));
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    assert!(lowered.findings.is_empty(), "{:?}", lowered.findings);
    let network = &lowered.network;
    assert_eq!(network.vnets.len(), 1);
    assert_eq!(network.subnets.len(), 1);
    // The subnet links to the VNet by name, as in the configuration.
    assert!(
        network.subnets[0]
            .vnet
            .as_ref()
            .and_then(|a| a.get())
            .is_some()
    );
    // The ASE's subnet id is unknown until apply; the configuration's reference links it.
    let ase = &network.ases[0];
    assert_eq!(
        ase.meta.address,
        "module.app.azurerm_app_service_environment_v3.ase"
    );
    assert!(
        ase.subnet.as_ref().and_then(|a| a.get()).is_some(),
        "{ase:?}"
    );

    assert_eq!(network.changes.len(), 3);
    let vnet = network
        .changes
        .iter()
        .find(|c| c.address == "azurerm_virtual_network.ase")
        .unwrap();
    assert_eq!(vnet.actions, ["update"]);
    assert_eq!(
        vnet.before_dns_servers.as_deref(),
        Some(&["168.63.129.16".to_owned()][..])
    );
    assert_eq!(
        vnet.after_dns_servers.as_deref(),
        Some(&["10.9.0.4".to_owned()][..])
    );
    assert!(vnet.element.is_some());
    let text = &sources.get(file).text;
    assert!(
        text[vnet.span.range.as_usize()]
            .starts_with("{\"address\": \"azurerm_virtual_network.ase\"")
    );
    let deleted = network
        .changes
        .iter()
        .find(|c| c.actions == ["delete"])
        .unwrap();
    assert_eq!(deleted.element, None);
}

#[test]
fn malformed_and_foreign_plans_are_reported_not_panicking() {
    for text in [
        "{\"format_version\": \"2.0\", \"planned_values\": {}}",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": 1}]}}}",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": \"azurerm_subnet.x\", \"type\": \"azurerm_subnet\", \"values\": {\"name\": \"${oops\"}}]}}}",
    ] {
        let mut sources = SourceMap::new();
        let file = sources.add("plan.json".to_owned(), text.to_owned());
        let lowered = vnetlint_terraform::lower_plan(&sources, file);
        for finding in &lowered.findings {
            assert!(finding.primary.span.range.end as usize <= text.len());
        }
    }
}

#[test]
fn modules_nested_past_the_bound_are_reported_not_dropped() {
    // Seventy nested modules, an NSG in the deepest: its module is past the bound of 64, and a
    // finding says so instead of the NSG silently missing.
    let mut module = r#"{"address": "module.m70", "resources": [
      {"address": "module.m70.azurerm_network_security_group.n", "mode": "managed",
       "type": "azurerm_network_security_group", "name": "n", "values": {"name": "deep"}}]}"#
        .to_owned();
    for level in (1..70).rev() {
        module = format!(r#"{{"address": "module.m{level}", "child_modules": [{module}]}}"#);
    }
    let plan = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"child_modules": [{module}]}}}}}}"#
    );
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json".to_owned(), plan);
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    assert!(lowered.network.nsgs.is_empty());
    assert_eq!(lowered.findings.len(), 1, "{:?}", lowered.findings);
    let finding = &lowered.findings[0];
    assert_eq!(finding.code, "VNL002");
    assert!(
        finding
            .message
            .contains("module `module.m65` of the plan is nested more than 64 modules deep"),
        "{}",
        finding.message
    );
}

/// A load balancer in a plan: the frontend's public IP and the pool's load balancer are linked by
/// the ids the values hold, the rule's probe (unknown until apply) by the configuration's
/// reference, and a NIC joins the pool through the association resource.
const LB_PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "azurerm_public_ip.lb", "mode": "managed", "type": "azurerm_public_ip", "name": "lb",
     "values": {"name": "pip-lb", "sku": "Standard",
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-lb"}},
    {"address": "azurerm_lb.web", "mode": "managed", "type": "azurerm_lb", "name": "web",
     "values": {"name": "lb-web", "sku": "Standard",
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web",
                "frontend_ip_configuration": [{"name": "public",
                  "public_ip_address_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-lb"}]}},
    {"address": "azurerm_lb_backend_address_pool.web", "mode": "managed", "type": "azurerm_lb_backend_address_pool", "name": "web",
     "values": {"name": "pool-web",
                "loadbalancer_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web",
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web/backendAddressPools/pool-web"}},
    {"address": "azurerm_lb_probe.http", "mode": "managed", "type": "azurerm_lb_probe", "name": "http",
     "values": {"name": "probe-http", "port": 8080,
                "loadbalancer_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web"}},
    {"address": "azurerm_lb_rule.https", "mode": "managed", "type": "azurerm_lb_rule", "name": "https",
     "values": {"name": "https", "protocol": "Tcp", "frontend_port": 443, "backend_port": 8443,
                "frontend_ip_configuration_name": "public",
                "loadbalancer_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web",
                "backend_address_pool_ids": ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web/backendAddressPools/pool-web"]}},
    {"address": "azurerm_network_interface.web", "mode": "managed", "type": "azurerm_network_interface", "name": "web",
     "values": {"name": "nic-web",
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-web",
                "ip_configuration": [{"name": "primary", "private_ip_address_allocation": "Dynamic"}]}},
    {"address": "azurerm_network_interface_backend_address_pool_association.web", "mode": "managed",
     "type": "azurerm_network_interface_backend_address_pool_association", "name": "web",
     "values": {"ip_configuration_name": "primary",
                "network_interface_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-web",
                "backend_address_pool_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb-web/backendAddressPools/pool-web"}}
  ]}},
  "resource_changes": [
    {"address": "azurerm_lb_rule.https", "mode": "managed", "type": "azurerm_lb_rule",
     "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"probe_id": true, "id": true}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "azurerm_lb_rule.https", "expressions": {
       "probe_id": {"references": ["azurerm_lb_probe.http.id", "azurerm_lb_probe.http"]}}}
  ]}}
}"#;

fn get<T: Copy>(attr: Option<&vnetlint_ir::Attr<T>>) -> Option<T> {
    attr.and_then(|a| a.get()).copied()
}

#[test]
fn plan_lowers_a_load_balancer_through_the_shared_lowering() {
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json".to_owned(), LB_PLAN.to_owned());
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    assert!(lowered.findings.is_empty(), "{:?}", lowered.findings);
    let network = &lowered.network;
    let lb = &network.load_balancers[0];
    assert_eq!(
        lb.sku.as_ref().and_then(|s| s.get()).map(String::as_str),
        Some("Standard")
    );
    assert_eq!(
        get(lb.frontends[0].public_ip.as_ref()),
        Some(vnetlint_ir::PublicIpId(0))
    );
    let lb_id = vnetlint_ir::LoadBalancerId(0);
    assert_eq!(
        get(network.lb_backend_pools[0].load_balancer.as_ref()),
        Some(lb_id)
    );
    assert_eq!(
        get(network.lb_probes[0].load_balancer.as_ref()),
        Some(lb_id)
    );
    let rule = &network.lb_rules[0];
    assert_eq!(
        get(rule.backend_pools.first()),
        Some(vnetlint_ir::LbBackendPoolId(0))
    );
    assert_eq!(
        get(rule.probe.as_ref()),
        Some(vnetlint_ir::LbProbeId(0)),
        "linked by the configuration's reference: {rule:?}"
    );
    let config = &network.nics[0].ip_configurations[0];
    assert_eq!(
        get(config.lb_backend_pools.first()),
        Some(vnetlint_ir::LbBackendPoolId(0))
    );
}

const ROUTING_PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "azurerm_route_table.spoke", "mode": "managed", "type": "azurerm_route_table", "name": "spoke",
     "values": {"name": "rt-spoke", "bgp_route_propagation_enabled": false,
                "route": [{"name": "default", "address_prefix": "0.0.0.0/0",
                           "next_hop_type": "VirtualAppliance", "next_hop_in_ip_address": "10.0.1.4"}]}},
    {"address": "azurerm_network_interface.nva", "mode": "managed", "type": "azurerm_network_interface", "name": "nva",
     "values": {"name": "nic-nva", "ip_forwarding_enabled": true,
                "ip_configuration": [{"name": "ipconfig", "private_ip_address": "10.0.2.4",
                                      "private_ip_address_allocation": "Static"}]}},
    {"address": "azurerm_firewall_policy.hub", "mode": "managed", "type": "azurerm_firewall_policy", "name": "hub",
     "values": {"name": "fwp-hub", "private_ip_ranges": ["10.0.0.0/8"],
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/fwp-hub"}},
    {"address": "azurerm_firewall.hub", "mode": "managed", "type": "azurerm_firewall", "name": "hub",
     "values": {"name": "fw-hub", "sku_tier": "Standard",
                "firewall_policy_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/fwp-hub",
                "ip_configuration": [{"name": "config"}]}},
    {"address": "azurerm_firewall_policy_rule_collection_group.hub", "mode": "managed",
     "type": "azurerm_firewall_policy_rule_collection_group", "name": "hub",
     "values": {"name": "rcg-hub", "priority": 200,
                "network_rule_collection": [{"name": "dns", "priority": 300, "action": "Allow",
                  "rule": [{"name": "dns", "protocols": ["UDP"], "source_addresses": ["10.1.0.0/16"],
                            "destination_addresses": ["10.0.2.4"], "destination_ports": ["53"]}]}]}}
  ]}},
  "resource_changes": [
    {"address": "azurerm_firewall_policy_rule_collection_group.hub", "mode": "managed",
     "type": "azurerm_firewall_policy_rule_collection_group",
     "change": {"actions": ["create"], "before": null, "after": {},
                "after_unknown": {"firewall_policy_id": true, "id": true}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "azurerm_firewall_policy_rule_collection_group.hub", "expressions": {
       "firewall_policy_id": {"references": ["azurerm_firewall_policy.hub.id", "azurerm_firewall_policy.hub"]}}}
  ]}}
}"#;

#[test]
fn plan_lowers_routes_forwarding_and_a_firewall_through_the_shared_lowering() {
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json".to_owned(), ROUTING_PLAN.to_owned());
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    assert!(lowered.findings.is_empty(), "{:?}", lowered.findings);
    let network = &lowered.network;
    let table = &network.route_tables[0];
    assert_eq!(get(table.gateway_propagation.as_ref()), Some(false));
    let next_hop = table.routes[0].next_hop_ip.as_ref();
    assert_eq!(
        next_hop.and_then(|a| a.get()).map(String::as_str),
        Some("10.0.1.4")
    );
    assert_eq!(get(network.nics[0].ip_forwarding.as_ref()), Some(true));
    let policy = vnetlint_ir::FirewallPolicyId(0);
    let firewall = &network.firewalls[0];
    assert_eq!(get(firewall.policy.as_ref()), Some(policy));
    let private_ip = firewall.ip_configurations[0].private_ip.as_ref();
    assert_eq!(
        private_ip.and_then(|ip| ip.value.unknown()?.reference.clone()),
        Some(vnetlint_ir::Reference {
            address: "azurerm_firewall.hub".to_owned(),
            attribute: "ip_configuration[0].private_ip_address".to_owned(),
        })
    );
    let group = &network.firewall_rule_collection_groups[0];
    assert!(matches!(
        &group.owner,
        vnetlint_ir::RuleCollectionOwner::Policy(p) if p.get() == Some(&policy)
    ));
    let rule = &group.collections[0].rules[0];
    assert_eq!(
        rule.address,
        "azurerm_firewall_policy_rule_collection_group.hub.network_rule_collection[\"dns\"].rule[\"dns\"]"
    );
}
