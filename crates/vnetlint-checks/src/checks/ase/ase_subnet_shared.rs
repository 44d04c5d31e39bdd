//! VNL301: something other than the App Service Environment is placed in its subnet.

use vnetlint_diagnostics::Finding;
use vnetlint_ir::{AseVersion, Attr, Meta, Network, Span, SubnetId};

use crate::Context;
use crate::checks::ase::{AseSite, sites, version_name};
use crate::declare::declare_check;
use crate::finding::{label, name_label};

declare_check! {
    /// A network interface, private endpoint, app or second App Service Environment is placed in the subnet of an App Service Environment.
    ///
    /// ## What it does
    /// Reports everything the scanned templates place in an environment's subnet besides the
    /// environment itself: network interfaces (and so virtual machines), private endpoints,
    /// apps integrated into the subnet with regional VNet integration, virtual network
    /// gateways, and further App Service Environments. The finding points at the intruder's
    /// subnet reference, with the environment as related location. Apps *hosted on* the
    /// environment (through their App Service plan) belong there and are not reported.
    /// Elements whose subnet is unresolved are not reported.
    ///
    /// ## Why is this bad?
    /// The subnet of an App Service Environment is exclusive in every version. An ASE v1
    /// cannot reach the endpoints of virtual machines in its own subnet, so a backend placed
    /// there is unreachable whatever the NSGs say. For v2 and v3 nothing else may be in the
    /// subnet (v3 requires it empty and delegated), so the deployment fails.
    ///
    /// ## Example
    /// ```hcl,expect=VNL301+VNL104
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
    ///
    /// resource "azurerm_network_interface" "sql" {
    ///   name                = "nic-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.ase.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give the backend a subnet of its own:
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
    /// resource "azurerm_subnet" "data" {
    ///   name                 = "snet-data"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "data" {
    ///   name                = "nsg-data"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "data" {
    ///   subnet_id                 = azurerm_subnet.data.id
    ///   network_security_group_id = azurerm_network_security_group.data.id
    /// }
    ///
    /// resource "azurerm_app_service_environment_v3" "ase" {
    ///   name                = "ase-main"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.ase.id
    /// }
    ///
    /// resource "azurerm_network_interface" "sql" {
    ///   name                = "nic-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.data.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    /// ```
    ///
    /// In ARM the same holds for `ipConfigurations[].properties.subnet.id` of a network
    /// interface, `properties.subnet.id` of a private endpoint, and
    /// `properties.virtualNetwork.id` of a second `Microsoft.Web/hostingEnvironments`.
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Connect an App Service Environment v1 to a backend](https://learn.microsoft.com/azure/app-service/environment/app-service-app-service-environment-securely-connecting-to-backend-resources)
    /// - [Networking considerations for App Service Environment v2](https://learn.microsoft.com/azure/app-service/environment/network-info)
    /// - [App Service Environment v3 networking](https://learn.microsoft.com/azure/app-service/environment/networking)
    pub static ASE_SUBNET_SHARED = {
        code: "VNL301",
        name: "ase-subnet-shared",
        level: Error,
        tags: ["correctness", "network", "app-service-environment"],
        precision: "very-high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let all = sites(net);
    for (index, site) in all.iter().enumerate() {
        // A second environment in the same subnet is reported once, at the later one.
        if all[..index].iter().any(|s| s.subnet == site.subnet) {
            continue;
        }
        for intruder in intruders(ctx, site) {
            out.push(finding(net, site, &intruder));
        }
    }
}

/// Something placed in the environment's subnet.
struct Intruder<'n> {
    /// `network interface `nic-sql` (of virtual machine `vm-sql`)`.
    what: String,
    /// The intruder's subnet references.
    spans: Vec<Span>,
    meta: &'n Meta,
    /// Whether it is a machine the environment would want to reach (a NIC or endpoint).
    endpoint: bool,
}

fn intruders<'n>(ctx: &Context<'n>, site: &AseSite<'_>) -> Vec<Intruder<'n>> {
    let net = ctx.network;
    let subnet = site.subnet;
    let in_subnet = |attr: Option<&Attr<SubnetId>>| attr.and_then(Attr::get) == Some(&subnet);
    let mut out = Vec::new();
    for (nic_id, nic) in net.iter_nics() {
        let spans: Vec<_> = nic
            .ip_configurations
            .iter()
            .filter(|c| in_subnet(c.subnet.as_ref()))
            .filter_map(|c| c.subnet.as_ref().map(|a| a.span))
            .collect();
        if spans.is_empty() {
            continue;
        }
        let vm = net
            .vms
            .iter()
            .find(|vm| vm.nics.iter().any(|n| n.get() == Some(&nic_id)))
            .map(|vm| format!(" of virtual machine `{}`", vm.meta.display_name()))
            .unwrap_or_default();
        out.push(Intruder {
            what: format!("network interface `{}`{vm}", nic.meta.display_name()),
            spans,
            meta: &nic.meta,
            endpoint: true,
        });
    }
    // The elements one subnet attribute places: (element, attribute, kind, suffix, endpoint).
    let endpoints = net.private_endpoints.iter().map(|endpoint| {
        let attr = endpoint.subnet.as_ref();
        (&endpoint.meta, attr, "private endpoint", "", true)
    });
    let apps = net.web_apps.iter().map(|app| {
        let attr = app.vnet_integration_subnet.as_ref();
        (&app.meta, attr, "app", " (VNet integration)", false)
    });
    let gateways = net.vnet_gateways.iter().map(|gateway| {
        let attr = gateway.subnet.as_ref();
        (&gateway.meta, attr, "virtual network gateway", "", false)
    });
    let environments = net
        .iter_ases()
        .filter(|&(id, _)| id != site.id)
        .map(|(_, other)| {
            let attr = other.subnet.as_ref();
            (&other.meta, attr, "App Service Environment", "", false)
        });
    let placed = endpoints.chain(apps).chain(gateways).chain(environments);
    for (meta, attr, kind, suffix, endpoint) in placed {
        if let Some(attr) = attr.filter(|a| in_subnet(Some(a))) {
            out.push(Intruder {
                what: format!("{kind} `{}`{suffix}", meta.display_name()),
                spans: vec![attr.span],
                meta,
                endpoint,
            });
        }
    }
    out
}

fn finding(net: &Network, site: &AseSite<'_>, intruder: &Intruder<'_>) -> Finding {
    let subnet = &net[site.subnet];
    let ase = site.ase.meta.display_name();
    let why = match site.version {
        Some(AseVersion::V1) if intruder.endpoint => format!(
            "an ASE v1 cannot reach endpoints of virtual machines in its own subnet, so `{ase}` cannot reach it whatever the NSGs allow"
        ),
        Some(AseVersion::V1) => {
            "the subnet of an ASE v1 cannot be used for anything but the environment".to_owned()
        }
        Some(version) => format!(
            "the subnet of an ASE {} must hold nothing but the environment, so the deployment fails",
            version_name(version)
        ),
        None => "the subnet of an App Service Environment must hold nothing but the environment"
            .to_owned(),
    };
    let message = format!(
        "subnet `{}` of App Service Environment `{ase}` also holds {}: {why}; move it to a subnet of its own",
        subnet.meta.display_name(),
        intruder.what,
    );
    let (meta, first) = (intruder.meta, intruder.spans[0]);
    let owner = name_label(
        &site.ase.meta,
        "the App Service Environment that owns the subnet",
    );
    let mut finding = ASE_SUBNET_SHARED
        .finding_at(
            meta,
            first,
            "placed in the environment's subnet here",
            message,
        )
        .with_secondary(owner)
        .with_fingerprint_key(site.ase.meta.address.clone());
    for &span in &intruder.spans[1..] {
        finding = finding.with_secondary(label(
            meta,
            span,
            "another configuration in the same subnet",
        ));
    }
    finding
}
