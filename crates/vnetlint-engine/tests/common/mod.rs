//! Test helpers shared by the engine's integration tests: a tiny network (a virtual network 10.0.0.0/16,
//! subnet A 10.0.1.0/24 with one NSG, subnet B 10.0.2.0/24 without) and rule builders.

#![allow(dead_code, unreachable_pub)]

use std::net::IpAddr;

use vnetlint_engine::{Packet, Protocol};
use vnetlint_ir::{
    Attr, AttrList, Dialect, FileId, Meta, Network, Nsg, NsgId, RuleId, RuleStyle, SecurityRule,
    Span, Subnet, TextRange, Unknown, Vnet,
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
#[derive(Debug, Clone, Copy)]
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

/// `(name, priority, direction, access, protocol, src, sport, dst, dport)`.
pub type Tuple<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

impl<'a> From<Tuple<'a>> for Row<'a> {
    fn from(t: Tuple<'a>) -> Self {
        Row {
            name: t.0,
            priority: t.1,
            direction: t.2,
            access: t.3,
            protocol: t.4,
            src: t.5,
            sport: t.6,
            dst: t.7,
            dport: t.8,
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
        let vnet = net.add_vnet(Vnet {
            meta: Meta::new("azurerm_virtual_network.main", spans.next()),
            address_space: Some(list(&mut spans, &["10.0.0.0/16"])),
            dns_servers: None,
        });
        let nsg = net.add_nsg(Nsg {
            meta: Meta::new("azurerm_network_security_group.a", spans.next()),
            rules: Vec::new(),
        });
        for (name, prefix, with_nsg) in [("a", "10.0.1.0/24", true), ("b", "10.0.2.0/24", false)] {
            let span = spans.next();
            net.add_subnet(Subnet {
                meta: Meta::new(format!("azurerm_subnet.{name}"), span),
                vnet: Some(Attr::known(vnet, span)),
                address_prefixes: Some(list(&mut spans, &[prefix])),
                nsg: with_nsg.then(|| Attr::known(nsg, span)),
                route_table: None,
                delegations: Vec::new(),
                service_endpoints: None,
            });
        }
        Fixture {
            net,
            nsg,
            rules: Vec::new(),
            spans,
        }
    }

    /// Builds a fixture with Terraform rules from tuples.
    pub fn with(rows: &[Tuple<'_>]) -> Fixture {
        let mut fixture = Fixture::new();
        for &row in rows {
            fixture.add(Row::from(row), Dialect::Terraform);
        }
        fixture
    }

    pub fn add(&mut self, row: Row<'_>, dialect: Dialect) -> RuleId {
        let span = self.spans.next();
        let mut meta = Meta::new(
            format!(
                "azurerm_network_security_group.a.security_rule[{}]",
                row.name
            ),
            span,
        );
        meta.name = Some(Attr::known(row.name.to_string(), span));
        let mut rule = SecurityRule::new(meta, dialect, RuleStyle::Inline);
        rule.nsg = Some(Attr::known(self.nsg, span));
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
        let id = self.net.add_rule(rule);
        self.net.nsgs[self.nsg.index()].rules.push(id);
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

pub fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address")
}

pub fn tcp(src: &str, src_port: u16, dst: &str, dst_port: u16) -> Packet {
    Packet::new(Protocol::Tcp, ip(src), src_port, ip(dst), dst_port)
}

pub fn portless(protocol: Protocol, src: &str, dst: &str) -> Packet {
    Packet::new(protocol, ip(src), 0, ip(dst), 0)
}
