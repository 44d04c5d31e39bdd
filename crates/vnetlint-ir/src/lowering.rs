//! What both frontends' lowering shares because it does not depend on the template language:
//! empty elements to allocate, how an association attaches an NSG, route table or ASG to a
//! subnet or NIC (the first association wins), the values Azure or the provider supplies when a
//! template is silent, and the reasons a link or a string has no value.
//!
//! Each frontend reads its own syntax and calls these, so that a fact is stated once and the
//! two frontends cannot drift apart (the differential test would notice, but only for the
//! topologies it covers).

use crate::{
    AdminRule, AdminRuleCollection, ApplicationGateway, ArenaId, Ase, Asg, Attr, AttrList, Element,
    ElementId, ElementKind, ExpressRouteCircuit, Firewall, FirewallPolicy, GatewayConnection,
    IpConfiguration, IpGroup, LbBackendPool, LbNatRule, LbProbe, LbRule, LoadBalancer,
    LocalGateway, Meta, NatGateway, Network, NetworkGroup, NetworkManager,
    NetworkManagerDeployment, Nic, NicId, Nsg, NsgId, NsgOrigin, Origin, Peering, PrivateEndpoint,
    PublicIp, Reference, RouteTable, RuleId, SecurityAdminConfiguration, SecurityRule, ServicePlan,
    Span, SqlFirewallRule, SqlServer, SqlVirtualMachine, StorageAccount, Subnet, Template,
    TemplatePart, Unknown, Val, Vm, Vnet, VnetGateway, WebApp,
};

/// An element a frontend allocates before it reads the element's attributes, so that any
/// resource can link to any other whatever the declaration order: every attribute absent.
pub trait Empty: Element {
    fn empty(meta: Meta) -> Self;
}

/// Allocates the empty element a resource type lowers to (`Network::add_empty::<Vnet>`);
/// each frontend maps its resource types to these.
pub type Allocate = fn(&mut Network, Meta) -> ElementId;

impl Network {
    /// Appends an empty element of type `T`.
    pub fn add_empty<T: Empty>(&mut self, meta: Meta) -> ElementId {
        T::empty(meta).push_into(self).into()
    }

    /// Adds a security rule, inline or standalone, and lists it in its NSG when that is known.
    pub fn add_rule_to_nsg(&mut self, rule: SecurityRule) -> RuleId {
        let nsg = rule.nsg.as_ref().and_then(Attr::get).copied();
        let id = self.add_rule(rule);
        if let Some(nsg) = nsg {
            self[nsg].rules.push(id);
        }
        id
    }

    /// The element standing in for an NSG outside the scanned templates that standalone rules
    /// add to, by its address: the one made for an earlier rule, else a new one with `meta`
    /// and `origin`, so that every rule naming the NSG lands in one element.
    pub fn stand_in_nsg(&mut self, meta: Meta, origin: NsgOrigin) -> NsgId {
        let earlier = self
            .iter_nsgs()
            .find(|(_, nsg)| nsg.is_stand_in() && nsg.meta.address == meta.address);
        if let Some((id, _)) = earlier {
            return id;
        }
        self.add_nsg(Nsg {
            meta,
            rules: Vec::new(),
            origin,
        })
    }

    /// Puts each NSG's rules in declaration order once every rule is added. Rule ids are
    /// allocated in declaration order, so sorting keeps the order in which inline and standalone
    /// rules were written.
    pub fn order_nsg_rules(&mut self) {
        for nsg in &mut self.nsgs {
            nsg.rules.sort();
            nsg.rules.dedup();
        }
    }

    /// Applies an association resource (`azurerm_subnet_network_security_group_association`)
    /// to its target, a subnet or a NIC. The first association wins: the IR holds one NSG and
    /// one route table per subnet or NIC, and a second association of the same slot is dropped
    /// without a finding (the conflict is a check's business). ASGs accumulate on every IP
    /// configuration of the NIC. A target of another kind than the association's is ignored.
    pub fn associate(
        &mut self,
        association: Association,
        target: ElementId,
        attached: Attr<ElementId>,
    ) {
        self.apply_association(association, target, None, attached, Precedence::First);
    }

    /// Applies an association that names one IP configuration of its NIC
    /// (`azurerm_network_interface_backend_address_pool_association`, which joins a load
    /// balancer's backend pool): memberships accumulate on the configuration of that name, or,
    /// when the name is not known, on every configuration of the NIC (as for ASGs).
    pub fn associate_ip_configuration(
        &mut self,
        association: Association,
        target: ElementId,
        configuration: Option<&str>,
        attached: Attr<ElementId>,
    ) {
        self.apply_association(
            association,
            target,
            configuration,
            attached,
            Precedence::First,
        );
    }

    /// Applies a link the target itself writes (an ARM subnet's `networkSecurityGroup.id`): a
    /// later declaration of the same element replaces what an earlier one wrote.
    pub fn attach(
        &mut self,
        association: Association,
        target: ElementId,
        attached: Attr<ElementId>,
    ) {
        self.apply_association(association, target, None, attached, Precedence::Last);
    }

    fn apply_association(
        &mut self,
        association: Association,
        target: ElementId,
        configuration: Option<&str>,
        attached: Attr<ElementId>,
        precedence: Precedence,
    ) {
        match (association, target) {
            (Association::SubnetNsg, ElementId::Subnet(subnet)) => {
                precedence.put(&mut self[subnet].nsg, typed(attached));
            }
            (Association::SubnetRouteTable, ElementId::Subnet(subnet)) => {
                precedence.put(&mut self[subnet].route_table, typed(attached));
            }
            (Association::SubnetNatGateway, ElementId::Subnet(subnet)) => {
                precedence.put(&mut self[subnet].nat_gateway, typed(attached));
            }
            (Association::NatGatewayPublicIp, ElementId::NatGateway(gateway)) => {
                self[gateway].public_ips.extend(typed(attached));
            }
            (Association::NicNsg, ElementId::Nic(nic)) => {
                precedence.put(&mut self[nic].nsg, typed(attached));
            }
            (Association::NicAsg, ElementId::Nic(nic)) => {
                self.join_configurations(nic, None, attached, |config| &mut config.asgs);
            }
            (Association::NicLbBackendPool, ElementId::Nic(nic)) => {
                self.join_configurations(nic, configuration, attached, |config| {
                    &mut config.lb_backend_pools
                });
            }
            (Association::NicLbNatRule, ElementId::Nic(nic)) => {
                self.join_configurations(nic, configuration, attached, |config| {
                    &mut config.lb_nat_rules
                });
            }
            _ => {}
        }
    }

    /// Adds `attached` to a list of the NIC's IP configurations: the one named `configuration`
    /// (a configuration whose own name is unknown may be it), or every one.
    fn join_configurations<I: ArenaId>(
        &mut self,
        nic: NicId,
        configuration: Option<&str>,
        attached: Attr<ElementId>,
        list: fn(&mut IpConfiguration) -> &mut Vec<Attr<I>>,
    ) {
        let Some(attached) = typed(attached) else {
            return;
        };
        for config in &mut self[nic].ip_configurations {
            let named = config.name.as_ref().and_then(Attr::get);
            if configuration.is_none_or(|wanted| named.is_none_or(|name| name == wanted)) {
                list(config).push(attached.clone());
            }
        }
    }
}

/// What an association attaches to what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Association {
    /// An NSG to a subnet (`Subnet::nsg`).
    SubnetNsg,
    /// A route table to a subnet (`Subnet::route_table`).
    SubnetRouteTable,
    /// An NSG to a NIC (`Nic::nsg`).
    NicNsg,
    /// An ASG to every IP configuration of a NIC (`IpConfiguration::asgs`).
    NicAsg,
    /// A NIC's IP configuration to a load balancer's backend pool
    /// (`IpConfiguration::lb_backend_pools`).
    NicLbBackendPool,
    /// A NIC's IP configuration to a load balancer's inbound NAT rule
    /// (`IpConfiguration::lb_nat_rules`).
    NicLbNatRule,
    /// A NAT gateway to a subnet (`Subnet::nat_gateway`).
    SubnetNatGateway,
    /// A public IP to a NAT gateway (`NatGateway::public_ips`).
    NatGatewayPublicIp,
}

impl Association {
    /// The kind of element the association modifies.
    pub fn target(self) -> ElementKind {
        match self {
            Association::SubnetNsg
            | Association::SubnetRouteTable
            | Association::SubnetNatGateway => ElementKind::Subnet,
            Association::NatGatewayPublicIp => ElementKind::NatGateway,
            Association::NicNsg
            | Association::NicAsg
            | Association::NicLbBackendPool
            | Association::NicLbNatRule => ElementKind::Nic,
        }
    }

    /// The kind of element the association attaches.
    pub fn attached(self) -> ElementKind {
        match self {
            Association::SubnetNsg | Association::NicNsg => ElementKind::Nsg,
            Association::SubnetRouteTable => ElementKind::RouteTable,
            Association::NicAsg => ElementKind::Asg,
            Association::NicLbBackendPool => ElementKind::LbBackendPool,
            Association::NicLbNatRule => ElementKind::LbNatRule,
            Association::SubnetNatGateway => ElementKind::NatGateway,
            Association::NatGatewayPublicIp => ElementKind::PublicIp,
        }
    }

    /// Whether the association names one IP configuration of its NIC
    /// (`ip_configuration_name`), see [`Network::associate_ip_configuration`].
    pub fn names_ip_configuration(self) -> bool {
        matches!(
            self,
            Association::NicLbBackendPool | Association::NicLbNatRule
        )
    }
}

/// Which of two values for one slot stands.
#[derive(Clone, Copy)]
enum Precedence {
    First,
    Last,
}

impl Precedence {
    fn put<T>(self, slot: &mut Option<T>, value: Option<T>) {
        match (self, value) {
            (Precedence::First, Some(value)) => first_wins(slot, value),
            (Precedence::Last, Some(value)) => *slot = Some(value),
            (_, None) => {}
        }
    }
}

/// Sets a slot only if nothing set it before: the first association wins.
pub fn first_wins<T>(slot: &mut Option<T>, value: T) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

/// Appends an item that a resource of its own adds to a list (a SQL server's virtual network
/// rule, a backend pool's address): the list starts at the first such item; a list already
/// unknown stays unknown.
pub fn push_item<T>(list: &mut Option<AttrList<T>>, item: Attr<T>) {
    match list {
        None => *list = Some(AttrList::of_one(item)),
        Some(Attr {
            value: Val::Known(items),
            ..
        }) => items.push(item),
        Some(_) => {}
    }
}

/// An inline block's name and one of its values (a frontend port's name and number), as
/// [`by_name`] looks them up.
pub type Named<T> = (Option<Attr<String>>, Option<Attr<T>>);

/// The value of the entry a by-name reference names among the inline blocks of one element
/// (an Application Gateway listener's `frontend_port_name`): `value` of the first entry whose
/// name is `name`, at the reference's span; unknown when the name is unresolved or names no
/// entry, with `what` (`frontend port`) in the reason.
pub fn by_name<T: Clone>(name: &Attr<String>, entries: &[Named<T>], what: &str) -> Option<Attr<T>> {
    let wanted = match &name.value {
        Val::Known(wanted) => wanted,
        Val::Unknown(unknown) => {
            let unknown = Val::Unknown(unknown.clone());
            return Some(Attr::new(unknown, name.span, name.origin.clone()));
        }
    };
    let found = entries
        .iter()
        .find(|(entry, _)| entry.as_ref().and_then(Attr::get) == Some(wanted));
    match found {
        Some((_, value)) => value.clone(),
        None => Some(Attr::new(
            Val::Unknown(Unknown::new(format!("no {what} is named `{wanted}`"))),
            name.span,
            name.origin.clone(),
        )),
    }
}

/// A link to any element as a link to an element of type `I`; `None` when it is known to be of
/// another kind.
fn typed<I: ArenaId>(attr: Attr<ElementId>) -> Option<Attr<I>> {
    let value = match attr.value {
        Val::Known(element) => Val::Known(I::from_element(element)?),
        Val::Unknown(unknown) => Val::Unknown(unknown),
    };
    Some(Attr {
        value,
        span: attr.span,
        origin: attr.origin,
    })
}

impl<I> Val<I> {
    /// The value of a link whose reference resolved to `element`: its typed id, or why the
    /// element is not the `expected` kind (`` `x` is a subnet, not a network security group ``).
    pub fn link(
        element: ElementId,
        reference: Reference,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Self {
        if let Some(id) = pick(element) {
            return Val::Known(id);
        }
        let reason = format!(
            "`{}` is a {}, not a {expected}",
            reference.address,
            element.kind_name()
        );
        Val::Unknown(Unknown::reference(reference, reason))
    }
}

impl<T> Attr<T> {
    /// An attribute from its parts.
    pub fn new(value: Val<T>, span: Span, origin: Origin) -> Self {
        Self {
            value,
            span,
            origin,
        }
    }

    /// A value the provider or Azure sets when the attribute is not written; it points at the
    /// owning block, as defaults do.
    pub fn default_value(value: T, block: Span) -> Self {
        Self {
            value: Val::Known(value),
            span: block,
            origin: Origin::Default,
        }
    }
}

impl<T> AttrList<T> {
    /// A list written as its single element (`address_prefix` for `address_prefixes`).
    pub fn of_one(item: Attr<T>) -> Self {
        Self {
            span: item.span,
            origin: item.origin.clone(),
            value: Val::Known(vec![item]),
        }
    }

    /// The items of a list as the IR's plain `Vec` of attributes: an unknown list becomes one
    /// unknown item, so that the element still says something it links to is not known.
    pub fn into_items(self) -> Vec<Attr<T>> {
        match self.value {
            Val::Known(items) => items,
            Val::Unknown(unknown) => vec![Attr {
                value: Val::Unknown(unknown),
                span: self.span,
                origin: self.origin,
            }],
        }
    }
}

impl Attr<bool> {
    /// The attribute with its value negated (azurerm 3 `disable_bgp_route_propagation` for
    /// `RouteTable::gateway_propagation`).
    #[must_use]
    pub fn negated(self) -> Self {
        let value = match self.value {
            Val::Known(on) => Val::Known(!on),
            Val::Unknown(unknown) => Val::Unknown(unknown),
        };
        Attr::new(value, self.span, self.origin)
    }
}

impl Template {
    /// Why a string with deployment-time parts has no single value: its first part that is not
    /// literal. `None` when every part is literal.
    pub fn first_unknown(&self) -> Option<Unknown> {
        self.parts.iter().find_map(|part| match part {
            TemplatePart::Reference(reference) => Some(Unknown::reference(
                reference.clone(),
                format!(
                    "the string depends on `{reference}`, which is only known after deployment"
                ),
            )),
            TemplatePart::Unknown(reason) => Some(Unknown::new(reason.clone())),
            TemplatePart::Literal(_) => None,
        })
    }
}

impl PublicIp {
    /// The address of a public IP whose template does not write one: Azure assigns it at
    /// deployment, so it is unknown and stands for the element's `attribute` (`ip_address`,
    /// `ipAddress`), pointing at the block.
    pub fn assigned_address(address: &str, attribute: &str, block: Span) -> Attr<String> {
        assigned(address, attribute, block)
    }
}

/// An address Azure assigns at deployment to the element at `address`, pointing at its block.
pub(crate) fn assigned(address: &str, attribute: &str, block: Span) -> Attr<String> {
    Attr {
        value: Val::Unknown(Unknown::reference(
            Reference {
                address: address.to_owned(),
                attribute: attribute.to_owned(),
            },
            format!("the address of `{address}` is assigned by Azure at deployment"),
        )),
        span: block,
        origin: Origin::Default,
    }
}

impl SqlVirtualMachine {
    /// The port SQL Server listens on when none is written.
    pub const DEFAULT_PORT: &str = "1433";
    /// The connectivity type when none is written (azurerm's default).
    pub const DEFAULT_CONNECTIVITY_TYPE: &str = "PRIVATE";

    /// Sets the port and connectivity type the template leaves out to their defaults, pointing
    /// at the block.
    pub fn fill_defaults(&mut self, block: Span) {
        self.port
            .get_or_insert_with(|| Attr::default_value(Self::DEFAULT_PORT.to_owned(), block));
        self.connectivity_type.get_or_insert_with(|| {
            Attr::default_value(Self::DEFAULT_CONNECTIVITY_TYPE.to_owned(), block)
        });
    }
}

/// Implements `Empty` for element types from the value of each field but `meta`: what an
/// element is before anything about it is read.
macro_rules! empty {
    ($($ty:ident { $($field:ident: $value:expr),* $(,)? })*) => {
        $(
            impl Empty for $ty {
                fn empty(meta: Meta) -> Self {
                    Self { meta, $($field: $value),* }
                }
            }
        )*
    };
}

empty! {
    Vnet { address_space: None, dns_servers: None }
    Subnet {
        vnet: None,
        address_prefixes: None,
        nsg: None,
        route_table: None,
        delegations: Vec::new(),
        service_endpoints: None,
        nat_gateway: None,
        private_endpoint_network_policies: None,
    }
    Nsg { rules: Vec::new(), origin: NsgOrigin::Declared }
    Asg {}
    Nic { ip_configurations: Vec::new(), nsg: None, dns_servers: None, ip_forwarding: None }
    PublicIp { sku: None, allocation: None, ip_address: None }
    Vm { nics: Vec::new() }
    RouteTable { routes: Vec::new(), gateway_propagation: None }
    Firewall {
        sku_tier: None,
        ip_configurations: Vec::new(),
        management: None,
        policy: None,
        private_ip_ranges: None,
    }
    FirewallPolicy { base_policy: None, private_ip_ranges: None }
    IpGroup { cidrs: None }
    NatGateway { public_ips: Vec::new() }
    LoadBalancer { sku: None, frontends: Vec::new() }
    LbBackendPool { load_balancer: None, addresses: None }
    LbRule {
        load_balancer: None,
        frontend: None,
        protocol: None,
        frontend_port: None,
        backend_port: None,
        backend_pools: Vec::new(),
        probe: None,
        floating_ip: None,
    }
    LbNatRule {
        load_balancer: None,
        frontend: None,
        protocol: None,
        frontend_port: None,
        frontend_port_start: None,
        frontend_port_end: None,
        backend_port: None,
        backend_pool: None,
    }
    LbProbe { load_balancer: None, protocol: None, port: None }
    ApplicationGateway {
        subnet: None,
        public_ips: Vec::new(),
        listeners: Vec::new(),
        backend_pools: Vec::new(),
        backend_settings: Vec::new(),
        routing_rules: Vec::new(),
    }
    NetworkManager {}
    NetworkGroup { manager: None, static_members: Vec::new(), dynamic_membership: None }
    SecurityAdminConfiguration { manager: None }
    AdminRuleCollection { configuration: None, network_groups: Vec::new() }
    AdminRule {
        collection: None,
        priority: None,
        direction: None,
        action: None,
        protocol: None,
        sources: None,
        destinations: None,
        source_ports: None,
        destination_ports: None,
    }
    NetworkManagerDeployment { manager: None, scope_access: None, configurations: Vec::new() }
    Peering {
        vnet: None,
        remote_vnet: None,
        allow_virtual_network_access: None,
        allow_forwarded_traffic: None,
        allow_gateway_transit: None,
        use_remote_gateways: None,
    }
    VnetGateway { gateway_type: None, subnet: None }
    LocalGateway { address_space: None, gateway_address: None }
    GatewayConnection { connection_type: None, gateway: None, local_gateway: None, peer_gateway: None }
    Ase { version: None, subnet: None, internal_load_balancing_mode: None }
    ServicePlan { ase: None, sku: None }
    WebApp {
        plan: None,
        vnet_integration_subnet: None,
        connection_strings: Vec::new(),
        app_settings: Vec::new(),
    }
    SqlServer { public_network_access: None, subnets: None }
    SqlFirewallRule { server: None, start_ip: None, end_ip: None }
    SqlVirtualMachine { vm: None, port: None, connectivity_type: None }
    PrivateEndpoint { subnet: None, target: None, group_ids: None, private_ip: None }
    StorageAccount {
        public_network_access: None,
        default_action: None,
        bypass: None,
        ip_rules: None,
        subnets: None,
    }
    ExpressRouteCircuit { service_provider: None, peering_location: None }
}
