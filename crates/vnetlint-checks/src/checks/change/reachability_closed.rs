//! VNL911: packets a change newly blocks (raised by `vnetlint diff`, which compares two versions; documented here).

use super::super::frontend::raised_elsewhere;
use crate::declare::declare_check;

declare_check! {
    /// A change blocks traffic that the version before it allowed.
    ///
    /// ## What it does
    /// The other half of `vnetlint diff`'s comparison (see VNL910): the packets BASE allowed and
    /// HEAD denies, per destination and source class, with a witness packet and the element that
    /// decides it in HEAD (the rule that now denies it), or the removed element in BASE.
    ///
    /// ## Why is this bad?
    /// Closing traffic is often the point of a change, so this is a note; but a deny added in
    /// front of the rules an App Service Environment needs, or a route that sends a spoke through
    /// a firewall that denies, cuts an application off only after deployment. The note names
    /// what stops flowing, so a review can confirm that nothing depended on it.
    ///
    /// ## Example
    /// A plan that narrows a rule's source from `*` to `203.0.113.0/24` (the private sources keep
    /// the default `AllowVnetInBound`; the rest of the Internet is blocked, and so are the IPv6
    /// unique local addresses only `*` admitted):
    /// ```diffplan,expect=VNL911+VNL911
    /// {
    ///   "format_version": "1.2",
    ///   "prior_state": { "values": { "root_module": { "resources": [
    ///     { "address": "azurerm_network_security_group.jump", "mode": "managed", "type": "azurerm_network_security_group", "name": "jump", "values": { "name": "nsg-jump", "location": "westeurope", "resource_group_name": "rg",
    ///   "security_rule": [ { "name": "allow-ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_port_range": "*", "destination_port_range": "22", "source_address_prefix": "*", "destination_address_prefix": "*" } ] } }
    ///   ] } } },
    ///   "planned_values": { "root_module": { "resources": [
    ///     { "address": "azurerm_network_security_group.jump", "mode": "managed", "type": "azurerm_network_security_group", "name": "jump", "values": { "name": "nsg-jump", "location": "westeurope", "resource_group_name": "rg",
    ///   "security_rule": [ { "name": "allow-ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_port_range": "*", "destination_port_range": "22", "source_address_prefix": "203.0.113.0/24", "destination_address_prefix": "*" } ] } }
    ///   ] } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Nothing to change when the closing is meant; a passing example has no difference:
    /// ```hcl
    /// resource "azurerm_network_security_group" "jump" {
    ///   name                = "nsg-jump"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    /// ```
    ///
    /// ## Options
    /// A note, so it never fails a run with the default `--fail-on warning`.
    ///
    /// ## References
    /// - [Batfish differential reachability](https://pybatfish.readthedocs.io/en/latest/notebooks/differentialQuestions.html)
    pub static REACHABILITY_CLOSED = {
        code: "VNL911",
        name: "reachability-closed",
        level: Note,
        tags: ["network"],
        precision: "high",
        security_severity: None,
        run: raised_elsewhere,
    };
}
