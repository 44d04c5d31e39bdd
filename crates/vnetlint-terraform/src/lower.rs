//! Lowering of azurerm resource blocks into the IR, in three passes over the module's blocks:
//! allocate one element per modelled resource (so that any block can link to any other, whatever
//! the file order), fill every element's attributes and links, then apply the association
//! resources (which modify elements the second pass has completed).

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::Span as _;
use hcl_edit::structure::{Block, Body};
use vnetlint_ir::{AppSetting, FileId};
use vnetlint_ir::{
    Ase, AseVersion, Asg, Attr, AttrList, ConnectionString, Dialect, ElementId, GatewayConnection,
    IpConfiguration, LocalGateway, Meta, Network, Nic, Nsg, Origin, Peering, PublicIp, Reference,
    Route, RouteTable, RuleStyle, SecurityRule, ServicePlan, Span, SqlFirewallRule, SqlServer,
    Subnet, Unknown, Vm, Vnet, VnetGateway, WebApp,
};

use crate::eval::{Ev, EvKind, FileCtx, Scope, Symbol, VarDef};

/// Extracts a typed id from an `ElementId` of the named kind.
macro_rules! pick {
    ($kind:ident) => {
        |element: ElementId| match element {
            ElementId::$kind(id) => Some(id),
            _ => None,
        }
    };
}

/// One `resource "TYPE" "NAME"` block of the module.
struct Resource<'a> {
    ctx: &'a FileCtx<'a>,
    block: &'a Block,
    rtype: &'a str,
    /// `TYPE.NAME`, the key references use.
    key: String,
    /// The logical address: prefix, key and `[*]` for a resource with `count` or `for_each`.
    address: String,
    element: Option<ElementId>,
}

/// Lowers the parsed files of one module (file id, whole text, stripped prefix length, body).
pub(crate) fn lower(parsed: &[(FileId, &str, usize, Body)], prefix: &str) -> Network {
    let contexts: Vec<FileCtx<'_>> = parsed
        .iter()
        .map(|(file, text, base, _)| FileCtx {
            file: *file,
            text,
            base: *base,
        })
        .collect();
    let mut scope = Scope {
        prefix,
        vars: BTreeMap::new(),
        symbols: BTreeMap::new(),
        declared: BTreeSet::new(),
        names: BTreeMap::new(),
    };
    let mut resources = Vec::new();
    for (ctx, (_, _, _, body)) in contexts.iter().zip(parsed) {
        for block in body.blocks() {
            match (block.ident.as_str(), block.labels.as_slice()) {
                ("variable", [name]) => {
                    // Terraform rejects a duplicate variable; the first declaration is kept.
                    scope.vars.entry(name.as_str()).or_insert(VarDef {
                        ctx,
                        default: block.body.get_attribute("default").map(|a| &a.value),
                    });
                }
                ("resource", [rtype, name]) => {
                    let key = format!("{}.{}", rtype.as_str(), name.as_str());
                    let multi =
                        block.body.has_attribute("count") || block.body.has_attribute("for_each");
                    // Instances are expanded in a later issue; until then one element stands
                    // for all of them.
                    let address = format!("{prefix}{key}{}", if multi { "[*]" } else { "" });
                    scope.declared.insert(key.clone());
                    resources.push(Resource {
                        ctx,
                        block,
                        rtype: rtype.as_str(),
                        key,
                        address,
                        element: None,
                    });
                }
                // `module` and `provisioner` blocks are never fetched or executed; data sources,
                // outputs, locals, providers and settings carry no network element yet.
                _ => {}
            }
        }
    }

    let mut lowerer = Lowerer {
        scope,
        network: Network::default(),
        names: BTreeMap::new(),
    };
    for resource in &mut resources {
        resource.element = lowerer.allocate(resource);
        if let Some(id) = resource.element {
            if let Some(name) = lowerer.network.meta(id).name.clone()
                && name.get().is_some()
            {
                lowerer
                    .scope
                    .names
                    .entry(resource.key.clone())
                    .or_insert(name);
            }
            // A duplicate address is a Terraform error; references go to the first block.
            lowerer
                .scope
                .symbols
                .entry(resource.key.clone())
                .or_insert(Symbol {
                    id,
                    address: resource.address.clone(),
                });
        }
    }
    lowerer.index_names();
    for resource in &resources {
        lowerer.fill(resource);
    }
    for resource in &resources {
        lowerer.associate(resource);
    }
    // Rule ids are allocated in declaration order (files in the order given), so sorting keeps
    // the order in which inline and standalone rules were written.
    for nsg in &mut lowerer.network.nsgs {
        nsg.rules.sort();
        nsg.rules.dedup();
    }
    lowerer.network
}

struct Lowerer<'a> {
    scope: Scope<'a>,
    network: Network,
    /// Known Azure names of the elements that other resources link to by name.
    names: BTreeMap<String, Vec<(ElementId, Span)>>,
}

impl Lowerer<'_> {
    fn ev(ctx: &FileCtx<'_>, scope: &Scope<'_>, body: &Body, key: &str) -> Option<Ev> {
        body.get_attribute(key).map(|a| scope.eval(ctx, &a.value))
    }

    fn string(&self, ctx: &FileCtx<'_>, body: &Body, key: &str) -> Option<Attr<String>> {
        Self::ev(ctx, &self.scope, body, key).and_then(|ev| self.scope.string(ev))
    }

    fn bool(&self, ctx: &FileCtx<'_>, body: &Body, key: &str) -> Option<Attr<bool>> {
        Self::ev(ctx, &self.scope, body, key).and_then(|ev| self.scope.bool(ev))
    }

    fn strings(&self, ctx: &FileCtx<'_>, body: &Body, key: &str) -> Option<AttrList<String>> {
        Self::ev(ctx, &self.scope, body, key).and_then(|ev| self.scope.string_list(ev))
    }

    /// A list attribute that older provider versions wrote as a single string (`address_prefix`).
    fn strings_or_single(
        &self,
        ctx: &FileCtx<'_>,
        body: &Body,
        plural: &str,
        singular: &str,
    ) -> Option<AttrList<String>> {
        self.strings(ctx, body, plural).or_else(|| {
            self.string(ctx, body, singular).map(|single| Attr {
                span: single.span,
                origin: single.origin.clone(),
                value: vnetlint_ir::Val::Known(vec![single]),
            })
        })
    }

    fn link<I>(
        &self,
        ctx: &FileCtx<'_>,
        body: &Body,
        key: &str,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        Self::ev(ctx, &self.scope, body, key).and_then(|ev| self.scope.link(ev, expected, pick))
    }

    fn name_link<I>(
        &self,
        ctx: &FileCtx<'_>,
        body: &Body,
        key: &str,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        Self::ev(ctx, &self.scope, body, key)
            .and_then(|ev| self.scope.name_link(ev, expected, &self.names, pick))
    }

    fn link_list<I>(
        &self,
        ctx: &FileCtx<'_>,
        body: &Body,
        key: &str,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I> + Copy,
    ) -> Option<AttrList<I>> {
        Self::ev(ctx, &self.scope, body, key).and_then(|ev| {
            self.scope
                .list(ev, |scope, item| scope.link(item, expected, pick))
        })
    }

    fn meta(&self, ctx: &FileCtx<'_>, address: String, block: &Block) -> Meta {
        Meta {
            address,
            span: ctx.span(block.span()),
            name: self.string(ctx, &block.body, "name"),
        }
    }

    /// Creates the element of a modelled resource with its metadata only. Standalone rules are
    /// not link targets and are created by `fill`, so that rule ids follow declaration order
    /// with the inline rules.
    fn allocate(&mut self, resource: &Resource<'_>) -> Option<ElementId> {
        let meta = self.meta(resource.ctx, resource.address.clone(), resource.block);
        let network = &mut self.network;
        let id: ElementId = match resource.rtype {
            "azurerm_virtual_network" => network
                .add_vnet(Vnet {
                    meta,
                    address_space: None,
                    dns_servers: None,
                })
                .into(),
            "azurerm_subnet" => network.add_subnet(empty_subnet(meta)).into(),
            "azurerm_network_security_group" => network
                .add_nsg(Nsg {
                    meta,
                    rules: Vec::new(),
                })
                .into(),
            "azurerm_application_security_group" => network.add_asg(Asg { meta }).into(),
            "azurerm_network_interface" => network
                .add_nic(Nic {
                    meta,
                    ip_configurations: Vec::new(),
                    nsg: None,
                    dns_servers: None,
                })
                .into(),
            "azurerm_public_ip" => network
                .add_public_ip(PublicIp {
                    meta,
                    sku: None,
                    allocation: None,
                    ip_address: None,
                })
                .into(),
            "azurerm_linux_virtual_machine"
            | "azurerm_windows_virtual_machine"
            | "azurerm_virtual_machine" => network
                .add_vm(Vm {
                    meta,
                    nics: Vec::new(),
                })
                .into(),
            "azurerm_route_table" => network
                .add_route_table(RouteTable {
                    meta,
                    routes: Vec::new(),
                })
                .into(),
            "azurerm_virtual_network_peering" => network
                .add_peering(Peering {
                    meta,
                    vnet: None,
                    remote_vnet: None,
                    allow_virtual_network_access: None,
                    allow_forwarded_traffic: None,
                    allow_gateway_transit: None,
                    use_remote_gateways: None,
                })
                .into(),
            "azurerm_virtual_network_gateway" => network
                .add_vnet_gateway(VnetGateway {
                    meta,
                    gateway_type: None,
                    subnet: None,
                })
                .into(),
            "azurerm_local_network_gateway" => network
                .add_local_gateway(LocalGateway {
                    meta,
                    address_space: None,
                    gateway_address: None,
                })
                .into(),
            "azurerm_virtual_network_gateway_connection" => network
                .add_gateway_connection(GatewayConnection {
                    meta,
                    connection_type: None,
                    gateway: None,
                    local_gateway: None,
                    peer_gateway: None,
                })
                .into(),
            "azurerm_app_service_environment" | "azurerm_app_service_environment_v3" => network
                .add_ase(Ase {
                    meta,
                    version: None,
                    subnet: None,
                    internal_load_balancing_mode: None,
                })
                .into(),
            "azurerm_service_plan" | "azurerm_app_service_plan" => network
                .add_service_plan(ServicePlan {
                    meta,
                    ase: None,
                    sku: None,
                })
                .into(),
            "azurerm_linux_web_app"
            | "azurerm_windows_web_app"
            | "azurerm_app_service"
            | "azurerm_linux_function_app"
            | "azurerm_windows_function_app" => network
                .add_web_app(WebApp {
                    meta,
                    plan: None,
                    vnet_integration_subnet: None,
                    connection_strings: Vec::new(),
                    app_settings: Vec::new(),
                })
                .into(),
            "azurerm_mssql_server" | "azurerm_sql_server" => network
                .add_sql_server(SqlServer {
                    meta,
                    public_network_access: None,
                })
                .into(),
            "azurerm_mssql_firewall_rule" | "azurerm_sql_firewall_rule" => network
                .add_sql_firewall_rule(SqlFirewallRule {
                    meta,
                    server: None,
                    start_ip: None,
                    end_ip: None,
                })
                .into(),
            _ => return None,
        };
        Some(id)
    }

    /// Indexes the known names of the elements other resources reference by name.
    fn index_names(&mut self) {
        let network = &self.network;
        let mut names: BTreeMap<String, Vec<(ElementId, Span)>> = BTreeMap::new();
        let mut add = |id: ElementId, meta: &Meta| {
            if let Some(name) = &meta.name
                && let Some(text) = name.get()
            {
                names.entry(text.clone()).or_default().push((id, name.span));
            }
        };
        for (id, vnet) in network.iter_vnets() {
            add(id.into(), &vnet.meta);
        }
        for (id, nsg) in network.iter_nsgs() {
            add(id.into(), &nsg.meta);
        }
        for (i, server) in network.sql_servers.iter().enumerate() {
            add(
                vnetlint_ir::SqlServerId(u32::try_from(i).unwrap_or(u32::MAX)).into(),
                &server.meta,
            );
        }
        self.names = names;
    }

    /// Fills the attributes and links of an allocated element, and creates its inline children.
    fn fill(&mut self, resource: &Resource<'_>) {
        let ctx = resource.ctx;
        let block = resource.block;
        let body = &block.body;
        if resource.rtype == "azurerm_network_security_rule" {
            let meta = self.meta(ctx, resource.address.clone(), block);
            let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Standalone);
            self.fill_rule(ctx, body, &mut rule);
            rule.nsg = self.name_link(
                ctx,
                body,
                "network_security_group_name",
                "network security group",
                pick!(Nsg),
            );
            let nsg = rule.nsg.as_ref().and_then(Attr::get).copied();
            let id = self.network.add_rule(rule);
            if let Some(nsg) = nsg {
                self.network[nsg].rules.push(id);
            }
            return;
        }
        let Some(element) = resource.element else {
            return;
        };
        match element {
            ElementId::Vnet(id) => {
                let address_space = self.strings(ctx, body, "address_space");
                let dns_servers = self.strings(ctx, body, "dns_servers");
                let vnet_span = ctx.span(block.span());
                let mut subnets = Vec::new();
                for (index, subnet_block) in body.get_blocks("subnet").enumerate() {
                    let mut subnet = empty_subnet(Meta::new(String::new(), vnet_span));
                    subnet.meta = self.meta(ctx, String::new(), subnet_block);
                    subnet.meta.address = format!(
                        "{}.subnet{}",
                        resource.address,
                        block_key(subnet.meta.name.as_ref(), index)
                    );
                    subnet.vnet = Some(Attr::known(id, vnet_span));
                    self.fill_subnet_common(ctx, &subnet_block.body, &mut subnet);
                    subnet.nsg = self.link(
                        ctx,
                        &subnet_block.body,
                        "security_group",
                        "network security group",
                        pick!(Nsg),
                    );
                    subnet.route_table = self.link(
                        ctx,
                        &subnet_block.body,
                        "route_table_id",
                        "route table",
                        pick!(RouteTable),
                    );
                    subnets.push(subnet);
                }
                let vnet = &mut self.network[id];
                vnet.address_space = address_space;
                vnet.dns_servers = dns_servers;
                for subnet in subnets {
                    self.network.add_subnet(subnet);
                }
            }
            ElementId::Subnet(id) => {
                let mut subnet = empty_subnet(self.network[id].meta.clone());
                subnet.vnet = self.name_link(
                    ctx,
                    body,
                    "virtual_network_name",
                    "virtual network",
                    pick!(Vnet),
                );
                self.fill_subnet_common(ctx, body, &mut subnet);
                // Legacy (provider 1.x) association written on the subnet itself.
                subnet.nsg = self.link(
                    ctx,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                self.network[id] = subnet;
            }
            ElementId::Nsg(id) => {
                let nsg_span = ctx.span(block.span());
                let nsg_address = resource.address.clone();
                for (index, rule_block) in body.get_blocks("security_rule").enumerate() {
                    let mut meta = self.meta(ctx, String::new(), rule_block);
                    meta.address = format!(
                        "{nsg_address}.security_rule{}",
                        block_key(meta.name.as_ref(), index)
                    );
                    let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Inline);
                    rule.nsg = Some(Attr::known(id, nsg_span));
                    self.fill_rule(ctx, &rule_block.body, &mut rule);
                    let rule_id = self.network.add_rule(rule);
                    self.network[id].rules.push(rule_id);
                }
            }
            // Rules are created above; ASGs have nothing beyond their name; the last four are
            // lowered once the frontend models those resources (issue 3).
            ElementId::SecurityRule(_)
            | ElementId::Asg(_)
            | ElementId::SqlVirtualMachine(_)
            | ElementId::PrivateEndpoint(_)
            | ElementId::StorageAccount(_)
            | ElementId::ExpressRouteCircuit(_) => {}
            ElementId::Nic(id) => {
                let mut configurations = Vec::new();
                for config in body.get_blocks("ip_configuration") {
                    let config_body = &config.body;
                    let mut asgs = Vec::new();
                    // Legacy (provider 1.x) ASG list written on the configuration.
                    if let Some(list) = self.link_list(
                        ctx,
                        config_body,
                        "application_security_group_ids",
                        "application security group",
                        pick!(Asg),
                    ) {
                        asgs = flatten_list(list);
                    }
                    configurations.push(IpConfiguration {
                        span: ctx.span(config.span()),
                        name: self.string(ctx, config_body, "name"),
                        subnet: self.link(ctx, config_body, "subnet_id", "subnet", pick!(Subnet)),
                        allocation: self.string(ctx, config_body, "private_ip_address_allocation"),
                        private_ip: self.string(ctx, config_body, "private_ip_address"),
                        public_ip: self.link(
                            ctx,
                            config_body,
                            "public_ip_address_id",
                            "public IP",
                            pick!(PublicIp),
                        ),
                        asgs,
                    });
                }
                let dns_servers = self.strings(ctx, body, "dns_servers");
                // Legacy (provider 1.x) association written on the NIC itself.
                let nsg = self.link(
                    ctx,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                let nic = &mut self.network[id];
                nic.ip_configurations = configurations;
                nic.dns_servers = dns_servers;
                nic.nsg = nsg;
            }
            ElementId::PublicIp(id) => {
                let sku = self.string(ctx, body, "sku");
                let allocation = self.string(ctx, body, "allocation_method");
                let block_span = ctx.span(block.span());
                // Azure assigns the address at deployment; keep what it stands for.
                let ip_address = self.string(ctx, body, "ip_address").or_else(|| {
                    Some(Attr {
                        value: vnetlint_ir::Val::Unknown(Unknown::reference(
                            Reference {
                                address: resource.address.clone(),
                                attribute: "ip_address".to_owned(),
                            },
                            format!(
                                "the address of `{}` is assigned by Azure at deployment",
                                resource.address
                            ),
                        )),
                        span: block_span,
                        origin: Origin::Default,
                    })
                });
                let public_ip = &mut self.network[id];
                public_ip.sku = sku;
                public_ip.allocation = allocation;
                public_ip.ip_address = ip_address;
            }
            ElementId::Vm(id) => {
                let nics = self
                    .link_list(
                        ctx,
                        body,
                        "network_interface_ids",
                        "network interface",
                        pick!(Nic),
                    )
                    .map(flatten_list)
                    .unwrap_or_default();
                self.network[id].nics = nics;
            }
            ElementId::RouteTable(id) => {
                let routes = body
                    .get_blocks("route")
                    .map(|route| Route {
                        span: ctx.span(route.span()),
                        name: self.string(ctx, &route.body, "name"),
                        address_prefix: self.string(ctx, &route.body, "address_prefix"),
                        next_hop_type: self.string(ctx, &route.body, "next_hop_type"),
                        next_hop_ip: self.string(ctx, &route.body, "next_hop_in_ip_address"),
                    })
                    .collect();
                self.network[id].routes = routes;
            }
            ElementId::Peering(id) => {
                let peering = Peering {
                    meta: self.network[id].meta.clone(),
                    vnet: self.name_link(
                        ctx,
                        body,
                        "virtual_network_name",
                        "virtual network",
                        pick!(Vnet),
                    ),
                    remote_vnet: self.link(
                        ctx,
                        body,
                        "remote_virtual_network_id",
                        "virtual network",
                        pick!(Vnet),
                    ),
                    allow_virtual_network_access: self.bool(
                        ctx,
                        body,
                        "allow_virtual_network_access",
                    ),
                    allow_forwarded_traffic: self.bool(ctx, body, "allow_forwarded_traffic"),
                    allow_gateway_transit: self.bool(ctx, body, "allow_gateway_transit"),
                    use_remote_gateways: self.bool(ctx, body, "use_remote_gateways"),
                };
                self.network[id] = peering;
            }
            ElementId::VnetGateway(id) => {
                let gateway_type = self.string(ctx, body, "type");
                let subnet = body.get_blocks("ip_configuration").find_map(|config| {
                    self.link(ctx, &config.body, "subnet_id", "subnet", pick!(Subnet))
                });
                let gateway = &mut self.network[id];
                gateway.gateway_type = gateway_type;
                gateway.subnet = subnet;
            }
            ElementId::LocalGateway(id) => {
                let address_space = self.strings(ctx, body, "address_space");
                let gateway_address = self.string(ctx, body, "gateway_address");
                let gateway = &mut self.network[id];
                gateway.address_space = address_space;
                gateway.gateway_address = gateway_address;
            }
            ElementId::GatewayConnection(id) => {
                let connection = GatewayConnection {
                    meta: self.network[id].meta.clone(),
                    connection_type: self.string(ctx, body, "type"),
                    gateway: self.link(
                        ctx,
                        body,
                        "virtual_network_gateway_id",
                        "virtual network gateway",
                        pick!(VnetGateway),
                    ),
                    local_gateway: self.link(
                        ctx,
                        body,
                        "local_network_gateway_id",
                        "local network gateway",
                        pick!(LocalGateway),
                    ),
                    peer_gateway: self.link(
                        ctx,
                        body,
                        "peer_virtual_network_gateway_id",
                        "virtual network gateway",
                        pick!(VnetGateway),
                    ),
                };
                self.network[id] = connection;
            }
            ElementId::Ase(id) => {
                let version = if resource.rtype == "azurerm_app_service_environment_v3" {
                    AseVersion::V3
                } else {
                    AseVersion::V2
                };
                // The resource type decides the version, so the type label is what to point at.
                let type_span = block
                    .labels
                    .first()
                    .map_or_else(|| ctx.span(block.span()), |label| ctx.span(label.span()));
                let subnet = self.link(ctx, body, "subnet_id", "subnet", pick!(Subnet));
                let mode = self.string(ctx, body, "internal_load_balancing_mode");
                let ase = &mut self.network[id];
                ase.version = Some(Attr::known(version, type_span));
                ase.subnet = subnet;
                ase.internal_load_balancing_mode = mode;
            }
            ElementId::ServicePlan(id) => {
                let ase = self.link(
                    ctx,
                    body,
                    "app_service_environment_id",
                    "App Service Environment",
                    pick!(Ase),
                );
                // `azurerm_app_service_plan` writes the SKU as `sku { tier, size }`.
                let sku = self.string(ctx, body, "sku_name").or_else(|| {
                    body.get_blocks("sku")
                        .find_map(|sku| self.string(ctx, &sku.body, "size"))
                });
                let plan = &mut self.network[id];
                plan.ase = ase;
                plan.sku = sku;
            }
            ElementId::WebApp(id) => {
                let plan = self
                    .link(
                        ctx,
                        body,
                        "service_plan_id",
                        "App Service plan",
                        pick!(ServicePlan),
                    )
                    .or_else(|| {
                        self.link(
                            ctx,
                            body,
                            "app_service_plan_id",
                            "App Service plan",
                            pick!(ServicePlan),
                        )
                    });
                let subnet = self.link(
                    ctx,
                    body,
                    "virtual_network_subnet_id",
                    "subnet",
                    pick!(Subnet),
                );
                let connection_strings = body
                    .get_blocks("connection_string")
                    .map(|cs| ConnectionString {
                        span: ctx.span(cs.span()),
                        name: self.string(ctx, &cs.body, "name"),
                        kind: self.string(ctx, &cs.body, "type"),
                        value: Self::ev(ctx, &self.scope, &cs.body, "value")
                            .and_then(|ev| self.scope.template(ev)),
                    })
                    .collect();
                let mut app_settings = Vec::new();
                if let Some(Ev {
                    kind: EvKind::Object(entries),
                    ..
                }) = Self::ev(ctx, &self.scope, body, "app_settings")
                {
                    for entry in entries {
                        if let Some(value) = self.scope.template(entry.value) {
                            app_settings.push(AppSetting {
                                span: entry.span,
                                name: entry.key,
                                value,
                            });
                        }
                    }
                }
                let app = &mut self.network[id];
                app.plan = plan;
                app.vnet_integration_subnet = subnet;
                app.connection_strings = connection_strings;
                app.app_settings = app_settings;
            }
            ElementId::SqlServer(id) => {
                let public = self.bool(ctx, body, "public_network_access_enabled");
                self.network[id].public_network_access = public;
            }
            ElementId::SqlFirewallRule(id) => {
                let server = self
                    .link(ctx, body, "server_id", "SQL server", pick!(SqlServer))
                    .or_else(|| {
                        self.name_link(ctx, body, "server_name", "SQL server", pick!(SqlServer))
                    });
                let start_ip = self.string(ctx, body, "start_ip_address");
                let end_ip = self.string(ctx, body, "end_ip_address");
                let rule = &mut self.network[id];
                rule.server = server;
                rule.start_ip = start_ip;
                rule.end_ip = end_ip;
            }
        }
    }

    /// The attributes inline and standalone subnets share.
    fn fill_subnet_common(&self, ctx: &FileCtx<'_>, body: &Body, subnet: &mut Subnet) {
        subnet.address_prefixes =
            self.strings_or_single(ctx, body, "address_prefixes", "address_prefix");
        subnet.service_endpoints = self
            .strings(ctx, body, "service_endpoints")
            .or_else(|| self.strings(ctx, body, "service_endpoint"));
        for delegation in body.get_blocks("delegation") {
            for service in delegation.body.get_blocks("service_delegation") {
                if let Some(name) = self.string(ctx, &service.body, "name") {
                    subnet.delegations.push(name);
                }
            }
        }
    }

    /// The attributes inline and standalone security rules share.
    fn fill_rule(&self, ctx: &FileCtx<'_>, body: &Body, rule: &mut SecurityRule) {
        let asgs = |key| self.link_list(ctx, body, key, "application security group", pick!(Asg));
        rule.priority = self.string(ctx, body, "priority");
        rule.direction = self.string(ctx, body, "direction");
        rule.access = self.string(ctx, body, "access");
        rule.protocol = self.string(ctx, body, "protocol");
        rule.source_port_range = self.string(ctx, body, "source_port_range");
        rule.source_port_ranges = self.strings(ctx, body, "source_port_ranges");
        rule.destination_port_range = self.string(ctx, body, "destination_port_range");
        rule.destination_port_ranges = self.strings(ctx, body, "destination_port_ranges");
        rule.source_address_prefix = self.string(ctx, body, "source_address_prefix");
        rule.source_address_prefixes = self.strings(ctx, body, "source_address_prefixes");
        rule.destination_address_prefix = self.string(ctx, body, "destination_address_prefix");
        rule.destination_address_prefixes = self.strings(ctx, body, "destination_address_prefixes");
        rule.source_asgs = asgs("source_application_security_group_ids");
        rule.destination_asgs = asgs("destination_application_security_group_ids");
    }

    /// Applies an association resource to the elements it joins. An element already associated
    /// keeps its first association: the IR holds one, and the conflict is a check's business.
    fn associate(&mut self, resource: &Resource<'_>) {
        let ctx = resource.ctx;
        let body = &resource.block.body;
        match resource.rtype {
            "azurerm_subnet_network_security_group_association" => {
                let subnet = self.link(ctx, body, "subnet_id", "subnet", pick!(Subnet));
                let nsg = self.link(
                    ctx,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                if let (Some(subnet), Some(nsg)) = (subnet.as_ref().and_then(Attr::get), nsg) {
                    let slot = &mut self.network[*subnet].nsg;
                    if slot.is_none() {
                        *slot = Some(nsg);
                    }
                }
            }
            "azurerm_subnet_route_table_association" => {
                let subnet = self.link(ctx, body, "subnet_id", "subnet", pick!(Subnet));
                let table = self.link(
                    ctx,
                    body,
                    "route_table_id",
                    "route table",
                    pick!(RouteTable),
                );
                if let (Some(subnet), Some(table)) = (subnet.as_ref().and_then(Attr::get), table) {
                    let slot = &mut self.network[*subnet].route_table;
                    if slot.is_none() {
                        *slot = Some(table);
                    }
                }
            }
            "azurerm_network_interface_security_group_association" => {
                let nic = self.link(
                    ctx,
                    body,
                    "network_interface_id",
                    "network interface",
                    pick!(Nic),
                );
                let nsg = self.link(
                    ctx,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                if let (Some(nic), Some(nsg)) = (nic.as_ref().and_then(Attr::get), nsg) {
                    let slot = &mut self.network[*nic].nsg;
                    if slot.is_none() {
                        *slot = Some(nsg);
                    }
                }
            }
            "azurerm_network_interface_application_security_group_association" => {
                let nic = self.link(
                    ctx,
                    body,
                    "network_interface_id",
                    "network interface",
                    pick!(Nic),
                );
                let asg = self.link(
                    ctx,
                    body,
                    "application_security_group_id",
                    "application security group",
                    pick!(Asg),
                );
                if let (Some(nic), Some(asg)) = (nic.as_ref().and_then(Attr::get), asg) {
                    for config in &mut self.network[*nic].ip_configurations {
                        config.asgs.push(asg.clone());
                    }
                }
            }
            _ => {}
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

/// The address suffix of an inline block: `["name"]` when the name is known, else `[index]`.
fn block_key(name: Option<&Attr<String>>, index: usize) -> String {
    match name.and_then(Attr::get) {
        Some(name) => format!("[\"{}\"]", name.replace('\\', "\\\\").replace('"', "\\\"")),
        None => format!("[{index}]"),
    }
}

/// A list of links as the IR's plain `Vec` of links: an unknown list becomes one unknown entry,
/// so that the element still says something it links to is not known.
fn flatten_list<I>(list: AttrList<I>) -> Vec<Attr<I>> {
    match list.value {
        vnetlint_ir::Val::Known(items) => items,
        vnetlint_ir::Val::Unknown(unknown) => vec![Attr {
            value: vnetlint_ir::Val::Unknown(unknown),
            span: list.span,
            origin: list.origin,
        }],
    }
}
