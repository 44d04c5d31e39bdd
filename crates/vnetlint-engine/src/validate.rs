//! Validation and parsing of one security rule's raw attribute text (spec §1.1-1.5): the
//! problems Azure or Terraform would reject, and the parsed values the compiler turns into
//! packet sets.
//!
//! Parsing and validation are one pass so that the compiler can never evaluate a value the
//! validator did not look at.

use std::collections::BTreeMap;

use vnetlint_ir::{
    AsgId, Attr, AttrList, Dialect, Network, NsgId, RuleId, SecurityRule, Span, Val,
};

use crate::addr::AddrSet;
use crate::model::{Access, Direction, Uncertainty};
use crate::packet::{PortSet, Protocol, ProtocolSet};
use crate::tags::{StructuralTag, TagLookup, lookup_tag};

/// A reason a rule cannot deploy as written (or, for `DuplicatePriority` and
/// `PortsOnPortlessProtocol`, is suspicious but still evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub rule: RuleId,
    /// The Terraform attribute name (`priority`, `destination_port_range`, ...).
    pub field: &'static str,
    /// The attribute's span; the list element's span for an element; the rule's span when the
    /// attribute is missing.
    pub span: Span,
    pub kind: ProblemKind,
    /// Lowercase start, no final period, values in backticks.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    PriorityOutOfRange,
    DuplicatePriority { other: RuleId },
    MissingRequired,
    MalformedPort,
    PortOutOfRange,
    ReversedPortRange,
    CommaSeparatedPorts,
    MalformedAddress,
    TagInPluralField,
    UnknownServiceTag,
    MixedAddressFamilies,
    UnknownProtocol,
    UnknownDirection,
    UnknownAccess,
    SingularAndPlural,
    InvalidCase,
    PortsOnPortlessProtocol,
}

impl ProblemKind {
    /// Whether a rule with this problem is still evaluated. Duplicates are, so that exposure
    /// behind a conflicting priority is not hidden; ports on ICMP are only ignored by Azure.
    /// Every other problem stops the rule from deploying, and a rule that cannot deploy is not
    /// evaluated as if it worked (spec §2.10).
    pub fn excludes_rule(self) -> bool {
        !matches!(
            self,
            ProblemKind::DuplicatePriority { .. } | ProblemKind::PortsOnPortlessProtocol
        )
    }
}

/// Validates one rule: its own attributes, plus priority conflicts with the other rules of its
/// NSG when that NSG is known.
pub fn validate_rule(net: &Network, rule: RuleId) -> Vec<RuleProblem> {
    let Some(security_rule) = net.security_rules.get(rule.index()) else {
        return Vec::new();
    };
    let mut problems = parse_rule(rule, security_rule).problems;
    let owner = match security_rule.nsg.as_ref().map(|a| &a.value) {
        Some(Val::Known(nsg)) => Some(*nsg),
        _ => net
            .iter_nsgs()
            .find(|(_, nsg)| nsg.rules.contains(&rule))
            .map(|(id, _)| id),
    };
    if let Some(nsg) = owner {
        problems.extend(
            duplicate_priorities(net, nsg)
                .into_iter()
                .filter(|p| p.rule == rule),
        );
    }
    problems
}

/// `DuplicatePriority` problems for every rule of the NSG that reuses the (priority, direction)
/// of an earlier one; `other` is the first rule that used it.
pub(crate) fn duplicate_priorities(net: &Network, nsg: NsgId) -> Vec<RuleProblem> {
    let Some(nsg) = net.nsgs.get(nsg.index()) else {
        return Vec::new();
    };
    let parsed: Vec<(RuleId, ParsedRule)> = nsg
        .rules
        .iter()
        .filter_map(|&id| Some((id, parse_rule(id, net.security_rules.get(id.index())?))))
        .collect();
    duplicates_among(net, parsed.iter().map(|(id, p)| (*id, p)))
}

/// [`duplicate_priorities`] over rules already parsed, in declaration order.
pub(crate) fn duplicates_among<'p>(
    net: &Network,
    rules: impl IntoIterator<Item = (RuleId, &'p ParsedRule)>,
) -> Vec<RuleProblem> {
    let mut first: BTreeMap<(u32, Direction), RuleId> = BTreeMap::new();
    let mut problems = Vec::new();
    for (id, parsed) in rules {
        let (Slot::Known(priority), Slot::Known(direction)) = (&parsed.priority, &parsed.direction)
        else {
            continue;
        };
        let (priority, direction) = (*priority, *direction);
        let rule = &net.security_rules[id.index()];
        match first.get(&(priority, direction)) {
            None => {
                first.insert((priority, direction), id);
            }
            Some(&other) => {
                let other_name = net.security_rules[other.index()].meta.display_name();
                problems.push(RuleProblem {
                    rule: id,
                    field: "priority",
                    span: rule.priority.as_ref().map_or(rule.meta.span, |a| a.span),
                    kind: ProblemKind::DuplicatePriority { other },
                    message: format!(
                        "priority `{priority}` is already used by {direction} rule `{other_name}`; Azure rejects two rules with the same priority and direction"
                    ),
                });
            }
        }
    }
    problems
}

/// A parsed single-valued attribute.
#[derive(Debug, Clone)]
pub(crate) enum Slot<T> {
    Known(T),
    Unresolved(Uncertainty),
    /// Missing or invalid; a problem was recorded.
    Bad,
}

/// One contribution to a port side.
#[derive(Debug, Clone)]
pub(crate) enum PortItem {
    Set(PortSet),
    Unresolved(Uncertainty),
}

/// One contribution to an address side.
#[derive(Debug, Clone)]
pub(crate) enum AddrItem {
    Set(AddrSet),
    Tag(StructuralTag),
    Opaque { tag: String, span: Span },
    Asg { asg: AsgId, span: Span },
    Unresolved(Uncertainty),
}

/// A rule's attributes, parsed; problems recorded along the way.
#[derive(Debug, Clone)]
pub(crate) struct ParsedRule {
    pub(crate) problems: Vec<RuleProblem>,
    pub(crate) priority: Slot<u32>,
    pub(crate) direction: Slot<Direction>,
    pub(crate) access: Slot<Access>,
    pub(crate) protocols: Slot<ProtocolSet>,
    pub(crate) src_ports: Vec<PortItem>,
    pub(crate) dst_ports: Vec<PortItem>,
    pub(crate) src_addrs: Vec<AddrItem>,
    pub(crate) dst_addrs: Vec<AddrItem>,
}

impl ParsedRule {
    /// Whether any attribute value is unknown; such a rule may fail to deploy, so it is only
    /// "possibly" matching anything.
    pub(crate) fn has_unknown_value(&self) -> bool {
        matches!(self.priority, Slot::Unresolved(_))
            || matches!(self.protocols, Slot::Unresolved(_))
            || [&self.src_ports, &self.dst_ports]
                .iter()
                .any(|side| side.iter().any(|i| matches!(i, PortItem::Unresolved(_))))
            || [&self.src_addrs, &self.dst_addrs]
                .iter()
                .any(|side| side.iter().any(|i| matches!(i, AddrItem::Unresolved(_))))
    }

    pub(crate) fn excluded(&self) -> bool {
        self.problems.iter().any(|p| p.kind.excludes_rule())
    }
}

struct Parser<'a> {
    id: RuleId,
    rule: &'a SecurityRule,
    problems: Vec<RuleProblem>,
    /// Literal addresses seen, for the mixed-family check: (is IPv6, text, field, span).
    families: Vec<(bool, String, &'static str, Span)>,
}

pub(crate) fn parse_rule(id: RuleId, rule: &SecurityRule) -> ParsedRule {
    let mut parser = Parser {
        id,
        rule,
        problems: Vec::new(),
        families: Vec::new(),
    };
    let priority = parser.priority();
    let direction = parser.enumeration(
        "direction",
        rule.direction.as_ref(),
        &[
            ("Inbound", Direction::Inbound),
            ("Outbound", Direction::Outbound),
        ],
        ProblemKind::UnknownDirection,
    );
    let access = parser.enumeration(
        "access",
        rule.access.as_ref(),
        &[("Allow", Access::Allow), ("Deny", Access::Deny)],
        ProblemKind::UnknownAccess,
    );
    // `*` is modelled as all five protocols; whether it covers ESP and AH is UNSURE in the spec
    // (§1.3, §9), and "all IP protocols" is the reading that never hides traffic.
    let protocols = parser.enumeration(
        "protocol",
        rule.protocol.as_ref(),
        &[
            ("Tcp", ProtocolSet::single(Protocol::Tcp)),
            ("Udp", ProtocolSet::single(Protocol::Udp)),
            ("Icmp", ProtocolSet::single(Protocol::Icmp)),
            ("Esp", ProtocolSet::single(Protocol::Esp)),
            ("Ah", ProtocolSet::single(Protocol::Ah)),
            ("*", ProtocolSet::all()),
        ],
        ProblemKind::UnknownProtocol,
    );
    let src_ports = parser.ports(
        ("source_port_range", rule.source_port_range.as_ref()),
        ("source_port_ranges", rule.source_port_ranges.as_ref()),
    );
    let dst_ports = parser.ports(
        (
            "destination_port_range",
            rule.destination_port_range.as_ref(),
        ),
        (
            "destination_port_ranges",
            rule.destination_port_ranges.as_ref(),
        ),
    );
    let src_addrs = parser.addresses(
        ("source_address_prefix", rule.source_address_prefix.as_ref()),
        (
            "source_address_prefixes",
            rule.source_address_prefixes.as_ref(),
        ),
        (
            "source_application_security_group_ids",
            rule.source_asgs.as_ref(),
        ),
    );
    let dst_addrs = parser.addresses(
        (
            "destination_address_prefix",
            rule.destination_address_prefix.as_ref(),
        ),
        (
            "destination_address_prefixes",
            rule.destination_address_prefixes.as_ref(),
        ),
        (
            "destination_application_security_group_ids",
            rule.destination_asgs.as_ref(),
        ),
    );
    parser.mixed_families();
    if let Slot::Known(protocols) = &protocols
        && protocols.is_subset(ProtocolSet::portless())
    {
        parser.ports_on_portless(*protocols);
    }
    ParsedRule {
        problems: parser.problems,
        priority,
        direction,
        access,
        protocols,
        src_ports,
        dst_ports,
        src_addrs,
        dst_addrs,
    }
}

/// A singular string attribute after the "empty string means absent" rule.
enum Single<'a> {
    Absent,
    Text(&'a str, Span),
    Unknown(Uncertainty),
}

fn single(attr: Option<&Attr<String>>) -> Single<'_> {
    match attr {
        None => Single::Absent,
        Some(attr) => match &attr.value {
            Val::Known(text) if text.is_empty() => Single::Absent,
            Val::Known(text) => Single::Text(text, attr.span),
            Val::Unknown(unknown) => Single::Unknown(Uncertainty::Unresolved {
                span: attr.span,
                reason: unknown.reason.clone(),
            }),
        },
    }
}

/// A list attribute's elements; `None` when absent or empty.
enum Many<'a, T> {
    Absent,
    Items(&'a [Attr<T>]),
    Unknown(Uncertainty),
}

fn many<T>(attr: Option<&AttrList<T>>) -> Many<'_, T> {
    match attr {
        None => Many::Absent,
        Some(attr) => match &attr.value {
            Val::Known(items) if items.is_empty() => Many::Absent,
            Val::Known(items) => Many::Items(items),
            Val::Unknown(unknown) => Many::Unknown(Uncertainty::Unresolved {
                span: attr.span,
                reason: unknown.reason.clone(),
            }),
        },
    }
}

/// The items of a list attribute: each known element through `known` (`None` when it is
/// invalid), each unknown element and an unknown list as unresolved.
fn push_list<T, I>(
    list: Many<'_, T>,
    items: &mut Vec<I>,
    unresolved: fn(Uncertainty) -> I,
    mut known: impl FnMut(&T, Span) -> Option<I>,
) {
    match list {
        Many::Absent => {}
        Many::Unknown(uncertainty) => items.push(unresolved(uncertainty)),
        Many::Items(elements) => {
            for element in elements {
                match &element.value {
                    Val::Known(value) => items.extend(known(value, element.span)),
                    Val::Unknown(unknown) => items.push(unresolved(Uncertainty::Unresolved {
                        span: element.span,
                        reason: unknown.reason.clone(),
                    })),
                }
            }
        }
    }
}

impl Parser<'_> {
    fn problem(&mut self, field: &'static str, span: Span, kind: ProblemKind, message: String) {
        self.problems.push(RuleProblem {
            rule: self.id,
            field,
            span,
            kind,
            message,
        });
    }

    fn missing(&mut self, field: &'static str, message: String) {
        self.problem(
            field,
            self.rule.meta.span,
            ProblemKind::MissingRequired,
            message,
        );
    }

    fn priority(&mut self) -> Slot<u32> {
        match single(self.rule.priority.as_ref()) {
            Single::Absent => {
                self.missing("priority", "`priority` is required".into());
                Slot::Bad
            }
            Single::Unknown(uncertainty) => Slot::Unresolved(uncertainty),
            Single::Text(text, span) => {
                let value = decimal(text);
                match value {
                    Some(value) if (100..=4096).contains(&value) => {
                        Slot::Known(u32::try_from(value).unwrap_or(u32::MAX))
                    }
                    Some(_) => {
                        self.problem(
                            "priority",
                            span,
                            ProblemKind::PriorityOutOfRange,
                            format!("priority `{text}` is outside 100-4096"),
                        );
                        Slot::Bad
                    }
                    None => {
                        self.problem(
                            "priority",
                            span,
                            ProblemKind::PriorityOutOfRange,
                            format!("priority `{text}` is not an integer in 100-4096"),
                        );
                        Slot::Bad
                    }
                }
            }
        }
    }

    /// An enum attribute. Terraform (provider 3.0 and later) validates case-sensitively; ARM
    /// accepts any case (spec §1.3).
    fn enumeration<T: Copy>(
        &mut self,
        field: &'static str,
        attr: Option<&Attr<String>>,
        choices: &[(&'static str, T)],
        unknown_kind: ProblemKind,
    ) -> Slot<T> {
        let (text, span) = match single(attr) {
            Single::Absent => {
                self.missing(field, format!("`{field}` is required"));
                return Slot::Bad;
            }
            Single::Unknown(uncertainty) => return Slot::Unresolved(uncertainty),
            Single::Text(text, span) => (text, span),
        };
        if let Some((_, value)) = choices.iter().find(|(name, _)| *name == text) {
            return Slot::Known(*value);
        }
        if let Some((name, value)) = choices
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
        {
            if self.rule.dialect == Dialect::Arm {
                return Slot::Known(*value);
            }
            self.problem(
                field,
                span,
                ProblemKind::InvalidCase,
                format!(
                    "{field} `{text}` must be written `{name}`: Terraform checks the value case-sensitively"
                ),
            );
            return Slot::Bad;
        }
        let names: Vec<String> = choices
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        self.problem(
            field,
            span,
            unknown_kind,
            format!("{field} `{text}` is not one of {}", names.join(", ")),
        );
        Slot::Bad
    }

    fn ports(
        &mut self,
        single: (&'static str, Option<&Attr<String>>),
        plural: (&'static str, Option<&AttrList<String>>),
    ) -> Vec<PortItem> {
        let (single_field, plural_field) = (single.0, plural.0);
        let mut items = Vec::new();
        self.side(
            single,
            plural,
            None,
            &mut items,
            PortItem::Unresolved,
            |parser, text, span, in_list| {
                let field = if in_list { plural_field } else { single_field };
                parser.port(field, text, span, in_list).map(PortItem::Set)
            },
        );
        items
    }

    /// One port value: `*`, `N` or `A-B`, within 0-65535 (spec §1.4).
    fn port(
        &mut self,
        field: &'static str,
        text: &str,
        span: Span,
        in_list: bool,
    ) -> Option<PortSet> {
        if text == "*" {
            return Some(PortSet::all());
        }
        if text.contains(',') {
            let plural = if in_list {
                "one port or range per element".to_string()
            } else {
                format!("`{field}s` with one element per port or range")
            };
            self.problem(
                field,
                span,
                ProblemKind::CommaSeparatedPorts,
                format!("port value `{text}` is a comma-separated list, which Azure rejects; use {plural}"),
            );
            return None;
        }
        let (lo_text, hi_text) = text.split_once('-').unwrap_or((text, text));
        let malformed = |parser: &mut Self| {
            parser.problem(
                field,
                span,
                ProblemKind::MalformedPort,
                format!("port `{text}` is not an integer, a range `a-b` or `*`"),
            );
            None
        };
        let (Some(lo), Some(hi)) = (decimal(lo_text), decimal(hi_text)) else {
            return malformed(self);
        };
        let (Ok(lo), Ok(hi)) = (u16::try_from(lo), u16::try_from(hi)) else {
            self.problem(
                field,
                span,
                ProblemKind::PortOutOfRange,
                format!("port `{text}` is outside 0-65535"),
            );
            return None;
        };
        if lo > hi {
            self.problem(
                field,
                span,
                ProblemKind::ReversedPortRange,
                format!("port range `{text}` is reversed; write `{hi}-{lo}`"),
            );
            return None;
        }
        Some(PortSet::range(lo, hi))
    }

    fn addresses(
        &mut self,
        single: (&'static str, Option<&Attr<String>>),
        plural: (&'static str, Option<&AttrList<String>>),
        (asg_field, asg_attr): (&'static str, Option<&AttrList<AsgId>>),
    ) -> Vec<AddrItem> {
        let (single_field, plural_field) = (single.0, plural.0);
        let mut items = Vec::new();
        let asgs = many(asg_attr);
        let asgs_absent = matches!(asgs, Many::Absent);
        self.side(
            single,
            plural,
            Some((asg_field, asgs_absent)),
            &mut items,
            AddrItem::Unresolved,
            |parser, text, span, in_list| {
                if in_list {
                    parser
                        .plural_address(plural_field, text, span)
                        .map(AddrItem::Set)
                } else {
                    parser.single_address(single_field, text, span)
                }
            },
        );
        push_list(asgs, &mut items, AddrItem::Unresolved, |&asg, span| {
            Some(AddrItem::Asg { asg, span })
        });
        items
    }

    /// Reads one side of a rule written through a singular and a plural attribute (and, for
    /// addresses, application security groups: their field and whether they are absent).
    /// Reports a side written both ways and a side written no way, then reads the singular
    /// value and each element of the list with `read` (text, place, whether it is a list
    /// element; `None` when it is invalid), or as unresolved when unknown.
    fn side<I>(
        &mut self,
        (single_field, single_attr): (&'static str, Option<&Attr<String>>),
        (plural_field, plural_attr): (&'static str, Option<&AttrList<String>>),
        asgs: Option<(&'static str, bool)>,
        items: &mut Vec<I>,
        unresolved: fn(Uncertainty) -> I,
        mut read: impl FnMut(&mut Self, &str, Span, bool) -> Option<I>,
    ) {
        let one = single(single_attr);
        let list = many(plural_attr);
        if let (Single::Text(..), Many::Items(_)) = (&one, &list) {
            self.problem(
                plural_field,
                plural_attr.map_or(self.rule.meta.span, |a| a.span),
                ProblemKind::SingularAndPlural,
                format!("both `{single_field}` and `{plural_field}` are set; only one may be used"),
            );
        }
        if matches!((&one, &list), (Single::Absent, Many::Absent)) {
            match asgs {
                None => self.missing(
                    single_field,
                    format!("neither `{single_field}` nor `{plural_field}` is set; one is required"),
                ),
                Some((asg_field, true)) => self.missing(
                    single_field,
                    format!(
                        "neither `{single_field}`, `{plural_field}` nor `{asg_field}` is set; one is required"
                    ),
                ),
                Some((_, false)) => {}
            }
        }
        match one {
            Single::Absent => {}
            Single::Unknown(uncertainty) => items.push(unresolved(uncertainty)),
            Single::Text(text, span) => items.extend(read(self, text, span, false)),
        }
        push_list(list, items, unresolved, |text, span| {
            read(self, text, span, true)
        });
    }

    /// The singular address field: `*`, an address or CIDR, or a service tag.
    fn single_address(&mut self, field: &'static str, text: &str, span: Span) -> Option<AddrItem> {
        if text == "*" {
            return Some(AddrItem::Set(AddrSet::all()));
        }
        if let Some((set, v6)) = AddrSet::parse_with_family(text) {
            self.families.push((v6, text.to_string(), field, span));
            return Some(AddrItem::Set(set));
        }
        if looks_like_address(text) {
            self.malformed_address(field, text, span);
            return None;
        }
        match lookup_tag(text) {
            TagLookup::Structural(tag) => Some(AddrItem::Tag(tag)),
            TagLookup::Opaque(tag) => Some(AddrItem::Opaque { tag, span }),
            TagLookup::Classic(modern) => {
                self.problem(
                    field,
                    span,
                    ProblemKind::MalformedAddress,
                    format!(
                        "`{text}` is the classic spelling of a tag, which Azure Resource Manager rejects; use `{modern}`"
                    ),
                );
                None
            }
            TagLookup::Unknown => {
                self.problem(
                    field,
                    span,
                    ProblemKind::UnknownServiceTag,
                    format!("`{text}` is neither an address, a CIDR, `*` nor a known service tag"),
                );
                None
            }
        }
    }

    /// An element of a plural address field: addresses and CIDRs only (spec §1.4).
    fn plural_address(&mut self, field: &'static str, text: &str, span: Span) -> Option<AddrSet> {
        if let Some((set, v6)) = AddrSet::parse_with_family(text) {
            self.families.push((v6, text.to_string(), field, span));
            return Some(set);
        }
        if text == "*" || !matches!(lookup_tag(text), TagLookup::Unknown) {
            self.problem(
                field,
                span,
                ProblemKind::TagInPluralField,
                format!(
                    "`{text}` cannot be used in `{field}`, which accepts only addresses and CIDRs; use the singular field in a rule of its own"
                ),
            );
            return None;
        }
        self.malformed_address(field, text, span);
        None
    }

    fn malformed_address(&mut self, field: &'static str, text: &str, span: Span) {
        self.problem(
            field,
            span,
            ProblemKind::MalformedAddress,
            format!("address `{text}` is not a valid IP address or CIDR"),
        );
    }

    fn mixed_families(&mut self) {
        let Some((first_v6, first_text, _, _)) = self.families.first().cloned() else {
            return;
        };
        if let Some((_, text, field, span)) = self
            .families
            .iter()
            .find(|(v6, ..)| *v6 != first_v6)
            .cloned()
        {
            self.problem(
                field,
                span,
                ProblemKind::MixedAddressFamilies,
                format!(
                    "the rule mixes IPv4 and IPv6 addresses (`{first_text}` and `{text}`), which Azure rejects"
                ),
            );
        }
    }

    /// Azure ignores ports for ICMP, ESP and AH; a port there is most likely a mistake.
    fn ports_on_portless(&mut self, protocols: ProtocolSet) {
        let rule = self.rule;
        let protocol = protocols.iter().next().map_or("", Protocol::api_name);
        let singles = [
            ("source_port_range", rule.source_port_range.as_ref()),
            (
                "destination_port_range",
                rule.destination_port_range.as_ref(),
            ),
        ];
        for (field, attr) in singles {
            if let Single::Text(text, span) = single(attr)
                && text != "*"
            {
                self.portless_problem(field, text, span, protocol);
            }
        }
        let plurals = [
            ("source_port_ranges", rule.source_port_ranges.as_ref()),
            (
                "destination_port_ranges",
                rule.destination_port_ranges.as_ref(),
            ),
        ];
        for (field, attr) in plurals {
            if let Many::Items(elements) = many(attr) {
                for element in elements {
                    if let Some(text) = element.get()
                        && text != "*"
                    {
                        self.portless_problem(field, text, element.span, protocol);
                    }
                }
            }
        }
    }

    fn portless_problem(&mut self, field: &'static str, text: &str, span: Span, protocol: &str) {
        self.problem(
            field,
            span,
            ProblemKind::PortsOnPortlessProtocol,
            format!(
                "port `{text}` has no effect for protocol `{protocol}`, which has no ports; use `*`"
            ),
        );
    }
}

/// A non-empty run of ASCII digits as a number (`None` when not digits or absurdly long).
fn decimal(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whether the text was meant as an address rather than a tag name: digits, dots, colons and a
/// slash only (with hex digits for IPv6), or it contains a slash.
fn looks_like_address(text: &str) -> bool {
    text.contains('/')
        || text.contains(':')
        || text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}
