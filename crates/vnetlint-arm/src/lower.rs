//! Lowering of evaluated ARM resource instances into the IR, in two passes: allocate one element
//! per modelled resource (and per inline subnet, which other resources link to by id), then fill
//! every element's attributes and links. Property names match case-insensitively, as the
//! samples Microsoft ships rely on.

use std::collections::BTreeMap;

use vnetlint_ir::{
    AppSetting, Ase, AseVersion, Asg, Attr, AttrList, ConnectionString, Dialect, ElementId,
    GatewayConnection, IpConfiguration, LocalGateway, Meta, Network, Nic, Nsg, Origin, Peering,
    PrivateEndpoint, PublicIp, Reference, Route, RouteTable, RuleStyle, SecurityRule, ServicePlan,
    Span, SqlFirewallRule, SqlServer, SqlVirtualMachine, StorageAccount, Subnet, Template,
    TemplatePart, Unknown, Val, Vm, Vnet, VnetGateway, WebApp,
};

use crate::eval::address_of_id;
use crate::template::{Instance, name_text};
use crate::value::{Kind, Value};

/// Extracts a typed id from an `ElementId` of the named kind.
macro_rules! pick {
    ($kind:ident) => {
        |element: ElementId| match element {
            ElementId::$kind(id) => Some(id),
            _ => None,
        }
    };
}

const VNET: &str = "microsoft.network/virtualnetworks";
const SUBNET: &str = "microsoft.network/virtualnetworks/subnets";
const PEERING: &str = "microsoft.network/virtualnetworks/virtualnetworkpeerings";
const NSG: &str = "microsoft.network/networksecuritygroups";
const RULE: &str = "microsoft.network/networksecuritygroups/securityrules";
const ROUTE: &str = "microsoft.network/routetables/routes";

pub(crate) fn lower(instances: &[Instance]) -> Network {
    let mut lowerer = Lowerer {
        network: Network::default(),
        addresses: BTreeMap::new(),
        elements: vec![None; instances.len()],
    };
    for (index, instance) in instances.iter().enumerate() {
        lowerer.elements[index] = lowerer.allocate(instance);
    }
    for (index, instance) in instances.iter().enumerate() {
        lowerer.fill(instance, lowerer.elements[index]);
    }
    for nsg in &mut lowerer.network.nsgs {
        nsg.rules.sort();
        nsg.rules.dedup();
    }
    lowerer.network
}

struct Lowerer {
    network: Network,
    /// Elements by lowercase address, for links by resource id.
    addresses: BTreeMap<String, ElementId>,
    elements: Vec<Option<ElementId>>,
}

fn props(instance: &Instance) -> Option<&Value> {
    instance.body.get("properties")
}

/// The parent's address of a child resource address (two segments up).
fn parent_address(address: &str) -> String {
    let mut parts: Vec<&str> = address.split('/').collect();
    parts.truncate(parts.len().saturating_sub(2));
    parts.join("/")
}

impl Lowerer {
    fn register(&mut self, address: &str, id: ElementId) {
        self.addresses
            .entry(address.to_ascii_lowercase())
            .or_insert(id);
    }

    fn meta(instance: &Instance) -> Meta {
        let mut name = shape_string(&instance.name);
        // A child's `name` is `parent/child`; the element's own name is the last segment.
        if let Some(Attr {
            value: Val::Known(text),
            ..
        }) = &mut name
            && let Some((_, last)) = text.rsplit_once('/')
        {
            *text = last.to_owned();
        }
        Meta {
            address: instance.address.clone(),
            span: instance.span,
            name,
        }
    }

    fn allocate(&mut self, instance: &Instance) -> Option<ElementId> {
        let rtype = instance.rtype.to_ascii_lowercase();
        if let Some(&existing) = self.addresses.get(&instance.address.to_ascii_lowercase()) {
            // A child resource that an inline declaration already created (or a duplicate).
            return Some(existing);
        }
        let meta = Self::meta(instance);
        let network = &mut self.network;
        let id: ElementId = match rtype.as_str() {
            VNET => network
                .add_vnet(Vnet {
                    meta,
                    address_space: None,
                    dns_servers: None,
                })
                .into(),
            SUBNET => network.add_subnet(empty_subnet(meta)).into(),
            NSG => network
                .add_nsg(Nsg {
                    meta,
                    rules: Vec::new(),
                })
                .into(),
            "microsoft.network/applicationsecuritygroups" => network.add_asg(Asg { meta }).into(),
            "microsoft.network/networkinterfaces" => network
                .add_nic(Nic {
                    meta,
                    ip_configurations: Vec::new(),
                    nsg: None,
                    dns_servers: None,
                })
                .into(),
            "microsoft.network/publicipaddresses" => network
                .add_public_ip(PublicIp {
                    meta,
                    sku: None,
                    allocation: None,
                    ip_address: None,
                })
                .into(),
            "microsoft.compute/virtualmachines" => network
                .add_vm(Vm {
                    meta,
                    nics: Vec::new(),
                })
                .into(),
            "microsoft.network/routetables" => network
                .add_route_table(RouteTable {
                    meta,
                    routes: Vec::new(),
                })
                .into(),
            PEERING => network.add_peering(empty_peering(meta)).into(),
            "microsoft.network/virtualnetworkgateways" => network
                .add_vnet_gateway(VnetGateway {
                    meta,
                    gateway_type: None,
                    subnet: None,
                })
                .into(),
            "microsoft.network/localnetworkgateways" => network
                .add_local_gateway(LocalGateway {
                    meta,
                    address_space: None,
                    gateway_address: None,
                })
                .into(),
            "microsoft.network/connections" => network
                .add_gateway_connection(GatewayConnection {
                    meta,
                    connection_type: None,
                    gateway: None,
                    local_gateway: None,
                    peer_gateway: None,
                })
                .into(),
            "microsoft.network/privateendpoints" => network
                .add_private_endpoint(PrivateEndpoint {
                    meta,
                    subnet: None,
                    target: None,
                    group_ids: None,
                    private_ip: None,
                })
                .into(),
            "microsoft.web/hostingenvironments" => network
                .add_ase(Ase {
                    meta,
                    version: None,
                    subnet: None,
                    internal_load_balancing_mode: None,
                })
                .into(),
            "microsoft.web/serverfarms" => network
                .add_service_plan(ServicePlan {
                    meta,
                    ase: None,
                    sku: None,
                })
                .into(),
            "microsoft.web/sites" => network
                .add_web_app(WebApp {
                    meta,
                    plan: None,
                    vnet_integration_subnet: None,
                    connection_strings: Vec::new(),
                    app_settings: Vec::new(),
                })
                .into(),
            "microsoft.sql/servers" => network
                .add_sql_server(SqlServer {
                    meta,
                    public_network_access: None,
                })
                .into(),
            "microsoft.sql/servers/firewallrules" => network
                .add_sql_firewall_rule(SqlFirewallRule {
                    meta,
                    server: None,
                    start_ip: None,
                    end_ip: None,
                })
                .into(),
            "microsoft.sqlvirtualmachine/sqlvirtualmachines" => network
                .add_sql_virtual_machine(SqlVirtualMachine {
                    meta,
                    vm: None,
                    port: None,
                    connectivity_type: None,
                })
                .into(),
            "microsoft.storage/storageaccounts" => network
                .add_storage_account(StorageAccount {
                    meta,
                    public_network_access: None,
                    default_action: None,
                    bypass: None,
                    ip_rules: None,
                    subnets: None,
                })
                .into(),
            _ => return None,
        };
        self.register(&instance.address, id);
        // Inline subnets and peerings are link targets too.
        if let ElementId::Vnet(vnet) = id
            && let Some(properties) = props(instance)
        {
            let vnet_span = instance.span;
            for subnet in properties.get("subnets").map_or(&[][..], Value::elements) {
                let name = subnet.get("name").map(name_text).unwrap_or_default();
                let address = format!("{}/subnets/{name}", instance.address);
                let mut element = empty_subnet(Meta {
                    address: address.clone(),
                    span: subnet.span,
                    name: subnet.get("name").and_then(shape_string),
                });
                element.vnet = Some(Attr::known(vnet, vnet_span));
                let sid = self.network.add_subnet(element);
                self.register(&address, sid.into());
            }
            for peering in properties
                .get("virtualNetworkPeerings")
                .map_or(&[][..], Value::elements)
            {
                let name = peering.get("name").map(name_text).unwrap_or_default();
                let address = format!("{}/virtualNetworkPeerings/{name}", instance.address);
                let mut element = empty_peering(Meta {
                    address: address.clone(),
                    span: peering.span,
                    name: peering.get("name").and_then(shape_string),
                });
                element.vnet = Some(Attr::known(vnet, vnet_span));
                let pid = self.network.add_peering(element);
                self.register(&address, pid.into());
            }
        }
        Some(id)
    }

    fn fill(&mut self, instance: &Instance, element: Option<ElementId>) {
        let rtype = instance.rtype.to_ascii_lowercase();
        let empty = Value::new(Kind::Object(Vec::new()), instance.span);
        let properties = props(instance).unwrap_or(&empty);
        match rtype.as_str() {
            RULE => {
                let mut rule =
                    SecurityRule::new(Self::meta(instance), Dialect::Arm, RuleStyle::Standalone);
                self.fill_rule(properties, &mut rule);
                let parent = parent_address(&instance.address);
                rule.nsg = Some(self.link_address(
                    &parent,
                    instance.span,
                    "network security group",
                    pick!(Nsg),
                ));
                let nsg = rule.nsg.as_ref().and_then(Attr::get).copied();
                let id = self.network.add_rule(rule);
                if let Some(nsg) = nsg {
                    self.network[nsg].rules.push(id);
                }
                return;
            }
            ROUTE => {
                let parent = parent_address(&instance.address);
                if let Some(ElementId::RouteTable(table)) =
                    self.addresses.get(&parent.to_ascii_lowercase()).copied()
                {
                    let route = Self::route(&instance.body);
                    self.network[table].routes.push(route);
                }
                return;
            }
            "microsoft.web/sites/config" => {
                self.fill_site_config(instance, properties);
                return;
            }
            _ => {}
        }
        let Some(element) = element else {
            return;
        };
        match element {
            ElementId::Vnet(id) => {
                let address_space = strings(properties.path(&["addressSpace", "addressPrefixes"]));
                let dns_servers = strings(properties.path(&["dhcpOptions", "dnsServers"]));
                for subnet in properties.get("subnets").map_or(&[][..], Value::elements) {
                    let name = subnet.get("name").map(name_text).unwrap_or_default();
                    let address = format!("{}/subnets/{name}", instance.address);
                    if let Some(ElementId::Subnet(sid)) =
                        self.addresses.get(&address.to_ascii_lowercase()).copied()
                    {
                        let empty_props = Value::new(Kind::Object(Vec::new()), subnet.span);
                        let sub_props = subnet.get("properties").unwrap_or(&empty_props);
                        self.fill_subnet(sub_props, sid);
                    }
                }
                for peering in properties
                    .get("virtualNetworkPeerings")
                    .map_or(&[][..], Value::elements)
                {
                    let name = peering.get("name").map(name_text).unwrap_or_default();
                    let address = format!("{}/virtualNetworkPeerings/{name}", instance.address);
                    if let Some(ElementId::Peering(pid)) =
                        self.addresses.get(&address.to_ascii_lowercase()).copied()
                        && let Some(peer_props) = peering.get("properties")
                    {
                        self.fill_peering(peer_props, pid);
                    }
                }
                let vnet = &mut self.network[id];
                vnet.address_space = address_space;
                vnet.dns_servers = dns_servers;
            }
            ElementId::Subnet(id) => {
                if rtype == SUBNET {
                    let parent = parent_address(&instance.address);
                    let vnet =
                        self.link_address(&parent, instance.span, "virtual network", pick!(Vnet));
                    self.network[id].vnet = Some(vnet);
                }
                self.fill_subnet(properties, id);
            }
            ElementId::Peering(id) => {
                let parent = parent_address(&instance.address);
                let vnet =
                    self.link_address(&parent, instance.span, "virtual network", pick!(Vnet));
                self.network[id].vnet = Some(vnet);
                self.fill_peering(properties, id);
            }
            ElementId::Nsg(id) => {
                for rule_value in properties
                    .get("securityRules")
                    .map_or(&[][..], Value::elements)
                {
                    let name = rule_value.get("name").and_then(shape_string);
                    let name_text_value = rule_value.get("name").map(name_text).unwrap_or_default();
                    let meta = Meta {
                        address: format!("{}/securityRules/{name_text_value}", instance.address),
                        span: rule_value.span,
                        name,
                    };
                    let mut rule = SecurityRule::new(meta, Dialect::Arm, RuleStyle::Inline);
                    rule.nsg = Some(Attr::known(id, instance.span));
                    let empty_props = Value::new(Kind::Object(Vec::new()), rule_value.span);
                    self.fill_rule(
                        rule_value.get("properties").unwrap_or(&empty_props),
                        &mut rule,
                    );
                    let rule_id = self.network.add_rule(rule);
                    self.network[id].rules.push(rule_id);
                }
            }
            ElementId::Nic(id) => {
                let mut configurations = Vec::new();
                for config in properties
                    .get("ipConfigurations")
                    .map_or(&[][..], Value::elements)
                {
                    let empty_props = Value::new(Kind::Object(Vec::new()), config.span);
                    let cp = config.get("properties").unwrap_or(&empty_props);
                    let asgs = cp
                        .get("applicationSecurityGroups")
                        .map(|list| {
                            list.elements()
                                .iter()
                                .filter_map(|a| {
                                    self.link(a.get("id"), "application security group", pick!(Asg))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    configurations.push(IpConfiguration {
                        span: config.span,
                        name: config.get("name").and_then(shape_string),
                        subnet: self.link(cp.path(&["subnet", "id"]), "subnet", pick!(Subnet)),
                        allocation: string(cp.get("privateIPAllocationMethod")),
                        private_ip: string(cp.get("privateIPAddress")),
                        public_ip: self.link(
                            cp.path(&["publicIPAddress", "id"]),
                            "public IP",
                            pick!(PublicIp),
                        ),
                        asgs,
                    });
                }
                let dns_servers = strings(properties.path(&["dnsSettings", "dnsServers"]));
                let nsg = self.link(
                    properties.path(&["networkSecurityGroup", "id"]),
                    "network security group",
                    pick!(Nsg),
                );
                let nic = &mut self.network[id];
                nic.ip_configurations = configurations;
                nic.dns_servers = dns_servers;
                nic.nsg = nsg;
            }
            ElementId::PublicIp(id) => {
                let sku = string(instance.body.path(&["sku", "name"]));
                let allocation = string(properties.get("publicIPAllocationMethod"));
                let ip_address = string(properties.get("ipAddress")).or_else(|| {
                    Some(Attr {
                        value: Val::Unknown(Unknown::reference(
                            Reference {
                                address: instance.address.clone(),
                                attribute: "ipAddress".to_owned(),
                            },
                            format!(
                                "the address of `{}` is assigned by Azure at deployment",
                                instance.address
                            ),
                        )),
                        span: instance.span,
                        origin: Origin::Default,
                    })
                });
                let public_ip = &mut self.network[id];
                public_ip.sku = sku;
                public_ip.allocation = allocation;
                public_ip.ip_address = ip_address;
            }
            ElementId::Vm(id) => {
                let nics = properties
                    .path(&["networkProfile", "networkInterfaces"])
                    .map(|list| {
                        list.elements()
                            .iter()
                            .filter_map(|n| self.link(n.get("id"), "network interface", pick!(Nic)))
                            .collect()
                    })
                    .unwrap_or_default();
                self.network[id].nics = nics;
            }
            ElementId::RouteTable(id) => {
                let routes: Vec<Route> = properties
                    .get("routes")
                    .map_or(&[][..], Value::elements)
                    .iter()
                    .map(Self::route)
                    .collect();
                self.network[id].routes.splice(0..0, routes);
            }
            ElementId::VnetGateway(id) => {
                let gateway_type = string(properties.get("gatewayType"));
                let subnet = properties
                    .get("ipConfigurations")
                    .map_or(&[][..], Value::elements)
                    .iter()
                    .find_map(|c| {
                        self.link(
                            c.path(&["properties", "subnet", "id"]),
                            "subnet",
                            pick!(Subnet),
                        )
                    });
                let gateway = &mut self.network[id];
                gateway.gateway_type = gateway_type;
                gateway.subnet = subnet;
            }
            ElementId::LocalGateway(id) => {
                let address_space =
                    strings(properties.path(&["localNetworkAddressSpace", "addressPrefixes"]));
                let gateway_address = string(properties.get("gatewayIpAddress"));
                let gateway = &mut self.network[id];
                gateway.address_space = address_space;
                gateway.gateway_address = gateway_address;
            }
            ElementId::GatewayConnection(id) => {
                let connection_type = string(properties.get("connectionType"));
                let gateway = self.link(
                    properties.path(&["virtualNetworkGateway1", "id"]),
                    "virtual network gateway",
                    pick!(VnetGateway),
                );
                let local_gateway = self.link(
                    properties.path(&["localNetworkGateway2", "id"]),
                    "local network gateway",
                    pick!(LocalGateway),
                );
                let peer_gateway = self.link(
                    properties.path(&["virtualNetworkGateway2", "id"]),
                    "virtual network gateway",
                    pick!(VnetGateway),
                );
                let connection = &mut self.network[id];
                connection.connection_type = connection_type;
                connection.gateway = gateway;
                connection.local_gateway = local_gateway;
                connection.peer_gateway = peer_gateway;
            }
            ElementId::PrivateEndpoint(id) => {
                let subnet = self.link(properties.path(&["subnet", "id"]), "subnet", pick!(Subnet));
                let connection = properties
                    .get("privateLinkServiceConnections")
                    .or_else(|| properties.get("manualPrivateLinkServiceConnections"))
                    .and_then(|c| c.elements().first())
                    .and_then(|c| c.get("properties"));
                let target = connection
                    .and_then(|c| c.get("privateLinkServiceId"))
                    .map(|v| reference_attr(v, "id"));
                let group_ids = strings(connection.and_then(|c| c.get("groupIds")));
                let private_ip = properties
                    .get("ipConfigurations")
                    .and_then(|c| c.elements().first())
                    .and_then(|c| string(c.path(&["properties", "privateIPAddress"])));
                let endpoint = &mut self.network[id];
                endpoint.subnet = subnet;
                endpoint.target = target;
                endpoint.group_ids = group_ids;
                endpoint.private_ip = private_ip;
            }
            ElementId::Ase(id) => {
                let kind = instance.body.get("kind");
                let version = kind
                    .and_then(|k| {
                        let text = k.as_str()?.to_ascii_uppercase();
                        let version = if text.contains("ASEV3") {
                            AseVersion::V3
                        } else if text.contains("ASEV2") {
                            AseVersion::V2
                        } else {
                            AseVersion::V1
                        };
                        Some(Attr {
                            value: Val::Known(version),
                            span: k.span,
                            origin: k.origin.clone(),
                        })
                    })
                    .or_else(|| {
                        // Without `kind`, v1-only properties tell a v1 environment.
                        let v1 = ["workerPools", "multiRoleCount", "multiSize"]
                            .iter()
                            .any(|p| properties.get(p).is_some());
                        v1.then(|| Attr::known(AseVersion::V1, instance.span))
                    });
                let network_ref = properties.get("virtualNetwork");
                let id_value = network_ref.and_then(|v| v.get("id"));
                let mut subnet = self.link(id_value, "subnet", pick!(Subnet));
                // v1/v2 templates name the VNet in `id` and the subnet in `subnet`.
                if let (Some(id_value), Some(subnet_name)) = (
                    id_value,
                    network_ref
                        .and_then(|v| v.get("subnet"))
                        .and_then(|s| s.as_str()),
                ) && let Some(vnet_id) = id_value.as_str()
                {
                    {
                        let vnet_address = address_of_id(vnet_id);
                        if matches!(
                            self.addresses.get(&vnet_address.to_ascii_lowercase()),
                            Some(ElementId::Vnet(_))
                        ) {
                            let address = format!("{vnet_address}/subnets/{subnet_name}");
                            subnet = Some(self.link_address(
                                &address,
                                id_value.span,
                                "subnet",
                                pick!(Subnet),
                            ));
                        }
                    }
                }
                let mode =
                    properties
                        .get("internalLoadBalancingMode")
                        .and_then(|m| match &m.kind {
                            Kind::Int(i) => Some(Attr {
                                value: Val::Known(i.to_string()),
                                span: m.span,
                                origin: m.origin.clone(),
                            }),
                            _ => shape_string(m),
                        });
                let ase = &mut self.network[id];
                ase.version = version;
                ase.subnet = subnet;
                ase.internal_load_balancing_mode = mode;
            }
            ElementId::ServicePlan(id) => {
                let ase = self.link(
                    properties.path(&["hostingEnvironmentProfile", "id"]),
                    "App Service Environment",
                    pick!(Ase),
                );
                let sku = string(instance.body.path(&["sku", "name"]));
                let plan = &mut self.network[id];
                plan.ase = ase;
                plan.sku = sku;
            }
            ElementId::WebApp(id) => {
                let plan = self.link(
                    properties.get("serverFarmId"),
                    "App Service plan",
                    pick!(ServicePlan),
                );
                let subnet = self.link(
                    properties.get("virtualNetworkSubnetId"),
                    "subnet",
                    pick!(Subnet),
                );
                let site_config = properties.get("siteConfig");
                let mut connection_strings = Vec::new();
                for cs in site_config
                    .and_then(|s| s.get("connectionStrings"))
                    .map_or(&[][..], Value::elements)
                {
                    connection_strings.push(ConnectionString {
                        span: cs.span,
                        name: string(cs.get("name")),
                        kind: string(cs.get("type")),
                        value: template(cs.get("connectionString")),
                    });
                }
                let mut app_settings = Vec::new();
                for setting in site_config
                    .and_then(|s| s.get("appSettings"))
                    .map_or(&[][..], Value::elements)
                {
                    if let (Some(name), Some(value)) = (
                        setting.get("name").and_then(Value::as_str),
                        template(setting.get("value")),
                    ) {
                        app_settings.push(AppSetting {
                            span: setting.span,
                            name: name.to_owned(),
                            value,
                        });
                    }
                }
                let app = &mut self.network[id];
                app.plan = plan;
                app.vnet_integration_subnet = subnet;
                app.connection_strings.splice(0..0, connection_strings);
                app.app_settings.splice(0..0, app_settings);
            }
            ElementId::SqlServer(id) => {
                let public = properties.get("publicNetworkAccess").and_then(|v| {
                    let attr = shape_string(v)?;
                    let value = match attr.value {
                        Val::Known(text) => Val::Known(text.eq_ignore_ascii_case("Enabled")),
                        Val::Unknown(u) => Val::Unknown(u),
                    };
                    Some(Attr {
                        value,
                        span: attr.span,
                        origin: attr.origin,
                    })
                });
                self.network[id].public_network_access = public;
            }
            ElementId::SqlFirewallRule(id) => {
                let parent = parent_address(&instance.address);
                let server =
                    self.link_address(&parent, instance.span, "SQL server", pick!(SqlServer));
                let start_ip = string(properties.get("startIpAddress"));
                let end_ip = string(properties.get("endIpAddress"));
                let rule = &mut self.network[id];
                rule.server = Some(server);
                rule.start_ip = start_ip;
                rule.end_ip = end_ip;
            }
            ElementId::SqlVirtualMachine(id) => {
                let vm = self.link(
                    properties.get("virtualMachineResourceId"),
                    "virtual machine",
                    pick!(Vm),
                );
                let settings = properties.path(&[
                    "serverConfigurationsManagementSettings",
                    "sqlConnectivityUpdateSettings",
                ]);
                let port = settings.and_then(|s| s.get("port")).and_then(shape_string);
                let connectivity = settings
                    .and_then(|s| s.get("connectivityType"))
                    .and_then(shape_string);
                let sql_vm = &mut self.network[id];
                sql_vm.vm = vm;
                sql_vm.port = port;
                sql_vm.connectivity_type = connectivity;
            }
            ElementId::StorageAccount(id) => {
                let public = properties.get("publicNetworkAccess").and_then(|v| {
                    let attr = shape_string(v)?;
                    let value = match attr.value {
                        Val::Known(text) => Val::Known(text.eq_ignore_ascii_case("Enabled")),
                        Val::Unknown(u) => Val::Unknown(u),
                    };
                    Some(Attr {
                        value,
                        span: attr.span,
                        origin: attr.origin,
                    })
                });
                let acls = properties.get("networkAcls");
                let default_action = string(acls.and_then(|a| a.get("defaultAction")));
                let bypass = acls.and_then(|a| a.get("bypass")).and_then(|b| {
                    let attr = shape_string(b)?;
                    let value = match attr.value {
                        Val::Known(text) => Val::Known(
                            text.split(',')
                                .map(str::trim)
                                .filter(|t| !t.is_empty())
                                .map(|t| Attr {
                                    value: Val::Known(t.to_owned()),
                                    span: attr.span,
                                    origin: attr.origin.clone(),
                                })
                                .collect(),
                        ),
                        Val::Unknown(u) => Val::Unknown(u),
                    };
                    Some(Attr {
                        value,
                        span: attr.span,
                        origin: attr.origin,
                    })
                });
                let ip_rules = acls.and_then(|a| a.get("ipRules")).map(|list| Attr {
                    value: Val::Known(
                        list.elements()
                            .iter()
                            .filter_map(|r| string(r.get("value")))
                            .collect(),
                    ),
                    span: list.span,
                    origin: list.origin.clone(),
                });
                let subnets = acls
                    .and_then(|a| a.get("virtualNetworkRules"))
                    .map(|list| Attr {
                        value: Val::Known(
                            list.elements()
                                .iter()
                                .filter_map(|r| self.link(r.get("id"), "subnet", pick!(Subnet)))
                                .collect(),
                        ),
                        span: list.span,
                        origin: list.origin.clone(),
                    });
                let account = &mut self.network[id];
                account.public_network_access = public;
                account.default_action = default_action;
                account.bypass = bypass;
                account.ip_rules = ip_rules;
                account.subnets = subnets;
            }
            ElementId::SecurityRule(_) | ElementId::Asg(_) | ElementId::ExpressRouteCircuit(_) => {}
        }
    }

    fn fill_subnet(&mut self, properties: &Value, id: vnetlint_ir::SubnetId) {
        let prefixes = strings(properties.get("addressPrefixes")).or_else(|| {
            string(properties.get("addressPrefix")).map(|single| Attr {
                span: single.span,
                origin: single.origin.clone(),
                value: Val::Known(vec![single]),
            })
        });
        let nsg = self.link(
            properties.path(&["networkSecurityGroup", "id"]),
            "network security group",
            pick!(Nsg),
        );
        let route_table = self.link(
            properties.path(&["routeTable", "id"]),
            "route table",
            pick!(RouteTable),
        );
        let delegations = properties
            .get("delegations")
            .map_or(&[][..], Value::elements)
            .iter()
            .filter_map(|d| string(d.path(&["properties", "serviceName"])))
            .collect();
        let service_endpoints = properties.get("serviceEndpoints").map(|list| Attr {
            value: match &list.kind {
                Kind::Array(items) => Val::Known(
                    items
                        .iter()
                        .filter_map(|e| string(e.get("service")))
                        .collect(),
                ),
                _ => Val::Unknown(unknown_of(list)),
            },
            span: list.span,
            origin: list.origin.clone(),
        });
        let subnet = &mut self.network[id];
        if prefixes.is_some() {
            subnet.address_prefixes = prefixes;
        }
        if nsg.is_some() {
            subnet.nsg = nsg;
        }
        if route_table.is_some() {
            subnet.route_table = route_table;
        }
        subnet.delegations = delegations;
        subnet.service_endpoints = service_endpoints;
    }

    fn fill_peering(&mut self, properties: &Value, id: vnetlint_ir::PeeringId) {
        let remote = self.link(
            properties.path(&["remoteVirtualNetwork", "id"]),
            "virtual network",
            pick!(Vnet),
        );
        let peering = &mut self.network[id];
        peering.remote_vnet = remote;
        peering.allow_virtual_network_access = boolean(properties.get("allowVirtualNetworkAccess"));
        peering.allow_forwarded_traffic = boolean(properties.get("allowForwardedTraffic"));
        peering.allow_gateway_transit = boolean(properties.get("allowGatewayTransit"));
        peering.use_remote_gateways = boolean(properties.get("useRemoteGateways"));
    }

    fn fill_rule(&self, properties: &Value, rule: &mut SecurityRule) {
        let asgs = |key: &str| {
            properties.get(key).map(|list| Attr {
                value: match &list.kind {
                    Kind::Array(items) => Val::Known(
                        items
                            .iter()
                            .filter_map(|a| {
                                self.link(a.get("id"), "application security group", pick!(Asg))
                            })
                            .collect(),
                    ),
                    _ => Val::Unknown(unknown_of(list)),
                },
                span: list.span,
                origin: list.origin.clone(),
            })
        };
        rule.priority = string(properties.get("priority"));
        rule.direction = string(properties.get("direction"));
        rule.access = string(properties.get("access"));
        rule.protocol = string(properties.get("protocol"));
        rule.source_port_range = string(properties.get("sourcePortRange"));
        rule.source_port_ranges = non_empty(strings(properties.get("sourcePortRanges")));
        rule.destination_port_range = string(properties.get("destinationPortRange"));
        rule.destination_port_ranges = non_empty(strings(properties.get("destinationPortRanges")));
        rule.source_address_prefix = string(properties.get("sourceAddressPrefix"));
        rule.source_address_prefixes = non_empty(strings(properties.get("sourceAddressPrefixes")));
        rule.destination_address_prefix = string(properties.get("destinationAddressPrefix"));
        rule.destination_address_prefixes =
            non_empty(strings(properties.get("destinationAddressPrefixes")));
        rule.source_asgs = non_empty(asgs("sourceApplicationSecurityGroups"));
        rule.destination_asgs = non_empty(asgs("destinationApplicationSecurityGroups"));
    }

    fn route(route: &Value) -> Route {
        let empty = Value::new(Kind::Object(Vec::new()), route.span);
        let properties = route.get("properties").unwrap_or(&empty);
        Route {
            span: route.span,
            name: route.get("name").and_then(shape_string),
            address_prefix: string(properties.get("addressPrefix")),
            next_hop_type: string(properties.get("nextHopType")),
            next_hop_ip: string(properties.get("nextHopIpAddress")),
        }
    }

    /// `Microsoft.Web/sites/config` named `appsettings`, `connectionstrings` or `web`.
    fn fill_site_config(&mut self, instance: &Instance, properties: &Value) {
        let parent = parent_address(&instance.address);
        let Some(ElementId::WebApp(app)) =
            self.addresses.get(&parent.to_ascii_lowercase()).copied()
        else {
            return;
        };
        let config = instance
            .address
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match config.as_str() {
            "appsettings" => {
                for (name, value) in properties.members() {
                    if let Some(value) = template(Some(value)) {
                        self.network[app].app_settings.push(AppSetting {
                            span: value.span,
                            name: name.clone(),
                            value,
                        });
                    }
                }
            }
            "connectionstrings" => {
                for (name, entry) in properties.members() {
                    self.network[app].connection_strings.push(ConnectionString {
                        span: entry.span,
                        name: Some(Attr::known(name.clone(), entry.span)),
                        kind: string(entry.get("type")),
                        value: template(entry.get("value")),
                    });
                }
            }
            "web" => {
                for cs in properties
                    .get("connectionStrings")
                    .map_or(&[][..], Value::elements)
                {
                    self.network[app].connection_strings.push(ConnectionString {
                        span: cs.span,
                        name: string(cs.get("name")),
                        kind: string(cs.get("type")),
                        value: template(cs.get("connectionString")),
                    });
                }
            }
            _ => {}
        }
    }

    /// A link to another element by a resource id value (`"[resourceId(...)]"` or the id text).
    fn link<I>(
        &self,
        value: Option<&Value>,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let value = value?;
        let result = match &value.kind {
            Kind::Null => return None,
            Kind::Str(id) => {
                let address = address_of_id(id);
                return Some(Attr {
                    origin: value.origin.clone(),
                    ..self.link_address(&address, value.span, expected, pick)
                });
            }
            Kind::Runtime(reference) => Val::Unknown(Unknown::reference(
                reference.clone(),
                format!("the id of the {expected} is `{reference}`, only known at deployment"),
            )),
            _ => Val::Unknown(unknown_of(value)),
        };
        Some(Attr {
            value: result,
            span: value.span,
            origin: value.origin.clone(),
        })
    }

    fn link_address<I>(
        &self,
        address: &str,
        span: Span,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Attr<I> {
        let reference = Reference {
            address: address.to_owned(),
            attribute: "id".to_owned(),
        };
        let value = match self.addresses.get(&address.to_ascii_lowercase()) {
            Some(&element) => match pick(element) {
                Some(id) => Val::Known(id),
                None => Val::Unknown(Unknown::reference(
                    reference,
                    format!("`{address}` is a {}, not a {expected}", element.kind_name()),
                )),
            },
            None => Val::Unknown(Unknown::reference(
                reference,
                format!("`{address}` is the id of a {expected} outside the scanned template"),
            )),
        };
        Attr {
            value,
            span,
            origin: Origin::Literal,
        }
    }
}

fn empty_subnet(meta: Meta) -> Subnet {
    Subnet {
        meta,
        vnet: None,
        address_prefixes: None,
        nsg: None,
        route_table: None,
        delegations: Vec::new(),
        service_endpoints: None,
    }
}

fn empty_peering(meta: Meta) -> Peering {
    Peering {
        meta,
        vnet: None,
        remote_vnet: None,
        allow_virtual_network_access: None,
        allow_forwarded_traffic: None,
        allow_gateway_transit: None,
        use_remote_gateways: None,
    }
}

/// Why a symbolic or mistyped value has no usable value.
fn unknown_of(value: &Value) -> Unknown {
    match &value.kind {
        Kind::Unknown(reason) => Unknown::new(reason.clone()),
        Kind::Runtime(reference) => Unknown::reference(
            reference.clone(),
            format!("`{reference}` is only known after deployment"),
        ),
        Kind::Template(template) => template_unknown(template),
        Kind::Array(_) | Kind::Object(_) => {
            Unknown::new("an array or object is written where a single value is expected")
        }
        Kind::Lambda(_) => Unknown::new("a lambda is written where a value is expected"),
        _ => Unknown::new("a list is expected here"),
    }
}

fn template_unknown(template: &Template) -> Unknown {
    for part in &template.parts {
        match part {
            TemplatePart::Reference(reference) => {
                return Unknown::reference(
                    reference.clone(),
                    format!(
                        "the string depends on `{reference}`, which is only known after deployment"
                    ),
                );
            }
            TemplatePart::Unknown(reason) => return Unknown::new(reason.clone()),
            TemplatePart::Literal(_) => {}
        }
    }
    Unknown::new("the string is not evaluated")
}

/// A value shaped as a string attribute; `None` for null (not written).
fn shape_string(value: &Value) -> Option<Attr<String>> {
    let text = match &value.kind {
        Kind::Null => return None,
        Kind::Str(s) => Val::Known(s.clone()),
        Kind::Int(i) => Val::Known(i.to_string()),
        Kind::Number(n) => Val::Known(n.clone()),
        Kind::Bool(b) => Val::Known(b.to_string()),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(Attr {
        value: text,
        span: value.span,
        origin: value.origin.clone(),
    })
}

fn string(value: Option<&Value>) -> Option<Attr<String>> {
    value.and_then(shape_string)
}

fn boolean(value: Option<&Value>) -> Option<Attr<bool>> {
    let value = value?;
    let shaped = match &value.kind {
        Kind::Null => return None,
        Kind::Bool(b) => Val::Known(*b),
        Kind::Str(s) if s.eq_ignore_ascii_case("true") => Val::Known(true),
        Kind::Str(s) if s.eq_ignore_ascii_case("false") => Val::Known(false),
        Kind::Str(s) => Val::Unknown(Unknown::new(format!("`{s}` is not a boolean"))),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(Attr {
        value: shaped,
        span: value.span,
        origin: value.origin.clone(),
    })
}

/// A list of strings, each element with its own span.
fn strings(value: Option<&Value>) -> Option<AttrList<String>> {
    let value = value?;
    let shaped = match &value.kind {
        Kind::Null => return None,
        Kind::Array(items) => Val::Known(items.iter().filter_map(shape_string).collect()),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(Attr {
        value: shaped,
        span: value.span,
        origin: value.origin.clone(),
    })
}

/// ARM writes absent plural lists as `[]` beside the singular form; an empty list is not written.
fn non_empty<T>(list: Option<AttrList<T>>) -> Option<AttrList<T>> {
    list.filter(|l| !matches!(&l.value, Val::Known(items) if items.is_empty()))
}

/// A string that may hold deployment-time parts (connection strings, app settings).
fn template(value: Option<&Value>) -> Option<Attr<Template>> {
    let value = value?;
    let shaped = match &value.kind {
        Kind::Null => return None,
        Kind::Str(s) => Val::Known(Template::literal(s.clone())),
        Kind::Template(t) => Val::Known(t.clone()),
        Kind::Runtime(reference) => Val::Known(Template {
            parts: vec![TemplatePart::Reference(reference.clone())],
        }),
        Kind::Int(i) => Val::Known(Template::literal(i.to_string())),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(Attr {
        value: shaped,
        span: value.span,
        origin: value.origin.clone(),
    })
}

/// A resource id held as a reference (a private endpoint's target).
fn reference_attr(value: &Value, attribute: &str) -> Attr<Reference> {
    let shaped = match &value.kind {
        Kind::Str(id) => Val::Known(Reference {
            address: address_of_id(id),
            attribute: attribute.to_owned(),
        }),
        _ => Val::Unknown(unknown_of(value)),
    };
    Attr {
        value: shaped,
        span: value.span,
        origin: value.origin.clone(),
    }
}
