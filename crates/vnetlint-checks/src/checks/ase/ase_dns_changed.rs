//! VNL306: a planned change of `dns_servers` on a VNet that hosts an App Service Environment.

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_ir::{Attr, ElementId};

use crate::Context;
use crate::declare::declare_check;
use crate::finding::name_label;

declare_check! {
    /// A planned update changes the DNS servers of a virtual network that hosts an App Service Environment, which keeps the old servers until it is restarted.
    ///
    /// ## What it does
    /// Reads the `resource_changes` of a `terraform plan` (plan input only: `vnetlint check
    /// --plan`), and reports an update of `dns_servers` (on `azurerm_virtual_network` or
    /// `azurerm_virtual_network_dns_servers`) of a virtual network with an App Service
    /// Environment in one of its subnets. Creating the network with its servers is fine; only a
    /// change of existing servers is reported. A change whose new value is unknown until apply
    /// is not reported (no false alarm).
    ///
    /// ## Why is this bad?
    /// An App Service Environment reads the VNet's DNS servers when it starts: after a change,
    /// its apps keep resolving with the old servers until the environment is restarted (a
    /// rolling reboot), and for ASE v1 a change during creation makes the creation fail. Names
    /// that only the new servers know stay unresolved; backends appear unreachable.
    ///
    /// ## Example
    /// A plan that adds `10.0.3.5` to the servers of the ASE's network (its subnet also has no
    /// NSG, VNL104):
    /// ```plan,expect=VNL306+VNL104
    /// {
    ///   "format_version": "1.2",
    ///   "terraform_version": "1.11.4",
    ///   "planned_values": {
    ///     "root_module": {
    ///       "resources": [
    ///         {
    ///           "address": "azurerm_virtual_network.main",
    ///           "mode": "managed",
    ///           "type": "azurerm_virtual_network",
    ///           "name": "main",
    ///           "values": {
    ///             "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-main",
    ///             "address_space": [
    ///               "10.0.0.0/16"
    ///             ],
    ///             "dns_servers": [
    ///               "10.0.3.4",
    ///               "10.0.3.5"
    ///             ],
    ///             "location": "westeurope",
    ///             "name": "vnet-main",
    ///             "resource_group_name": "rg"
    ///           }
    ///         },
    ///         {
    ///           "address": "azurerm_subnet.ase",
    ///           "mode": "managed",
    ///           "type": "azurerm_subnet",
    ///           "name": "ase",
    ///           "values": {
    ///             "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-main/subnets/snet-ase",
    ///             "address_prefixes": [
    ///               "10.0.1.0/24"
    ///             ],
    ///             "name": "snet-ase",
    ///             "resource_group_name": "rg",
    ///             "virtual_network_name": "vnet-main",
    ///             "delegation": [
    ///               {
    ///                 "name": "ase",
    ///                 "service_delegation": [
    ///                   {
    ///                     "name": "Microsoft.Web/hostingEnvironments",
    ///                     "actions": []
    ///                   }
    ///                 ]
    ///               }
    ///             ]
    ///           }
    ///         },
    ///         {
    ///           "address": "azurerm_app_service_environment_v3.main",
    ///           "mode": "managed",
    ///           "type": "azurerm_app_service_environment_v3",
    ///           "name": "main",
    ///           "values": {
    ///             "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/hostingEnvironments/ase-main",
    ///             "name": "ase-main",
    ///             "resource_group_name": "rg",
    ///             "subnet_id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-main/subnets/snet-ase"
    ///           }
    ///         }
    ///       ]
    ///     }
    ///   },
    ///   "resource_changes": [
    ///     {
    ///       "address": "azurerm_virtual_network.main",
    ///       "mode": "managed",
    ///       "type": "azurerm_virtual_network",
    ///       "name": "main",
    ///       "change": {
    ///         "actions": [
    ///           "update"
    ///         ],
    ///         "before": {
    ///           "address_space": [
    ///             "10.0.0.0/16"
    ///           ],
    ///           "dns_servers": [
    ///             "10.0.3.4"
    ///           ],
    ///           "name": "vnet-main"
    ///         },
    ///         "after": {
    ///           "address_space": [
    ///             "10.0.0.0/16"
    ///           ],
    ///           "dns_servers": [
    ///             "10.0.3.4",
    ///             "10.0.3.5"
    ///           ],
    ///           "name": "vnet-main"
    ///         },
    ///         "after_unknown": {}
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Change the servers in a maintenance window and restart the environment afterwards
    /// (`az appservice ase restart` or the portal); a plan that creates the network with its
    /// final servers raises nothing:
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    ///   dns_servers         = ["10.0.3.4", "10.0.3.5"]
    /// }
    /// ```
    ///
    /// ## Options
    /// None. The restart itself is outside what a template can express, so the finding is a
    /// warning to act on after the apply; suppress it with a reason once the restart is planned.
    ///
    /// ## References
    /// - [App Service Environment networking: DNS](https://learn.microsoft.com/azure/app-service/environment/networking#dns)
    pub static ASE_DNS_CHANGED = {
        code: "VNL306",
        name: "ase-dns-changed",
        level: Warning,
        tags: ["correctness", "network", "ase"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    for change in &net.changes {
        if !change.actions.iter().any(|a| a == "update") {
            continue;
        }
        let (Some(before), Some(after)) = (&change.before_dns_servers, &change.after_dns_servers)
        else {
            continue;
        };
        if before == after {
            continue;
        }
        let Some(ElementId::Vnet(vnet)) = change.element else {
            continue;
        };
        let hosted: Vec<&vnetlint_ir::Ase> = net
            .ases
            .iter()
            .filter(|ase| {
                ase.subnet
                    .as_ref()
                    .and_then(Attr::get)
                    .and_then(|&s| net[s].vnet.as_ref().and_then(Attr::get))
                    == Some(&vnet)
            })
            .collect();
        let Some(first) = hosted.first() else {
            continue;
        };
        let names: Vec<String> = hosted
            .iter()
            .map(|a| format!("`{}`", a.meta.display_name()))
            .collect();
        let message = format!(
            "this plan changes the DNS servers of `{}` from [{}] to [{}], but the App Service Environment {} in it keeps the old servers until it is restarted; restart it after the apply (and for ASE v1, never during its creation)",
            net[vnet].meta.display_name(),
            before.join(", "),
            after.join(", "),
            names.join(", "),
        );
        let change_label =
            Label::new(change.span, "the planned DNS change").with_address(change.address.clone());
        out.push(
            ASE_DNS_CHANGED
                .finding(message, change_label)
                .with_address(change.address.clone())
                .with_fingerprint_key(after.join(","))
                .with_secondary(name_label(
                    &first.meta,
                    "this environment keeps the old servers",
                )),
        );
    }
}
