//! Lowering of what decides where a packet goes (issue 15): route tables with inline and
//! standalone routes and both spellings of gateway propagation, route table and NAT gateway
//! associations, NIC IP forwarding, peering flags, Azure Firewall with its policy, rule
//! collection groups and classic collections, and IP groups, in azurerm 3 and 4 spellings.

mod common;

use common::{MemoryLoader, element, known, lower, lower_root_module, strings, text};
use vnetlint_ir::{ElementId, FirewallRuleKind, Network, Reference, RuleCollectionOwner};
use vnetlint_source::SourceMap;

const HUB_SPOKE: &str = r#"
resource "azurerm_virtual_network" "hub" {
  name          = "vnet-hub"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "spoke" {
  name          = "vnet-spoke"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.1.0/26"]
}

resource "azurerm_subnet" "workload" {
  name                 = "snet-workload"
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.1.0/24"]
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  name                      = "spoke-to-hub"
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
  use_remote_gateways       = false
}

resource "azurerm_public_ip" "firewall" {
  name = "pip-fw"
  sku  = "Standard"
}

resource "azurerm_ip_group" "spokes" {
  name  = "ipg-spokes"
  cidrs = ["10.1.0.0/16"]
}

resource "azurerm_ip_group_cidr" "more" {
  ip_group_id = azurerm_ip_group.spokes.id
  cidr        = "10.2.0.0/16"
}

resource "azurerm_firewall_policy" "base" {
  name = "fwp-base"
}

resource "azurerm_firewall_policy" "hub" {
  name              = "fwp-hub"
  base_policy_id    = azurerm_firewall_policy.base.id
  private_ip_ranges = ["10.0.0.0/8"]
}

resource "azurerm_firewall" "hub" {
  name               = "fw-hub"
  sku_name           = "AZFW_VNet"
  sku_tier           = "Premium"
  firewall_policy_id = azurerm_firewall_policy.hub.id

  ip_configuration {
    name                 = "config"
    subnet_id            = azurerm_subnet.firewall.id
    public_ip_address_id = azurerm_public_ip.firewall.id
  }
}

resource "azurerm_firewall_policy_rule_collection_group" "hub" {
  name               = "rcg-hub"
  firewall_policy_id = azurerm_firewall_policy.hub.id
  priority           = 200

  network_rule_collection {
    name     = "spokes"
    priority = 300
    action   = "Allow"
    rule {
      name                  = "dns"
      protocols             = ["UDP"]
      source_ip_groups      = [azurerm_ip_group.spokes.id]
      destination_addresses = ["10.0.2.4"]
      destination_ports     = ["53"]
    }
  }

  nat_rule_collection {
    name     = "inbound"
    priority = 100
    action   = "Dnat"
    rule {
      name                = "rdp"
      protocols           = ["TCP"]
      source_addresses    = ["*"]
      destination_address = "20.1.2.3"
      destination_ports   = ["3389"]
      translated_address  = "10.1.1.4"
      translated_port     = "3389"
    }
  }

  application_rule_collection {
    name     = "web"
    priority = 500
    action   = "Allow"
    rule {
      name = "updates"
      protocols {
        type = "Https"
        port = 443
      }
      source_addresses      = ["10.1.0.0/16"]
      destination_fqdns     = ["*.ubuntu.com"]
      destination_fqdn_tags = ["WindowsUpdate"]
    }
  }
}

resource "azurerm_firewall_network_rule_collection" "classic" {
  name                = "classic-net"
  azure_firewall_name = azurerm_firewall.hub.name
  priority            = 100
  action              = "Deny"
  rule {
    name                  = "block"
    source_addresses      = ["10.1.0.0/16"]
    destination_addresses = ["8.8.8.8"]
    destination_ports     = ["*"]
    protocols             = ["Any"]
  }
}

resource "azurerm_firewall_application_rule_collection" "classic" {
  name                = "classic-app"
  azure_firewall_name = "fw-hub"
  priority            = 200
  action              = "Allow"
  rule {
    name             = "github"
    source_addresses = ["*"]
    target_fqdns     = ["github.com"]
    protocol {
      port = "443"
      type = "Https"
    }
  }
}

resource "azurerm_route_table" "spoke" {
  name                          = "rt-spoke"
  bgp_route_propagation_enabled = false

  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = azurerm_firewall.hub.ip_configuration[0].private_ip_address
  }
}

resource "azurerm_route" "onprem" {
  name                   = "onprem"
  route_table_name       = azurerm_route_table.spoke.name
  address_prefix         = "192.168.0.0/16"
  next_hop_type          = "VirtualAppliance"
  next_hop_in_ip_address = "10.0.2.4"
}

resource "azurerm_route_table" "legacy" {
  name                          = "rt-legacy"
  disable_bgp_route_propagation = true
}

resource "azurerm_subnet_route_table_association" "workload" {
  subnet_id      = azurerm_subnet.workload.id
  route_table_id = azurerm_route_table.spoke.id
}

resource "azurerm_nat_gateway" "spoke" {
  name = "ng-spoke"
}

resource "azurerm_nat_gateway_public_ip_association" "spoke" {
  nat_gateway_id       = azurerm_nat_gateway.spoke.id
  public_ip_address_id = azurerm_public_ip.firewall.id
}

resource "azurerm_subnet_nat_gateway_association" "workload" {
  subnet_id      = azurerm_subnet.workload.id
  nat_gateway_id = azurerm_nat_gateway.spoke.id
}

resource "azurerm_network_interface" "nva" {
  name                  = "nic-nva"
  ip_forwarding_enabled = true
  ip_configuration {
    name                          = "ipconfig"
    subnet_id                     = azurerm_subnet.workload.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.1.1.10"
  }
}

resource "azurerm_network_interface" "legacy" {
  name                 = "nic-legacy"
  enable_ip_forwarding = false
}
"#;

fn route_table(network: &Network, address: &str) -> vnetlint_ir::RouteTableId {
    match element(network, address) {
        ElementId::RouteTable(id) => id,
        other => panic!("{address} is {other:?}"),
    }
}

#[test]
fn route_tables_routes_and_associations() {
    let (sources, network) = lower(HUB_SPOKE);
    let spoke = &network[route_table(&network, "azurerm_route_table.spoke")];
    assert_eq!(known(spoke.gateway_propagation.as_ref()), &false);
    let legacy = &network[route_table(&network, "azurerm_route_table.legacy")];
    assert_eq!(known(legacy.gateway_propagation.as_ref()), &false);
    let addresses: Vec<&str> = spoke.routes.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "azurerm_route_table.spoke.route[\"default\"]",
            "azurerm_route.onprem"
        ]
    );
    let onprem = &spoke.routes[1];
    assert_eq!(known(onprem.address_prefix.as_ref()), "192.168.0.0/16");
    assert_eq!(known(onprem.next_hop_ip.as_ref()), "10.0.2.4");
    assert_eq!(
        next_hop_reference(&network),
        Some(Reference {
            address: "azurerm_firewall.hub".to_owned(),
            attribute: "ip_configuration[0].private_ip_address".to_owned(),
        })
    );

    let ElementId::Subnet(workload) = element(&network, "azurerm_subnet.workload") else {
        panic!("not a subnet");
    };
    let table = network[workload].route_table.as_ref();
    assert_eq!(
        known(table),
        &route_table(&network, "azurerm_route_table.spoke")
    );
    let ElementId::NatGateway(gateway) = element(&network, "azurerm_nat_gateway.spoke") else {
        panic!("not a NAT gateway");
    };
    assert_eq!(known(network[workload].nat_gateway.as_ref()), &gateway);
    let pip = element(&network, "azurerm_public_ip.firewall");
    let public_ips: Vec<ElementId> = network[gateway]
        .public_ips
        .iter()
        .map(|ip| ElementId::PublicIp(*known(Some(ip))))
        .collect();
    assert_eq!(public_ips, [pip]);

    let peering = &network.peerings[0];
    assert_eq!(known(peering.allow_forwarded_traffic.as_ref()), &true);
    assert_eq!(known(peering.use_remote_gateways.as_ref()), &false);

    let forwarding: Vec<(&str, bool)> = network
        .nics
        .iter()
        .map(|nic| {
            (
                nic.meta.address.as_str(),
                *known(nic.ip_forwarding.as_ref()),
            )
        })
        .collect();
    assert_eq!(
        forwarding,
        [
            ("azurerm_network_interface.nva", true),
            ("azurerm_network_interface.legacy", false)
        ]
    );
    let spans: Vec<&str> = network
        .nics
        .iter()
        .map(|nic| text(&sources, nic.ip_forwarding.as_ref().unwrap().span))
        .collect();
    assert_eq!(spans, ["true", "false"]);
}

#[test]
fn firewall_policy_collections_and_ip_groups() {
    let (sources, network) = lower(HUB_SPOKE);
    let ElementId::Firewall(fw) = element(&network, "azurerm_firewall.hub") else {
        panic!("not a firewall");
    };
    let firewall = &network[fw];
    assert_eq!(known(firewall.sku_tier.as_ref()), "Premium");
    assert_eq!(firewall.management, None);
    let ElementId::FirewallPolicy(hub) = element(&network, "azurerm_firewall_policy.hub") else {
        panic!("not a policy");
    };
    assert_eq!(known(firewall.policy.as_ref()), &hub);
    let config = &firewall.ip_configurations[0];
    assert_eq!(
        ElementId::Subnet(*known(config.subnet.as_ref())),
        element(&network, "azurerm_subnet.firewall")
    );
    let private_ip = config.private_ip.as_ref().and_then(|ip| ip.value.unknown());
    assert_eq!(
        private_ip.and_then(|u| u.reference.clone()),
        Some(Reference {
            address: "azurerm_firewall.hub".to_owned(),
            attribute: "ip_configuration[0].private_ip_address".to_owned(),
        })
    );
    let policy = &network[hub];
    assert_eq!(strings(policy.private_ip_ranges.as_ref()), ["10.0.0.0/8"]);
    assert_eq!(
        ElementId::FirewallPolicy(*known(policy.base_policy.as_ref())),
        element(&network, "azurerm_firewall_policy.base")
    );

    let ElementId::IpGroup(spokes) = element(&network, "azurerm_ip_group.spokes") else {
        panic!("not an IP group");
    };
    assert_eq!(
        strings(network[spokes].cidrs.as_ref()),
        ["10.1.0.0/16", "10.2.0.0/16"]
    );

    let groups = &network.firewall_rule_collection_groups;
    assert_eq!(groups.len(), 3);
    let group = &groups[0];
    assert!(matches!(&group.owner, RuleCollectionOwner::Policy(p) if p.get() == Some(&hub)));
    assert_eq!(known(group.priority.as_ref()), "200");
    let kinds: Vec<(FirewallRuleKind, &str)> = group
        .collections
        .iter()
        .map(|c| (c.kind, c.address.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                FirewallRuleKind::Nat,
                "azurerm_firewall_policy_rule_collection_group.hub.nat_rule_collection[\"inbound\"]"
            ),
            (
                FirewallRuleKind::Network,
                "azurerm_firewall_policy_rule_collection_group.hub.network_rule_collection[\"spokes\"]"
            ),
            (
                FirewallRuleKind::Application,
                "azurerm_firewall_policy_rule_collection_group.hub.application_rule_collection[\"web\"]"
            ),
        ]
    );
    let nat = &group.collections[0].rules[0];
    assert_eq!(strings(nat.destination_addresses.as_ref()), ["20.1.2.3"]);
    assert_eq!(known(nat.translated_address.as_ref()), "10.1.1.4");
    assert_eq!(known(nat.translated_port.as_ref()), "3389");
    let network_rule = &group.collections[1].rules[0];
    assert_eq!(strings(network_rule.protocols.as_ref()), ["UDP"]);
    assert_eq!(
        network_rule
            .source_ip_groups
            .iter()
            .map(|g| *known(Some(g)))
            .collect::<Vec<_>>(),
        [spokes]
    );
    assert_eq!(
        network_rule.address,
        "azurerm_firewall_policy_rule_collection_group.hub.network_rule_collection[\"spokes\"].rule[\"dns\"]"
    );
    let app = &group.collections[2].rules[0];
    assert_eq!(strings(app.application_protocols.as_ref()), ["Https:443"]);
    assert_eq!(
        strings(app.target_fqdns.as_ref()),
        ["*.ubuntu.com", "WindowsUpdate"]
    );
    assert_eq!(app.protocols, None);

    for (group, kind) in [
        (&groups[1], FirewallRuleKind::Network),
        (&groups[2], FirewallRuleKind::Application),
    ] {
        assert!(matches!(&group.owner, RuleCollectionOwner::Firewall(f) if f.get() == Some(&fw)));
        assert_eq!(group.priority, None);
        assert_eq!(group.collections[0].kind, kind);
    }
    assert_eq!(known(groups[1].collections[0].action.as_ref()), "Deny");
    let github = &groups[2].collections[0].rules[0];
    assert_eq!(
        strings(github.application_protocols.as_ref()),
        ["Https:443"]
    );
    assert_eq!(strings(github.target_fqdns.as_ref()), ["github.com"]);
    assert_eq!(
        text(&sources, groups[2].collections[0].rules[0].span)
            .lines()
            .next(),
        Some("rule {")
    );
}

/// The reference the first route's next hop lowers to.
fn next_hop_reference(network: &Network) -> Option<Reference> {
    let table = &network.route_tables[0];
    let next_hop = table.routes[0].next_hop_ip.as_ref()?;
    next_hop.value.unknown()?.reference.clone()
}

fn firewall_and_route(next_hop: &str) -> String {
    format!(
        r#"
resource "azurerm_firewall" "hub" {{
  name = "fw-hub"
  ip_configuration {{
    name      = "config"
    subnet_id = "x"
  }}
}}

resource "azurerm_route_table" "spoke" {{
  name = "rt-spoke"
  route {{
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = {next_hop}
  }}
}}
"#
    )
}

#[test]
fn a_next_hop_read_from_a_firewalls_ip_configuration_names_the_firewall() {
    let expected = Some(Reference {
        address: "azurerm_firewall.hub".to_owned(),
        attribute: "ip_configuration[0].private_ip_address".to_owned(),
    });
    for next_hop in [
        "azurerm_firewall.hub.ip_configuration[0].private_ip_address",
        "one(azurerm_firewall.hub.ip_configuration[*].private_ip_address)",
        "azurerm_firewall.hub.ip_configuration.0.private_ip_address",
        "(azurerm_firewall.hub.ip_configuration[*].private_ip_address)[0]",
        "[for c in azurerm_firewall.hub.ip_configuration : c.private_ip_address][0]",
    ] {
        let (_, network) = lower(&firewall_and_route(next_hop));
        assert_eq!(next_hop_reference(&network), expected, "{next_hop}");
    }
    // Other references read further stay as they were.
    let (_, network) = lower(&firewall_and_route("azurerm_firewall.hub.name"));
    let next_hop = network.route_tables[0].routes[0].next_hop_ip.as_ref();
    assert_eq!(known(next_hop), "fw-hub");
}

#[test]
fn a_next_hop_through_a_module_output_names_the_firewall_in_the_module() {
    let mut sources = SourceMap::new();
    let root = sources.add(
        "main.tf",
        r#"
module "hub" {
  source = "./hub"
}

resource "azurerm_route_table" "spoke" {
  name = "rt-spoke"
  route {
    name                   = "default"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = module.hub.firewall_ip
  }
}
"#,
    );
    let child = sources.add(
        "hub/main.tf",
        r#"
resource "azurerm_firewall" "hub" {
  name = "fw-hub"
  ip_configuration {
    name = "config"
  }
}

output "firewall_ip" {
  value = azurerm_firewall.hub.ip_configuration[0].private_ip_address
}
"#,
    );
    let dirs = vec![("hub".to_owned(), vec![child])];
    let lowered = lower_root_module(&mut MemoryLoader { sources, dirs }, root);
    assert_eq!(
        next_hop_reference(&lowered.network),
        Some(Reference {
            address: "module.hub.azurerm_firewall.hub".to_owned(),
            attribute: "ip_configuration[0].private_ip_address".to_owned(),
        })
    );
    let firewall = &lowered.network.firewalls[0];
    let private_ip = firewall.ip_configurations[0].private_ip.as_ref();
    assert_eq!(
        private_ip.and_then(|ip| ip.value.unknown()?.reference.clone()),
        next_hop_reference(&lowered.network),
        "the firewall's own address is the same reference"
    );
}
