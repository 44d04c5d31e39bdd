//! Checks about the ways into the network and what stands on them (VNL105-VNL107): a load
//! balancer's health probe denied by the NSGs of its backend, and NSG rules about a private
//! endpoint that do nothing while the subnet's network policies for NSGs are off, and NSG rules
//! that security admin rules decide first.

pub(crate) mod admin_rule_overridden;
pub(crate) mod load_balancer_probe_blocked;
pub(crate) mod private_endpoint_nsg_ineffective;
