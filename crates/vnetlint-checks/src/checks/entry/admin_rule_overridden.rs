//! VNL106: an NSG rule that can never decide anything, because a security admin rule in force
//! decides every packet it matches first.

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{AdminAction, Direction, Mode, RuleRef};
use vnetlint_ir::{Attr, VnetId};

use crate::Context;
use crate::declare::declare_check;
use crate::finding::name_label;

declare_check! {
    /// An NSG rule never decides anything: a Virtual Network Manager security admin rule decides all its packets first.
    ///
    /// ## What it does
    /// Security admin rules of a configuration in force (committed by an
    /// `azurerm_network_manager_deployment` with `scope_access = "SecurityAdmin"`; ARM
    /// configurations are taken as committed) are evaluated at a virtual network before any
    /// NSG: `Deny` drops a packet, `AlwaysAllow` delivers it without consulting the NSGs. For each
    /// custom rule of an NSG attached in such virtual networks, the check asks whether every
    /// packet the rule can match is already dropped or always allowed by admin rules in every
    /// virtual network the NSG is used in; such a rule is reported as a note, with the admin
    /// rule related. Rules an `Allow` admin rule hands on are not overridden.
    ///
    /// ## Why is this bad?
    /// The NSG's author cannot see the admin layer: the rule looks like it decides traffic, and
    /// changing it changes nothing. A deny that an `AlwaysAllow` overrides is a false sense of
    /// security; an allow that a `Deny` overrides is a dead rule someone will debug. (Here the
    /// `AlwaysAllow` admits RDP from any source, which VNL101 reports at the admin rule.)
    ///
    /// ## Example
    /// ```hcl,expect=VNL106+VNL101
    /// resource "azurerm_virtual_network" "spoke" {
    ///   name          = "vnet-spoke"
    ///   address_space = ["10.1.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "app" {
    ///   name                 = "snet-app"
    ///   virtual_network_name = azurerm_virtual_network.spoke.name
    ///   address_prefixes     = ["10.1.1.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "app" {
    ///   name = "nsg-app"
    ///   security_rule {
    ///     name                       = "deny-rdp"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "3389"
    ///     source_address_prefix      = "Internet"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "app" {
    ///   subnet_id                 = azurerm_subnet.app.id
    ///   network_security_group_id = azurerm_network_security_group.app.id
    /// }
    ///
    /// resource "azurerm_network_manager" "main" {
    ///   name           = "avnm-main"
    ///   scope_accesses = ["SecurityAdmin"]
    /// }
    ///
    /// resource "azurerm_network_manager_network_group" "spokes" {
    ///   name               = "spokes"
    ///   network_manager_id = azurerm_network_manager.main.id
    /// }
    ///
    /// resource "azurerm_network_manager_static_member" "spoke" {
    ///   name                      = "spoke"
    ///   network_group_id          = azurerm_network_manager_network_group.spokes.id
    ///   target_virtual_network_id = azurerm_virtual_network.spoke.id
    /// }
    ///
    /// resource "azurerm_network_manager_security_admin_configuration" "main" {
    ///   name               = "guardrails"
    ///   network_manager_id = azurerm_network_manager.main.id
    /// }
    ///
    /// resource "azurerm_network_manager_admin_rule_collection" "main" {
    ///   name                            = "guardrails"
    ///   security_admin_configuration_id = azurerm_network_manager_security_admin_configuration.main.id
    ///   network_group_ids               = [azurerm_network_manager_network_group.spokes.id]
    /// }
    ///
    /// resource "azurerm_network_manager_admin_rule" "rdp" {
    ///   name                     = "always-allow-rdp"
    ///   admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.main.id
    ///   action                   = "AlwaysAllow"
    ///   direction                = "Inbound"
    ///   priority                 = 10
    ///   protocol                 = "Tcp"
    ///   destination_port_ranges  = ["3389"]
    /// }
    ///
    /// resource "azurerm_network_manager_deployment" "security" {
    ///   network_manager_id = azurerm_network_manager.main.id
    ///   location           = "westeurope"
    ///   scope_access       = "SecurityAdmin"
    ///   configuration_ids  = [azurerm_network_manager_security_admin_configuration.main.id]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the NSG rules for what the admin layer leaves to them, and change the admin rule
    /// where the NSG's intent must win (here: the same template without the deployment, whose
    /// configuration is then not in force):
    /// ```hcl
    /// resource "azurerm_virtual_network" "spoke" {
    ///   name          = "vnet-spoke"
    ///   address_space = ["10.1.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "app" {
    ///   name                 = "snet-app"
    ///   virtual_network_name = azurerm_virtual_network.spoke.name
    ///   address_prefixes     = ["10.1.1.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "app" {
    ///   name = "nsg-app"
    ///   security_rule {
    ///     name                       = "deny-rdp"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "3389"
    ///     source_address_prefix      = "Internet"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "app" {
    ///   subnet_id                 = azurerm_subnet.app.id
    ///   network_security_group_id = azurerm_network_security_group.app.id
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Security admin rules in Azure Virtual Network Manager](https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins)
    pub static ADMIN_RULE_OVERRIDDEN = {
        code: "VNL106",
        name: "admin-rule-overridden",
        level: Note,
        tags: ["correctness", "network", "admin-rules"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let topo = &ctx.topology;
    let net = ctx.network;
    if topo.admin.is_empty() {
        return;
    }
    for view in &ctx.nsgs {
        // The VNets the NSG is used in: its subnets' and its NICs' subnets'.
        let mut vnets: Vec<VnetId> = net
            .iter_subnets()
            .filter(|(_, s)| s.nsg.as_ref().and_then(Attr::get) == Some(&view.id))
            .filter_map(|(id, _)| topo.subnet_vnet(id))
            .chain(
                net.iter_nics()
                    .filter(|(_, n)| n.nsg.as_ref().and_then(Attr::get) == Some(&view.id))
                    .filter_map(|(id, _)| topo.nic_vnet(id)),
            )
            .collect();
        vnets.sort_unstable();
        vnets.dedup();
        if vnets.is_empty() {
            continue;
        }
        for direction in [Direction::Inbound, Direction::Outbound] {
            for rule in view.compiled.rules(direction) {
                let RuleRef::Custom(id) = rule.rule else {
                    continue;
                };
                if rule.matches.upper.is_empty() {
                    continue;
                }
                // Overridden when, in every VNet, no packet of the rule reaches the NSGs.
                let overridden = vnets.iter().all(|&vnet| {
                    topo.admin
                        .apply(Some(vnet), direction, &rule.matches.upper, Mode::Must)
                        .to_nsgs
                        .is_empty()
                });
                if !overridden {
                    continue;
                }
                let deciding: Vec<_> = vnets
                    .iter()
                    .filter_map(|&vnet| {
                        topo.admin.rules.get(vnet.index())?.iter().find(|a| {
                            a.direction == direction
                                && a.action != AdminAction::Allow
                                && a.upper.overlaps(&rule.matches.upper)
                        })
                    })
                    .collect();
                let security_rule = &net[id];
                let names: Vec<String> = deciding
                    .iter()
                    .map(|a| {
                        format!(
                            "`{}` ({})",
                            net.admin_rules[a.rule.index()].meta.display_name(),
                            a.action.name()
                        )
                    })
                    .collect();
                let message = format!(
                    "rule `{}` of NSG `{}` never decides anything: security admin rule {} decides every packet it matches before any NSG is consulted; change the admin rule if this NSG rule must apply, or remove the rule",
                    security_rule.meta.display_name(),
                    net[view.id].meta.display_name(),
                    names.join(", ")
                );
                let mut finding = ADMIN_RULE_OVERRIDDEN
                    .finding(
                        message,
                        name_label(&security_rule.meta, "this rule never decides"),
                    )
                    .with_address(security_rule.meta.address.clone());
                for admin in deciding {
                    finding = finding.with_secondary(name_label(
                        &net.admin_rules[admin.rule.index()].meta,
                        "this admin rule decides first",
                    ));
                }
                out.push(finding);
            }
        }
    }
}
