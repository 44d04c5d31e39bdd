//! Network interfaces with their IP configurations, and the virtual machines that use them.

use vnetlint_ir::{IpConfiguration, Nic, Vm};

use super::read::Block;

/// `azurerm_network_interface`.
pub(super) fn nic(block: &Block<'_, '_, '_>, nic: &mut Nic) {
    nic.ip_configurations = block
        .blocks("ip_configuration")
        .into_iter()
        .map(|config| {
            // Legacy (provider 1.x) ASG list written on the configuration.
            let asgs = config.link_items("application_security_group_ids");
            IpConfiguration {
                span: config.span(),
                name: config.string("name"),
                subnet: config.link("subnet_id"),
                allocation: config.string("private_ip_address_allocation"),
                private_ip: config.string("private_ip_address"),
                public_ip: config.link("public_ip_address_id"),
                asgs,
                // Provider 1.x memberships written on the configuration.
                lb_backend_pools: config.link_items("load_balancer_backend_address_pools_ids"),
                lb_nat_rules: config.link_items("load_balancer_inbound_nat_rules_ids"),
            }
        })
        .collect();
    nic.dns_servers = block.strings("dns_servers");
    // `enable_ip_forwarding` before azurerm 4.
    nic.ip_forwarding = block
        .bool("ip_forwarding_enabled")
        .or_else(|| block.bool("enable_ip_forwarding"));
    // Legacy (provider 1.x) association written on the NIC itself.
    nic.nsg = block.link("network_security_group_id");
}

/// The azurerm virtual machine resources: the NICs they use.
pub(super) fn vm(block: &Block<'_, '_, '_>, vm: &mut Vm) {
    vm.nics = block.link_items("network_interface_ids");
}
