//! VNL702: a network interface with its own public IP sits in a subnet whose routes send the
//! replies to the Internet through an appliance or a gateway, so TCP through that public IP
//! breaks (the appliance never saw the request).

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{
    AddrSet, Appliance, Cube, Direction, Mode, PacketSet, PortSet, Protocol, ProtocolSet,
    RouteOrigin, TagContext,
};
use vnetlint_ir::{Attr, NicId, SubnetId};

use crate::Context;
use crate::declare::declare_check;
use crate::finding::{label, name_label};

declare_check! {
    /// Internet traffic arrives on a public IP directly, but the replies are routed through an appliance or a gateway that drops them.
    ///
    /// ## What it does
    /// For each network interface with its own public IP, follows the replies from its subnet
    /// back to the Internet through the subnet's effective routes (routing spec §6). When they
    /// go to Azure Firewall, a network virtual appliance or a virtual network gateway (forced
    /// tunnelling), while the request came in on the public IP without crossing it, and the
    /// NSGs on the way admit some TCP from the Internet, the flow is asymmetric: the stateful
    /// device drops the replies of a session it never saw. The finding is at the user-defined
    /// route that sends the replies away, with the public IP and the interface related. UDP and
    /// ICMP still arrive (one way). Load balancer frontends are not judged yet.
    ///
    /// An appliance outside the scanned templates is assumed to pass the replies (no finding).
    /// The exposure checks (VNL101–VNL103) treat such an entry point as latent.
    ///
    /// ## Why is this bad?
    /// The public IP looks reachable — the NSG admits the traffic, the port answers from inside
    /// the virtual network — yet every TCP connection from the Internet times out. It is the
    /// classic surprise of "send everything to the firewall" designs.
    ///
    /// ## Example
    /// ```hcl,expect=VNL702
    /// resource "azurerm_virtual_network" "hub" {
    ///   name          = "vnet-hub"
    ///   address_space = ["10.1.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "firewall" {
    ///   name                 = "AzureFirewallSubnet"
    ///   virtual_network_name = azurerm_virtual_network.hub.name
    ///   address_prefixes     = ["10.1.0.0/26"]
    /// }
    ///
    /// resource "azurerm_firewall" "hub" {
    ///   name     = "fw-hub"
    ///   sku_name = "AZFW_VNet"
    ///   sku_tier = "Standard"
    ///   ip_configuration {
    ///     name      = "default"
    ///     subnet_id = azurerm_subnet.firewall.id
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet" "web" {
    ///   name                 = "snet-web"
    ///   virtual_network_name = azurerm_virtual_network.hub.name
    ///   address_prefixes     = ["10.1.1.0/24"]
    /// }
    ///
    /// resource "azurerm_subnet_route_table_association" "web" {
    ///   subnet_id      = azurerm_subnet.web.id
    ///   route_table_id = azurerm_route_table.web.id
    /// }
    ///
    /// resource "azurerm_network_security_group" "web" {
    ///   name = "nsg-web"
    ///   security_rule {
    ///     name                       = "allow-https"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "Internet"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "web" {
    ///   subnet_id                 = azurerm_subnet.web.id
    ///   network_security_group_id = azurerm_network_security_group.web.id
    /// }
    ///
    /// resource "azurerm_public_ip" "web" {
    ///   name              = "pip-web"
    ///   allocation_method = "Static"
    ///   sku               = "Standard"
    /// }
    ///
    /// resource "azurerm_network_interface" "web" {
    ///   name = "nic-web"
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.web.id
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.1.1.4"
    ///     public_ip_address_id          = azurerm_public_ip.web.id
    ///   }
    /// }
    ///
    /// resource "azurerm_route_table" "web" {
    ///   name = "rt-web"
    ///   route {
    ///     name                   = "default-to-firewall"
    ///     address_prefix         = "0.0.0.0/0"
    ///     next_hop_type          = "VirtualAppliance"
    ///     next_hop_in_ip_address = "10.1.0.4"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Publish the service through the firewall (a DNAT rule) or a load balancer and drop the
    /// instance public IP, or send only private destinations to the firewall so the replies to
    /// the Internet leave directly:
    /// ```hcl
    /// resource "azurerm_virtual_network" "hub" {
    ///   name          = "vnet-hub"
    ///   address_space = ["10.1.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "firewall" {
    ///   name                 = "AzureFirewallSubnet"
    ///   virtual_network_name = azurerm_virtual_network.hub.name
    ///   address_prefixes     = ["10.1.0.0/26"]
    /// }
    ///
    /// resource "azurerm_firewall" "hub" {
    ///   name     = "fw-hub"
    ///   sku_name = "AZFW_VNet"
    ///   sku_tier = "Standard"
    ///   ip_configuration {
    ///     name      = "default"
    ///     subnet_id = azurerm_subnet.firewall.id
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet" "web" {
    ///   name                 = "snet-web"
    ///   virtual_network_name = azurerm_virtual_network.hub.name
    ///   address_prefixes     = ["10.1.1.0/24"]
    /// }
    ///
    /// resource "azurerm_subnet_route_table_association" "web" {
    ///   subnet_id      = azurerm_subnet.web.id
    ///   route_table_id = azurerm_route_table.web.id
    /// }
    ///
    /// resource "azurerm_network_security_group" "web" {
    ///   name = "nsg-web"
    ///   security_rule {
    ///     name                       = "allow-https"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "Internet"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "web" {
    ///   subnet_id                 = azurerm_subnet.web.id
    ///   network_security_group_id = azurerm_network_security_group.web.id
    /// }
    ///
    /// resource "azurerm_public_ip" "web" {
    ///   name              = "pip-web"
    ///   allocation_method = "Static"
    ///   sku               = "Standard"
    /// }
    ///
    /// resource "azurerm_network_interface" "web" {
    ///   name = "nic-web"
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.web.id
    ///     private_ip_address_allocation = "Static"
    ///     private_ip_address            = "10.1.1.4"
    ///     public_ip_address_id          = azurerm_public_ip.web.id
    ///   }
    /// }
    ///
    /// resource "azurerm_route_table" "web" {
    ///   name = "rt-web"
    ///   route {
    ///     name                   = "private-to-firewall"
    ///     address_prefix         = "10.0.0.0/8"
    ///     next_hop_type          = "VirtualAppliance"
    ///     next_hop_in_ip_address = "10.1.0.4"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Integrate Azure Firewall with Azure Standard Load Balancer: asymmetric routing](https://learn.microsoft.com/azure/firewall/integrate-lb)
    /// - [Virtual network traffic routing](https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview)
    pub static ASYMMETRIC_ROUTE = {
        code: "VNL702",
        name: "asymmetric-route",
        level: Warning,
        tags: ["correctness", "routing"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let topo = &ctx.topology;
    if !topo.routing_active() {
        return;
    }
    let internet = TagContext::stand_in().internet_hosts();
    for (nic, n) in net.iter_nics() {
        for (index, config) in n.ip_configurations.iter().enumerate() {
            let (Some(&pip), Some(&subnet)) = (
                config.public_ip.as_ref().and_then(Attr::get),
                config.subnet.as_ref().and_then(Attr::get),
            ) else {
                continue;
            };
            let Some(address) = topo.nic_config_addresses(nic, index) else {
                continue;
            };
            let basic = net[pip]
                .sku
                .as_ref()
                .and_then(Attr::get)
                .is_some_and(|s| s.eq_ignore_ascii_case("basic"));
            if !admits_tcp(ctx, nic, subnet, &address, &internet, basic) {
                continue;
            }
            let Some((route, why)) = broken_return(ctx, subnet, &internet) else {
                continue;
            };
            let pip_meta = &net[pip].meta;
            let message = format!(
                "traffic from the Internet reaches network interface `{}` directly on public IP `{}`, but {why}: that device never saw the request and drops the replies, so TCP connections to the public IP fail (UDP still arrives); publish the service through the appliance (a DNAT rule) or a load balancer and drop the instance public IP, or route the replies to the Internet directly",
                n.meta.display_name(),
                pip_meta.display_name(),
            );
            let mut finding = check_finding(ctx, route, message);
            finding = finding
                .with_secondary(name_label(
                    pip_meta,
                    "the request arrives on this public IP",
                ))
                .with_secondary(name_label(&n.meta, "the replies leave this interface"));
            out.push(finding);
        }
    }
}

/// The finding at the user-defined route (or, for a system route, the subnet).
fn check_finding(ctx: &Context<'_>, route: RouteSite, message: String) -> Finding {
    let net = ctx.network;
    match route {
        RouteSite::User(table, index) => {
            let table = &net.route_tables[table.index()];
            let route = &table.routes[index];
            let span = route
                .next_hop_ip
                .as_ref()
                .or(route.next_hop_type.as_ref())
                .map_or(route.span, |a| a.span);
            ASYMMETRIC_ROUTE
                .finding(
                    message,
                    label(&table.meta, span, "the replies to the Internet go here"),
                )
                .with_address(route.address.clone())
        }
        RouteSite::Subnet(subnet) => {
            let meta = &net[subnet].meta;
            ASYMMETRIC_ROUTE
                .finding(
                    message,
                    name_label(meta, "the replies to the Internet leave this subnet"),
                )
                .with_address(meta.address.clone())
        }
    }
}

#[derive(Clone, Copy)]
enum RouteSite {
    User(vnetlint_ir::RouteTableId, usize),
    Subnet(SubnetId),
}

/// Whether the NSGs on the way in admit some TCP from the Internet to `address`.
fn admits_tcp(
    ctx: &Context<'_>,
    nic: NicId,
    subnet: SubnetId,
    address: &AddrSet,
    internet: &AddrSet,
    basic: bool,
) -> bool {
    let topo = &ctx.topology;
    let mut set = PacketSet::from_cube(Cube {
        src: internet.clone(),
        dst: address.clone(),
        protocols: ProtocolSet::single(Protocol::Tcp),
        src_ports: PortSet::all(),
        dst_ports: PortSet::all(),
    });
    let vnet = topo.subnet_vnet(subnet);
    let nsgs: Vec<_> = [topo.subnet_nsg(subnet), topo.nic_nsg(nic)]
        .into_iter()
        .flatten()
        .collect();
    // A Standard public IP admits nothing until an NSG allows it (routing spec §9).
    if nsgs.is_empty() {
        return basic;
    }
    for nsg in nsgs {
        set = topo
            .compiled(nsg, vnet)
            .allowed(Direction::Inbound, &set, Mode::May);
    }
    !set.is_empty()
}

/// The route that sends replies to the Internet to a stateful device, and what it is.
fn broken_return(
    ctx: &Context<'_>,
    subnet: SubnetId,
    internet: &AddrSet,
) -> Option<(RouteSite, String)> {
    let topo = &ctx.topology;
    let back = topo.return_devices(subnet, internet);
    let broken = back.iter().find(|(_, result)| match result {
        Ok(devices) => devices.iter().any(|d| !matches!(d, Appliance::Outside(_))),
        Err(_) => true,
    })?;
    let routes = topo.effective_routes(subnet)?;
    let probe = broken.0.min()?;
    let route = routes.lookup(probe)?;
    let site = match route.origin {
        RouteOrigin::User(table, index) => RouteSite::User(table, index),
        _ => RouteSite::Subnet(subnet),
    };
    let why = match &broken.1 {
        Ok(devices) => {
            let names: Vec<String> = devices.iter().map(|d| topo.appliance_label(d)).collect();
            format!(
                "the subnet's routes send the replies through {}",
                names.join(", ")
            )
        }
        Err(reason) => reason.clone(),
    };
    Some((site, why))
}
