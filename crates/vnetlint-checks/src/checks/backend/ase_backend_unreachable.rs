//! VNL307: an app on an App Service Environment names a backend inside the network in a
//! connection string, and the NSGs deny the path from the ASE's subnet to it.

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{Access, PathVerdict};
use vnetlint_ir::ElementId;

use super::{
    Candidate, Placement, check_candidates, find_element, hop_role, placement,
    public_ip_with_address, tcp,
};
use crate::Context;
use crate::analysis::connection_string::Host;
use crate::declare::declare_check;
use crate::finding::{describe_hop, with_path};

declare_check! {
    /// An app on an App Service Environment connects to a backend in the network that the network security groups do not let the ASE's subnet reach.
    ///
    /// ## What it does
    /// For every app hosted on an App Service Environment, parses its connection strings (and
    /// app settings that hold one) into host and port, the way VNL401 does. When the host is a
    /// private address inside a scanned subnet, or a reference to a network interface's or
    /// VM's private address (`${azurerm_network_interface.sql.private_ip_address}`), it
    /// evaluates the path from the ASE's subnet to that address on the port over TCP: the ASE
    /// subnet's NSG outbound, then the destination subnet's and network interface's NSGs
    /// inbound, and the routing between virtual networks (peering). When the traffic is denied
    /// from the whole ASE subnet, or from part of it (app instances take any address in the
    /// subnet), the finding points at the connection string and names the rule that denies it,
    /// or the missing route.
    ///
    /// Not reported (no false alarm): host names (DNS is not modelled), public addresses
    /// (VNL401 covers public IPs of the network's own backends), a backend in the ASE's own
    /// subnet (VNL301 reports that), a connection string without a port vnetlint can tell, and
    /// a verdict that depends on values vnetlint cannot resolve (the rule's own values are
    /// reported by the checks that read them).
    ///
    /// ## Why is this bad?
    /// The app deploys and starts, and every request that needs the database times out. An ASE
    /// reaches its backends only over the virtual network, so the NSG rules of both subnets
    /// must admit the ASE's subnet.
    ///
    /// ## Example
    /// The SQL subnet admits 1433 only from another subnet, and denies the rest of the virtual
    /// network:
    /// ```hcl,expect=VNL307
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "sql" {
    ///   name                 = "snet-sql"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.0/24"]
    /// }
    ///
    /// resource "azurerm_subnet" "ase" {
    ///   name                 = "snet-ase"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.2.0/24"]
    ///
    ///   delegation {
    ///     name = "ase"
    ///     service_delegation {
    ///       name = "Microsoft.Web/hostingEnvironments"
    ///     }
    ///   }
    /// }
    ///
    /// resource "azurerm_network_security_group" "sql" {
    ///   name                = "nsg-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-sql-from-batch"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
    ///     source_address_prefix      = "10.0.3.0/24"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-vnet"
    ///     priority                   = 4000
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "sql" {
    ///   subnet_id                 = azurerm_subnet.sql.id
    ///   network_security_group_id = azurerm_network_security_group.sql.id
    /// }
    ///
    /// resource "azurerm_network_security_group" "ase" {
    ///   name                = "nsg-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "ase" {
    ///   subnet_id                 = azurerm_subnet.ase.id
    ///   network_security_group_id = azurerm_network_security_group.ase.id
    /// }
    ///
    /// resource "azurerm_network_interface" "sql" {
    ///   name                = "nic-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.sql.id
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.0.1.6"
    ///   }
    /// }
    ///
    /// resource "azurerm_app_service_environment_v3" "ase" {
    ///   name                = "ase-orders"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    ///
    /// resource "azurerm_service_plan" "orders" {
    ///   name                       = "plan-orders"
    ///   location                   = "westeurope"
    ///   resource_group_name        = "rg"
    ///   os_type                    = "Windows"
    ///   sku_name                   = "I1v2"
    ///   app_service_environment_id = azurerm_app_service_environment_v3.ase.id
    /// }
    ///
    /// resource "azurerm_windows_web_app" "orders" {
    ///   name                = "app-orders"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   service_plan_id     = azurerm_service_plan.orders.id
    ///
    ///   site_config {}
    ///
    ///   connection_string {
    ///     name  = "orders-db"
    ///     type  = "SQLServer"
    ///     value = "Server=tcp:10.0.1.6,1433;Initial Catalog=orders;Authentication=Active Directory Managed Identity"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Admit the ASE's subnet on the SQL port:
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "sql" {
    ///   name                 = "snet-sql"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.0/24"]
    /// }
    ///
    /// resource "azurerm_subnet" "ase" {
    ///   name                 = "snet-ase"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.2.0/24"]
    ///
    ///   delegation {
    ///     name = "ase"
    ///     service_delegation {
    ///       name = "Microsoft.Web/hostingEnvironments"
    ///     }
    ///   }
    /// }
    ///
    /// resource "azurerm_network_security_group" "sql" {
    ///   name                = "nsg-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-sql-from-ase"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
    ///     source_address_prefix      = "10.0.2.0/24"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-vnet"
    ///     priority                   = 4000
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "sql" {
    ///   subnet_id                 = azurerm_subnet.sql.id
    ///   network_security_group_id = azurerm_network_security_group.sql.id
    /// }
    ///
    /// resource "azurerm_network_security_group" "ase" {
    ///   name                = "nsg-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "ase" {
    ///   subnet_id                 = azurerm_subnet.ase.id
    ///   network_security_group_id = azurerm_network_security_group.ase.id
    /// }
    ///
    /// resource "azurerm_network_interface" "sql" {
    ///   name                = "nic-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.sql.id
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.0.1.6"
    ///   }
    /// }
    ///
    /// resource "azurerm_app_service_environment_v3" "ase" {
    ///   name                = "ase-orders"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    ///
    /// resource "azurerm_service_plan" "orders" {
    ///   name                       = "plan-orders"
    ///   location                   = "westeurope"
    ///   resource_group_name        = "rg"
    ///   os_type                    = "Windows"
    ///   sku_name                   = "I1v2"
    ///   app_service_environment_id = azurerm_app_service_environment_v3.ase.id
    /// }
    ///
    /// resource "azurerm_windows_web_app" "orders" {
    ///   name                = "app-orders"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   service_plan_id     = azurerm_service_plan.orders.id
    ///
    ///   site_config {}
    ///
    ///   connection_string {
    ///     name  = "orders-db"
    ///     type  = "SQLServer"
    ///     value = "Server=tcp:10.0.1.6,1433;Initial Catalog=orders;Authentication=Active Directory Managed Identity"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Connect an App Service Environment to backend resources](https://learn.microsoft.com/azure/app-service/environment/app-service-app-service-environment-securely-connecting-to-backend-resources)
    /// - [App Service Environment networking](https://learn.microsoft.com/azure/app-service/environment/networking)
    pub static ASE_BACKEND_UNREACHABLE = {
        code: "VNL307",
        name: "ase-backend-unreachable",
        level: Error,
        tags: ["correctness", "network", "app-service"],
        precision: "high",
        security_severity: None,
        run: |ctx, out| check_candidates(ctx, out, check),
    };
}

/// The endpoint name `Topology::resolve` takes for a host that is a private backend, and how
/// to name it in messages.
fn backend_endpoint(ctx: &Context<'_>, host: &Host) -> Option<(String, String)> {
    let net = ctx.network;
    match host {
        Host::Literal(text) => {
            let ip: std::net::IpAddr = text.trim().parse().ok()?;
            // Public IPs of the network's own backends are VNL401's; other addresses outside
            // every scanned subnet are outside the network.
            if public_ip_with_address(net, ip).is_some() {
                return None;
            }
            ctx.topology.subnet_containing(ip)?;
            Some((ip.to_string(), format!("`{ip}`")))
        }
        Host::Reference(reference) => {
            let attribute = reference.attribute.to_ascii_lowercase();
            if !attribute.contains("private_ip_address") && !attribute.contains("privateipaddress")
            {
                return None;
            }
            match find_element(net, &reference.address)? {
                id @ (ElementId::Nic(_) | ElementId::Vm(_)) => {
                    let meta = net.meta(id);
                    Some((
                        meta.address.clone(),
                        format!("the private address of `{}`", meta.display_name()),
                    ))
                }
                _ => None,
            }
        }
        Host::Unknown(_) | Host::Mixed => None,
    }
}

fn check(ctx: &Context<'_>, candidate: &Candidate<'_>) -> Option<Finding> {
    let net = ctx.network;
    let topo = &ctx.topology;
    let Placement::Ase(ase, ase_subnet) = placement(net, candidate.app)? else {
        return None;
    };
    let server = candidate.parsed.server.as_ref()?;
    let port = server.port.number()?;
    let (target, shown) = backend_endpoint(ctx, &server.host)?;
    let to = topo.resolve(&target).ok()?;
    if to.segments.iter().any(|s| s.subnet == Some(ase_subnet)) {
        return None;
    }
    let from = topo.resolve(&net[ase].meta.address).ok()?;
    let traffic = tcp(port);
    let result = topo.evaluate_path(&from, &to, &traffic);
    if result.denied.is_empty() || !result.uncertain.is_empty() {
        return None;
    }
    let (packet, trace) = topo.witness_in(&result, &result.denied, &traffic)?;
    let deny = trace.iter().find(|h| h.access == Access::Deny);
    let (why, fix) = match deny {
        Some(hop) => (
            describe_hop(net, hop),
            format!(
                "allow TCP {port} from the ASE's subnet in NSG `{}`",
                net[hop.hop.nsg].meta.display_name()
            ),
        ),
        None => (
            format!("no route: {}", no_route_reason(&result)?),
            "connect the two virtual networks (a peering declared in both directions)".to_owned(),
        ),
    };
    let scope = if result.verdict == PathVerdict::Denied {
        "from the ASE's subnet"
    } else {
        "from part of the ASE's subnet (app instances take any of its addresses)"
    };
    let app = &net[candidate.app];
    let message = format!(
        "{} of app `{}` connects to {shown} on TCP {port}, but traffic {scope} `{}` is denied ({why}): the app cannot reach its backend; {fix}",
        candidate.what,
        app.meta.display_name(),
        net[ase_subnet].meta.display_name(),
    );
    let finding = ASE_BACKEND_UNREACHABLE
        .finding_at(
            &app.meta,
            candidate.span,
            "this backend is unreachable from the ASE",
            message,
        )
        .with_fingerprint_key(candidate.key.clone());
    let mut finding = with_path(finding, net, &trace, |hop| hop_role(net, hop))
        .with_note(format!("packet {packet}: {why}"));
    for note in result.notes.iter().filter(|n| !why.contains(n.as_str())) {
        finding = finding.with_note(note.clone());
    }
    Some(finding)
}

/// Why the witness's pair has no route (peering missing or one-sided).
fn no_route_reason(result: &vnetlint_engine::PathResult) -> Option<String> {
    result.pairs.iter().find_map(|p| p.no_route.clone())
}
