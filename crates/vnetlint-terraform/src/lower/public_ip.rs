//! Public IP addresses.

use vnetlint_ir::PublicIp;

use super::Resource;
use super::read::Block;

/// `azurerm_public_ip`; an address the configuration does not write is Azure's to assign.
pub(super) fn public_ip(
    resource: &Resource<'_>,
    block: &Block<'_, '_, '_>,
    public_ip: &mut PublicIp,
) {
    public_ip.sku = block.string("sku");
    public_ip.allocation = block.string("allocation_method");
    let address = block.string("ip_address").unwrap_or_else(|| {
        PublicIp::assigned_address(&resource.address, "ip_address", block.span())
    });
    public_ip.ip_address = Some(address);
}
