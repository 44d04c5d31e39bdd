//! Exact NSG semantics over packet sets: interval-based address, port and protocol sets, NSG
//! rule validation and compilation, and first-match evaluation that names the deciding rule.
//!
//! The engine knows no file format and no check. It reads the IR (`vnetlint_ir::Network`) and
//! answers questions such as "what does this NSG allow from the Internet to TCP 22" over *all*
//! packets (see the design note in [`packet`]). Rules whose values are unknown get a lower
//! bound (what they certainly match) and an upper bound (what they may match), and
//! [`Mode`] picks the over- or under-approximation.

pub mod addr;
mod admin;
mod compile;
mod dnat;
mod endpoint;
mod entry;
mod firewall;
mod fold;
mod index;
pub mod interval;
mod legs;
mod merge;
mod model;
mod paas;
pub mod packet;
mod path;
mod routes;
mod ruleset;
mod service_traffic;
pub mod tags;
mod topology;
mod trace;
mod validate;

pub use addr::AddrSet;
pub use admin::{AdminAction, AdminLayer, CompiledAdminRule};
pub use compile::{compile_nsg, default_rules};
pub use dnat::DnatEntry;
pub use endpoint::{EndpointPolicies, endpoint_policies};
pub use entry::{Arrival, Arrivals, DnatArrival, EntryPoint, EntryVia};
pub use firewall::{CompiledFirewall, CompiledFirewallRule, FirewallDecision};
pub use fold::{PacketUnion, open_pairs};
pub use interval::{Endpoint, IntervalSet};
pub use legs::{MAX_LEGS, Step, StepKind};
pub use model::{
    Access, Bounds, CompiledNsg, CompiledRule, Decision, DefaultRule, Direction, Mode, RuleRef,
    Uncertainty, Verdict,
};
pub use paas::ServiceRef;
pub use packet::{Cube, Packet, PacketSet, PortSet, Protocol, ProtocolSet};
pub use path::{
    Association, Hop, HopTrace, PairResult, PathResult, PathVerdict, ResolvedEndpoint, Segment,
    Traffic, parse_ports, parse_protocols,
};
pub use routes::{
    Appliance, EffectiveRoute, EffectiveRoutes, NextHop, RouteOrigin, appliance_at,
    resolve_appliance,
};
pub use ruleset::*;
pub use service_traffic::*;
pub use tags::{OPAQUE_TAGS, StructuralTag, TagContext, TagLookup, lookup_tag};
pub use topology::{PeeringLink, PeeringState, Topology};
pub use validate::{NsgLimit, NsgProblem, ProblemKind, Reading, RuleProblem, validate_rule};
