//! VNL401: an app inside the network connects to a backend through the backend's public IP,
//! while the backend's NSGs admit no Internet traffic on that port.

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{Access, PathVerdict};
use vnetlint_ir::{Attr, PublicIpId};

use super::{
    Candidate, check_candidates, hop_role, nics_with_public_ip, placement, public_ip_of_reference,
    public_ip_with_address, tcp,
};
use crate::Context;
use crate::analysis::connection_string::Host;
use crate::declare::declare_check;
use crate::finding::{describe_hop, name_label, with_path};

declare_check! {
    /// An app that runs inside the virtual network connects to a backend by its public IP, which the backend's network security groups do not admit.
    ///
    /// ## What it does
    /// Parses every connection string of an app that runs in the network (hosted on an App
    /// Service Environment, or with regional VNet integration), and every app setting that
    /// holds one, into host and port (SQL Server `Server=tcp:host,port` / `Data Source=`,
    /// `Host=`/`Port=`, Redis `host:port`, JDBC and URI forms; the port defaults from the
    /// connection string's `type` or the URI scheme). When the host is the address of a public
    /// IP in the templates (`${azurerm_public_ip.sql.ip_address}`,
    /// `reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip-sql')).ipAddress`, or
    /// a literal address equal to a public IP's known address), it evaluates the path from the
    /// Internet to that public IP on the port over TCP. A connection to a public IP arrives from
    /// a public source address even when the caller sits in the same virtual network (the NSGs
    /// see it after address translation, as Internet traffic), so when every such packet is
    /// denied by the NSGs in front of the backend, the app's connection is refused. The
    /// finding points at the connection string, names the rule that denies it and the private
    /// address to use instead when the network interface has a static one.
    ///
    /// Not reported (no false alarm): a public IP that some Internet traffic may reach on that
    /// port (the exposure checks judge that), a verdict that depends on values vnetlint cannot
    /// resolve, a public IP attached to no network interface in the templates, a connection
    /// string without a port vnetlint can tell, and host names (DNS is not modelled). A
    /// public IP with no NSG in front counts as denied only when its SKU is `Standard`, which
    /// is closed until an NSG opens it.
    ///
    /// ## Why is this bad?
    /// The connection fails at run time, after deployment, with a timeout that looks like a
    /// database outage. The fix also keeps the traffic inside the virtual network instead of
    /// hairpinning through public addresses.
    ///
    /// ## Example
    /// An App Service Environment and a SQL Server VM in two subnets of one virtual network; SQL
    /// on 1433 is allowed only from the virtual network, and the app connects by the VM's public IP:
    /// ```hcl,expect=VNL401
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
    ///     name                       = "allow-sql-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
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
    /// resource "azurerm_public_ip" "sql" {
    ///   name                = "pip-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   allocation_method   = "Static"
    ///   sku                 = "Standard"
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
    ///     public_ip_address_id          = azurerm_public_ip.sql.id
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
    ///     value = "Server=tcp:${azurerm_public_ip.sql.ip_address},1433;Initial Catalog=orders;Authentication=Active Directory Managed Identity"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Connect to the VM's private address:
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
    ///     name                       = "allow-sql-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
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
    /// resource "azurerm_public_ip" "sql" {
    ///   name                = "pip-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   allocation_method   = "Static"
    ///   sku                 = "Standard"
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
    ///     public_ip_address_id          = azurerm_public_ip.sql.id
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
    /// - [Connect an App Service Environment to a backend (private IP, not public)](https://learn.microsoft.com/azure/app-service/environment/app-service-app-service-environment-securely-connecting-to-backend-resources)
    /// - [How network security groups see translated addresses](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview)
    pub static CONNECTION_VIA_PUBLIC_ENDPOINT = {
        code: "VNL401",
        name: "connection-via-public-endpoint",
        level: Error,
        tags: ["correctness", "network", "app-service"],
        precision: "high",
        security_severity: None,
        run: |ctx, out| check_candidates(ctx, out, check),
    };
}

fn check(ctx: &Context<'_>, candidate: &Candidate<'_>) -> Option<Finding> {
    let net = ctx.network;
    let topo = &ctx.topology;
    let place = placement(net, candidate.app)?;
    let server = candidate.parsed.server.as_ref()?;
    let pip: PublicIpId = match &server.host {
        Host::Reference(reference) => public_ip_of_reference(net, reference)?,
        Host::Literal(text) => public_ip_with_address(net, text.trim().parse().ok()?)?,
        Host::Unknown(_) | Host::Mixed => return None,
    };
    let port = server.port.number()?;
    let traffic = tcp(port);
    let public = &net[pip];
    let to = topo.resolve(&public.meta.address).ok()?;
    let internet = topo.resolve("Internet").ok()?;
    let result = topo.evaluate_path(&internet, &to, &traffic);
    if result.verdict != PathVerdict::Denied || !result.uncertain.is_empty() {
        return None;
    }
    let (_, trace) = topo.witness_in(&result, &result.denied, &traffic)?;
    let standard = public
        .sku
        .as_ref()
        .and_then(Attr::get)
        .is_some_and(|s| s.eq_ignore_ascii_case("Standard"));
    let denied_by = trace.iter().find(|h| h.access == Access::Deny);
    let why = match denied_by {
        Some(hop) => describe_hop(net, hop),
        // Without an NSG only a Standard public IP is closed; a Basic one is open.
        None if trace.is_empty() && standard => {
            "denied: no NSG opens it, and a Standard public IP admits nothing until one does"
                .to_owned()
        }
        None => return None,
    };
    let nics = nics_with_public_ip(net, pip);
    let private = nics.iter().find_map(|&(nic, index)| {
        let config = &net[nic].ip_configurations[index];
        config.private_ip.as_ref()?.get().cloned()
    });
    let backend = nics.first().map_or_else(
        || format!("`{}`", public.meta.display_name()),
        |&(nic, _)| format!("`{}`", net[nic].meta.display_name()),
    );
    let fix = match &private {
        Some(ip) => format!("connect to its private address `{ip}` instead"),
        None => format!(
            "connect to the private address of {backend} instead (give its IP configuration a static private address so the connection string can name it)"
        ),
    };
    let app = &net[candidate.app];
    let message = format!(
        "{} of app `{}` connects to {backend} through its public IP `{}` on TCP {port}, but its NSGs admit no Internet traffic on that port ({why}): traffic from {} to a public IP arrives from a public address, so the connection is refused; {fix}",
        candidate.what,
        app.meta.display_name(),
        public.meta.display_name(),
        place.describe(net),
    );
    let finding = CONNECTION_VIA_PUBLIC_ENDPOINT
        .finding_at(
            &app.meta,
            candidate.span,
            "connects through a public IP",
            message,
        )
        .with_fingerprint_key(candidate.key.clone())
        .with_secondary(name_label(&public.meta, "the backend's public IP"));
    let mut finding = with_path(finding, net, &trace, |hop| hop_role(net, hop));
    // Whether the private path works, so the suggested fix is known to help.
    if let Some(ip) = &private
        && let (Ok(from), Ok(to)) = (topo.resolve(&app.meta.address), topo.resolve(ip))
    {
        let private_path = topo.evaluate_path(&from, &to, &traffic);
        if private_path.verdict == PathVerdict::Allowed {
            finding = finding.with_note(format!(
                "the path from {} to `{ip}` on TCP {port} is allowed",
                place.describe(net)
            ));
        } else {
            finding = finding.with_note(format!(
                "the path from {} to `{ip}` on TCP {port} is {} as well: the NSGs need a rule for it too",
                place.describe(net),
                private_path.verdict.as_str()
            ));
        }
    }
    finding.notes.extend(result.notes.iter().cloned());
    Some(finding)
}
