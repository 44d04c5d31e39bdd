//! Exposure through Azure Firewall DNAT rules (routing spec §5, §10 case 9), shared by VNL101
//! and VNL102: a NAT rule that takes broad Internet sources and whose translated packets reach
//! a port of the check's classes is an exposure with an entry point (the firewall's public IP),
//! reported at the NAT rule with the NSG rules on the translated path related.
//!
//! Why here and not in the NSG fold: the NSGs see the translated packet, whose source is the
//! firewall's subnet (`VirtualNetwork`), so no NSG rule admits "the Internet"; the firewall is
//! where the Internet gets in.

use vnetlint_diagnostics::{Finding, Label, Level};
use vnetlint_engine::{
    AddrSet, CompiledFirewall, Cube, PacketSet, PortSet, Protocol, ProtocolSet, StepKind,
    TagContext,
};
use vnetlint_ir::FirewallId;

use crate::analysis::broad_sources::is_broad;
use crate::analysis::port_exposure::PortClass;
use crate::context::Context;
use crate::declare::Check;

/// Reports the NAT rules through which the Internet reaches a port of `classes`.
pub(crate) fn report_dnat_exposure(
    ctx: &Context<'_>,
    check: &Check,
    classes: &[PortClass<'_>],
    why: &str,
    out: &mut Vec<Finding>,
) {
    let net = ctx.network;
    let topo = &ctx.topology;
    let query = PacketSet::from_cube(Cube {
        src: TagContext::stand_in().internet_hosts(),
        dst: TagContext::stand_in().internet(),
        protocols: ProtocolSet::of(&[Protocol::Tcp, Protocol::Udp]),
        src_ports: PortSet::all(),
        dst_ports: PortSet::all(),
    });
    for index in 0..net.firewalls.len() {
        let id = FirewallId(u32::try_from(index).unwrap_or(u32::MAX));
        let compiled = topo
            .compiled_firewall(id)
            .cloned()
            .unwrap_or_else(|| CompiledFirewall::compile(net, id));
        for entry in topo.dnat_entries(&compiled, &query) {
            let Some((address, port)) = entry.rule.translated else {
                continue;
            };
            let hit: Vec<&PortClass<'_>> = classes
                .iter()
                .filter(|c| c.ports.iter().any(|&(lo, hi)| lo <= port && port <= hi))
                .collect();
            if hit.is_empty() || entry.may_allow.is_empty() {
                continue;
            }
            let sources = entry
                .may_allow
                .cubes()
                .iter()
                .fold(AddrSet::empty(), |a, c| a.union(&c.src));
            if !is_broad(&sources, ctx.config.broad_sources) {
                continue;
            }
            let frontend = entry
                .may_allow
                .cubes()
                .iter()
                .fold(PortSet::empty(), |a, c| a.union(&c.dst_ports));
            let fw = &net.firewalls[index];
            let what: Vec<String> = hit.iter().map(|c| c.describe()).collect();
            let message = format!(
                "the NAT rule `{}` of firewall `{}` lets the Internet reach {} on {address}:{port} through the firewall's public IP (frontend port {frontend}); the translated packets come from the firewall's subnet, so NSGs that admit `VirtualNetwork` let them in: {why}; narrow the rule's source addresses to known addresses, or reach the service through Azure Bastion or a VPN",
                entry.rule.address,
                fw.meta.display_name(),
                what.join(" and "),
            );
            let primary = Label::new(entry.rule.span, "this DNAT rule admits the Internet")
                .with_address(entry.rule.address.clone());
            let mut finding = check
                .finding(message, primary)
                .with_address(entry.rule.address.clone())
                .with_fingerprint_key(format!("dnat:{port}"));
            finding.level = if entry.allowed.is_empty() {
                // Only possibly: an unresolved value or a may-match decides it.
                Level::Warning
            } else {
                check.default_level
            };
            if let Some(packet) = entry.may_allow.witness(&[]) {
                let (steps, _) = topo.trace_dnat(&compiled, &packet);
                let mut note = format!("packet Internet {packet}");
                for step in &steps {
                    if let (StepKind::Nsg, Some(span)) = (step.kind, step.span) {
                        finding = finding.with_secondary(Label::new(
                            span,
                            "the translated packet passes this NSG rule",
                        ));
                    }
                    note.push_str(", then ");
                    note.push_str(&step.text);
                }
                finding = finding.with_note(note);
            }
            out.push(finding);
        }
    }
}
