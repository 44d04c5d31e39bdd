//! Lowering of the entry points and policy layers (issue 16) from ARM: load balancers with
//! inline pools, NAT rules, NAT pools, probes and rules, and pools and NAT rules as child
//! resources; the NIC's `loadBalancerBackendAddressPools` and `loadBalancerInboundNatRules`;
//! Application Gateways; Virtual Network Manager children (no deployment: ARM has no commit
//! resource); the subnet's `privateEndpointNetworkPolicies`; SQL virtual network rules.

mod common;

use common::{element, known, lower, strings, text};
use vnetlint_ir::{Attr, ElementId};

const LB: &str = "Microsoft.Network/loadBalancers/lb-web";

const LOAD_BALANCER: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "variables": { "lbId": "[resourceId('Microsoft.Network/loadBalancers', 'lb-web')]" },
  "resources": [
    { "type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-09-01", "name": "pip-lb",
      "sku": { "name": "Standard" } },
    { "type": "Microsoft.Network/loadBalancers", "apiVersion": "2023-09-01", "name": "lb-web",
      "sku": { "name": "Standard" },
      "properties": {
        "frontendIPConfigurations": [
          { "name": "public", "properties": {
            "publicIPAddress": { "id": "[resourceId('Microsoft.Network/publicIPAddresses', 'pip-lb')]" } } }
        ],
        "backendAddressPools": [
          { "name": "pool-web" },
          { "name": "pool-ips", "properties": { "loadBalancerBackendAddresses": [
            { "name": "one", "properties": { "ipAddress": "10.0.1.20" } } ] } }
        ],
        "probes": [
          { "name": "probe-http", "properties": { "protocol": "Http", "port": 8080, "requestPath": "/health" } }
        ],
        "loadBalancingRules": [
          { "name": "https", "properties": {
            "frontendIPConfiguration": { "id": "[concat(variables('lbId'), '/frontendIPConfigurations/public')]" },
            "backendAddressPool": { "id": "[concat(variables('lbId'), '/backendAddressPools/pool-web')]" },
            "probe": { "id": "[resourceId('Microsoft.Network/loadBalancers/probes', 'lb-web', 'probe-http')]" },
            "protocol": "Tcp", "frontendPort": 443, "backendPort": 8443, "enableFloatingIP": false } }
        ],
        "inboundNatRules": [
          { "name": "ssh-web1", "properties": {
            "frontendIPConfiguration": { "id": "[concat(variables('lbId'), '/frontendIPConfigurations/public')]" },
            "protocol": "Tcp", "frontendPort": 50022, "backendPort": 22 } }
        ],
        "inboundNatPools": [
          { "name": "ssh-pool", "properties": {
            "frontendIPConfiguration": { "id": "[concat(variables('lbId'), '/frontendIPConfigurations/public')]" },
            "protocol": "Tcp", "frontendPortRangeStart": 60000, "frontendPortRangeEnd": 60010, "backendPort": 22 } }
        ]
      } },
    { "type": "Microsoft.Network/loadBalancers/backendAddressPools", "apiVersion": "2023-09-01",
      "name": "lb-web/pool-child" },
    { "type": "Microsoft.Network/loadBalancers/inboundNatRules", "apiVersion": "2023-09-01",
      "name": "lb-web/rdp-range", "properties": {
        "protocol": "Tcp", "frontendPortRangeStart": 53389, "frontendPortRangeEnd": 53399, "backendPort": 3389,
        "backendAddressPool": { "id": "[resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'lb-web', 'pool-child')]" } } },
    { "type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01", "name": "nic-web1",
      "properties": { "ipConfigurations": [ { "name": "primary", "properties": {
        "privateIPAllocationMethod": "Dynamic",
        "loadBalancerBackendAddressPools": [
          { "id": "[resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'lb-web', 'pool-web')]" },
          { "id": "[resourceId('Microsoft.Network/loadBalancers/backendAddressPools', 'lb-web', 'pool-child')]" } ],
        "loadBalancerInboundNatRules": [
          { "id": "[concat(variables('lbId'), '/inboundNatRules/ssh-web1')]" } ] } } ] } }
  ]
}"#;

#[test]
fn load_balancer_inline_and_child_elements_are_linked() {
    let (sources, network) = lower(LOAD_BALANCER);
    let ElementId::LoadBalancer(lb_id) = element(&network, LB) else {
        panic!("not a load balancer");
    };
    let lb = &network[lb_id];
    assert_eq!(known(lb.sku.as_ref()), "Standard");
    assert_eq!(known(lb.frontends[0].name.as_ref()), "public");
    assert!(
        lb.frontends[0]
            .public_ip
            .as_ref()
            .and_then(Attr::get)
            .is_some()
    );

    let pool = |name: &str| match element(&network, &format!("{LB}/backendAddressPools/{name}")) {
        ElementId::LbBackendPool(id) => id,
        other => panic!("not a pool: {other:?}"),
    };
    let (web, ips, child) = (pool("pool-web"), pool("pool-ips"), pool("pool-child"));
    for id in [web, ips, child] {
        assert_eq!(known(network[id].load_balancer.as_ref()), &lb_id);
    }
    assert_eq!(strings(network[ips].addresses.as_ref()), ["10.0.1.20"]);
    assert!(network[web].addresses.is_none());

    let ElementId::LbProbe(probe) = element(&network, &format!("{LB}/probes/probe-http")) else {
        panic!("not a probe");
    };
    assert_eq!(known(network[probe].port.as_ref()), "8080");
    assert_eq!(
        text(&sources, network[probe].port.as_ref().unwrap().span),
        "8080"
    );

    let ElementId::LbRule(rule) = element(&network, &format!("{LB}/loadBalancingRules/https"))
    else {
        panic!("not a rule");
    };
    let rule = &network[rule];
    assert_eq!(known(rule.load_balancer.as_ref()), &lb_id);
    assert_eq!(
        known(rule.frontend.as_ref()),
        "public",
        "the name the id ends with"
    );
    assert_eq!(known(rule.frontend_port.as_ref()), "443");
    assert_eq!(known(rule.backend_port.as_ref()), "8443");
    assert_eq!(known(rule.backend_pools.first()), &web, "rule -> pool");
    assert_eq!(known(rule.probe.as_ref()), &probe, "rule -> probe");
    assert_eq!(known(rule.floating_ip.as_ref()), &false);

    let nat = |path: &str| match element(&network, &format!("{LB}/{path}")) {
        ElementId::LbNatRule(id) => id,
        other => panic!("not a NAT rule: {other:?}"),
    };
    let ssh = nat("inboundNatRules/ssh-web1");
    assert_eq!(known(network[ssh].frontend_port.as_ref()), "50022");
    assert_eq!(known(network[ssh].frontend.as_ref()), "public");
    let range = &network[nat("inboundNatRules/rdp-range")];
    assert_eq!(
        known(range.load_balancer.as_ref()),
        &lb_id,
        "a child's parent"
    );
    assert_eq!(known(range.frontend_port_start.as_ref()), "53389");
    assert_eq!(known(range.backend_pool.as_ref()), &child);
    let nat_pool = &network[nat("inboundNatPools/ssh-pool")];
    assert_eq!(known(nat_pool.frontend_port_end.as_ref()), "60010");
    assert_eq!(known(nat_pool.backend_port.as_ref()), "22");

    let config = &network.nics[0].ip_configurations[0];
    let pools: Vec<_> = config
        .lb_backend_pools
        .iter()
        .map(|p| *known(Some(p)))
        .collect();
    assert_eq!(pools, [web, child], "NIC -> inline and child pools");
    assert_eq!(known(config.lb_nat_rules.first()), &ssh);
}

const APP_GATEWAY: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "variables": { "agw": "[resourceId('Microsoft.Network/applicationGateways', 'agw-web')]" },
  "resources": [
    { "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "vnet-main",
      "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
        "subnets": [ { "name": "snet-agw", "properties": { "addressPrefix": "10.0.9.0/24" } } ] } },
    { "type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-09-01", "name": "pip-agw" },
    { "type": "Microsoft.Network/applicationGateways", "apiVersion": "2023-09-01", "name": "agw-web",
      "properties": {
        "gatewayIPConfigurations": [ { "name": "gateway", "properties": {
          "subnet": { "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-main', 'snet-agw')]" } } } ],
        "frontendIPConfigurations": [
          { "name": "public", "properties": {
            "publicIPAddress": { "id": "[resourceId('Microsoft.Network/publicIPAddresses', 'pip-agw')]" } } },
          { "name": "private", "properties": { "privateIPAddress": "10.0.9.10",
            "subnet": { "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-main', 'snet-agw')]" } } } ],
        "frontendPorts": [ { "name": "https", "properties": { "port": 443 } } ],
        "backendAddressPools": [ { "name": "web", "properties": { "backendAddresses": [
          { "ipAddress": "10.0.1.4" }, { "fqdn": "web.internal.example" } ] } } ],
        "backendHttpSettingsCollection": [ { "name": "web-8080", "properties": { "port": 8080, "protocol": "Http" } } ],
        "httpListeners": [ { "name": "public-https", "properties": {
          "frontendIPConfiguration": { "id": "[concat(variables('agw'), '/frontendIPConfigurations/public')]" },
          "frontendPort": { "id": "[concat(variables('agw'), '/frontendPorts/https')]" },
          "protocol": "Https" } } ],
        "requestRoutingRules": [ { "name": "web", "properties": { "ruleType": "Basic", "priority": 100,
          "httpListener": { "id": "[concat(variables('agw'), '/httpListeners/public-https')]" },
          "backendAddressPool": { "id": "[concat(variables('agw'), '/backendAddressPools/web')]" },
          "backendHttpSettings": { "id": "[concat(variables('agw'), '/backendHttpSettingsCollection/web-8080')]" } } } ]
      } }
  ]
}"#;

#[test]
fn application_gateway_resolves_listeners_by_the_names_ids_end_with() {
    let (_, network) = lower(APP_GATEWAY);
    let gateway = &network.application_gateways[0];
    assert!(gateway.subnet.as_ref().and_then(Attr::get).is_some());
    assert_eq!(gateway.public_ips.len(), 1);
    let listener = &gateway.listeners[0];
    assert_eq!(known(listener.port.as_ref()), "443");
    assert_eq!(known(listener.public.as_ref()), &true);
    let pool = &gateway.backend_pools[0];
    assert_eq!(strings(pool.ip_addresses.as_ref()), ["10.0.1.4"]);
    assert_eq!(strings(pool.fqdns.as_ref()), ["web.internal.example"]);
    assert_eq!(known(gateway.backend_settings[0].port.as_ref()), "8080");
    let rule = &gateway.routing_rules[0];
    assert_eq!(known(rule.listener.as_ref()), "public-https");
    assert_eq!(known(rule.backend_pool.as_ref()), "web");
    assert_eq!(known(rule.backend_settings.as_ref()), "web-8080");
}

const NETWORK_MANAGER: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    { "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "vnet-spoke",
      "properties": { "addressSpace": { "addressPrefixes": ["10.1.0.0/16"] } } },
    { "type": "Microsoft.Network/networkManagers", "apiVersion": "2023-09-01", "name": "avnm",
      "properties": { "networkManagerScopeAccesses": ["SecurityAdmin"] } },
    { "type": "Microsoft.Network/networkManagers/networkGroups", "apiVersion": "2023-09-01",
      "name": "avnm/spokes", "properties": {} },
    { "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers", "apiVersion": "2023-09-01",
      "name": "avnm/spokes/spoke", "properties": {
        "resourceId": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-spoke')]" } },
    { "type": "Microsoft.Network/networkManagers/securityAdminConfigurations", "apiVersion": "2023-09-01",
      "name": "avnm/admin", "properties": {} },
    { "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
      "apiVersion": "2023-09-01", "name": "avnm/admin/deny", "properties": {
        "appliesToGroups": [ { "networkGroupId": "[resourceId('Microsoft.Network/networkManagers/networkGroups', 'avnm', 'spokes')]" } ] } },
    { "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
      "apiVersion": "2023-09-01", "name": "avnm/admin/deny/deny-ssh", "kind": "Custom", "properties": {
        "priority": 10, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
        "sources": [ { "addressPrefixType": "ServiceTag", "addressPrefix": "Internet" } ],
        "destinations": [ { "addressPrefixType": "IPPrefix", "addressPrefix": "*" } ],
        "sourcePortRanges": [], "destinationPortRanges": ["22"] } },
    { "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
      "apiVersion": "2023-09-01", "name": "avnm/admin/deny/predefined", "kind": "Default",
      "properties": { "flag": "AllowRDP" } },
    { "type": "Microsoft.Authorization/policyDefinitions", "apiVersion": "2021-06-01", "name": "spokes-by-tag",
      "properties": { "mode": "Microsoft.Network.Data", "policyRule": { "then": { "effect": "addToNetworkGroup" } } } }
  ]
}"#;

#[test]
fn network_manager_children_are_linked_and_default_rules_left_out() {
    let (sources, network) = lower(NETWORK_MANAGER);
    let group = &network.network_groups[0];
    assert_eq!(known(group.manager.as_ref()).index(), 0);
    assert_eq!(
        known(group.static_members.first()).index(),
        0,
        "group -> VNet member"
    );
    let dynamic = group.dynamic_membership.as_ref();
    assert_eq!(known(dynamic), &true);
    assert_eq!(
        text(&sources, dynamic.unwrap().span),
        "\"Microsoft.Network.Data\""
    );
    assert_eq!(
        known(network.security_admin_configurations[0].manager.as_ref()).index(),
        0
    );
    let collection = &network.admin_rule_collections[0];
    assert_eq!(known(collection.configuration.as_ref()).index(), 0);
    assert_eq!(
        known(collection.network_groups.first()).index(),
        0,
        "collection -> group"
    );
    assert_eq!(
        network.admin_rules.len(),
        1,
        "a `Default` rule is not lowered"
    );
    let rule = &network.admin_rules[0];
    assert_eq!(known(rule.collection.as_ref()).index(), 0);
    assert_eq!(known(rule.action.as_ref()), "Deny");
    assert_eq!(known(rule.priority.as_ref()), "10");
    assert_eq!(strings(rule.sources.as_ref()), ["Internet"]);
    assert_eq!(strings(rule.destinations.as_ref()), ["*"]);
    assert!(rule.source_ports.is_none(), "an empty list is not written");
    assert_eq!(strings(rule.destination_ports.as_ref()), ["22"]);
    assert!(network.network_manager_deployments.is_empty());
}

const SUBNETS: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    { "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "vnet-main",
      "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
        "subnets": [
          { "name": "pe", "properties": { "addressPrefix": "10.0.5.0/24",
            "privateEndpointNetworkPolicies": "NetworkSecurityGroupEnabled" } },
          { "name": "app", "properties": { "addressPrefix": "10.0.1.0/24",
            "serviceEndpoints": [ { "service": "Microsoft.Sql" } ] } } ] } },
    { "type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2023-09-01",
      "name": "vnet-main/child", "properties": { "addressPrefix": "10.0.6.0/24",
        "privateEndpointNetworkPolicies": "Disabled" } },
    { "type": "Microsoft.Sql/servers", "apiVersion": "2023-05-01-preview", "name": "sql-main",
      "properties": {} },
    { "type": "Microsoft.Sql/servers/virtualNetworkRules", "apiVersion": "2023-05-01-preview",
      "name": "sql-main/app", "properties": {
        "virtualNetworkSubnetId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-main', 'app')]" } }
  ]
}"#;

#[test]
fn subnet_policies_and_sql_virtual_network_rules() {
    let (_, network) = lower(SUBNETS);
    let subnet = |name: &str| match element(
        &network,
        &format!("Microsoft.Network/virtualNetworks/vnet-main/subnets/{name}"),
    ) {
        ElementId::Subnet(id) => id,
        other => panic!("not a subnet: {other:?}"),
    };
    let policy = |name: &str| {
        network[subnet(name)]
            .private_endpoint_network_policies
            .as_ref()
            .map(|p| known(Some(p)).as_str())
    };
    assert_eq!(policy("pe"), Some("NetworkSecurityGroupEnabled"));
    assert_eq!(policy("child"), Some("Disabled"));
    assert_eq!(policy("app"), None);
    let subnets: Vec<_> = known(network.sql_servers[0].subnets.as_ref())
        .iter()
        .map(|s| *known(Some(s)))
        .collect();
    assert_eq!(subnets, [subnet("app")]);
}
