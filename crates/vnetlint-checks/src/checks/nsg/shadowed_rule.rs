//! VNL201: a rule never takes effect because earlier rules of the opposite access decide every
//! packet it matches. Also holds the finding builder VNL202 (redundant-rule) shares, since the
//! two differ only in the access of the earlier rules.

use std::fmt::Write as _;
use std::net::IpAddr;

use vnetlint_diagnostics::Finding;
use vnetlint_engine::{Access, CompiledNsg, CoverKind, CoveredRule, Decision, Packet, RuleRef};
use vnetlint_ir::Network;

use crate::Context;
use crate::declare::{Check, declare_check};
use crate::finding::{name_label, past};

declare_check! {
    /// A rule of a network security group never takes effect because earlier rules with the opposite access decide every packet it matches.
    ///
    /// ## What it does
    /// Evaluates each network security group per direction over *all* packets: for every custom
    /// rule, it takes the packets the rule matches and removes those decided by each rule with
    /// a lower priority number, in evaluation order. When nothing is left, the rule can never
    /// decide a packet, and when some of its packets are decided by rules with the opposite
    /// access (a deny before an allow, or an allow before a deny), this check reports it with
    /// the earlier rules that decide first. The cover may be spread over several earlier rules:
    /// two denies for `172.16.0.0/24` and `172.16.1.0/24` together shadow an allow for
    /// `172.16.0.0/23`, although neither does alone.
    ///
    /// Only rules whose values are all known are judged, and earlier rules count only for the
    /// packets they certainly match, so an unresolved earlier rule never makes a later one look
    /// dead. Default rules are never reported.
    ///
    /// ## Why is this bad?
    /// The rule states an intent the NSG does not carry out: an allow that was meant to open a
    /// port stays closed, or a deny that was meant to block traffic blocks nothing of its own,
    /// and readers of the template trust the rule they see. Such rules often come from a
    /// priority typo or from a broad rule added later with a lower priority number.
    ///
    /// ## Example
    /// ```hcl,expect=VNL201
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "deny-web"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "8000-8999"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "allow-app"
    ///     priority                   = 200
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "8080"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give the narrower rule a lower priority number than the broad one, so that it decides
    /// first:
    /// ```hcl
    /// resource "azurerm_network_security_group" "app" {
    ///   name                = "nsg-app"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-app"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "8080"
    ///     source_address_prefix      = "VirtualNetwork"
    ///     destination_address_prefix = "*"
    ///   }
    ///
    ///   security_rule {
    ///     name                       = "deny-web"
    ///     priority                   = 200
    ///     direction                  = "Inbound"
    ///     access                     = "Deny"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "8000-8999"
    ///     source_address_prefix      = "*"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// None.
    ///
    /// ## References
    /// - [Security rules: priority and first match](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules)
    /// - [How network security groups filter network traffic](https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works)
    pub static SHADOWED_RULE = {
        code: "VNL201",
        name: "shadowed-rule",
        level: Warning,
        tags: ["correctness", "network"],
        precision: "very-high",
        security_severity: None,
        run: |ctx, out| push_findings(ctx, CoverKind::Shadowed, &SHADOWED_RULE, out),
    };
}

/// The findings of one kind (VNL201 or VNL202) over every NSG of the run.
pub(super) fn push_findings(
    ctx: &Context<'_>,
    kind: CoverKind,
    check: &Check,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    for view in &ctx.nsgs {
        let nsg_name = net
            .nsgs
            .get(view.id.index())
            .map_or("?", |nsg| nsg.meta.display_name());
        let destination = view.sample_destination();
        for covered in view.covered_rules() {
            if covered.kind == kind {
                out.push(finding(
                    net,
                    &view.compiled,
                    nsg_name,
                    covered,
                    destination,
                    check,
                ));
            }
        }
    }
}

fn finding(
    net: &Network,
    nsg: &CompiledNsg,
    nsg_name: &str,
    covered: &CoveredRule,
    destination: IpAddr,
    check: &Check,
) -> Finding {
    let rules = nsg.rules(covered.direction);
    let rule = &net[covered.rule];
    let name = rule.meta.display_name();
    let access = covered.access;
    let opposite = opposite_of(access);
    let uniform = covered.deciders.iter().all(|d| d.access == access)
        || covered.deciders.iter().all(|d| d.access == opposite);
    let listed = list(net, rules, &covered.deciders, !uniform);
    let head = format!("{} rule `{name}` of NSG `{nsg_name}`", covered.direction);
    let message = match covered.kind {
        CoverKind::Shadowed if uniform => format!(
            "{head} never takes effect: every packet it would {access} is {} earlier by {listed}; give it a lower priority number than those rules if its {access} is intended, or remove it",
            past(opposite),
        ),
        CoverKind::Shadowed => format!(
            "{head} never takes effect: every packet it would {access} is decided earlier by {listed}, and some of them are {}; give it a lower priority number than those rules if its {access} is intended, or remove it",
            past(opposite),
        ),
        CoverKind::Redundant => format!(
            "{head} is redundant: every packet it would {access} is already {} earlier by {listed}; remove it, or narrow the earlier rules if this one states the intent",
            past(access),
        ),
    };
    let primary_message = match covered.kind {
        CoverKind::Shadowed => "this rule never takes effect",
        CoverKind::Redundant => "this rule is redundant",
    };
    let mut finding = check.finding(message, name_label(&rule.meta, primary_message));
    let single = covered.deciders.len() == 1;
    for decision in &covered.deciders {
        let RuleRef::Custom(id) = decision.rule else {
            continue;
        };
        let earlier = &net[id];
        let what = if single {
            "these packets"
        } else {
            "part of them"
        };
        finding = finding.with_secondary(name_label(
            &earlier.meta,
            format!(
                "{} {what} first (priority {})",
                verb(decision.access),
                priority(rules, decision)
            ),
        ));
    }
    if let Some(decision) = covered
        .deciders
        .iter()
        .find(|d| d.packets.contains(&covered.witness))
    {
        // The NSG's own first host reads better than the lowest address of `*`, when the same
        // rule decides it.
        let hinted = Packet {
            dst: destination,
            ..covered.witness
        };
        let witness = if decision.packets.contains(&hinted) {
            hinted
        } else {
            covered.witness
        };
        finding = finding.with_note(format!(
            "for example, packet {witness} matches `{name}` but is {} first by {}",
            past(decision.access),
            describe(net, rules, decision),
        ));
    }
    for &index in &covered.may_decide_first {
        let Some(RuleRef::Custom(id)) = rules.get(index).map(|r| r.rule) else {
            continue;
        };
        finding = finding.with_note(format!(
            "rule `{}` (priority {}) has values vnetlint cannot resolve and may decide some of these packets before the rules named here",
            net[id].meta.display_name(),
            rules[index].priority,
        ));
    }
    finding
        .with_address(rule.meta.address.clone())
        .with_fingerprint_key(rule.meta.address.clone())
}

/// `` `a` (priority 100) ``, `` `a` (priority 100) and `b` (priority 110) ``, …; with the access
/// of each rule when they differ. Long lists name the first three (the labels show all).
fn list(
    net: &Network,
    rules: &[vnetlint_engine::CompiledRule],
    deciders: &[Decision],
    with_access: bool,
) -> String {
    const NAMED: usize = 3;
    let items: Vec<String> = deciders
        .iter()
        .map(|d| {
            if with_access {
                format!(
                    "{} (priority {}, {})",
                    name_of(net, d.rule),
                    priority(rules, d),
                    d.access
                )
            } else {
                describe(net, rules, d)
            }
        })
        .collect();
    let mut text = String::new();
    let shown = if items.len() > NAMED + 1 {
        NAMED
    } else {
        items.len()
    };
    for (i, item) in items[..shown].iter().enumerate() {
        if i > 0 {
            text.push_str(if i + 1 == shown && shown == items.len() {
                " and "
            } else {
                ", "
            });
        }
        text.push_str(item);
    }
    if shown < items.len() {
        let _ = write!(text, " and {} more rules", items.len() - shown);
    }
    text
}

/// `` `a` (priority 100) ``.
fn describe(net: &Network, rules: &[vnetlint_engine::CompiledRule], decision: &Decision) -> String {
    format!(
        "{} (priority {})",
        name_of(net, decision.rule),
        priority(rules, decision)
    )
}

fn name_of(net: &Network, rule: RuleRef) -> String {
    match rule {
        RuleRef::Custom(id) => format!("`{}`", net[id].meta.display_name()),
        RuleRef::Default(rule) => format!("default rule `{}`", rule.name()),
    }
}

fn priority(rules: &[vnetlint_engine::CompiledRule], decision: &Decision) -> u32 {
    rules.get(decision.rule_index).map_or(0, |r| r.priority)
}

fn opposite_of(access: Access) -> Access {
    match access {
        Access::Allow => Access::Deny,
        Access::Deny => Access::Allow,
    }
}

fn verb(access: Access) -> &'static str {
    match access {
        Access::Allow => "allows",
        Access::Deny => "denies",
    }
}
