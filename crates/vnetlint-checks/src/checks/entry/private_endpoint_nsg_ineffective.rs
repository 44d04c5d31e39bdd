//! VNL107: NSG rules about a private endpoint that do nothing, because the endpoint's subnet
//! leaves network policies for NSGs off.

use std::collections::BTreeMap;
use std::net::IpAddr;

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{
    AddrSet, Cube, Direction, PacketSet, PortSet, Protocol, ProtocolSet, RuleRef,
};
use vnetlint_ir::{
    Attr, Network, PrivateEndpoint, PrivateEndpointId, RuleId, Subnet, SubnetId, Val,
};

use crate::Context;
use crate::analysis::port_set;
use crate::checks::frontend::unresolved_value::unresolved_at;
use crate::declare::declare_check;
use crate::finding::{label, name_label};

declare_check! {
    /// A network security group on a private endpoint's subnet has rules about the endpoint while the subnet's network policies for NSGs are off, so the rules do nothing for it.
    ///
    /// ## What it does
    /// For each private endpoint, looks at the NSG of its subnet when the subnet's network
    /// policies for private endpoints leave NSGs off: `Disabled` (also the default when the
    /// setting is not written, and azurerm 3's `private_endpoint_network_policies_enabled =
    /// false`) or `RouteTableEnabled`. Every inbound rule of that NSG that certainly matches TCP
    /// traffic to the endpoint on a port its service listens on is reported, at the rule, with
    /// the endpoint and the subnet's setting (or the subnet, when the setting is not written) as
    /// related locations. Under `Enabled` or `NetworkSecurityGroupEnabled` nothing is reported.
    ///
    /// The endpoint's address is the static address of its `ip_configuration` (ARM
    /// `ipConfigurations`) when one is written, else any address of its subnet. The port comes
    /// from the service connection's sub-resource (`subresource_names`, ARM `groupIds`):
    ///
    /// | sub-resource | port |
    /// |---|---|
    /// | `sqlServer`, `Sql`, `SqlOnDemand` | TCP 1433 |
    /// | `postgresqlServer` | TCP 5432 |
    /// | `mysqlServer`, `mariadbServer` | TCP 3306 |
    /// | `redisCache` | TCP 6380 |
    /// | anything else (`blob`, `vault`, `sites`, ...), or none written | TCP 443 |
    ///
    /// A rule "about the endpoint" may be written for it (`allow 10.0.2.10:1433 from the app
    /// subnet`) or be broader (`deny everything inbound`): either way it does not filter the
    /// endpoint's traffic. When the subnet's setting is unresolved, VNL002 is raised at it.
    ///
    /// ## Why is this bad?
    /// Traffic to a private endpoint skips the NSGs of its subnet unless the subnet's network
    /// policies for NSGs are on. A rule meant to restrict who may reach the endpoint (or a
    /// "deny everything" meant to protect the whole subnet) gives a false sense of security:
    /// every host that can route to the endpoint reaches it.
    ///
    /// ## Example
    /// ```hcl,expect=VNL107
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "data" {
    ///   name                 = "snet-data"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.2.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "data" {
    ///   name                = "nsg-data"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "deny-sql-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "10.0.2.10"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "data" {
    ///   subnet_id                 = azurerm_subnet.data.id
    ///   network_security_group_id = azurerm_network_security_group.data.id
    /// }
    ///
    /// resource "azurerm_private_endpoint" "sql" {
    ///   name                = "pe-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.data.id
    ///
    ///   private_service_connection {
    ///     name                           = "sql"
    ///     private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-main"
    ///     subresource_names              = ["sqlServer"]
    ///     is_manual_connection           = false
    ///   }
    ///
    ///   ip_configuration {
    ///     name               = "sql"
    ///     private_ip_address = "10.0.2.10"
    ///     subresource_name   = "sqlServer"
    ///   }
    /// }
    /// ```
    ///
    /// In ARM, a subnet without `privateEndpointNetworkPolicies` (or with `Disabled`) holding
    /// an endpoint of `groupIds` `["sqlServer"]`, and the same rule in its NSG:
    /// ```arm,expect=VNL107
    /// { "name": "snet-data", "properties": {
    ///   "addressPrefix": "10.0.2.0/24",
    ///   "privateEndpointNetworkPolicies": "Disabled",
    ///   "networkSecurityGroup": { "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-data')]" } } }
    /// ```
    ///
    /// ## Use instead
    /// Turn the network policies for NSGs on, so that the rule applies to the endpoint:
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "data" {
    ///   name                              = "snet-data"
    ///   resource_group_name               = "rg"
    ///   virtual_network_name              = azurerm_virtual_network.main.name
    ///   address_prefixes                  = ["10.0.2.0/24"]
    ///   private_endpoint_network_policies = "NetworkSecurityGroupEnabled"
    /// }
    ///
    /// resource "azurerm_network_security_group" "data" {
    ///   name                = "nsg-data"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "deny-sql-from-vnet"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "1433"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "10.0.2.10"
    ///   }
    /// }
    ///
    /// resource "azurerm_subnet_network_security_group_association" "data" {
    ///   subnet_id                 = azurerm_subnet.data.id
    ///   network_security_group_id = azurerm_network_security_group.data.id
    /// }
    ///
    /// resource "azurerm_private_endpoint" "sql" {
    ///   name                = "pe-sql"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   subnet_id           = azurerm_subnet.data.id
    ///
    ///   private_service_connection {
    ///     name                           = "sql"
    ///     private_connection_resource_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-main"
    ///     subresource_names              = ["sqlServer"]
    ///     is_manual_connection           = false
    ///   }
    ///
    ///   ip_configuration {
    ///     name               = "sql"
    ///     private_ip_address = "10.0.2.10"
    ///     subresource_name   = "sqlServer"
    ///   }
    /// }
    /// ```
    ///
    /// In ARM:
    /// ```arm
    /// { "name": "snet-data", "properties": {
    ///   "addressPrefix": "10.0.2.0/24",
    ///   "privateEndpointNetworkPolicies": "NetworkSecurityGroupEnabled",
    ///   "networkSecurityGroup": { "id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-data')]" } } }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Manage network policies for private endpoints](https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy)
    /// - [What is a private endpoint? Network security of private endpoints](https://learn.microsoft.com/azure/private-link/private-endpoint-overview#network-security-of-private-endpoints)
    pub static PRIVATE_ENDPOINT_NSG_INEFFECTIVE = {
        code: "VNL107",
        name: "private-endpoint-nsg-ineffective",
        level: Warning,
        tags: ["security", "network", "private-endpoint"],
        precision: "high",
        security_severity: Some(5.3),
        run: run,
    };
}

/// The port a private endpoint's service listens on, by sub-resource (lowercase).
const SERVICE_PORTS: &[(&str, u16)] = &[
    ("sqlserver", 1433),
    ("sql", 1433),
    ("sqlondemand", 1433),
    ("postgresqlserver", 5432),
    ("mysqlserver", 3306),
    ("mariadbserver", 3306),
    ("rediscache", 6380),
];

/// Most private link services (storage, key vault, web apps, ...) listen on HTTPS.
const DEFAULT_PORT: u16 = 443;

/// What the subnet says about network policies for NSGs on its private endpoints.
enum Policies<'n> {
    /// NSGs do not apply: the setting (or `None` when it is not written).
    Off(Option<&'n Attr<String>>),
    Unresolved(&'n Attr<String>, &'n str),
    /// NSGs apply, or the value is one Azure rejects: nothing to say.
    On,
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let topo = &ctx.topology;
    let mut endpoints: BTreeMap<SubnetId, Vec<PrivateEndpointId>> = BTreeMap::new();
    for (id, endpoint) in net.iter_private_endpoints() {
        if let Some(&subnet) = endpoint.subnet.as_ref().and_then(Attr::get)
            && subnet.index() < net.subnets.len()
        {
            endpoints.entry(subnet).or_default().push(id);
        }
    }
    for (subnet_id, in_subnet) in endpoints {
        let subnet = &net[subnet_id];
        let policies = policies(subnet);
        if matches!(policies, Policies::On) {
            continue;
        }
        let Some(nsg) = topo.subnet_nsg(subnet_id) else {
            continue;
        };
        let compiled = topo.compiled(nsg, topo.subnet_vnet(subnet_id));
        let prefixes = topo.subnet_prefixes(subnet_id);
        let mut about: BTreeMap<RuleId, Vec<PrivateEndpointId>> = BTreeMap::new();
        for endpoint in in_subnet {
            let Some(query) = endpoint_traffic(&net[endpoint], prefixes) else {
                continue;
            };
            for rule in compiled.rules(Direction::Inbound) {
                if let RuleRef::Custom(id) = rule.rule
                    && rule.matches.lower.overlaps(&query)
                {
                    about.entry(id).or_default().push(endpoint);
                }
            }
        }
        if about.is_empty() {
            continue;
        }
        match policies {
            Policies::Off(setting) => {
                for (rule, endpoints) in about {
                    out.push(ineffective_finding(net, subnet, setting, rule, &endpoints));
                }
            }
            Policies::Unresolved(setting, reason) => {
                let message = format!(
                    "whether the rules of NSG `{}` about the private endpoints of subnet `{}` take effect depends on its network policies for private endpoints, which vnetlint cannot resolve ({reason}); give the setting a value in the scanned files so the rules can be judged",
                    net[nsg].meta.display_name(),
                    subnet.meta.display_name(),
                );
                out.push(unresolved_at(
                    &PRIVATE_ENDPOINT_NSG_INEFFECTIVE,
                    &subnet.meta,
                    setting.span,
                    message,
                    &subnet.meta.address,
                ));
            }
            Policies::On => {}
        }
    }
}

fn policies(subnet: &Subnet) -> Policies<'_> {
    let Some(setting) = subnet.private_endpoint_network_policies.as_ref() else {
        return Policies::Off(None);
    };
    match &setting.value {
        Val::Known(value) => match value.to_ascii_lowercase().as_str() {
            "disabled" | "routetableenabled" => Policies::Off(Some(setting)),
            _ => Policies::On,
        },
        Val::Unknown(unknown) => Policies::Unresolved(setting, &unknown.reason),
    }
}

/// TCP from anywhere to the endpoint's address on its service's ports; `None` when neither
/// the endpoint's address nor its subnet's prefixes are known.
fn endpoint_traffic(endpoint: &PrivateEndpoint, prefixes: Option<&AddrSet>) -> Option<PacketSet> {
    let address = endpoint
        .private_ip
        .as_ref()
        .and_then(Attr::get)
        .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
        .map(AddrSet::from_ip)
        .or_else(|| prefixes.cloned())?;
    Some(PacketSet::from_cube(Cube::new(
        ProtocolSet::single(Protocol::Tcp),
        AddrSet::all(),
        PortSet::all(),
        address,
        port_set(&service_ports(endpoint)),
    )))
}

/// The ports of the endpoint's sub-resources ([`SERVICE_PORTS`], else [`DEFAULT_PORT`]).
fn service_ports(endpoint: &PrivateEndpoint) -> Vec<(u16, u16)> {
    let names: Vec<&str> = endpoint
        .group_ids
        .as_ref()
        .and_then(Attr::get)
        .map(|items| {
            items
                .iter()
                .filter_map(Attr::get)
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default();
    let mut ports: Vec<(u16, u16)> = names
        .iter()
        .map(|name| {
            let port = SERVICE_PORTS
                .iter()
                .find(|(known, _)| name.eq_ignore_ascii_case(known))
                .map_or(DEFAULT_PORT, |&(_, port)| port);
            (port, port)
        })
        .collect();
    if ports.is_empty() {
        ports.push((DEFAULT_PORT, DEFAULT_PORT));
    }
    ports
}

fn ineffective_finding(
    net: &Network,
    subnet: &Subnet,
    setting: Option<&Attr<String>>,
    rule: RuleId,
    endpoints: &[PrivateEndpointId],
) -> Finding {
    let rule_meta = &net[rule].meta;
    let nsg = net[rule]
        .nsg
        .as_ref()
        .and_then(Attr::get)
        .map_or("?", |&nsg| net[nsg].meta.display_name());
    let names: Vec<String> = endpoints
        .iter()
        .map(|&e| describe_endpoint(&net[e]))
        .collect();
    let state = match setting.and_then(Attr::get) {
        Some(value) => format!("sets network policies for private endpoints to `{value}`"),
        None => {
            "leaves network policies for private endpoints unset, which means `Disabled`".to_owned()
        }
    };
    let message = format!(
        "rule `{}` of NSG `{nsg}` is about private endpoint {} but subnet `{}` {state}: traffic to the endpoint skips the subnet's NSG, so the rule does nothing for it; set `private_endpoint_network_policies` (ARM `privateEndpointNetworkPolicies`) to `Enabled` or `NetworkSecurityGroupEnabled`, or filter the endpoint's traffic elsewhere",
        rule_meta.display_name(),
        names.join(", "),
        subnet.meta.display_name(),
    );
    let primary = name_label(rule_meta, "this rule does nothing for the private endpoint");
    let policy_label = match setting {
        Some(setting) => label(
            &subnet.meta,
            setting.span,
            "network policies for NSGs are off here",
        ),
        None => name_label(
            &subnet.meta,
            "this subnet leaves network policies for private endpoints unset (`Disabled`)",
        ),
    };
    let mut finding = PRIVATE_ENDPOINT_NSG_INEFFECTIVE
        .finding(message, primary)
        .with_secondary(policy_label)
        .with_address(rule_meta.address.clone())
        .with_fingerprint_key(subnet.meta.address.clone());
    for &endpoint in endpoints {
        finding = finding.with_secondary(name_label(&net[endpoint].meta, "the private endpoint"));
    }
    finding
}

/// `` `pe-sql` (TCP 1433 to 10.0.2.10) ``, or `` `pe-blob` (TCP 443 in the subnet) ``.
fn describe_endpoint(endpoint: &PrivateEndpoint) -> String {
    let ports: Vec<String> = service_ports(endpoint)
        .iter()
        .map(|(port, _)| port.to_string())
        .collect();
    let address = endpoint
        .private_ip
        .as_ref()
        .and_then(Attr::get)
        .map_or_else(|| "in the subnet".to_owned(), |ip| format!("to {ip}"));
    format!(
        "`{}` (TCP {} {address})",
        endpoint.meta.display_name(),
        ports.join(", ")
    )
}
