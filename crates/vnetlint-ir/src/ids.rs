//! Typed indices into the `Network` arenas, and the accessors that go with them.
//!
//! One macro declares each id type with its arena, its `ElementKind` and the `ArenaId` and
//! `Element` impls generic code (the frontends' links and allocation) goes through, so that
//! adding an element kind is one line here and one field in `Network`.

use crate::{
    AdminRule, AdminRuleCollection, ApplicationGateway, Ase, Asg, DataService, ExpressRouteCircuit,
    Firewall, FirewallPolicy, FirewallRuleCollectionGroup, GatewayConnection, IpGroup,
    LbBackendPool, LbNatRule, LbProbe, LbRule, LoadBalancer, LocalGateway, Meta, NatGateway,
    Network, NetworkGroup, NetworkManager, NetworkManagerDeployment, Nic, Nsg, Peering,
    PrivateEndpoint, PublicIp, RouteTable, SecurityAdminConfiguration, SecurityRule,
    ServiceFirewallRule, ServicePlan, SqlFirewallRule, SqlServer, SqlVirtualMachine,
    StorageAccount, Subnet, Vm, Vnet, VnetGateway, WebApp,
};

/// A typed index into one arena of the network (`NsgId`, `SubnetId`, ...).
pub trait ArenaId: Copy + Into<ElementId> {
    /// The kind of element the id indexes.
    const KIND: ElementKind;

    /// The typed id of an element of this kind; `None` for an element of another kind.
    fn from_element(element: ElementId) -> Option<Self>;
}

/// An element type with its arena in `Network`.
pub trait Element: Sized {
    type Id: ArenaId;

    /// Appends the element to its arena and returns its id.
    fn push_into(self, network: &mut Network) -> Self::Id;
}

macro_rules! arenas {
    ($($id:ident => $field:ident: $ty:ident, $kind:literal;)*) => {
        $(
            #[doc = concat!("Index of a `", stringify!($ty), "` in `Network::", stringify!($field), "`.")]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
            pub struct $id(pub u32);

            impl $id {
                pub fn index(self) -> usize {
                    self.0 as usize
                }
            }

            impl std::ops::Index<$id> for Network {
                type Output = $ty;
                fn index(&self, id: $id) -> &$ty {
                    &self.$field[id.index()]
                }
            }

            impl std::ops::IndexMut<$id> for Network {
                fn index_mut(&mut self, id: $id) -> &mut $ty {
                    &mut self.$field[id.index()]
                }
            }

            impl From<$id> for ElementId {
                fn from(id: $id) -> Self {
                    ElementId::$ty(id)
                }
            }

            impl ArenaId for $id {
                const KIND: ElementKind = ElementKind::$ty;

                fn from_element(element: ElementId) -> Option<Self> {
                    match element {
                        ElementId::$ty(id) => Some(id),
                        _ => None,
                    }
                }
            }

            impl Element for $ty {
                type Id = $id;

                fn push_into(self, network: &mut Network) -> $id {
                    let id = $id(u32::try_from(network.$field.len()).expect("fewer than 2^32 elements"));
                    network.$field.push(self);
                    id
                }
            }
        )*

        /// The kinds of element, one per arena.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ElementKind {
            $($ty,)*
        }

        impl ElementKind {
            /// A short lowercase name of the kind, for messages (`"network security group"`).
            pub fn name(self) -> &'static str {
                match self {
                    $(ElementKind::$ty => $kind,)*
                }
            }
        }

        /// Any element of the network, by kind and index.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ElementId {
            $($ty($id),)*
        }

        impl ElementId {
            /// The kind of the element.
            pub fn kind(self) -> ElementKind {
                match self {
                    $(ElementId::$ty(_) => ElementKind::$ty,)*
                }
            }

            /// A short lowercase name of the element kind, for messages.
            pub fn kind_name(self) -> &'static str {
                self.kind().name()
            }
        }

        impl Network {
            /// The common metadata of any element.
            pub fn meta(&self, id: ElementId) -> &Meta {
                match id {
                    $(ElementId::$ty(i) => &self[i].meta,)*
                }
            }

            /// Every element, in kind order then declaration order.
            pub fn elements(&self) -> Vec<ElementId> {
                let mut out = Vec::new();
                $(
                    for i in 0..self.$field.len() {
                        out.push(ElementId::$ty($id(u32::try_from(i).unwrap_or(u32::MAX))));
                    }
                )*
                out
            }

            /// Finds an element by its logical address.
            pub fn find(&self, address: &str) -> Option<ElementId> {
                self.elements().into_iter().find(|&id| self.meta(id).address == address)
            }
        }
    };
}

arenas! {
    VnetId => vnets: Vnet, "virtual network";
    SubnetId => subnets: Subnet, "subnet";
    NsgId => nsgs: Nsg, "network security group";
    RuleId => security_rules: SecurityRule, "security rule";
    AsgId => asgs: Asg, "application security group";
    NicId => nics: Nic, "network interface";
    PublicIpId => public_ips: PublicIp, "public IP";
    VmId => vms: Vm, "virtual machine";
    RouteTableId => route_tables: RouteTable, "route table";
    PeeringId => peerings: Peering, "peering";
    FirewallId => firewalls: Firewall, "Azure Firewall";
    FirewallPolicyId => firewall_policies: FirewallPolicy, "firewall policy";
    FirewallRuleCollectionGroupId => firewall_rule_collection_groups: FirewallRuleCollectionGroup, "firewall rule collection group";
    IpGroupId => ip_groups: IpGroup, "IP group";
    NatGatewayId => nat_gateways: NatGateway, "NAT gateway";
    LoadBalancerId => load_balancers: LoadBalancer, "load balancer";
    LbBackendPoolId => lb_backend_pools: LbBackendPool, "backend address pool";
    LbRuleId => lb_rules: LbRule, "load-balancing rule";
    LbNatRuleId => lb_nat_rules: LbNatRule, "inbound NAT rule";
    LbProbeId => lb_probes: LbProbe, "health probe";
    ApplicationGatewayId => application_gateways: ApplicationGateway, "application gateway";
    NetworkManagerId => network_managers: NetworkManager, "network manager";
    NetworkGroupId => network_groups: NetworkGroup, "network group";
    SecurityAdminConfigurationId => security_admin_configurations: SecurityAdminConfiguration, "security admin configuration";
    AdminRuleCollectionId => admin_rule_collections: AdminRuleCollection, "admin rule collection";
    AdminRuleId => admin_rules: AdminRule, "admin rule";
    NetworkManagerDeploymentId => network_manager_deployments: NetworkManagerDeployment, "network manager deployment";
    VnetGatewayId => vnet_gateways: VnetGateway, "virtual network gateway";
    LocalGatewayId => local_gateways: LocalGateway, "local network gateway";
    GatewayConnectionId => gateway_connections: GatewayConnection, "gateway connection";
    AseId => ases: Ase, "App Service Environment";
    ServicePlanId => service_plans: ServicePlan, "App Service plan";
    WebAppId => web_apps: WebApp, "web app";
    SqlServerId => sql_servers: SqlServer, "SQL server";
    SqlFirewallRuleId => sql_firewall_rules: SqlFirewallRule, "SQL firewall rule";
    SqlVirtualMachineId => sql_virtual_machines: SqlVirtualMachine, "SQL virtual machine";
    PrivateEndpointId => private_endpoints: PrivateEndpoint, "private endpoint";
    StorageAccountId => storage_accounts: StorageAccount, "storage account";
    DataServiceId => data_services: DataService, "data service";
    ServiceFirewallRuleId => service_firewall_rules: ServiceFirewallRule, "firewall rule";
    ExpressRouteCircuitId => express_route_circuits: ExpressRouteCircuit, "ExpressRoute circuit";
}

/// Iteration helpers that yield ids with the elements.
macro_rules! iter_fns {
    ($($fn:ident: $field:ident => $id:ident, $ty:ident;)*) => {
        impl Network {
            $(
                pub fn $fn(&self) -> impl Iterator<Item = ($id, &$ty)> {
                    self.$field
                        .iter()
                        .enumerate()
                        .map(|(i, e)| ($id(u32::try_from(i).unwrap_or(u32::MAX)), e))
                }
            )*
        }
    };
}

iter_fns! {
    iter_vnets: vnets => VnetId, Vnet;
    iter_subnets: subnets => SubnetId, Subnet;
    iter_nsgs: nsgs => NsgId, Nsg;
    iter_rules: security_rules => RuleId, SecurityRule;
    iter_nics: nics => NicId, Nic;
    iter_public_ips: public_ips => PublicIpId, PublicIp;
    iter_lb_backend_pools: lb_backend_pools => LbBackendPoolId, LbBackendPool;
    iter_lb_rules: lb_rules => LbRuleId, LbRule;
    iter_lb_probes: lb_probes => LbProbeId, LbProbe;
    iter_lb_nat_rules: lb_nat_rules => LbNatRuleId, LbNatRule;
    iter_application_gateways: application_gateways => ApplicationGatewayId, ApplicationGateway;
    iter_firewalls: firewalls => FirewallId, Firewall;
    iter_private_endpoints: private_endpoints => PrivateEndpointId, PrivateEndpoint;
    iter_ases: ases => AseId, Ase;
    iter_web_apps: web_apps => WebAppId, WebApp;
    iter_sql_servers: sql_servers => SqlServerId, SqlServer;
    iter_storage_accounts: storage_accounts => StorageAccountId, StorageAccount;
    iter_data_services: data_services => DataServiceId, DataService;
}

/// Push helpers returning the new id.
macro_rules! push_fns {
    ($($fn:ident: $field:ident => $id:ident, $ty:ident;)*) => {
        impl Network {
            $(
                pub fn $fn(&mut self, element: $ty) -> $id {
                    let id = $id(u32::try_from(self.$field.len()).expect("fewer than 2^32 elements"));
                    self.$field.push(element);
                    id
                }
            )*
        }
    };
}

push_fns! {
    add_vnet: vnets => VnetId, Vnet;
    add_subnet: subnets => SubnetId, Subnet;
    add_nsg: nsgs => NsgId, Nsg;
    add_rule: security_rules => RuleId, SecurityRule;
    add_asg: asgs => AsgId, Asg;
    add_nic: nics => NicId, Nic;
    add_public_ip: public_ips => PublicIpId, PublicIp;
    add_vm: vms => VmId, Vm;
    add_route_table: route_tables => RouteTableId, RouteTable;
    add_peering: peerings => PeeringId, Peering;
    add_vnet_gateway: vnet_gateways => VnetGatewayId, VnetGateway;
    add_local_gateway: local_gateways => LocalGatewayId, LocalGateway;
    add_gateway_connection: gateway_connections => GatewayConnectionId, GatewayConnection;
    add_ase: ases => AseId, Ase;
    add_service_plan: service_plans => ServicePlanId, ServicePlan;
    add_web_app: web_apps => WebAppId, WebApp;
    add_sql_server: sql_servers => SqlServerId, SqlServer;
    add_sql_firewall_rule: sql_firewall_rules => SqlFirewallRuleId, SqlFirewallRule;
    add_sql_virtual_machine: sql_virtual_machines => SqlVirtualMachineId, SqlVirtualMachine;
    add_private_endpoint: private_endpoints => PrivateEndpointId, PrivateEndpoint;
    add_storage_account: storage_accounts => StorageAccountId, StorageAccount;
    add_express_route_circuit: express_route_circuits => ExpressRouteCircuitId, ExpressRouteCircuit;
}
