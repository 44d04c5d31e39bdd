//! The routing engine has a per-packet twin (issue 15, item 5; admin rules and private
//! endpoints: issue 16): random hub-and-spoke networks (a hub with Azure Firewall and an NVA,
//! two spokes, peerings in both, one or no direction with random `allow_forwarded_traffic`,
//! random route tables on the spoke subnets and the NVA's subnet, random firewall rule
//! collections, NSGs that deny one port, Virtual Network Manager security admin rules —
//! network groups with static members, two configurations each committed by a `SecurityAdmin`
//! deployment or not, up to three rules of random direction, action, protocol, addresses, ports
//! and distinct priorities — and up to two private endpoints at static addresses in workload
//! subnets whose `private_endpoint_network_policies` are random: absent, `Disabled`, `Enabled`,
//! `NetworkSecurityGroupEnabled`, `RouteTableEnabled`) are followed one packet at a time by a
//! twin that looks routes up hop by hop from the generated description — system routes, user
//! routes, longest prefix, peerings, the firewall's first match, IP forwarding, admin rules
//! before NSGs on each side of a VNet crossing (routing spec §1, §7), each endpoint's /32 in
//! its VNet and connected peers and its invalidation by a user route no longer than the VNet
//! space (never 0.0.0.0/0) under route policies, the endpoint's subnet NSG only under NSG
//! policies, TCP only (§8, edge cases 7 and 8), the return path of TCP along the destination
//! subnet's routes (§6; an endpoint's replies too: it is no appliance) — and compared with the
//! set-based `Topology::evaluate_path` from workload NICs to NICs and to endpoints: the
//! verdict, where the witness's journey stops, which admin rules decided on its way, the
//! endpoint's refusal of other protocols and the skipped NSG, the note on an invalidated /32;
//! and NIC-to-NIC verdicts and paths are the same without the endpoints.
//!
//! The twin shares no routing code with the engine; the IR builder does (it is only the input).

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::{Spans, add_nic, add_nsg, add_rule, add_subnet, add_vnet, list, security_rule};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vnetlint_engine::{
    PathResult, PathVerdict, PortSet, Protocol, ProtocolSet, StepKind, Topology, Traffic,
};
use vnetlint_ir::{
    AdminRule, AdminRuleCollection, AdminRuleCollectionId, Attr, Dialect, Firewall,
    FirewallIpConfiguration, FirewallRule, FirewallRuleCollection, FirewallRuleCollectionGroup,
    FirewallRuleKind, Meta, Network, NetworkGroup, NetworkGroupId, NetworkManager,
    NetworkManagerDeployment, NetworkManagerId, Peering, PrivateEndpoint, Route, RouteTable,
    RuleCollectionOwner, SecurityAdminConfiguration, SecurityAdminConfigurationId,
};

// ---------------------------------------------------------------------------------------------
// The generated description.

const VNETS: [&str; 3] = ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"];
/// Subnets: (vnet, prefix). 0 is `AzureFirewallSubnet`, 1 the NVA's, 2-5 workloads.
const SUBNETS: [(usize, &str); 6] = [
    (0, "10.0.1.0/26"),
    (0, "10.0.2.0/24"),
    (1, "10.1.1.0/24"),
    (1, "10.1.2.0/24"),
    (2, "10.2.1.0/24"),
    (2, "10.2.2.0/24"),
];
const FIREWALL_IP: &str = "10.0.1.4";
const NVA_IP: &str = "10.0.2.4";
const OUTSIDE_IP: &str = "10.50.0.4";
/// User route prefixes: the default route, one wider than every VNet space, the two spokes'
/// spaces (as wide as the VNet space: they invalidate a private endpoint's /32 there under route
/// policies), two subnets (longer: they never do), and private endpoint p0's own /32 when it is
/// in subnet 5 (an equal prefix: the user route wins the tie).
const ROUTE_PREFIXES: [&str; 7] = [
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.0.0/16",
    "10.2.0.0/16",
    "10.2.1.0/24",
    "10.1.1.0/24",
    "10.2.2.10/32",
];
const FW_SOURCES: [&str; 4] = ["*", "10.1.0.0/16", "10.2.0.0/16", "10.1.1.0/24"];
const FW_DESTINATIONS: [&str; 4] = ["*", "10.1.0.0/16", "10.2.0.0/16", "10.2.2.0/24"];
const FW_PORTS: [&str; 4] = ["*", "443", "1433", "1000-2000"];
const FW_PROTOCOLS: [&str; 3] = ["TCP", "UDP", "Any"];
const PORTS: [u16; 4] = [22, 443, 1433, 1500];
/// Admin rule sources and destinations: the VNet spaces, a subnet of each spoke, `*`, and the
/// one service tag whose addresses the templates say (the engine reads `VirtualNetwork`,
/// `Internet` and `AzureLoadBalancer` in admin rules; only the first can match these packets).
const ADMIN_ADDRESSES: [&str; 7] = [
    "*",
    "10.0.0.0/16",
    "10.1.0.0/16",
    "10.2.0.0/16",
    "10.1.1.0/24",
    "10.2.2.0/24",
    "VirtualNetwork",
];
/// Admin rule destination ports; the empty list leaves `destination_port_ranges` out (any port).
const ADMIN_PORTS: [&[&str]; 6] = [
    &[],
    &["*"],
    &["22"],
    &["443"],
    &["1433", "22"],
    &["1000-2000"],
];
const ADMIN_PROTOCOLS: [&str; 3] = ["Tcp", "Udp", "Any"];
/// Distinct per case: the spec calls equal priorities on one VNet ambiguous (§7, UNSURE).
const ADMIN_PRIORITIES: [u32; 5] = [1, 10, 100, 1000, 4096];

/// A subnet's `private_endpoint_network_policies` (routing spec §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policies {
    /// Not written: `Disabled`.
    Absent,
    Disabled,
    Enabled,
    NetworkSecurityGroupEnabled,
    RouteTableEnabled,
}

const POLICIES: [Policies; 5] = [
    Policies::Absent,
    Policies::Disabled,
    Policies::Enabled,
    Policies::NetworkSecurityGroupEnabled,
    Policies::RouteTableEnabled,
];

impl Policies {
    fn text(self) -> Option<&'static str> {
        match self {
            Policies::Absent => None,
            Policies::Disabled => Some("Disabled"),
            Policies::Enabled => Some("Enabled"),
            Policies::NetworkSecurityGroupEnabled => Some("NetworkSecurityGroupEnabled"),
            Policies::RouteTableEnabled => Some("RouteTableEnabled"),
        }
    }

    /// NSGs apply to traffic to the subnet's private endpoints.
    fn nsgs(self) -> bool {
        matches!(
            self,
            Policies::Enabled | Policies::NetworkSecurityGroupEnabled
        )
    }

    /// User routes may invalidate the /32 routes of the subnet's private endpoints.
    fn routes(self) -> bool {
        matches!(self, Policies::Enabled | Policies::RouteTableEnabled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AdminAct {
    Allow,
    AlwaysAllow,
    Deny,
}

impl AdminAct {
    fn name(self) -> &'static str {
        match self {
            AdminAct::Allow => "Allow",
            AdminAct::AlwaysAllow => "AlwaysAllow",
            AdminAct::Deny => "Deny",
        }
    }
}

/// What commits a security admin configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Commit {
    /// No deployment: the rules are not in force.
    Nothing,
    /// `azurerm_network_manager_deployment` with `scope_access = "SecurityAdmin"`.
    SecurityAdmin,
    /// A deployment of the wrong kind (`Connectivity`) naming it: still not in force.
    Connectivity,
}

#[derive(Debug, Clone)]
struct GenAdminRule {
    /// The configuration (0 or 1) of the rule's collection.
    config: usize,
    /// The network groups (0, 1) the rule's collection applies to.
    groups: Vec<usize>,
    inbound: bool,
    action: AdminAct,
    protocol: usize,
    src: usize,
    dst: usize,
    ports: usize,
    priority: u32,
}

#[derive(Debug, Clone)]
struct GenAdmin {
    /// Per network group, per VNet: a static member.
    members: [[bool; 3]; 2],
    /// Per configuration.
    commit: [Commit; 2],
    /// In declaration order (not priority order); one collection each.
    rules: Vec<GenAdminRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hop {
    Firewall,
    Nva,
    Drop,
    VnetLocal,
    Internet,
    Outside,
}

const HOPS: [Hop; 6] = [
    Hop::Firewall,
    Hop::Nva,
    Hop::Drop,
    Hop::VnetLocal,
    Hop::Internet,
    Hop::Outside,
];

#[derive(Debug, Clone)]
struct GenFwRule {
    src: usize,
    dst: usize,
    ports: usize,
    protocol: usize,
}

#[derive(Debug, Clone)]
struct GenCollection {
    priority: u32,
    allow: bool,
    rules: Vec<GenFwRule>,
}

#[derive(Debug, Clone)]
struct GenNet {
    /// Per pair (hub-a, hub-b, a-b): 0 none, 1 one direction, 2 both.
    peering: [u8; 3],
    /// Per pair and direction (low→high, high→low): `allow_forwarded_traffic`.
    forwarded: [[bool; 2]; 3],
    nva_forwarding: bool,
    /// Per subnet 1..=5: the user routes (prefix index, hop), distinct prefixes.
    routes: Vec<Vec<(usize, Hop)>>,
    collections: Vec<GenCollection>,
    /// Per workload subnet: an NSG denying TCP to this port, if any.
    deny_port: [Option<u16>; 4],
    admin: GenAdmin,
    /// Per workload subnet: its network policies for private endpoints.
    policies: [Policies; 4],
    /// Per private endpoint `k` (`azurerm_private_endpoint.pk`): its workload subnet (2-5).
    endpoints: Vec<usize>,
}

fn gen_admin() -> impl Strategy<Value = GenAdmin> {
    let action = prop::sample::select(vec![AdminAct::Allow, AdminAct::AlwaysAllow, AdminAct::Deny]);
    // Mostly one group, sometimes both (a VNet in both then holds the rule twice).
    let groups = prop::sample::select(vec![vec![0usize], vec![1], vec![0, 1]]);
    // Addresses that match the packets more often than not (`*`, `VirtualNetwork` weighted up).
    let address = prop::sample::select(vec![0usize, 0, 0, 1, 2, 2, 3, 3, 4, 5, 6, 6, 6]);
    let ports = prop::sample::select(vec![0usize, 0, 0, 1, 2, 3, 4, 5]);
    let protocol = prop::sample::select(vec![0usize, 1, 2, 2]);
    let rule = (
        (0..2usize, groups, any::<bool>(), action),
        (
            protocol,
            address.clone(),
            address,
            ports,
            prop::sample::select(ADMIN_PRIORITIES.to_vec()),
        ),
    )
        .prop_map(
            |((config, groups, inbound, action), (protocol, src, dst, ports, priority))| {
                GenAdminRule {
                    config,
                    groups,
                    inbound,
                    action,
                    protocol,
                    src,
                    dst,
                    ports,
                    priority,
                }
            },
        );
    let commit = prop::sample::select(vec![
        Commit::Nothing,
        Commit::SecurityAdmin,
        Commit::SecurityAdmin,
        Commit::SecurityAdmin,
        Commit::Connectivity,
    ]);
    // Mostly members, so that rules meet the packets.
    let member = prop::sample::select(vec![false, true, true, true]);
    (
        prop::array::uniform2(prop::array::uniform3(member)),
        prop::array::uniform2(commit),
        // No rules in a quarter of the cases (and none in force in more): the coverage
        // without admin rules stays.
        prop::collection::vec(rule, 0..=3),
    )
        .prop_map(|(members, commit, mut rules)| {
            // Distinct priorities, keeping the declaration order of the rest.
            let mut seen = Vec::new();
            rules.retain(|r| {
                let fresh = !seen.contains(&r.priority);
                seen.push(r.priority);
                fresh
            });
            GenAdmin {
                members,
                commit,
                rules,
            }
        })
}

fn gen_net() -> impl Strategy<Value = GenNet> {
    // Appliances are the interesting next hops: weight them up.
    let hop = prop::sample::select(vec![0usize, 0, 0, 1, 1, 2, 3, 4, 5]);
    let route = (0..ROUTE_PREFIXES.len(), hop).prop_map(|(p, h)| (p, HOPS[h]));
    let table = prop::collection::vec(route, 0..3).prop_map(|mut routes| {
        routes.sort_by_key(|r| r.0);
        routes.dedup_by_key(|r| r.0);
        routes
    });
    let fw_rule =
        (0..4usize, 0..4usize, 0..4usize, 0..3usize).prop_map(|(src, dst, ports, protocol)| {
            GenFwRule {
                src,
                dst,
                ports,
                protocol,
            }
        });
    let collection = (
        100u32..400,
        any::<bool>(),
        prop::collection::vec(fw_rule, 1..3),
    )
        .prop_map(|(priority, allow, rules)| GenCollection {
            priority,
            allow,
            rules,
        });
    let deny = prop::option::of(prop::sample::select(PORTS.to_vec()));
    (
        // Mostly connected peerings, so that forwarded traffic crosses them.
        prop::array::uniform3(prop::sample::select(vec![0u8, 1, 2, 2, 2])),
        prop::array::uniform3(prop::array::uniform2(any::<bool>())),
        any::<bool>(),
        prop::collection::vec(table, 5),
        prop::collection::vec(collection, 0..3),
        prop::array::uniform4(deny),
        gen_admin(),
        prop::array::uniform4(prop::sample::select(POLICIES.to_vec())),
        prop::collection::vec(2usize..6, 0..=2),
    )
        .prop_map(
            |(
                peering,
                forwarded,
                nva_forwarding,
                routes,
                mut collections,
                deny_port,
                admin,
                policies,
                endpoints,
            )| {
                // Azure rejects equal collection priorities in one group.
                collections.sort_by_key(|c| c.priority);
                collections.dedup_by_key(|c| c.priority);
                GenNet {
                    peering,
                    forwarded,
                    nva_forwarding,
                    routes,
                    collections,
                    deny_port,
                    admin,
                    policies,
                    endpoints,
                }
            },
        )
}

const PAIRS: [(usize, usize); 3] = [(0, 1), (0, 2), (1, 2)];

// ---------------------------------------------------------------------------------------------
// The IR.

#[allow(clippy::unnecessary_wraps)] // IR attributes are optional; every one here is written.
fn known<T>(value: T, spans: &mut Spans) -> Option<Attr<T>> {
    Some(Attr::known(value, spans.next()))
}

fn build_ir(g: &GenNet) -> Network {
    let mut net = Network::default();
    let spans = &mut Spans::default();
    let vnets: Vec<_> = VNETS
        .iter()
        .enumerate()
        .map(|(i, space)| {
            add_vnet(
                &mut net,
                spans,
                &format!("azurerm_virtual_network.v{i}"),
                space,
            )
        })
        .collect();
    let mut subnets = Vec::new();
    for (i, (v, prefix)) in SUBNETS.iter().enumerate() {
        let nsg = (i >= 2).then(|| {
            let nsg = add_nsg(
                &mut net,
                spans,
                &format!("azurerm_network_security_group.s{i}"),
            );
            nsg_rules(&mut net, spans, nsg, g.deny_port[i - 2]);
            nsg
        });
        subnets.push(add_subnet(
            &mut net,
            spans,
            &format!("azurerm_subnet.s{i}"),
            vnets[*v],
            prefix,
            nsg,
        ));
    }
    for (i, &subnet) in subnets.iter().enumerate().skip(2) {
        let ip = host(i);
        let span = spans.next();
        add_nic(
            &mut net,
            span,
            &format!("azurerm_network_interface.n{i}"),
            (subnet, ip),
            None,
            None,
        );
    }
    let span = spans.next();
    let nva = add_nic(
        &mut net,
        span,
        "azurerm_network_interface.nva",
        (subnets[1], NVA_IP.parse().expect("literal")),
        None,
        None,
    );
    net.nics[nva.index()].ip_forwarding = known(g.nva_forwarding, spans);
    for (p, &(a, b)) in PAIRS.iter().enumerate() {
        let links: &[(usize, usize, bool)] = match g.peering[p] {
            0 => &[],
            1 => &[(a, b, g.forwarded[p][0])],
            _ => &[(a, b, g.forwarded[p][0]), (b, a, g.forwarded[p][1])],
        };
        for &(from, to, forwarded) in links {
            net.peerings.push(Peering {
                meta: Meta::new(
                    format!("azurerm_virtual_network_peering.p{from}{to}"),
                    spans.next(),
                ),
                vnet: known(vnets[from], spans),
                remote_vnet: known(vnets[to], spans),
                allow_virtual_network_access: None,
                allow_forwarded_traffic: known(forwarded, spans),
                allow_gateway_transit: None,
                use_remote_gateways: None,
            });
        }
    }
    for (k, routes) in g.routes.iter().enumerate() {
        let subnet = subnets[k + 1];
        if routes.is_empty() {
            continue;
        }
        let table = RouteTable {
            meta: Meta::new(format!("azurerm_route_table.t{k}"), spans.next()),
            routes: routes
                .iter()
                .enumerate()
                .map(|(r, &(prefix, hop))| route(spans, k, r, ROUTE_PREFIXES[prefix], hop))
                .collect(),
            gateway_propagation: None,
        };
        net.route_tables.push(table);
        let id = vnetlint_ir::RouteTableId(u32::try_from(net.route_tables.len() - 1).expect("few"));
        net.subnets[subnet.index()].route_table = known(id, spans);
    }
    net.firewalls.push(Firewall {
        meta: Meta::new("azurerm_firewall.hub", spans.next()),
        sku_tier: None,
        ip_configurations: vec![FirewallIpConfiguration {
            span: spans.next(),
            name: None,
            subnet: known(subnets[0], spans),
            public_ip: None,
            private_ip: None,
        }],
        management: None,
        policy: None,
        private_ip_ranges: None,
    });
    let fw = vnetlint_ir::FirewallId(0);
    let collections = g
        .collections
        .iter()
        .enumerate()
        .map(|(c, generated)| FirewallRuleCollection {
            span: spans.next(),
            address: format!("c{c}"),
            name: None,
            kind: FirewallRuleKind::Network,
            priority: known(generated.priority.to_string(), spans),
            action: known(
                if generated.allow { "Allow" } else { "Deny" }.to_owned(),
                spans,
            ),
            rules: generated
                .rules
                .iter()
                .enumerate()
                .map(|(r, rule)| fw_rule(spans, c, r, rule))
                .collect(),
        })
        .collect();
    net.firewall_rule_collection_groups
        .push(FirewallRuleCollectionGroup {
            meta: Meta::new("azurerm_firewall_network_rule_collection.all", spans.next()),
            owner: RuleCollectionOwner::Firewall(Attr::known(fw, spans.next())),
            priority: None,
            collections,
        });
    build_admin(&mut net, spans, &g.admin, &vnets);
    // Last, so that the spans of everything else do not depend on the endpoints.
    for (i, policies) in g.policies.iter().enumerate() {
        if let Some(text) = policies.text() {
            net.subnets[subnets[i + 2].index()].private_endpoint_network_policies =
                known(text.to_owned(), spans);
        }
    }
    for (k, &subnet) in g.endpoints.iter().enumerate() {
        net.private_endpoints.push(PrivateEndpoint {
            meta: Meta::new(endpoint_address(k), spans.next()),
            subnet: known(subnets[subnet], spans),
            target: None,
            group_ids: None,
            private_ip: known(endpoint_ip(k, subnet).to_string(), spans),
        });
    }
    net
}

fn endpoint_address(k: usize) -> String {
    format!("azurerm_private_endpoint.p{k}")
}

fn configuration_address(c: usize) -> String {
    format!("azurerm_network_manager_security_admin_configuration.c{c}")
}

fn admin_rule_address(k: usize) -> String {
    format!("azurerm_network_manager_admin_rule.r{k}")
}

/// The Virtual Network Manager elements as the Terraform frontend lowers them: one manager, two
/// network groups with static members, two configurations, one collection per rule, and the
/// deployments. Admin rule `k` is `net.admin_rules[k]`.
fn build_admin(
    net: &mut Network,
    spans: &mut Spans,
    admin: &GenAdmin,
    vnets: &[vnetlint_ir::VnetId],
) {
    net.network_managers.push(NetworkManager {
        meta: Meta::new("azurerm_network_manager.avnm", spans.next()),
    });
    let manager = NetworkManagerId(0);
    for (i, members) in admin.members.iter().enumerate() {
        net.network_groups.push(NetworkGroup {
            meta: Meta::new(
                format!("azurerm_network_manager_network_group.g{i}"),
                spans.next(),
            ),
            manager: known(manager, spans),
            static_members: members
                .iter()
                .enumerate()
                .filter(|&(_, &member)| member)
                .map(|(v, _)| Attr::known(vnets[v], spans.next()))
                .collect(),
            dynamic_membership: None,
        });
    }
    for (c, commit) in admin.commit.iter().enumerate() {
        net.security_admin_configurations
            .push(SecurityAdminConfiguration {
                meta: Meta::new(configuration_address(c), spans.next()),
                manager: known(manager, spans),
            });
        let scope = match commit {
            Commit::Nothing => continue,
            Commit::SecurityAdmin => "SecurityAdmin",
            Commit::Connectivity => "Connectivity",
        };
        let id = SecurityAdminConfigurationId(u32::try_from(c).expect("two"));
        net.network_manager_deployments
            .push(NetworkManagerDeployment {
                meta: Meta::new(
                    format!("azurerm_network_manager_deployment.d{c}"),
                    spans.next(),
                ),
                manager: known(manager, spans),
                scope_access: known(scope.to_owned(), spans),
                configurations: vec![Attr::known(id, spans.next())],
            });
    }
    for (k, rule) in admin.rules.iter().enumerate() {
        let config = SecurityAdminConfigurationId(u32::try_from(rule.config).expect("two"));
        net.admin_rule_collections.push(AdminRuleCollection {
            meta: Meta::new(
                format!("azurerm_network_manager_admin_rule_collection.r{k}"),
                spans.next(),
            ),
            configuration: known(config, spans),
            network_groups: rule
                .groups
                .iter()
                .map(|&g| Attr::known(NetworkGroupId(u32::try_from(g).expect("two")), spans.next()))
                .collect(),
        });
        let collection = AdminRuleCollectionId(u32::try_from(k).expect("few"));
        let ports = ADMIN_PORTS[rule.ports];
        net.admin_rules.push(AdminRule {
            meta: Meta::new(admin_rule_address(k), spans.next()),
            collection: known(collection, spans),
            priority: known(rule.priority.to_string(), spans),
            direction: known(
                if rule.inbound { "Inbound" } else { "Outbound" }.to_owned(),
                spans,
            ),
            action: known(rule.action.name().to_owned(), spans),
            protocol: known(ADMIN_PROTOCOLS[rule.protocol].to_owned(), spans),
            sources: Some(list(spans, &[ADMIN_ADDRESSES[rule.src]])),
            destinations: Some(list(spans, &[ADMIN_ADDRESSES[rule.dst]])),
            source_ports: None,
            destination_ports: (!ports.is_empty()).then(|| list(spans, ports)),
        });
    }
}

/// Deny TCP to `port` (if any), then allow everything both ways: the default rules never
/// decide, so the twin's NSG is that one deny.
fn nsg_rules(net: &mut Network, spans: &mut Spans, nsg: vnetlint_ir::NsgId, port: Option<u16>) {
    let mut rows: Vec<(&str, &str, &str, &str, &str, String)> = vec![
        ("allow-in", "4000", "Inbound", "Allow", "*", "*".to_owned()),
        (
            "allow-out",
            "4000",
            "Outbound",
            "Allow",
            "*",
            "*".to_owned(),
        ),
    ];
    if let Some(port) = port {
        rows.push((
            "deny-port",
            "100",
            "Inbound",
            "Deny",
            "Tcp",
            port.to_string(),
        ));
    }
    for (name, priority, direction, access, protocol, dport) in rows {
        let mut rule = security_rule(
            spans,
            nsg,
            &format!("rule.{name}"),
            name,
            Dialect::Terraform,
        );
        rule.priority = known(priority.to_owned(), spans);
        rule.direction = known(direction.to_owned(), spans);
        rule.access = known(access.to_owned(), spans);
        rule.protocol = known(protocol.to_owned(), spans);
        rule.source_port_range = known("*".to_owned(), spans);
        rule.destination_port_range = known(dport, spans);
        rule.source_address_prefix = known("*".to_owned(), spans);
        rule.destination_address_prefix = known("*".to_owned(), spans);
        add_rule(net, rule);
    }
}

fn route(spans: &mut Spans, table: usize, index: usize, prefix: &str, hop: Hop) -> Route {
    let (kind, ip) = match hop {
        Hop::Firewall => ("VirtualAppliance", Some(FIREWALL_IP)),
        Hop::Nva => ("VirtualAppliance", Some(NVA_IP)),
        Hop::Outside => ("VirtualAppliance", Some(OUTSIDE_IP)),
        Hop::Drop => ("None", None),
        Hop::VnetLocal => ("VnetLocal", None),
        Hop::Internet => ("Internet", None),
    };
    Route {
        span: spans.next(),
        address: format!("t{table}.r{index}"),
        name: None,
        address_prefix: known(prefix.to_owned(), spans),
        next_hop_type: known(kind.to_owned(), spans),
        next_hop_ip: ip.and_then(|ip| known(ip.to_owned(), spans)),
    }
}

fn fw_rule(spans: &mut Spans, c: usize, r: usize, rule: &GenFwRule) -> FirewallRule {
    let one = |spans: &mut Spans, text: &str| Some(list(spans, &[text]));
    FirewallRule {
        span: spans.next(),
        address: format!("c{c}.r{r}"),
        name: None,
        protocols: one(spans, FW_PROTOCOLS[rule.protocol]),
        source_addresses: one(spans, FW_SOURCES[rule.src]),
        source_ip_groups: Vec::new(),
        destination_addresses: one(spans, FW_DESTINATIONS[rule.dst]),
        destination_ip_groups: Vec::new(),
        destination_fqdns: None,
        destination_ports: one(spans, FW_PORTS[rule.ports]),
        translated_address: None,
        translated_port: None,
        application_protocols: None,
        target_fqdns: None,
    }
}

/// The workload NIC's address in subnet `i` (the fifth address: Azure's first host).
fn host(i: usize) -> IpAddr {
    subnet_address(i, 4)
}

/// Private endpoint `k`'s static address in subnet `i`: the (11+k)-th, which no NIC holds.
fn endpoint_ip(k: usize, i: usize) -> IpAddr {
    subnet_address(i, 10 + u32::try_from(k).expect("few"))
}

fn subnet_address(i: usize, offset: u32) -> IpAddr {
    let (_, prefix) = SUBNETS[i];
    let base: Ipv4Addr = prefix.split('/').next().expect("cidr").parse().expect("v4");
    IpAddr::V4(Ipv4Addr::from(u32::from(base) + offset))
}

// ---------------------------------------------------------------------------------------------
// The twin.

fn in_cidr(ip: IpAddr, cidr: &str) -> bool {
    if cidr == "*" {
        return true;
    }
    let (base, len) = cidr.split_once('/').expect("cidr");
    let (IpAddr::V4(ip), Ok(base), Ok(len)) = (ip, base.parse::<Ipv4Addr>(), len.parse::<u32>())
    else {
        return false;
    };
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(ip) & mask == u32::from(base) & mask
}

fn prefix_len(cidr: &str) -> u32 {
    cidr.split_once('/')
        .map_or(32, |(_, l)| l.parse().expect("len"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Device {
    Firewall,
    Nva,
    Outside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Local(usize),
    Peer(usize),
    Internet,
    Drop,
    Appliance(Device),
}

struct Twin<'g> {
    g: &'g GenNet,
}

impl Twin<'_> {
    fn vnet_of_subnet(i: usize) -> usize {
        SUBNETS[i].0
    }

    fn link(&self, from: usize, to: usize) -> Option<bool> {
        PAIRS.iter().enumerate().find_map(|(p, &(a, b))| {
            let state = self.g.peering[p];
            if (a, b) == (from, to) && state >= 1 {
                Some(self.g.forwarded[p][0])
            } else if (b, a) == (from, to) && state == 2 {
                Some(self.g.forwarded[p][1])
            } else {
                None
            }
        })
    }

    fn connected(&self, a: usize, b: usize) -> bool {
        self.link(a, b).is_some() && self.link(b, a).is_some()
    }

    /// The private endpoint at `ip`, if any.
    fn endpoint_at(&self, ip: IpAddr) -> Option<usize> {
        (0..self.g.endpoints.len()).find(|&k| endpoint_ip(k, self.g.endpoints[k]) == ip)
    }

    /// The network policies for the private endpoints of workload subnet `subnet`.
    fn policies(&self, subnet: usize) -> Policies {
        self.g.policies[subnet - 2]
    }

    /// Private endpoint `k`'s /32 route in `subnet`'s table, if its VNet has one, and whether
    /// a user route invalidates it there (see `lookup`).
    fn endpoint_route(&self, subnet: usize, k: usize) -> Option<(Next, bool)> {
        let v = Self::vnet_of_subnet(subnet);
        let at = self.g.endpoints[k];
        let home = Self::vnet_of_subnet(at);
        let next = if home == v {
            Next::Local(v)
        } else if self.connected(v, home) {
            Next::Peer(home)
        } else {
            return None;
        };
        let user: &[(usize, Hop)] = if subnet >= 1 {
            &self.g.routes[subnet - 1]
        } else {
            &[]
        };
        let space = prefix_len(VNETS[home]);
        let invalid = self.policies(at).routes()
            && user.iter().any(|&(p, _)| {
                let len = prefix_len(ROUTE_PREFIXES[p]);
                (1..=space).contains(&len) && in_cidr(endpoint_ip(k, at), ROUTE_PREFIXES[p])
            });
        Some((next, invalid))
    }

    /// Longest prefix among the system routes and the subnet's user routes; user routes win
    /// ties.
    ///
    /// Private endpoints (routing spec §2, §8, edge case 7): each endpoint's /32 is a system
    /// route of its VNet and of the VNets connected to it by peering, delivering there, except
    /// in a table where the endpoint's subnet has route policies on (`Enabled`,
    /// `RouteTableEnabled`) and a user route covering the endpoint's address is at most as
    /// long as the endpoint VNet's address space but not 0.0.0.0/0: there the /32 is invalid
    /// and the routes left decide.
    fn lookup(&self, subnet: usize, dst: IpAddr) -> Next {
        let v = Self::vnet_of_subnet(subnet);
        let user: &[(usize, Hop)] = if subnet >= 1 {
            &self.g.routes[subnet - 1]
        } else {
            &[]
        };
        let mut best: Option<(u32, u8, Next)> = None;
        let mut consider = |cidr: &str, rank: u8, next: Next| {
            if !in_cidr(dst, cidr) {
                return;
            }
            let len = prefix_len(cidr);
            let better = match best {
                None => true,
                Some((l, r, _)) => len > l || (len == l && rank < r),
            };
            if better {
                best = Some((len, rank, next));
            }
        };
        let default_udr = user.iter().any(|&(p, _)| ROUTE_PREFIXES[p] == "0.0.0.0/0");
        for &(p, hop) in user {
            let next = match hop {
                Hop::Firewall => Next::Appliance(Device::Firewall),
                Hop::Nva => Next::Appliance(Device::Nva),
                Hop::Outside => Next::Appliance(Device::Outside),
                Hop::Drop => Next::Drop,
                Hop::VnetLocal => Next::Local(v),
                Hop::Internet => Next::Internet,
            };
            consider(ROUTE_PREFIXES[p], 0, next);
        }
        for (k, &at) in self.g.endpoints.iter().enumerate() {
            if let Some((next, false)) = self.endpoint_route(subnet, k) {
                consider(&format!("{}/32", endpoint_ip(k, at)), 1, next);
            }
        }
        consider(VNETS[v], 1, Next::Local(v));
        for (other, space) in VNETS.iter().enumerate() {
            if other != v && self.connected(v, other) {
                consider(space, 1, Next::Peer(other));
            }
        }
        consider("0.0.0.0/0", 1, Next::Internet);
        if !default_udr {
            for cidr in [
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "100.64.0.0/10",
            ] {
                consider(cidr, 1, Next::Drop);
            }
        }
        best.map_or(Next::Drop, |(_, _, next)| next)
    }

    /// Whether `here` may hand the packet to `to` (same VNet, or a connected peering whose
    /// receiving side accepts forwarded traffic when the packet was forwarded).
    fn cross(&self, here: usize, to: usize, origin: Option<usize>) -> bool {
        if here == to {
            return true;
        }
        if !self.connected(here, to) {
            return false;
        }
        origin == Some(here) || self.link(to, here) == Some(true)
    }

    fn firewall_allows(&self, p: &Packet) -> bool {
        for collection in &self.g.collections {
            for rule in &collection.rules {
                let protocol_ok = match FW_PROTOCOLS[rule.protocol] {
                    "TCP" => p.tcp,
                    "UDP" => !p.tcp,
                    _ => true,
                };
                let port_ok = match FW_PORTS[rule.ports] {
                    "*" => true,
                    "1000-2000" => (1000..=2000).contains(&p.port),
                    port => port.parse::<u16>().ok() == Some(p.port),
                };
                if protocol_ok
                    && port_ok
                    && in_cidr(p.src, FW_SOURCES[rule.src])
                    && in_cidr(p.dst, FW_DESTINATIONS[rule.dst])
                {
                    return collection.allow;
                }
            }
        }
        false
    }

    fn nsg_allows(&self, subnet: usize, p: &Packet) -> bool {
        subnet < 2 || !(p.tcp && self.g.deny_port[subnet - 2] == Some(p.port))
    }

    /// `VirtualNetwork` as an admin rule in force on `vnet` reads it: the VNet's space and the
    /// spaces of its connected peers (nsg-semantics §2.6 items 1-2; no gateways here). The
    /// prefixes of user routes (item 5) are left out: they widen the tag per NIC, for NSGs,
    /// while admin rules are applied at the VNet (routing spec §7) — the engine's reading too.
    fn in_virtual_network(&self, vnet: usize, ip: IpAddr) -> bool {
        (0..VNETS.len())
            .filter(|&other| other == vnet || self.connected(vnet, other))
            .any(|other| in_cidr(ip, VNETS[other]))
    }

    fn admin_address(&self, vnet: usize, ip: IpAddr, item: &str) -> bool {
        match item {
            "VirtualNetwork" => self.in_virtual_network(vnet, ip),
            cidr => in_cidr(ip, cidr),
        }
    }

    fn admin_matches(&self, rule: &GenAdminRule, vnet: usize, p: &Packet) -> bool {
        let protocol_ok = match ADMIN_PROTOCOLS[rule.protocol] {
            "Tcp" => p.tcp,
            "Udp" => !p.tcp,
            _ => true,
        };
        let ports = ADMIN_PORTS[rule.ports];
        let port_ok = ports.is_empty()
            || ports.iter().any(|&text| {
                if text == "*" {
                    return true;
                }
                let (lo, hi) = text.split_once('-').unwrap_or((text, text));
                (lo.parse::<u16>().expect("port")..=hi.parse().expect("port")).contains(&p.port)
            });
        protocol_ok
            && port_ok
            && self.admin_address(vnet, p.src, ADMIN_ADDRESSES[rule.src])
            && self.admin_address(vnet, p.dst, ADMIN_ADDRESSES[rule.dst])
    }

    /// The admin rule that decides `p` at `vnet` in a direction (routing spec §7): rules of
    /// configurations a `SecurityAdmin` deployment commits, whose collection names a network
    /// group with `vnet` as a static member; lowest priority number first; first match.
    fn admin_decision(&self, vnet: usize, inbound: bool, p: &Packet) -> Option<usize> {
        let admin = &self.g.admin;
        let mut in_force: Vec<(u32, usize)> = admin
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.inbound == inbound
                    && admin.commit[r.config] == Commit::SecurityAdmin
                    && r.groups.iter().any(|&g| admin.members[g][vnet])
            })
            .map(|(k, r)| (r.priority, k))
            .collect();
        in_force.sort_unstable();
        in_force
            .into_iter()
            .map(|(_, k)| k)
            .find(|&k| self.admin_matches(&admin.rules[k], vnet, p))
    }

    /// One side of a VNet crossing (spec §1 steps 1 and 4): the admin rules, then — unless a
    /// rule decided — the NSGs. The deciding rule joins `trail`. Of the NSGs, only the workload
    /// subnets' inbound ones deny anything here (`nsg_subnet`).
    fn side(
        &self,
        vnet: usize,
        inbound: bool,
        nsg_subnet: Option<usize>,
        p: &Packet,
        trail: &mut Journey,
    ) -> bool {
        if let Some(k) = self.admin_decision(vnet, inbound, p) {
            trail.admin.push(k);
            match self.g.admin.rules[k].action {
                AdminAct::Deny => return false,
                AdminAct::AlwaysAllow => return true,
                AdminAct::Allow => {}
            }
        }
        nsg_subnet.is_none_or(|subnet| self.nsg_allows(subnet, p))
    }

    /// Arriving at the destination: its VNet's admin rules inbound, then its NSG. A private
    /// endpoint (routing spec §8, edge case 8) is behind its subnet's NSG only when the
    /// subnet's network policies for NSGs are on (`Enabled`, `NetworkSecurityGroupEnabled`),
    /// and accepts TCP only; the spec exempts it from NSGs, not from admin rules (§1 step 4).
    fn arrive(&self, p: &Packet, dst: usize, trail: &mut Journey) -> bool {
        let endpoint = self.endpoint_at(p.dst);
        let nsg = (endpoint.is_none() || self.policies(dst).nsgs()).then_some(dst);
        if !self.side(Self::vnet_of_subnet(dst), true, nsg, p, trail) {
            return false;
        }
        if endpoint.is_some() && !p.tcp {
            trail.refused = true;
            return false;
        }
        true
    }

    /// The devices a delivered packet crossed, or `None` when it is dropped; the admin rules
    /// that decided on the way join `trail`, in order.
    ///
    /// Admin rules apply where a packet leaves or enters a VM's NIC in a VNet: at the source
    /// VNet (outbound), at the destination VNet (inbound), and at the NVA — a VM in the hub — on
    /// arrival (inbound) and when it sends the packet on (outbound), as spec §1 makes an
    /// appliance end one leg (step 4) and start the next (step 1). Not at Azure Firewall: the
    /// spec is silent there; Microsoft's "Nonapplication of security admin rules at subnet
    /// level" (concept-security-admins) lists Azure Firewall among the services whose subnets
    /// admin rules do not affect, and the engine reads it so. Nor on the replies: the spec
    /// says nothing of admin rules on a return path, and the engine (like NSGs, stateful)
    /// applies none there.
    fn forward(
        &self,
        p: &Packet,
        src: usize,
        dst: usize,
        trail: &mut Journey,
    ) -> Option<Vec<Device>> {
        let mut subnet = src;
        let mut origin = Some(Self::vnet_of_subnet(src));
        let mut devices = Vec::new();
        // The source's NSGs allow everything outbound.
        if !self.side(Self::vnet_of_subnet(src), false, None, p, trail) {
            return None;
        }
        loop {
            let here = Self::vnet_of_subnet(subnet);
            match self.lookup(subnet, p.dst) {
                Next::Local(v) | Next::Peer(v) => {
                    if !self.cross(here, v, origin) || Self::vnet_of_subnet(dst) != v {
                        return None;
                    }
                    return self.arrive(p, dst, trail).then_some(devices);
                }
                Next::Internet | Next::Drop => return None,
                Next::Appliance(device) => {
                    if devices.contains(&device) || devices.len() >= 8 {
                        return None;
                    }
                    devices.push(device);
                    let next = match device {
                        Device::Firewall => 0,
                        Device::Nva => 1,
                        Device::Outside => {
                            return self.arrive(p, dst, trail).then_some(devices);
                        }
                    };
                    if !self.cross(here, 0, origin) {
                        return None;
                    }
                    let passes = match device {
                        Device::Firewall => self.firewall_allows(p),
                        // Arrives (its subnet and NIC have no NSG), is forwarded, leaves.
                        Device::Nva => {
                            self.side(0, true, None, p, trail)
                                && self.g.nva_forwarding
                                && self.side(0, false, None, p, trail)
                        }
                        Device::Outside => true,
                    };
                    if !passes {
                        return None;
                    }
                    origin = if origin == Some(0) { origin } else { None };
                    subnet = next;
                }
            }
        }
    }

    /// The devices the replies cross back to `src`, or `None` when they are lost: they follow
    /// the routes of the destination's subnet (spec §6) — a private endpoint's replies too, as
    /// it is no appliance.
    fn back(&self, p: &Packet, src: usize, dst: usize) -> Option<Vec<Device>> {
        let mut subnet = dst;
        let mut devices = Vec::new();
        loop {
            match self.lookup(subnet, p.src) {
                Next::Local(v) | Next::Peer(v) => {
                    return (Self::vnet_of_subnet(src) == v).then_some(devices);
                }
                Next::Internet | Next::Drop => return None,
                Next::Appliance(device) => {
                    if devices.contains(&device) || devices.len() >= 8 {
                        return None;
                    }
                    devices.push(device);
                    match device {
                        Device::Firewall => subnet = 0,
                        Device::Nva => subnet = 1,
                        Device::Outside => return Some(devices),
                    }
                }
            }
        }
    }

    /// Whether the flow works (its replies too, for TCP); the admin rules that decided on the
    /// forward way join `trail`.
    fn delivered(&self, p: &Packet, src: usize, dst: usize, trail: &mut Journey) -> bool {
        let Some(mut forward) = self.forward(p, src, dst, trail) else {
            return false;
        };
        if !p.tcp {
            return true;
        }
        let Some(mut back) = self.back(p, src, dst) else {
            return false;
        };
        if forward.contains(&Device::Outside) || back.contains(&Device::Outside) {
            return true;
        }
        forward.sort();
        forward.dedup();
        back.sort();
        back.dedup();
        forward == back
    }
}

/// What the twin saw decide on a packet's forward way.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Journey {
    /// The admin rules that decided, in order.
    admin: Vec<usize>,
    /// A private endpoint refused the packet (not TCP) once everything else let it in.
    refused: bool,
}

#[derive(Debug, Clone, Copy)]
struct Packet {
    tcp: bool,
    src: IpAddr,
    dst: IpAddr,
    port: u16,
}

// ---------------------------------------------------------------------------------------------
// The engine's answers.

/// Where a probe goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum To {
    /// The workload NIC of a subnet (2-5).
    Nic(usize),
    /// Private endpoint `k`.
    Endpoint(usize),
}

impl To {
    /// The element's address, its subnet and its IP.
    fn place(self, g: &GenNet) -> (String, usize, IpAddr) {
        match self {
            To::Nic(i) => (nic_address(i), i, host(i)),
            To::Endpoint(k) => (
                endpoint_address(k),
                g.endpoints[k],
                endpoint_ip(k, g.endpoints[k]),
            ),
        }
    }
}

fn nic_address(i: usize) -> String {
    format!("azurerm_network_interface.n{i}")
}

/// The engine's path between two elements for one protocol and destination port.
fn engine_path(topology: &Topology<'_>, from: &str, to: &str, tcp: bool, port: u16) -> PathResult {
    let from = topology.resolve(from).expect("source");
    let to = topology.resolve(to).expect("destination");
    let traffic = Traffic {
        protocols: ProtocolSet::single(if tcp { Protocol::Tcp } else { Protocol::Udp }),
        dst_ports: PortSet::single(port),
    };
    topology.evaluate_path(&from, &to, &traffic)
}

/// The admin rules (indices into `net.admin_rules`) the witness's journey names, in order.
fn admin_steps(net: &Network, result: &PathResult) -> Vec<usize> {
    result
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Admin)
        .map(|s| {
            net.admin_rules
                .iter()
                .position(|r| Some(r.meta.span) == s.span)
                .unwrap_or(usize::MAX)
        })
        .collect()
}

/// The configurations holding rules that nothing in force commits.
fn uncommitted(admin: &GenAdmin) -> Vec<usize> {
    (0..admin.commit.len())
        .filter(|&c| {
            admin.commit[c] != Commit::SecurityAdmin && admin.rules.iter().any(|r| r.config == c)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The property.

/// One probe from the workload NIC of subnet `src` to `to`: the engine's verdict is the twin's;
/// the witness's traced path (routed networks explain it) stops exactly when the packet is
/// denied, names the admin rules the twin saw decide, in order, and a private endpoint's
/// refusal exactly when the twin's endpoint refused it; a delivered packet's path says an
/// endpoint's subnet NSG is skipped exactly when its policies leave NSGs off; configurations
/// nothing commits are named in a note.
fn check_probe(
    g: &GenNet,
    net: &Network,
    topology: &Topology<'_>,
    (src, to): (usize, To),
    tcp: bool,
    port: u16,
) -> Result<PathResult, TestCaseError> {
    let (name, dst, ip) = to.place(g);
    let packet = Packet {
        tcp,
        src: host(src),
        dst: ip,
        port,
    };
    let mut trail = Journey::default();
    let expected = Twin { g }.delivered(&packet, src, dst, &mut trail);
    let result = engine_path(topology, &nic_address(src), &name, tcp, port);
    let got = match result.verdict {
        PathVerdict::Allowed => true,
        PathVerdict::Denied => false,
        PathVerdict::Partial => {
            prop_assert!(false, "a single packet is never partial: {result:?}");
            false
        }
    };
    let case = format!("{packet:?} from subnet {src} to {name} (subnet {dst})");
    prop_assert_eq!(
        got,
        expected,
        "{}: {:?}\n{:#?}\n{:#?}",
        case,
        result.notes,
        result.steps,
        g
    );
    if result.steps.is_empty() {
        prop_assert!(
            !matches!(to, To::Endpoint(_)),
            "{}: no steps: {:?}",
            case,
            result
        );
    } else {
        let stops = result.steps.iter().any(|s| s.stops);
        prop_assert_eq!(stops, !got, "{}: steps {:#?}", case, result.steps);
        // The witness is this packet (admin rules here name no source ports): the admin rules
        // deciding on its way are the twin's.
        prop_assert_eq!(
            admin_steps(net, &result),
            trail.admin.clone(),
            "{}: steps {:#?}\n{:#?}",
            case,
            result.steps,
            g
        );
        let refused = result
            .steps
            .iter()
            .any(|s| s.kind == StepKind::Endpoint && s.stops);
        prop_assert_eq!(
            refused,
            trail.refused,
            "{}: steps {:#?}",
            case,
            result.steps
        );
        if let To::Endpoint(_) = to
            && got
        {
            // Every workload subnet has an NSG: the path says when the endpoint skips it.
            let skipped = result.steps.iter().any(|s| s.kind == StepKind::Endpoint);
            let nsgs = g.policies[dst - 2].nsgs();
            prop_assert_eq!(skipped, !nsgs, "{}: steps {:#?}", case, result.steps);
        }
    }
    if let To::Endpoint(k) = to
        && let Some((_, true)) = (Twin { g }).endpoint_route(src, k)
        && result.steps.iter().any(|s| s.kind == StepKind::Route)
    {
        // The packet gets past its source's NSGs into a table that invalidates the endpoint's
        // /32: a note says so.
        let named = result
            .notes
            .iter()
            .any(|n| n.contains("/32 route") && n.contains(&name));
        prop_assert!(
            named,
            "{}: no note on the invalidated /32: {:?}",
            case,
            result.notes
        );
    }
    let unset = uncommitted(&g.admin);
    for c in 0..g.admin.commit.len() {
        let named = result
            .notes
            .iter()
            .any(|n| n.contains(&configuration_address(c)));
        prop_assert_eq!(
            named,
            unset.contains(&c),
            "configuration {} in notes {:?}",
            c,
            result.notes
        );
    }
    Ok(result)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// For random networks, packets between workload NICs and packets from workload NICs to
    /// private endpoints agree with the twin (`check_probe`); the private endpoints and the
    /// subnets' policies change nothing between NICs (same verdict, same witness path).
    #[test]
    fn routed_verdicts_agree_with_the_twin(
        g in gen_net(),
        probes in prop::collection::vec((2usize..6, 2usize..6, any::<bool>(), 0..PORTS.len()), 12),
        // Mostly TCP (the endpoints refuse the rest); the last two port choices pick the port
        // the endpoint's subnet NSG denies, if any, so that its policies matter.
        endpoint_probes in prop::collection::vec(
            (2usize..6, 0usize..2, prop::bool::weighted(0.75), 0..PORTS.len() + 2),
            8,
        ),
    ) {
        let net = build_ir(&g);
        let topology = Topology::build(&net);
        prop_assert!(topology.routing_active(), "a firewall makes routing modelled");
        let plain_g = GenNet { policies: [Policies::Absent; 4], endpoints: Vec::new(), ..g.clone() };
        let plain = build_ir(&plain_g);
        let plain_topology = Topology::build(&plain);
        for (src, dst, tcp, port) in probes {
            let result = check_probe(&g, &net, &topology, (src, To::Nic(dst)), tcp, PORTS[port])?;
            let without = engine_path(&plain_topology, &nic_address(src), &nic_address(dst), tcp, PORTS[port]);
            prop_assert_eq!(result.verdict, without.verdict, "endpoints change a NIC's verdict");
            prop_assert_eq!(&result.steps, &without.steps, "endpoints change a NIC's path");
            // And its notes: an invalidated /32 is said only on paths to that endpoint.
            prop_assert_eq!(&result.notes, &without.notes, "endpoints change a NIC's notes");
        }
        if g.endpoints.is_empty() {
            return Ok(());
        }
        for (src, k, tcp, port) in endpoint_probes {
            let k = k % g.endpoints.len();
            let port = match PORTS.get(port) {
                Some(&port) => port,
                None => g.deny_port[g.endpoints[k] - 2].unwrap_or(PORTS[port % PORTS.len()]),
            };
            check_probe(&g, &net, &topology, (src, To::Endpoint(k)), tcp, port)?;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The admin layer on fixed networks: spokes 1 and 2 peered directly (and with the hub), no
// routes of their own, so that a packet from subnet 2 (10.1.1.4) to subnet 4 (10.2.1.4) crosses
// the source VNet outbound and the destination VNet inbound and nothing else.

fn fixed_net(deny_port: [Option<u16>; 4], commit: [Commit; 2], rules: Vec<GenAdminRule>) -> GenNet {
    GenNet {
        peering: [2; 3],
        forwarded: [[true; 2]; 3],
        nva_forwarding: true,
        routes: vec![Vec::new(); 5],
        collections: Vec::new(),
        deny_port,
        admin: GenAdmin {
            // Group 0: spoke 2; group 1: both spokes.
            members: [[false, false, true], [false, true, true]],
            commit,
            rules,
        },
        policies: [Policies::Absent; 4],
        endpoints: Vec::new(),
    }
}

/// A rule of configuration 0 on group 0 (spoke 2), inbound; values from the generator's pools.
fn inbound_rule(action: AdminAct, protocol: &str, src: &str, ports: &[&str]) -> GenAdminRule {
    let index = |pool: &[&str], text: &str| pool.iter().position(|p| *p == text).expect("pooled");
    GenAdminRule {
        config: 0,
        groups: vec![0],
        inbound: true,
        action,
        protocol: index(&ADMIN_PROTOCOLS, protocol),
        src: index(&ADMIN_ADDRESSES, src),
        dst: index(&ADMIN_ADDRESSES, "*"),
        ports: ADMIN_PORTS
            .iter()
            .position(|p| *p == ports)
            .expect("pooled"),
        priority: 100,
    }
}

/// The engine's path for one packet between workload subnets, checked against the twin
/// (verdict and admin trail).
fn checked(g: &GenNet, src: usize, dst: usize, tcp: bool, port: u16) -> PathResult {
    checked_to(g, src, To::Nic(dst), tcp, port)
}

/// The engine's path for one packet from the workload NIC of `src` to `to`, checked against the
/// twin as the property checks it.
fn checked_to(g: &GenNet, src: usize, to: To, tcp: bool, port: u16) -> PathResult {
    let net = build_ir(g);
    let topology = Topology::build(&net);
    match check_probe(g, &net, &topology, (src, to), tcp, port) {
        Ok(result) => result,
        Err(failure) => panic!("{failure}"),
    }
}

fn stop_kind(result: &PathResult) -> Option<StepKind> {
    result.steps.iter().find(|s| s.stops).map(|s| s.kind)
}

#[test]
fn an_admin_deny_drops_what_the_nsgs_allow() {
    let deny = inbound_rule(AdminAct::Deny, "Tcp", "10.1.0.0/16", &["22"]);
    let g = fixed_net([None; 4], [Commit::SecurityAdmin; 2], vec![deny]);
    // The NSGs allow SSH; the admin rule on spoke 2 drops it before them.
    let ssh = checked(&g, 2, 4, true, 22);
    assert_eq!(ssh.verdict, PathVerdict::Denied);
    assert_eq!(stop_kind(&ssh), Some(StepKind::Admin), "{:#?}", ssh.steps);
    assert!(!ssh.steps.iter().any(|s| s.kind == StepKind::Nsg && s.stops));
    // Other ports, UDP, and the other way (spoke 1 is in no group of the rule) are the NSGs'.
    assert_eq!(checked(&g, 2, 4, true, 443).verdict, PathVerdict::Allowed);
    assert_eq!(checked(&g, 2, 4, false, 22).verdict, PathVerdict::Allowed);
    assert_eq!(checked(&g, 4, 2, true, 22).verdict, PathVerdict::Allowed);
}

#[test]
fn an_admin_always_allow_passes_what_an_nsg_denies_and_an_allow_does_not() {
    // Subnet 4's NSG denies TCP 443 inbound.
    let deny_443 = [None, None, Some(443), None];
    // `VirtualNetwork` at spoke 2 holds spoke 1, a connected peer.
    let always = inbound_rule(AdminAct::AlwaysAllow, "Any", "VirtualNetwork", &["443"]);
    let g = fixed_net(deny_443, [Commit::SecurityAdmin; 2], vec![always]);
    let https = checked(&g, 2, 4, true, 443);
    assert_eq!(https.verdict, PathVerdict::Allowed, "{:#?}", https.steps);
    let admin = https
        .steps
        .iter()
        .position(|s| s.kind == StepKind::Admin)
        .expect("an admin step");
    assert!(
        !https.steps[admin..].iter().any(|s| s.kind == StepKind::Nsg),
        "AlwaysAllow skips the destination's NSGs: {:#?}",
        https.steps
    );
    // An Allow hands the packet on to the NSGs, which deny it.
    let allow = inbound_rule(AdminAct::Allow, "Any", "VirtualNetwork", &["443"]);
    let g = fixed_net(deny_443, [Commit::SecurityAdmin; 2], vec![allow]);
    let https = checked(&g, 2, 4, true, 443);
    assert_eq!(https.verdict, PathVerdict::Denied);
    assert_eq!(stop_kind(&https), Some(StepKind::Nsg), "{:#?}", https.steps);
    assert_eq!(admin_steps(&build_ir(&g), &https), vec![0]);
}

#[test]
fn an_uncommitted_admin_configuration_is_not_in_force() {
    let deny_all = |config| GenAdminRule {
        config,
        ..inbound_rule(AdminAct::Deny, "Any", "*", &[])
    };
    let mut rules = vec![deny_all(0), deny_all(1)];
    rules[1].priority = 200;
    // No deployment for configuration 0; a `Connectivity` deployment for configuration 1.
    let g = fixed_net(
        [None; 4],
        [Commit::Nothing, Commit::Connectivity],
        rules.clone(),
    );
    let result = checked(&g, 2, 4, true, 443);
    assert_eq!(result.verdict, PathVerdict::Allowed, "{:#?}", result.steps);
    for c in 0..2 {
        assert!(
            result
                .notes
                .iter()
                .any(|n| n.contains(&configuration_address(c)) && n.contains("deployment")),
            "a note says configuration {c} is not committed: {:?}",
            result.notes
        );
    }
    // Committed by a `SecurityAdmin` deployment, the same rule drops it.
    let g = fixed_net([None; 4], [Commit::Nothing, Commit::SecurityAdmin], rules);
    let result = checked(&g, 2, 4, true, 443);
    assert_eq!(result.verdict, PathVerdict::Denied);
    assert_eq!(admin_steps(&build_ir(&g), &result), vec![1]);
}

// ---------------------------------------------------------------------------------------------
// Private endpoints on fixed networks (routing spec §8): endpoint p0 at 10.2.1.10 in subnet 4
// (spoke 2, whose NIC is 10.2.1.4), reached from the NIC of subnet 2 (10.1.1.4, spoke 1); the
// spokes are peered directly and with the hub.

const P0: To = To::Endpoint(0);

/// Subnet 4's network policies, subnet 4's NSG denying TCP 443 or not, subnet 2's user routes.
fn endpoint_net(policies: Policies, deny_443: bool, routes: &[(&str, Hop)]) -> GenNet {
    let mut g = fixed_net(
        [None, None, deny_443.then_some(443), None],
        [Commit::SecurityAdmin; 2],
        Vec::new(),
    );
    g.policies[2] = policies;
    g.endpoints = vec![4];
    g.routes[1] = routes
        .iter()
        .map(|&(prefix, hop)| {
            let p = ROUTE_PREFIXES
                .iter()
                .position(|p| *p == prefix)
                .expect("pooled");
            (p, hop)
        })
        .collect();
    g
}

fn has_step(result: &PathResult, kind: StepKind) -> bool {
    result.steps.iter().any(|s| s.kind == kind)
}

#[test]
fn an_endpoint_skips_its_subnets_nsg_unless_its_policies_apply_it() {
    // Edge case 8: the NSG denies TCP 443 on the subnet; it guards the endpoint only under
    // `Enabled` and `NetworkSecurityGroupEnabled`.
    for policies in POLICIES {
        let g = endpoint_net(policies, true, &[]);
        let https = checked_to(&g, 2, P0, true, 443);
        if policies.nsgs() {
            assert_eq!(https.verdict, PathVerdict::Denied, "{policies:?}");
            assert_eq!(stop_kind(&https), Some(StepKind::Nsg), "{:#?}", https.steps);
        } else {
            assert_eq!(https.verdict, PathVerdict::Allowed, "{policies:?}");
            assert!(has_step(&https, StepKind::Endpoint), "{:#?}", https.steps);
        }
        // The NSG still guards the subnet's other resources.
        let nic = checked(&g, 2, 4, true, 443);
        assert_eq!(nic.verdict, PathVerdict::Denied, "{policies:?}");
        // The endpoint accepts TCP only, whatever the NSG says.
        let udp = checked_to(&g, 2, P0, false, 1500);
        assert_eq!(udp.verdict, PathVerdict::Denied, "{policies:?}");
        assert_eq!(
            stop_kind(&udp),
            Some(StepKind::Endpoint),
            "{:#?}",
            udp.steps
        );
    }
}

#[test]
fn a_route_as_wide_as_the_vnet_overrides_an_endpoint_only_under_route_policies() {
    // Edge case 7: the endpoint's /32 wins over user routes by longest prefix; under
    // `Enabled`/`RouteTableEnabled`, a user route from 1 to 16 bits long (spoke 2's space is a
    // /16) covering it invalidates it in that table, and the routes left decide. Here the user
    // routes drop: (prefix, whether it invalidates the /32, whether it then decides — a /8
    // loses to the peering's /16).
    let cases: [(&str, bool, bool); 5] = [
        ("0.0.0.0/0", false, false),
        ("10.0.0.0/8", true, false),
        ("10.2.0.0/16", true, true),
        ("10.1.0.0/16", false, false),
        ("10.2.1.0/24", false, false),
    ];
    for (prefix, invalidates, decides) in cases {
        for policies in POLICIES {
            let g = endpoint_net(policies, false, &[(prefix, Hop::Drop)]);
            let result = checked_to(&g, 2, P0, true, 443);
            let noted = result.notes.iter().any(|n| n.contains("/32 route"));
            assert_eq!(
                noted,
                invalidates && policies.routes(),
                "{prefix} with {policies:?}"
            );
            let dropped = invalidates && decides && policies.routes();
            let verdict = if dropped {
                PathVerdict::Denied
            } else {
                PathVerdict::Allowed
            };
            assert_eq!(result.verdict, verdict, "{prefix} with {policies:?}");
            if dropped {
                assert_eq!(
                    stop_kind(&result),
                    Some(StepKind::Route),
                    "{:#?}",
                    result.steps
                );
            }
        }
    }
    // A user route for the endpoint's own /32 (an equal prefix) wins whatever the policies.
    let mut g = endpoint_net(Policies::Absent, false, &[("10.2.2.10/32", Hop::Drop)]);
    g.endpoints = vec![5];
    let result = checked_to(&g, 2, P0, true, 443);
    assert_eq!(result.verdict, PathVerdict::Denied, "{:#?}", result.steps);
}

#[test]
fn replies_from_an_endpoint_follow_its_subnets_routes() {
    // Subnet 4 sends spoke 1 to the firewall, which allows everything: the replies from the
    // endpoint go through it. The request goes direct (the /32 wins) unless route policies let
    // subnet 2's route for spoke 2 to the firewall take it there too.
    let allow_all = GenCollection {
        priority: 100,
        allow: true,
        rules: vec![GenFwRule {
            src: 0,
            dst: 0,
            ports: 0,
            protocol: 2,
        }],
    };
    for policies in POLICIES {
        let mut g = endpoint_net(policies, false, &[("10.2.0.0/16", Hop::Firewall)]);
        g.routes[3] = vec![(2, Hop::Firewall)];
        g.collections = vec![allow_all.clone()];
        let result = checked_to(&g, 2, P0, true, 443);
        if policies.routes() {
            assert_eq!(result.verdict, PathVerdict::Allowed, "{:#?}", result.steps);
            assert!(has_step(&result, StepKind::Firewall), "{:#?}", result.steps);
        } else {
            assert_eq!(result.verdict, PathVerdict::Denied, "{policies:?}");
            assert_eq!(
                stop_kind(&result),
                Some(StepKind::Return),
                "{:#?}",
                result.steps
            );
        }
    }
}
