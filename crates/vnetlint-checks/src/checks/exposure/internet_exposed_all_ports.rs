//! VNL103: an NSG lets the Internet reach every TCP port (or every protocol) of some host.

use std::collections::BTreeMap;

use vnetlint_diagnostics::{Finding, Level};
use vnetlint_engine::{
    Access, AddrSet, Cube, Direction, Mode, Packet, PacketSet, Protocol, ProtocolSet, RuleRef,
    open_pairs,
};
use vnetlint_ir::RuleId;

use super::outside_note;
use crate::Context;
use crate::analysis::broad_sources::{self, is_broad};
use crate::analysis::port_exposure::{Unit, units};
use crate::declare::declare_check;
use crate::finding::{name_label, name_span};

declare_check! {
    /// The Internet can reach every TCP port, or every protocol, of a host through a network security group.
    ///
    /// ## What it does
    /// Computes, over all packets, the Internet traffic each network security group allows
    /// inbound, and reports when some Internet source can reach some destination on all 65,536
    /// TCP ports, whether one rule allows it (`destination_port_range = "*"`) or several rules
    /// together do (`0-30000` in one, `30001-65535` in another). When UDP and ICMP are open as
    /// well the message says every protocol is open. The finding points at the first rule, by
    /// priority, that allows part of that traffic, and lists the others.
    ///
    /// Only broad sources count: the public sources that reach every port through a rule must
    /// be more than 65,536 addresses (wider than a /16; `*`, `Internet` and `0.0.0.0/0` are), so
    /// an allow-all rule for one administrator's address is not reported. A source in the
    /// `AzureCloud` tag, whose contents vnetlint cannot know offline, is reported by VNL101 and
    /// VNL102 for the ports they watch, not here.
    ///
    /// ## Why is this bad?
    /// An allow-all rule turns the NSG off: every service on the host, including ones started
    /// later or by accident, is reachable from the Internet.
    ///
    /// ## Example
    /// ```hcl,expect=VNL103+VNL101+VNL102
    /// resource "azurerm_network_security_group" "open" {
    ///   name                = "nsg-open"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-all"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "*"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "*"
    ///     source_address_prefix      = "0.0.0.0/0"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Allow only the ports the service needs:
    /// ```hcl
    /// resource "azurerm_network_security_group" "open" {
    ///   name                = "nsg-web"
    ///   location            = "westeurope"
    ///   resource_group_name = "rg"
    ///
    ///   security_rule {
    ///     name                       = "allow-https"
    ///     priority                   = 100
    ///     direction                  = "Inbound"
    ///     access                     = "Allow"
    ///     protocol                   = "Tcp"
    ///     source_port_range          = "*"
    ///     destination_port_range     = "443"
    ///     source_address_prefix      = "Internet"
    ///     destination_address_prefix = "*"
    ///   }
    /// }
    /// ```
    ///
    /// ## Path and level
    /// Destinations and levels are those of VNL101: every NSG on the inbound path must allow
    /// the traffic; **error** when a public IP leads to the destination, **warning** otherwise.
    ///
    /// ## Options
    /// `[exposure] broad_sources = 65536` in `vnetlint.toml` sets how many public source
    /// addresses must reach every port for the finding (default 65,536: wider than a /16).
    ///
    /// ## References
    /// - [Network security group rules](https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules)
    pub static INTERNET_EXPOSED_ALL_PORTS = {
        code: "VNL103",
        name: "internet-exposed-all-ports",
        level: Error,
        tags: ["security", "network", "exposure"],
        precision: "very-high",
        security_severity: Some(9.1),
        run: run,
    };
}

fn run(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let net = ctx.network;
    // One finding per first-NSG rule, over all destinations.
    let mut reported: BTreeMap<RuleId, Finding> = BTreeMap::new();
    for unit in units(ctx) {
        let tcp = Protocol::Tcp;
        let query = PacketSet::from_cube(Cube {
            src: unit.internet.clone(),
            dst: unit.destination.clone(),
            protocols: ProtocolSet::of(&[tcp]),
            ..Cube::all()
        });
        let allowed = unit.allowed(&query, Mode::Must);
        if allowed.is_empty() {
            continue;
        }
        // The (source, destination) pairs with some TCP port NOT allowed are the projection of
        // the denied part onto addresses; every other pair of the query has all ports open.
        let fully_open = open_pairs(&query, &allowed, ProtocolSet::of(&[tcp]));
        let Some(fully_open) = broad_part(ctx, &unit, fully_open) else {
            continue;
        };
        let hint = Packet {
            protocol: tcp,
            src: "203.0.113.1".parse().expect("literal address"),
            src_port: 49152,
            dst: unit.sample_destination(),
            dst_port: 0,
        };
        let Some(witness) = fully_open.witness(&[hint]) else {
            continue;
        };
        // Which rules of the first NSG open the ports of that one pair, in priority order.
        let pair = PacketSet::from_cube(Cube {
            src: AddrSet::from_ip(witness.src),
            dst: AddrSet::from_ip(witness.dst),
            ..Cube::all()
        });
        let pair_allowed = unit.allowed(&pair, Mode::Must);
        let (first_nsg, first) = unit.hops[0];
        let decisions = first.decide(Direction::Inbound, &pair_allowed, Mode::Must);
        let rules: Vec<RuleId> = decisions
            .iter()
            .filter_map(|d| match (d.access, d.rule) {
                (Access::Allow, RuleRef::Custom(rule)) => Some(rule),
                _ => None,
            })
            .collect();
        let Some(&first_rule) = rules.first() else {
            continue;
        };
        if reported.contains_key(&first_rule) {
            continue;
        }
        let every_protocol = pair.subtract(&pair_allowed).is_empty();
        let rule = &net[first_rule];
        let what = if every_protocol {
            "every protocol and port"
        } else {
            "every TCP port"
        };
        let outside = outside_note(&net[first_nsg]);
        let (level, entry) = match unit.public_ip.filter(|_| outside.is_none()) {
            Some(pip) => (
                Level::Error,
                format!("public IP `{}` leads there", net[pip].meta.display_name()),
            ),
            None => (
                Level::Warning,
                "no public IP leads there in the scanned templates, so the exposure is latent"
                    .to_owned(),
            ),
        };
        let message = format!(
            "NSG `{}` lets the Internet reach {what} of `{}` on `{}` through rule `{}` ({entry}): every service on the host, present or future, is exposed; allow only the ports the service needs",
            net[first_nsg].meta.display_name(),
            witness.dst,
            unit.label,
            rule.meta.display_name(),
        );
        let span = name_span(&rule.meta);
        let finding = INTERNET_EXPOSED_ALL_PORTS
            .finding_at(&rule.meta, span, "this rule opens all ports", message)
            .with_fingerprint_key(what);
        let mut finding = Finding { level, ..finding };
        for &other in &rules[1..] {
            let rest = name_label(&net[other].meta, "this rule opens the rest");
            finding = finding.with_secondary(rest);
        }
        finding = finding.with_note(format!(
            "packets Internet {} -> {} on tcp/0-65535 are all allowed",
            witness.src, witness.dst
        ));
        if let Some(note) = outside {
            finding = finding.with_note(note);
        }
        reported.insert(first_rule, finding);
    }
    out.extend(reported.into_values());
}

/// The part of `fully_open` (the TCP packets of the destination's fully open source and
/// destination pairs) that rules with broad public sources let through the first NSG, with the
/// sources those rules do not share with narrow ones, so that the witness, and the rule
/// reported for it, is one with broad sources; `None` when no such rule opens every port (a
/// named administrator's range that may reach every port is no Internet exposure).
fn broad_part(ctx: &Context<'_>, unit: &Unit<'_>, fully_open: PacketSet) -> Option<PacketSet> {
    let threshold = ctx.config.broad_sources;
    let (mut broad, mut narrow) = (PacketSet::empty(), AddrSet::empty());
    for decision in unit.hops[0]
        .1
        .decide(Direction::Inbound, &fully_open, Mode::Must)
    {
        if decision.access != Access::Allow {
            continue;
        }
        let sources = broad_sources::sources(&decision.packets);
        if is_broad(&sources, threshold) {
            broad = broad.union(&decision.packets);
        } else {
            narrow = narrow.union(&sources);
        }
    }
    if broad.is_empty() {
        return None;
    }
    if narrow.is_empty() {
        // Every source is broad: the whole set, as before there were narrow ones to set apart.
        return Some(fully_open);
    }
    let apart = broad.intersect(&PacketSet::from_cube(Cube {
        src: narrow.complement(),
        ..Cube::all()
    }));
    Some(if apart.is_empty() { broad } else { apart })
}
