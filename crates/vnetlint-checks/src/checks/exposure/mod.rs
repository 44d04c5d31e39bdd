//! What the Internet can reach through an NSG (VNL1xx): the findings of the exposure query
//! (`analysis::port_exposure`) that VNL101 and VNL102 share.
//!
//! The finding is reported at the rule that lets the traffic through the first NSG on the
//! path, with the rules of the later NSGs as related locations, when the public sources that
//! rule lets through are broad (`analysis::broad_sources`): a named administrator's range is
//! what the finding recommends, not an exposure. The level says how real the exposure is:
//! `error` when a public IP leads to the destination, `warning` when the NSGs admit Internet
//! traffic but no public entry point is declared in the scanned templates (latent: it opens as
//! soon as one is attached), or when the rule's NSG is defined outside the scanned files and
//! judged on a stand-in (its own rules may deny the traffic). What hinges on unresolved values
//! is VNL002. A security admin `AlwaysAllow` rule that lets broad Internet sources through,
//! whatever the NSGs say, is reported at the admin rule.

mod dnat;
pub(crate) mod internet_exposed_all_ports;
pub(crate) mod internet_exposed_data_port;
pub(crate) mod internet_exposed_management_port;

use std::fmt::Write as _;

use vnetlint_diagnostics::{Finding, Level};
use vnetlint_ir::{Attr, Network, Nsg, NsgOrigin, RuleId, SecurityRule, Span};

use vnetlint_engine::{PortSet, Protocol, ProtocolSet, Traffic};

use crate::analysis::broad_sources::is_broad;
use crate::analysis::port_exposure::{Exposure, PortClass, PortExposure, port_exposure};
use crate::checks::frontend::unresolved_value::unresolved_in_rule;
use crate::config::Config;
use crate::context::Context;
use crate::declare::Check;
use crate::finding::{label, name_label};

/// What a port-exposure check looks for: its classes of ports, the class of the ports the user
/// adds in `vnetlint.toml` (`[ports]`), and what the exposure risks.
pub(crate) struct ExposedPorts {
    pub classes: &'static [PortClass<'static>],
    /// The label of the configured class.
    pub configured_label: &'static str,
    /// Where the configuration lists its ports.
    pub configured: fn(&Config) -> &[(u16, u16)],
    /// Why the exposure matters, for the message.
    pub why: &'static str,
}

/// Reports, per custom rule, the classes of `ports` it lets Internet hosts reach.
pub(crate) fn report_port_exposure(
    ctx: &Context<'_>,
    check: &Check,
    ports: &ExposedPorts,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    let mut classes = ports.classes.to_vec();
    let configured = (ports.configured)(ctx.config);
    if !configured.is_empty() {
        classes.push(PortClass::new(ports.configured_label, configured));
    }
    let PortExposure {
        exposed,
        unresolved,
        admin_exposed,
        default_exposed,
    } = port_exposure(ctx, &classes);
    // Only where an entry point really brings the Internet in: a latent exposure through a
    // widened `VirtualNetwork` is the normal state of every spoke that routes 0.0.0.0/0 to a
    // hub firewall, and its NSGs' authors mean the VNet by it.
    for (nsg, exposure) in default_exposed {
        if is_broad(&exposure.sources, ctx.config.broad_sources)
            && !exposure.public.is_empty()
            && broken_entry(ctx, &exposure).is_none()
        {
            out.push(default_exposure_finding(
                net, check, nsg, &exposure, ports.why,
            ));
        }
    }
    for (rule, exposure) in admin_exposed {
        if is_broad(&exposure.sources, ctx.config.broad_sources) {
            out.push(admin_exposure_finding(
                net, check, rule, &exposure, ports.why,
            ));
        }
    }
    for (rule_id, exposure) in exposed {
        if exposure.any_tenant || is_broad(&exposure.sources, ctx.config.broad_sources) {
            let mut finding = exposure_finding(net, check, rule_id, &exposure, ports.why);
            if finding.level == Level::Error
                && let Some(note) = broken_entry(ctx, &exposure)
            {
                finding.level = Level::Warning;
                finding = finding.with_note(note);
            }
            out.push(finding);
        }
    }
    dnat::report_dnat_exposure(ctx, check, &classes, ports.why, out);
    for (span, value) in unresolved {
        let rule = &net[value.rule];
        let what: Vec<String> = value.classes.iter().map(|c| c.describe()).collect();
        let message = format!(
            "whether the Internet can reach {} through rule `{}` of NSG `{}` depends on a value vnetlint cannot resolve ({}); give it a value in the scanned files so the exposure can be judged",
            what.join(" and "),
            rule.meta.display_name(),
            net[value.nsg].meta.display_name(),
            value.reason,
        );
        out.push(unresolved_in_rule(check, span, &rule.meta, message, None));
    }
}

fn exposure_finding(
    net: &Network,
    check: &Check,
    rule_id: RuleId,
    exposure: &Exposure<'_>,
    why: &str,
) -> Finding {
    let rule = &net[rule_id];
    let nsg = exposure.nsg.map(|n| &net[n]);
    let nsg_name = nsg.map_or("?", |n| n.meta.display_name());
    let destinations = quoted(exposure.destinations.iter().cloned());
    let outside = nsg.and_then(outside_note);
    let (level, entry) = if exposure.public.is_empty() || outside.is_some() {
        (
            Level::Warning,
            "no public IP leads there in the scanned templates, so the exposure is latent and opens as soon as one is attached".to_owned(),
        )
    } else {
        let ips = quoted(
            exposure
                .public
                .iter()
                .map(|&p| net[p].meta.display_name().to_owned()),
        );
        let through: Vec<&str> = exposure.lb_entries.iter().map(String::as_str).collect();
        let by = if through.is_empty() {
            String::new()
        } else {
            format!(" through {}", through.join(", "))
        };
        (Level::Error, format!("public IP {ips} leads there{by}"))
    };
    let message = format!(
        "rule `{}` of NSG `{nsg_name}` lets the Internet reach {} on {} ({entry}): {why}; narrow the source to known addresses or `VirtualNetwork`, or put a deny with a lower priority number in front of it",
        rule.meta.display_name(),
        exposure.describe(),
        destinations,
    );
    let port = exposure.witness.as_ref().map(|p| p.dst_port);
    let allows = "this rule allows it";
    let primary = port.and_then(|p| port_attribute(rule, p)).map_or_else(
        || name_label(&rule.meta, allows),
        |span| label(&rule.meta, span, allows),
    );
    let flow_step = name_label(
        &rule.meta,
        format!("the Internet packet passes NSG `{nsg_name}` by this rule"),
    );
    let classes: Vec<&str> = exposure.classes.iter().map(|(c, _)| c.label).collect();
    let finding = check
        .finding(message, primary)
        .with_flow_step(flow_step)
        .with_address(rule.meta.address.clone())
        .with_fingerprint_key(classes.join("+"));
    let mut finding = Finding { level, ..finding };
    if let Some(src) = rule.source_address_prefix.as_ref() {
        finding =
            finding.with_secondary(label(&rule.meta, src.span, "Internet sources match here"));
    }
    if let Some(nsg) = nsg
        && let Some(name) = &nsg.meta.name
    {
        finding = finding.with_secondary(label(
            &nsg.meta,
            name.span,
            "in this network security group",
        ));
    }
    for &later in &exposure.later {
        let other = &net[later].meta;
        finding = finding
            .with_secondary(name_label(
                other,
                "and this rule lets it through the next NSG",
            ))
            .with_flow_step(name_label(other, "then passes the next NSG by this rule"));
    }
    for &pip in &exposure.public {
        finding = finding.with_secondary(name_label(&net[pip].meta, "the public entry point"));
    }
    if let Some(packet) = &exposure.witness {
        let mut note = format!(
            "packet Internet {packet} is allowed by rule \"{}\"{} of NSG `{nsg_name}`",
            rule.meta.display_name(),
            priority_suffix(rule),
        );
        for &later in &exposure.later {
            let other = &net[later];
            let _ = write!(
                note,
                ", then by rule \"{}\"{}",
                other.meta.display_name(),
                priority_suffix(other),
            );
        }
        finding = finding.with_note(note);
    }
    if exposure.stand_in {
        finding = finding.with_note(
            "the NSG is attached nowhere in the scanned files, so it is judged on its own rules with `VirtualNetwork` taken as the private address ranges",
        );
    }
    if let Some(note) = outside {
        finding = finding.with_note(note);
    }
    finding
}

/// `nic-a`, `nic-b` (the destinations reached) and `` `pip-a` `` (the public IPs leading
/// there), for messages.
fn quoted(names: impl Iterator<Item = String>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An exposure the NSG rules are not the cause of, at the element that is: a security admin
/// `AlwaysAllow` rule (the NSGs are never consulted for those packets, routing spec §7, edge
/// case 11) or the default rule `AllowVnetInBound` of an NSG whose `VirtualNetwork` the
/// subnet's user routes widen to Internet addresses (nsg-semantics §2.6 item 5). An error when a
/// public IP leads there, a warning (latent) otherwise.
struct LayerExposure<'a> {
    meta: &'a vnetlint_ir::Meta,
    /// The message around the shared words: `{who} the Internet {reach} SSH (22) on `nic`
    /// {before} ({entry}){after}: {why}; {fix}`.
    who: String,
    reach: &'static str,
    before: &'static str,
    after: &'static str,
    /// What the message recommends.
    fix: &'static str,
    label: &'static str,
    fingerprint: String,
    /// The witness's note, after `packet Internet {packet} `.
    by: String,
}

fn layer_exposure_finding(
    net: &Network,
    check: &Check,
    layer: LayerExposure<'_>,
    exposure: &Exposure<'_>,
    why: &str,
) -> Finding {
    let (level, entry) = if exposure.public.is_empty() {
        (
            Level::Warning,
            "no public IP leads there in the scanned templates, so the exposure is latent"
                .to_owned(),
        )
    } else {
        let ips = quoted(
            exposure
                .public
                .iter()
                .map(|&p| net[p].meta.display_name().to_owned()),
        );
        (Level::Error, format!("public IP {ips} leads there"))
    };
    let message = format!(
        "{} the Internet {} {} on {}{} ({entry}){}: {why}; {}",
        layer.who,
        layer.reach,
        exposure.describe(),
        quoted(exposure.destinations.iter().cloned()),
        layer.before,
        layer.after,
        layer.fix,
    );
    let finding = check
        .finding(message, name_label(layer.meta, layer.label))
        .with_address(layer.meta.address.clone())
        .with_fingerprint_key(layer.fingerprint);
    let mut finding = Finding { level, ..finding };
    for &pip in &exposure.public {
        finding = finding.with_secondary(name_label(&net[pip].meta, "the public entry point"));
    }
    if let Some(packet) = &exposure.witness {
        finding = finding.with_note(format!("packet Internet {packet} {}", layer.by));
    }
    finding
}

fn classes_key(exposure: &Exposure<'_>) -> String {
    let classes: Vec<&str> = exposure.classes.iter().map(|(c, _)| c.label).collect();
    classes.join("+")
}

/// An `AlwaysAllow` admin rule's exposure, at the admin rule.
fn admin_exposure_finding(
    net: &Network,
    check: &Check,
    rule_id: vnetlint_ir::AdminRuleId,
    exposure: &Exposure<'_>,
    why: &str,
) -> Finding {
    let rule = &net.admin_rules[rule_id.index()];
    let name = rule.meta.display_name();
    let layer = LayerExposure {
        meta: &rule.meta,
        who: format!("security admin rule `{name}` always allows"),
        reach: "to reach",
        before: ", whatever their NSGs say",
        after: "",
        fix: "narrow its sources, make it `Allow` so that the NSGs decide, or remove it",
        label: "this admin rule always allows it",
        fingerprint: classes_key(exposure),
        by: format!("is let through by admin rule \"{name}\" before any NSG (AlwaysAllow)"),
    };
    layer_exposure_finding(net, check, layer, exposure, why)
}

/// The exposure of a default `AllowVnetInBound` widened by routes, at the NSG's name (reported
/// only where a public IP really brings the traffic in).
fn default_exposure_finding(
    net: &Network,
    check: &Check,
    nsg_id: vnetlint_ir::NsgId,
    exposure: &Exposure<'_>,
    why: &str,
) -> Finding {
    let nsg = &net[nsg_id];
    let name = nsg.meta.display_name();
    let layer = LayerExposure {
        meta: &nsg.meta,
        who: format!("the default rule `AllowVnetInBound` of NSG `{name}` lets"),
        reach: "reach",
        before: "",
        after: ", because the subnet's user routes make `VirtualNetwork` hold Internet addresses (a 0.0.0.0/0 route makes it every address)",
        fix: "add an inbound rule that denies `Internet` with a priority number below 65000, in front of it",
        label: "its default rule AllowVnetInBound allows it",
        fingerprint: format!("AllowVnetInBound+{}", classes_key(exposure)),
        by: format!(
            "is allowed by default rule \"AllowVnetInBound\" (priority 65000) of NSG `{name}`"
        ),
    };
    layer_exposure_finding(net, check, layer, exposure, why)
}

/// Where routes keep the public entry points from working (the replies of TCP flows go to an
/// appliance that never saw the request, routing spec §6), why: the exposure is then latent —
/// it opens as soon as the route changes — and VNL702 reports the route.
fn broken_entry(ctx: &Context<'_>, exposure: &Exposure<'_>) -> Option<String> {
    let topo = &ctx.topology;
    // Only TCP suffers from an asymmetric return: an exposure of UDP alone (what an admin rule
    // denying TCP leaves, say) is judged one way and stays an error.
    if !topo.routing_active()
        || exposure.public.is_empty()
        || !exposure.protocols.contains(Protocol::Tcp)
    {
        return None;
    }
    let ports = exposure
        .classes
        .iter()
        .fold(PortSet::empty(), |a, (_, p)| a.union(p));
    let traffic = Traffic {
        protocols: ProtocolSet::of(&[Protocol::Tcp, Protocol::Udp]),
        dst_ports: ports,
    };
    let internet = topo.resolve("Internet").ok()?;
    let mut udp_only = false;
    for &pip in &exposure.public {
        let to = topo.resolve(&ctx.network[pip].meta.address).ok()?;
        let result = topo.evaluate_path(&internet, &to, &traffic);
        let protocols = result
            .allowed
            .union(&result.uncertain)
            .cubes()
            .iter()
            .fold(ProtocolSet::empty(), |a, c| a.union(c.protocols));
        if protocols.contains(Protocol::Tcp) {
            return None;
        }
        udp_only |= protocols.contains(Protocol::Udp);
    }
    Some(if udp_only {
        "only UDP gets in through the public IP: the replies of TCP flows follow the subnet's routes to an appliance that never saw the request and drops them (asymmetric route, VNL702); the TCP exposure opens as soon as that route changes".to_owned()
    } else {
        "the replies of TCP flows through the public IP follow the subnet's routes to an appliance that never saw the request and drops them (asymmetric route, VNL702), so the exposure is latent: it opens as soon as that route changes".to_owned()
    })
}

/// For an NSG defined outside the scanned files, what the finding is judged on; the exposure
/// is latent whatever leads to it, since the NSG's own rules may deny the traffic.
pub(crate) fn outside_note(nsg: &Nsg) -> Option<String> {
    let how = match nsg.origin {
        NsgOrigin::Declared => return None,
        NsgOrigin::Existing => "is declared `existing`: it is deployed by other means",
        NsgOrigin::Missing => "is not in the scanned files",
    };
    Some(format!(
        "NSG `{}` {how}, so the rule is judged on a stand-in holding Azure's default rules and the rules the scanned files add to it; the NSG's own rules may deny this traffic, so the exposure is reported as latent",
        nsg.meta.display_name()
    ))
}

/// ` (priority 100)`, or nothing when the priority is not known.
fn priority_suffix(rule: &SecurityRule) -> String {
    rule.priority
        .as_ref()
        .and_then(Attr::get)
        .map_or_else(String::new, |p| format!(" (priority {p})"))
}

/// The destination port attribute (or list element) whose value contains `port`.
fn port_attribute(rule: &SecurityRule, port: u16) -> Option<Span> {
    if let Some(attr) = &rule.destination_port_range
        && attr
            .get()
            .is_some_and(|text| port_text_contains(text, port))
    {
        return Some(attr.span);
    }
    if let Some(list) = &rule.destination_port_ranges {
        if let Some(items) = list.get() {
            for item in items {
                if item
                    .get()
                    .is_some_and(|text| port_text_contains(text, port))
                {
                    return Some(item.span);
                }
            }
        }
        return Some(list.span);
    }
    rule.destination_port_range.as_ref().map(|a| a.span)
}

fn port_text_contains(text: &str, port: u16) -> bool {
    let text = text.trim();
    if text == "*" {
        return true;
    }
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
        (Ok(lo), Ok(hi)) => lo <= port && port <= hi,
        _ => false,
    }
}
