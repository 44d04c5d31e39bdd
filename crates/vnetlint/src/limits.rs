//! The resource limits of a run: the documented defaults (`vnetlint_diagnostics::Limits`),
//! raised or lowered by `[limits]` in `vnetlint.toml` and then by command-line flags, which win.
//! `docs/limits.md` documents each limit; the driver enforces the file size and the element
//! count, the frontends the rest.

use std::collections::BTreeMap;

use serde::Deserialize;
use vnetlint_diagnostics::{Finding, Limit, Limits, Span, TextRange};
use vnetlint_source::FileId;

/// Limits set by name (from `vnetlint.toml` or flags); unset ones keep their default.
pub type LimitSettings = BTreeMap<Limit, u64>;

/// `[limits]` of `vnetlint.toml`; the keys are the limits' names, which all start with `max`.
#[allow(clippy::struct_field_names)]
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLimits {
    max_file_size: Option<u64>,
    max_depth: Option<u64>,
    max_instances: Option<u64>,
    max_collection: Option<u64>,
    max_elements: Option<u64>,
    max_string_len: Option<u64>,
    max_eval_steps: Option<u64>,
    max_eval_bytes: Option<u64>,
    max_unit_seconds: Option<u64>,
}

impl RawLimits {
    pub(crate) fn settings(&self) -> LimitSettings {
        [
            (Limit::FileSize, self.max_file_size),
            (Limit::Depth, self.max_depth),
            (Limit::Instances, self.max_instances),
            (Limit::Collection, self.max_collection),
            (Limit::Elements, self.max_elements),
            (Limit::StringLen, self.max_string_len),
            (Limit::EvalSteps, self.max_eval_steps),
            (Limit::EvalBytes, self.max_eval_bytes),
            (Limit::UnitSeconds, self.max_unit_seconds),
        ]
        .into_iter()
        .filter_map(|(limit, value)| Some((limit, value?)))
        .collect()
    }
}

/// The limits of a run: defaults, then the configuration file, then the flags.
pub fn effective(config: &LimitSettings, flags: &LimitSettings) -> Limits {
    let mut limits = Limits::default();
    for (limit, value) in config.iter().chain(flags) {
        limits.set(*limit, *value);
    }
    limits
}

/// The number of network elements of a unit, for the `max_elements` limit.
pub(crate) fn element_count(network: &vnetlint_ir::Network) -> usize {
    [
        network.vnets.len(),
        network.subnets.len(),
        network.nsgs.len(),
        network.security_rules.len(),
        network.asgs.len(),
        network.nics.len(),
        network.public_ips.len(),
        network.vms.len(),
        network.route_tables.len(),
        network.peerings.len(),
        network.firewalls.len(),
        network.firewall_policies.len(),
        network.firewall_rule_collection_groups.len(),
        network.ip_groups.len(),
        network.nat_gateways.len(),
        network.load_balancers.len(),
        network.lb_backend_pools.len(),
        network.lb_rules.len(),
        network.lb_nat_rules.len(),
        network.lb_probes.len(),
        network.application_gateways.len(),
        network.network_managers.len(),
        network.network_groups.len(),
        network.security_admin_configurations.len(),
        network.admin_rule_collections.len(),
        network.admin_rules.len(),
        network.network_manager_deployments.len(),
        network.vnet_gateways.len(),
        network.local_gateways.len(),
        network.gateway_connections.len(),
        network.ases.len(),
        network.service_plans.len(),
        network.web_apps.len(),
        network.sql_servers.len(),
        network.sql_firewall_rules.len(),
        network.sql_virtual_machines.len(),
        network.private_endpoints.len(),
        network.storage_accounts.len(),
        network.data_services.len(),
        network.service_firewall_rules.len(),
        network.express_route_circuits.len(),
    ]
    .iter()
    .sum()
}

/// Enforces `max_elements` on a lowered unit: past the limit the unit's network is not checked
/// (it is replaced by an empty one) and a VNL004 finding at the start of `file` says so.
pub(crate) fn enforce_elements(
    network: &mut vnetlint_ir::Network,
    limits: &Limits,
    file: FileId,
) -> Option<Finding> {
    let count = element_count(network);
    if count <= limits.max_elements {
        return None;
    }
    *network = vnetlint_ir::Network::default();
    Some(limits.finding(
        Limit::Elements,
        Span::new(file, TextRange::empty(0)),
        &format!("this module or template has {count} network elements"),
        "its network is not checked",
    ))
}
