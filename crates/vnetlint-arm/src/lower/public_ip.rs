//! Public IP addresses.

use vnetlint_ir::PublicIp;

use super::Resource;
use super::read::string;

/// `Microsoft.Network/publicIPAddresses`; an address the template does not write is Azure's to
/// assign.
pub(super) fn public_ip(resource: &Resource<'_>, public_ip: &mut PublicIp) {
    let instance = resource.instance;
    public_ip.sku = string(instance.body.path(&["sku", "name"]));
    public_ip.allocation = string(resource.get(&["publicIPAllocationMethod"]));
    let address = string(resource.get(&["ipAddress"])).unwrap_or_else(|| {
        PublicIp::assigned_address(&instance.address, "ipAddress", instance.span)
    });
    public_ip.ip_address = Some(address);
}
