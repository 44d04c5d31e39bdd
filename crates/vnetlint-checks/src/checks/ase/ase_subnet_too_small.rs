//! VNL305: an App Service Environment's subnet is smaller than its version requires or recommends.

use std::net::IpAddr;

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{AseVersion, Attr};

use crate::Context;
use crate::checks::ase::{sites, version_name};
use crate::declare::declare_check;
use crate::finding::name_label;

declare_check! {
    /// The subnet of an App Service Environment is smaller than its version requires or recommends.
    ///
    /// ## What it does
    /// Compares the IPv4 prefix of the environment's subnet with the sizes the documentation
    /// gives per version:
    ///
    /// | version | minimum | recommended |
    /// |---|---|---|
    /// | v1 | 8 addresses (`/29`) | 64 addresses (`/26`) |
    /// | v2 | not documented | 256 addresses (`/24`) |
    /// | v3 | 32 addresses (`/27`) | 256 addresses (`/24`) |
    ///
    /// The finding points at the prefix and says whether the subnet is below the minimum
    /// (the deployment fails) or only below the recommendation (the environment cannot scale
    /// out, and the subnet cannot be resized later). The level is `warning` in both cases, as
    /// the issue that introduced the rule asks; raise it in `vnetlint.toml` if you want an
    /// error. For v2 the hard minimum is uncertain in the documentation, so only the `/24`
    /// recommendation (which the Terraform provider documents as required) is applied. With
    /// several prefixes, the largest IPv4 one counts. Subnets whose prefixes or whose
    /// environment's version is unresolved are not judged.
    ///
    /// ## Why is this bad?
    /// The size of an environment's subnet cannot change after creation. Every instance, and
    /// the infrastructure roles the platform adds as plans grow, takes an address; scaling
    /// temporarily doubles the instances. A subnet sized for today's apps stops the
    /// environment from scaling out, and the only fix is a new environment.
    ///
    /// ## Example
    /// ```hcl,expect=VNL305+VNL104
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
    ///   address_prefixes     = ["10.0.0.0/28"]
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
    /// In ARM the prefix is `properties.addressPrefix` (or `addressPrefixes`) of the subnet
    /// that `properties.virtualNetwork.id` of the `Microsoft.Web/hostingEnvironments` names.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [App Service Environment v3 networking: subnet size](https://learn.microsoft.com/azure/app-service/environment/networking#subnet-requirements)
    /// - [Networking considerations for App Service Environment v2: subnet size](https://learn.microsoft.com/azure/app-service/environment/network-info#subnet-size)
    /// - [Configure an App Service Environment v1](https://learn.microsoft.com/azure/app-service/environment/app-service-web-configure-an-app-service-environment)
    pub static ASE_SUBNET_TOO_SMALL = {
        code: "VNL305",
        name: "ase-subnet-too-small",
        level: Warning,
        tags: ["correctness", "network", "app-service-environment"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

/// (minimum prefix length, recommended prefix length) per version; `None`: not documented.
fn limits(version: AseVersion) -> (Option<u8>, u8) {
    match version {
        AseVersion::V1 => (Some(29), 26),
        AseVersion::V2 => (None, 24),
        AseVersion::V3 => (Some(27), 24),
    }
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for site in sites(net) {
        let Some(version) = site.version else {
            continue;
        };
        let subnet = &net[site.subnet];
        let Some(list) = subnet.address_prefixes.as_ref() else {
            continue;
        };
        let Some(items) = list.get() else {
            continue;
        };
        // Every prefix must be known: an unknown one might be the large one.
        let mut largest: Option<(u8, &Attr<String>)> = None;
        let mut complete = true;
        for item in items {
            match item.get().map(|text| ipv4_prefix_length(text)) {
                Some(Some(length)) => {
                    if largest.is_none_or(|(best, _)| length < best) {
                        largest = Some((length, item));
                    }
                }
                Some(None) => {}
                None => complete = false,
            }
        }
        let (Some((length, item)), true) = (largest, complete) else {
            continue;
        };
        let (minimum, recommended) = limits(version);
        if length <= recommended {
            continue;
        }
        let addresses = 1u64 << (32 - u32::from(length));
        let below = match minimum {
            Some(minimum) if length > minimum => format!(
                "below the minimum of /{minimum} ({} addresses), so the deployment fails",
                1u64 << (32 - u32::from(minimum))
            ),
            _ => format!(
                "below the recommended /{recommended} ({} addresses), so the environment cannot scale out as its plans grow",
                1u64 << (32 - u32::from(recommended))
            ),
        };
        let message = format!(
            "subnet `{}` of App Service Environment `{}` ({}) is a /{length} ({addresses} addresses), {below}; the size cannot change after creation, so give the environment a /{recommended} or larger",
            subnet.meta.display_name(),
            site.ase.meta.display_name(),
            version_name(version),
        );
        let too_small = format!("a /{length} is too small");
        out.push(
            ASE_SUBNET_TOO_SMALL
                .finding_at(&subnet.meta, item.span, too_small, message)
                .with_secondary(name_label(&site.ase.meta, "the App Service Environment"))
                .with_fingerprint_key(site.ase.meta.address.clone()),
        );
    }
}

/// The prefix length of an IPv4 CIDR (`10.0.0.0/24` → 24, a lone address → 32); `None` for
/// IPv6 or text that is not a CIDR.
fn ipv4_prefix_length(text: &str) -> Option<u8> {
    let (address, length) = text.trim().split_once('/').unwrap_or((text.trim(), "32"));
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(_) => length.parse::<u8>().ok().filter(|&l| l <= 32),
        IpAddr::V6(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_lengths() {
        assert_eq!(ipv4_prefix_length("10.0.0.0/24"), Some(24));
        assert_eq!(ipv4_prefix_length("10.0.0.4"), Some(32));
        assert_eq!(ipv4_prefix_length("fd00::/64"), None);
        assert_eq!(ipv4_prefix_length("10.0.0.0/33"), None);
        assert_eq!(ipv4_prefix_length("nope"), None);
    }
}
