//! Tests of `lower_module` through its public API: IR shape, links, exact spans, unknown values
//! with their reasons, and parse errors (VNL001) that never stop the other files.

use vnetlint_diagnostics::Level;
use vnetlint_ir::{
    Attr, AttrList, Dialect, ElementId, Network, NsgOrigin, Origin, Reference, RuleStyle, Span,
    Template, TemplatePart, Val,
};
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::{Lowered, lower_module};

/// Lowers the given `(path, text)` files as one root module.
fn check(files: &[(&str, &str)]) -> (SourceMap, Vec<FileId>, Lowered) {
    let mut sources = SourceMap::new();
    let ids: Vec<FileId> = files
        .iter()
        .map(|(path, text)| sources.add(*path, *text))
        .collect();
    let lowered = lower_module(&sources, &ids, "");
    (sources, ids, lowered)
}

/// Lowers one `main.tf` and asserts it produced no findings.
fn lower_ok(text: &str) -> (SourceMap, Network) {
    let (sources, _, lowered) = check(&[("main.tf", text)]);
    assert_eq!(lowered.findings, vec![], "unexpected findings");
    (sources, lowered.network)
}

fn text(sources: &SourceMap, span: Span) -> &str {
    sources.get(span.file).slice(span.range)
}

fn known<T: std::fmt::Debug>(attr: Option<&Attr<T>>) -> &T {
    attr.and_then(Attr::get)
        .unwrap_or_else(|| panic!("expected a known value, got {attr:?}"))
}

fn unknown<T: std::fmt::Debug>(attr: Option<&Attr<T>>) -> &vnetlint_ir::Unknown {
    attr.and_then(|a| a.value.unknown())
        .unwrap_or_else(|| panic!("expected an unknown value, got {attr:?}"))
}

/// The subnet id of a logical address.
fn subnet_id(network: &Network, address: &str) -> vnetlint_ir::SubnetId {
    match network.find(address) {
        Some(ElementId::Subnet(id)) => id,
        other => panic!("no subnet at {address}: {other:?}"),
    }
}

fn list_values(list: Option<&AttrList<String>>) -> Vec<String> {
    known(list)
        .iter()
        .map(|item| known(Some(item)).clone())
        .collect()
}

const NSG_INLINE: &str = r#"resource "azurerm_network_security_group" "backend" {
  name = "nsg-backend"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefixes    = ["10.0.0.0/8", "192.168.0.0/16"]
    destination_address_prefix = "*"
  }

  security_rule {
    name      = "deny-all"
    priority  = 4096
    direction = "Inbound"
    access    = "Deny"
    protocol  = "*"
  }
}
"#;

#[test]
fn nsg_with_inline_rules_has_exact_spans_and_addresses() {
    let (sources, network) = lower_ok(NSG_INLINE);
    assert_eq!(network.nsgs.len(), 1);
    let nsg = &network.nsgs[0];
    assert_eq!(nsg.meta.address, "azurerm_network_security_group.backend");
    assert_eq!(known(nsg.meta.name.as_ref()), "nsg-backend");
    assert!(
        text(&sources, nsg.meta.span).starts_with("resource \"azurerm_network_security_group\"")
    );
    assert!(text(&sources, nsg.meta.span).ends_with('}'));
    assert_eq!(nsg.rules.len(), 2);

    let ssh = &network[nsg.rules[0]];
    assert_eq!(
        ssh.meta.address,
        "azurerm_network_security_group.backend.security_rule[\"ssh\"]"
    );
    assert_eq!(ssh.style, RuleStyle::Inline);
    assert_eq!(ssh.dialect, Dialect::Terraform);
    assert!(text(&sources, ssh.meta.span).starts_with("security_rule {"));
    let nsg_link = ssh.nsg.as_ref().expect("inline rules know their NSG");
    assert_eq!(nsg_link.value, Val::Known(vnetlint_ir::NsgId(0)));
    assert_eq!(nsg_link.span, nsg.meta.span);

    let port = ssh.destination_port_range.as_ref().expect("port");
    assert_eq!(port.get().map(String::as_str), Some("22"));
    assert_eq!(text(&sources, port.span), "\"22\"");
    assert_eq!(port.origin, Origin::Literal);
    let priority = ssh.priority.as_ref().expect("priority");
    assert_eq!(priority.get().map(String::as_str), Some("100"));
    assert_eq!(text(&sources, priority.span), "100");

    let prefixes = ssh.source_address_prefixes.as_ref().expect("prefixes");
    assert_eq!(
        text(&sources, prefixes.span),
        "[\"10.0.0.0/8\", \"192.168.0.0/16\"]"
    );
    let items = known(Some(prefixes));
    assert_eq!(text(&sources, items[1].span), "\"192.168.0.0/16\"");
    assert_eq!(items[1].get().map(String::as_str), Some("192.168.0.0/16"));
    assert!(ssh.destination_port_ranges.is_none());

    let deny = &network[nsg.rules[1]];
    assert_eq!(known(deny.priority.as_ref()), "4096");
    assert_eq!(known(deny.protocol.as_ref()), "*");
    assert!(deny.source_port_range.is_none());
}

#[test]
fn standalone_rules_link_by_name_reference_and_by_literal_name() {
    let src = r#"
resource "azurerm_network_security_rule" "early" {
  name                        = "early"
  priority                    = 150
  network_security_group_name = "nsg-backend"
}

resource "azurerm_network_security_group" "backend" {
  name = "nsg-backend"
  security_rule {
    name     = "inline"
    priority = 100
  }
}

resource "azurerm_network_security_rule" "by_ref" {
  name                        = "by-ref"
  priority                    = 200
  destination_port_range      = "3389"
  network_security_group_name = azurerm_network_security_group.backend.name
}

resource "azurerm_network_security_rule" "nowhere" {
  name                        = "nowhere"
  priority                    = 300
  network_security_group_name = "nsg-elsewhere"
}
"#;
    let (sources, network) = lower_ok(src);
    let nsg = &network.nsgs[0];
    let names: Vec<&str> = nsg
        .rules
        .iter()
        .map(|&id| network[id].meta.display_name())
        .collect();
    // Declaration order, whether inline or standalone.
    assert_eq!(names, ["early", "inline", "by-ref"]);

    let early = &network[nsg.rules[0]];
    assert_eq!(early.style, RuleStyle::Standalone);
    assert_eq!(early.meta.address, "azurerm_network_security_rule.early");
    let link = early.nsg.as_ref().expect("linked");
    assert_eq!(link.value, Val::Known(vnetlint_ir::NsgId(0)));
    assert_eq!(text(&sources, link.span), "\"nsg-backend\"");
    // The literal name points on to the NSG's name it matched.
    let Origin::Derived(chain) = &link.origin else {
        panic!("expected a derived origin, got {:?}", link.origin);
    };
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[1], known_name_span(&network));

    let by_ref = &network[nsg.rules[2]];
    let link = by_ref.nsg.as_ref().expect("linked");
    assert_eq!(link.value, Val::Known(vnetlint_ir::NsgId(0)));
    assert_eq!(
        text(&sources, link.span),
        "azurerm_network_security_group.backend.name"
    );

    let nowhere = network
        .security_rules
        .iter()
        .find(|r| r.meta.display_name() == "nowhere")
        .expect("rule");
    // An NSG outside the scanned modules gets a stand-in holding the rules that name it
    // (issue 14), where the link used to stay unknown and the rule went unevaluated.
    let stand_in = &network[*known(nowhere.nsg.as_ref())];
    assert_eq!(stand_in.origin, NsgOrigin::Missing);
    assert_eq!(stand_in.meta.display_name(), "nsg-elsewhere");
    assert_eq!(
        stand_in.meta.address,
        "azurerm_network_security_group[\"nsg-elsewhere\"]"
    );
    assert_eq!(text(&sources, stand_in.meta.span), "\"nsg-elsewhere\"");
    assert_eq!(stand_in.rules.len(), 1);
}

fn known_name_span(network: &Network) -> Span {
    network.nsgs[0].meta.name.as_ref().expect("name").span
}

#[test]
fn subnet_association_and_vnet_link() {
    let src = r#"
resource "azurerm_virtual_network" "main" {
  name          = "vnet-main"
  address_space = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "app" {
  name                 = "snet-app"
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.app.id
  network_security_group_id = azurerm_network_security_group.app.id
}

resource "azurerm_network_security_group" "app" {
  name = "nsg-app"
}
"#;
    let (sources, network) = lower_ok(src);
    assert_eq!(network.subnets.len(), 1);
    let subnet = &network.subnets[0];
    assert_eq!(subnet.meta.address, "azurerm_subnet.app");
    assert_eq!(known(subnet.vnet.as_ref()), &vnetlint_ir::VnetId(0));
    assert_eq!(
        list_values(subnet.address_prefixes.as_ref()),
        ["10.0.1.0/24"]
    );
    let nsg = subnet.nsg.as_ref().expect("associated");
    assert_eq!(nsg.value, Val::Known(vnetlint_ir::NsgId(0)));
    assert_eq!(
        text(&sources, nsg.span),
        "azurerm_network_security_group.app.id"
    );
}

#[test]
fn nic_links_public_ip_whose_address_is_a_reference() {
    let src = r#"
resource "azurerm_public_ip" "sql" {
  name              = "pip-sql"
  sku               = "Standard"
  allocation_method = "Static"
}

resource "azurerm_network_interface" "sql" {
  name = "nic-sql"
  ip_configuration {
    name                          = "primary"
    subnet_id                     = data.azurerm_subnet.shared.id
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = azurerm_public_ip.sql.id
  }
}
"#;
    let (sources, network) = lower_ok(src);
    let pip = &network.public_ips[0];
    assert_eq!(known(pip.sku.as_ref()), "Standard");
    assert_eq!(known(pip.allocation.as_ref()), "Static");
    let address = unknown(pip.ip_address.as_ref());
    assert_eq!(
        address.reference,
        Some(Reference {
            address: "azurerm_public_ip.sql".into(),
            attribute: "ip_address".into()
        })
    );

    let config = &network.nics[0].ip_configurations[0];
    assert!(text(&sources, config.span).starts_with("ip_configuration {"));
    assert_eq!(known(config.name.as_ref()), "primary");
    assert_eq!(known(config.allocation.as_ref()), "Dynamic");
    let public_ip = config.public_ip.as_ref().expect("public ip");
    assert_eq!(public_ip.value, Val::Known(vnetlint_ir::PublicIpId(0)));
    assert_eq!(text(&sources, public_ip.span), "azurerm_public_ip.sql.id");
    // A data source is an existing resource: unknown, but it says which.
    let subnet = unknown(config.subnet.as_ref());
    assert_eq!(
        subnet.reference,
        Some(Reference {
            address: "data.azurerm_subnet.shared".into(),
            attribute: "id".into()
        })
    );
    assert!(subnet.reason.contains("data source"), "{}", subnet.reason);
}

#[test]
fn connection_string_template_keeps_references() {
    let src = r#"
resource "azurerm_public_ip" "sql" {
  name = "pip-sql"
}

resource "azurerm_linux_web_app" "app" {
  name = "app"

  connection_string {
    name  = "db"
    type  = "SQLServer"
    value = "Server=tcp:${azurerm_public_ip.sql.ip_address},1433;"
  }

  app_settings = {
    PLAIN   = "x"
    "DB_IP" = azurerm_public_ip.sql.ip_address
    NUM     = 3
  }
}
"#;
    let (sources, network) = lower_ok(src);
    let app = &network.web_apps[0];
    let cs = &app.connection_strings[0];
    assert!(text(&sources, cs.span).starts_with("connection_string {"));
    assert_eq!(known(cs.name.as_ref()), "db");
    assert_eq!(known(cs.kind.as_ref()), "SQLServer");
    let value = cs.value.as_ref().expect("value");
    assert_eq!(
        text(&sources, value.span),
        "\"Server=tcp:${azurerm_public_ip.sql.ip_address},1433;\""
    );
    assert_eq!(
        known(Some(value)).parts,
        vec![
            TemplatePart::Literal("Server=tcp:".into()),
            TemplatePart::Reference(Reference {
                address: "azurerm_public_ip.sql".into(),
                attribute: "ip_address".into()
            }),
            TemplatePart::Literal(",1433;".into()),
        ]
    );

    let settings: Vec<(&str, &Template)> = app
        .app_settings
        .iter()
        .map(|s| (s.name.as_str(), known(Some(&s.value))))
        .collect();
    assert_eq!(settings.len(), 3);
    assert_eq!(settings[0], ("PLAIN", &Template::literal("x")));
    assert_eq!(settings[1].0, "DB_IP");
    assert!(matches!(
        settings[1].1.parts.as_slice(),
        [TemplatePart::Reference(r)] if r.attribute == "ip_address"
    ));
    assert_eq!(settings[2], ("NUM", &Template::literal("3")));
    assert_eq!(text(&sources, app.app_settings[0].span), "PLAIN   = \"x\"");
    assert_eq!(text(&sources, app.app_settings[0].value.span), "\"x\"");
}

#[test]
fn variable_defaults_are_used_with_a_derived_origin() {
    let src = r#"
variable "ssh_port" {
  default = "22"
}

variable "env" {
  type    = string
  default = "prod"
}

variable "sources" {
  default = ["10.0.0.0/8"]
}

variable "no_default" {
  type = string
}

resource "azurerm_network_security_group" "x" {
  name = "nsg-${var.env}"
  security_rule {
    name                    = "r"
    destination_port_range  = var.ssh_port
    source_address_prefixes = var.sources
    source_address_prefix   = var.no_default
    protocol                = var.undeclared
  }
}
"#;
    let (sources, network) = lower_ok(src);
    let nsg = &network.nsgs[0];
    let name = nsg.meta.name.as_ref().expect("name");
    assert_eq!(name.get().map(String::as_str), Some("nsg-prod"));
    assert!(matches!(&name.origin, Origin::Derived(chain) if chain.len() == 2));

    let rule = &network.security_rules[0];
    let port = rule.destination_port_range.as_ref().expect("port");
    assert_eq!(port.get().map(String::as_str), Some("22"));
    assert_eq!(text(&sources, port.span), "var.ssh_port");
    let Origin::Derived(chain) = &port.origin else {
        panic!("expected derived, got {:?}", port.origin);
    };
    let chain: Vec<&str> = chain.iter().map(|&s| text(&sources, s)).collect();
    assert_eq!(chain, ["var.ssh_port", "\"22\""]);

    assert_eq!(
        list_values(rule.source_address_prefixes.as_ref()),
        ["10.0.0.0/8"]
    );
    assert_eq!(
        unknown(rule.source_address_prefix.as_ref()).reason,
        "variable `no_default` has no value in the scanned files"
    );
    assert!(
        unknown(rule.protocol.as_ref())
            .reason
            .contains("`undeclared` is not declared")
    );
}

#[test]
fn unevaluated_expressions_are_unknown_with_the_expression_named() {
    let src = r#"
resource "azurerm_subnet" "x" {
  name             = local.subnet_name
  virtual_network_name = azurerm_virtual_network.v.location
  address_prefixes = [cidrsubnet("10.0.0.0/16", 8, 1)]
  service_endpoints = var.on ? ["Microsoft.Sql"] : []
}

resource "azurerm_virtual_network" "v" {
  name = "v"
}
"#;
    let (sources, network) = lower_ok(src);
    let subnet = &network.subnets[0];
    let name = &unknown(subnet.meta.name.as_ref()).reason;
    assert!(
        name.contains("local value `subnet_name` is not declared"),
        "{name}"
    );
    // Functions are evaluated; the element keeps the span of the call.
    let prefixes = known(subnet.address_prefixes.as_ref());
    assert_eq!(known(Some(&prefixes[0])), "10.0.1.0/24");
    assert_eq!(
        text(&sources, prefixes[0].span),
        "cidrsubnet(\"10.0.0.0/16\", 8, 1)"
    );
    let vnet = unknown(subnet.vnet.as_ref());
    assert!(vnet.reason.contains("is not the `name`"), "{}", vnet.reason);
    let endpoints = unknown(subnet.service_endpoints.as_ref());
    assert!(
        endpoints.reason.contains("condition") && endpoints.reason.contains("`on` is not declared"),
        "{}",
        endpoints.reason
    );
}

#[test]
fn count_and_for_each_resources_expand_into_instances() {
    let src = r#"
resource "azurerm_network_security_group" "per_env" {
  count = 2
  name  = "nsg-${count.index}"
  security_rule {
    name     = "a"
    priority = 100
  }
}

resource "azurerm_subnet" "each" {
  for_each = toset(["a", "b"])
  name     = each.key
}
"#;
    let (_, network) = lower_ok(src);
    let addresses: Vec<&str> = network
        .nsgs
        .iter()
        .map(|n| n.meta.address.as_str())
        .collect();
    assert_eq!(
        addresses,
        [
            "azurerm_network_security_group.per_env[0]",
            "azurerm_network_security_group.per_env[1]"
        ]
    );
    assert_eq!(known(network.nsgs[1].meta.name.as_ref()), "nsg-1");
    assert_eq!(
        network[network.nsgs[1].rules[0]].meta.address,
        "azurerm_network_security_group.per_env[1].security_rule[\"a\"]"
    );
    let subnets: Vec<&str> = network
        .subnets
        .iter()
        .map(|s| s.meta.address.as_str())
        .collect();
    assert_eq!(
        subnets,
        ["azurerm_subnet.each[\"a\"]", "azurerm_subnet.each[\"b\"]"]
    );
    assert_eq!(known(network.subnets[1].meta.name.as_ref()), "b");
}

#[test]
fn inline_vnet_subnets_and_unknown_names_use_an_index() {
    let src = r#"
resource "azurerm_virtual_network" "v" {
  name          = "vnet"
  address_space = ["10.0.0.0/16"]
  subnet {
    name           = "a"
    address_prefix = "10.0.1.0/24"
    security_group = azurerm_network_security_group.n.id
  }
  subnet {
    name             = local.b
    address_prefixes = ["10.0.2.0/24"]
  }
}

resource "azurerm_network_security_group" "n" {
  name = "n"
}
"#;
    let (sources, network) = lower_ok(src);
    let addresses: Vec<&str> = network
        .subnets
        .iter()
        .map(|s| s.meta.address.as_str())
        .collect();
    assert_eq!(
        addresses,
        [
            "azurerm_virtual_network.v.subnet[\"a\"]",
            "azurerm_virtual_network.v.subnet[1]"
        ]
    );
    let a = &network.subnets[0];
    assert_eq!(known(a.vnet.as_ref()), &vnetlint_ir::VnetId(0));
    assert_eq!(list_values(a.address_prefixes.as_ref()), ["10.0.1.0/24"]);
    assert_eq!(
        text(&sources, a.address_prefixes.as_ref().expect("prefix").span),
        "\"10.0.1.0/24\""
    );
    assert_eq!(known(a.nsg.as_ref()), &vnetlint_ir::NsgId(0));
}

#[test]
fn links_to_missing_or_wrong_resources_are_unknown_with_the_reference() {
    let src = r#"
resource "azurerm_subnet_network_security_group_association" "a" {
  subnet_id                 = azurerm_subnet.missing.id
  network_security_group_id = azurerm_network_security_group.n.id
}

resource "azurerm_network_interface" "nic" {
  name = "nic"
  ip_configuration {
    name      = "p"
    subnet_id = azurerm_network_security_group.n.id
    public_ip_address_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip"
  }
}

resource "azurerm_network_security_group" "n" {
  name = "n"
}
"#;
    let (_, network) = lower_ok(src);
    let config = &network.nics[0].ip_configurations[0];
    let wrong = unknown(config.subnet.as_ref());
    assert!(wrong.reason.contains("not a subnet"), "{}", wrong.reason);
    assert_eq!(
        wrong.reference.as_ref().map(|r| r.address.as_str()),
        Some("azurerm_network_security_group.n")
    );
    let outside = unknown(config.public_ip.as_ref());
    assert!(outside.reason.contains("outside the scanned files"));
    // The association names a subnet that does not exist: nothing to attach to, nothing invented.
    assert!(network.subnets.is_empty());
}

#[test]
fn every_modelled_resource_is_lowered_and_linked() {
    let text_all = include_str!("fixtures/all_resources.tf");
    let (_, _, lowered) = check(&[("main.tf", text_all)]);
    // The one finding: the remote module is reported, not fetched.
    let codes: Vec<(&str, Level)> = lowered.findings.iter().map(|f| (f.code, f.level)).collect();
    assert_eq!(codes, [("VNL002", Level::Note)]);
    assert_eq!(
        lowered.findings[0].address.as_deref(),
        Some("module.remote")
    );
    let network = lowered.network;
    assert_eq!(network.vnets.len(), 2);
    assert_eq!(
        list_values(network.vnets[0].dns_servers.as_ref()),
        ["10.0.0.4"]
    );
    assert_eq!(network.subnets.len(), 3);
    let app = network
        .subnets
        .iter()
        .find(|s| s.meta.address == "azurerm_subnet.app")
        .expect("subnet");
    assert_eq!(known(app.vnet.as_ref()), &vnetlint_ir::VnetId(0));
    assert_eq!(known(app.nsg.as_ref()), &vnetlint_ir::NsgId(0));
    assert_eq!(
        known(app.route_table.as_ref()),
        &vnetlint_ir::RouteTableId(0)
    );
    assert_eq!(
        app.delegations[0].get().map(String::as_str),
        Some("Microsoft.Web/hostingEnvironments")
    );
    assert_eq!(
        list_values(app.service_endpoints.as_ref()),
        ["Microsoft.Sql"]
    );
    let gateway_subnet = network
        .subnets
        .iter()
        .find(|s| s.meta.address == "azurerm_subnet.gateway")
        .expect("subnet");
    // Matched by the literal name against `vnet-${var.env}`.
    assert_eq!(known(gateway_subnet.vnet.as_ref()), &vnetlint_ir::VnetId(0));

    let nsg = &network.nsgs[0];
    assert_eq!(nsg.rules.len(), 2);
    let https = &network[nsg.rules[0]];
    assert_eq!(
        list_values(https.destination_port_ranges.as_ref()),
        ["443", "8443"]
    );
    let ssh = &network[nsg.rules[1]];
    let asgs = known(ssh.destination_asgs.as_ref());
    assert_eq!(known(Some(&asgs[0])), &vnetlint_ir::AsgId(0));

    let nic = &network.nics[0];
    assert_eq!(known(nic.nsg.as_ref()), &vnetlint_ir::NsgId(0));
    assert_eq!(known(nic.dns_servers.as_ref()).len(), 0);
    let config = &nic.ip_configurations[0];
    let app_id = subnet_id(&network, "azurerm_subnet.app");
    assert_eq!(known(config.subnet.as_ref()), &app_id);
    assert_eq!(known(config.private_ip.as_ref()), "10.0.1.10");
    assert_eq!(config.asgs.len(), 1);
    assert_eq!(known(network.vms[0].nics.first()), &vnetlint_ir::NicId(0));

    let route = &network.route_tables[0].routes[0];
    assert_eq!(known(route.next_hop_ip.as_ref()), "10.0.0.4");

    let peering = &network.peerings[0];
    assert_eq!(known(peering.vnet.as_ref()), &vnetlint_ir::VnetId(0));
    assert_eq!(known(peering.remote_vnet.as_ref()), &vnetlint_ir::VnetId(1));
    assert_eq!(known(peering.allow_forwarded_traffic.as_ref()), &true);
    assert_eq!(known(peering.use_remote_gateways.as_ref()), &false);
    assert!(peering.allow_gateway_transit.is_none());

    let gateway = &network.vnet_gateways[0];
    assert_eq!(known(gateway.gateway_type.as_ref()), "Vpn");
    assert_eq!(
        known(gateway.subnet.as_ref()),
        &subnet_id(&network, "azurerm_subnet.gateway")
    );
    let local = &network.local_gateways[0];
    assert_eq!(known(local.gateway_address.as_ref()), "203.0.113.1");
    let connection = &network.gateway_connections[0];
    assert_eq!(
        known(connection.gateway.as_ref()),
        &vnetlint_ir::VnetGatewayId(0)
    );
    assert_eq!(
        known(connection.local_gateway.as_ref()),
        &vnetlint_ir::LocalGatewayId(0)
    );

    let ase = &network.ases[0];
    assert_eq!(known(ase.version.as_ref()), &vnetlint_ir::AseVersion::V3);
    assert_eq!(known(ase.subnet.as_ref()), &app_id);
    assert_eq!(
        known(ase.internal_load_balancing_mode.as_ref()),
        "Web, Publishing"
    );
    let plan = &network.service_plans[0];
    assert_eq!(known(plan.ase.as_ref()), &vnetlint_ir::AseId(0));
    assert_eq!(known(plan.sku.as_ref()), "I1v2");
    let app = &network.web_apps[0];
    assert_eq!(known(app.plan.as_ref()), &vnetlint_ir::ServicePlanId(0));
    assert_eq!(known(app.vnet_integration_subnet.as_ref()), &app_id);
    assert_eq!(app.app_settings.len(), 2);
    // `.name` of a resource with a literal name is that name.
    let db_url = &app.app_settings[1];
    assert_eq!(db_url.name, "DB_URL");
    assert_eq!(
        known(Some(&db_url.value)),
        &Template::literal("https://sql-prod.example")
    );
    assert!(matches!(&db_url.value.origin, Origin::Derived(chain) if chain.len() == 2));

    assert_eq!(
        known(network.sql_servers[0].public_network_access.as_ref()),
        &false
    );
    for rule in &network.sql_firewall_rules {
        assert_eq!(
            known(rule.server.as_ref()),
            &vnetlint_ir::SqlServerId(0),
            "{}",
            rule.meta.address
        );
    }
}

#[test]
fn lowering_is_deterministic() {
    let text_all = include_str!("fixtures/all_resources.tf");
    let (_, _, first) = check(&[("a.tf", text_all), ("b.tf", NSG_INLINE)]);
    let (_, _, second) = check(&[("a.tf", text_all), ("b.tf", NSG_INLINE)]);
    assert_eq!(first, second);
}

#[test]
fn truncated_file_gives_vnl001_and_other_files_are_still_lowered() {
    let broken = "resource \"azurerm_network_security_group\" \"x\" {\n  name = \"a\"\n";
    let (sources, ids, lowered) = check(&[("broken.tf", broken), ("good.tf", NSG_INLINE)]);
    assert_eq!(lowered.findings.len(), 1);
    let finding = &lowered.findings[0];
    assert_eq!(finding.code, "VNL001");
    assert_eq!(finding.rule_name, "parse-error");
    assert_eq!(finding.level, Level::Error);
    assert_eq!(finding.address, None);
    assert!(
        finding.message.starts_with("cannot parse `broken.tf`: "),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("missing `}`"),
        "{}",
        finding.message
    );
    assert!(
        finding
            .message
            .contains("nothing in this file is analyzed until it parses; the other files are")
    );
    assert!(!finding.message.ends_with('.'));
    assert_eq!(finding.primary.span.file, ids[0]);
    // The brace is missing right after the last thing written (tree-sitter's recovery puts
    // it at the end of the file, past the final newline; the user types it after `"a"`).
    let range = finding.primary.span.range;
    assert!(range.is_empty());
    assert_eq!(range.start as usize, broken.trim_end().len());
    let position = sources.get(ids[0]).line_index().line_col(range.start);
    assert_eq!((position.line, position.column), (2, 13));

    // Only the good file is lowered.
    assert_eq!(lowered.network.nsgs.len(), 1);
    assert_eq!(lowered.network.nsgs[0].meta.span.file, ids[1]);
    assert_eq!(lowered.network.security_rules.len(), 2);
}

#[test]
fn parse_error_in_the_middle_points_at_the_offending_character() {
    // The `é` checks that hcl-edit's character column is mapped back to a byte offset.
    let broken = "resource \"azurerm_subnet\" \"x\" {\n  name = \"é\" \"b\"\n}\n";
    let (sources, ids, lowered) = check(&[("main.tf", broken)]);
    assert_eq!(lowered.findings.len(), 1);
    let finding = &lowered.findings[0];
    let range = finding.primary.span.range;
    let position = sources.get(ids[0]).line_index().line_col(range.start);
    assert_eq!((position.line, position.column), (2, 14));
    assert_eq!(sources.get(ids[0]).slice(range), "\"");
    assert_eq!(lowered.network, Network::default());
}

#[test]
fn bom_prefixed_file_parses_with_shifted_spans() {
    let src = format!("\u{feff}{NSG_INLINE}");
    let (sources, _, lowered) = check(&[("bom.tf", &src)]);
    assert_eq!(lowered.findings, vec![]);
    let rule = &lowered.network.security_rules[0];
    let port = rule.destination_port_range.as_ref().expect("port");
    assert_eq!(text(&sources, port.span), "\"22\"");
    assert!(text(&sources, lowered.network.nsgs[0].meta.span).starts_with("resource "));
    assert_eq!(lowered.network.nsgs[0].meta.span.range.start, 3);
}

#[test]
fn bom_prefixed_broken_file_reports_a_shifted_position() {
    let src = "\u{feff}a = \n}";
    let (sources, ids, lowered) = check(&[("bom.tf", src)]);
    assert_eq!(lowered.findings.len(), 1);
    let range = lowered.findings[0].primary.span.range;
    assert!(range.start >= 3, "{range}");
    assert!(
        sources
            .get(ids[0])
            .text
            .is_char_boundary(range.start as usize)
    );
    assert!(
        sources
            .get(ids[0])
            .text
            .is_char_boundary(range.end as usize)
    );
}

#[test]
fn empty_and_comment_only_files_yield_nothing() {
    let (_, _, lowered) = check(&[("empty.tf", ""), ("comments.tf", "# nothing\n/* here */\n")]);
    assert_eq!(lowered, Lowered::default());
}

#[test]
fn deep_nesting_gives_vnl001_without_panicking() {
    let deep = format!("a = {}1{}\n", "(".repeat(100), ")".repeat(100));
    let deep_lists = format!("b = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let (_, _, lowered) = check(&[("deep.tf", &deep), ("deeper.tf", &deep_lists)]);
    assert_eq!(lowered.findings.len(), 2);
    for finding in &lowered.findings {
        assert_eq!(finding.code, "VNL001");
        assert!(finding.message.contains("nesting"), "{}", finding.message);
    }
}

#[test]
fn tfvars_files_are_only_syntax_checked() {
    let (_, _, lowered) = check(&[
        ("good.tfvars", "env = \"prod\"\n"),
        ("bad.tfvars", "env = \n"),
        ("main.tf", NSG_INLINE),
    ]);
    assert_eq!(lowered.findings.len(), 1);
    assert!(lowered.findings[0].message.contains("`bad.tfvars`"));
    assert_eq!(lowered.network.nsgs.len(), 1);
}

#[test]
fn module_prefix_is_part_of_every_address() {
    let mut sources = SourceMap::new();
    let id = sources.add("mod/main.tf", NSG_INLINE);
    let lowered = lower_module(&sources, &[id, FileId(99)], "module.net.");
    assert_eq!(
        lowered.network.security_rules[0].meta.address,
        "module.net.azurerm_network_security_group.backend.security_rule[\"ssh\"]"
    );
}

/// Every prefix of a realistic file, cut at each character, lowers without panicking and with
/// every span inside the file and on character boundaries (the fuzz target's properties).
#[test]
fn truncated_files_never_panic_and_spans_stay_in_bounds() {
    let full = format!("{}\n# é ü 😀\n", include_str!("fixtures/all_resources.tf"));
    // Every cut next to punctuation, where the parser changes state, and a sample of the rest,
    // which keeps the test fast in debug builds.
    let cuts: Vec<usize> = full
        .char_indices()
        .filter(|&(i, ch)| i % 16 == 0 || !(ch.is_ascii_alphanumeric() || ch == ' '))
        .map(|(i, _)| i)
        .chain([full.len()])
        .collect();
    for cut in cuts {
        let src = &full[..cut];
        let (sources, _, lowered) = check(&[("main.tf", src)]);
        let file = sources.get(FileId(0));
        let mut spans: Vec<Span> = lowered.findings.iter().map(|f| f.primary.span).collect();
        for id in lowered.network.elements() {
            spans.push(lowered.network.meta(id).span);
        }
        for rule in &lowered.network.security_rules {
            spans.extend(rule.priority.as_ref().map(|a| a.span));
            spans.extend(rule.destination_port_range.as_ref().map(|a| a.span));
        }
        for span in spans {
            let range = span.range.as_usize();
            assert!(range.end <= src.len(), "cut {cut}: {range:?}");
            assert!(file.text.is_char_boundary(range.start), "cut {cut}");
            assert!(file.text.is_char_boundary(range.end), "cut {cut}");
        }
        // Every syntax error is reported, a bounded number of them; the intact blocks of a
        // cut file are lowered, and may note what the dropped blocks no longer define.
        assert!(
            lowered
                .findings
                .iter()
                .filter(|f| f.code == "VNL001")
                .count()
                <= 20
        );
    }
}
