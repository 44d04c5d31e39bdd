//! The azurerm association resources, driven by one table: each joins a target (a subnet or a
//! NIC) to what it attaches (an NSG, a route table, an ASG). What an association sets, and that
//! the first association of a slot wins, is `vnetlint_ir::Network::associate`'s; this file only
//! says which attributes name the two sides. Adding an association resource is one table entry
//! here (and, for a new kind of attachment, one `Association` variant in the IR).

use vnetlint_ir::{Association, Attr, Network};

use super::read::Block;

/// An association resource type and the attributes that link its two sides.
pub(super) struct AssociationKind {
    pub(super) resource_type: &'static str,
    /// The attribute holding the id of the element modified (`subnet_id`).
    pub(super) target: &'static str,
    /// The attribute holding the id of the element attached (`network_security_group_id`).
    pub(super) attached: &'static str,
    pub(super) association: Association,
}

pub(super) const ASSOCIATIONS: &[AssociationKind] = &[
    AssociationKind {
        resource_type: "azurerm_subnet_network_security_group_association",
        target: "subnet_id",
        attached: "network_security_group_id",
        association: Association::SubnetNsg,
    },
    AssociationKind {
        resource_type: "azurerm_subnet_route_table_association",
        target: "subnet_id",
        attached: "route_table_id",
        association: Association::SubnetRouteTable,
    },
    AssociationKind {
        resource_type: "azurerm_subnet_nat_gateway_association",
        target: "subnet_id",
        attached: "nat_gateway_id",
        association: Association::SubnetNatGateway,
    },
    AssociationKind {
        resource_type: "azurerm_nat_gateway_public_ip_association",
        target: "nat_gateway_id",
        attached: "public_ip_address_id",
        association: Association::NatGatewayPublicIp,
    },
    AssociationKind {
        resource_type: "azurerm_network_interface_security_group_association",
        target: "network_interface_id",
        attached: "network_security_group_id",
        association: Association::NicNsg,
    },
    AssociationKind {
        resource_type: "azurerm_network_interface_application_security_group_association",
        target: "network_interface_id",
        attached: "application_security_group_id",
        association: Association::NicAsg,
    },
    AssociationKind {
        resource_type: "azurerm_network_interface_backend_address_pool_association",
        target: "network_interface_id",
        attached: "backend_address_pool_id",
        association: Association::NicLbBackendPool,
    },
    AssociationKind {
        resource_type: "azurerm_network_interface_nat_rule_association",
        target: "network_interface_id",
        attached: "nat_rule_id",
        association: Association::NicLbNatRule,
    },
];

/// Applies one association resource: nothing when the target is not a known element.
pub(super) fn associate(block: &Block<'_, '_, '_>, kind: &AssociationKind, network: &mut Network) {
    let association = kind.association;
    let target = block.link_kind(kind.target, association.target());
    let attached = block.link_kind(kind.attached, association.attached());
    let Some((&target, attached)) = target.as_ref().and_then(Attr::get).zip(attached) else {
        return;
    };
    if association.names_ip_configuration() {
        let configuration = block.string("ip_configuration_name");
        let name = configuration
            .as_ref()
            .and_then(Attr::get)
            .map(String::as_str);
        network.associate_ip_configuration(association, target, name, attached);
    } else {
        network.associate(association, target, attached);
    }
}
