//! VNL304: a custom DNS server of an App Service Environment's virtual network is unreachable
//! from the environment's subnet on port 53.

use std::net::IpAddr;

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_engine::{
    Access, PacketSet, PortSet, Protocol, ProtocolSet, TagContext, Topology, Traffic,
};
use vnetlint_ir::{Attr, Network, Val, VnetId};

use crate::Context;
use crate::analysis::addresses::known_union;
use crate::checks::ase::{AseSite, sites};
use crate::checks::frontend::unresolved_value::{UNRESOLVED_VALUE, raised_while, unresolved_at};
use crate::declare::declare_check;
use crate::finding::{describe_hop, hop_label, hop_rule, name_label};

declare_check! {
    /// A custom DNS server of an App Service Environment's virtual network cannot be reached from the environment's subnet on port 53.
    ///
    /// ## What it does
    /// For every entry of the environment's virtual network `dns_servers`, asks whether the
    /// environment's subnet reaches it on UDP and TCP 53:
    ///
    /// - **Route.** A private address must lie in the virtual network, in a peered network
    ///   with both peering links declared, or in an on-premises range connected through the
    ///   network's gateway; otherwise there is no route (Azure drops private destinations it
    ///   has no route for). A public address is reached over the Internet.
    /// - **NSGs.** The path is evaluated like `vnetlint reach`: the environment subnet's NSG
    ///   outbound, then the DNS server's subnet and NIC NSGs inbound.
    ///
    /// The finding points at the DNS server entry and says why: no route (and which peering is
    /// missing or one-sided), or the rule that denies the witness packet. `168.63.129.16`
    /// (Azure-provided DNS) is exempt from NSGs and is skipped. An entry that cannot be
    /// resolved raises VNL002 at the entry; a verdict that hangs on an unresolved NSG value
    /// raises VNL002 too. Environments whose subnet or network is unresolved are not judged.
    ///
    /// ## Why is this bad?
    /// An environment resolves its dependencies with the network's DNS servers: if they cannot
    /// be reached, creation fails, or the environment turns unhealthy and its apps cannot
    /// resolve their backends. DNS falls back to TCP for large answers, so both protocols matter.
    ///
    /// ## Example
    /// ```hcl,expect=VNL304+VNL104
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    ///   dns_servers         = ["10.50.0.4"]
    /// }
    ///
    /// resource "azurerm_subnet" "ase" {
    ///   name                 = "snet-ase"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.0.0/24"]
    ///
    ///   delegation {
    ///     name = "ase"
    ///     service_delegation {
    ///       name = "Microsoft.Web/hostingEnvironments"
    ///     }
    ///   }
    /// }
    ///
    /// resource "azurerm_app_service_environment_v3" "ase" {
    ///   name                = "ase-main"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Use a DNS server the network reaches (here one in its own address space), or Azure DNS:
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    ///   dns_servers         = ["10.0.5.4", "168.63.129.16"]
    /// }
    ///
    /// resource "azurerm_subnet" "ase" {
    ///   name                 = "snet-ase"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.0.0/24"]
    ///
    ///   delegation {
    ///     name = "ase"
    ///     service_delegation {
    ///       name = "Microsoft.Web/hostingEnvironments"
    ///     }
    ///   }
    /// }
    ///
    /// resource "azurerm_app_service_environment_v3" "ase" {
    ///   name                = "ase-main"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    /// ```
    ///
    /// In ARM the servers are `properties.dhcpOptions.dnsServers` of the
    /// `Microsoft.Network/virtualNetworks` resource.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Networking considerations for App Service Environment v2: DNS](https://learn.microsoft.com/azure/app-service/environment/network-info)
    /// - [App Service Environment v3 networking: DNS](https://learn.microsoft.com/azure/app-service/environment/networking#dns)
    /// - [Network security groups: Azure platform considerations](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#azure-platform-considerations)
    pub static ASE_DNS_UNREACHABLE = {
        code: "VNL304",
        name: "ase-dns-unreachable",
        level: Error,
        tags: ["correctness", "network", "app-service-environment", "dns"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

/// What an unreachable DNS server does to the environment.
const CONSEQUENCE: &str =
    "the environment fails to deploy or turns unhealthy, and its apps cannot resolve names";

/// Azure-provided DNS: exempt from NSGs (spec §2.5).
const PLATFORM_DNS: &str = "168.63.129.16";

/// The environment's label on its findings.
const USES_IT: &str = "the App Service Environment that uses it";

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let topo = &ctx.topology;
    for site in sites(net) {
        let Some(vnet) = topo.subnet_vnet(site.subnet) else {
            continue;
        };
        let Some(list) = net[vnet].dns_servers.as_ref() else {
            continue;
        };
        let Val::Known(items) = &list.value else {
            continue;
        };
        for item in items {
            let text = match &item.value {
                Val::Known(text) => text.trim(),
                Val::Unknown(unknown) => {
                    out.push(unresolved_entry(net, &site, vnet, item, &unknown.reason));
                    continue;
                }
            };
            // Not an address: a deployment error, not a reachability question.
            let Ok(ip) = text.parse::<IpAddr>() else {
                continue;
            };
            if text == PLATFORM_DNS {
                continue;
            }
            if let Some(finding) = judge(ctx, &site, vnet, item, ip) {
                out.push(finding);
            }
        }
    }
}

/// Where a DNS server is, as far as routing from the environment's network goes.
enum Placement {
    Routable,
    NoRoute(String),
    /// The network's own address space is unknown: no verdict.
    Unknown,
}

fn placement(topo: &Topology<'_>, vnet: VnetId, ip: IpAddr) -> Placement {
    let net = topo.net;
    let space = |id: VnetId| known_union(net[id].address_space.as_ref());
    let Some(own) = space(vnet) else {
        return Placement::Unknown;
    };
    if own.contains(ip) || topo.on_premises(vnet).contains(ip) {
        return Placement::Routable;
    }
    for link in topo
        .peerings
        .iter()
        .filter(|l| l.from == vnet || l.to == vnet)
    {
        let remote = if link.from == vnet {
            link.to
        } else {
            link.from
        };
        if space(remote).is_some_and(|s| s.contains(ip)) {
            return match topo.route(vnet, remote) {
                Ok(()) => Placement::Routable,
                Err(reason) => Placement::NoRoute(format!(
                    "it is in virtual network `{}`, but {reason}",
                    net[remote].meta.display_name()
                )),
            };
        }
    }
    // Public destinations leave through the Internet; private ones without a route are dropped
    // (system routes send 10/8, 172.16/12, 192.168/16 and 100.64/10 to `None`).
    if TagContext::stand_in().internet().contains(ip) {
        return Placement::Routable;
    }
    Placement::NoRoute(format!(
        "it is outside the address space of `{}`, its connected peers and the on-premises ranges behind its gateway",
        net[vnet].meta.display_name()
    ))
}

fn judge(
    ctx: &Context<'_>,
    site: &AseSite<'_>,
    vnet: VnetId,
    item: &Attr<String>,
    ip: IpAddr,
) -> Option<Finding> {
    let net = ctx.network;
    let topo = &ctx.topology;
    let ase = site.ase.meta.display_name();
    let header = format!(
        "custom DNS server `{ip}` of virtual network `{}` is not reachable from App Service Environment `{ase}` on port 53",
        net[vnet].meta.display_name()
    );
    match placement(topo, vnet, ip) {
        Placement::Unknown => None,
        Placement::NoRoute(reason) => Some(
            base(
                site,
                item,
                format!(
                    "{header}: no route, {reason}; {CONSEQUENCE}; use a server inside the network or a connected one, or connect the server's network"
                ),
            )
            .with_note(format!("no route from the environment's subnet to {ip}")),
        ),
        Placement::Routable => {
            let from = topo.resolve(&site.ase.meta.address).ok()?;
            let to = topo.resolve(&ip.to_string()).ok()?;
            let traffic = Traffic {
                protocols: ProtocolSet::of(&[Protocol::Udp, Protocol::Tcp]),
                dst_ports: PortSet::single(53),
            };
            let result = topo.evaluate_path(&from, &to, &traffic);
            if !result.denied.is_empty() {
                let (packet, trace) = topo.witness_in(&result, &result.denied, &traffic)?;
                let protocols = denied_protocols(&result.denied);
                let decided = trace.iter().find(|h| h.access == Access::Deny);
                let why = match decided {
                    Some(hop) => format!(
                        "{} denies {protocols} 53 ({} of NSG `{}`)",
                        hop_rule(net, hop),
                        hop.hop.direction,
                        net[hop.hop.nsg].meta.display_name()
                    ),
                    None => result
                        .notes
                        .first()
                        .cloned()
                        .unwrap_or_else(|| format!("{protocols} 53 is denied")),
                };
                let mut finding = base(
                    site,
                    item,
                    format!(
                        "{header}: {why}; {CONSEQUENCE}; allow UDP and TCP 53 from the environment's subnet to the server"
                    ),
                )
                .with_note(format!("packet {packet} is denied"));
                // Only the denying hops are related locations; the flow shows the whole path.
                for hop in &trace {
                    let label = hop_label(net, hop, describe_hop(net, hop));
                    if hop.access == Access::Deny {
                        finding = finding.with_secondary(label.clone());
                    }
                    finding = finding.with_flow_step(label);
                }
                finding.notes.extend(result.notes.iter().cloned());
                return Some(finding);
            }
            if result.uncertain.is_empty() {
                return None;
            }
            let message = format!(
                "whether App Service Environment `{ase}` reaches custom DNS server `{ip}` on port 53 depends on NSG values vnetlint cannot resolve; give them values in the scanned files so the path can be judged"
            );
            Some(
                UNRESOLVED_VALUE
                    .finding_at(&net[vnet].meta, item.span, "this DNS server", message)
                    .with_secondary(name_label(&site.ase.meta, "the App Service Environment"))
                    .with_note(raised_while(&ASE_DNS_UNREACHABLE))
                    .with_fingerprint_key(format!("VNL304:{ip}")),
            )
        }
    }
}

fn base(site: &AseSite<'_>, item: &Attr<String>, message: String) -> Finding {
    ASE_DNS_UNREACHABLE
        .finding(
            message,
            Label::new(item.span, "this DNS server is unreachable"),
        )
        .with_secondary(name_label(&site.ase.meta, USES_IT))
        .with_address(site.ase.meta.address.clone())
        .with_fingerprint_key(item.get().cloned().unwrap_or_default())
}

fn unresolved_entry(
    net: &Network,
    site: &AseSite<'_>,
    vnet: VnetId,
    item: &Attr<String>,
    reason: &str,
) -> Finding {
    let message = format!(
        "a DNS server of virtual network `{}` cannot be resolved ({reason}), so whether App Service Environment `{}` reaches it cannot be judged; give it a value in the scanned files",
        net[vnet].meta.display_name(),
        site.ase.meta.display_name()
    );
    let vnet = &net[vnet].meta;
    unresolved_at(
        &ASE_DNS_UNREACHABLE,
        vnet,
        item.span,
        message,
        "dns_servers",
    )
    .with_secondary(name_label(&site.ase.meta, USES_IT))
}

/// `UDP`, `TCP` or `UDP and TCP`.
fn denied_protocols(denied: &PacketSet) -> String {
    let mut names = Vec::new();
    for protocol in [Protocol::Udp, Protocol::Tcp] {
        if denied
            .cubes()
            .iter()
            .any(|c| c.protocols.contains(protocol))
        {
            names.push(protocol.name().to_ascii_uppercase());
        }
    }
    names.join(" and ")
}
