//! VNL901: a connectivity intent from `vnetlint.toml` does not hold.

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_engine::{Appliance, PathResult, PathVerdict, Traffic, parse_ports, parse_protocols};
use vnetlint_ir::ElementId;

use crate::Context;
use crate::config::{Expectation, Intent};
use crate::declare::declare_check;
use crate::finding::{describe_hop, with_path};

declare_check! {
    /// A connectivity intent declared in `vnetlint.toml` does not hold for the scanned templates.
    ///
    /// ## What it does
    /// Reads the `[[intent]]` tables of `vnetlint.toml` (at the scan root, or `--config FILE`)
    /// and evaluates each with the same path semantics as `vnetlint reach`: source NIC and
    /// subnet NSGs outbound, destination subnet and NIC NSGs inbound, peering and routing, over
    /// every packet of the given ports and protocol; from the Internet, traffic arrives only
    /// through an entry point (a public IP, a public load balancer rule or NAT rule, an
    /// Application Gateway listener, a firewall DNAT rule). An intent with `expect = "allow"` is
    /// violated when some of that traffic is denied (or depends on an unresolved value); one
    /// with `expect = "deny"` when some of it gets through. The finding points at the intent,
    /// names a witness packet, and points at the rules that decide it.
    ///
    /// An intent whose endpoints exist in none of the scanned templates is reported too,
    /// at the intent, with the closest names.
    ///
    /// ## Why is this bad?
    /// Intents state what the network is for ("the ASE reaches SQL on 1433", "nothing from
    /// the Internet reaches the backend"). A rule change that breaks one shows up in review,
    /// not after deployment.
    ///
    /// ## Example
    /// With this `vnetlint.toml`:
    /// ```toml,config
    /// [[intent]]
    /// name = "nothing from the Internet reaches the backend"
    /// from = "Internet"
    /// to = "azurerm_subnet.backend"
    /// ports = "*"
    /// expect = "deny"
    /// ```
    ///
    /// ```hcl,expect=VNL901+VNL101
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "backend" {
    ///   name                 = "snet-backend"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.2.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "backend" {
    ///   name                = "nsg-backend"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-ssh"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "22"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "backend" {
    ///   subnet_id                 = azurerm_subnet.backend.id
    ///   network_security_group_id = azurerm_network_security_group.backend.id
    /// }
    ///
    /// resource "azurerm_public_ip" "build" {
    ///   name                = "pip-build"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   allocation_method   = "Static"
    ///   sku                 = "Standard"
    /// }
    ///
    /// resource "azurerm_network_interface" "build" {
    ///   name                = "nic-build"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "ipconfig1"
    ///     subnet_id                     = azurerm_subnet.backend.id
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.0.2.4"
    ///     public_ip_address_id          = azurerm_public_ip.build.id
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "backend" {
    ///   name                 = "snet-backend"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.2.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "backend" {
    ///   name                = "nsg-backend"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "backend" {
    ///   subnet_id                 = azurerm_subnet.backend.id
    ///   network_security_group_id = azurerm_network_security_group.backend.id
    /// }
    /// ```
    ///
    /// ## Options
    /// Each `[[intent]]` has `from`, `to` (endpoints as `vnetlint reach` takes them:
    /// `Internet`, a service tag, an IP or CIDR, or an element address such as
    /// `azurerm_subnet.ase`), `ports` (`N`, `A-B`, a comma list or `*`; default `*`),
    /// `protocol` (`tcp`, `udp`, `icmp`, `esp`, `ah` or `*`; default `tcp`), `expect`
    /// (`allow` or `deny`), an optional `name`, and an optional `via`: the address of an
    /// element every allowed packet must cross (`azurerm_firewall.hub`, or the NIC or VM of a
    /// network virtual appliance). An `allow` intent with `via` is violated when some allowed
    /// packets reach the destination without crossing it (a route that bypasses the firewall,
    /// a more specific gateway route); the note shows one such packet's path.
    ///
    /// ## References
    /// - [Network Watcher IP flow verify](https://learn.microsoft.com/azure/network-watcher/ip-flow-verify-overview)
    pub static INTENT_VIOLATED = {
        code: "VNL901",
        name: "intent-violated",
        level: Error,
        tags: ["correctness", "network", "intent"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    out.extend(
        ctx.config
            .intents
            .iter()
            .filter_map(|intent| evaluate(ctx, intent)),
    );
}

/// The finding for one intent, if it is violated in this network. Intents whose endpoints do
/// not resolve here belong to another template and are left to the driver.
fn evaluate(ctx: &Context<'_>, intent: &Intent) -> Option<Finding> {
    let topo = &ctx.topology;
    let net = ctx.network;
    let from = topo.resolve(&intent.from).ok()?;
    let to = topo.resolve(&intent.to).ok()?;
    // Malformed ports or protocols are reported by the driver when it reads the file.
    let traffic = Traffic {
        protocols: parse_protocols(&intent.protocol)?,
        dst_ports: parse_ports(&intent.ports)?,
    };
    let result = topo.evaluate_path(&from, &to, &traffic);
    if let Some(via) = &intent.via
        && intent.expect == Expectation::Allow
        && let Some(finding) = bypass(ctx, intent, via, &result, &traffic)
    {
        return Some(finding);
    }
    let violated = match intent.expect {
        Expectation::Allow => result.verdict != PathVerdict::Allowed,
        Expectation::Deny => !result.allowed.is_empty() || !result.uncertain.is_empty(),
    };
    if !violated {
        return None;
    }
    // The witness shows what breaks the intent: a denied packet for "allow", an allowed (or
    // possibly allowed) one for "deny".
    let target = match intent.expect {
        Expectation::Allow if !result.denied.is_empty() => &result.denied,
        Expectation::Deny if !result.allowed.is_empty() => &result.allowed,
        Expectation::Allow | Expectation::Deny => &result.uncertain,
    };
    let (witness, trace) = match topo.witness_in(&result, target, &traffic) {
        Some((packet, trace)) => (Some(packet), trace),
        None => (None, Vec::new()),
    };
    let what = match intent.expect {
        Expectation::Allow => "must be allowed, but",
        Expectation::Deny => "must be denied, but",
    };
    let outcome = match (intent.expect, result.verdict) {
        (Expectation::Allow, PathVerdict::Denied) => "all of it is denied".to_owned(),
        (Expectation::Allow, _) => "part of it is denied".to_owned(),
        (Expectation::Deny, PathVerdict::Allowed) => "all of it gets through".to_owned(),
        (Expectation::Deny, _) => "part of it gets through".to_owned(),
    };
    let message = format!(
        "intent `{}` does not hold: traffic from `{}` to `{}` on {}/{} {what} {outcome}; change the rules named below, or the intent if the network changed on purpose",
        intent.title(),
        intent.from,
        intent.to,
        intent.protocol,
        intent.ports,
    );
    let finding = INTENT_VIOLATED
        .finding(message, Label::new(intent.span, "this intent"))
        .with_fingerprint_key(intent.title());
    let mut finding = with_path(finding, net, &trace, |hop| {
        format!("decides it: {}", describe_hop(net, hop))
    });
    if let Some(packet) = witness {
        let decided: Vec<String> = trace.iter().map(|h| describe_hop(net, h)).collect();
        finding = finding.with_note(format!(
            "packet {packet}: {}",
            if decided.is_empty() {
                "no NSG is consulted on its way".to_owned()
            } else {
                decided.join(", then ")
            }
        ));
    }
    finding.notes.extend(result.notes.iter().cloned());
    Some(finding)
}

/// The appliances an intent's `via` names: a firewall, a NIC, or a VM's NICs.
fn via_devices(ctx: &Context<'_>, via: &str) -> Result<Vec<Appliance>, String> {
    let net = ctx.network;
    match net.find(via) {
        Some(ElementId::Firewall(fw)) => Ok(vec![Appliance::Firewall(fw)]),
        Some(ElementId::Nic(nic)) => Ok(vec![Appliance::Nva(nic)]),
        Some(ElementId::Vm(vm)) => Ok(net[vm]
            .nics
            .iter()
            .filter_map(|n| n.get().copied())
            .map(Appliance::Nva)
            .collect()),
        Some(other) => Err(format!(
            "`via = \"{via}\"` names a {}, which forwards nothing; name a firewall, or the NIC or VM of a network virtual appliance",
            other.kind_name()
        )),
        None => Err(format!(
            "`via = \"{via}\"` names no element of the scanned templates"
        )),
    }
}

/// The finding when some allowed packets of an `allow` intent do not cross its `via` element.
fn bypass(
    ctx: &Context<'_>,
    intent: &Intent,
    via: &str,
    result: &PathResult,
    traffic: &Traffic,
) -> Option<Finding> {
    let topo = &ctx.topology;
    let devices = match via_devices(ctx, via) {
        Ok(devices) => devices,
        Err(why) => {
            let message = format!("intent `{}` cannot be checked: {why}", intent.title());
            return Some(
                INTENT_VIOLATED
                    .finding(message, Label::new(intent.span, "this intent"))
                    .with_fingerprint_key(format!("via:{}", intent.title())),
            );
        }
    };
    let bypassing = devices
        .iter()
        .fold(None, |acc: Option<vnetlint_engine::PacketSet>, d| {
            let part = result.bypassing(d);
            Some(acc.map_or(part.clone(), |a| a.intersect(&part)))
        })?;
    if bypassing.is_empty() {
        return None;
    }
    let message = format!(
        "intent `{}` does not hold: traffic from `{}` to `{}` on {}/{} must pass `{via}`, but some of it gets through without crossing it; route it through `{via}` (a user-defined route on the source subnet), or change the intent if the network changed on purpose",
        intent.title(),
        intent.from,
        intent.to,
        intent.protocol,
        intent.ports,
    );
    let mut finding = INTENT_VIOLATED
        .finding(message, Label::new(intent.span, "this intent"))
        .with_fingerprint_key(format!("via:{}", intent.title()));
    if let Some((packet, _)) = topo.witness_in(result, &bypassing, traffic) {
        let path: Vec<String> = result
            .pairs
            .iter()
            .find_map(|p| p.routed.as_ref())
            .map(|(src, dst)| {
                topo.trace_packet(src, dst, &packet)
                    .0
                    .into_iter()
                    .map(|s| s.text)
                    .collect()
            })
            .unwrap_or_default();
        finding = finding.with_note(format!(
            "packet {packet} bypasses `{via}`{}",
            if path.is_empty() {
                String::new()
            } else {
                format!(": {}", path.join(", then "))
            }
        ));
    }
    Some(finding)
}
