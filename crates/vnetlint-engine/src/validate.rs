//! Validation and parsing of one security rule's raw attribute text (spec §1.1-1.5): the
//! problems Azure or Terraform would reject, and the parsed values the compiler turns into
//! packet sets; and the limits an NSG as a whole must stay within (spec §1.6).
//!
//! Parsing and validation are one pass so that the compiler can never evaluate a value the
//! validator did not look at.
//!
//! A rejected value is still read where its meaning is evident (issue 14): each problem says
//! how ([`Reading`]), and the parsed rule holds that reading, so one run shows every finding
//! instead of hiding the exposure of a misspelled rule until the spelling is fixed.
//!
//! | written | read as |
//! |---|---|
//! | `TCP`, `allow`, `inbound` in Terraform (ARM accepts any case) | `Tcp`, `Allow`, `Inbound` |
//! | `" 22"`, `"Tcp "` | the value without the spaces |
//! | no `source_port_range(s)` / `destination_port_range(s)` | `*` |
//! | `"22,3389"`, `"10.0.0.0/8,192.168.0.0/16"` in one value | the list |
//! | a tag or `*` in `*_address_prefixes` | the tag, every address |
//! | a classic tag spelling (`VIRTUAL_NETWORK`) | the Resource Manager tag |
//! | a reversed range `2000-1000` | `1000-2000` |
//! | the singular and the plural field both set; IPv4 and IPv6 mixed | all of it together |
//! | `something`, `10.0.0.300`, `70000`, `abc` as an address or port | left out; the rest is read |
//! | a missing or invalid priority, direction, access or protocol; no address on a side | nothing: the rule is not evaluated |

use std::collections::BTreeMap;

use vnetlint_ir::{
    AsgId, Attr, AttrList, Dialect, Network, NsgId, RuleId, SecurityRule, Span, Val,
};

use crate::addr::AddrSet;
use crate::model::{Access, Direction, Uncertainty};
use crate::packet::{PortSet, Protocol, ProtocolSet};
use crate::tags::{StructuralTag, TagLookup, lookup_tag};

/// A reason a rule cannot deploy as written (or, for `DuplicatePriority` and
/// `PortsOnPortlessProtocol`, is suspicious but still evaluated), and what vnetlint evaluates
/// in its place.
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
    /// How the rule is evaluated despite the problem.
    pub reading: Reading,
}

/// How a rule with a problem is evaluated (issue 14): under the value's evident meaning where
/// it has one, so that every other finding appears at once instead of after the spelling is
/// fixed; without the value where it has none; not at all where the rule cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reading {
    /// The problem does not change what the rule matches: a duplicate priority (both rules are
    /// evaluated, in declaration order) or ports on a portless protocol (Azure ignores them).
    AsWritten,
    /// The value has an evident meaning, which is evaluated in its place; the text says which,
    /// completing "evaluated" (`` reading `protocol` `TCP` as `Tcp` ``).
    Evident(String),
    /// The value (an element of a list, or a single value) has no evident meaning and is left
    /// out; the rest of the rule is evaluated. The text completes "evaluated"
    /// (`` without `something` in `source_address_prefix` ``).
    Dropped(String),
    /// The rule has no evident meaning (a priority, direction, access or protocol that is
    /// missing or not one of Azure's values, a side with no address at all) and is not
    /// evaluated.
    Excluded,
}

impl Reading {
    /// How the rule is evaluated instead of as written, for messages; `None` when it is
    /// evaluated as written or not at all.
    pub fn phrase(&self) -> Option<&str> {
        match self {
            Reading::Evident(phrase) | Reading::Dropped(phrase) => Some(phrase),
            Reading::AsWritten | Reading::Excluded => None,
        }
    }
}

impl RuleProblem {
    /// Whether the rule is left out of evaluation.
    pub fn excludes_rule(&self) -> bool {
        self.reading == Reading::Excluded
    }
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
    CommaSeparatedAddresses,
    MalformedAddress,
    TagInPluralField,
    UnknownServiceTag,
    MixedAddressFamilies,
    UnknownProtocol,
    UnknownDirection,
    UnknownAccess,
    SingularAndPlural,
    InvalidCase,
    SurroundingSpace,
    PortsOnPortlessProtocol,
}

/// A reason an NSG as a whole cannot deploy: it holds more than one of Azure's per-NSG limits
/// allows (spec §1.6). Its rules are still evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsgProblem {
    pub nsg: NsgId,
    pub limit: NsgLimit,
    /// How many the NSG holds.
    pub count: usize,
    /// Lowercase start, no final period, values in backticks.
    pub message: String,
}

/// Azure's limits on one NSG (spec §1.6, LIMITS: the default is the maximum). The limit on
/// addresses and ranges "applies separately to source and destination" (LIMITS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NsgLimit {
    /// NSG rules per NSG: 1,000.
    Rules,
    /// IP addresses and ranges specified for source in a security group: 4,000.
    SourceAddresses,
    /// IP addresses and ranges specified for destination in a security group: 4,000.
    DestinationAddresses,
}

impl NsgLimit {
    /// The most Azure accepts.
    pub fn maximum(self) -> usize {
        match self {
            NsgLimit::Rules => 1_000,
            NsgLimit::SourceAddresses | NsgLimit::DestinationAddresses => 4_000,
        }
    }

    /// What is counted (`custom rules`, `source addresses and ranges`).
    pub fn counted(self) -> &'static str {
        match self {
            NsgLimit::Rules => "custom rules",
            NsgLimit::SourceAddresses => "source addresses and ranges",
            NsgLimit::DestinationAddresses => "destination addresses and ranges",
        }
    }
}

/// The limits `nsg` exceeds, given the number of its custom rules and of the literal source
/// and destination addresses and ranges they hold (tags, `*` and ASGs do not count).
pub(crate) fn nsg_limits(
    nsg: NsgId,
    rules: usize,
    (sources, destinations): (usize, usize),
) -> Vec<NsgProblem> {
    [
        (NsgLimit::Rules, rules),
        (NsgLimit::SourceAddresses, sources),
        (NsgLimit::DestinationAddresses, destinations),
    ]
    .into_iter()
    .filter(|(limit, count)| *count > limit.maximum())
    .map(|(limit, count)| NsgProblem {
        nsg,
        limit,
        count,
        message: format!(
            "it holds {count} {what}, and Azure allows at most {} {what} per NSG",
            limit.maximum(),
            what = limit.counted(),
        ),
    })
    .collect()
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
                    reading: Reading::AsWritten,
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
    /// How many literal addresses and ranges the source and the destination hold (Azure's
    /// limits of 4,000 per NSG count these; tags, `*` and ASGs do not count).
    pub(crate) literal_addresses: (usize, usize),
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
        self.problems.iter().any(RuleProblem::excludes_rule)
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
        literal_addresses: parser.literal_addresses(),
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

/// The items of a list attribute: each known element through `known` (which pushes what it
/// reads; nothing when the element has no evident meaning), each unknown element and an
/// unknown list as unresolved.
fn push_list<T, I>(
    list: Many<'_, T>,
    items: &mut Vec<I>,
    unresolved: fn(Uncertainty) -> I,
    mut known: impl FnMut(&T, Span, &mut Vec<I>),
) {
    match list {
        Many::Absent => {}
        Many::Unknown(uncertainty) => items.push(unresolved(uncertainty)),
        Many::Items(elements) => {
            for element in elements {
                match &element.value {
                    Val::Known(value) => known(value, element.span, items),
                    Val::Unknown(unknown) => items.push(unresolved(Uncertainty::Unresolved {
                        span: element.span,
                        reason: unknown.reason.clone(),
                    })),
                }
            }
        }
    }
}

/// `` `a`, `b` and `c` ``, for readings of lists.
fn backticked(parts: &[&str]) -> String {
    let quoted: Vec<String> = parts.iter().map(|p| format!("`{p}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The parts of a comma-separated list, trimmed, empty ones left out.
fn comma_parts(text: &str) -> Vec<&str> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// How a comma-separated list in one value of a side is reported ([`Parser::values`]).
struct CommaList {
    kind: ProblemKind,
    /// What the message calls the value (`port`).
    value: &'static str,
    /// What one element of the plural field holds (`port or range`).
    element: &'static str,
    /// What makes the singular field's name plural (`s`, `es`).
    plural_suffix: &'static str,
}

const PORT_LIST: CommaList = CommaList {
    kind: ProblemKind::CommaSeparatedPorts,
    value: "port",
    element: "port or range",
    plural_suffix: "s",
};

const ADDRESS_LIST: CommaList = CommaList {
    kind: ProblemKind::CommaSeparatedAddresses,
    value: "address",
    element: "address or range",
    plural_suffix: "es",
};

/// What one side of a rule is made of, for [`Parser::side`]: its singular and plural
/// attributes, for addresses its application security groups (their field and whether they
/// are absent), and the item a side written no way reads as (`*` for ports; none for
/// addresses, whose absence has no evident meaning).
struct SideSpec<'a, I> {
    single: (&'static str, Option<&'a Attr<String>>),
    plural: (&'static str, Option<&'a AttrList<String>>),
    asgs: Option<(&'static str, bool)>,
    when_missing: Option<(I, &'static str)>,
    /// How a comma-separated list in one value is reported.
    list: &'static CommaList,
}

impl Parser<'_> {
    fn problem(
        &mut self,
        field: &'static str,
        span: Span,
        kind: ProblemKind,
        reading: Reading,
        message: String,
    ) {
        self.problems.push(RuleProblem {
            rule: self.id,
            field,
            span,
            kind,
            message,
            reading,
        });
    }

    /// A required attribute without which the rule has no evident meaning.
    fn missing(&mut self, field: &'static str, message: String) {
        self.problem(
            field,
            self.rule.meta.span,
            ProblemKind::MissingRequired,
            Reading::Excluded,
            message,
        );
    }

    /// The text without surrounding spaces, which Azure and Terraform reject but whose meaning
    /// is evident; reported when there were any.
    fn trimmed<'t>(&mut self, field: &'static str, text: &'t str, span: Span) -> &'t str {
        let trimmed = text.trim();
        if trimmed.len() != text.len() {
            self.problem(
                field,
                span,
                ProblemKind::SurroundingSpace,
                Reading::Evident(format!("reading `{field}` `{text}` as `{trimmed}`")),
                format!(
                    "`{text}` has spaces around the value, which Azure rejects; write `{trimmed}`"
                ),
            );
        }
        trimmed
    }

    fn priority(&mut self) -> Slot<u32> {
        match single(self.rule.priority.as_ref()) {
            Single::Absent => {
                self.missing("priority", "`priority` is required".into());
                Slot::Bad
            }
            Single::Unknown(uncertainty) => Slot::Unresolved(uncertainty),
            Single::Text(text, span) => {
                let trimmed = self.trimmed("priority", text, span);
                let value = decimal(trimmed);
                match value {
                    Some(value) if (100..=4096).contains(&value) => {
                        Slot::Known(u32::try_from(value).unwrap_or(u32::MAX))
                    }
                    Some(_) => {
                        self.problem(
                            "priority",
                            span,
                            ProblemKind::PriorityOutOfRange,
                            Reading::Excluded,
                            format!("priority `{text}` is outside 100-4096"),
                        );
                        Slot::Bad
                    }
                    None => {
                        self.problem(
                            "priority",
                            span,
                            ProblemKind::PriorityOutOfRange,
                            Reading::Excluded,
                            format!("priority `{text}` is not an integer in 100-4096"),
                        );
                        Slot::Bad
                    }
                }
            }
        }
    }

    /// An enum attribute. Terraform (provider 3.0 and later) validates case-sensitively; ARM
    /// accepts any case (spec §1.3). Another case reads as the value it spells.
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
            Single::Text(text, span) => (self.trimmed(field, text, span), span),
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
                Reading::Evident(format!("reading {field} `{text}` as `{name}`")),
                format!(
                    "{field} `{text}` must be written `{name}`: Terraform checks the value case-sensitively"
                ),
            );
            return Slot::Known(*value);
        }
        let names: Vec<String> = choices
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        self.problem(
            field,
            span,
            unknown_kind,
            Reading::Excluded,
            format!("{field} `{text}` is not one of {}", names.join(", ")),
        );
        Slot::Bad
    }

    fn ports(
        &mut self,
        single: (&'static str, Option<&Attr<String>>),
        plural: (&'static str, Option<&AttrList<String>>),
    ) -> Vec<PortItem> {
        let mut items = Vec::new();
        let spec = SideSpec {
            single,
            plural,
            asgs: None,
            when_missing: Some((PortItem::Set(PortSet::all()), "`*`")),
            list: &PORT_LIST,
        };
        self.side(
            spec,
            &mut items,
            PortItem::Unresolved,
            |parser, field, value, span, _, items| {
                items.extend(parser.port(field, value, span).map(PortItem::Set));
            },
        );
        items
    }

    /// The values a text written in one field stands for, without surrounding spaces: itself,
    /// or the parts of a comma-separated list, which Azure rejects but whose meaning (the list)
    /// is evident.
    fn values<'t>(
        &mut self,
        field: &'static str,
        text: &'t str,
        span: Span,
        in_list: bool,
        list: &CommaList,
    ) -> Vec<&'t str> {
        let text = self.trimmed(field, text, span);
        if !text.contains(',') {
            return vec![text];
        }
        let parts = comma_parts(text);
        let instead = if in_list {
            format!("one {} per element", list.element)
        } else {
            format!(
                "`{field}{}` with one element per {}",
                list.plural_suffix, list.element
            )
        };
        self.problem(
            field,
            span,
            list.kind,
            Reading::Evident(format!(
                "reading `{field}` `{text}` as the list {}",
                backticked(&parts)
            )),
            format!(
                "{} value `{text}` is a comma-separated list, which Azure rejects; use {instead}",
                list.value
            ),
        );
        parts
    }

    /// One port: `*`, `N` or `A-B`, within 0-65535 (spec §1.4). A reversed range reads as the
    /// range it bounds; anything else that is not a port is left out.
    fn port(&mut self, field: &'static str, text: &str, span: Span) -> Option<PortSet> {
        if text == "*" {
            return Some(PortSet::all());
        }
        let (lo_text, hi_text) = text.split_once('-').unwrap_or((text, text));
        let dropped = Reading::Dropped(format!("without `{text}` in `{field}`"));
        let (Some(lo), Some(hi)) = (decimal(lo_text), decimal(hi_text)) else {
            self.problem(
                field,
                span,
                ProblemKind::MalformedPort,
                dropped,
                format!("port `{text}` is not an integer, a range `a-b` or `*`"),
            );
            return None;
        };
        let (Ok(lo), Ok(hi)) = (u16::try_from(lo), u16::try_from(hi)) else {
            self.problem(
                field,
                span,
                ProblemKind::PortOutOfRange,
                dropped,
                format!("port `{text}` is outside 0-65535"),
            );
            return None;
        };
        if lo > hi {
            self.problem(
                field,
                span,
                ProblemKind::ReversedPortRange,
                Reading::Evident(format!("reading `{field}` `{text}` as `{hi}-{lo}`")),
                format!("port range `{text}` is reversed; write `{hi}-{lo}`"),
            );
            return Some(PortSet::range(hi, lo));
        }
        Some(PortSet::range(lo, hi))
    }

    fn addresses(
        &mut self,
        single: (&'static str, Option<&Attr<String>>),
        plural: (&'static str, Option<&AttrList<String>>),
        (asg_field, asg_attr): (&'static str, Option<&AttrList<AsgId>>),
    ) -> Vec<AddrItem> {
        let mut items = Vec::new();
        let asgs = many(asg_attr);
        let spec = SideSpec {
            single,
            plural,
            asgs: Some((asg_field, matches!(asgs, Many::Absent))),
            when_missing: None,
            list: &ADDRESS_LIST,
        };
        self.side(
            spec,
            &mut items,
            AddrItem::Unresolved,
            |parser, field, value, span, in_list, items| {
                items.extend(if in_list {
                    parser.plural_address(field, value, span)
                } else {
                    parser.single_address(field, value, span)
                });
            },
        );
        push_list(
            asgs,
            &mut items,
            AddrItem::Unresolved,
            |&asg, span, items| {
                items.push(AddrItem::Asg { asg, span });
            },
        );
        items
    }

    /// Reads one side of a rule written through a singular and a plural attribute. Reports a
    /// side written both ways (both are read) and a side written no way (read as
    /// `when_missing`, or the rule is excluded), then reads each value of the singular
    /// attribute and of each element of the list ([`Parser::values`]) with `read` (its field,
    /// the value, its place, whether it is in the list, where to push what it reads), or as
    /// unresolved when unknown.
    fn side<I>(
        &mut self,
        spec: SideSpec<'_, I>,
        items: &mut Vec<I>,
        unresolved: fn(Uncertainty) -> I,
        mut read: impl FnMut(&mut Self, &'static str, &str, Span, bool, &mut Vec<I>),
    ) {
        let (list_spec, fields) = (spec.list, (spec.single.0, spec.plural.0));
        let mut read_text = |parser: &mut Self, text: &str, span, in_list, items: &mut Vec<I>| {
            let field = if in_list { fields.1 } else { fields.0 };
            for value in parser.values(field, text, span, in_list, list_spec) {
                read(parser, field, value, span, in_list, items);
            }
        };
        let (single_field, single_attr) = spec.single;
        let (plural_field, plural_attr) = spec.plural;
        let one = single(single_attr);
        let list = many(plural_attr);
        if let (Single::Text(..), Many::Items(_)) = (&one, &list) {
            self.problem(
                plural_field,
                plural_attr.map_or(self.rule.meta.span, |a| a.span),
                ProblemKind::SingularAndPlural,
                Reading::Evident(format!(
                    "reading `{single_field}` and `{plural_field}` together"
                )),
                format!("both `{single_field}` and `{plural_field}` are set; only one may be used"),
            );
        }
        if matches!((&one, &list), (Single::Absent, Many::Absent)) {
            let message = match spec.asgs {
                Some((asg_field, true)) => format!(
                    "neither `{single_field}`, `{plural_field}` nor `{asg_field}` is set; one is required"
                ),
                Some((_, false)) => String::new(),
                None => {
                    format!("neither `{single_field}` nor `{plural_field}` is set; one is required")
                }
            };
            match (spec.when_missing, message.is_empty()) {
                (_, true) => {}
                (Some((item, shown)), false) => {
                    self.problem(
                        single_field,
                        self.rule.meta.span,
                        ProblemKind::MissingRequired,
                        Reading::Evident(format!(
                            "reading the missing `{single_field}` as {shown}"
                        )),
                        message,
                    );
                    items.push(item);
                }
                (None, false) => self.missing(single_field, message),
            }
        }
        match one {
            Single::Absent => {}
            Single::Unknown(uncertainty) => items.push(unresolved(uncertainty)),
            Single::Text(text, span) => read_text(self, text, span, false, items),
        }
        push_list(list, items, unresolved, |text, span, items| {
            read_text(self, text, span, true, items);
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
                    Reading::Evident(format!("reading `{text}` in `{field}` as `{modern}`")),
                    format!(
                        "`{text}` is the classic spelling of a tag, which Azure Resource Manager rejects; use `{modern}`"
                    ),
                );
                tag_item(modern, span)
            }
            TagLookup::Unknown => {
                self.problem(
                    field,
                    span,
                    ProblemKind::UnknownServiceTag,
                    Reading::Dropped(format!("without `{text}` in `{field}`")),
                    format!("`{text}` is neither an address, a CIDR, `*` nor a known service tag"),
                );
                None
            }
        }
    }

    /// An element of a plural address field: addresses and CIDRs only (spec §1.4). A tag or
    /// `*` there reads as it would in the singular field.
    fn plural_address(&mut self, field: &'static str, text: &str, span: Span) -> Option<AddrItem> {
        if let Some((set, v6)) = AddrSet::parse_with_family(text) {
            self.families.push((v6, text.to_string(), field, span));
            return Some(AddrItem::Set(set));
        }
        let item = match lookup_tag(text) {
            _ if text == "*" => Some((AddrItem::Set(AddrSet::all()), "every address".to_owned())),
            TagLookup::Structural(tag) => {
                Some((AddrItem::Tag(tag), format!("the tag `{}`", tag.name())))
            }
            TagLookup::Opaque(tag) => Some((
                AddrItem::Opaque {
                    tag: tag.clone(),
                    span,
                },
                format!("the tag `{tag}`"),
            )),
            TagLookup::Classic(modern) => {
                tag_item(modern, span).map(|item| (item, format!("the tag `{modern}`")))
            }
            TagLookup::Unknown => None,
        };
        let Some((item, meaning)) = item else {
            self.malformed_address(field, text, span);
            return None;
        };
        self.problem(
            field,
            span,
            ProblemKind::TagInPluralField,
            Reading::Evident(format!("reading `{text}` in `{field}` as {meaning}")),
            format!(
                "`{text}` cannot be used in `{field}`, which accepts only addresses and CIDRs; use the singular field in a rule of its own"
            ),
        );
        Some(item)
    }

    fn malformed_address(&mut self, field: &'static str, text: &str, span: Span) {
        self.problem(
            field,
            span,
            ProblemKind::MalformedAddress,
            Reading::Dropped(format!("without `{text}` in `{field}`")),
            format!("address `{text}` is not a valid IP address or CIDR"),
        );
    }

    /// The literal source and destination addresses seen, by side.
    fn literal_addresses(&self) -> (usize, usize) {
        let sources = self
            .families
            .iter()
            .filter(|(_, _, field, _)| field.starts_with("source"))
            .count();
        (sources, self.families.len() - sources)
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
                Reading::Evident("reading its IPv4 and IPv6 addresses together".to_owned()),
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
                && text.trim() != "*"
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
                        && text.trim() != "*"
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
            Reading::AsWritten,
            format!(
                "port `{text}` has no effect for protocol `{protocol}`, which has no ports; use `*`"
            ),
        );
    }
}

/// The item of a tag known by its Resource Manager name.
fn tag_item(name: &str, span: Span) -> Option<AddrItem> {
    match lookup_tag(name) {
        TagLookup::Structural(tag) => Some(AddrItem::Tag(tag)),
        TagLookup::Opaque(tag) => Some(AddrItem::Opaque { tag, span }),
        TagLookup::Classic(_) | TagLookup::Unknown => None,
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
