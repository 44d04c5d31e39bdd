//! Lowering of evaluated ARM resource instances into the IR, in two passes: allocate one element
//! per modelled resource (and per inline subnet and peering, which other resources link to by
//! id), then fill every element's attributes and links. Property names match
//! case-insensitively, as the samples Microsoft ships rely on.
//!
//! This module is the driver: the resource types it models, the passes and the dispatch to one
//! file per element family (`network`, `nsg`, `nic`, `public_ip`, `route`, `firewall`, `gateway`,
//! `load_balancer`, `app_gateway`, `network_manager`, `ase`, `web`, `paas`, `data`,
//! `association`), named as in the Terraform frontend; `read` shapes
//! values into IR attribute types and links by id. What does not depend on JSON (empty
//! elements, defaults, how an association attaches) is in `vnetlint-ir` (its `lowering` module).

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
mod public_ip;
mod read;
mod route;
mod web;

use std::borrow::Cow;

use vnetlint_ir::{
    AdminRuleCollection, Allocate, ApplicationGateway, ArenaId, Ase, Asg, Attr, ElementId,
    Firewall, FirewallPolicy, GatewayConnection, IpGroup, LbBackendPool, LbNatRule, LoadBalancer,
    LocalGateway, Meta, NatGateway, Network, NetworkGroup, NetworkManager, Nic, Nsg, Peering,
    PrivateEndpoint, PublicIp, RouteTable, SecurityAdminConfiguration, ServicePlan, Span,
    SqlFirewallRule, SqlServer, SqlVirtualMachine, StorageAccount, Subnet, Val, Vm, Vnet,
    VnetGateway, WebApp,
};

use crate::template::Instance;
use crate::value::{Kind, Value};
use read::Targets;

const VNET: &str = "microsoft.network/virtualnetworks";
const SUBNET: &str = "microsoft.network/virtualnetworks/subnets";
const PEERING: &str = "microsoft.network/virtualnetworks/virtualnetworkpeerings";
const NSG: &str = "microsoft.network/networksecuritygroups";
pub(super) const RULE: &str = "microsoft.network/networksecuritygroups/securityrules";
const ROUTE: &str = "microsoft.network/routetables/routes";
const SITE_CONFIG: &str = "microsoft.web/sites/config";
const LOAD_BALANCER: &str = "microsoft.network/loadbalancers";

/// The element a modelled resource type (lowercase) lowers to, `None` for a type vnetlint does
/// not model. Security rules, routes and firewall rule collection groups are not link targets
/// and are created by `fill`, so that rule ids follow declaration order with the inline rules.
fn allocator(rtype: &str) -> Option<Allocate> {
    let allocate: Allocate = match rtype {
        VNET => Network::add_empty::<Vnet>,
        SUBNET => Network::add_empty::<Subnet>,
        PEERING => Network::add_empty::<Peering>,
        NSG => Network::add_empty::<Nsg>,
        "microsoft.network/applicationsecuritygroups" => Network::add_empty::<Asg>,
        "microsoft.network/networkinterfaces" => Network::add_empty::<Nic>,
        "microsoft.compute/virtualmachines" => Network::add_empty::<Vm>,
        "microsoft.network/publicipaddresses" => Network::add_empty::<PublicIp>,
        "microsoft.network/routetables" => Network::add_empty::<RouteTable>,
        "microsoft.network/natgateways" => Network::add_empty::<NatGateway>,
        "microsoft.network/azurefirewalls" => Network::add_empty::<Firewall>,
        "microsoft.network/firewallpolicies" => Network::add_empty::<FirewallPolicy>,
        "microsoft.network/ipgroups" => Network::add_empty::<IpGroup>,
        "microsoft.network/virtualnetworkgateways" => Network::add_empty::<VnetGateway>,
        "microsoft.network/localnetworkgateways" => Network::add_empty::<LocalGateway>,
        "microsoft.network/connections" => Network::add_empty::<GatewayConnection>,
        "microsoft.web/hostingenvironments" => Network::add_empty::<Ase>,
        "microsoft.web/serverfarms" => Network::add_empty::<ServicePlan>,
        "microsoft.web/sites" => Network::add_empty::<WebApp>,
        "microsoft.sql/servers" => Network::add_empty::<SqlServer>,
        "microsoft.sql/servers/firewallrules" => Network::add_empty::<SqlFirewallRule>,
        "microsoft.network/privateendpoints" => Network::add_empty::<PrivateEndpoint>,
        "microsoft.storage/storageaccounts" => Network::add_empty::<StorageAccount>,
        "microsoft.sqlvirtualmachine/sqlvirtualmachines" => Network::add_empty::<SqlVirtualMachine>,
        // Entry points and policy layers (issue 16); admin rules are created when filled.
        LOAD_BALANCER => Network::add_empty::<LoadBalancer>,
        "microsoft.network/loadbalancers/backendaddresspools" => {
            Network::add_empty::<LbBackendPool>
        }
        "microsoft.network/loadbalancers/inboundnatrules" => Network::add_empty::<LbNatRule>,
        "microsoft.network/applicationgateways" => Network::add_empty::<ApplicationGateway>,
        "microsoft.network/networkmanagers" => Network::add_empty::<NetworkManager>,
        "microsoft.network/networkmanagers/networkgroups" => Network::add_empty::<NetworkGroup>,
        "microsoft.network/networkmanagers/securityadminconfigurations" => {
            Network::add_empty::<SecurityAdminConfiguration>
        }
        "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections" => {
            Network::add_empty::<AdminRuleCollection>
        }
        // The other data services and their firewall rules, by kind.
        _ => return data::allocator(rtype),
    };
    Some(allocate)
}

/// Whether resources of `rtype` lower into the network (an element, or something attached to
/// one): an unknown condition or copy count matters only for those.
pub(crate) fn lowers(rtype: &str) -> bool {
    let rtype = rtype.to_ascii_lowercase();
    allocator(&rtype).is_some()
        || matches!(
            rtype.as_str(),
            RULE | ROUTE
                | firewall::RULE_COLLECTION_GROUP
                | SITE_CONFIG
                | paas::SQL_VIRTUAL_NETWORK_RULE
                | network_manager::STATIC_MEMBER
                | network_manager::ADMIN_RULE
                | network_manager::POLICY_DEFINITION
        )
        || data::is_rule_set(&rtype)
}

pub(crate) fn lower(instances: &[Instance]) -> Network {
    let mut lowerer = Lowerer {
        network: Network::default(),
        targets: Targets::default(),
    };
    // A resource marked `existing` is not in the template; it only names the parent of the
    // child resources that are (see `nsg::stand_ins`).
    let elements: Vec<Option<ElementId>> = instances
        .iter()
        .map(|instance| (!instance.existing).then(|| lowerer.allocate(instance))?)
        .collect();
    nsg::stand_ins(instances, &mut lowerer.targets, &mut lowerer.network);
    for (instance, element) in instances.iter().zip(elements) {
        if !instance.existing {
            lowerer.fill(instance, element);
        }
    }
    lowerer.network.order_nsg_rules();
    lowerer.network.fill_service_defaults();
    lowerer.network
}

/// The state of one lowering.
struct Lowerer {
    network: Network,
    /// The elements by address, apart from the network so that a family can write an element
    /// while it resolves links.
    targets: Targets,
}

/// One resource instance being filled: what the families read.
struct Resource<'r> {
    instance: &'r Instance,
    /// The resource type, lowercase.
    rtype: String,
    /// The resource's `properties`, or an empty object.
    properties: Cow<'r, Value>,
    /// The elements links resolve to.
    targets: &'r Targets,
}

impl Resource<'_> {
    /// The property at a path (`["subnet", "id"]`), ignoring case.
    fn get(&self, path: &[&str]) -> Option<&Value> {
        self.properties.path(path)
    }

    /// A link by the resource id at a path of the properties.
    fn link<I: ArenaId>(&self, path: &[&str]) -> Option<Attr<I>> {
        self.targets.link(self.get(path))
    }

    /// A link to the parent of a child resource (a rule's NSG, a subnet's VNet).
    fn parent<I: ArenaId>(&self) -> Attr<I> {
        let parent = parent_address(&self.instance.address);
        self.targets.link_address(&parent, self.instance.span)
    }

    /// The NSG standing in for the parent of a child rule, when the parent is not in the
    /// template.
    fn parent_stand_in(&self) -> Option<vnetlint_ir::NsgId> {
        self.targets
            .stand_in_at(&parent_address(&self.instance.address))
    }

    /// The element of the parent of a child resource, when it is in the template.
    fn parent_element(&self) -> Option<ElementId> {
        self.targets
            .element_at(&parent_address(&self.instance.address))
    }
}

/// The `properties` of a resource or of an inline element (a subnet, a rule); when absent, an
/// empty object at `span`, so that every property reads as not written.
fn props(value: &Value, span: Span) -> Cow<'_, Value> {
    match value.get("properties") {
        Some(properties) => Cow::Borrowed(properties),
        None => Cow::Owned(Value::new(Kind::Object(Vec::new()), span)),
    }
}

/// The parent's address of a child resource address (two segments up).
pub(super) fn parent_address(address: &str) -> String {
    let mut parts: Vec<&str> = address.split('/').collect();
    parts.truncate(parts.len().saturating_sub(2));
    parts.join("/")
}

/// The element metadata of a resource: its address and its own name.
fn meta(instance: &Instance) -> Meta {
    let mut name = read::shape_string(&instance.name);
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

impl Lowerer {
    fn allocate(&mut self, instance: &Instance) -> Option<ElementId> {
        let rtype = instance.rtype.to_ascii_lowercase();
        if let Some(existing) = self.targets.element_at(&instance.address) {
            // A child resource that an inline declaration already created (or a duplicate).
            return Some(existing);
        }
        let allocate = allocator(&rtype)?;
        let id = allocate(&mut self.network, meta(instance));
        self.targets.register(&instance.address, id);
        if let ElementId::Vnet(vnet) = id {
            self.allocate_inline(instance, vnet);
        }
        if let ElementId::LoadBalancer(lb) = id {
            self.allocate_load_balancer_inline(instance, lb);
        }
        Some(id)
    }

    fn fill(&mut self, instance: &Instance, element: Option<ElementId>) {
        let resource = Resource {
            instance,
            rtype: instance.rtype.to_ascii_lowercase(),
            properties: props(&instance.body, instance.span),
            targets: &self.targets,
        };
        let net = &mut self.network;
        match resource.rtype.as_str() {
            RULE => return nsg::standalone_rule(&resource, net),
            ROUTE => return route::child_route(&resource, net),
            firewall::RULE_COLLECTION_GROUP => {
                return firewall::rule_collection_group(&resource, net);
            }
            SITE_CONFIG => return web::site_config(&resource, net),
            paas::SQL_VIRTUAL_NETWORK_RULE => {
                return paas::sql_virtual_network_rule(&resource, net);
            }
            network_manager::STATIC_MEMBER => {
                return network_manager::static_member(&resource, net);
            }
            network_manager::ADMIN_RULE => return network_manager::admin_rule(&resource, net),
            network_manager::POLICY_DEFINITION => {
                return network_manager::policy_definition(&resource, net);
            }
            rtype if data::is_rule_set(rtype) => return data::network_rule_set(&resource, net),
            _ => {}
        }
        let Some(element) = element else {
            return;
        };
        match element {
            // Rules are created above or by their NSG; ASGs and network managers have nothing
            // beyond their name; no ARM type lowers to an ExpressRoute circuit yet, nor to
            // elements created by their parent (load-balancing rules, probes, admin rules) or a
            // commit (a deployment: see `network_manager`).
            ElementId::SecurityRule(_)
            | ElementId::Asg(_)
            | ElementId::ExpressRouteCircuit(_)
            | ElementId::NetworkManager(_)
            | ElementId::LbRule(_)
            | ElementId::LbProbe(_)
            | ElementId::AdminRule(_)
            | ElementId::NetworkManagerDeployment(_)
            | ElementId::FirewallRuleCollectionGroup(_) => {}
            // Families that create or fill inline children.
            ElementId::Vnet(id) => network::vnet(&resource, net, id),
            ElementId::Subnet(id) => network::subnet(&resource, net, id),
            ElementId::Nsg(id) => nsg::nsg(&resource, net, id),
            ElementId::LoadBalancer(id) => load_balancer::load_balancer(&resource, net, id),
            ElementId::Firewall(id) => firewall::firewall(&resource, net, id),
            // Families that fill one element from its resource.
            ElementId::Peering(id) => network::peering(&resource, &mut net[id]),
            ElementId::Nic(id) => nic::nic(&resource, &mut net[id]),
            ElementId::Vm(id) => nic::vm(&resource, &mut net[id]),
            ElementId::PublicIp(id) => public_ip::public_ip(&resource, &mut net[id]),
            ElementId::RouteTable(id) => route::route_table(&resource, &mut net[id]),
            ElementId::NatGateway(id) => route::nat_gateway(&resource, &mut net[id]),
            ElementId::FirewallPolicy(id) => firewall::policy(&resource, &mut net[id]),
            ElementId::IpGroup(id) => firewall::ip_group(&resource, &mut net[id]),
            ElementId::VnetGateway(id) => gateway::vnet_gateway(&resource, &mut net[id]),
            ElementId::LocalGateway(id) => gateway::local_gateway(&resource, &mut net[id]),
            ElementId::GatewayConnection(id) => gateway::connection(&resource, &mut net[id]),
            ElementId::PrivateEndpoint(id) => paas::private_endpoint(&resource, &mut net[id]),
            ElementId::Ase(id) => ase::ase(&resource, &mut net[id]),
            ElementId::ServicePlan(id) => ase::service_plan(&resource, &mut net[id]),
            ElementId::WebApp(id) => web::web_app(&resource, &mut net[id]),
            ElementId::SqlServer(id) => paas::sql_server(&resource, &mut net[id]),
            ElementId::SqlFirewallRule(id) => paas::sql_firewall_rule(&resource, &mut net[id]),
            ElementId::SqlVirtualMachine(id) => paas::sql_virtual_machine(&resource, &mut net[id]),
            ElementId::StorageAccount(id) => paas::storage_account(&resource, &mut net[id]),
            ElementId::DataService(id) => data::data_service(&resource, &mut net[id]),
            ElementId::ServiceFirewallRule(id) => data::firewall_rule(&resource, &mut net[id]),
            ElementId::LbBackendPool(id) => load_balancer::backend_pool(&resource, &mut net[id]),
            ElementId::LbNatRule(id) => load_balancer::nat_rule(&resource, &mut net[id]),
            ElementId::ApplicationGateway(id) => {
                app_gateway::application_gateway(&resource, &mut net[id]);
            }
            ElementId::NetworkGroup(id) => {
                network_manager::network_group(&resource, &mut net[id]);
            }
            ElementId::SecurityAdminConfiguration(id) => {
                network_manager::security_admin_configuration(&resource, &mut net[id]);
            }
            ElementId::AdminRuleCollection(id) => {
                network_manager::admin_rule_collection(&resource, &mut net[id]);
            }
        }
    }
}
