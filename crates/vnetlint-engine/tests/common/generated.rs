//! Generated rule sets of the property tests (`ruleset.rs`, `twin.rs`, `paths.rs`): each rule as
//! text, its sides single values or lists, the strategies that draw them, and the fixture they
//! build through the IR as a frontend would.

use proptest::prelude::*;
use vnetlint_ir::{Attr, Dialect, Network, NsgId, RuleId, Unknown};

use super::{Fixture, Spans, add_rule, list, security_rule};

/// One side of a rule: a single value (the singular attribute) or a list (the plural one).
#[derive(Debug, Clone)]
pub enum Field {
    Single(String),
    Plural(Vec<String>),
}

impl Field {
    /// Whether some value of the side satisfies `predicate`.
    pub fn any(&self, predicate: impl Fn(&str) -> bool) -> bool {
        match self {
            Field::Single(text) => predicate(text),
            Field::Plural(items) => items.iter().any(|t| predicate(t)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct GenRule {
    pub priority: u32,
    pub inbound: bool,
    pub allow: bool,
    pub protocol: &'static str,
    pub src: Field,
    pub sport: Field,
    pub dst: Field,
    pub dport: Field,
    /// Replace the source by an unresolved value.
    pub unresolved: bool,
}

/// A rule of `protocols` with a priority from `priorities` and its sides `[src, sport, dst,
/// dport]` from `sides`; its source is replaced by an unresolved value when `unresolved` draws
/// true.
pub fn gen_rule(
    priorities: impl Strategy<Value = u32>,
    protocols: &'static [&'static str],
    sides: (
        impl Strategy<Value = Field>,
        impl Strategy<Value = Field>,
        impl Strategy<Value = Field>,
        impl Strategy<Value = Field>,
    ),
    unresolved: impl Strategy<Value = bool>,
) -> impl Strategy<Value = GenRule> {
    let head = (priorities, any::<bool>(), any::<bool>());
    (head, prop::sample::select(protocols), sides, unresolved).prop_map(
        |(head, protocol, (src, sport, dst, dport), unresolved)| GenRule {
            unresolved,
            ..GenRule::new(head, protocol, [src, sport, dst, dport])
        },
    )
}

/// An address side: one of `singles` (weight `single_weight`), or one or two of `plurals`
/// (weight 1).
pub fn addr_field(
    singles: &'static [&'static str],
    plurals: &'static [&'static str],
    single_weight: u32,
) -> impl Strategy<Value = Field> {
    prop_oneof![
        single_weight => prop::sample::select(singles).prop_map(|a| Field::Single(a.to_owned())),
        1 => prop::sample::subsequence(plurals, 1..3)
            .prop_map(|v| Field::Plural(v.into_iter().map(String::from).collect())),
    ]
}

/// A port side with the weights `[star, single, list]`: `*`, one port text, or a list of one or
/// two.
pub fn port_field(
    text: impl Strategy<Value = String> + Clone,
    [star, single, list]: [u32; 3],
) -> impl Strategy<Value = Field> {
    prop_oneof![
        star => Just(Field::Single("*".into())),
        single => text.clone().prop_map(Field::Single),
        list => prop::collection::vec(text, 1..3).prop_map(Field::Plural),
    ]
}

/// A port below `bound`, or a range of two such ports, as text.
pub fn port_text(bound: u16) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        (0..bound).prop_map(|p| p.to_string()),
        (0..bound, 0..bound).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b))),
    ]
}

impl GenRule {
    /// The rule `(priority, inbound, allow)` of `protocol` with the sides `[src, sport, dst,
    /// dport]`, its values all known.
    pub fn new(
        (priority, inbound, allow): (u32, bool, bool),
        protocol: &'static str,
        [src, sport, dst, dport]: [Field; 4],
    ) -> GenRule {
        GenRule {
            priority,
            inbound,
            allow,
            protocol,
            src,
            sport,
            dst,
            dport,
            unresolved: false,
        }
    }
}

impl Fixture {
    /// Adds the generated rule as the Terraform rule `name` of the fixture's NSG.
    pub fn add_generated(&mut self, name: &str, rule: &GenRule) -> RuleId {
        let address = format!("azurerm_network_security_group.a.security_rule[{name}]");
        let id = add_generated(
            &mut self.net,
            &mut self.spans,
            self.nsg,
            &address,
            name,
            rule,
        );
        self.rules.push(id);
        id
    }
}

/// Adds the generated rule as the Terraform rule `name` of `nsg` at `address`, each side
/// through the singular or the plural attribute, as a frontend lowers it.
pub fn add_generated(
    net: &mut Network,
    spans: &mut Spans,
    nsg: NsgId,
    address: &str,
    name: &str,
    rule: &GenRule,
) -> RuleId {
    let mut ir = security_rule(spans, nsg, address, name, Dialect::Terraform);
    let mut text = |t: &str| Some(Attr::known(t.to_owned(), spans.next()));
    ir.priority = text(&rule.priority.to_string());
    ir.direction = text(if rule.inbound { "Inbound" } else { "Outbound" });
    ir.access = text(if rule.allow { "Allow" } else { "Deny" });
    ir.protocol = text(rule.protocol);
    let mut side = |field: &Field| match field {
        Field::Single(t) => (Some(Attr::known(t.clone(), spans.next())), None),
        Field::Plural(items) => {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            (None, Some(list(spans, &items)))
        }
    };
    (ir.source_port_range, ir.source_port_ranges) = side(&rule.sport);
    (ir.source_address_prefix, ir.source_address_prefixes) = side(&rule.src);
    (
        ir.destination_address_prefix,
        ir.destination_address_prefixes,
    ) = side(&rule.dst);
    (ir.destination_port_range, ir.destination_port_ranges) = side(&rule.dport);
    if rule.unresolved {
        ir.source_address_prefix = Some(Attr::unknown(
            Unknown::new("generated unknown"),
            spans.next(),
        ));
        ir.source_address_prefixes = None;
    }
    add_rule(net, ir)
}

/// Builds the NSG for the rules, in order, through the IR as a frontend would.
pub fn build(rules: &[GenRule]) -> Fixture {
    let mut fixture = Fixture::new();
    for (index, rule) in rules.iter().enumerate() {
        fixture.add_generated(&format!("r{index}"), rule);
    }
    fixture
}
