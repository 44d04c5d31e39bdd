//! Lowering of azurerm resource blocks into the IR, in three passes over every resource
//! instance of every module instance: allocate one element per instance (so that any block can
//! link to any other, whatever the file or module), fill every element's attributes and links,
//! then apply the association resources (which modify elements the second pass has completed).
//!
//! Values come from `eval::Eval`; the lowering only decides which attribute of which resource
//! becomes which IR field. This module is the driver: the table of modelled resource types, the
//! passes and the dispatch to one file per element family (`network`, `nsg`, `nic`,
//! `public_ip`, `route`, `gateway`, `ase`, `web`, `paas`, `association`); `read` shapes values
//! into IR attribute types, and `plan` feeds a plan's values to the same passes. What does not
//! depend on HCL (empty elements, defaults, how an association attaches) is in
//! `vnetlint_ir::lowering`.

mod ase;
mod association;
mod gateway;
mod network;
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
    Allocate, Ase, Asg, ElementId, ExpressRouteCircuit, GatewayConnection, LocalGateway, Network,
    Nic, Nsg, Peering, PrivateEndpoint, PublicIp, RouteTable, ServicePlan, Span, SqlFirewallRule,
    SqlServer, SqlVirtualMachine, StorageAccount, Subnet, Vm, Vnet, VnetGateway, WebApp,
};

use crate::eval::{Env, Eval, ResDecl, ResInst};

pub(crate) use plan::{PlanOverlay, PlannedSources, declare_planned, lower_plan, planned_changes};

/// The element each modelled resource type lowers to. Standalone security rules are not link
/// targets and are created by `fill`, so that rule ids follow declaration order with the inline
/// rules.
const ELEMENTS: &[(&str, Allocate)] = &[
    ("azurerm_virtual_network", Network::add_empty::<Vnet>),
    ("azurerm_subnet", Network::add_empty::<Subnet>),
    ("azurerm_network_security_group", Network::add_empty::<Nsg>),
    (
        "azurerm_application_security_group",
        Network::add_empty::<Asg>,
    ),
    ("azurerm_network_interface", Network::add_empty::<Nic>),
    ("azurerm_public_ip", Network::add_empty::<PublicIp>),
    ("azurerm_linux_virtual_machine", Network::add_empty::<Vm>),
    ("azurerm_windows_virtual_machine", Network::add_empty::<Vm>),
    ("azurerm_virtual_machine", Network::add_empty::<Vm>),
    ("azurerm_route_table", Network::add_empty::<RouteTable>),
    (
        "azurerm_virtual_network_peering",
        Network::add_empty::<Peering>,
    ),
    (
        "azurerm_virtual_network_gateway",
        Network::add_empty::<VnetGateway>,
    ),
    (
        "azurerm_local_network_gateway",
        Network::add_empty::<LocalGateway>,
    ),
    (
        "azurerm_virtual_network_gateway_connection",
        Network::add_empty::<GatewayConnection>,
    ),
    ("azurerm_app_service_environment", Network::add_empty::<Ase>),
    (
        "azurerm_app_service_environment_v3",
        Network::add_empty::<Ase>,
    ),
    ("azurerm_service_plan", Network::add_empty::<ServicePlan>),
    (
        "azurerm_app_service_plan",
        Network::add_empty::<ServicePlan>,
    ),
    ("azurerm_linux_web_app", Network::add_empty::<WebApp>),
    ("azurerm_windows_web_app", Network::add_empty::<WebApp>),
    ("azurerm_app_service", Network::add_empty::<WebApp>),
    ("azurerm_linux_function_app", Network::add_empty::<WebApp>),
    ("azurerm_windows_function_app", Network::add_empty::<WebApp>),
    ("azurerm_mssql_server", Network::add_empty::<SqlServer>),
    ("azurerm_sql_server", Network::add_empty::<SqlServer>),
    (
        "azurerm_mssql_firewall_rule",
        Network::add_empty::<SqlFirewallRule>,
    ),
    (
        "azurerm_sql_firewall_rule",
        Network::add_empty::<SqlFirewallRule>,
    ),
    (
        "azurerm_mssql_virtual_machine",
        Network::add_empty::<SqlVirtualMachine>,
    ),
    (
        "azurerm_private_endpoint",
        Network::add_empty::<PrivateEndpoint>,
    ),
    (
        "azurerm_storage_account",
        Network::add_empty::<StorageAccount>,
    ),
    (
        "azurerm_express_route_circuit",
        Network::add_empty::<ExpressRouteCircuit>,
    ),
];

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
        eval,
        plan,
        network: Network::default(),
        symbols: BTreeMap::new(),
        declared,
        names: BTreeMap::new(),
    };
    for resource in resources.iter_mut() {
        resource.element = lowerer.allocate(resource);
        if let Some(id) = resource.element {
            lowerer
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
    lowerer.network
}

struct Lowerer<'e, 'a> {
    eval: &'e Eval<'a>,
    /// Set when the values come from a plan rather than from the configuration.
    plan: Option<&'e PlanOverlay>,
    network: Network,
    /// Elements by logical address.
    symbols: BTreeMap<String, ElementId>,
    /// Every resource instance address, modelled or not.
    declared: BTreeSet<String>,
    /// Known Azure names of the elements that other resources link to by name.
    names: BTreeMap<String, Vec<(ElementId, Span)>>,
}

impl<'a> Lowerer<'_, 'a> {
    /// Creates the element of a modelled resource with its metadata only. The name is evaluated
    /// for every resource, modelled or not, as the evaluator reports what it meets on the way.
    fn allocate(&mut self, resource: &Resource<'a>) -> Option<ElementId> {
        let meta = self.meta(
            &resource.env,
            resource.address.clone(),
            &resource.decl.block,
        );
        let (_, allocate) = ELEMENTS
            .iter()
            .find(|(rtype, _)| *rtype == resource.decl.rtype)?;
        Some(allocate(&mut self.network, meta))
    }

    /// Indexes the known names of the elements other resources reference by name.
    fn index_names(&mut self) {
        let mut names: BTreeMap<String, Vec<(ElementId, Span)>> = BTreeMap::new();
        for id in self.network.elements() {
            if !matches!(
                id,
                ElementId::Vnet(_) | ElementId::Nsg(_) | ElementId::SqlServer(_)
            ) {
                continue;
            }
            if let Some(name) = &self.network.meta(id).name
                && let Some(text) = name.get()
            {
                names.entry(text.clone()).or_default().push((id, name.span));
            }
        }
        self.names = names;
    }

    /// Fills the attributes and links of an allocated element, and creates its inline children.
    fn fill(&mut self, resource: &Resource<'a>) {
        if resource.decl.rtype == "azurerm_network_security_rule" {
            self.standalone_rule(resource);
            return;
        }
        let Some(element) = resource.element else {
            return;
        };
        match element {
            ElementId::Vnet(id) => self.vnet(resource, id),
            ElementId::Subnet(id) => self.subnet(resource, id),
            ElementId::Peering(id) => self.peering(resource, id),
            ElementId::Nsg(id) => self.nsg(resource, id),
            // Rules are created above; ASGs have nothing beyond their name.
            ElementId::SecurityRule(_) | ElementId::Asg(_) => {}
            ElementId::Nic(id) => self.nic(resource, id),
            ElementId::Vm(id) => self.vm(resource, id),
            ElementId::PublicIp(id) => self.public_ip(resource, id),
            ElementId::RouteTable(id) => self.route_table(resource, id),
            ElementId::VnetGateway(id) => self.vnet_gateway(resource, id),
            ElementId::LocalGateway(id) => self.local_gateway(resource, id),
            ElementId::GatewayConnection(id) => self.gateway_connection(resource, id),
            ElementId::ExpressRouteCircuit(id) => self.express_route_circuit(resource, id),
            ElementId::Ase(id) => self.ase(resource, id),
            ElementId::ServicePlan(id) => self.service_plan(resource, id),
            ElementId::WebApp(id) => self.web_app(resource, id),
            ElementId::SqlServer(id) => self.sql_server(resource, id),
            ElementId::SqlFirewallRule(id) => self.sql_firewall_rule(resource, id),
            ElementId::SqlVirtualMachine(id) => self.sql_virtual_machine(resource, id),
            ElementId::PrivateEndpoint(id) => self.private_endpoint(resource, id),
            ElementId::StorageAccount(id) => self.storage_account(resource, id),
        }
    }

    /// Applies an association resource, or a resource that sets attributes of another element,
    /// to the elements it modifies.
    fn associate(&mut self, resource: &Resource<'a>) {
        match resource.decl.rtype {
            "azurerm_virtual_network_dns_servers" => self.vnet_dns_servers(resource),
            "azurerm_storage_account_network_rules" => self.storage_network_rules(resource),
            rtype => {
                if let Some(association) = association::ASSOCIATIONS
                    .iter()
                    .find(|association| association.resource_type == rtype)
                {
                    self.apply_association(resource, association);
                }
            }
        }
    }

    /// The span of a resource's whole block.
    fn block_span(&self, resource: &Resource<'a>) -> Span {
        self.span(&resource.env, resource.decl.block.span.clone())
    }
}
