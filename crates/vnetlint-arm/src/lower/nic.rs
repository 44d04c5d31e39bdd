//! Network interfaces with their IP configurations, and the virtual machines that use them.

use vnetlint_ir::{ArenaId, Attr, IpConfiguration, Nic, Vm};

use super::read::{Targets, boolean, shape_string, string, strings};
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
            let asgs = links(targets, &properties, "applicationSecurityGroups");
            IpConfiguration {
                span: config.span,
                name: config.get("name").and_then(shape_string),
                subnet: targets.link(properties.path(&["subnet", "id"])),
                allocation: string(properties.get("privateIPAllocationMethod")),
                private_ip: string(properties.get("privateIPAddress")),
                public_ip: targets.link(properties.path(&["publicIPAddress", "id"])),
                asgs,
                lb_backend_pools: links(targets, &properties, "loadBalancerBackendAddressPools"),
                lb_nat_rules: links(targets, &properties, "loadBalancerInboundNatRules"),
            }
        })
        .collect();
    nic.dns_servers = strings(resource.get(&["dnsSettings", "dnsServers"]));
    nic.nsg = resource.link(&["networkSecurityGroup", "id"]);
    nic.ip_forwarding = boolean(resource.get(&["enableIPForwarding"]));
}

/// The links of an array property of an IP configuration (`[{ "id": ... }]`).
fn links<I: ArenaId>(targets: &Targets, properties: &Value, key: &str) -> Vec<Attr<I>> {
    properties
        .get(key)
        .map(|list| targets.link_items(list))
        .unwrap_or_default()
}

/// `Microsoft.Compute/virtualMachines`: the NICs of its network profile.
pub(super) fn vm(resource: &Resource<'_>, vm: &mut Vm) {
    vm.nics = resource
        .get(&["networkProfile", "networkInterfaces"])
        .map(|list| resource.targets.link_items(list))
        .unwrap_or_default();
}
