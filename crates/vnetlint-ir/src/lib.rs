//! The network model every frontend lowers into and every check reads: plain values in
//! id-indexed arenas, each element and attribute carrying its provenance.
//!
//! Architecture invariant: the IR knows nothing of HCL or JSON syntax. Attribute values are kept
//! as the text Azure would receive (`"22"`, `"1000-2000"`, `"VirtualNetwork"`), so that the engine,
//! not each frontend, decides what is valid, and so that a check can point at the exact attribute.
//! A value a frontend could not resolve is `Val::Unknown` with a reason, never a guess.

use std::fmt;

pub use vnetlint_source::{FileId, Span, TextRange};

mod ids;
pub use ids::*;
mod lowering;
pub use lowering::{Allocate, Association, Empty, Named, by_name, first_wins, push_item};
mod services;
pub use services::{FirewallModel, ServiceKind};
mod entry;
pub use entry::{
    AdminRule, AdminRuleCollection, AppGatewayBackendPool, AppGatewayBackendSettings,
    AppGatewayListener, AppGatewayRoutingRule, ApplicationGateway, LbBackendPool, LbFrontend,
    LbNatRule, LbProbe, LbRule, LoadBalancer, NetworkGroup, NetworkManager,
    NetworkManagerDeployment, SecurityAdminConfiguration,
};
mod routing;
pub use routing::{
    Firewall, FirewallIpConfiguration, FirewallPolicy, FirewallRule, FirewallRuleCollection,
    FirewallRuleCollectionGroup, FirewallRuleKind, IpGroup, NatGateway, RuleCollectionOwner,
};

/// How an attribute got its value. Checks use it to point at the literal that set a value
/// (for example a variable default) in addition to the use site.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// Written literally at the attribute.
    #[default]
    Literal,
    /// Not written; the value is the provider's or Azure's default, and the span is the owning block.
    Default,
    /// Computed from other places, listed from the use site outwards to where the value was set.
    Derived(Vec<Span>),
}

/// A symbolic reference to an attribute Azure computes at deployment, such as the
/// `ip_address` of `azurerm_public_ip.sql`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    /// Logical address of the referenced element (`azurerm_public_ip.sql`, an ARM resource id).
    pub address: String,
    /// The attribute path on that element (`ip_address`, `properties.ipAddress`, `id`).
    pub attribute: String,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.address, self.attribute)
    }
}

/// A value that could not be resolved statically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// Why, in words a user understands (`variable "allowed" has no value`).
    pub reason: String,
    /// What it stands for, when it is a computed attribute of a known element.
    pub reference: Option<Reference>,
}

impl Unknown {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            reference: None,
        }
    }

    pub fn reference(reference: Reference, reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            reference: Some(reference),
        }
    }
}

/// A resolved value or the reason it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val<T> {
    Known(T),
    Unknown(Unknown),
}

impl<T> Val<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Val::Known(v) => Some(v),
            Val::Unknown(_) => None,
        }
    }

    pub fn unknown(&self) -> Option<&Unknown> {
        match self {
            Val::Known(_) => None,
            Val::Unknown(u) => Some(u),
        }
    }
}

/// An attribute value with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr<T> {
    pub value: Val<T>,
    /// The attribute's value expression (for a default: the owning block).
    pub span: Span,
    pub origin: Origin,
}

impl<T> Attr<T> {
    pub fn known(value: T, span: Span) -> Self {
        Self {
            value: Val::Known(value),
            span,
            origin: Origin::Literal,
        }
    }

    pub fn unknown(unknown: Unknown, span: Span) -> Self {
        Self {
            value: Val::Unknown(unknown),
            span,
            origin: Origin::Literal,
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.known()
    }
}

/// A list attribute: the list itself may be unknown, and so may each element.
pub type AttrList<T> = Attr<Vec<Attr<T>>>;

/// A string made of literal text and symbolic parts, such as a connection string
/// `"Server=tcp:${azurerm_public_ip.sql.ip_address},1433;"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Literal(String),
    Reference(Reference),
    Unknown(String),
}

impl Template {
    pub fn literal(text: impl Into<String>) -> Self {
        Self {
            parts: vec![TemplatePart::Literal(text.into())],
        }
    }

    /// The whole text when every part is literal.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Reference(_) | TemplatePart::Unknown(_) => return None,
            }
        }
        Some(out)
    }
}

/// What every element carries: its logical address and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// `azurerm_network_security_group.backend`, `module.x.azurerm_subnet.app[0]`, or an ARM resource id.
    pub address: String,
    /// The whole element (resource block, inline block, ARM resource object).
    pub span: Span,
    /// The Azure resource name, when the element has one.
    pub name: Option<Attr<String>>,
}

impl Meta {
    pub fn new(address: impl Into<String>, span: Span) -> Self {
        Self {
            address: address.into(),
            span,
            name: None,
        }
    }

    /// The Azure name if known, else the logical address; for messages.
    pub fn display_name(&self) -> &str {
        self.name
            .as_ref()
            .and_then(Attr::get)
            .map_or(self.address.as_str(), String::as_str)
    }
}

/// The whole network described by the scanned templates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    pub vnets: Vec<Vnet>,
    pub subnets: Vec<Subnet>,
    pub nsgs: Vec<Nsg>,
    pub security_rules: Vec<SecurityRule>,
    pub asgs: Vec<Asg>,
    pub nics: Vec<Nic>,
    pub public_ips: Vec<PublicIp>,
    pub vms: Vec<Vm>,
    pub route_tables: Vec<RouteTable>,
    pub peerings: Vec<Peering>,
    pub firewalls: Vec<Firewall>,
    pub firewall_policies: Vec<FirewallPolicy>,
    pub firewall_rule_collection_groups: Vec<FirewallRuleCollectionGroup>,
    pub ip_groups: Vec<IpGroup>,
    pub nat_gateways: Vec<NatGateway>,
    pub load_balancers: Vec<LoadBalancer>,
    pub lb_backend_pools: Vec<LbBackendPool>,
    pub lb_rules: Vec<LbRule>,
    pub lb_nat_rules: Vec<LbNatRule>,
    pub lb_probes: Vec<LbProbe>,
    pub application_gateways: Vec<ApplicationGateway>,
    pub network_managers: Vec<NetworkManager>,
    pub network_groups: Vec<NetworkGroup>,
    pub security_admin_configurations: Vec<SecurityAdminConfiguration>,
    pub admin_rule_collections: Vec<AdminRuleCollection>,
    pub admin_rules: Vec<AdminRule>,
    pub network_manager_deployments: Vec<NetworkManagerDeployment>,
    pub vnet_gateways: Vec<VnetGateway>,
    pub local_gateways: Vec<LocalGateway>,
    pub gateway_connections: Vec<GatewayConnection>,
    pub ases: Vec<Ase>,
    pub service_plans: Vec<ServicePlan>,
    pub web_apps: Vec<WebApp>,
    pub sql_servers: Vec<SqlServer>,
    pub sql_firewall_rules: Vec<SqlFirewallRule>,
    pub sql_virtual_machines: Vec<SqlVirtualMachine>,
    pub private_endpoints: Vec<PrivateEndpoint>,
    pub storage_accounts: Vec<StorageAccount>,
    pub data_services: Vec<DataService>,
    pub service_firewall_rules: Vec<ServiceFirewallRule>,
    pub express_route_circuits: Vec<ExpressRouteCircuit>,
    /// What a Terraform plan changes (`resource_changes`); empty for a configuration or an ARM
    /// template, which say what should exist, not what changes.
    pub changes: Vec<PlannedChange>,
}

/// One entry of a plan's `resource_changes`: what is about to change on one resource, with the
/// before and after values of the attributes checks reason about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    /// The resource instance address (`module.net.azurerm_virtual_network.hub`).
    pub address: String,
    /// The resource type (`azurerm_virtual_network`).
    pub resource_type: String,
    /// Terraform's actions: `["no-op"]`, `["create"]`, `["update"]`, `["delete"]`,
    /// `["delete", "create"]` or `["create", "delete"]` (replace), `["read"]`.
    pub actions: Vec<String>,
    /// The element the change applies to, when it is in this network (for
    /// `azurerm_virtual_network_dns_servers`: the virtual network it sets).
    pub element: Option<ElementId>,
    /// `dns_servers` of a virtual network (or of `azurerm_virtual_network_dns_servers`) before
    /// and after the change; `None`: absent, null, or unknown until apply.
    pub before_dns_servers: Option<Vec<String>>,
    pub after_dns_servers: Option<Vec<String>>,
    /// The resource (its `.tf` block when the configuration was read, else the change object
    /// in the plan JSON).
    pub span: Span,
}

/// `azurerm_virtual_network` / `Microsoft.Network/virtualNetworks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vnet {
    pub meta: Meta,
    pub address_space: Option<AttrList<String>>,
    pub dns_servers: Option<AttrList<String>>,
}

/// A subnet, inline in a virtual network or standalone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    pub meta: Meta,
    pub vnet: Option<Attr<VnetId>>,
    pub address_prefixes: Option<AttrList<String>>,
    /// The NSG association; the span is where the association is written.
    pub nsg: Option<Attr<NsgId>>,
    pub route_table: Option<Attr<RouteTableId>>,
    /// Delegated service names such as `Microsoft.Web/hostingEnvironments`.
    pub delegations: Vec<Attr<String>>,
    pub service_endpoints: Option<AttrList<String>>,
    /// `azurerm_subnet_nat_gateway_association` / the subnet's `natGateway.id`.
    pub nat_gateway: Option<Attr<NatGatewayId>>,
    /// Which policies apply to private endpoints in the subnet, normalized to `Disabled`,
    /// `Enabled`, `NetworkSecurityGroupEnabled` or `RouteTableEnabled` (azurerm 4
    /// `private_endpoint_network_policies`; azurerm 3's boolean
    /// `private_endpoint_network_policies_enabled` as `Enabled`/`Disabled`; ARM
    /// `privateEndpointNetworkPolicies`). `None`: not written, which means `Disabled`.
    pub private_endpoint_network_policies: Option<Attr<String>>,
}

/// Which template language an element was written in; some validation differs
/// (Terraform rejects `TCP` where ARM accepts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dialect {
    Terraform,
    Arm,
}

/// Whether a rule was written inside its NSG or as a separate resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleStyle {
    Inline,
    Standalone,
}

/// `azurerm_network_security_group` / `Microsoft.Network/networkSecurityGroups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nsg {
    pub meta: Meta,
    /// Every rule that targets this NSG, inline and standalone, in declaration order.
    pub rules: Vec<RuleId>,
    /// Whether the NSG is in the scanned templates or stands in for one that is not.
    pub origin: NsgOrigin,
}

impl Nsg {
    /// Whether the NSG stands in for one defined outside the scanned templates: it holds
    /// Azure's default rules and the standalone rules the templates add, not its own.
    pub fn is_stand_in(&self) -> bool {
        self.origin != NsgOrigin::Declared
    }
}

/// Where an NSG is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum NsgOrigin {
    /// Declared in the scanned templates.
    #[default]
    Declared,
    /// An ARM resource marked `existing`: deployed by other means, its own rules unknown. The
    /// element stands in for it so that child rules the template adds are evaluated.
    Existing,
    /// Named only by standalone rules that add to it (a Terraform
    /// `network_security_group_name` that matches no NSG of the scanned modules, the absent
    /// parent of an ARM child rule): the element stands in for it.
    Missing,
}

/// One custom security rule. Values are raw text as Azure receives them; the engine validates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRule {
    pub meta: Meta,
    pub dialect: Dialect,
    pub style: RuleStyle,
    /// The NSG the rule belongs to (always known for inline rules).
    pub nsg: Option<Attr<NsgId>>,
    pub priority: Option<Attr<String>>,
    pub direction: Option<Attr<String>>,
    pub access: Option<Attr<String>>,
    pub protocol: Option<Attr<String>>,
    pub source_port_range: Option<Attr<String>>,
    pub source_port_ranges: Option<AttrList<String>>,
    pub destination_port_range: Option<Attr<String>>,
    pub destination_port_ranges: Option<AttrList<String>>,
    pub source_address_prefix: Option<Attr<String>>,
    pub source_address_prefixes: Option<AttrList<String>>,
    pub destination_address_prefix: Option<Attr<String>>,
    pub destination_address_prefixes: Option<AttrList<String>>,
    pub source_asgs: Option<AttrList<AsgId>>,
    pub destination_asgs: Option<AttrList<AsgId>>,
}

impl SecurityRule {
    /// A rule with every attribute absent; frontends fill in what is written.
    pub fn new(meta: Meta, dialect: Dialect, style: RuleStyle) -> Self {
        Self {
            meta,
            dialect,
            style,
            nsg: None,
            priority: None,
            direction: None,
            access: None,
            protocol: None,
            source_port_range: None,
            source_port_ranges: None,
            destination_port_range: None,
            destination_port_ranges: None,
            source_address_prefix: None,
            source_address_prefixes: None,
            destination_address_prefix: None,
            destination_address_prefixes: None,
            source_asgs: None,
            destination_asgs: None,
        }
    }
}

/// `azurerm_application_security_group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asg {
    pub meta: Meta,
}

/// `azurerm_network_interface`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nic {
    pub meta: Meta,
    pub ip_configurations: Vec<IpConfiguration>,
    pub nsg: Option<Attr<NsgId>>,
    pub dns_servers: Option<AttrList<String>>,
    /// Whether the NIC forwards packets not addressed to it (an appliance): azurerm 4
    /// `ip_forwarding_enabled`, azurerm 3 `enable_ip_forwarding`, ARM `enableIPForwarding`.
    /// `None`: not written, which means off.
    pub ip_forwarding: Option<Attr<bool>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpConfiguration {
    pub span: Span,
    pub name: Option<Attr<String>>,
    pub subnet: Option<Attr<SubnetId>>,
    /// `Static` or `Dynamic`.
    pub allocation: Option<Attr<String>>,
    pub private_ip: Option<Attr<String>>,
    pub public_ip: Option<Attr<PublicIpId>>,
    pub asgs: Vec<Attr<AsgId>>,
    /// Load balancer backend pools this configuration is a member of (the NIC's
    /// `load_balancer_backend_address_pools_ids`, `azurerm_network_interface_backend_address_
    /// pool_association`, ARM `loadBalancerBackendAddressPools`).
    pub lb_backend_pools: Vec<Attr<LbBackendPoolId>>,
    /// Inbound NAT rules that lead to this configuration
    /// (`azurerm_network_interface_nat_rule_association`, ARM `loadBalancerInboundNatRules`).
    pub lb_nat_rules: Vec<Attr<LbNatRuleId>>,
}

/// `azurerm_public_ip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicIp {
    pub meta: Meta,
    pub sku: Option<Attr<String>>,
    pub allocation: Option<Attr<String>>,
    /// Usually computed by Azure: `Unknown` with a reference to this element's address.
    pub ip_address: Option<Attr<String>>,
}

/// A virtual machine (any of the azurerm VM resources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vm {
    pub meta: Meta,
    pub nics: Vec<Attr<NicId>>,
}

/// `azurerm_route_table` and its routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTable {
    pub meta: Meta,
    /// Inline `route` blocks and standalone `azurerm_route` / `routeTables/routes`, in order.
    pub routes: Vec<Route>,
    /// Whether routes learned by a virtual network gateway are propagated to the subnets of
    /// this table: azurerm 4 `bgp_route_propagation_enabled`, azurerm 3
    /// `disable_bgp_route_propagation` (negated), ARM `disableBgpRoutePropagation` (negated).
    /// `None`: not written, which means on.
    pub gateway_propagation: Option<Attr<bool>>,
}

/// One user-defined route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub span: Span,
    /// Logical address for findings (`azurerm_route_table.spoke.route["to-firewall"]`,
    /// `azurerm_route.x`, an ARM resource id).
    pub address: String,
    pub name: Option<Attr<String>>,
    pub address_prefix: Option<Attr<String>>,
    pub next_hop_type: Option<Attr<String>>,
    pub next_hop_ip: Option<Attr<String>>,
}

/// One direction of a virtual network peering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peering {
    pub meta: Meta,
    pub vnet: Option<Attr<VnetId>>,
    pub remote_vnet: Option<Attr<VnetId>>,
    pub allow_virtual_network_access: Option<Attr<bool>>,
    pub allow_forwarded_traffic: Option<Attr<bool>>,
    pub allow_gateway_transit: Option<Attr<bool>>,
    pub use_remote_gateways: Option<Attr<bool>>,
}

/// `azurerm_virtual_network_gateway`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VnetGateway {
    pub meta: Meta,
    /// `Vpn` or `ExpressRoute`.
    pub gateway_type: Option<Attr<String>>,
    pub subnet: Option<Attr<SubnetId>>,
}

/// `azurerm_local_network_gateway`: an on-premises site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalGateway {
    pub meta: Meta,
    pub address_space: Option<AttrList<String>>,
    pub gateway_address: Option<Attr<String>>,
}

/// `azurerm_virtual_network_gateway_connection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConnection {
    pub meta: Meta,
    /// `IPsec`, `ExpressRoute` or `Vnet2Vnet`.
    pub connection_type: Option<Attr<String>>,
    pub gateway: Option<Attr<VnetGatewayId>>,
    pub local_gateway: Option<Attr<LocalGatewayId>>,
    pub peer_gateway: Option<Attr<VnetGatewayId>>,
}

/// App Service Environment version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AseVersion {
    V1,
    V2,
    V3,
}

/// An App Service Environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ase {
    pub meta: Meta,
    pub version: Option<Attr<AseVersion>>,
    pub subnet: Option<Attr<SubnetId>>,
    pub internal_load_balancing_mode: Option<Attr<String>>,
}

/// An App Service plan (`azurerm_service_plan`, `azurerm_app_service_plan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePlan {
    pub meta: Meta,
    pub ase: Option<Attr<AseId>>,
    pub sku: Option<Attr<String>>,
}

/// A web or function app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebApp {
    pub meta: Meta,
    pub plan: Option<Attr<ServicePlanId>>,
    pub vnet_integration_subnet: Option<Attr<SubnetId>>,
    pub connection_strings: Vec<ConnectionString>,
    pub app_settings: Vec<AppSetting>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionString {
    pub span: Span,
    pub name: Option<Attr<String>>,
    /// `SQLServer`, `SQLAzure`, `MySQL`, …
    pub kind: Option<Attr<String>>,
    pub value: Option<Attr<Template>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSetting {
    pub span: Span,
    pub name: String,
    pub value: Attr<Template>,
}

/// `azurerm_mssql_server` / `Microsoft.Sql/servers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlServer {
    pub meta: Meta,
    pub public_network_access: Option<Attr<bool>>,
    /// Subnets admitted through a service endpoint (`azurerm_mssql_virtual_network_rule`,
    /// `servers/virtualNetworkRules`).
    pub subnets: Option<AttrList<SubnetId>>,
}

/// A server-level SQL firewall rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlFirewallRule {
    pub meta: Meta,
    pub server: Option<Attr<SqlServerId>>,
    pub start_ip: Option<Attr<String>>,
    pub end_ip: Option<Attr<String>>,
}

/// `azurerm_mssql_virtual_machine` / `Microsoft.SqlVirtualMachine/sqlVirtualMachines`: SQL Server
/// settings of a virtual machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlVirtualMachine {
    pub meta: Meta,
    pub vm: Option<Attr<VmId>>,
    /// `sql_connectivity_port`, 1433 when not written.
    pub port: Option<Attr<String>>,
    /// `LOCAL`, `PRIVATE` or `PUBLIC`.
    pub connectivity_type: Option<Attr<String>>,
}

/// `azurerm_private_endpoint` / `Microsoft.Network/privateEndpoints`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateEndpoint {
    pub meta: Meta,
    pub subnet: Option<Attr<SubnetId>>,
    /// The resource the endpoint connects to (`private_connection_resource_id`), symbolic.
    pub target: Option<Attr<Reference>>,
    /// Sub-resource names such as `sqlServer` or `blob`.
    pub group_ids: Option<AttrList<String>>,
    pub private_ip: Option<Attr<String>>,
}

/// `azurerm_storage_account` and its network rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageAccount {
    pub meta: Meta,
    pub public_network_access: Option<Attr<bool>>,
    /// `Allow` or `Deny`.
    pub default_action: Option<Attr<String>>,
    pub bypass: Option<AttrList<String>>,
    pub ip_rules: Option<AttrList<String>>,
    pub subnets: Option<AttrList<SubnetId>>,
}

/// A data or secret store other than a SQL server or a storage account (which keep their own
/// arenas): a PostgreSQL, MySQL or MariaDB server, a Synapse workspace, a Redis cache, a Cosmos DB
/// account, a key vault, a container registry, an Event Hubs or Service Bus namespace, a search
/// service, a Cognitive Services account or an App Configuration store. What its settings mean
/// depends on its `kind` (`ServiceKind::firewall`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataService {
    pub meta: Meta,
    pub kind: ServiceKind,
    /// Whether the public endpoint answers; once lowered, always set: to the provider's default
    /// (`Origin::Default`) when not written (`Network::fill_service_defaults`).
    pub public_network_access: Option<Attr<bool>>,
    /// The subnet the service is deployed into (a flexible server's delegated subnet, a Redis
    /// cache's subnet): such a service has no public endpoint unless one is turned on.
    pub delegated_subnet: Option<Attr<SubnetId>>,
    /// `Allow` or `Deny`, for the services whose network rules have a default action; once
    /// lowered, `Allow` (`Origin::Default`) when no network rules are written.
    pub default_action: Option<Attr<String>>,
    pub bypass: Option<AttrList<String>>,
    /// The addresses and CIDR ranges admitted (`ip_rules`, `ip_range_filter`, `allowed_ips`).
    pub ip_rules: Option<AttrList<String>>,
    /// The subnets admitted through a service endpoint (virtual network rules).
    pub subnets: Option<AttrList<SubnetId>>,
    /// Cosmos DB's `is_virtual_network_filter_enabled`: the virtual network rules apply.
    pub virtual_network_filter: Option<Attr<bool>>,
}

/// A server-level firewall rule (a start and an end address) of a `DataService`: PostgreSQL,
/// MySQL, MariaDB, Synapse or Redis. Azure SQL's are `SqlFirewallRule`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFirewallRule {
    pub meta: Meta,
    /// The kind of service the rule belongs to, known from the rule's own type even when the
    /// service is not.
    pub kind: ServiceKind,
    pub service: Option<Attr<DataServiceId>>,
    pub start_ip: Option<Attr<String>>,
    pub end_ip: Option<Attr<String>>,
}

/// `azurerm_express_route_circuit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressRouteCircuit {
    pub meta: Meta,
    pub service_provider: Option<Attr<String>>,
    pub peering_location: Option<Attr<String>>,
}
