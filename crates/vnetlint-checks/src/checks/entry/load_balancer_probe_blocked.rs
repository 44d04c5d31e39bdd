//! VNL105: an NSG on a load balancer's backend denies the load balancer's health probe.

use std::collections::BTreeMap;

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{
    Direction, PortSet, Protocol, ProtocolSet, RuleRef, ServicePeer, ServiceTraffic, TagContext,
};
use vnetlint_ir::{
    Attr, LbBackendPoolId, LbProbe, LbProbeId, LoadBalancerId, Network, NicId, NsgId, RuleId, Span,
    Val,
};

use crate::Context;
use crate::checks::frontend::unresolved_value::{
    gather_unresolved, unresolved_at, unresolved_in_rule,
};
use crate::declare::{Check, declare_check};
use crate::finding::{label, name_label};

declare_check! {
    /// A network security group on a load balancer's backend denies the load balancer's health probe.
    ///
    /// ## What it does
    /// Evaluates, for each health probe of a load balancer, the probe's traffic (TCP to the
    /// probe's port from `AzureLoadBalancer`, 168.63.129.16; HTTP and HTTPS probes are TCP too)
    /// against the NSGs on the way to each backend member: the NSG of the member's subnet and
    /// the NSG of its network interface, inbound, exactly as Azure does. The members are the
    /// network interface ip configurations that name a backend pool of the load balancer.
    ///
    /// The finding points at the rule that denies the probe (a deny of `AzureLoadBalancer`, or a
    /// broader deny such as "deny everything" whose priority number is below the default
    /// `AllowAzureLoadBalancerInBound`), lists the probe and the load balancer as related, and
    /// names the members behind the NSG. The load balancer's SKU does not matter: probes of a
    /// Basic and of a Standard load balancer come from the same address.
    ///
    /// A member with no NSG on its path is not reported (nothing denies the probe). When the
    /// probe's port is unresolved, the probe is reported where every port is denied, and VNL002
    /// is raised at the port where the verdict depends on it; a rule whose unresolved value
    /// decides the verdict gets VNL002 at that value. Members that are only addresses of an
    /// IP-based pool are not judged.
    ///
    /// ## Why is this bad?
    /// A member that does not answer its health probe is taken out of rotation: the load
    /// balancer stops sending it new flows. When the NSG denies the probe on every member the
    /// whole backend is out and the service behind the load balancer is down, even though the
    /// virtual machines are healthy and the client traffic itself would be allowed.
    ///
    /// ## Example
    /// ```hcl,expect=VNL105
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "web" {
    ///   name                 = "snet-web"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "web" {
    ///   name                = "nsg-web"
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
    /// resource "azurerm_subnet_network_security_group_association" "web" {
    ///   subnet_id                 = azurerm_subnet.web.id
    ///   network_security_group_id = azurerm_network_security_group.web.id
    /// }
    ///
    /// resource "azurerm_lb" "web" {
    ///   name                = "lb-web"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   sku                 = "Standard"
    ///
    ///   frontend_ip_configuration {
    ///     name                          = "internal"
    ///     subnet_id                     = azurerm_subnet.web.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    ///
    /// resource "azurerm_lb_backend_address_pool" "web" {
    ///   name            = "pool-web"
    ///   loadbalancer_id = azurerm_lb.web.id
    /// }
    ///
    /// resource "azurerm_lb_probe" "http" {
    ///   name            = "probe-http"
    ///   loadbalancer_id = azurerm_lb.web.id
    ///   protocol        = "Http"
    ///   port            = 8080
    ///   request_path    = "/health"
    /// }
    ///
    /// resource "azurerm_network_interface" "web1" {
    ///   name                = "nic-web1"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.web.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    ///
    /// resource "azurerm_network_interface_backend_address_pool_association" "web1" {
    ///   network_interface_id    = azurerm_network_interface.web1.id
    ///   ip_configuration_name   = "primary"
    ///   backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
    /// }
    /// ```
    ///
    /// In ARM the same deny in the subnet's NSG, with a `probes` entry of the load balancer and
    /// a network interface whose ip configuration lists the pool in
    /// `loadBalancerBackendAddressPools`:
    /// ```arm,expect=VNL105
    /// {
    ///   "type": "Microsoft.Network/networkSecurityGroups",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "nsg-web",
    ///   "properties": {
    ///     "securityRules": [
    ///       { "name": "deny-all-inbound", "properties": {
    ///         "priority": 4000, "direction": "Inbound", "access": "Deny", "protocol": "*",
    ///         "sourceAddressPrefix": "*", "sourcePortRange": "*",
    ///         "destinationAddressPrefix": "*", "destinationPortRange": "*" } }
    ///     ]
    ///   }
    /// },
    /// {
    ///   "type": "Microsoft.Network/loadBalancers",
    ///   "apiVersion": "2023-09-01",
    ///   "name": "lb-web",
    ///   "properties": {
    ///     "backendAddressPools": [ { "name": "pool-web" } ],
    ///     "probes": [ { "name": "probe-http",
    ///       "properties": { "protocol": "Http", "port": 8080, "requestPath": "/health" } } ]
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Allow the probe in front of the deny:
    /// ```hcl
    /// resource "azurerm_virtual_network" "main" {
    ///   name                = "vnet-main"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   address_space       = ["10.0.0.0/16"]
    /// }
    ///
    /// resource "azurerm_subnet" "web" {
    ///   name                 = "snet-web"
    ///   resource_group_name  = "rg"
    ///   virtual_network_name = azurerm_virtual_network.main.name
    ///   address_prefixes     = ["10.0.1.0/24"]
    /// }
    ///
    /// resource "azurerm_network_security_group" "web" {
    ///   name                = "nsg-web"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-load-balancer-probe"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "8080"
    ///     source_address_prefix      = "AzureLoadBalancer"
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
    /// resource "azurerm_subnet_network_security_group_association" "web" {
    ///   subnet_id                 = azurerm_subnet.web.id
    ///   network_security_group_id = azurerm_network_security_group.web.id
    /// }
    ///
    /// resource "azurerm_lb" "web" {
    ///   name                = "lb-web"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///   sku                 = "Standard"
    ///
    ///   frontend_ip_configuration {
    ///     name                          = "internal"
    ///     subnet_id                     = azurerm_subnet.web.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    ///
    /// resource "azurerm_lb_backend_address_pool" "web" {
    ///   name            = "pool-web"
    ///   loadbalancer_id = azurerm_lb.web.id
    /// }
    ///
    /// resource "azurerm_lb_probe" "http" {
    ///   name            = "probe-http"
    ///   loadbalancer_id = azurerm_lb.web.id
    ///   protocol        = "Http"
    ///   port            = 8080
    ///   request_path    = "/health"
    /// }
    ///
    /// resource "azurerm_network_interface" "web1" {
    ///   name                = "nic-web1"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   ip_configuration {
    ///     name                          = "primary"
    ///     subnet_id                     = azurerm_subnet.web.id
    ///     private_ip_address_allocation = "Dynamic"
    ///   }
    /// }
    ///
    /// resource "azurerm_network_interface_backend_address_pool_association" "web1" {
    ///   network_interface_id    = azurerm_network_interface.web1.id
    ///   ip_configuration_name   = "primary"
    ///   backend_address_pool_id = azurerm_lb_backend_address_pool.web.id
    /// }
    /// ```
    ///
    /// In ARM, the same allow as the first of the NSG's `securityRules`:
    /// ```arm
    /// { "name": "allow-load-balancer-probe", "properties": {
    ///   "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
    ///   "sourceAddressPrefix": "AzureLoadBalancer", "sourcePortRange": "*",
    ///   "destinationAddressPrefix": "*", "destinationPortRange": "8080" } }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Load balancer health probes: probe source IP address](https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview#probe-source-ip-address)
    /// - [Azure service tags: AzureLoadBalancer](https://learn.microsoft.com/azure/virtual-network/service-tags-overview)
    /// - [Network security groups: default security rules](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules)
    pub static LOAD_BALANCER_PROBE_BLOCKED = {
        code: "VNL105",
        name: "load-balancer-probe-blocked",
        level: Error,
        tags: ["correctness", "network", "load-balancer"],
        precision: "high",
        security_severity: None,
        run: run,
    };
}

/// A backend member: one ip configuration of a network interface.
type Member = (NicId, usize);

/// The members one rule keeps one probe from, with the NSG the rule belongs to.
struct Blocked {
    nsg: NsgId,
    members: Vec<Member>,
}

/// What a probe's port is: written, unresolved, or absent or not a port (Azure rejects the
/// probe, so there is nothing to judge).
enum ProbePort {
    Known(u16),
    Unresolved { span: Span, reason: String },
    Invalid,
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    let mut blocked: BTreeMap<(RuleId, LbProbeId), Blocked> = BTreeMap::new();
    // VNL002 at an unresolved value of a rule: its reason, its rule, and the probes it decides.
    let mut unresolved_rules: BTreeMap<Span, (String, RuleId, Vec<LbProbeId>)> = BTreeMap::new();
    for (probe_id, probe) in net.iter_lb_probes() {
        let Some(&lb) = probe.load_balancer.as_ref().and_then(Attr::get) else {
            continue;
        };
        let port = probe_port(probe);
        let ports = match &port {
            ProbePort::Known(port) => PortSet::single(*port),
            ProbePort::Unresolved { .. } => PortSet::range(1, 65535),
            ProbePort::Invalid => continue,
        };
        let mut port_matters = false;
        for member in members(net, lb) {
            for (nsg, result) in evaluate_member(ctx, member, &ports) {
                let denied = result.denied();
                if let ProbePort::Unresolved { .. } = port
                    && !denied.is_empty()
                    && !denied.same_packets(&result.query)
                {
                    // Some ports are denied, others not: the verdict is the port's.
                    port_matters = true;
                    continue;
                }
                if let Some(decision) = result.deciding_deny(&denied)
                    && let RuleRef::Custom(rule) = decision.rule
                {
                    let entry = blocked.entry((rule, probe_id)).or_insert(Blocked {
                        nsg,
                        members: Vec::new(),
                    });
                    if !entry.members.contains(&member) {
                        entry.members.push(member);
                    }
                    continue;
                }
                gather_unresolved(&result, &probe_id, &mut unresolved_rules);
            }
        }
        if port_matters && let ProbePort::Unresolved { span, reason } = &port {
            out.push(unresolved_port(net, lb, probe, *span, reason));
        }
    }
    for ((rule, probe), blocked) in blocked {
        out.push(blocked_finding(net, rule, probe, &blocked));
    }
    for (span, (reason, rule, probes)) in unresolved_rules {
        let names: Vec<String> = probes
            .iter()
            .map(|&p| format!("`{}`", net[p].meta.display_name()))
            .collect();
        let message = format!(
            "whether rule `{}` denies health probe {} depends on a value vnetlint cannot resolve ({reason}); give it a value in the scanned files so the probe can be judged",
            net[rule].meta.display_name(),
            names.join(", "),
        );
        out.push(unresolved_in_rule(
            &LOAD_BALANCER_PROBE_BLOCKED,
            span,
            &net[rule].meta,
            message,
            None,
        ));
    }
}

/// VNL002 at a probe's unresolved port, where some ports would pass the backend's NSGs and
/// others not.
fn unresolved_port(
    net: &Network,
    lb: LoadBalancerId,
    probe: &LbProbe,
    span: Span,
    reason: &str,
) -> Finding {
    let (lb, probe_name) = (net[lb].meta.display_name(), probe.meta.display_name());
    unresolved_at(
        &LOAD_BALANCER_PROBE_BLOCKED,
        &probe.meta,
        span,
        format!(
            "whether the NSGs of the backend of load balancer `{lb}` let its health probe `{probe_name}` through depends on the probe's port, which vnetlint cannot resolve ({reason}); give it a value in the scanned files so the probe can be judged"
        ),
        &probe.meta.address,
    )
}

fn probe_port(probe: &LbProbe) -> ProbePort {
    match probe.port.as_ref().map(|attr| (&attr.value, attr.span)) {
        Some((Val::Known(text), _)) => text
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|&port| port != 0)
            .map_or(ProbePort::Invalid, ProbePort::Known),
        Some((Val::Unknown(unknown), span)) => ProbePort::Unresolved {
            span,
            reason: unknown.reason.clone(),
        },
        None => ProbePort::Invalid,
    }
}

/// The ip configurations that name a backend pool of load balancer `lb`, in network order.
fn members(net: &Network, lb: LoadBalancerId) -> Vec<Member> {
    let of_lb = |attr: &Attr<LbBackendPoolId>| {
        attr.get().is_some_and(|&pool| {
            net.lb_backend_pools
                .get(pool.index())
                .and_then(|p| p.load_balancer.as_ref())
                .and_then(Attr::get)
                == Some(&lb)
        })
    };
    let mut members = Vec::new();
    for (nic, interface) in net.iter_nics() {
        for (index, config) in interface.ip_configurations.iter().enumerate() {
            if config.lb_backend_pools.iter().any(of_lb) {
                members.push((nic, index));
            }
        }
    }
    members
}

/// The probe's traffic to one member against each NSG on its way (the subnet's, then the
/// network interface's), each with the engine's verdict.
fn evaluate_member(
    ctx: &Context<'_>,
    (nic, index): Member,
    ports: &PortSet,
) -> Vec<(NsgId, vnetlint_engine::ServiceResult)> {
    let topo = &ctx.topology;
    let Some(local) = topo.nic_config_addresses(nic, index) else {
        return Vec::new();
    };
    let subnet = ctx.network[nic].ip_configurations[index]
        .subnet
        .as_ref()
        .and_then(Attr::get)
        .and_then(|&subnet| topo.subnet_nsg(subnet));
    let vnet = topo.nic_vnet(nic);
    let traffic = ServiceTraffic {
        direction: Direction::Inbound,
        peer: ServicePeer::Addresses(TagContext::stand_in().azure_load_balancer()),
        local,
        protocols: ProtocolSet::single(Protocol::Tcp),
        ports: ports.clone(),
    };
    let mut nsgs: Vec<NsgId> = subnet.into_iter().chain(topo.nic_nsg(nic)).collect();
    nsgs.dedup();
    nsgs.into_iter()
        .map(|nsg| (nsg, topo.evaluate_service(nsg, vnet, &traffic)))
        .collect()
}

fn blocked_finding(net: &Network, rule: RuleId, probe: LbProbeId, blocked: &Blocked) -> Finding {
    let check: &Check = &LOAD_BALANCER_PROBE_BLOCKED;
    let rule_meta = &net[rule].meta;
    let probe = &net[probe];
    let lb = probe
        .load_balancer
        .as_ref()
        .and_then(Attr::get)
        .map(|&lb| &net[lb]);
    let port = match probe_port(probe) {
        ProbePort::Known(port) => format!("TCP {port}"),
        _ => "TCP, whatever its port".to_owned(),
    };
    let members: Vec<String> = blocked
        .members
        .iter()
        .map(|&(nic, _)| format!("`{}`", net[nic].meta.display_name()))
        .collect();
    let message = format!(
        "rule `{}` of NSG `{}` denies health probe `{}` of load balancer `{}` ({port} from `AzureLoadBalancer`, 168.63.129.16) to backend {} {}: a member that fails its probe goes out of rotation and gets no new flows; allow `AzureLoadBalancer` on the probe's port with a lower priority number than `{}`, or narrow that rule",
        rule_meta.display_name(),
        net[blocked.nsg].meta.display_name(),
        probe.meta.display_name(),
        lb.map_or("?", |lb| lb.meta.display_name()),
        if members.len() == 1 {
            "member"
        } else {
            "members"
        },
        members.join(", "),
        rule_meta.display_name(),
    );
    let primary = name_label(rule_meta, "this rule denies the health probe");
    let probe_label = match &probe.port {
        Some(port) => label(&probe.meta, port.span, "the health probe's port"),
        None => name_label(&probe.meta, "the health probe"),
    };
    let mut finding = check
        .finding(message, primary.clone())
        .with_flow_step(primary)
        .with_secondary(probe_label)
        .with_address(rule_meta.address.clone())
        .with_fingerprint_key(probe.meta.address.clone());
    if let Some(lb) = lb {
        finding = finding.with_secondary(name_label(&lb.meta, "the load balancer"));
    }
    for &(nic, _) in &blocked.members {
        finding = finding.with_secondary(name_label(
            &net[nic].meta,
            "a backend member behind the NSG",
        ));
    }
    finding.with_note(format!(
        "the probe comes from 168.63.129.16 (`AzureLoadBalancer`) whatever the load balancer's SKU; it is decided by {}",
        RuleRef::Custom(rule).describe(net)
    ))
}
