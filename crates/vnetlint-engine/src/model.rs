//! The NSG rule model the evaluator works on: directions, access, the default rules, rule
//! references, compiled rules with lower and upper match bounds, and evaluation results.

use std::fmt;

use vnetlint_ir::{Network, NsgId, RuleId, Span};

use crate::packet::PacketSet;
use crate::validate::{NsgProblem, RuleProblem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    /// The API spelling (`Inbound`).
    pub fn name(self) -> &'static str {
        match self {
            Direction::Inbound => "Inbound",
            Direction::Outbound => "Outbound",
        }
    }
}

/// Lowercase, for messages (`inbound`).
impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    Allow,
    Deny,
}

impl Access {
    /// The API spelling (`Allow`).
    pub fn name(self) -> &'static str {
        match self {
            Access::Allow => "Allow",
            Access::Deny => "Deny",
        }
    }
}

/// Lowercase, for messages (`allow`).
impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Allow => "allow",
            Access::Deny => "deny",
        })
    }
}

/// The six rules Azure puts in every NSG (spec §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefaultRule {
    AllowVnetInBound,
    AllowAzureLoadBalancerInBound,
    DenyAllInBound,
    AllowVnetOutBound,
    AllowInternetOutBound,
    DenyAllOutBound,
}

impl DefaultRule {
    pub const INBOUND: [DefaultRule; 3] = [
        DefaultRule::AllowVnetInBound,
        DefaultRule::AllowAzureLoadBalancerInBound,
        DefaultRule::DenyAllInBound,
    ];
    pub const OUTBOUND: [DefaultRule; 3] = [
        DefaultRule::AllowVnetOutBound,
        DefaultRule::AllowInternetOutBound,
        DefaultRule::DenyAllOutBound,
    ];

    /// The API name, as IP flow verify reports it after `defaultSecurityRules/`.
    pub fn name(self) -> &'static str {
        match self {
            DefaultRule::AllowVnetInBound => "AllowVnetInBound",
            DefaultRule::AllowAzureLoadBalancerInBound => "AllowAzureLoadBalancerInBound",
            DefaultRule::DenyAllInBound => "DenyAllInBound",
            DefaultRule::AllowVnetOutBound => "AllowVnetOutBound",
            DefaultRule::AllowInternetOutBound => "AllowInternetOutBound",
            DefaultRule::DenyAllOutBound => "DenyAllOutBound",
        }
    }

    pub fn priority(self) -> u32 {
        match self {
            DefaultRule::AllowVnetInBound | DefaultRule::AllowVnetOutBound => 65000,
            DefaultRule::AllowAzureLoadBalancerInBound | DefaultRule::AllowInternetOutBound => {
                65001
            }
            DefaultRule::DenyAllInBound | DefaultRule::DenyAllOutBound => 65500,
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            DefaultRule::AllowVnetInBound
            | DefaultRule::AllowAzureLoadBalancerInBound
            | DefaultRule::DenyAllInBound => Direction::Inbound,
            DefaultRule::AllowVnetOutBound
            | DefaultRule::AllowInternetOutBound
            | DefaultRule::DenyAllOutBound => Direction::Outbound,
        }
    }

    pub fn access(self) -> Access {
        match self {
            DefaultRule::DenyAllInBound | DefaultRule::DenyAllOutBound => Access::Deny,
            _ => Access::Allow,
        }
    }

    pub fn for_direction(direction: Direction) -> [DefaultRule; 3] {
        match direction {
            Direction::Inbound => Self::INBOUND,
            Direction::Outbound => Self::OUTBOUND,
        }
    }
}

/// The rule that decided: a custom rule of the network or one of the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleRef {
    Custom(RuleId),
    Default(DefaultRule),
}

impl RuleRef {
    /// For messages: `rule "allow-ssh" (priority 100)` or
    /// `default rule "DenyAllInBound" (priority 65500)`.
    pub fn describe(&self, net: &Network) -> String {
        match self {
            RuleRef::Custom(id) => match net.security_rules.get(id.index()) {
                Some(rule) => {
                    let priority = rule
                        .priority
                        .as_ref()
                        .and_then(|p| p.get())
                        .map_or("unknown", String::as_str);
                    format!(
                        "rule \"{}\" (priority {priority})",
                        rule.meta.display_name()
                    )
                }
                None => format!("rule #{}", id.0),
            },
            RuleRef::Default(rule) => {
                format!(
                    "default rule \"{}\" (priority {})",
                    rule.name(),
                    rule.priority()
                )
            }
        }
    }

    /// The name as Azure's effective-rule output spells it: `securityRules/<name>` or
    /// `defaultSecurityRules/<name>`.
    pub fn api_name(&self, net: &Network) -> String {
        match self {
            RuleRef::Custom(id) => match net.security_rules.get(id.index()) {
                Some(rule) => format!("securityRules/{}", rule.meta.display_name()),
                None => format!("securityRules/#{}", id.0),
            },
            RuleRef::Default(rule) => format!("defaultSecurityRules/{}", rule.name()),
        }
    }

    pub fn custom(&self) -> Option<RuleId> {
        match self {
            RuleRef::Custom(id) => Some(*id),
            RuleRef::Default(_) => None,
        }
    }
}

/// What a rule matches: `lower` certainly, `upper` possibly; equal for fully known rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    pub lower: PacketSet,
    pub upper: PacketSet,
}

impl Bounds {
    pub fn exact(set: PacketSet) -> Bounds {
        Bounds {
            lower: set.clone(),
            upper: set,
        }
    }

    pub fn is_exact(&self) -> bool {
        self.lower == self.upper || self.upper.is_subset(&self.lower)
    }
}

/// Why a rule's match is not exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uncertainty {
    /// An attribute value (or ASG membership) is not known statically.
    Unresolved { span: Span, reason: String },
    /// The rule names a service tag whose prefixes vnetlint does not know offline.
    TagContents { tag: String, span: Span },
}

impl Uncertainty {
    pub fn span(&self) -> Span {
        match self {
            Uncertainty::Unresolved { span, .. } | Uncertainty::TagContents { span, .. } => *span,
        }
    }
}

/// One rule ready for evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledRule {
    pub rule: RuleRef,
    /// The integer priority; 0 for a custom rule whose priority is unknown (it is placed first,
    /// the conservative position, since its `lower` is empty).
    pub priority: u32,
    pub direction: Direction,
    pub access: Access,
    pub matches: Bounds,
    pub uncertain: Vec<Uncertainty>,
}

/// An NSG compiled for evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledNsg {
    pub nsg: NsgId,
    /// Valid inbound custom rules by priority (ties in declaration order), then the defaults.
    pub inbound: Vec<CompiledRule>,
    /// Same for outbound.
    pub outbound: Vec<CompiledRule>,
    /// Every configuration problem of the NSG's rules, in declaration order.
    pub problems: Vec<RuleProblem>,
    /// The limits of Azure's the NSG as a whole exceeds; its rules are evaluated all the same.
    pub nsg_problems: Vec<NsgProblem>,
    /// Rules left out of evaluation because a problem leaves them no evident meaning.
    pub excluded: Vec<RuleId>,
    /// Rules whose direction or access is unknown, so they cannot be placed in either list.
    pub unplaced: Vec<(RuleId, Uncertainty)>,
}

/// How to treat rules whose match is uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Over-approximate what is allowed: allow rules match their `upper`, deny rules their `lower`.
    May,
    /// Under-approximate what is allowed: allow rules match their `lower`, deny rules their `upper`.
    Must,
}

/// The part of a query decided by one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Index into [`CompiledNsg::rules`] for the direction.
    pub rule_index: usize,
    pub rule: RuleRef,
    pub access: Access,
    pub packets: PacketSet,
}

/// The outcome for one concrete packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub rule_index: usize,
    pub rule: RuleRef,
    pub access: Access,
    /// True when an earlier rule may match the packet (it is in its `upper` but not its
    /// `lower`), so another rule might decide once unknown values are resolved.
    pub uncertain: bool,
}
