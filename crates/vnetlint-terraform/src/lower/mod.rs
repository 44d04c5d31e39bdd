//! Lowering of azurerm resource blocks into the IR, in three passes over every resource
//! instance of every module instance: allocate one element per instance (so that any block can
//! link to any other, whatever the file or module), fill every element's attributes and links,
//! then apply the association resources (which modify elements the second pass has completed).
//!
//! Values come from `eval::Eval`; the lowering only decides which attribute of which resource
//! becomes which IR field. This module is the driver: the resource types it models, the passes
//! and the dispatch to one file per element family (`network`, `nsg`, `nic`, `public_ip`,
//! `route`, `firewall`, `gateway`, `load_balancer`, `app_gateway`, `network_manager`, `ase`, `web`, `paas`,
//! `data`, `association`); `read` shapes values into IR
//! attribute types, and `plan` feeds a plan's values to the same passes. What does not depend
//! on HCL (empty elements, defaults, how an association attaches) is in `vnetlint-ir` (its
//! `lowering` module).

mod app_gateway;
mod ase;
mod association;
mod data;
mod firewall;
mod gateway;
mod load_balancer;
mod network;
mod network_manager;
mod nic;
mod nsg;
mod paas;
mod plan;
mod public_ip;
mod read;
mod route;
mod web;

use std::collections::{BTreeMap, BTreeSet};

use vnetlint_ir::{
    AdminRule, AdminRuleCollection, Allocate, ApplicationGateway, Ase, Asg, ElementId,
    ExpressRouteCircuit, Firewall, FirewallPolicy, GatewayConnection, IpGroup, LbBackendPool,
    LbNatRule, LbProbe, LbRule, LoadBalancer, LocalGateway, NatGateway, Network, NetworkGroup,
    NetworkManager, NetworkManagerDeployment, Nic, Nsg, Peering, PrivateEndpoint, PublicIp,
    RouteTable, SecurityAdminConfiguration, ServicePlan, Span, SqlFirewallRule, SqlServer,
    SqlVirtualMachine, StorageAccount, Subnet, Vm, Vnet, VnetGateway, WebApp,
};

use crate::eval::{Env, Eval, ResDecl};
use crate::value::ResInst;
use read::{Block, Reader};

pub(crate) use plan::{PlanOverlay, PlannedSources, declare_planned, lower_plan, planned_changes};

/// The element a modelled resource type lowers to, `None` for a type vnetlint does not model.
/// Standalone security rules are not link targets and are created by `fill`, so that rule ids
/// follow declaration order with the inline rules; so are firewall rule collection groups,
/// which nothing links to.
fn allocator(rtype: &str) -> Option<Allocate> {
    let allocate: Allocate = match rtype {
        "azurerm_virtual_network" => Network::add_empty::<Vnet>,
        "azurerm_subnet" => Network::add_empty::<Subnet>,
        "azurerm_virtual_network_peering" => Network::add_empty::<Peering>,
        "azurerm_network_security_group" => Network::add_empty::<Nsg>,
        "azurerm_application_security_group" => Network::add_empty::<Asg>,
        "azurerm_network_interface" => Network::add_empty::<Nic>,
        "azurerm_public_ip" => Network::add_empty::<PublicIp>,
        "azurerm_route_table" => Network::add_empty::<RouteTable>,
        "azurerm_nat_gateway" => Network::add_empty::<NatGateway>,
        "azurerm_firewall" => Network::add_empty::<Firewall>,
        "azurerm_firewall_policy" => Network::add_empty::<FirewallPolicy>,
        "azurerm_ip_group" => Network::add_empty::<IpGroup>,
        "azurerm_virtual_network_gateway" => Network::add_empty::<VnetGateway>,
        "azurerm_local_network_gateway" => Network::add_empty::<LocalGateway>,
        "azurerm_virtual_network_gateway_connection" => Network::add_empty::<GatewayConnection>,
        "azurerm_express_route_circuit" => Network::add_empty::<ExpressRouteCircuit>,
        "azurerm_mssql_virtual_machine" => Network::add_empty::<SqlVirtualMachine>,
        "azurerm_private_endpoint" => Network::add_empty::<PrivateEndpoint>,
        "azurerm_storage_account" => Network::add_empty::<StorageAccount>,
        // Entry points and policy layers (issue 16); a NAT pool is a NAT rule over a range.
        "azurerm_lb" => Network::add_empty::<LoadBalancer>,
        "azurerm_lb_backend_address_pool" => Network::add_empty::<LbBackendPool>,
        "azurerm_lb_rule" => Network::add_empty::<LbRule>,
        "azurerm_lb_nat_rule" | "azurerm_lb_nat_pool" => Network::add_empty::<LbNatRule>,
        "azurerm_lb_probe" => Network::add_empty::<LbProbe>,
        "azurerm_application_gateway" => Network::add_empty::<ApplicationGateway>,
        "azurerm_network_manager" => Network::add_empty::<NetworkManager>,
        "azurerm_network_manager_network_group" => Network::add_empty::<NetworkGroup>,
        "azurerm_network_manager_security_admin_configuration" => {
            Network::add_empty::<SecurityAdminConfiguration>
        }
        "azurerm_network_manager_admin_rule_collection" => {
            Network::add_empty::<AdminRuleCollection>
        }
        "azurerm_network_manager_admin_rule" => Network::add_empty::<AdminRule>,
        "azurerm_network_manager_deployment" => Network::add_empty::<NetworkManagerDeployment>,
        // Elements that several resource types lower to (provider generations, operating
        // systems, app kinds).
        "azurerm_linux_virtual_machine"
        | "azurerm_windows_virtual_machine"
        | "azurerm_virtual_machine" => Network::add_empty::<Vm>,
        "azurerm_app_service_environment" | "azurerm_app_service_environment_v3" => {
            Network::add_empty::<Ase>
        }
        "azurerm_service_plan" | "azurerm_app_service_plan" => Network::add_empty::<ServicePlan>,
        "azurerm_linux_web_app"
        | "azurerm_windows_web_app"
        | "azurerm_app_service"
        | "azurerm_linux_function_app"
        | "azurerm_windows_function_app" => Network::add_empty::<WebApp>,
        "azurerm_mssql_server" | "azurerm_sql_server" => Network::add_empty::<SqlServer>,
        "azurerm_mssql_firewall_rule" | "azurerm_sql_firewall_rule" => {
            Network::add_empty::<SqlFirewallRule>
        }
        // The other data services, by kind.
        _ => return data::allocator(rtype),
    };
    Some(allocate)
}

/// One instance of a `resource` block.
struct Resource<'a> {
    env: Env,
    decl: &'a ResDecl<'a>,
    address: String,
    element: Option<ElementId>,
}

/// Lowers every module instance the evaluator reaches from the root.
pub(crate) fn lower(eval: &Eval<'_>) -> Network {
    // Expand module calls breadth-first; instances are appended as calls are expanded.
    let mut next = 0;
    while next < eval.insts.borrow().len() {
        let def = eval.def_of(next);
        for (name, call) in &def.calls {
            let span = eval.ctx(call.file).span(call.block.span.clone());
            eval.call_instances(next, name, span);
        }
        next += 1;
    }
    let mut resources = Vec::new();
    let mut declared = BTreeSet::new();
    let instance_count = eval.insts.borrow().len();
    for inst in 0..instance_count {
        let def = eval.def_of(inst);
        for (res, decl) in def.resources.iter().enumerate() {
            if decl.key.starts_with("data.") {
                continue;
            }
            let span = eval.ctx(decl.file).span(decl.block.span.clone());
            let expansion = eval.resource_expansion(inst, res, span);
            for (key, bindings) in expansion.instances() {
                let ri = ResInst { inst, res, key };
                let address = eval.address(&ri);
                declared.insert(address.clone());
                resources.push(Resource {
                    env: Env::new(inst, decl.file).with_all(bindings),
                    decl,
                    address,
                    element: None,
                });
            }
        }
    }
    lower_resources(eval, None, &mut resources, declared)
}

/// The three passes over every resource instance.
fn lower_resources<'a>(
    eval: &Eval<'a>,
    plan: Option<&PlanOverlay>,
    resources: &mut [Resource<'a>],
    declared: BTreeSet<String>,
) -> Network {
    let mut lowerer = Lowerer {
        reader: Reader {
            eval,
            plan,
            symbols: BTreeMap::new(),
            declared,
            names: BTreeMap::new(),
        },
        network: Network::default(),
    };
    for resource in resources.iter_mut() {
        resource.element = lowerer.allocate(resource);
        if let Some(id) = resource.element {
            lowerer
                .reader
                .symbols
                .entry(resource.address.clone())
                .or_insert(id);
        }
    }
    lowerer.index_names();
    for resource in resources.iter() {
        lowerer.fill(resource);
    }
    for resource in resources.iter() {
        lowerer.associate(resource);
    }
    lowerer.network.order_nsg_rules();
    lowerer.network.fill_service_defaults();
    lowerer.network
}

/// The state of one lowering.
struct Lowerer<'e, 'a> {
    /// What reading needs, apart from the network, so that a family can write an element while
    /// it reads.
    reader: Reader<'e, 'a>,
    network: Network,
}

impl<'a> Resource<'a> {
    /// The resource's block, to read its attributes.
    fn block<'r, 'e>(&self, reader: &'r Reader<'e, 'a>) -> Block<'r, 'e, 'a> {
        reader.block(&self.env, &self.decl.block)
    }
}

impl<'a> Lowerer<'_, 'a> {
    /// Creates the element of a modelled resource with its metadata only. The name is evaluated
    /// for every resource, modelled or not: an evaluation can report findings (a limit reached),
    /// and which types vnetlint models must not change those.
    fn allocate(&mut self, resource: &Resource<'a>) -> Option<ElementId> {
        let meta = resource.block(&self.reader).meta(resource.address.clone());
        let allocate = allocator(resource.decl.rtype)?;
        Some(allocate(&mut self.network, meta))
    }

    /// Indexes the known names of the elements other resources reference by name.
    fn index_names(&mut self) {
        let mut names: BTreeMap<String, Vec<(ElementId, Span)>> = BTreeMap::new();
        for id in self.network.elements() {
            if !matches!(
                id,
                ElementId::Vnet(_)
                    | ElementId::Nsg(_)
                    | ElementId::RouteTable(_)
                    | ElementId::Firewall(_)
                    | ElementId::SqlServer(_)
                    | ElementId::DataService(_)
            ) {
                continue;
            }
            if let Some(name) = &self.network.meta(id).name
                && let Some(text) = name.get()
            {
                names.entry(text.clone()).or_default().push((id, name.span));
            }
        }
        self.reader.names = names;
    }

    /// Fills the attributes and links of an allocated element, and creates its inline children.
    fn fill(&mut self, resource: &Resource<'a>) {
        let block = resource.block(&self.reader);
        match resource.decl.rtype {
            "azurerm_network_security_rule" => {
                nsg::standalone_rule(resource, &block, &mut self.network);
                return;
            }
            "azurerm_firewall_policy_rule_collection_group" => {
                firewall::policy_rule_collection_group(resource, &block, &mut self.network);
                return;
            }
            "azurerm_firewall_network_rule_collection"
            | "azurerm_firewall_nat_rule_collection"
            | "azurerm_firewall_application_rule_collection" => {
                firewall::classic_rule_collection(resource, &block, &mut self.network);
                return;
            }
            _ => {}
        }
        let Some(element) = resource.element else {
            return;
        };
        let net = &mut self.network;
        match element {
            // Rules are created above; ASGs and network managers have nothing beyond their name.
            ElementId::SecurityRule(_)
            | ElementId::Asg(_)
            | ElementId::NetworkManager(_)
            | ElementId::FirewallRuleCollectionGroup(_) => {}
            // Families that create inline children or need the resource's address or type.
            ElementId::Vnet(id) => network::vnet(resource, &block, net, id),
            ElementId::Nsg(id) => nsg::nsg(resource, &block, net, id),
            ElementId::PublicIp(id) => public_ip::public_ip(resource, &block, &mut net[id]),
            ElementId::Ase(id) => ase::ase(resource, &block, &mut net[id]),
            ElementId::Firewall(id) => firewall::firewall(resource, &block, &mut net[id]),
            // Families that fill one element from its block.
            ElementId::Subnet(id) => network::subnet(&block, &mut net[id]),
            ElementId::Peering(id) => network::peering(&block, &mut net[id]),
            ElementId::Nic(id) => nic::nic(&block, &mut net[id]),
            ElementId::Vm(id) => nic::vm(&block, &mut net[id]),
            ElementId::RouteTable(id) => route::route_table(resource, &block, &mut net[id]),
            ElementId::NatGateway(id) => route::nat_gateway(&block, &mut net[id]),
            ElementId::FirewallPolicy(id) => firewall::policy(&block, &mut net[id]),
            ElementId::IpGroup(id) => firewall::ip_group(&block, &mut net[id]),
            ElementId::VnetGateway(id) => gateway::vnet_gateway(&block, &mut net[id]),
            ElementId::LocalGateway(id) => gateway::local_gateway(&block, &mut net[id]),
            ElementId::GatewayConnection(id) => gateway::connection(&block, &mut net[id]),
            ElementId::ExpressRouteCircuit(id) => gateway::circuit(&block, &mut net[id]),
            ElementId::ServicePlan(id) => ase::service_plan(&block, &mut net[id]),
            ElementId::WebApp(id) => web::web_app(&block, &mut net[id]),
            ElementId::SqlServer(id) => paas::sql_server(&block, &mut net[id]),
            ElementId::SqlFirewallRule(id) => paas::sql_firewall_rule(&block, &mut net[id]),
            ElementId::SqlVirtualMachine(id) => paas::sql_virtual_machine(&block, &mut net[id]),
            ElementId::PrivateEndpoint(id) => paas::private_endpoint(&block, &mut net[id]),
            ElementId::StorageAccount(id) => paas::storage_account(&block, &mut net[id]),
            ElementId::DataService(id) => data::data_service(&block, &mut net[id]),
            ElementId::ServiceFirewallRule(id) => data::firewall_rule(&block, &mut net[id]),
            ElementId::LoadBalancer(id) => load_balancer::load_balancer(&block, &mut net[id]),
            ElementId::LbBackendPool(id) => load_balancer::backend_pool(&block, &mut net[id]),
            ElementId::LbRule(id) => load_balancer::rule(&block, &mut net[id]),
            ElementId::LbNatRule(id) => load_balancer::nat_rule(&block, &mut net[id]),
            ElementId::LbProbe(id) => load_balancer::probe(&block, &mut net[id]),
            ElementId::ApplicationGateway(id) => {
                app_gateway::application_gateway(&block, &mut net[id]);
            }
            ElementId::NetworkGroup(id) => network_manager::network_group(&block, &mut net[id]),
            ElementId::SecurityAdminConfiguration(id) => {
                network_manager::security_admin_configuration(&block, &mut net[id]);
            }
            ElementId::AdminRuleCollection(id) => {
                network_manager::admin_rule_collection(&block, &mut net[id]);
            }
            ElementId::AdminRule(id) => network_manager::admin_rule(&block, &mut net[id]),
            ElementId::NetworkManagerDeployment(id) => {
                network_manager::deployment(&block, &mut net[id]);
            }
        }
    }

    /// Applies an association resource, or a resource that sets attributes of another element,
    /// to the elements it modifies.
    fn associate(&mut self, resource: &Resource<'a>) {
        let block = resource.block(&self.reader);
        let net = &mut self.network;
        match resource.decl.rtype {
            "azurerm_virtual_network_dns_servers" => network::vnet_dns_servers(&block, net),
            "azurerm_storage_account_network_rules" => paas::storage_network_rules(&block, net),
            "azurerm_mssql_virtual_network_rule" | "azurerm_sql_virtual_network_rule" => {
                paas::sql_virtual_network_rule(&block, net);
            }
            "azurerm_servicebus_namespace_network_rule_set" => {
                data::namespace_network_rule_set(&block, net);
            }
            "azurerm_route" => route::standalone_route(resource, &block, net),
            "azurerm_ip_group_cidr" => firewall::ip_group_cidr(&block, net),
            "azurerm_lb_backend_address_pool_address" => load_balancer::pool_address(&block, net),
            "azurerm_network_manager_static_member" => network_manager::static_member(&block, net),
            "azurerm_policy_definition" => network_manager::policy_definition(&block, net),
            rtype => {
                if let Some(kind) = association::ASSOCIATIONS
                    .iter()
                    .find(|kind| kind.resource_type == rtype)
                {
                    association::associate(&block, kind, net);
                }
            }
        }
    }
}
