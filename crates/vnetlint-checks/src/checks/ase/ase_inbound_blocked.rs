//! VNL302: the NSG of an App Service Environment's subnet blocks inbound traffic its version needs.

use vnetlint_engine::Direction;
use vnetlint_ir::AseVersion;

use crate::checks::ase::report_blocked;
use crate::declare::declare_check;

declare_check! {
    /// The network security group of an App Service Environment's subnet blocks inbound traffic the environment's version requires.
    ///
    /// ## What it does
    /// Evaluates the NSG on the environment's subnet, over exact packet sets, for each inbound
    /// flow the environment's version needs:
    ///
    /// | version | required inbound |
    /// |---|---|
    /// | v1 | TCP 454-455 from `AppServiceManagement` (Azure management; examples open it from `Internet`) |
    /// | v2 | TCP 454-455 from `AppServiceManagement`; TCP 16001 from `AzureLoadBalancer` (keep-alive); TCP/UDP all ports from the environment's own subnet |
    /// | v3 | TCP 80 from `AzureLoadBalancer` (internal health ping) |
    ///
    /// The finding points at the rule that denies the flow (or at the NSG when its default
    /// `DenyAllInBound` does), names every blocked flow, and lists the environment as related.
    /// Traffic from `AppServiceManagement`, whose addresses are not known offline, is decided
    /// by name: a rule for `AppServiceManagement`, `AzureCloud`, `Internet` or `*` certainly
    /// matches it; a rule for another service tag or a public range only possibly does, and
    /// a flow that is only possibly blocked is not reported (no false alarm). When the verdict
    /// hangs on an unresolved value, VNL002 is reported at that value instead.
    ///
    /// The v2 requirement "all ports within the environment's own subnet" is reported only when
    /// the subnet's traffic is blocked entirely: which ports the instances really use is not
    /// documented, and denying a single port there (RDP, say) raises no alarm.
    ///
    /// Not judged: environments whose version or subnet is unresolved, and subnets whose NSG
    /// association is unresolved. Ports that are only recommended (app traffic 80/443, FTP,
    /// remote debugging) are not required and not checked.
    ///
    /// ## Why is this bad?
    /// Without its management traffic a v1 or v2 environment turns unhealthy and is then
    /// suspended; without the load balancer's keep-alive or health ping (v2, v3) the environment
    /// is not operational. A "deny everything" rule placed before the defaults does both.
    ///
    /// ## Example
    /// ```hcl,expect=VNL302
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
    ///     name                       = "deny-all-inbound"
    ///     priority                   = 4000
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
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
    /// Allow what the environment needs in front of the deny:
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
    ///     name                       = "allow-load-balancer"
    ///     priority                   = 110
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "AzureLoadBalancer"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-ase-subnet"
    ///     priority                   = 120
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "10.0.0.0/24"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-all-inbound"
    ///     priority                   = 4000
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
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
    /// In ARM the environment is `Microsoft.Web/hostingEnvironments` (`kind` `ASEV2`, `ASEV3`,
    /// or v1 without it) and the rules are `securityRules` of the subnet's NSG; the same rules
    /// fix it.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Networking considerations for App Service Environment v2](https://learn.microsoft.com/azure/app-service/environment/network-info)
    /// - [App Service Environment v3 networking](https://learn.microsoft.com/azure/app-service/environment/networking)
    /// - [Control inbound traffic to an App Service Environment v1](https://learn.microsoft.com/azure/app-service/environment/app-service-app-service-environment-control-inbound-traffic)
    pub static ASE_INBOUND_BLOCKED = {
        code: "VNL302",
        name: "ase-inbound-blocked",
        level: Error,
        tags: ["correctness", "network", "app-service-environment"],
        precision: "high",
        security_severity: None,
        run: |ctx, out| {
            report_blocked(ctx, &ASE_INBOUND_BLOCKED, Direction::Inbound, consequence, out);
        },
    };
}

fn consequence(version: AseVersion) -> &'static str {
    match version {
        AseVersion::V1 | AseVersion::V2 => {
            "without it Azure cannot manage the environment, which turns unhealthy and is then suspended"
        }
        AseVersion::V3 => {
            "without it the environment's health ping fails and it is not operational"
        }
    }
}
