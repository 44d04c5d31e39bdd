//! The registry: one line per check. Adding a check is its file plus one line here.

use std::sync::LazyLock;

use vnetlint_diagnostics::RuleInfo;

use crate::checks::{
    address, ase, backend, change, entry, exposure, frontend, intent, nsg, paas, routing, topology,
};
use crate::declare::Check;

/// Every check, in code order.
pub static CHECKS: &[&Check] = &[
    &frontend::parse_error::PARSE_ERROR,
    &frontend::unresolved_value::UNRESOLVED_VALUE,
    &frontend::unjustified_suppression::UNJUSTIFIED_SUPPRESSION,
    &frontend::limit_exceeded::LIMIT_EXCEEDED,
    &frontend::unused_suppression::UNUSED_SUPPRESSION,
    &exposure::internet_exposed_management_port::INTERNET_EXPOSED_MANAGEMENT_PORT,
    &exposure::internet_exposed_data_port::INTERNET_EXPOSED_DATA_PORT,
    &exposure::internet_exposed_all_ports::INTERNET_EXPOSED_ALL_PORTS,
    &topology::subnet_without_nsg::SUBNET_WITHOUT_NSG,
    &entry::load_balancer_probe_blocked::LOAD_BALANCER_PROBE_BLOCKED,
    &entry::admin_rule_overridden::ADMIN_RULE_OVERRIDDEN,
    &entry::private_endpoint_nsg_ineffective::PRIVATE_ENDPOINT_NSG_INEFFECTIVE,
    &nsg::shadowed_rule::SHADOWED_RULE,
    &nsg::redundant_rule::REDUNDANT_RULE,
    &nsg::duplicate_priority::DUPLICATE_PRIORITY,
    &nsg::invalid_rule::INVALID_RULE,
    &ase::ase_subnet_shared::ASE_SUBNET_SHARED,
    &ase::ase_inbound_blocked::ASE_INBOUND_BLOCKED,
    &ase::ase_outbound_blocked::ASE_OUTBOUND_BLOCKED,
    &ase::ase_dns_unreachable::ASE_DNS_UNREACHABLE,
    &ase::ase_subnet_too_small::ASE_SUBNET_TOO_SMALL,
    &ase::ase_dns_changed::ASE_DNS_CHANGED,
    &backend::ase_backend_unreachable::ASE_BACKEND_UNREACHABLE,
    &backend::connection_via_public_endpoint::CONNECTION_VIA_PUBLIC_ENDPOINT,
    &backend::secret_in_connection_string::SECRET_IN_CONNECTION_STRING,
    &address::subnet_outside_vnet::SUBNET_OUTSIDE_VNET,
    &address::overlapping_subnets::OVERLAPPING_SUBNETS,
    &address::overlapping_connected_address_space::OVERLAPPING_CONNECTED_ADDRESS_SPACE,
    &address::forbidden_address_range::FORBIDDEN_ADDRESS_RANGE,
    &address::public_address_space::PUBLIC_ADDRESS_SPACE,
    &paas::sql_firewall_open_to_internet::SQL_FIREWALL_OPEN_TO_INTERNET,
    &paas::sql_firewall_allows_all_azure::SQL_FIREWALL_ALLOWS_ALL_AZURE,
    &paas::paas_public_network_open::PAAS_PUBLIC_NETWORK_OPEN,
    &routing::ip_forwarding_disabled::IP_FORWARDING_DISABLED,
    &routing::asymmetric_route::ASYMMETRIC_ROUTE,
    &routing::unsupported_route_table::UNSUPPORTED_ROUTE_TABLE,
    &intent::intent_violated::INTENT_VIOLATED,
    &change::reachability_opened::REACHABILITY_OPENED,
    &change::reachability_closed::REACHABILITY_CLOSED,
];

static INFOS: LazyLock<Vec<RuleInfo>> = LazyLock::new(|| CHECKS.iter().map(|c| c.info()).collect());

/// The catalog as the outputs need it (SARIF `rules`, `vnetlint rules`), in code order.
pub fn rule_infos() -> &'static [RuleInfo] {
    &INFOS
}

/// Finds a check by its code (`VNL101`) or its name (`internet-exposed-management-port`).
pub fn check_by_code(code_or_name: &str) -> Option<&'static Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(code_or_name) || c.name == code_or_name)
}
