//! VNL910: packets a change newly allows (raised by `vnetlint diff`, which compares two versions; documented here).

use super::super::frontend::raised_elsewhere;
use crate::declare::declare_check;

declare_check! {
    /// A change lets traffic through that the version before it denied.
    ///
    /// ## What it does
    /// `vnetlint diff BASE HEAD` (or `--base-ref REF`, or `--plan PLAN.json` for a plan's prior
    /// state against its planned values) computes, for every destination of each changed module
    /// or template (each NIC, subnet, private endpoint and public IP, and the Internet for
    /// egress), the exact set of packets that reach it from anywhere, in both versions, and
    /// reports the packets HEAD allows and BASE denied, summarized per source class (the
    /// Internet, each subnet, each on-premises range), with a witness packet and the element
    /// that decides it in HEAD (the rule that now allows it, or the destination when an
    /// association or a route changed). Elements are matched by their logical address: a
    /// renamed resource is a removal and an addition.
    ///
    /// ## Why is this bad?
    /// A one-line edit of a source prefix, a removed NSG association or a rule reorder can open
    /// SSH to the Internet, and a diff of the text does not show it. The finding is an error when
    /// the newly allowed sources are broad Internet sources (as VNL101-103 count them: more than
    /// 65,536 public addresses, or a tag meaning any of them), a warning otherwise, so a review
    /// sees what the change opens before it is applied.
    ///
    /// ## Example
    /// A plan that widens a rule's source from `VirtualNetwork` to `*` (the rule's NSG is attached
    /// nowhere, so what it lets in is judged on its own: the Internet and the private addresses
    /// `VirtualNetwork` did not cover, such as IPv6 unique local addresses, are new):
    /// ```diffplan,expect=VNL910+VNL910
    /// {
    ///   "format_version": "1.2",
    ///   "prior_state": { "values": { "root_module": { "resources": [
    ///     { "address": "azurerm_network_security_group.jump", "mode": "managed", "type": "azurerm_network_security_group", "name": "jump", "values": { "name": "nsg-jump", "location": "westeurope", "resource_group_name": "rg",
    ///   "security_rule": [ { "name": "allow-ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_port_range": "*", "destination_port_range": "22", "source_address_prefix": "VirtualNetwork", "destination_address_prefix": "*" } ] } }
    ///   ] } } },
    ///   "planned_values": { "root_module": { "resources": [
    ///     { "address": "azurerm_network_security_group.jump", "mode": "managed", "type": "azurerm_network_security_group", "name": "jump", "values": { "name": "nsg-jump", "location": "westeurope", "resource_group_name": "rg",
    ///   "security_rule": [ { "name": "allow-ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_port_range": "*", "destination_port_range": "22", "source_address_prefix": "*", "destination_address_prefix": "*" } ] } }
    ///   ] } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the source narrow (the rule's BASE and HEAD agree, nothing is reported):
    /// ```hcl
    /// resource "azurerm_network_security_group" "jump" {
    ///   name                = "nsg-jump"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    /// ```
    ///
    /// ## Options
    /// `--fail-on` as for `vnetlint check` (default `warning`: any opened traffic fails the run;
    /// `--fail-on error` fails only on traffic newly open to the Internet).
    ///
    /// ## References
    /// - [Batfish differential reachability](https://pybatfish.readthedocs.io/en/latest/notebooks/differentialQuestions.html)
    /// - [Network security groups: how they filter traffic](https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works)
    pub static REACHABILITY_OPENED = {
        code: "VNL910",
        name: "reachability-opened",
        level: Warning,
        tags: ["security", "network"],
        precision: "high",
        security_severity: Some(7.5),
        run: raised_elsewhere,
    };
}
