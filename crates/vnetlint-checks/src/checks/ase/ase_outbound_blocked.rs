//! VNL303: the NSG of an App Service Environment's subnet blocks outbound traffic its version needs.

use vnetlint_engine::Direction;
use vnetlint_ir::AseVersion;

use crate::checks::ase::report_blocked;
use crate::declare::declare_check;

declare_check! {
    /// The network security group of an App Service Environment's subnet blocks outbound traffic the environment's version requires.
    ///
    /// ## What it does
    /// Evaluates the NSG on the environment's subnet, over exact packet sets, for each outbound
    /// flow the environment's version needs:
    ///
    /// | version | required outbound |
    /// |---|---|
    /// | v1 | UDP 53 (DNS); TCP 80, 443 and 445 to `Storage`; TCP 1433, 11000-11999, 14000-14999 to `Sql`; TCP 443 (management endpoints) and 80 (certificate revocation lists) to the Internet |
    /// | v2 | UDP 53 and UDP 123 to all; TCP 80, 443 and 12000 to all; TCP 1433 to `Sql`; TCP/UDP all ports to the environment's own subnet |
    /// | v3 | nothing beyond the apps' own dependencies |
    ///
    /// "To all" is evaluated as traffic to Azure's public endpoints (the `AzureCloud` tag): a
    /// rule for `*`, `Internet` or `AzureCloud` certainly decides it. A rule for another service
    /// tag or a public range only possibly matches the endpoints the environment uses, so a
    /// flow that is only possibly blocked is not reported (no false alarm): the usual lockdown
    /// "allow `Sql`, allow `Storage`, deny `Internet`" is not flagged for its HTTPS.
    /// DNS to the virtual network's custom DNS servers is VNL304's, and platform DNS at
    /// 168.63.129.16 is exempt from NSGs, so a v3 environment never raises this check. When
    /// the verdict hangs on an unresolved value, VNL002 is reported at that value instead.
    ///
    /// The v2 requirement "all ports within the environment's own subnet" is reported only when
    /// the subnet's traffic is blocked entirely: which ports the instances really use is not
    /// documented, and denying a single port there (RDP, say) raises no alarm.
    ///
    /// Not judged: environments whose version or subnet is unresolved, subnets whose NSG
    /// association is unresolved, and forced tunnelling through route tables.
    ///
    /// ## Why is this bad?
    /// A v1 or v2 environment that cannot reach its storage, its SQL databases, DNS or the
    /// management endpoints fails to deploy, or turns unhealthy and is suspended. A "deny
    /// `Internet`" rule also denies Azure SQL and Storage, which are public Azure addresses.
    ///
    /// ## Example
    /// ```hcl,expect=VNL303
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "ase" {
    ///   name                 = "snet-ase"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.0.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "ase" {
    ///   name                = "nsg-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-management"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "454-455"
    ///     source_address_prefix      = "AppServiceManagement"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-internet-outbound"
    ///     priority                   = 4000
    ///     direction                  = "Outbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "Internet"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "ase" {
    ///   subnet_id                 = azurerm_subnet.ase.id
    ///   network_security_group_id = azurerm_network_security_group.ase.id
    /// }
    ///
    /// resource "azurerm_app_service_environment" "ase" {
    ///   name                = "ase-main"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the default `AllowInternetOutBound`, or allow the dependencies in front of the deny:
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "ase" {
    ///   name                 = "snet-ase"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.0.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "ase" {
    ///   name                = "nsg-ase"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-management"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "454-455"
    ///     source_address_prefix      = "AppServiceManagement"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-sql"
    ///     priority                   = 200
    ///     direction                  = "Outbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "Sql"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-dependencies"
    ///     priority                   = 110
    ///     direction                  = "Outbound"
    ///     access                     = "Allow"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_ranges    = ["53", "80", "123", "443", "12000"]
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-internet-outbound"
    ///     priority                   = 4000
    ///     direction                  = "Outbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "Internet"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "ase" {
    ///   subnet_id                 = azurerm_subnet.ase.id
    ///   network_security_group_id = azurerm_network_security_group.ase.id
    /// }
    ///
    /// resource "azurerm_app_service_environment" "ase" {
    ///   name                = "ase-main"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    /// ```
    ///
    /// In ARM the environment is `Microsoft.Web/hostingEnvironments` (`kind` `ASEV2`, or v1
    /// without it) and the rules are `securityRules` of the subnet's NSG; the same rules fix it.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Networking considerations for App Service Environment v2](https://learn.microsoft.com/azure/app-service/environment/network-info)
    /// - [App Service Environment v1 with ExpressRoute: required network connectivity](https://learn.microsoft.com/azure/app-service/environment/app-service-app-service-environment-network-configuration-expressroute)
    pub static ASE_OUTBOUND_BLOCKED = {
        code: "VNL303",
        name: "ase-outbound-blocked",
        level: Error,
        tags: ["correctness", "network", "app-service-environment"],
        precision: "high",
        security_severity: None,
        run: |ctx, out| {
            report_blocked(ctx, &ASE_OUTBOUND_BLOCKED, Direction::Outbound, consequence, out);
        },
    };
}

fn consequence(_version: AseVersion) -> &'static str {
    "without it the environment cannot reach the services it depends on, so it fails to deploy or turns unhealthy and is suspended"
}
