//! Network interfaces with their IP configurations, and the virtual machines that use them.

use vnetlint_ir::{IpConfiguration, Nic, Vm};

use super::read::{shape_string, string, strings};
use super::{Resource, props};
use crate::value::Value;

/// `Microsoft.Network/networkInterfaces`.
pub(super) fn nic(resource: &Resource<'_>, nic: &mut Nic) {
    let targets = resource.targets;
    let configurations = resource.get(&["ipConfigurations"]);
    nic.ip_configurations = configurations
        .map_or(&[][..], Value::elements)
        .iter()
        .map(|config| {
            let properties = props(config, config.span);
            let asgs = properties
                .get("applicationSecurityGroups")
                .map(|list| targets.link_items(list))
                .unwrap_or_default();
            IpConfiguration {
                span: config.span,
                name: config.get("name").and_then(shape_string),
                subnet: targets.link(properties.path(&["subnet", "id"])),
                allocation: string(properties.get("privateIPAllocationMethod")),
                private_ip: string(properties.get("privateIPAddress")),
                public_ip: targets.link(properties.path(&["publicIPAddress", "id"])),
                asgs,
                lb_backend_pools: Vec::new(),
                lb_nat_rules: Vec::new(),
            }
        })
        .collect();
    nic.dns_servers = strings(resource.get(&["dnsSettings", "dnsServers"]));
    nic.nsg = resource.link(&["networkSecurityGroup", "id"]);
}

/// `Microsoft.Compute/virtualMachines`: the NICs of its network profile.
pub(super) fn vm(resource: &Resource<'_>, vm: &mut Vm) {
    vm.nics = resource
        .get(&["networkProfile", "networkInterfaces"])
        .map(|list| resource.targets.link_items(list))
        .unwrap_or_default();
}
