//! Virtual networks with their inline subnets and peerings, standalone subnet and peering child
//! resources.

use vnetlint_ir::{
    Attr, AttrList, Element, ElementId, Empty, Meta, Network, Peering, Subnet, SubnetId, VnetId,
};

use super::association::attach_subnet_links;
use super::read::{Targets, boolean, list_of, shape_string, string, strings};
use super::{Lowerer, Resource, SUBNET, props};
use crate::template::{Instance, name_text};
use crate::value::Value;

/// The arrays of a virtual network's properties that declare link targets inline; each key is
/// also the address segment of the child resource the element could be written as.
const INLINE_SUBNETS: &str = "subnets";
const INLINE_PEERINGS: &str = "virtualNetworkPeerings";

impl Lowerer {
    /// Allocates the inline subnets and peerings of a virtual network, which other resources
    /// link to by id like any resource.
    pub(super) fn allocate_inline(&mut self, instance: &Instance, vnet: VnetId) {
        let in_vnet = Attr::known(vnet, instance.span);
        self.allocate_children(instance, INLINE_SUBNETS, |meta| Subnet {
            vnet: Some(in_vnet.clone()),
            ..Subnet::empty(meta)
        });
        self.allocate_children(instance, INLINE_PEERINGS, |meta| Peering {
            vnet: Some(in_vnet.clone()),
            ..Peering::empty(meta)
        });
    }

    /// Allocates each element of one inline array of a resource's properties (a virtual
    /// network's subnets, a load balancer's backend pools).
    pub(super) fn allocate_children<T: Element>(
        &mut self,
        instance: &Instance,
        key: &str,
        element: impl Fn(Meta) -> T,
    ) {
        let properties = instance.body.get("properties");
        for child in properties.map_or(&[][..], |p| inline(p, key)) {
            let meta = inline_meta(instance, key, child);
            let address = meta.address.clone();
            let id = element(meta).push_into(&mut self.network);
            self.targets.register(&address, id.into());
        }
    }
}

/// `Microsoft.Network/virtualNetworks`: its own attributes, then the inline subnets and
/// peerings `allocate_inline` created.
pub(super) fn vnet(resource: &Resource<'_>, network: &mut Network, id: VnetId) {
    let vnet = &mut network[id];
    vnet.address_space = strings(resource.get(&["addressSpace", "addressPrefixes"]));
    vnet.dns_servers = strings(resource.get(&["dhcpOptions", "dnsServers"]));
    let targets = resource.targets;
    for subnet in inline(&resource.properties, INLINE_SUBNETS) {
        let address = inline_address(resource.instance, INLINE_SUBNETS, subnet);
        if let Some(ElementId::Subnet(sid)) = targets.element_at(&address) {
            fill_subnet(targets, &props(subnet, subnet.span), network, sid);
        }
    }
    for peering in inline(&resource.properties, INLINE_PEERINGS) {
        let address = inline_address(resource.instance, INLINE_PEERINGS, peering);
        if let Some(ElementId::Peering(pid)) = targets.element_at(&address)
            && let Some(properties) = peering.get("properties")
        {
            fill_peering(targets, properties, &mut network[pid]);
        }
    }
}

/// A subnet: a `subnets` child resource (which names its VNet by its own address), or an
/// inline subnet declared again as a child resource.
pub(super) fn subnet(resource: &Resource<'_>, network: &mut Network, id: SubnetId) {
    if resource.rtype == SUBNET {
        network[id].vnet = Some(resource.parent());
    }
    fill_subnet(resource.targets, &resource.properties, network, id);
}

/// A `virtualNetworkPeerings` child resource.
pub(super) fn peering(resource: &Resource<'_>, peering: &mut Peering) {
    peering.vnet = Some(resource.parent());
    fill_peering(resource.targets, &resource.properties, peering);
}

/// The properties of a subnet, inline or standalone. A subnet declared both ways is filled
/// twice; what the later declaration writes replaces the earlier.
fn fill_subnet(targets: &Targets, properties: &Value, network: &mut Network, id: SubnetId) {
    let prefixes = strings(properties.get("addressPrefixes"))
        .or_else(|| string(properties.get("addressPrefix")).map(AttrList::of_one));
    attach_subnet_links(targets, properties, network, id);
    let subnet = &mut network[id];
    if prefixes.is_some() {
        subnet.address_prefixes = prefixes;
    }
    subnet.delegations = properties
        .get("delegations")
        .map_or(&[][..], Value::elements)
        .iter()
        .filter_map(|d| string(d.path(&["properties", "serviceName"])))
        .collect();
    subnet.service_endpoints = properties
        .get("serviceEndpoints")
        .map(|list| list_of(list, |e| string(e.get("service"))));
    if let Some(policies) = string(properties.get("privateEndpointNetworkPolicies")) {
        subnet.private_endpoint_network_policies = Some(policies);
    }
}

/// The properties of a peering, inline or a child resource.
fn fill_peering(targets: &Targets, properties: &Value, peering: &mut Peering) {
    peering.remote_vnet = targets.link(properties.path(&["remoteVirtualNetwork", "id"]));
    peering.allow_virtual_network_access = boolean(properties.get("allowVirtualNetworkAccess"));
    peering.allow_forwarded_traffic = boolean(properties.get("allowForwardedTraffic"));
    peering.allow_gateway_transit = boolean(properties.get("allowGatewayTransit"));
    peering.use_remote_gateways = boolean(properties.get("useRemoteGateways"));
}

/// The elements of an inline array of a resource's properties.
pub(super) fn inline<'v>(properties: &'v Value, key: &str) -> &'v [Value] {
    properties.get(key).map_or(&[][..], Value::elements)
}

/// The address of an inline element (a subnet, a peering, a load balancer's pool): the one its
/// child resource would have.
pub(super) fn inline_address(instance: &Instance, key: &str, element: &Value) -> String {
    let name = element.get("name").map(name_text).unwrap_or_default();
    format!("{}/{key}/{name}", instance.address)
}

/// The metadata of an inline element: its address and its own name.
pub(super) fn inline_meta(instance: &Instance, key: &str, element: &Value) -> Meta {
    Meta {
        address: inline_address(instance, key, element),
        span: element.span,
        name: element.get("name").and_then(shape_string),
    }
}
