//! Lowering of the entry points and policy layers (issue 16): load balancers with their pools,
//! rules, NAT rules, NAT pools and probes, NIC memberships (association resources and the
//! provider 1.x attributes), Application Gateways, Virtual Network Manager (groups, static
//! members, dynamic membership, configurations, collections, admin rules, deployments), the
//! subnet's private endpoint network policies in every provider spelling, and the services'
//! virtual network rules written as their own resources.

mod common;

use common::{element, known, lower, strings, text};
use vnetlint_ir::{Attr, ElementId};

const LOAD_BALANCER: &str = r#"
resource "azurerm_virtual_network" "main" {
  name          = "vnet-main"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_public_ip" "lb" {
  name = "pip-lb"
  sku  = "Standard"
}

resource "azurerm_lb" "web" {
  name = "lb-web"
  sku  = "Standard"

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.lb.id
  }

  frontend_ip_configuration {
    name               = "internal"
    subnet_id          = azurerm_subnet.web.id
    private_ip_address = "10.0.1.100"
  }
}

resource "azurerm_lb_backend_address_pool" "web" {
  name            = "pool-web"
  loadbalancer_id = azurerm_lb.web.id
}

resource "azurerm_lb_backend_address_pool" "ips" {
  name            = "pool-ips"
  loadbalancer_id = azurerm_lb.web.id
}

resource "azurerm_lb_backend_address_pool_address" "one" {
  name                    = "one"
  backend_address_pool_id = azurerm_lb_backend_address_pool.ips.id
  virtual_network_id      = azurerm_virtual_network.main.id
  ip_address              = "10.0.1.20"
}

resource "azurerm_lb_backend_address_pool_address" "two" {
  name                    = "two"
  backend_address_pool_id = azurerm_lb_backend_address_pool.ips.id
  virtual_network_id      = azurerm_virtual_network.main.id
  ip_address              = "10.0.1.21"
}

resource "azurerm_lb_probe" "http" {
  name            = "probe-http"
  loadbalancer_id = azurerm_lb.web.id
  protocol        = "Http"
  port            = 8080
  request_path    = "/health"
}

resource "azurerm_lb_rule" "https" {
  name                           = "https"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port                  = 443
  backend_port                   = 8443
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.web.id]
  probe_id                       = azurerm_lb_probe.http.id
  floating_ip_enabled            = true
}

resource "azurerm_lb_rule" "legacy" {
  name                           = "legacy"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "internal"
  protocol                       = "Udp"
  frontend_port                  = 53
  backend_port                   = 53
  backend_address_pool_id        = azurerm_lb_backend_address_pool.web.id
  enable_floating_ip             = false
}

resource "azurerm_lb_nat_rule" "ssh" {
  name                           = "ssh-web1"
  resource_group_name            = "rg"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port                  = 50022
  backend_port                   = 22
}

resource "azurerm_lb_nat_rule" "range" {
  name                           = "rdp-range"
  resource_group_name            = "rg"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port_start            = 53389
  frontend_port_end              = 53399
  backend_port                   = 3389
  backend_address_pool_id        = azurerm_lb_backend_address_pool.web.id
}

resource "azurerm_lb_nat_pool" "scale_set" {
  name                           = "ssh-pool"
  resource_group_name            = "rg"
  loadbalancer_id                = azurerm_lb.web.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port_start            = 60000
  frontend_port_end              = 60010
  backend_port                   = 22
}

resource "azurerm_network_interface" "web1" {
  name = "nic-web1"

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Dynamic"
  }

  ip_configuration {
    name                          = "secondary"
    subnet_id                     = azurerm_subnet.web.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface_backend_address_pool_association" "web1" {
  network_interface_id    = azurerm_network_interface.web1.id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
}

resource "azurerm_network_interface_nat_rule_association" "web1" {
  network_interface_id  = azurerm_network_interface.web1.id
  ip_configuration_name = "secondary"
  nat_rule_id           = azurerm_lb_nat_rule.ssh.id
}

resource "azurerm_network_interface" "legacy" {
  name = "nic-legacy"

  ip_configuration {
    name                                    = "primary"
    subnet_id                               = azurerm_subnet.web.id
    private_ip_address_allocation           = "Dynamic"
    load_balancer_backend_address_pools_ids = [azurerm_lb_backend_address_pool.web.id]
    load_balancer_inbound_nat_rules_ids     = [azurerm_lb_nat_rule.ssh.id]
  }
}
"#;

#[test]
fn load_balancer_with_pools_rules_nat_rules_and_probes() {
    let (sources, network) = lower(LOAD_BALANCER);
    let ElementId::LoadBalancer(lb_id) = element(&network, "azurerm_lb.web") else {
        panic!("not a load balancer");
    };
    let lb = &network[lb_id];
    assert_eq!(known(lb.sku.as_ref()), "Standard");
    assert_eq!(lb.frontends.len(), 2);
    let public = &lb.frontends[0];
    assert_eq!(known(public.name.as_ref()), "public");
    assert_eq!(
        known(public.public_ip.as_ref()).index(),
        0,
        "links the public IP"
    );
    let internal = &lb.frontends[1];
    assert!(internal.public_ip.is_none());
    assert_eq!(known(internal.private_ip.as_ref()), "10.0.1.100");
    assert!(internal.subnet.as_ref().and_then(Attr::get).is_some());

    let ElementId::LbBackendPool(web_pool) =
        element(&network, "azurerm_lb_backend_address_pool.web")
    else {
        panic!("not a pool");
    };
    assert_eq!(
        known(network[web_pool].load_balancer.as_ref()),
        &lb_id,
        "pool -> load balancer"
    );
    let ElementId::LbBackendPool(ip_pool) =
        element(&network, "azurerm_lb_backend_address_pool.ips")
    else {
        panic!("not a pool");
    };
    let addresses = network[ip_pool].addresses.as_ref();
    assert_eq!(strings(addresses), ["10.0.1.20", "10.0.1.21"]);
    let first = &known(addresses)[0];
    assert_eq!(text(&sources, first.span), "\"10.0.1.20\"");

    let ElementId::LbProbe(probe) = element(&network, "azurerm_lb_probe.http") else {
        panic!("not a probe");
    };
    assert_eq!(known(network[probe].port.as_ref()), "8080");
    assert_eq!(known(network[probe].protocol.as_ref()), "Http");
    assert_eq!(known(network[probe].load_balancer.as_ref()), &lb_id);

    let ElementId::LbRule(https) = element(&network, "azurerm_lb_rule.https") else {
        panic!("not a rule");
    };
    let https = &network[https];
    assert_eq!(known(https.frontend.as_ref()), "public");
    assert_eq!(known(https.frontend_port.as_ref()), "443");
    assert_eq!(known(https.backend_port.as_ref()), "8443");
    assert_eq!(
        known(https.backend_pools.first()),
        &web_pool,
        "rule -> pool"
    );
    assert_eq!(known(https.probe.as_ref()), &probe, "rule -> probe");
    assert_eq!(known(https.floating_ip.as_ref()), &true);
    let ElementId::LbRule(legacy) = element(&network, "azurerm_lb_rule.legacy") else {
        panic!("not a rule");
    };
    let legacy = &network[legacy];
    assert_eq!(
        known(legacy.backend_pools.first()),
        &web_pool,
        "azurerm 2's single pool"
    );
    assert_eq!(
        known(legacy.floating_ip.as_ref()),
        &false,
        "azurerm 3's spelling"
    );
    assert!(legacy.probe.is_none());

    let ElementId::LbNatRule(ssh) = element(&network, "azurerm_lb_nat_rule.ssh") else {
        panic!("not a NAT rule");
    };
    assert_eq!(known(network[ssh].frontend_port.as_ref()), "50022");
    assert_eq!(known(network[ssh].backend_port.as_ref()), "22");
    let ElementId::LbNatRule(range) = element(&network, "azurerm_lb_nat_rule.range") else {
        panic!("not a NAT rule");
    };
    let range = &network[range];
    assert_eq!(known(range.frontend_port_start.as_ref()), "53389");
    assert_eq!(known(range.frontend_port_end.as_ref()), "53399");
    assert_eq!(known(range.backend_pool.as_ref()), &web_pool);
    let ElementId::LbNatRule(pool) = element(&network, "azurerm_lb_nat_pool.scale_set") else {
        panic!("a NAT pool is a NAT rule over a range");
    };
    assert_eq!(known(network[pool].frontend_port_end.as_ref()), "60010");
    assert_eq!(known(network[pool].load_balancer.as_ref()), &lb_id);

    // Memberships: the association names the configuration; provider 1.x writes the ids on it.
    let ElementId::Nic(web1) = element(&network, "azurerm_network_interface.web1") else {
        panic!("not a NIC");
    };
    let configs = &network[web1].ip_configurations;
    assert_eq!(known(configs[0].lb_backend_pools.first()), &web_pool);
    assert!(configs[0].lb_nat_rules.is_empty());
    assert!(configs[1].lb_backend_pools.is_empty());
    assert_eq!(known(configs[1].lb_nat_rules.first()), &ssh);
    let ElementId::Nic(legacy_nic) = element(&network, "azurerm_network_interface.legacy") else {
        panic!("not a NIC");
    };
    let config = &network[legacy_nic].ip_configurations[0];
    assert_eq!(known(config.lb_backend_pools.first()), &web_pool);
    assert_eq!(known(config.lb_nat_rules.first()), &ssh);
}

const APP_GATEWAY: &str = r#"
resource "azurerm_virtual_network" "main" {
  name          = "vnet-main"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "agw" {
  name                 = "snet-agw"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.9.0/24"]
}

resource "azurerm_public_ip" "agw" {
  name = "pip-agw"
}

resource "azurerm_application_gateway" "web" {
  name = "agw-web"

  gateway_ip_configuration {
    name      = "gateway"
    subnet_id = azurerm_subnet.agw.id
  }

  frontend_port {
    name = "https"
    port = 443
  }

  frontend_port {
    name = "admin"
    port = 8443
  }

  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.agw.id
  }

  frontend_ip_configuration {
    name                          = "private"
    subnet_id                     = azurerm_subnet.agw.id
    private_ip_address            = "10.0.9.10"
    private_ip_address_allocation = "Static"
  }

  backend_address_pool {
    name         = "web"
    ip_addresses = ["10.0.1.4", "10.0.1.5"]
  }

  backend_address_pool {
    name  = "api"
    fqdns = ["api.internal.example"]
  }

  backend_http_settings {
    name                  = "web-8080"
    port                  = 8080
    protocol              = "Http"
    cookie_based_affinity = "Disabled"
  }

  http_listener {
    name                           = "public-https"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "https"
    protocol                       = "Https"
  }

  http_listener {
    name                           = "private-admin"
    frontend_ip_configuration_name = "private"
    frontend_port_name             = "missing"
    protocol                       = "Https"
  }

  request_routing_rule {
    name                       = "web"
    rule_type                  = "Basic"
    http_listener_name         = "public-https"
    backend_address_pool_name  = "web"
    backend_http_settings_name = "web-8080"
    priority                   = 100
  }
}
"#;

#[test]
fn application_gateway_resolves_listener_ports_and_frontends_by_name() {
    let (sources, network) = lower(APP_GATEWAY);
    let gateway = &network.application_gateways[0];
    assert!(gateway.subnet.as_ref().and_then(Attr::get).is_some());
    assert_eq!(gateway.public_ips.len(), 1);
    let public = &gateway.listeners[0];
    assert_eq!(known(public.port.as_ref()), "443");
    // The port points at the number it was resolved to.
    assert_eq!(text(&sources, public.port.as_ref().unwrap().span), "443");
    assert_eq!(known(public.public.as_ref()), &true);
    assert_eq!(known(public.protocol.as_ref()), "Https");
    let private = &gateway.listeners[1];
    assert_eq!(known(private.public.as_ref()), &false);
    let missing = private.port.as_ref().and_then(|p| p.value.unknown());
    assert_eq!(
        missing.map(|u| u.reason.as_str()),
        Some("no frontend port is named `missing`")
    );
    assert_eq!(
        strings(gateway.backend_pools[0].ip_addresses.as_ref()),
        ["10.0.1.4", "10.0.1.5"]
    );
    assert_eq!(
        strings(gateway.backend_pools[1].fqdns.as_ref()),
        ["api.internal.example"]
    );
    assert_eq!(known(gateway.backend_settings[0].port.as_ref()), "8080");
    let rule = &gateway.routing_rules[0];
    assert_eq!(known(rule.listener.as_ref()), "public-https");
    assert_eq!(known(rule.backend_pool.as_ref()), "web");
    assert_eq!(known(rule.backend_settings.as_ref()), "web-8080");
}

const NETWORK_MANAGER: &str = r#"
resource "azurerm_virtual_network" "spoke" {
  name          = "vnet-spoke"
  address_space = ["10.1.0.0/16"]
}

resource "azurerm_network_manager" "main" {
  name           = "avnm-main"
  scope_accesses = ["SecurityAdmin"]
}

resource "azurerm_network_manager_network_group" "spokes" {
  name               = "spokes"
  network_manager_id = azurerm_network_manager.main.id
}

resource "azurerm_network_manager_static_member" "spoke" {
  name                      = "spoke"
  network_group_id          = azurerm_network_manager_network_group.spokes.id
  target_virtual_network_id = azurerm_virtual_network.spoke.id
}

resource "azurerm_network_manager_security_admin_configuration" "main" {
  name               = "admin-config"
  network_manager_id = azurerm_network_manager.main.id
}

resource "azurerm_network_manager_admin_rule_collection" "deny" {
  name                            = "deny-inbound"
  security_admin_configuration_id = azurerm_network_manager_security_admin_configuration.main.id
  network_group_ids               = [azurerm_network_manager_network_group.spokes.id]
}

resource "azurerm_network_manager_admin_rule" "ssh" {
  name                     = "deny-ssh"
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.deny.id
  action                   = "Deny"
  direction                = "Inbound"
  priority                 = 10
  protocol                 = "Tcp"
  source_port_ranges       = ["0-65535"]
  destination_port_ranges  = ["22", "3389"]

  source {
    address_prefix_type = "ServiceTag"
    address_prefix      = "Internet"
  }

  destination {
    address_prefix_type = "IPPrefix"
    address_prefix      = "10.1.0.0/16"
  }

  destination {
    address_prefix_type = "IPPrefix"
    address_prefix      = "10.2.0.4"
  }
}

resource "azurerm_network_manager_deployment" "security" {
  network_manager_id = azurerm_network_manager.main.id
  location           = "westeurope"
  scope_access       = "SecurityAdmin"
  configuration_ids  = [azurerm_network_manager_security_admin_configuration.main.id]
}
"#;

#[test]
fn network_manager_groups_collections_rules_and_deployments_are_linked() {
    let (sources, network) = lower(NETWORK_MANAGER);
    let group = &network.network_groups[0];
    assert_eq!(known(group.manager.as_ref()).index(), 0);
    assert_eq!(
        known(group.static_members.first()).index(),
        0,
        "group -> VNet member"
    );
    assert!(group.dynamic_membership.is_none());
    let configuration = &network.security_admin_configurations[0];
    assert_eq!(known(configuration.manager.as_ref()).index(), 0);
    let collection = &network.admin_rule_collections[0];
    assert_eq!(known(collection.configuration.as_ref()).index(), 0);
    assert_eq!(
        known(collection.network_groups.first()).index(),
        0,
        "collection -> group"
    );
    let rule = &network.admin_rules[0];
    assert_eq!(known(rule.collection.as_ref()).index(), 0);
    assert_eq!(known(rule.priority.as_ref()), "10");
    assert_eq!(known(rule.action.as_ref()), "Deny");
    assert_eq!(known(rule.direction.as_ref()), "Inbound");
    assert_eq!(known(rule.protocol.as_ref()), "Tcp");
    assert_eq!(strings(rule.sources.as_ref()), ["Internet"]);
    assert_eq!(
        strings(rule.destinations.as_ref()),
        ["10.1.0.0/16", "10.2.0.4"]
    );
    let second = &known(rule.destinations.as_ref())[1];
    assert_eq!(text(&sources, second.span), "\"10.2.0.4\"");
    assert_eq!(strings(rule.destination_ports.as_ref()), ["22", "3389"]);
    assert_eq!(strings(rule.source_ports.as_ref()), ["0-65535"]);
    let deployment = &network.network_manager_deployments[0];
    assert_eq!(known(deployment.scope_access.as_ref()), "SecurityAdmin");
    assert_eq!(
        known(deployment.configurations.first()).index(),
        0,
        "deployment -> configuration"
    );
    assert_eq!(known(deployment.manager.as_ref()).index(), 0);
}

#[test]
fn a_network_data_policy_makes_group_membership_dynamic() {
    let text_with_policy = format!(
        r#"{NETWORK_MANAGER}
resource "azurerm_policy_definition" "spokes" {{
  name         = "spokes-by-tag"
  policy_type  = "Custom"
  mode         = "Microsoft.Network.Data"
  display_name = "spokes by tag"
  policy_rule  = jsonencode({{ then = {{ effect = "addToNetworkGroup" }} }})
}}
"#
    );
    let (sources, network) = lower(&text_with_policy);
    let dynamic = network.network_groups[0].dynamic_membership.as_ref();
    assert_eq!(known(dynamic), &true);
    assert_eq!(
        text(&sources, dynamic.unwrap().span),
        "\"Microsoft.Network.Data\""
    );
}

const SUBNETS: &str = r#"
resource "azurerm_virtual_network" "main" {
  name          = "vnet-main"
  address_space = ["10.0.0.0/16"]

  subnet {
    name                              = "inline"
    address_prefixes                  = ["10.0.0.0/24"]
    private_endpoint_network_policies = "NetworkSecurityGroupEnabled"
  }
}

resource "azurerm_subnet" "four" {
  name                              = "four"
  virtual_network_name              = azurerm_virtual_network.main.name
  address_prefixes                  = ["10.0.1.0/24"]
  private_endpoint_network_policies = "RouteTableEnabled"
}

resource "azurerm_subnet" "three" {
  name                                      = "three"
  virtual_network_name                      = azurerm_virtual_network.main.name
  address_prefixes                          = ["10.0.2.0/24"]
  private_endpoint_network_policies_enabled = true
  service_endpoints                         = ["Microsoft.Sql"]
}

resource "azurerm_subnet" "two" {
  name                                           = "two"
  virtual_network_name                           = azurerm_virtual_network.main.name
  address_prefixes                               = ["10.0.3.0/24"]
  enforce_private_link_endpoint_network_policies = true
}

resource "azurerm_subnet" "unset" {
  name                 = "unset"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.4.0/24"]
}

resource "azurerm_mssql_server" "sql" {
  name = "sql-main"
}

resource "azurerm_mssql_virtual_network_rule" "three" {
  name      = "three"
  server_id = azurerm_mssql_server.sql.id
  subnet_id = azurerm_subnet.three.id
}

resource "azurerm_sql_virtual_network_rule" "four" {
  name                = "four"
  resource_group_name = "rg"
  server_name         = "sql-main"
  subnet_id           = azurerm_subnet.four.id
}

resource "azurerm_servicebus_namespace" "bus" {
  name = "sb-main"
}

resource "azurerm_servicebus_namespace_network_rule_set" "bus" {
  namespace_id   = azurerm_servicebus_namespace.bus.id
  default_action = "Deny"

  network_rules {
    subnet_id = azurerm_subnet.three.id
  }
}
"#;

#[test]
fn private_endpoint_policies_in_every_spelling_and_virtual_network_rules() {
    let (sources, network) = lower(SUBNETS);
    let policy = |address: &str| {
        let ElementId::Subnet(id) = element(&network, address) else {
            panic!("not a subnet");
        };
        network[id]
            .private_endpoint_network_policies
            .as_ref()
            .map(|p| (known(Some(p)).as_str(), text(&sources, p.span)))
    };
    assert_eq!(
        policy("azurerm_virtual_network.main.subnet[\"inline\"]"),
        Some((
            "NetworkSecurityGroupEnabled",
            "\"NetworkSecurityGroupEnabled\""
        ))
    );
    assert_eq!(
        policy("azurerm_subnet.four"),
        Some(("RouteTableEnabled", "\"RouteTableEnabled\""))
    );
    assert_eq!(policy("azurerm_subnet.three"), Some(("Enabled", "true")));
    // azurerm 2's `enforce_...` is inverted: `true` turns the policies off.
    assert_eq!(policy("azurerm_subnet.two"), Some(("Disabled", "true")));
    assert_eq!(policy("azurerm_subnet.unset"), None);

    let ElementId::Subnet(three) = element(&network, "azurerm_subnet.three") else {
        panic!("not a subnet");
    };
    let ElementId::Subnet(four) = element(&network, "azurerm_subnet.four") else {
        panic!("not a subnet");
    };
    let subnets: Vec<_> = known(network.sql_servers[0].subnets.as_ref())
        .iter()
        .map(|s| *known(Some(s)))
        .collect();
    assert_eq!(subnets, [three, four], "by id and by server name");
    let bus = &network.data_services[0];
    assert_eq!(known(bus.default_action.as_ref()), "Deny");
    assert_eq!(known(known(bus.subnets.as_ref()).first()), &three);
}
