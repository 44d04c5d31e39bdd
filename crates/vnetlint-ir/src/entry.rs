//! The ways in and the layers on the way (issue 16): load balancers and their pools, rules, NAT
//! rules and probes; Application Gateways as reverse proxies; Virtual Network Manager's network
//! groups, security admin configurations, rule collections, admin rules and deployments. Values
//! are raw text as the templates write them; the engine parses and validates them.

use crate::{
    AdminRuleCollectionId, Attr, AttrList, LbBackendPoolId, LbProbeId, LoadBalancerId, Meta,
    NetworkGroupId, NetworkManagerId, PublicIpId, SecurityAdminConfigurationId, Span, SubnetId,
    VnetId,
};

/// `azurerm_lb` / `Microsoft.Network/loadBalancers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancer {
    pub meta: Meta,
    /// `Basic`, `Standard` or `Gateway`; `None`: not written, which azurerm and ARM both take
    /// as `Basic`.
    pub sku: Option<Attr<String>>,
    pub frontends: Vec<LbFrontend>,
}

/// One `frontend_ip_configuration`: public (a public IP) or internal (a subnet and address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbFrontend {
    pub span: Span,
    pub name: Option<Attr<String>>,
    pub public_ip: Option<Attr<PublicIpId>>,
    pub subnet: Option<Attr<SubnetId>>,
    pub private_ip: Option<Attr<String>>,
}

/// `azurerm_lb_backend_address_pool` / a `backendAddressPools` entry. Members are NIC ip
/// configurations that name the pool (`IpConfiguration::lb_backend_pools`) or pool addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbBackendPool {
    pub meta: Meta,
    pub load_balancer: Option<Attr<LoadBalancerId>>,
    /// Addresses of an IP-based pool (`azurerm_lb_backend_address_pool_address`,
    /// `loadBalancerBackendAddresses`).
    pub addresses: Option<AttrList<String>>,
}

/// `azurerm_lb_rule` / a `loadBalancingRules` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbRule {
    pub meta: Meta,
    pub load_balancer: Option<Attr<LoadBalancerId>>,
    /// The frontend by name (`frontend_ip_configuration_name`, or the name in an ARM id).
    pub frontend: Option<Attr<String>>,
    /// `Tcp`, `Udp` or `All`.
    pub protocol: Option<Attr<String>>,
    pub frontend_port: Option<Attr<String>>,
    pub backend_port: Option<Attr<String>>,
    pub backend_pools: Vec<Attr<LbBackendPoolId>>,
    pub probe: Option<Attr<LbProbeId>>,
    /// `floating_ip_enabled` / `enableFloatingIP`: the backend sees the frontend's address.
    pub floating_ip: Option<Attr<bool>>,
}

/// `azurerm_lb_nat_rule` / an `inboundNatRules` entry: one frontend port to one NIC's backend
/// port (or, with a port range and a pool, one port per pool member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbNatRule {
    pub meta: Meta,
    pub load_balancer: Option<Attr<LoadBalancerId>>,
    pub frontend: Option<Attr<String>>,
    pub protocol: Option<Attr<String>>,
    pub frontend_port: Option<Attr<String>>,
    /// `frontend_port_start`/`frontend_port_end` of a rule that maps a range onto a pool.
    pub frontend_port_start: Option<Attr<String>>,
    pub frontend_port_end: Option<Attr<String>>,
    pub backend_port: Option<Attr<String>>,
    /// The pool of a range rule (`backend_address_pool_id`).
    pub backend_pool: Option<Attr<LbBackendPoolId>>,
}

/// `azurerm_lb_probe` / a `probes` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbProbe {
    pub meta: Meta,
    pub load_balancer: Option<Attr<LoadBalancerId>>,
    /// `Tcp`, `Http`, `Https`.
    pub protocol: Option<Attr<String>>,
    pub port: Option<Attr<String>>,
}

/// `azurerm_application_gateway` / `Microsoft.Network/applicationGateways`: a reverse proxy in
/// its own subnet. Its backends see the gateway subnet's addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationGateway {
    pub meta: Meta,
    /// The subnet of `gateway_ip_configuration`.
    pub subnet: Option<Attr<SubnetId>>,
    /// Public frontends (`frontend_ip_configuration.public_ip_address_id`).
    pub public_ips: Vec<Attr<PublicIpId>>,
    pub listeners: Vec<AppGatewayListener>,
    pub backend_pools: Vec<AppGatewayBackendPool>,
    /// `backend_http_settings`: name and port.
    pub backend_settings: Vec<AppGatewayBackendSettings>,
    pub routing_rules: Vec<AppGatewayRoutingRule>,
}

/// An `http_listener` with its frontend port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGatewayListener {
    pub span: Span,
    pub name: Option<Attr<String>>,
    /// The frontend port's number (resolved through `frontend_port` by name).
    pub port: Option<Attr<String>>,
    /// `Http` or `Https`.
    pub protocol: Option<Attr<String>>,
    /// Whether the listener is on a public frontend.
    pub public: Option<Attr<bool>>,
}

/// A `backend_address_pool`: addresses and FQDNs, and NICs that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGatewayBackendPool {
    pub span: Span,
    pub name: Option<Attr<String>>,
    pub ip_addresses: Option<AttrList<String>>,
    pub fqdns: Option<AttrList<String>>,
}

/// A `backend_http_settings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGatewayBackendSettings {
    pub span: Span,
    pub name: Option<Attr<String>>,
    pub port: Option<Attr<String>>,
    pub protocol: Option<Attr<String>>,
}

/// A `request_routing_rule`: listener -> backend pool with settings, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGatewayRoutingRule {
    pub span: Span,
    pub name: Option<Attr<String>>,
    pub listener: Option<Attr<String>>,
    pub backend_pool: Option<Attr<String>>,
    pub backend_settings: Option<Attr<String>>,
}

/// `azurerm_network_manager` / `Microsoft.Network/networkManagers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkManager {
    pub meta: Meta,
}

/// `azurerm_network_manager_network_group` / `networkManagers/networkGroups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkGroup {
    pub meta: Meta,
    pub manager: Option<Attr<NetworkManagerId>>,
    /// Static members (`azurerm_network_manager_static_member`, `networkGroups/staticMembers`).
    pub static_members: Vec<Attr<VnetId>>,
    /// Members may also come from Azure Policy (dynamic membership), which the templates do not
    /// say: the group's membership is then not fully known.
    pub dynamic_membership: Option<Attr<bool>>,
}

/// `azurerm_network_manager_security_admin_configuration` /
/// `networkManagers/securityAdminConfigurations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityAdminConfiguration {
    pub meta: Meta,
    pub manager: Option<Attr<NetworkManagerId>>,
}

/// `azurerm_network_manager_admin_rule_collection` / `.../ruleCollections`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRuleCollection {
    pub meta: Meta,
    pub configuration: Option<Attr<SecurityAdminConfigurationId>>,
    pub network_groups: Vec<Attr<NetworkGroupId>>,
}

/// `azurerm_network_manager_admin_rule` / `.../rules` (kind `Custom`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRule {
    pub meta: Meta,
    pub collection: Option<Attr<AdminRuleCollectionId>>,
    /// 1-4096.
    pub priority: Option<Attr<String>>,
    /// `Inbound` / `Outbound`.
    pub direction: Option<Attr<String>>,
    /// `Allow`, `AlwaysAllow`, `Deny`.
    pub action: Option<Attr<String>>,
    /// `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah`, `Any`.
    pub protocol: Option<Attr<String>>,
    /// Prefixes or service tags (`address_prefix_type` `IPPrefix` / `ServiceTag`; the engine reads
    /// a tag by its name either way).
    pub sources: Option<AttrList<String>>,
    pub destinations: Option<AttrList<String>>,
    pub source_ports: Option<AttrList<String>>,
    pub destination_ports: Option<AttrList<String>>,
}

/// `azurerm_network_manager_deployment` with `scope_access = "SecurityAdmin"`: commits
/// security admin configurations (in ARM, a commit is not a template resource: a configuration
/// in a template is taken as committed, with a note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkManagerDeployment {
    pub meta: Meta,
    pub manager: Option<Attr<NetworkManagerId>>,
    /// `SecurityAdmin` or `Connectivity`.
    pub scope_access: Option<Attr<String>>,
    pub configurations: Vec<Attr<SecurityAdminConfigurationId>>,
}
