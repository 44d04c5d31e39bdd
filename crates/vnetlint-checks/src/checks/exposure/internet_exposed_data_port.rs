//! VNL102: an NSG lets the Internet reach a database, cache or file-share port.

use super::{ExposedPorts, report_port_exposure};
use crate::analysis::port_exposure::PortClass;
use crate::declare::declare_check;

declare_check! {
    /// The Internet can reach a database, cache or file-share port through a network security group.
    ///
    /// ## What it does
    /// Evaluates the inbound rules of each network security group exactly as Azure does and
    /// reports each custom rule that is the first to allow Internet traffic (TCP or UDP) to one
    /// of these ports: SQL Server 1433 and 1434, MySQL 3306, PostgreSQL 5432, Oracle 1521,
    /// MongoDB 27017, Redis 6379 and 6380, Elasticsearch 9200, Memcached 11211, SMB 445 and
    /// RPC/NetBIOS 135 and 139. Denies with a lower priority number, port ranges, port lists and
    /// plural prefixes are all taken into account.
    ///
    /// As for VNL101, a rule is reported when the public sources it lets through are broad:
    /// `*`, `Internet`, `0.0.0.0/0`, `::/0`, `AzureCloud` (and its regional forms), or more than
    /// 65,536 public addresses (wider than a /16; IPv6 in /64 networks). A named partner's or
    /// administrator's range of a /16 or less is not reported. Rules Azure rejects are evaluated
    /// under their evident meaning, with a note, and rules of an NSG outside the scanned files
    /// on a stand-in NSG, as a warning. What a security admin `AlwaysAllow` in force lets broad
    /// Internet sources reach is reported at the admin rule (the NSGs are never consulted).
    ///
    /// Where a subnet's user routes widen `VirtualNetwork` to Internet addresses (a
    /// `0.0.0.0/0` route makes it every address, nsg-semantics §2.6 item 5), the default rule
    /// `AllowVnetInBound` admits the Internet: that is reported at the NSG when an entry point
    /// really brings the traffic in (not for a spoke whose replies go to a hub firewall, where
    /// it is the normal state and no public entry works).
    ///
    /// ## Why is this bad?
    /// Backends such as a SQL Server VM are meant to be reached over the virtual network only.
    /// Data ports open to the Internet leak data through weak or default credentials and expose
    /// the service to unauthenticated exploits (SMB and RPC in particular).
    ///
    /// ## Example
    /// ```hcl,expect=VNL102
    /// resource "azurerm_network_security_group" "sql" {
    ///   name                = "nsg-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    ///
    /// resource "azurerm_network_security_rule" "sql_from_anywhere" {
    ///   name                        = "allow-sql"
    ///   priority                    = 200
    ///   direction                   = "Inbound"
    ///   access                      = "Allow"
    ///   protocol                    = "Tcp"
    ///   source_port_range           = "*"
    ///   destination_port_ranges     = ["1000-1500"]
    ///   source_address_prefix       = "Internet"
    ///   destination_address_prefix  = "*"
    ///   resource_group_name         = "rg"
    ///   network_security_group_name = azurerm_network_security_group.sql.name
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let only the virtual network in, as the mission's backends should be:
    /// ```hcl
    /// resource "azurerm_network_security_group" "sql" {
    ///   name                = "nsg-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-sql-from-vnet"
    ///     priority                   = 200
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Path and level
    /// The destination is real: each network interface (its private address), the addresses of
    /// a subnet that holds no network interfaces (an App Service Environment's, say), or, for an
    /// NSG attached nowhere, whatever it would guard. Inbound traffic must pass the subnet's NSG
    /// and then the network interface's NSG, so a subnet rule that the NIC NSG denies is no
    /// exposure. The finding is an **error** when a public IP leads to the destination (the
    /// interface's own, or a public load balancer's frontend through a load-balancing rule or an
    /// inbound NAT rule whose backend port is the exposed one — the message names both ports —
    /// or an Azure Firewall DNAT rule, reported at the NAT rule), and a
    /// **warning** when the NSGs admit Internet traffic but no public entry point is declared in
    /// the scanned templates (latent: it opens as soon as one is attached). Rules of later NSGs
    /// on the path that also let the traffic through are shown as related locations.
    ///
    /// ## Options
    /// `[ports] data = ["8000-8010"]` in `vnetlint.toml` adds ports to the data class.
    /// `[exposure] broad_sources = 65536` sets how many public source addresses a rule must
    /// let through to be reported (default 65,536: wider than a /16).
    ///
    /// ## References
    /// - [Network security groups](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview)
    /// - [Securely connecting to backend resources from an App Service Environment](https://learn.microsoft.com/azure/app-service/environment/app-service-app-service-environment-securely-connecting-to-backend-resources)
    pub static INTERNET_EXPOSED_DATA_PORT = {
        code: "VNL102",
        name: "internet-exposed-data-port",
        level: Error,
        tags: ["security", "network", "exposure"],
        precision: "very-high",
        security_severity: Some(8.2),
        run: |ctx, out| report_port_exposure(ctx, &INTERNET_EXPOSED_DATA_PORT, &PORTS, out),
    };
}

const PORTS: ExposedPorts = ExposedPorts {
    classes: &[
        PortClass::new("RPC", &[(135, 135)]),
        PortClass::new("NetBIOS", &[(139, 139)]),
        PortClass::new("SMB", &[(445, 445)]),
        PortClass::new("SQL Server", &[(1433, 1434)]),
        PortClass::new("Oracle", &[(1521, 1521)]),
        PortClass::new("MySQL", &[(3306, 3306)]),
        PortClass::new("PostgreSQL", &[(5432, 5432)]),
        PortClass::new("Redis", &[(6379, 6380)]),
        PortClass::new("Elasticsearch", &[(9200, 9200)]),
        PortClass::new("Memcached", &[(11211, 11211)]),
        PortClass::new("MongoDB", &[(27017, 27017)]),
    ],
    configured_label: "configured data port",
    configured: |config| &config.extra_data_ports,
    why: "data services open to the Internet leak data through weak credentials and unauthenticated exploits",
};
