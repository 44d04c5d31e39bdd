//! Hover on a security rule: what the rule effectively allows (or denies) once the rules its
//! NSG evaluates before it have taken their share, and which rules take the rest.
//!
//! The rule's match set is partitioned by first match ([`CompiledNsg::decide`]); the part the
//! rule itself decides is its effect, the other parts name the earlier rules. For a rule with
//! unresolved values the upper bound is shown (what it may match), with the reason.

use std::fmt::Write as _;
use std::path::Path;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use vnetlint_engine::{
    Access, AddrSet, CompiledNsg, Cube, Mode, PortSet, RuleRef, StructuralTag, TagContext,
    compile_nsg,
};
use vnetlint_ir::{Network, RuleId, Val};

use crate::unit::{AnalyzedDir, offset_of};

/// At most this many parts of a packet set are listed; the rest are counted.
const MAX_CUBES: usize = 6;
/// At most this many prefixes of an address set are listed.
const MAX_PREFIXES: usize = 4;

pub(crate) fn hover(unit: &AnalyzedDir, path: &Path, position: Position) -> Option<Hover> {
    let file = unit.file_at(path)?;
    let offset = offset_of(unit.source(file)?, position);
    // The innermost rule whose element contains the position.
    let (network, rule_id) = unit
        .analyzed
        .networks
        .iter()
        .flat_map(|network| {
            network
                .security_rules
                .iter()
                .enumerate()
                .map(move |(i, rule)| (network, i, rule))
        })
        .filter(|(_, _, rule)| {
            rule.meta.span.file == file
                && rule.meta.span.range.start <= offset
                && offset <= rule.meta.span.range.end
        })
        .min_by_key(|(_, _, rule)| rule.meta.span.range.len())
        .map(|(network, i, _)| (network, RuleId(u32::try_from(i).unwrap_or(u32::MAX))))?;
    let rule = network.security_rules.get(rule_id.index())?;
    let text = describe(network, rule_id);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: unit.range(rule.meta.span),
    })
}

/// The hover text of one rule, in Markdown.
fn describe(network: &Network, rule_id: RuleId) -> String {
    let rule = &network.security_rules[rule_id.index()];
    let mut out = format!("**security rule `{}`**", rule.meta.display_name());
    let nsg = match rule.nsg.as_ref().map(|a| &a.value) {
        Some(Val::Known(nsg)) if nsg.index() < network.nsgs.len() => *nsg,
        _ => {
            new_section(&mut out);
            out.push_str("Its network security group is not known in the analyzed files, so what it allows cannot be worked out.");
            return out;
        }
    };
    let tags = TagContext::for_nsg(network, nsg);
    let compiled = compile_nsg(network, nsg, &tags);
    let _ = write!(
        out,
        " of NSG `{}`",
        network.nsgs[nsg.index()].meta.display_name()
    );
    if compiled.excluded.contains(&rule_id) {
        new_section(&mut out);
        out.push_str("Azure would reject this rule as written (see its diagnostics), so it is left out of the evaluation.");
        return out;
    }
    if network.nsgs[nsg.index()].is_stand_in() {
        new_section(&mut out);
        out.push_str("The NSG is defined outside the analyzed files: the rule is judged on a stand-in holding Azure's default rules and the rules these files add to it.");
    }
    let readings: Vec<&str> = compiled
        .problems
        .iter()
        .filter(|p| p.rule == rule_id)
        .filter_map(|p| p.reading.phrase())
        .collect();
    if !readings.is_empty() {
        new_section(&mut out);
        let _ = write!(
            out,
            "Azure or Terraform rejects this rule as written (see its diagnostics); what follows holds once it is accepted as written: vnetlint evaluates it {}.",
            readings.join("; ")
        );
    }
    if let Some((_, uncertainty)) = compiled.unplaced.iter().find(|(id, _)| *id == rule_id) {
        new_section(&mut out);
        let _ = write!(
            out,
            "Its direction or access is not known ({}), so it cannot be placed among the NSG's rules.",
            uncertainty_text(uncertainty)
        );
        return out;
    }
    let Some((direction, index)) = position_in(&compiled, rule_id) else {
        new_section(&mut out);
        out.push_str("The rule is not part of the NSG's evaluation.");
        return out;
    };
    let rules = compiled.rules(direction);
    let compiled_rule = &rules[index];
    let access = compiled_rule.access;
    let _ = write!(
        out,
        " · {} · priority {} · {}",
        direction.name(),
        compiled_rule.priority,
        access.name()
    );
    // Show the most the rule may do: allow rules at their upper bound (May), deny rules at
    // theirs (Must treats deny rules by their upper bound).
    let mode = match access {
        Access::Allow => Mode::May,
        Access::Deny => Mode::Must,
    };
    let decisions = compiled.decide(direction, &compiled_rule.matches.upper, mode);
    let verb = match access {
        Access::Allow => "allows",
        Access::Deny => "denies",
    };
    let own = decisions.iter().find(|d| d.rule_index == index);
    if let Some(decision) = own {
        new_section(&mut out);
        let _ = writeln!(
            out,
            "Effectively {verb}, after the rules evaluated before it:"
        );
        write_cubes(&mut out, decision.packets.cubes(), &tags);
    } else {
        new_section(&mut out);
        let _ = write!(
            out,
            "Effectively {verb} nothing: every packet it matches is decided by a rule evaluated before it."
        );
    }
    let earlier: Vec<_> = decisions.iter().filter(|d| d.rule_index < index).collect();
    if !earlier.is_empty() {
        new_section(&mut out);
        out.push_str("Decided before it:\n");
        for decision in earlier {
            let _ = writeln!(
                out,
                "- by {} ({}):",
                rule_ref_text(network, decision.rule),
                decision.access
            );
            let mut nested = String::new();
            write_cubes(&mut nested, decision.packets.cubes(), &tags);
            for line in nested.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if !compiled_rule.uncertain.is_empty() {
        new_section(&mut out);
        out.push_str(
            "Some of its values are not known statically, so this is the most it may match:\n",
        );
        for uncertainty in &compiled_rule.uncertain {
            let _ = writeln!(out, "- {}", uncertainty_text(uncertainty));
        }
    }
    if tags.stand_in {
        new_section(&mut out);
        out.push_str("The NSG is attached nowhere in the analyzed files; `VirtualNetwork` is taken as the private address ranges.");
    }
    out.truncate(out.trim_end().len());
    out
}

/// Ends the text so far with exactly one blank line, whatever the last part ended with.
fn new_section(out: &mut String) {
    out.truncate(out.trim_end().len());
    out.push_str("\n\n");
}

fn position_in(
    compiled: &CompiledNsg,
    rule_id: RuleId,
) -> Option<(vnetlint_engine::Direction, usize)> {
    [
        vnetlint_engine::Direction::Inbound,
        vnetlint_engine::Direction::Outbound,
    ]
    .into_iter()
    .find_map(|direction| {
        compiled
            .rules(direction)
            .iter()
            .position(|r| r.rule == RuleRef::Custom(rule_id))
            .map(|index| (direction, index))
    })
}

fn rule_ref_text(network: &Network, rule: RuleRef) -> String {
    format!("`{}`", rule.describe(network))
}

fn uncertainty_text(uncertainty: &vnetlint_engine::Uncertainty) -> String {
    match uncertainty {
        vnetlint_engine::Uncertainty::Unresolved { reason, .. } => reason.clone(),
        vnetlint_engine::Uncertainty::TagContents { tag, .. } => {
            format!("the prefixes of service tag `{tag}` are not known offline")
        }
    }
}

fn write_cubes(out: &mut String, cubes: &[Cube], tags: &TagContext) {
    for cube in cubes.iter().take(MAX_CUBES) {
        let ports = cube
            .protocols
            .iter()
            .any(vnetlint_engine::Protocol::has_ports);
        // Source ports are almost always any; they are named only when restricted.
        let src_ports = if ports && !cube.src_ports.is_all() {
            format!(" port {}", ports_text(&cube.src_ports))
        } else {
            String::new()
        };
        let dst_ports = if ports {
            format!(", port {}", ports_text(&cube.dst_ports))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "- `{}` from {}{src_ports} to {}{dst_ports}",
            cube.protocols,
            addresses_text(&cube.src, tags),
            addresses_text(&cube.dst, tags),
        );
    }
    if cubes.len() > MAX_CUBES {
        let _ = writeln!(out, "- and {} more parts", cubes.len() - MAX_CUBES);
    }
}

/// An address set by the tag it equals when it does, else its prefixes (the first few).
fn addresses_text(set: &AddrSet, tags: &TagContext) -> String {
    if set.is_all() {
        return "any address".to_owned();
    }
    let internet = tags.internet();
    if *set == internet {
        return "`Internet`".to_owned();
    }
    let virtual_network = StructuralTag::VirtualNetwork.expand(tags);
    if *set == virtual_network {
        return "`VirtualNetwork`".to_owned();
    }
    if set.is_subset(&internet) && internet.subtract(set).to_cidrs().len() <= MAX_PREFIXES {
        let rest = internet.subtract(set).to_cidrs();
        return format!("`Internet` except {}", code_list(&rest));
    }
    let outside = AddrSet::all().subtract(set).to_cidrs();
    if outside.len() <= MAX_PREFIXES {
        return format!("any address except {}", code_list(&outside));
    }
    let prefixes = set.to_cidrs();
    if prefixes.len() > MAX_PREFIXES {
        format!(
            "{} and {} more prefixes",
            code_list(&prefixes[..MAX_PREFIXES]),
            prefixes.len() - MAX_PREFIXES
        )
    } else {
        code_list(&prefixes)
    }
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ports_text(ports: &PortSet) -> String {
    if ports.is_all() {
        return "any".to_owned();
    }
    ports
        .ranges()
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
