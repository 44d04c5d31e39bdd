//! Test helpers shared by the engine's integration tests and benches: a tiny network (a virtual
//! network 10.0.0.0/16, subnet A 10.0.1.0/24 with one NSG, subnet B 10.0.2.0/24 without), rules
//! written as table rows, builders of the IR elements the generated networks are made of, and
//! (in the submodules) generated rule sets, the text matching of the brute-force twins and a
//! fixed-seed generator.

#![allow(dead_code, unreachable_pub)]

pub mod generated;
pub mod rng;
pub mod twin;

use std::net::IpAddr;

use vnetlint_engine::{Packet, Protocol};
use vnetlint_ir::{
    Attr, AttrList, Dialect, FileId, IpConfiguration, Meta, Network, Nic, NicId, Nsg, NsgId,
    PublicIpId, RuleId, RuleStyle, SecurityRule, Span, Subnet, SubnetId, TextRange, Unknown, Vnet,
    VnetId,
};

/// Hands out distinct dummy spans so tests can check which attribute a problem points at.
#[derive(Default)]
pub struct Spans {
    next: u32,
}

impl Spans {
    pub fn next(&mut self) -> Span {
        self.next += 10;
        Span::new(FileId(0), TextRange::new(self.next, self.next + 5))
    }
}

/// A rule as the spec's edge cases write it; an empty string leaves the attribute absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Row<'a> {
    pub name: &'a str,
    pub priority: &'a str,
    pub direction: &'a str,
    pub access: &'a str,
    pub protocol: &'a str,
    pub src: &'a str,
    pub sport: &'a str,
    pub dst: &'a str,
    pub dport: &'a str,
}

impl<'a> Row<'a> {
    /// A row of the spec's rule tables, its columns separated by spaces:
    /// `name priority direction access protocol src sport dst dport`, with `-` for an absent
    /// attribute (`allow-ssh 100 Inbound Allow Tcp * * 10.0.1.0/24 22`).
    pub fn parse(text: &'a str) -> Row<'a> {
        let columns: Vec<&str> = text
            .split_whitespace()
            .map(|column| if column == "-" { "" } else { column })
            .collect();
        assert_eq!(columns.len(), 9, "a rule row has nine columns: {text}");
        Row {
            name: columns[0],
            priority: columns[1],
            direction: columns[2],
            access: columns[3],
            protocol: columns[4],
            src: columns[5],
            sport: columns[6],
            dst: columns[7],
            dport: columns[8],
        }
    }
}

pub struct Fixture {
    pub net: Network,
    pub nsg: NsgId,
    pub rules: Vec<RuleId>,
    pub spans: Spans,
}

impl Fixture {
    /// The spec's default topology (§8): virtual network 10.0.0.0/16, subnet A with the NSG, subnet B.
    pub fn new() -> Fixture {
        let mut spans = Spans::default();
        let mut net = Network::default();
        let vnet = add_vnet(
            &mut net,
            &mut spans,
            "azurerm_virtual_network.main",
            "10.0.0.0/16",
        );
        let nsg = add_nsg(&mut net, &mut spans, "azurerm_network_security_group.a");
        for (name, prefix, with_nsg) in [("a", "10.0.1.0/24", true), ("b", "10.0.2.0/24", false)] {
            let address = format!("azurerm_subnet.{name}");
            let nsg = with_nsg.then_some(nsg);
            add_subnet(&mut net, &mut spans, &address, vnet, prefix, nsg);
        }
        Fixture {
            net,
            nsg,
            rules: Vec::new(),
            spans,
        }
    }

    /// Builds a fixture with Terraform rules from table rows ([`Row::parse`]).
    pub fn with(rows: &[impl AsRef<str>]) -> Fixture {
        let mut fixture = Fixture::new();
        for row in rows {
            fixture.add(Row::parse(row.as_ref()), Dialect::Terraform);
        }
        fixture
    }

    pub fn add(&mut self, row: Row<'_>, dialect: Dialect) -> RuleId {
        let address = format!(
            "azurerm_network_security_group.a.security_rule[{}]",
            row.name
        );
        let mut rule = security_rule(&mut self.spans, self.nsg, &address, row.name, dialect);
        let spans = &mut self.spans;
        let mut text =
            |value: &str| (!value.is_empty()).then(|| Attr::known(value.to_string(), spans.next()));
        rule.priority = text(row.priority);
        rule.direction = text(row.direction);
        rule.access = text(row.access);
        rule.protocol = text(row.protocol);
        rule.source_address_prefix = text(row.src);
        rule.source_port_range = text(row.sport);
        rule.destination_address_prefix = text(row.dst);
        rule.destination_port_range = text(row.dport);
        let id = add_rule(&mut self.net, rule);
        self.rules.push(id);
        id
    }

    pub fn rule_mut(&mut self, id: RuleId) -> &mut SecurityRule {
        &mut self.net[id]
    }

    pub fn list(&mut self, items: &[&str]) -> AttrList<String> {
        list(&mut self.spans, items)
    }

    pub fn unknown(&mut self, reason: &str) -> Attr<String> {
        Attr::unknown(Unknown::new(reason), self.spans.next())
    }
}

pub fn list(spans: &mut Spans, items: &[&str]) -> AttrList<String> {
    let elements = items
        .iter()
        .map(|item| Attr::known((*item).to_string(), spans.next()))
        .collect();
    Attr::known(elements, spans.next())
}

// ---------------------------------------------------------------------------------------------
// IR elements as a frontend lowers them.

/// A virtual network with one address range.
pub fn add_vnet(net: &mut Network, spans: &mut Spans, address: &str, space: &str) -> VnetId {
    net.add_vnet(Vnet {
        meta: Meta::new(address, spans.next()),
        address_space: Some(list(spans, &[space])),
        dns_servers: None,
    })
}

/// An NSG without rules yet.
pub fn add_nsg(net: &mut Network, spans: &mut Spans, address: &str) -> NsgId {
    net.add_nsg(Nsg {
        meta: Meta::new(address, spans.next()),
        rules: Vec::new(),
        origin: vnetlint_ir::NsgOrigin::Declared,
    })
}

/// A subnet of `vnet` with one prefix, guarded by `nsg`.
pub fn add_subnet(
    net: &mut Network,
    spans: &mut Spans,
    address: &str,
    vnet: VnetId,
    prefix: &str,
    nsg: Option<NsgId>,
) -> SubnetId {
    let span = spans.next();
    net.add_subnet(Subnet {
        meta: Meta::new(address, span),
        vnet: Some(Attr::known(vnet, span)),
        address_prefixes: Some(list(spans, &[prefix])),
        nsg: nsg.map(|nsg| Attr::known(nsg, span)),
        route_table: None,
        delegations: Vec::new(),
        service_endpoints: None,
        nat_gateway: None,
        private_endpoint_network_policies: None,
    })
}

/// A network interface with one static private address in `subnet`, guarded by `nsg`.
pub fn add_nic(
    net: &mut Network,
    span: Span,
    address: &str,
    (subnet, ip): (SubnetId, IpAddr),
    nsg: Option<NsgId>,
    public_ip: Option<PublicIpId>,
) -> NicId {
    net.add_nic(Nic {
        meta: Meta::new(address, span),
        ip_configurations: vec![IpConfiguration {
            span,
            name: None,
            subnet: Some(Attr::known(subnet, span)),
            allocation: Some(Attr::known("Static".to_owned(), span)),
            private_ip: Some(Attr::known(ip.to_string(), span)),
            public_ip: public_ip.map(|pip| Attr::known(pip, span)),
            asgs: Vec::new(),
            lb_backend_pools: Vec::new(),
            lb_nat_rules: Vec::new(),
        }],
        nsg: nsg.map(|nsg| Attr::known(nsg, span)),
        dns_servers: None,
        ip_forwarding: None,
    })
}

/// An inline rule `name` of `nsg` at `address`, without attributes yet: its name and its
/// association share the rule's span.
pub fn security_rule(
    spans: &mut Spans,
    nsg: NsgId,
    address: &str,
    name: &str,
    dialect: Dialect,
) -> SecurityRule {
    let span = spans.next();
    let mut meta = Meta::new(address, span);
    meta.name = Some(Attr::known(name.to_string(), span));
    let mut rule = SecurityRule::new(meta, dialect, RuleStyle::Inline);
    rule.nsg = Some(Attr::known(nsg, span));
    rule
}

/// Adds `rule` to the network and to the rules of its NSG.
pub fn add_rule(net: &mut Network, rule: SecurityRule) -> RuleId {
    let nsg = *rule.nsg.as_ref().and_then(Attr::get).expect("an NSG rule");
    let id = net.add_rule(rule);
    net.nsgs[nsg.index()].rules.push(id);
    id
}

// ---------------------------------------------------------------------------------------------
// Packets.

pub fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address")
}

pub fn tcp(src: &str, src_port: u16, dst: &str, dst_port: u16) -> Packet {
    Packet::new(Protocol::Tcp, ip(src), src_port, ip(dst), dst_port)
}

pub fn portless(protocol: Protocol, src: &str, dst: &str) -> Packet {
    Packet::new(protocol, ip(src), 0, ip(dst), 0)
}
