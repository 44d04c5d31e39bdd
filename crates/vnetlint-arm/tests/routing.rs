//! Lowering of what decides where a packet goes (issue 15) from ARM: route tables with inline
//! and child routes and `disableBgpRoutePropagation`, a subnet's route table and NAT gateway,
//! NAT gateways, NIC IP forwarding, peering flags, Azure Firewall with classic collections,
//! firewall policies with nested and child rule collection groups, and IP groups.

mod common;

use common::{element, known, lower, strings, text};
use vnetlint_ir::{ElementId, FirewallRuleKind, Network, Reference, RuleCollectionOwner};

const HUB_SPOKE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    { "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "vnet-hub",
      "properties": { "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
        "subnets": [ { "name": "AzureFirewallSubnet", "properties": { "addressPrefix": "10.0.1.0/26" } } ] } },
    { "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "vnet-spoke",
      "properties": { "addressSpace": { "addressPrefixes": ["10.1.0.0/16"] },
        "subnets": [ { "name": "snet-workload", "properties": {
          "addressPrefix": "10.1.1.0/24",
          "routeTable": { "id": "[resourceId('Microsoft.Network/routeTables', 'rt-spoke')]" },
          "natGateway": { "id": "[resourceId('Microsoft.Network/natGateways', 'ng-spoke')]" } } } ],
        "virtualNetworkPeerings": [ { "name": "spoke-to-hub", "properties": {
          "remoteVirtualNetwork": { "id": "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-hub')]" },
          "allowForwardedTraffic": true, "useRemoteGateways": false } } ] } },
    { "type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-09-01", "name": "pip-fw",
      "sku": { "name": "Standard" } },
    { "type": "Microsoft.Network/natGateways", "apiVersion": "2023-09-01", "name": "ng-spoke",
      "properties": { "publicIpAddresses": [
        { "id": "[resourceId('Microsoft.Network/publicIPAddresses', 'pip-fw')]" } ] } },
    { "type": "Microsoft.Network/ipGroups", "apiVersion": "2023-09-01", "name": "ipg-spokes",
      "properties": { "ipAddresses": ["10.1.0.0/16"] } },
    { "type": "Microsoft.Network/firewallPolicies", "apiVersion": "2023-09-01", "name": "fwp-base" },
    { "type": "Microsoft.Network/firewallPolicies", "apiVersion": "2023-09-01", "name": "fwp-hub",
      "properties": {
        "basePolicy": { "id": "[resourceId('Microsoft.Network/firewallPolicies', 'fwp-base')]" },
        "snat": { "privateRanges": ["10.0.0.0/8"] } },
      "resources": [
        { "type": "ruleCollectionGroups", "apiVersion": "2023-09-01", "name": "rcg-nested",
          "dependsOn": ["fwp-hub"],
          "properties": { "priority": 200, "ruleCollections": [
            { "ruleCollectionType": "FirewallPolicyNatRuleCollection", "name": "inbound",
              "priority": 100, "action": { "type": "Dnat" },
              "rules": [ { "ruleType": "NatRule", "name": "rdp", "ipProtocols": ["TCP"],
                "sourceAddresses": ["*"], "destinationAddresses": ["20.1.2.3"],
                "destinationPorts": ["3389"], "translatedAddress": "10.1.1.4",
                "translatedPort": "3389" } ] },
            { "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "web",
              "priority": 500, "action": { "type": "Allow" },
              "rules": [ { "ruleType": "ApplicationRule", "name": "updates",
                "protocols": [ { "protocolType": "Https", "port": 443 } ],
                "sourceAddresses": ["10.1.0.0/16"], "targetFqdns": ["*.ubuntu.com"],
                "fqdnTags": ["WindowsUpdate"] } ] } ] } } ] },
    { "type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups", "apiVersion": "2023-09-01",
      "name": "fwp-hub/rcg-child",
      "properties": { "priority": 300, "ruleCollections": [
        { "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "spokes",
          "priority": 300, "action": { "type": "Allow" },
          "rules": [ { "ruleType": "NetworkRule", "name": "dns", "ipProtocols": ["UDP"],
            "sourceIpGroups": ["[resourceId('Microsoft.Network/ipGroups', 'ipg-spokes')]"],
            "destinationAddresses": ["10.0.2.4"], "destinationPorts": ["53"] } ] } ] } },
    { "type": "Microsoft.Network/azureFirewalls", "apiVersion": "2023-09-01", "name": "fw-hub",
      "properties": {
        "sku": { "name": "AZFW_VNet", "tier": "Premium" },
        "firewallPolicy": { "id": "[resourceId('Microsoft.Network/firewallPolicies', 'fwp-hub')]" },
        "additionalProperties": { "Network.SNAT.PrivateRanges": "10.0.0.0/8, 192.168.0.0/16" },
        "ipConfigurations": [ { "name": "config", "properties": {
          "subnet": { "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-hub', 'AzureFirewallSubnet')]" },
          "publicIPAddress": { "id": "[resourceId('Microsoft.Network/publicIPAddresses', 'pip-fw')]" } } } ],
        "networkRuleCollections": [ { "name": "classic-net", "properties": {
          "priority": 100, "action": { "type": "Deny" },
          "rules": [ { "name": "block", "protocols": ["Any"], "sourceAddresses": ["10.1.0.0/16"],
            "destinationAddresses": ["8.8.8.8"], "destinationPorts": ["*"] } ] } } ],
        "applicationRuleCollections": [ { "name": "classic-app", "properties": {
          "priority": 200, "action": { "type": "Allow" },
          "rules": [ { "name": "github", "sourceAddresses": ["*"], "targetFqdns": ["github.com"],
            "protocols": [ { "protocolType": "Https", "port": 443 } ] } ] } } ] } },
    { "type": "Microsoft.Network/routeTables", "apiVersion": "2023-09-01", "name": "rt-spoke",
      "properties": { "disableBgpRoutePropagation": true, "routes": [
        { "name": "default", "properties": { "addressPrefix": "0.0.0.0/0",
          "nextHopType": "VirtualAppliance",
          "nextHopIpAddress": "[reference(resourceId('Microsoft.Network/azureFirewalls', 'fw-hub')).ipConfigurations[0].properties.privateIPAddress]" } } ] } },
    { "type": "Microsoft.Network/routeTables/routes", "apiVersion": "2023-09-01",
      "name": "rt-spoke/onprem",
      "properties": { "addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualAppliance",
        "nextHopIpAddress": "10.0.2.4" } },
    { "type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01", "name": "nic-nva",
      "properties": { "enableIPForwarding": true, "ipConfigurations": [] } }
  ]
}"#;

const FIREWALL: &str = "Microsoft.Network/azureFirewalls/fw-hub";

fn firewall(network: &Network) -> vnetlint_ir::FirewallId {
    match element(network, FIREWALL) {
        ElementId::Firewall(id) => id,
        other => panic!("not a firewall: {other:?}"),
    }
}

#[test]
fn route_tables_routes_subnet_links_and_forwarding() {
    let (sources, network) = lower(HUB_SPOKE);
    let table = &network.route_tables[0];
    assert_eq!(known(table.gateway_propagation.as_ref()), &false);
    assert_eq!(
        text(&sources, table.gateway_propagation.as_ref().unwrap().span),
        "true"
    );
    let addresses: Vec<&str> = table.routes.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "Microsoft.Network/routeTables/rt-spoke/routes/default",
            "Microsoft.Network/routeTables/rt-spoke/routes/onprem"
        ]
    );
    let next_hop = table.routes[0].next_hop_ip.as_ref();
    let reference = next_hop.and_then(|hop| hop.value.unknown()?.reference.clone());
    let expected = Reference {
        address: FIREWALL.to_owned(),
        attribute: "ipConfigurations[0].properties.privateIPAddress".to_owned(),
    };
    assert_eq!(reference.as_ref(), Some(&expected));
    let config = &network[firewall(&network)].ip_configurations[0];
    let own = config.private_ip.as_ref();
    assert_eq!(
        own.and_then(|ip| ip.value.unknown()?.reference.clone()),
        Some(expected),
        "the firewall's address is the reference the next hop reads"
    );

    let ElementId::Subnet(workload) = element(
        &network,
        "Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-workload",
    ) else {
        panic!("not a subnet");
    };
    assert_eq!(
        ElementId::RouteTable(*known(network[workload].route_table.as_ref())),
        element(&network, "Microsoft.Network/routeTables/rt-spoke")
    );
    let gateway = *known(network[workload].nat_gateway.as_ref());
    assert_eq!(
        ElementId::NatGateway(gateway),
        element(&network, "Microsoft.Network/natGateways/ng-spoke")
    );
    let public_ips: Vec<ElementId> = network[gateway]
        .public_ips
        .iter()
        .map(|ip| ElementId::PublicIp(*known(Some(ip))))
        .collect();
    assert_eq!(
        public_ips,
        [element(
            &network,
            "Microsoft.Network/publicIPAddresses/pip-fw"
        )]
    );
    let peering = &network.peerings[0];
    assert_eq!(known(peering.allow_forwarded_traffic.as_ref()), &true);
    assert_eq!(known(peering.use_remote_gateways.as_ref()), &false);
    assert_eq!(known(network.nics[0].ip_forwarding.as_ref()), &true);
}

#[test]
fn firewall_policies_collection_groups_and_ip_groups() {
    let (_, network) = lower(HUB_SPOKE);
    let fw = firewall(&network);
    let firewall = &network[fw];
    assert_eq!(known(firewall.sku_tier.as_ref()), "Premium");
    assert_eq!(firewall.management, None);
    assert_eq!(
        strings(firewall.private_ip_ranges.as_ref()),
        ["10.0.0.0/8", "192.168.0.0/16"]
    );
    let hub = *known(firewall.policy.as_ref());
    assert_eq!(
        ElementId::FirewallPolicy(hub),
        element(&network, "Microsoft.Network/firewallPolicies/fwp-hub")
    );
    assert_eq!(
        ElementId::Subnet(*known(firewall.ip_configurations[0].subnet.as_ref())),
        element(
            &network,
            "Microsoft.Network/virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet"
        )
    );
    let policy = &network[hub];
    assert_eq!(strings(policy.private_ip_ranges.as_ref()), ["10.0.0.0/8"]);
    assert_eq!(
        ElementId::FirewallPolicy(*known(policy.base_policy.as_ref())),
        element(&network, "Microsoft.Network/firewallPolicies/fwp-base")
    );
    let ElementId::IpGroup(spokes) = element(&network, "Microsoft.Network/ipGroups/ipg-spokes")
    else {
        panic!("not an IP group");
    };
    assert_eq!(strings(network[spokes].cidrs.as_ref()), ["10.1.0.0/16"]);

    let summary: Vec<(&str, Vec<FirewallRuleKind>)> = network
        .firewall_rule_collection_groups
        .iter()
        .map(|group| {
            let kinds = group.collections.iter().map(|c| c.kind).collect();
            (group.meta.address.as_str(), kinds)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "Microsoft.Network/firewallPolicies/fwp-hub/ruleCollectionGroups/rcg-nested",
                vec![FirewallRuleKind::Nat, FirewallRuleKind::Application]
            ),
            (
                "Microsoft.Network/firewallPolicies/fwp-hub/ruleCollectionGroups/rcg-child",
                vec![FirewallRuleKind::Network]
            ),
            (
                "Microsoft.Network/azureFirewalls/fw-hub/networkRuleCollections/classic-net",
                vec![FirewallRuleKind::Network]
            ),
            (
                "Microsoft.Network/azureFirewalls/fw-hub/applicationRuleCollections/classic-app",
                vec![FirewallRuleKind::Application]
            ),
        ]
    );
    let groups = &network.firewall_rule_collection_groups;
    for group in &groups[..2] {
        assert!(matches!(&group.owner, RuleCollectionOwner::Policy(p) if p.get() == Some(&hub)));
    }
    for group in &groups[2..] {
        assert!(matches!(&group.owner, RuleCollectionOwner::Firewall(f) if f.get() == Some(&fw)));
        assert_eq!(group.priority, None);
    }
    assert_eq!(known(groups[0].priority.as_ref()), "200");
    let nat = &groups[0].collections[0].rules[0];
    assert_eq!(known(groups[0].collections[0].action.as_ref()), "Dnat");
    assert_eq!(strings(nat.protocols.as_ref()), ["TCP"]);
    assert_eq!(known(nat.translated_address.as_ref()), "10.1.1.4");
    let app = &groups[0].collections[1].rules[0];
    assert_eq!(strings(app.application_protocols.as_ref()), ["Https:443"]);
    assert_eq!(
        strings(app.target_fqdns.as_ref()),
        ["*.ubuntu.com", "WindowsUpdate"]
    );
    let dns = &groups[1].collections[0].rules[0];
    assert_eq!(
        dns.source_ip_groups
            .iter()
            .map(|g| *known(Some(g)))
            .collect::<Vec<_>>(),
        [spokes]
    );
    assert_eq!(
        dns.address,
        "Microsoft.Network/firewallPolicies/fwp-hub/ruleCollectionGroups/rcg-child/ruleCollections/spokes/rules/dns"
    );
    assert_eq!(known(groups[2].collections[0].action.as_ref()), "Deny");
    let github = &groups[3].collections[0].rules[0];
    assert_eq!(
        strings(github.application_protocols.as_ref()),
        ["Https:443"]
    );
    assert_eq!(strings(github.target_fqdns.as_ref()), ["github.com"]);
}
