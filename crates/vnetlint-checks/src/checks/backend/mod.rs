//! Checks of how apps connect to their backends (VNL307, VNL4xx): connection strings and app
//! settings parsed into host and port, the host resolved to an element of the network, and the
//! path from where the app runs to that host evaluated with the engine.
//!
//! The shared part lives here: which strings of an app are connection strings, where the app
//! runs (its App Service Environment's subnet or its VNet integration subnet), how a host names
//! an element (`azurerm_public_ip.sql.ip_address`, `reference(...).ipAddress`, a NIC's private
//! address), and how the rule that decides a path is shown.

pub(crate) mod ase_backend_unreachable;
pub(crate) mod connection_via_public_endpoint;
pub(crate) mod secret_in_connection_string;

use std::net::IpAddr;

use vnetlint_diagnostics::{Finding, Label};
use vnetlint_engine::{Access, HopTrace, PortSet, Protocol, ProtocolSet, Traffic};
use vnetlint_ir::{
    AseId, Attr, ElementId, Network, NicId, PublicIpId, Reference, Span, SubnetId, Template,
    WebAppId,
};

use crate::Context;
use crate::analysis::connection_string::{Parsed, parse_with_kind};
use crate::finding::describe_hop;

/// One string of an app that may be a connection string.
pub(crate) struct Candidate<'n> {
    pub app: WebAppId,
    /// `connection string `db`` or `app setting `DB_URL``, for messages.
    pub what: String,
    /// A stable name for fingerprints (`cs:db`, `setting:DB_URL`).
    pub key: String,
    /// The value expression.
    pub span: Span,
    pub origin: &'n vnetlint_ir::Origin,
    pub template: &'n Template,
    /// The app setting's name (`None` for a connection string).
    pub setting: Option<&'n str>,
    pub parsed: Parsed,
}

/// Every connection string and app setting with a known value, parsed. A connection string's
/// `type` decides its default port; an app setting has none.
pub(crate) fn candidates(net: &Network) -> Vec<Candidate<'_>> {
    let mut out = Vec::new();
    for (app_id, app) in net.iter_web_apps() {
        for (index, cs) in app.connection_strings.iter().enumerate() {
            let Some(attr) = cs.value.as_ref() else {
                continue;
            };
            let Some(template) = attr.get() else {
                continue;
            };
            let name = cs
                .name
                .as_ref()
                .and_then(Attr::get)
                .cloned()
                .unwrap_or_else(|| format!("#{}", index + 1));
            let kind = cs.kind.as_ref().and_then(Attr::get).map(String::as_str);
            out.push(Candidate {
                app: app_id,
                what: format!("connection string `{name}`"),
                key: format!("cs:{name}"),
                span: attr.span,
                origin: &attr.origin,
                template,
                setting: None,
                parsed: parse_with_kind(template, kind),
            });
        }
        for setting in &app.app_settings {
            let Some(template) = setting.value.get() else {
                continue;
            };
            out.push(Candidate {
                app: app_id,
                what: format!("app setting `{}`", setting.name),
                key: format!("setting:{}", setting.name),
                span: setting.value.span,
                origin: &setting.value.origin,
                template,
                setting: Some(setting.name.as_str()),
                parsed: parse_with_kind(template, None),
            });
        }
    }
    out
}

/// Where an app's outbound traffic comes from inside the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Hosted on an App Service Environment: traffic leaves from the ASE's subnet.
    Ase(AseId, SubnetId),
    /// Regional VNet integration: traffic leaves from the integration subnet.
    Integration(SubnetId),
}

impl Placement {
    /// "the App Service Environment \`ase-prod\`", for messages.
    pub(crate) fn describe(self, net: &Network) -> String {
        match self {
            Placement::Ase(ase, _) => format!(
                "the App Service Environment `{}`",
                net[ase].meta.display_name()
            ),
            Placement::Integration(subnet) => format!(
                "its integration subnet `{}`",
                net[subnet].meta.display_name()
            ),
        }
    }
}

/// Where the app runs, when the IR knows it: its plan's ASE first (an app on an ASE has no
/// regional VNet integration), else its integration subnet.
pub(crate) fn placement(net: &Network, app: WebAppId) -> Option<Placement> {
    let web = &net[app];
    let on_ase = web
        .plan
        .as_ref()
        .and_then(Attr::get)
        .and_then(|&plan| net[plan].ase.as_ref()?.get().copied())
        .and_then(|ase| Some(Placement::Ase(ase, *net[ase].subnet.as_ref()?.get()?)));
    on_ase.or_else(|| {
        web.vnet_integration_subnet
            .as_ref()
            .and_then(Attr::get)
            .map(|&s| Placement::Integration(s))
    })
}

/// The element a reference's address names; ARM resource ids compare without case.
pub(crate) fn find_element(net: &Network, address: &str) -> Option<ElementId> {
    net.find(address).or_else(|| {
        net.elements()
            .into_iter()
            .find(|&id| net.meta(id).address.eq_ignore_ascii_case(address))
    })
}

/// The attribute name without `properties.` and without case, for comparison.
fn attribute_is(reference: &Reference, names: &[&str]) -> bool {
    let attribute = reference.attribute.to_ascii_lowercase();
    let attribute = attribute.strip_prefix("properties.").unwrap_or(&attribute);
    names.contains(&attribute)
}

/// The public IP whose address a reference stands for (`ip_address`, `ipAddress`, or its DNS
/// name `fqdn`, `dnsSettings.fqdn`).
pub(crate) fn public_ip_of_reference(net: &Network, reference: &Reference) -> Option<PublicIpId> {
    match find_element(net, &reference.address)? {
        ElementId::PublicIp(pip)
            if attribute_is(
                reference,
                &["ip_address", "ipaddress", "fqdn", "dnssettings.fqdn"],
            ) =>
        {
            Some(pip)
        }
        _ => None,
    }
}

/// The public IP whose statically known address is `ip`.
pub(crate) fn public_ip_with_address(net: &Network, ip: IpAddr) -> Option<PublicIpId> {
    net.iter_public_ips().find_map(|(id, pip)| {
        let text = pip.ip_address.as_ref()?.get()?;
        (text.trim().parse::<IpAddr>().ok()? == ip).then_some(id)
    })
}

/// The NICs whose configurations carry a public IP, with that configuration's index.
pub(crate) fn nics_with_public_ip(net: &Network, pip: PublicIpId) -> Vec<(NicId, usize)> {
    let mut out = Vec::new();
    for (nic, n) in net.iter_nics() {
        for (index, config) in n.ip_configurations.iter().enumerate() {
            if config.public_ip.as_ref().and_then(Attr::get) == Some(&pip) {
                out.push((nic, index));
            }
        }
    }
    out
}

/// TCP to one port: what a database client sends.
pub(crate) fn tcp(port: u16) -> Traffic {
    Traffic {
        protocols: ProtocolSet::of(&[Protocol::Tcp]),
        dst_ports: PortSet::single(port),
    }
}

/// A hop of the path, as a secondary label and flow step: `on the path: …` or `decides it: …`.
pub(crate) fn hop_role(net: &Network, hop: &HopTrace) -> String {
    let role = match hop.access {
        Access::Allow => "on the path",
        Access::Deny => "decides it",
    };
    format!("{role}: {}", describe_hop(net, hop))
}

/// Runs `check` on every connection string and app setting of the network.
pub(crate) fn check_candidates(
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
    check: fn(&Context<'_>, &Candidate<'_>) -> Option<Finding>,
) {
    out.extend(
        candidates(ctx.network)
            .iter()
            .filter_map(|candidate| check(ctx, candidate)),
    );
}

/// The labels of the places a template value was derived from (a variable default, a local),
/// other than the use site, so that a finding there also points at where the text is written.
pub(crate) fn origin_labels(
    origin: &vnetlint_ir::Origin,
    use_site: Span,
    message: &str,
) -> Vec<Label> {
    match origin {
        vnetlint_ir::Origin::Derived(spans) => spans
            .iter()
            .filter(|&&span| span != use_site)
            .map(|&span| Label::new(span, message.to_owned()))
            .collect(),
        vnetlint_ir::Origin::Literal | vnetlint_ir::Origin::Default => Vec::new(),
    }
}
