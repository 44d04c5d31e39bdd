//! ARM has no association resources: a subnet names its NSG and route table in its own
//! properties (its NSG, route table and NAT gateway). Those links are driven by one table; what a link sets is
//! `vnetlint_ir::Network::attach`'s, which shares the slots with the Terraform associations.
//! A NIC's `networkSecurityGroup` and its IP configurations' `applicationSecurityGroups` are
//! plain attributes of the NIC (see `nic`), as each NIC is filled from one declaration.

use vnetlint_ir::{Association, Network, SubnetId};

use super::read::Targets;
use crate::value::Value;

/// The properties of a subnet (each an object with an `id`) that attach an element to it.
const SUBNET_LINKS: &[(&str, Association)] = &[
    ("networkSecurityGroup", Association::SubnetNsg),
    ("routeTable", Association::SubnetRouteTable),
    ("natGateway", Association::SubnetNatGateway),
];

/// Attaches what a subnet's properties link to; a link not written leaves what an earlier
/// declaration of the same subnet attached.
pub(super) fn attach_subnet_links(
    targets: &Targets,
    properties: &Value,
    network: &mut Network,
    id: SubnetId,
) {
    for &(property, association) in SUBNET_LINKS {
        let value = properties.path(&[property, "id"]);
        if let Some(link) = targets.link_kind(value, association.attached()) {
            network.attach(association, id.into(), link);
        }
    }
}
